import fs from 'node:fs';

/** The package version, read once from package.json two levels up (dist/util/ and dist/bundle/ alike). */
export const VERSION: string = (() => {
  try {
    const url = new URL('../../package.json', import.meta.url);
    return (JSON.parse(fs.readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
