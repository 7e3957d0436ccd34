// Bundles the CLI into dist/bundle/ with esbuild: one file per lazily imported command (code
// splitting), dependencies inlined. Loading one bundled chunk instead of ~40 dist modules and
// proper-lockfile's CommonJS tree saves 10-30 ms per run, which is most of the hooks' budget
// (see bench/RESULTS.md). Type checking and declarations stay with tsc (tsconfig.build.json).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/bin.ts'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Optional peer of cosmiconfig (TypeScript config files): loaded from the user's project if present.
  external: ['typescript'],
  // CommonJS dependencies (proper-lockfile, cosmiconfig) call require(); give the ESM chunks one.
  banner: {
    js: "import { createRequire as __qlockCreateRequire } from 'node:module'; const require = __qlockCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
