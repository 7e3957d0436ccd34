import { describe, expect, it } from 'vitest';

import { parseHookEvent } from '../../src/agents/adapters/index.js';
import {
  cap,
  contextOutcome,
  denyOutcome,
  MAX_CONTEXT,
  TRUNCATED,
  warnOutcome,
} from '../../src/agents/hookOutput.js';

describe('what each agent gets', () => {
  it('context: plain stdout for Q, Kiro and Claude; JSON additionalContext for Gemini and Codex', () => {
    expect(contextOutcome('q', 'prompt', 'hello')).toEqual({
      exitCode: 0,
      stdout: 'hello\n',
      stderr: '',
    });
    expect(contextOutcome('claude', 'session-start', 'hello').stdout).toBe('hello\n');
    expect(JSON.parse(contextOutcome('gemini', 'prompt', 'hello').stdout)).toEqual({
      hookSpecificOutput: { hookEventName: 'BeforeAgent', additionalContext: 'hello' },
    });
    expect(JSON.parse(contextOutcome('codex', 'session-start', 'hello').stdout)).toEqual({
      hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: 'hello' },
    });
  });

  it('deny: exit 2 with the reason on stderr everywhere, plus each agent’s JSON form', () => {
    for (const agent of ['q', 'kiro', 'claude', 'gemini', 'codex'] as const) {
      const out = denyOutcome(agent, 'pre-tool', 'locked');
      expect(out.exitCode).toBe(2);
      expect(out.stderr).toBe('locked\n');
    }
    expect(denyOutcome('q', 'pre-tool', 'locked').stdout).toBe('');
    expect(JSON.parse(denyOutcome('claude', 'pre-tool', 'locked').stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: 'locked',
      },
    });
    expect(
      JSON.parse(denyOutcome('codex', 'pre-tool', 'locked').stdout).hookSpecificOutput
        .permissionDecision,
    ).toBe('deny');
    expect(JSON.parse(denyOutcome('gemini', 'pre-tool', 'locked').stdout)).toEqual({
      decision: 'deny',
      reason: 'locked',
    });
  });

  it('soft warnings only where the agent has a channel for them', () => {
    expect(warnOutcome('q', 'pre-tool', 'careful').stdout).toBe('');
    expect(warnOutcome('gemini', 'pre-tool', 'careful').stdout).toBe('');
    expect(JSON.parse(warnOutcome('gemini', 'post-tool', 'careful').stdout)).toEqual({
      hookSpecificOutput: { hookEventName: 'AfterTool', additionalContext: 'careful' },
    });
    expect(JSON.parse(warnOutcome('claude', 'pre-tool', 'careful').stdout)).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: 'careful' },
    });
  });

  it('keeps context under the agents’ output limits', () => {
    const out = contextOutcome('q', 'prompt', 'x'.repeat(50_000));
    expect(out.stdout.length).toBeLessThan(10_240);
    expect(out.stdout).toContain('truncated');
  });

  it('accepts qlock’s and the agents’ event names', () => {
    expect(parseHookEvent('q', 'preToolUse')).toBe('pre-tool');
    expect(parseHookEvent('gemini', 'BeforeAgent')).toBe('prompt');
    expect(parseHookEvent('gemini', 'AfterTool')).toBe('post-tool');
    expect(parseHookEvent('claude', 'session-start')).toBe('session-start');
    expect(parseHookEvent('codex', 'Stop')).toBeUndefined();
  });
});

describe('cap', () => {
  it('keeps context under Q’s 10 KiB output limit in bytes, not characters', () => {
    expect(cap('short — fine')).toBe('short — fine');
    const long = '- src/é.ts: b — do not edit\n'.repeat(400); // 28 characters, 31 bytes a line
    expect(long.length).toBeLessThan(12_000);
    const capped = cap(long);
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(9000);
    expect(capped).toMatch(/\n… \(truncated: see `qlock status`\)$/);
    expect(capped).not.toContain('\uFFFD');
    expect(long.startsWith(capped.slice(0, -40))).toBe(true);
  });

  it('drops a character the byte cut splits in two, never leaving half of it', () => {
    const room = MAX_CONTEXT - Buffer.byteLength(TRUNCATED);
    // 'é' is two bytes: the first one starts at byte room-1, so the cut at `room` splits it.
    const text = 'a'.repeat(room - 1) + 'é'.repeat(1000);
    const capped = cap(text);
    expect(capped).toBe('a'.repeat(room - 1) + TRUNCATED);
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(MAX_CONTEXT);
  });
});
