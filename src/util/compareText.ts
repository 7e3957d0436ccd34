/**
 * Orders strings by UTF-16 code unit, the same on every machine. Not `localeCompare`: its first
 * call loads ICU's collation data (~11 ms here), paid by every `qlock status` and git hook that
 * sorts a list. Session names are ASCII; for paths this is git's byte order except for
 * characters beyond the Basic Multilingual Plane, which only changes the order they are listed in.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
