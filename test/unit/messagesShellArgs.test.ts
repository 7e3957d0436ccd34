import { describe, expect, it } from 'vitest';

import { agentMessages } from '../../src/ui/messages/agents.js';
import { hookMessages } from '../../src/ui/messages/hooks.js';

// Every command a message suggests must run as copied, whatever the path holds.
const odd = "my dir/it's.ts";
const quoted = `'my dir/it'\\''s.ts'`;

describe('commands suggested in hook messages quote their paths', () => {
  it('git hooks', () => {
    expect(
      hookMessages.lockedWarn([{ path: odd, lockPath: odd, session: 'b', holder: 'b' }]),
    ).toContain(`qlock who ${quoted}`);
    expect(hookMessages.overlapWarn('b', [odd])).toContain(`qlock who ${quoted}`);
  });

  it('agent hooks', () => {
    const deny = agentMessages.hookDenyLocked(['x'], ['b'], [odd]);
    expect(deny).toContain(`qlock unlock ${quoted}\``);
    expect(deny).toContain(`qlock unlock ${quoted} --force`);
    expect(agentMessages.hookWarnOverlap([{ path: odd, sessions: ['b'] }])).toContain(
      `qlock who ${quoted}`,
    );
  });

  it('plain paths stay unquoted', () => {
    expect(hookMessages.overlapWarn('b', ['src/a.ts'])).toContain('`qlock who src/a.ts`');
  });
});
