import { QlockError } from '../errors.js';
import { messages } from '../ui/messages.js';
import type { Target, TextTarget } from './agentTargets.js';
import { emptyContainers, hasQlockEntries } from './configEdits.js';
import {
  type ConfigText,
  deleteConfigFile,
  printJsonConfig,
  readConfigText,
  readJsonConfig,
  removeEmptyDirs,
  writeConfigText,
} from './configFile.js';
import type { FileRecord, InstallRecords } from './installRecords.js';
import { splitBlock, type TomlEntries, updateBlock, userDefines } from './tomlBlock.js';

/**
 * Install and uninstall in two steps: first every file's new text is computed (any problem, such
 * as a file that is not plain JSON, stops everything before a single byte is written), then the
 * files are written. A file qlock's removal leaves with nothing but what qlock would have created
 * is deleted, unless the install records say it was the user's (installRecords.ts), which also
 * name the user's empty containers that the removal must leave in place.
 */

export type Part = 'hooks' | 'mcp';
export type Change = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent';

export interface FilePlan {
  file: string;
  config: ConfigText;
  /** New text; undefined = delete the file (when change is 'deleted'). */
  next?: string;
  change: Change;
  holds: string[];
  /** Permissions of a file qlock creates (a copy of a private file stays private). */
  mode?: number;
}

function holds(target: Target, parts: Part[]): string[] {
  const out: string[] = [];
  if (target.kind === 'text') return parts.includes(target.part) ? ['hooks'] : [];
  if (parts.includes('hooks') && target.kind === 'json' && target.hooks) out.push('hooks');
  if (parts.includes('mcp') && target.mcp) out.push('MCP server');
  return out;
}

function changeOf(config: ConfigText, next: string | undefined): Change {
  if (next === undefined) return config.exists ? 'deleted' : 'absent';
  if (!config.exists) return next ? 'created' : 'absent';
  return next === config.text ? 'unchanged' : 'updated';
}

function shapeError(file: string, error: unknown): never {
  if (error instanceof TypeError)
    throw new QlockError(messages.agentConfigShape(file, error.message));
  throw error;
}

/**
 * A file that is qlock's whole (TextTarget): written when absent or qlock's, deleted on uninstall;
 * one that is not qlock's stops an install before anything is written, and is left by uninstall.
 */
function textPlan(target: TextTarget, what: string[], action: 'install' | 'uninstall'): FilePlan {
  const config = readConfigText(target.file);
  const ours = config.exists && config.text.includes(target.mark);
  if (action === 'install') {
    if (config.exists && !ours) throw new QlockError(messages.agentFileNotOurs(target.file));
    const next = target.text();
    return { file: target.file, config, next, change: changeOf(config, next), holds: what };
  }
  const next = ours ? undefined : config.exists ? config.text : undefined;
  return { file: target.file, config, next, change: changeOf(config, next), holds: what };
}

export class ChangePlan {
  readonly files: FilePlan[] = [];
  readonly notes: string[] = [];
  /** Config file (real path) → its new install record, or null to forget it. */
  readonly records = new Map<string, FileRecord | null>();

  private readonly known: InstallRecords;

  /** `known`: what earlier installs recorded (installRecords.ts). */
  constructor(known: InstallRecords = {}) {
    this.known = known;
  }

  /** The plan of `file`, reading it the first time (TOML edits to one file are chained). */
  private planFor(file: string, what: string[]): FilePlan {
    let plan = this.files.find((p) => p.file === file);
    if (!plan) {
      const config = readConfigText(file);
      plan = {
        file,
        config,
        next: config.exists ? config.text : '',
        change: 'unchanged',
        holds: [],
      };
      this.files.push(plan);
    }
    for (const w of what) if (!plan.holds.includes(w)) plan.holds.push(w);
    return plan;
  }

  install(targets: Target[], parts: Part[]): void {
    for (const target of targets) {
      const what = holds(target, parts);
      if (!what.length) continue;
      if (target.kind === 'text') {
        this.files.push(textPlan(target, what, 'install'));
        continue;
      }
      if (target.kind === 'toml') {
        if (parts.includes('mcp'))
          this.editToml(target.file, what, (e, userMcp) => {
            if (userMcp) {
              this.notes.push(messages.agentMcpForeign(target.file));
              return e;
            }
            return { ...e, mcp: target.mcp };
          });
        continue;
      }
      const config = readJsonConfig(target.file, { comments: target.comments === true });
      const fresh = !config.exists || !config.text.trim();
      // What the file was before qlock first wrote to it; a file qlock is already in keeps its record.
      const value = fresh ? target.skeleton() : config.value;
      if (!hasQlockEntries(config.value)) {
        const record: FileRecord = {
          existed: config.exists,
          ...(config.exists && fresh ? { blank: config.text } : {}),
          keep: emptyContainers(fresh ? value : config.value),
          ...(fresh && Object.keys(value).length ? { skeleton: structuredClone(value) } : {}),
        };
        this.records.set(config.real, record.existed || record.skeleton ? record : null);
      }
      if (fresh && target.skeletonFrom)
        this.notes.push(messages.agentFromUserAgent(target.skeletonFrom));
      try {
        if (parts.includes('hooks')) this.notes.push(...(target.hooks?.install(value) ?? []));
        if (parts.includes('mcp')) this.notes.push(...(target.mcp?.install(value) ?? []));
      } catch (error) {
        shapeError(target.file, error);
      }
      const next = printJsonConfig(fresh ? { ...config, original: undefined } : config, value);
      this.files.push({
        file: target.file,
        config,
        next,
        change: changeOf(config, next),
        holds: what,
        ...(fresh && target.skeletonMode !== undefined ? { mode: target.skeletonMode } : {}),
      });
    }
  }

  uninstall(targets: Target[], parts: Part[]): void {
    for (const target of targets) {
      const what = holds(target, parts);
      if (!what.length) continue;
      if (target.kind === 'text') {
        this.files.push(textPlan(target, what, 'uninstall'));
        continue;
      }
      if (target.kind === 'toml') {
        if (parts.includes('mcp'))
          this.editToml(target.file, what, (e) => ({ ...e, mcp: undefined }));
        continue;
      }
      const config = readJsonConfig(target.file, { comments: target.comments === true });
      if (!config.exists) {
        this.files.push({ file: target.file, config, change: 'absent', holds: what });
        continue;
      }
      const value = config.value;
      const before = JSON.stringify(value);
      const record = this.known[config.real];
      const keep = (p: string) => record?.keep.includes(p) === true;
      try {
        if (parts.includes('hooks')) target.hooks?.uninstall(value, keep);
        if (parts.includes('mcp')) target.mcp?.uninstall(value, keep);
      } catch (error) {
        shapeError(target.file, error);
      }
      const removed = JSON.stringify(value) !== before;
      // Only a file qlock changed now can be deleted: never a user's file that merely looks empty,
      // nor one that was there before qlock wrote to it.
      const asCreated =
        removed &&
        (target.leftover(value) ||
          (record?.skeleton !== undefined &&
            JSON.stringify(value) === JSON.stringify(record.skeleton)));
      let next: string | undefined;
      if (asCreated && !record?.existed) next = undefined;
      else if (asCreated && record?.blank !== undefined) next = record.blank;
      else next = printJsonConfig(config, value);
      if (removed && !hasQlockEntries(value)) this.records.set(config.real, null);
      this.files.push({
        file: target.file,
        config,
        next,
        change: changeOf(config, next),
        holds: what,
      });
    }
  }

  /**
   * Chains an edit of qlock's block in a TOML file. `update` gets the block's entries and whether
   * the user's own part of the file already defines `mcp_servers.qlock` and which trust keys.
   */
  editToml(
    file: string,
    what: string[],
    update: (entries: TomlEntries, userMcp: boolean, userTrust: Set<string>) => TomlEntries,
  ): void {
    const plan = this.planFor(file, what);
    const current = plan.next ?? '';
    const defined = userDefines(splitBlock(current).rest, file);
    const next = updateBlock(current, file, (e) => update(e, defined.mcp, defined.trust));
    plan.next = plan.config.exists && !next.trim() ? undefined : next;
    plan.change = changeOf(plan.config, plan.next);
  }

  /**
   * Writes (or deletes) every changed file. A file created is recorded with the directories its
   * write created; a file deleted takes those with it once they are empty again (after every
   * deletion: two of qlock's files may share one), and without such a record the directories
   * left empty up to `stopAt`.
   */
  commit(stopAt: (file: string) => string): void {
    const emptied: string[] = [];
    for (const plan of this.files) {
      const real = plan.config.real;
      if (plan.change === 'created' || plan.change === 'updated') {
        const dirs = writeConfigText(plan.config, plan.next!, plan.mode);
        if (plan.change === 'created')
          this.records.set(real, {
            ...(this.records.get(real) ?? { existed: false, keep: [] }),
            dirs,
          });
      } else if (plan.change === 'deleted') {
        const dirs = this.known[real]?.dirs;
        deleteConfigFile(plan.config, dirs ? undefined : stopAt(plan.file));
        if (dirs) emptied.push(...dirs);
        this.records.set(real, null);
      }
    }
    removeEmptyDirs(emptied);
  }
}
