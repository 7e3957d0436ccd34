import fs from 'node:fs';
import path from 'node:path';

import { messages } from '../ui/messages.js';
import type { Check } from './types.js';

/** Config files under a name qlock does not read (the tool is qlock, its config is .qsessionrc). */
export function misnamedConfigs(root: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\.qlockrc(\.(json|ya?ml|js|cjs|mjs))?$|^qlock\.config\.(js|cjs|mjs)$/.test(n))
    .map((n) => path.join(root, n));
}

/** A `.qlockrc` is ignored without a word otherwise: its settings silently do nothing. */
export const checkConfigName: Check = async (ws) =>
  misnamedConfigs(ws.project.root).map((file) => ({
    check: 'config',
    ok: false,
    message: messages.configMisnamed(file),
    fix: messages.configMisnamedFix(file),
  }));
