/**
 * Orders strings by code point, the same on every machine. Not `localeCompare`: its first call
 * loads ICU's collation data (~11 ms here), paid by every `qlock status` and git hook that sorts
 * a list; session names are ASCII and paths are compared as git compares them.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
