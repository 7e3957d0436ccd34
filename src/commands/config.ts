import path from 'node:path';

import type { Context } from '../context.js';
import { QlockError } from '../errors.js';
import { contentHash, isCodeConfig, isTrusted, trustConfig } from '../project/configTrust.js';
import { requireProject } from '../project/findProject.js';
import { configCandidate, loadConfig } from '../project/loadConfig.js';
import { messages } from '../ui/messages.js';

export interface ConfigOptions {
  action: 'trust';
}

export interface ConfigResult {
  /** The config file found, or undefined for none. */
  file?: string;
  /** trusted: recorded now; already: it was; data: JSON/YAML, read as is, nothing to trust. */
  status: 'trusted' | 'already' | 'data' | 'none';
  hash?: string;
}

/**
 * `qlock config trust`: lets the git and agent hooks run this project's JavaScript config in its
 * current content (see project/configTrust.ts). The file is loaded and checked first, on the
 * user's word, so a broken one is said now and nothing is recorded.
 */
export async function config(_options: ConfigOptions, ctx: Context): Promise<ConfigResult> {
  const project = requireProject(ctx.cwd);
  const found = configCandidate(project.root);
  if (!found) return { status: 'none' };
  const { file } = found;
  if (!isCodeConfig(file)) return { file, status: 'data' };
  if (isTrusted(file, ctx.env)) return { file, status: 'already', hash: contentHash(file)! };
  const before = contentHash(file);
  await loadConfig(project.root, project.stateDir);
  const hash = trustConfig(file, ctx.env);
  // Changed while it was being checked: trust nothing rather than content nobody ran.
  if (hash !== before) throw new QlockError(messages.configTrustRaced(file));
  return { file, status: 'trusted', hash };
}

export function renderConfig(result: ConfigResult): string {
  const name = result.file ? path.basename(result.file) : '';
  switch (result.status) {
    case 'none':
      return messages.configTrustNone();
    case 'data':
      return messages.configTrustData(name);
    case 'already':
      return messages.configTrustAlready(name);
    case 'trusted':
      return messages.configTrusted(name);
  }
}
