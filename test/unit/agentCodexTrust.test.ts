import { describe, expect, it } from 'vitest';

import { codexHookHash, codexTrustEntries } from '../../src/agents/codexTrust.js';

// Expected values computed with reference tools/codex-hook-hash.mjs (the algorithm checked against
// a real Codex 0.169): `node codex-hook-hash.mjs pre_tool_use 'apply_patch|Bash' '<command>'`.
const PRE = '"/usr/bin/node" "/opt/qlock/bin/qlock.js" agent-hook codex pre-tool';
const START = '"/usr/bin/node" "/opt/qlock/bin/qlock.js" agent-hook codex session-start';

describe('codexHookHash', () => {
  it('matches Codex’s hash of a hook with a matcher and the default timeout', () => {
    expect(codexHookHash('pre_tool_use', 'apply_patch|Bash', { command: PRE })).toBe(
      'sha256:f178e4342b80d550b239e76c04ef057fd60a5e9835c599ad88834ddd38b091a9',
    );
  });

  it('matches Codex’s hash of a hook without a matcher', () => {
    expect(codexHookHash('session_start', undefined, { command: START })).toBe(
      'sha256:37b33232128d8117bac9a443150c3ab4e98db191a62348fe64258c1cca6810cd',
    );
  });

  it('changes with the command, the matcher and the timeout', () => {
    const base = codexHookHash('pre_tool_use', 'apply_patch|Bash', { command: PRE });
    expect(codexHookHash('pre_tool_use', 'apply_patch', { command: PRE })).not.toBe(base);
    expect(
      codexHookHash('pre_tool_use', 'apply_patch|Bash', { command: PRE, timeout: 30 }),
    ).not.toBe(base);
    expect(codexHookHash('pre_tool_use', 'apply_patch|Bash', { command: `${PRE} ` })).not.toBe(
      base,
    );
  });
});

describe('codexTrustEntries', () => {
  it('keys each qlock handler by source file, event, group and handler position', () => {
    const config = {
      hooks: {
        PreToolUse: [
          { matcher: 'Bash', hooks: [{ type: 'command', command: 'lint' }] },
          { matcher: 'apply_patch|Bash', hooks: [{ type: 'command', command: PRE }] },
        ],
        SessionStart: [{ hooks: [{ type: 'command', command: START }] }],
      },
    };
    expect(codexTrustEntries('/r/.codex/hooks.json', config)).toEqual([
      {
        key: '/r/.codex/hooks.json:pre_tool_use:1:0',
        hash: 'sha256:f178e4342b80d550b239e76c04ef057fd60a5e9835c599ad88834ddd38b091a9',
        event: 'PreToolUse',
      },
      {
        key: '/r/.codex/hooks.json:session_start:0:0',
        hash: 'sha256:37b33232128d8117bac9a443150c3ab4e98db191a62348fe64258c1cca6810cd',
        event: 'SessionStart',
      },
    ]);
  });
});
