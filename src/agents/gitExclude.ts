import fs from 'node:fs';
import path from 'node:path';

import { isIgnored, isTracked } from '../git/diff.js';
import { listWorktrees } from '../git/repo.js';
import { findProject } from '../project/findProject.js';
import { createDebug } from '../ui/debug.js';

const debug = createDebug('agents');

/**
 * Agent config files that qlock creates inside a worktree (.claude/settings.local.json, .mcp.json,
 * .codex/hooks.json, ...) hold absolute paths of this machine and must not be committed; as
 * untracked files they would also join the session's change set, make every two sessions
 * "overlap" on them, and make `qlock rm` refuse to remove the worktree. So each one qlock creates
 * is listed in the repository's info/exclude (shared by all worktrees: git has no per-worktree
 * exclude file), inside a marked block; uninstall takes a path out once no worktree has the file.
 */

const BEGIN = '# >>> qlock: agent configs written by `qlock agent install` >>>';
const END = '# <<< qlock <<<';

interface ExcludeFile {
  file: string;
  text: string;
  patterns: string[];
}

function readExclude(commonDir: string): ExcludeFile {
  const file = path.join(commonDir, 'info', 'exclude');
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    // no info/exclude yet
  }
  const begin = text.indexOf(BEGIN);
  const end = begin >= 0 ? text.indexOf(END, begin) : -1;
  const patterns =
    begin >= 0 && end > begin
      ? text
          .slice(begin + BEGIN.length, end)
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('#'))
      : [];
  return { file, text, patterns };
}

/** Files `qlock agent install` wrote and excluded (anchored patterns, `/rel`). */
export function qlockExcludedFiles(commonDir: string): Set<string> {
  return new Set(readExclude(commonDir).patterns);
}

function writeExclude(exclude: ExcludeFile, patterns: string[]): void {
  const { text } = exclude;
  const begin = text.indexOf(BEGIN);
  const endAt = begin >= 0 ? text.indexOf(END, begin) : -1;
  let rest = text;
  if (begin >= 0 && endAt > begin) {
    let end = endAt + END.length;
    if (text[end] === '\n') end++;
    rest = text.slice(0, begin) + text.slice(end);
  }
  let next = rest;
  if (patterns.length) {
    const block = [BEGIN, ...patterns, END].join('\n') + '\n';
    next = rest && !rest.endsWith('\n') ? `${rest}\n${block}` : rest + block;
  }
  if (next === text) return;
  fs.mkdirSync(path.dirname(exclude.file), { recursive: true });
  fs.writeFileSync(exclude.file, next);
}

/** The anchored pattern of `file` in the worktree that contains it, or undefined (not git). */
function patternFor(
  file: string,
): { pattern: string; rel: string; worktree: string; commonDir: string } | undefined {
  const project = findProject(path.dirname(file));
  if (project?.kind !== 'git' || !project.commonDir) return undefined;
  const rel = path.relative(project.worktreeRoot, file).split(path.sep).join('/');
  if (!rel || rel.startsWith('..')) return undefined;
  return { pattern: `/${rel}`, rel, worktree: project.worktreeRoot, commonDir: project.commonDir };
}

/** Lists files qlock just created in info/exclude, unless git already ignores them. */
export async function excludeCreated(files: string[]): Promise<string[]> {
  const added: string[] = [];
  for (const file of files) {
    const target = patternFor(file);
    if (!target) continue;
    const exclude = readExclude(target.commonDir);
    if (exclude.patterns.includes(target.pattern)) continue;
    try {
      if (await isIgnored(target.worktree, target.rel)) continue;
    } catch (error) {
      debug(`check-ignore failed: ${(error as Error).message}`);
      continue;
    }
    writeExclude(exclude, [...exclude.patterns, target.pattern]);
    added.push(target.pattern);
  }
  return added;
}

/** Takes the patterns of removed files out of info/exclude once no worktree has such a file. */
export async function unexcludeRemoved(files: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const file of files) {
    const target = patternFor(file);
    if (!target) continue;
    const exclude = readExclude(target.commonDir);
    if (!exclude.patterns.includes(target.pattern)) continue;
    let worktrees: string[];
    try {
      worktrees = (await listWorktrees(target.worktree)).map((w) => w.path);
    } catch {
      worktrees = [target.worktree];
    }
    if (worktrees.some((w) => fs.existsSync(path.join(w, target.rel)))) continue;
    writeExclude(
      exclude,
      exclude.patterns.filter((p) => p !== target.pattern),
    );
    removed.push(target.pattern);
  }
  return removed;
}

/**
 * The files among `files` that git tracks: an edit there (qlock's entries hold this machine's
 * paths) shows in `git status` and could be committed for the whole team, and info/exclude
 * cannot hide it. The caller says so.
 */
export async function trackedAmong(files: string[]): Promise<string[]> {
  const tracked: string[] = [];
  for (const file of files) {
    const target = patternFor(file);
    if (!target) continue;
    try {
      if (await isTracked(target.worktree, target.rel)) tracked.push(file);
    } catch (error) {
      debug(`ls-files failed: ${(error as Error).message}`);
    }
  }
  return tracked;
}
