/**
 * Entry point behind bin/qlock.js when no fresh bundle runs the command: the light way in for the
 * hot commands (src/cli/fast.ts), commander for everything it does not take (src/cli.ts).
 */
export async function run(argv: string[]): Promise<number> {
  const { runFast } = await import('./cli/fast.js');
  const fast = await runFast(argv);
  if (fast !== undefined) return fast;
  const { main } = await import('./cli.js');
  return main(argv);
}
