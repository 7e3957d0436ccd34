import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { QlockError } from '../errors.js';
import { messages } from '../ui/messages.js';
import { isObject, type JsonObject } from './configEdits.js';
import {
  commentsKept,
  type JsonText,
  parseJsonText,
  printJson,
  UnrestorableJsonError,
} from './jsonText.js';

/**
 * Reading and writing agent config files safely:
 * - a symlinked config (dotfiles kept in a repository) is written through, not replaced;
 * - the file keeps its permissions (~/.claude.json is private);
 * - writes are atomic (temp file + rename), so an agent starting meanwhile sees old or new;
 * - a file that is not plain JSON (a syntax error; comments, except in a file whose agent reads
 *   them) is never rewritten: the user gets an error naming it, and nothing is changed; nor is a
 *   file whose comments an edit would lose.
 */

export interface ConfigText {
  /** The path qlock was asked about. */
  file: string;
  /** Where it really is (symlinks followed). */
  real: string;
  exists: boolean;
  text: string;
}

export function readConfigText(file: string): ConfigText {
  let real = file;
  try {
    real = fs.realpathSync(file);
  } catch {
    // absent (or a dangling symlink): written at `file`
  }
  try {
    return { file, real, exists: true, text: fs.readFileSync(real, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { file, real, exists: false, text: '' };
    throw new QlockError(messages.agentConfigUnreadable(file, (error as Error).message));
  }
}

export interface JsonConfig extends ConfigText {
  original?: JsonText;
  value: JsonObject;
  /** The agent reads `//` and `/* *\/` comments in this file (Gemini CLI's settings). */
  comments: boolean;
}

export function readJsonConfig(file: string, options: { comments?: boolean } = {}): JsonConfig {
  const base = readConfigText(file);
  const comments = options.comments === true;
  if (!base.exists || !base.text.trim()) return { ...base, value: {}, comments };
  let original: JsonText;
  try {
    original = parseJsonText(base.text, { comments });
  } catch (error) {
    if (error instanceof UnrestorableJsonError)
      throw new QlockError(messages.agentConfigNotRestorable(file, error.message));
    throw new QlockError(
      comments
        ? messages.agentConfigNotJsonc(file, (error as Error).message)
        : messages.agentConfigNotJson(file, (error as Error).message),
    );
  }
  if (!isObject(original.value))
    throw new QlockError(messages.agentConfigNotJson(file, 'the top level is not an object'));
  return { ...base, original, value: structuredClone(original.value), comments };
}

/** The new text of the file; a QlockError when it would lose one of the file's comments. */
export function printJsonConfig(config: JsonConfig, value: JsonObject): string {
  const text = printJson(value, config.original);
  const before = config.original?.comments ?? [];
  if (before.length && !commentsKept(before, parseJsonText(text, { comments: true }).comments))
    throw new QlockError(messages.agentConfigComments(config.file));
  return text;
}

/** The directories `mkdir -p` of `dir` would create, the deepest first. */
function missingDirs(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    out.push(d);
    if (path.dirname(d) === d) break;
  }
  return out;
}

/**
 * Writes `text` atomically at the file's real location, creating directories as needed; an
 * existing file keeps its permissions, a new one gets `newMode`. Returns the directories it
 * created, the deepest first (uninstall removes them when they are empty again).
 */
export function writeConfigText(config: ConfigText, text: string, newMode = 0o644): string[] {
  const target = config.real;
  const created = missingDirs(path.dirname(target));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  let mode = newMode;
  try {
    mode = fs.statSync(target).mode & 0o777;
  } catch {
    // new file
  }
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.qlock-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    fs.writeFileSync(tmp, text, { mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw new QlockError(messages.agentConfigUnwritable(config.file, (error as Error).message));
  }
  return created;
}

/**
 * Deletes a config file qlock emptied, then (given `stopAt`) the directories above it that are
 * left empty, up to (not including) `stopAt`: `.claude/` goes with the settings file qlock created
 * in it. Without `stopAt` no directory is removed (the install records say which ones qlock made).
 */
export function deleteConfigFile(config: ConfigText, stopAt?: string): void {
  fs.rmSync(config.real, { force: true });
  if (stopAt === undefined) return;
  let dir = path.dirname(config.file);
  const stop = path.resolve(stopAt);
  while (dir.startsWith(stop + path.sep) && dir !== stop) {
    try {
      fs.rmdirSync(dir);
    } catch {
      return; // not empty, or not ours to remove
    }
    dir = path.dirname(dir);
  }
}

/**
 * Removes the directories qlock created that are empty again, the deepest first; a directory
 * that holds anything (the user's files, another of qlock's) stays.
 */
export function removeEmptyDirs(dirs: string[]): void {
  for (const dir of [...new Set(dirs)].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // not empty, or already gone
    }
  }
}
