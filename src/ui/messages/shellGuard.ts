import { safeText } from '../safeText.js';

/**
 * Messages of the agents' shell write guard (src/agents/shell*.ts): why qlock treats a shell
 * command as one that may write a file it cannot name for sure. They reach the model inside the
 * refusal, after the holder.
 */

export const shellGuardMessages = {
  shellUnsureScript: (interpreter: string) =>
    `the ${interpreter} script writes files and names this one`,
  shellUnsureFromInput: (tool: string, where: string) =>
    `${tool} writes files whose names it reads at run time, in ${where}`,
  shellUnsureGitApply: () => `git apply's patch could not be read, so it may change any file`,
  shellUnsurePatch: () => `patch's input could not be read, so it may change any file`,
  shellUnsureGitState: (command: string) =>
    `\`${command}\` writes the files it lists, which qlock could not list`,
  shellUnsureGitRevision: (command: string, revision: string) =>
    `\`${command}\` names the revision "${safeText(revision)}", which qlock does not pass to git (it reads as an option), so it may change any file`,
  shellUnsureCodexWorkdir: (written: string, cwd: string) =>
    `Codex does not tell its hooks the \`workdir\` a shell command runs in, so "${written}" may be ` +
    `this file under some directory of ${cwd}`,
  /** Appended to a refusal that rests on a guess. */
  shellUnsureNote: (whys: string[]) =>
    `qlock could not be sure this command writes it (${whys.join('; ')}), and refused to be safe. ` +
    `If it does not, run it on files nobody holds, or name the file explicitly; to change a file, ` +
    `use your file-editing tool, which qlock checks exactly.`,
};
