import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { QlockError } from '../errors.js';
import { hookMessages } from '../ui/messages/hooks.js';
import {
  classifyHookText,
  CREATED_SHEBANG,
  findBlock,
  insertBlock,
  MOVED_SUFFIX,
  removeBlock,
  renderBlock,
} from './hookBlock.js';
import { digest, type ManifestEntry } from './manifest.js';

/**
 * Installing into and uninstalling from one hook file, never losing what was there:
 * - missing: qlock creates it (and deletes it on uninstall);
 * - a shell script (or a text file without a shebang, which git runs with sh), and every husky
 *   `.husky/<hook>` file: the block goes in first, after the shebang; the mode is kept;
 * - anything else (another language, a binary, a symlink, a file that is not executable): moved
 *   aside to `<hook>.pre-qlock`, and qlock's file runs it afterwards when it is executable (so a
 *   hook the user disabled with chmod -x stays disabled); uninstall moves it back.
 * Content is handled as latin1, a lossless byte round trip whatever the file's encoding.
 */

export type InstallChange = 'created' | 'added' | 'updated' | 'unchanged' | 'wrapped';
export type UninstallChange = 'deleted' | 'restored' | 'removed' | 'absent';

export interface HookFileTarget {
  hook: string;
  file: string;
  stdin: boolean;
  /** husky's `.husky/<hook>`: always sh, run with `sh -e`, no exec bit needed. */
  husky: boolean;
  /** The block filters ref updates itself (reference-transaction, see hookBlock.ts). */
  refs?: boolean;
}

function lstat(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

function writeBytes(file: string, content: string, mode: number): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    fs.writeFileSync(tmp, content, { encoding: 'latin1', mode });
    fs.chmodSync(tmp, mode); // the umask may have taken bits away
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

function isExecutable(stat: fs.Stats): boolean {
  return (stat.mode & 0o111) !== 0;
}

function chainsMovedHook(text: string): boolean {
  const span = findBlock(text);
  return span !== undefined && text.slice(span.start, span.end).includes(`"$0${MOVED_SUFFIX}"`);
}

/**
 * What an installed file with no record (the manifest was lost) must have been: nothing but our
 * block (and the shebang we add) means qlock created it, or wrapped a hook moved aside when the
 * block chains one; anything else had the block inserted. Uninstall then deletes or moves back
 * what it would have with the record, instead of leaving an empty `#!/bin/sh` behind.
 */
function recordFromText(
  target: HookFileTarget,
  text: string,
): Pick<ManifestEntry, 'hook' | 'file' | 'how' | 'movedTo'> {
  const { hook, file } = target;
  const rest = removeBlock(text).text;
  if (rest !== '' && rest !== CREATED_SHEBANG) return { hook, file, how: 'inserted' };
  if (chainsMovedHook(text)) return { hook, file, how: 'wrapped', movedTo: file + MOVED_SUFFIX };
  return { hook, file, how: 'created' };
}

/** Refuses, before anything is changed, what install could not do safely. */
export function checkInstallable(target: HookFileTarget): void {
  const stat = lstat(target.file);
  if (!stat) return;
  if (stat.isDirectory()) throw new QlockError(hookMessages.hookFileIsDir(target.file));
  const text = stat.isFile() ? fs.readFileSync(target.file, 'latin1') : '';
  try {
    findBlock(text);
  } catch {
    throw new QlockError(hookMessages.halfBlock(target.file));
  }
  if (stat.isFile() && findBlock(text)) return;
  if (target.husky) {
    if (!stat.isFile()) throw new QlockError(hookMessages.huskySymlink(target.file));
    return;
  }
  const wrap = !stat.isFile() || !isExecutable(stat) || classifyHookText(text) === 'wrap';
  if (wrap && lstat(target.file + MOVED_SUFFIX))
    throw new QlockError(hookMessages.movedAsideExists(target.file + MOVED_SUFFIX));
}

export function installHookFile(
  target: HookFileTarget,
  previous: ManifestEntry | undefined,
): { change: InstallChange; entry: ManifestEntry } {
  const { hook, file, stdin, husky } = target;
  const refs = target.refs === true;
  const stat = lstat(file);
  if (!stat) {
    // Missing (maybe deleted by hand after a wrap): create it, chaining a hook still moved aside.
    const movedTo = previous?.movedTo;
    const chain = previous?.how === 'wrapped' && movedTo !== undefined && !!lstat(movedTo);
    const content = (husky ? '' : CREATED_SHEBANG) + renderBlock(hook, { stdin, chain, refs });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeBytes(file, content, husky ? 0o644 : 0o755);
    const written = digest(Buffer.from(content, 'latin1'));
    return {
      change: 'created',
      entry: chain ? { ...previous!, written } : { hook, file, how: 'created', written },
    };
  }

  if (stat.isFile()) {
    const bytes = fs.readFileSync(file);
    const text = bytes.toString('latin1');
    if (findBlock(text)) {
      // Installed before: refresh the block where it is.
      const next = insertBlock(
        text,
        renderBlock(hook, { stdin, chain: chainsMovedHook(text), refs }),
      );
      const written = digest(Buffer.from(next, 'latin1'));
      const entry: ManifestEntry = previous
        ? { ...previous, written }
        : { ...recordFromText(target, text), written };
      if (next === text) return { change: 'unchanged', entry: previous ?? entry };
      writeBytes(file, next, stat.mode & 0o7777);
      return { change: 'updated', entry };
    }
    const inline = husky || (isExecutable(stat) && classifyHookText(text) === 'inline');
    if (inline) {
      const next = insertBlock(text, renderBlock(hook, { stdin, chain: false, refs }));
      writeBytes(file, next, stat.mode & 0o7777);
      return {
        change: 'added',
        entry: {
          hook,
          file,
          how: 'inserted',
          original: bytes.toString('base64'),
          mode: stat.mode & 0o7777,
          written: digest(Buffer.from(next, 'latin1')),
        },
      };
    }
  }

  // Wrap: move the original aside untouched (a rename keeps bytes, mode and symlinks).
  const movedTo = file + MOVED_SUFFIX;
  fs.renameSync(file, movedTo);
  const content = CREATED_SHEBANG + renderBlock(hook, { stdin, chain: true, refs });
  writeBytes(file, content, 0o755);
  return {
    change: 'wrapped',
    entry: {
      hook,
      file,
      how: 'wrapped',
      movedTo,
      written: digest(Buffer.from(content, 'latin1')),
    },
  };
}

function moveBack(movedTo: string | undefined, file: string): boolean {
  if (!movedTo || !lstat(movedTo) || lstat(file)) return false;
  fs.renameSync(movedTo, file);
  return true;
}

export function uninstallHookFile(file: string, entry: ManifestEntry | undefined): UninstallChange {
  const stat = lstat(file);
  if (!stat) return moveBack(entry?.movedTo, file) ? 'restored' : 'absent';
  if (!stat.isFile()) return 'absent';
  const bytes = fs.readFileSync(file);

  // Unchanged since we wrote it: put back exactly what was there.
  if (entry && digest(bytes) === entry.written) {
    if (entry.how === 'created') {
      fs.rmSync(file);
      return 'deleted';
    }
    if (entry.how === 'wrapped') {
      fs.rmSync(file);
      moveBack(entry.movedTo, file);
      return 'restored';
    }
    if (entry.original !== undefined) {
      writeBytes(
        file,
        Buffer.from(entry.original, 'base64').toString('latin1'),
        entry.mode ?? 0o755,
      );
      return 'restored';
    }
  }

  // Edited since (or no record): take out exactly the marked block, keep everything else.
  const text = bytes.toString('latin1');
  const chained = chainsMovedHook(text);
  const { text: rest, found } = removeBlock(text);
  if (!found) return 'absent';
  const skeleton = rest === CREATED_SHEBANG || rest === '';
  if (skeleton && entry?.how !== 'inserted') {
    fs.rmSync(file);
    const back =
      (chained || entry?.how === 'wrapped') &&
      moveBack(entry?.movedTo ?? file + MOVED_SUFFIX, file);
    return back ? 'restored' : 'deleted';
  }
  writeBytes(file, rest, stat.mode & 0o7777);
  return 'removed';
}
