import fs from 'node:fs';

import { ADAPTERS } from '../agents/adapters/index.js';
import { hooksTarget } from '../agents/agentTargets.js';
import { ourCommands } from '../agents/configEdits.js';
import { readHookFile } from '../agents/installAgent.js';
import { isAgentName } from '../project/agentNames.js';
import { readRegistry } from '../store/registry.js';
import { messages } from '../ui/messages.js';
import { readAgentRecords, recordAgentInstall } from './agentRecords.js';
import type { Check, Finding } from './types.js';

/**
 * Agent hooks that were installed in a session (or the main worktree) and are gone now: the
 * agents check (checkAgents.ts) looks at the configs that exist; this one remembers which should.
 * The fix installs them again, which only writes qlock's own entries (the user's settings stay).
 */
export const checkAgentRecords: Check = async (ws, ctx) => {
  const { project } = ws;
  const records = readAgentRecords(project.stateDir);
  if (!Object.keys(records).length) return [];
  let sessions: { name: string; path: string }[] = [];
  try {
    sessions = Object.values(readRegistry(project.stateDir).sessions);
  } catch {
    return []; // the state check reports an unreadable registry
  }
  const findings: Finding[] = [];
  for (const [dir, agents] of Object.entries(records)) {
    const session = sessions.find((s) => s.path === dir);
    // Only places that still matter: a registered session's worktree, or the main worktree.
    if ((!session && dir !== project.root) || !fs.existsSync(dir)) continue;
    const label = session ? `session ${session.name}` : dir;
    for (const agent of agents) {
      if (!isAgentName(agent)) continue;
      const target = hooksTarget(agent, { scope: 'project', dir, env: ctx.env });
      const present =
        ourCommands(readHookFile(target.file)).length > 0 &&
        // Codex reads a worktree's hooks only when the worktree has a .codex/ of its own.
        (ADAPTERS[agent].projectHooksActive?.(dir) ?? true);
      if (present) continue;
      findings.push({
        check: 'agents',
        ok: false,
        message: messages.doctorAgentHooksGone(label, agent, target.file),
        fix: messages.doctorAgentHooksGoneFix(agent, dir, session?.name),
        apply: async () => {
          const { installAgent } = await import('../agents/installAgent.js');
          const report = await installAgent({ agent, scope: 'project', dir, env: ctx.env });
          recordAgentInstall(project.stateDir, report);
          return messages.doctorAgentHooksReinstalled(
            agent,
            report.files.filter((f) => f.change !== 'unchanged').map((f) => f.file),
          );
        },
      });
    }
  }
  return findings;
};
