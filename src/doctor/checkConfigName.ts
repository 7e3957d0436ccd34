import { misnamedConfigs } from '../project/misnamedConfigs.js';
import { messages } from '../ui/messages.js';
import type { Check } from './types.js';

export { misnamedConfigs };

/** A `.qlockrc` is ignored without a word otherwise: its settings silently do nothing. */
export const checkConfigName: Check = async (ws) =>
  misnamedConfigs(ws.project.root).map((file) => ({
    check: 'config',
    ok: false,
    message: messages.configMisnamed(file),
    fix: messages.configMisnamedFix(file),
  }));
