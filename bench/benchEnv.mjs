// The isolated git environment every benchmark runs in: a private global config (fixed identity,
// no automatic gc or maintenance that would land in a measurement) and none of the caller's
// per-repository GIT_* variables (the same list src/git/exec.ts removes) nor QLOCK_* switches.
import fs from 'node:fs';

import { LOCAL_GIT_ENV_VARS } from '../dist/git/exec.js';

const GITCONFIG =
  '[user]\n\tname = bench\n\temail = bench@qlock.invalid\n[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n';

/** Writes the benchmark's git config to `file`, with `extra` sections appended. */
export function writeGitconfig(file, extra = '') {
  fs.writeFileSync(file, GITCONFIG + extra);
}

/** process.env for git and qlock child processes that use the config at `gitconfig`. */
export function isolatedEnv(gitconfig) {
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
  };
  for (const key of [...LOCAL_GIT_ENV_VARS, 'QLOCK', 'QLOCK_SESSION', 'QLOCK_DEBUG'])
    delete env[key];
  return env;
}
