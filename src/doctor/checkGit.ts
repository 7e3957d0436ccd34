import { gitVersion } from '../git/repo.js';
import { messages } from '../ui/messages.js';
import type { Check } from './types.js';

/**
 * The git qlock runs: found at all, and new enough for what qlock relies on everywhere
 * (`worktree list -z`, 2.36; `rev-parse --path-format=absolute`, 2.31). Whether it can predict
 * conflicts exactly (`merge-tree --write-tree`, 2.38) is the conflicts check's finding.
 */
export const MIN_GIT: [number, number] = [2, 36];

export const checkGit: Check = async (ws) => {
  if (ws.project.kind !== 'git') return [];
  let version: [number, number, number];
  try {
    version = await gitVersion(ws.project.root);
  } catch (error) {
    return [
      {
        check: 'git',
        ok: false,
        message: messages.doctorGitMissing((error as Error).message.split('\n')[0]!),
        fix: messages.doctorGitMissingFix(),
      },
    ];
  }
  const text = version.join('.');
  const needed = MIN_GIT.join('.');
  const [major, minor] = version;
  if (major > MIN_GIT[0] || (major === MIN_GIT[0] && minor >= MIN_GIT[1]))
    return [{ check: 'git', ok: true, message: messages.doctorGitOk(text) }];
  return [
    {
      check: 'git',
      ok: false,
      message: messages.doctorGitOld(text, needed),
      fix: messages.doctorGitOldFix(needed),
    },
  ];
};
