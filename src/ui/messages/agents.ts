/** Messages of the agents area (see src/ui/messages.ts). */

import { AGENT_TITLES, AGENTS, isAgentName } from '../../project/agentNames.js';
import { safeText } from '../safeText.js';
import { shellArg } from './locks.js';

const title = (agent: string) => (isAgentName(agent) ? AGENT_TITLES[agent] : agent);
const agentList = () => `${AGENTS.slice(0, -1).join(', ')} or ${AGENTS.at(-1)}`;

/** "a, b and 3 more": keeps a line readable. */
function some(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export interface BriefingSession {
  name: string;
  state: string;
  branch?: string;
  /** Changed files; 'unknown' when they could not be read in time; absent for stale sessions. */
  changed?: string[] | 'unknown';
}

export interface BriefingLock {
  path: string;
  holder: string;
  mine: boolean;
}

export const agentMessages = {
  // ---- `qlock agent install|uninstall` ------------------------------------------------------
  agentTitle: title,
  unknownAgent: (name: string) => `Unknown agent "${name}": use ${agentList()}.`,
  unknownHookEvent: (name: string) =>
    `Unknown agent hook event "${name}": use session-start, prompt, pre-tool or post-tool (or the agent's own event name).`,
  copilotTrust: (dir: string) =>
    `GitHub Copilot CLI runs a repository's hooks only in a folder you trust: answer its trust prompt in ${dir}, or add it to "trustedFolders" in ~/.copilot/config.json.`,
  trustOnlyCodex: (agent: string) =>
    `--trust is for codex only (Codex CLI runs hooks only once their trust is recorded); ${title(agent)} needs no trust step.`,
  agentConfigUnreadable: (file: string, reason: string) =>
    `Cannot read ${file}: ${reason}\nCheck its permissions; nothing was changed.`,
  agentConfigNotJson: (file: string, reason: string) =>
    `${file} is not plain JSON (${reason}), so qlock will not rewrite it.\n` +
    `Fix it (comments are not allowed), or add qlock's entries by hand; nothing was changed.`,
  agentConfigNotRestorable: (file: string, reason: string) =>
    `${file} cannot be edited and given back byte for byte: ${reason}.\n` +
    `Remove the duplicate or "__proto__" member, or add qlock's entries by hand; nothing was changed.`,
  agentConfigNotJsonc: (file: string, reason: string) =>
    `${file} is not valid JSON with comments (${reason}), so qlock will not rewrite it.\n` +
    `Fix it, or add qlock's entries by hand; nothing was changed.`,
  agentConfigComments: (file: string) =>
    `${file} has comments where qlock's entries go that a rewrite would lose (e.g. inside a one-line object or array), so nothing was changed.\n` +
    "Move those comments, or add qlock's entries by hand.",
  agentWorktreeJoined: (name: string, dir: string) =>
    `This worktree (${dir}), made by the agent itself, is now qlock session "${name}" (autoJoin; \`qlock rm ${name} --keep-worktree\` undoes it).`,
  agentFileNotOurs: (file: string) =>
    `${file} exists and is not qlock's; nothing was changed.\nMove it away (or rename it), then run the command again.`,
  agentConfigShape: (file: string, reason: string) =>
    `${file} has an unexpected shape (${reason}); nothing was changed.\nFix that key, then run the command again.`,
  agentConfigUnwritable: (file: string, reason: string) =>
    `Cannot write ${file}: ${reason}\nCheck the directory's permissions.`,
  agentTomlUnreadable: (file: string, reason: string) =>
    `${file} is not valid TOML (${reason}); nothing was changed.\nFix it, then run the command again.`,
  agentTomlConflict: (file: string, reason: string, snippet: string) =>
    `Adding qlock's entries would make ${file} invalid TOML (${reason}), so nothing was changed.\n` +
    `Add them by hand where they fit:\n${snippet}`,
  agentMcpForeign: (file: string) =>
    `${file} already has an MCP server named "qlock" that qlock did not write: left as it is.`,
  agentNoProjectDir: (cwd: string) =>
    `${cwd} is not inside a qlock project, so there is no session to install into.\n` +
    `Run this in a session's worktree, pass --session NAME, or use --global for your user-level config.`,
  agentInstalled: (agent: string, scope: string, dir: string) =>
    scope === 'global'
      ? `qlock's ${title(agent)} hooks are installed in your user-level configuration:`
      : `qlock's ${title(agent)} hooks are installed for ${dir}:`,
  agentUninstalled: (agent: string, scope: string, dir: string) =>
    scope === 'global'
      ? `qlock's ${title(agent)} hooks are removed from your user-level configuration:`
      : `qlock's ${title(agent)} hooks are removed from ${dir}:`,
  agentFromUserAgent: (file: string) =>
    `It starts as a copy of your default agent ${file} (this file replaces it in this directory).`,
  agentHooksTwice: (agent: string, file: string, otherScope: string) =>
    `qlock's ${title(agent)} hooks are also in ${file}, and ${title(agent)} runs both: each briefing and refusal would come twice. ` +
    `Keep one: \`qlock agent uninstall ${agent}${otherScope === 'global' ? ' --global' : ''}\`${otherScope === 'global' ? '' : ' (in that worktree)'}.`,
  agentConfigTracked: (file: string) =>
    `${file} is tracked by git: qlock's entries in it name this machine's paths, so keep them out of your commits ` +
    `(stage with \`git add -p\`), or install for your user only with --global.`,
  agentNothingToRemove: (agent: string) =>
    `  nothing to remove: none of qlock's ${title(agent)} entries were there.`,
  agentExcluded: (patterns: string[]) =>
    `Listed in the repository's info/exclude (machine-specific, never committed): ${patterns.join(', ')}`,
  agentUnexcluded: (patterns: string[]) =>
    `Taken out of the repository's info/exclude: ${patterns.join(', ')}`,
  agentNext: (agent: string, scope: string, dir: string): string[] => {
    const where = scope === 'global' ? 'in any session directory' : `in ${dir}`;
    switch (agent) {
      case 'q':
        return [
          `Start \`q chat\` ${where}: the hooks are in the default agent (q_cli_default), which keeps the default agent's tools and resources.`,
          'If you chose another default agent (`q settings chat.defaultAgent`), start with `q chat --agent q_cli_default`.',
        ];
      case 'kiro':
        return [
          `Start \`kiro-cli chat --agent qlock\` ${where}, or make it your default: \`kiro-cli settings chat.defaultAgent qlock\`.`,
        ];
      case 'claude':
        return [`Start \`claude\` ${where}; Claude Code asks once to trust the folder.`];
      case 'gemini':
        return [
          `Start \`gemini\` ${where}; Gemini CLI runs project hooks only in a trusted folder (it asks once).`,
        ];
      case 'codex':
        return [
          `Start \`codex\` ${where}; Codex CLI reads .codex/ only in a project you trusted (it asks once).`,
        ];
      default:
        return [];
    }
  },
  codexTrustRecorded: (file: string, count: number) =>
    `Recorded the trust of qlock's ${count} Codex hook(s) in ${file}: Codex will run them.`,
  codexTrustAlready: (file: string) =>
    `The trust of qlock's Codex hooks is already recorded in ${file}.`,
  codexTrustNeeded: (file: string, snippet: string, scope: string, dir: string) =>
    `Codex CLI skips hooks whose trust is not recorded, without a word. Trust qlock's hooks with\n` +
    (scope === 'global'
      ? `  qlock agent install codex --global --trust\n`
      : `  qlock agent install codex --trust      (in ${dir})\n`) +
    `or add this to ${file}:\n${snippet}`,
  codexHooksShared: (users: string[]) =>
    `Kept qlock's Codex hooks in the main checkout: Codex reads them for every worktree, and ${some(users)} still use${users.length === 1 ? 's' : ''} them (uninstall there too to remove them).`,
  codexTrustUserEntry: (key: string) =>
    `${key} already has a trust entry of your own in the Codex config: left as it is.`,

  // ---- doctor ---------------------------------------------------------------------------------
  doctorAgentsNone: () =>
    'no agent hooks installed (optional: `qlock agent install claude` and others, in a session)',
  doctorAgentsOk: (where: string, agents: string[]) =>
    `${where}: qlock hooks for ${agents.map(title).join(', ')}`,
  doctorAgentBroken: (file: string, what: string) => `${file}: ${what}`,
  doctorAgentUnreachable: (command: string) =>
    `a qlock hook runs a node or qlock that no longer exists: ${command}`,
  doctorAgentPartial: (missing: string[]) =>
    `qlock's hooks are incomplete (missing: ${missing.join(', ')})`,
  doctorAgentFix: (agent: string, scope: string, dir: string) =>
    scope === 'global'
      ? `qlock agent install ${agent} --global`
      : `qlock agent install ${agent}   (run in ${dir})`,
  doctorCodexUntrusted: (file: string, count: number) =>
    `${count} of qlock's Codex hooks in ${file} have no recorded trust: Codex will not run them`,
  doctorCodexFix: (scope: string, dir: string) =>
    scope === 'global'
      ? 'qlock agent install codex --global --trust'
      : `qlock agent install codex --trust   (run in ${dir})`,
  doctorCodexProjectUntrusted: (dir: string, file: string) =>
    `Codex ignores ${dir}/.codex unless the project is trusted in ${file} ([projects."${dir}"] trust_level = "trusted"); start codex there once and trust it`,

  // ---- agent-hook: what reaches the model ----------------------------------------------------
  hookLockedPath: (path: string, lockPath: string, holder: string) =>
    lockPath === path
      ? `${path} is locked by session ${holder}`
      : lockPath.endsWith('/') && path.startsWith(lockPath)
        ? `${path} is inside ${lockPath}, locked by session ${holder}`
        : `${path} contains ${lockPath}, locked by session ${holder}`,
  hookDenyLocked: (lines: string[], sessions: string[], paths: string[]) =>
    `qlock: blocked — ${lines.join('; ')}.\n` +
    `Do not change ${paths.length > 1 ? 'these files' : 'this file'} now (not with another tool either): continue with other work, ` +
    `or ask the user to coordinate with ${some(sessions.map((s) => `"${s}"`))}. ` +
    `The holder releases it with \`qlock unlock ${shellArg(paths[0] ?? '')}\`; the user can break it with \`qlock unlock ${shellArg(paths[0] ?? '')} --force\` (the holder is told).`,
  hookWarnLocked: (lines: string[]) =>
    `qlock: heads-up — ${lines.join('; ')}. Coordinate before changing it (\`qlock who <path>\`).`,
  hookWarnOverlap: (items: { path: string; sessions: string[] }[]) =>
    `qlock: heads-up — ${items
      .map(
        (i) =>
          `${i.path} is also being changed by session ${some(i.sessions.map((s) => `"${s}"`))}`,
      )
      .join('; ')} (uncommitted or unmerged work). ` +
    `Changing it too will likely conflict at merge time: keep the change small and tell the user, or coordinate (\`qlock who ${shellArg(items[0]?.path ?? '')}\`, \`qlock conflicts\`).`,
  hookDenyOverlap: (items: { path: string; sessions: string[] }[]) =>
    `qlock: blocked (onOverlap is "block") — ${items
      .map((i) => `${i.path} is being changed by session ${some(i.sessions.map((s) => `"${s}"`))}`)
      .join(
        '; ',
      )}. Leave ${items.length > 1 ? 'these files' : 'this file'} to that session, or ask the user to coordinate (\`qlock conflicts\`).`,
  hookDenyStateDir: (target: string) =>
    `qlock: blocked — ${safeText(target)} is qlock's own coordination state; it is changed only through qlock commands ` +
    '(`qlock lock`, `qlock note`, ...), never written directly.',
  hookWarnForeign: (target: string, owner: string, ownerPath: string, mine: string) =>
    `qlock: heads-up — ${target} is inside session "${owner}"'s worktree (${ownerPath}), not in yours (${mine}). ` +
    `Edit your own copy under ${mine} instead, unless the user asked for this.`,
  hookAutoLockRefused: (text: string) => text,
  hookTimedOut: (ms: number) =>
    `qlock: agent hook gave up after ${ms} ms and let the agent go on (see \`qlock doctor\`).`,
  hookInternal: (message: string) =>
    `qlock: agent hook failed (${message}) and let the agent go on; run it with QLOCK_DEBUG=1 for details.`,
  hookFailClosed: (message: string) =>
    `qlock: blocked because the qlock hook failed (${message}) and failClosed is on; fix it (\`qlock doctor\`) or set failClosed to false.`,

  // ---- session-start briefing and prompt digest ----------------------------------------------
  briefingIntro: (name: string, branch: string | undefined, base: string, total: number) =>
    `qlock: you are working in session "${name}"${branch ? ` (branch ${branch}, base ${base})` : ''}. ` +
    (total > 1
      ? `${total - 1} other session${total === 2 ? '' : 's'} work${total === 2 ? 's' : ''} on this codebase in parallel; qlock keeps you from colliding.`
      : 'No other session works on this codebase right now.'),
  /** Session start in a checkout of the project that is no session (the main checkout, usually). */
  briefingOutside: (dir: string, sessions: number) =>
    `qlock: ${dir} is not one of this project's qlock sessions: ${sessions} session${sessions === 1 ? '' : 's'} work${sessions === 1 ? 's' : ''} on it in their own directories. ` +
    'Every lock they hold counts here: a write to a locked file is blocked. Work in a session of your own (`qlock new <name>`, or `qlock join` here) to take locks and get their news.',
  briefingSessionsTitle: () => 'Other sessions:',
  briefingSessionsHere: () => 'Sessions:',
  briefingSessionName: (s: BriefingSession) =>
    `- ${s.name} (${s.state}${s.branch ? `, branch ${s.branch}` : ''})`,
  briefingSession: (s: BriefingSession) =>
    `- ${s.name} (${s.state}${s.branch ? `, branch ${s.branch}` : ''}): ` +
    (s.changed === 'unknown'
      ? 'changes not read in time'
      : s.changed === undefined
        ? 'not active lately'
        : s.changed.length
          ? `changing ${some(s.changed, 6)}`
          : 'no changes yet'),
  briefingLocksTitle: () => 'Locks (a write to a file locked by another session is blocked):',
  briefingLock: (l: BriefingLock) =>
    l.mine ? `- ${safeText(l.path)}: yours` : `- ${safeText(l.path)}: ${l.holder} — do not edit`,
  briefingEventsTitle: (n: number) => `Unread events (${n}):`,
  briefingHowTo: () =>
    'Before a large change, claim the files: `qlock lock <path> --reason "<why>"`; release them with `qlock unlock <path>`. ' +
    '`qlock status` shows who changes what; `qlock note "<text>"` tells the other sessions.',
  digestTitle: (n: number) =>
    `qlock: ${n} new event${n === 1 ? '' : 's'} from the other sessions since your last prompt:`,
  /** Digest items over the byte cap: still unread, given at the next prompt. */
  digestLater: (n: number) =>
    `- … and ${n} less pressing item${n === 1 ? '' : 's'}, kept unread for the next prompt (\`qlock inbox --peek\` lists them now)`,
};
