import fs from 'node:fs';
import path from 'node:path';

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

/** One warning line per misnamed config file on stderr: its settings do nothing. */
export async function warnMisnamedConfigs(
  root: string,
  err: (text: string) => void,
): Promise<void> {
  const misnamed = misnamedConfigs(root);
  if (!misnamed.length) return;
  const { coreMessages } = await import('../ui/messages/core.js');
  for (const f of misnamed)
    err(`qlock: warning: ${coreMessages.configMisnamed(f)}; ${coreMessages.configMisnamedFix(f)}.`);
}
