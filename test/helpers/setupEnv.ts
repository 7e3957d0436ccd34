import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll } from 'vitest';

import { LOCAL_GIT_ENV_VARS } from '../../src/git/exec.js';

/**
 * Every test process gets a repeatable git: no system or user config (a private global config
 * with a fixed identity instead), fixed dates, no editor, UTC, and none of the GIT_* variables of
 * whatever ran the suite (a pre-push hook would otherwise leak its repository into every test).
 */
for (const key of LOCAL_GIT_ENV_VARS) delete process.env[key];
// The real home, before it is replaced: test/helpers/agentClients.ts keeps its cache and finds the
// user's npm config there.
process.env.QLOCK_TEST_REAL_HOME ??= process.env.HOME ?? os.homedir();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-test-home-'));
// Repositories built once per test file and copied per test (test/helpers/repo.ts).
const templates = fs.mkdtempSync(path.join(os.tmpdir(), 'qlock-test-templates-'));
// Each test file gets its own home; remove it once the file's tests are done.
afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(templates, { recursive: true, force: true });
});
const gitconfig = path.join(home, '.gitconfig');
fs.writeFileSync(
  gitconfig,
  [
    '[user]',
    '\tname = qlock test',
    '\temail = test@qlock.invalid',
    '[init]',
    '\tdefaultBranch = main',
    '[gc]',
    '\tauto = 0',
    '[maintenance]',
    '\tauto = false',
    '[commit]',
    '\tgpgSign = false',
    '[protocol "file"]',
    '\tallow = always',
    '',
  ].join('\n'),
);
Object.assign(process.env, {
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  XDG_STATE_HOME: path.join(home, '.local', 'state'),
  GIT_CONFIG_GLOBAL: gitconfig,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_EDITOR: ':',
  GIT_TERMINAL_PROMPT: '0',
  TZ: 'UTC',
  LC_ALL: 'C',
  NO_COLOR: '1',
  QLOCK_TEST: '1',
  QLOCK_TEST_TEMPLATES: templates,
});
delete process.env.QLOCK_SESSION;
delete process.env.QLOCK;
delete process.env.QLOCK_DEBUG;
