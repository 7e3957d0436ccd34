/**
 * What every command receives instead of reaching for globals: the cwd, the environment, the
 * clock and the output streams. Tests pass their own.
 */
export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --session NAME, if given. */
  session?: string;
  json: boolean;
  now(): Date;
  out(text: string): void;
  err(text: string): void;
}

export function defaultContext(overrides: Partial<Context> = {}): Context {
  return {
    cwd: process.cwd(),
    env: process.env,
    json: false,
    now: () => new Date(),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    ...overrides,
  };
}
