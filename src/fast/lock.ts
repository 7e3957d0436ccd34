/** Fast-path handler; returns undefined (= use the full CLI) until this command's fast path lands. */
export async function runFast(_argv: string[]): Promise<number | undefined> {
  return undefined;
}
