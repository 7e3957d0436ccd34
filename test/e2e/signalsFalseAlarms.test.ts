import { describe, it } from 'vitest';

/**
 * Issue 21 point 6, false alarms. Done: a main-moved notice names the files of the last move only
 * (test/e2e/signalsDigest.test.ts, "the main-moved notice"). Not done yet, each left here as what a
 * test must show (through the built CLI, both directions):
 */
describe('false alarms (issue 21.6): still to do', () => {
  it.skip('after `qlock sync`, `qlock watch` does not report the synced session as editing the files base brought in (src/watch/: the sync rewrites the tree; the watcher must compare against the new merge-base, not read the rewrite as edits), while a real edit after the sync is still reported', () => {});
  it.skip('plain-directory mode: the agent config files qlock itself wrote (.claude/settings.local.json, .mcp.json, .gemini/settings.json, .codex/, .amazonq/, .kiro/) are no session’s work: no overlap between two untouched agent sessions, and `qlock rm` removes an untouched one; a file the user wrote there still counts', () => {});
  it.skip('plain-directory mode: a deleted file is shown as deleted, not modified (status, conflicts, who)', () => {});
});
