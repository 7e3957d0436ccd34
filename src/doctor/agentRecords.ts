import fs from 'node:fs';
import path from 'node:path';

import { atomicWrite } from '../store/atomicWrite.js';

/**
 * Which worktrees had qlock's agent hooks installed at project level, so that doctor can tell
 * when a session's hooks config disappeared (a `git clean -fdx` removes the untracked, excluded
 * files qlock writes; a checkout of another branch may drop tracked ones): the agent then works
 * without any warning, silently. Kept in `<state dir>/doctor/agents.json` as
 * `{ "<worktree>": ["claude", …] }`; `qlock agent uninstall` takes the entry out again.
 */
export type AgentRecords = Record<string, string[]>;

function file(stateDir: string): string {
  return path.join(stateDir, 'doctor', 'agents.json');
}

export function readAgentRecords(stateDir: string): AgentRecords {
  try {
    const value = JSON.parse(fs.readFileSync(file(stateDir), 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const out: AgentRecords = {};
    for (const [dir, agents] of Object.entries(value as Record<string, unknown>))
      if (Array.isArray(agents))
        out[dir] = agents.filter((a): a is string => typeof a === 'string');
    return out;
  } catch {
    return {};
  }
}

/**
 * Records a project-level install or uninstall in `dir`. Best effort: a record that cannot be
 * written only means doctor cannot notice that these hooks went missing later.
 */
export function recordAgentInstall(
  stateDir: string,
  report: { action: 'install' | 'uninstall'; agent: string; scope: string; dir: string },
): void {
  // Global installs are not about a worktree; a project qlock keeps no state for yet, neither.
  if (report.scope !== 'project' || !fs.existsSync(stateDir)) return;
  try {
    const records = readAgentRecords(stateDir);
    const dir = path.resolve(report.dir);
    const agents = new Set(records[dir] ?? []);
    if (report.action === 'install') agents.add(report.agent);
    else agents.delete(report.agent);
    if (agents.size) records[dir] = [...agents].sort();
    else delete records[dir];
    fs.mkdirSync(path.dirname(file(stateDir)), { recursive: true });
    atomicWrite(file(stateDir), JSON.stringify(records, null, 2) + '\n');
  } catch {
    // see above
  }
}
