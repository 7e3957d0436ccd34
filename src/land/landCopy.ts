import type { Workspace } from '../project/openWorkspace.js';
import type { Session } from '../store/types.js';
import type { LandOutcome } from './landTypes.js';

/** Plain-directory sessions: landing needs git here (copying back is not built yet). */
export interface LandCopyInput {
  ws: Workspace;
  session: Session;
  now: Date;
  check?: string;
  checkTimeoutMs: number;
  stream: (chunk: string) => void;
}

export function landCopy(input: LandCopyInput): Promise<LandOutcome> {
  return Promise.resolve({
    session: input.session.name,
    base: 'snapshot',
    strategy: 'ff',
    ok: false,
    landed: false,
    commits: 0,
    paths: [],
    check: null,
    baseCheckouts: [],
    untracked: [],
    notified: [],
    failure: { stage: 'not-git' },
  });
}
