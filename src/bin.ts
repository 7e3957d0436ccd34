import { runFast } from './cli/fast.js';

/**
 * Entry point of bin/qlock.js, both from a hot command's bundle (scripts/bundle.mjs: this module
 * is each bundle's entry) and from dist/ when no fresh bundle runs the command: the light way in
 * for the hot commands (src/cli/fast.ts), commander for everything it does not take (src/cli.ts,
 * loaded only then: in a bundle, from a lazy chunk of the same build).
 */
export { runFast };

export async function runCommander(argv: string[]): Promise<number> {
  const { main } = await import('./cli.js');
  return main(argv);
}

export async function run(argv: string[]): Promise<number> {
  const fast = await runFast(argv);
  if (fast !== undefined) return fast;
  return runCommander(argv);
}
