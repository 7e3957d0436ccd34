/**
 * Entry point behind bin/qlock.js. The fast path handles well-formed hot invocations without
 * loading commander (~10-15 ms); it returns undefined for anything it does not handle, and the
 * full CLI takes over.
 */
export async function run(argv: string[]): Promise<number> {
  const { runFast } = await import('./fastPath.js');
  const fast = await runFast(argv);
  if (fast !== undefined) return fast;
  const { main } = await import('./cli.js');
  return main(argv);
}
