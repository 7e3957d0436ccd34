import { git, gitBuffer, gitOut, splitZ } from './exec.js';
import { encodePathBytes } from './pathBytes.js';

/** Reading and writing git objects directly: trees, commits, merges of trees. No ref moves. */

/** Whether `id` names a commit this repository has (`git cat-file -e <id>^{commit}`). */
export async function hasCommit(cwd: string, id: string): Promise<boolean> {
  const { code } = await git(['cat-file', '-e', `${id}^{commit}`], { cwd, okCodes: [0, 1, 128] });
  return code === 0;
}

// Writes the index `env` names (GIT_INDEX_FILE, else the worktree's) as a tree; its id.
// (Line comments, not JSDoc, on the functions the hot bundles inline: scripts/bundle.mjs keeps
// JSDoc comments in them, and these bundles are read on every git hook and `qlock status`.)
export async function writeTree(cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return (await git(['write-tree'], { cwd, env })).stdout.trim();
}

// `git add -A` into the index `env` names (GIT_INDEX_FILE), with the untracked cache on, limited to
// `pathspecs` when given: blobs for every changed file go into the object store.
export async function stageAll(
  cwd: string,
  pathspecs: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await git(['-c', 'core.untrackedCache=true', 'add', '-A', ...pathspecs], { cwd, env });
}

/** The tree id of a commit (`<commit>^{tree}`); throws when it names no commit. */
export async function treeOf(cwd: string, commit: string): Promise<string> {
  return gitOut(['rev-parse', '--verify', `${commit}^{tree}`], { cwd });
}

/**
 * A commit object for `tree` with these parents and message (no ref moves, no hooks); its id.
 * `env` decides the author and committer (and must not carry a hook's GIT_DIR).
 */
export async function commitTree(
  cwd: string,
  tree: string,
  parents: readonly string[],
  message: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  return gitOut(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'], {
    cwd,
    env,
    input: message,
  });
}

/**
 * `git merge-tree --write-tree --name-only -z <a> <b>`: the in-memory merge of two commits, no
 * index or working tree touched (it writes objects only). Exit 0: merged; 1: conflicts, or
 * nothing git can merge (then no tree is printed): the caller reads which from the output.
 */
export async function mergeTreeOf(
  cwd: string,
  a: string,
  b: string,
): Promise<{ args: string[]; code: number; stdout: string; stderr: string }> {
  const args = ['merge-tree', '--write-tree', '--name-only', '-z', a, b];
  const { code, stdout, stderr } = await git(args, { cwd, okCodes: [0, 1] });
  return { args, code, stdout, stderr };
}

/**
 * Whether a stash made on `origHead` re-applies cleanly on `newHead`, decided without touching any
 * tree: a real merge (merge-tree, rename detection included) of the two over a synthetic common
 * ancestor that holds origHead's tree. Returns the conflicting files (empty: it applies), or
 * undefined when this git cannot tell (no `merge-tree --write-tree`).
 */
export async function stashConflicts(
  cwd: string,
  origHead: string,
  newHead: string,
  stash: string,
  env: NodeJS.ProcessEnv,
): Promise<string[] | undefined> {
  const base = await gitOut(['commit-tree', `${origHead}^{tree}`, '-m', 'qlock land: base'], {
    cwd,
    env,
  });
  const ours = await gitOut(['commit-tree', `${newHead}^{tree}`, '-p', base, '-m', 'ours'], {
    cwd,
    env,
  });
  const theirs = await gitOut(['commit-tree', `${stash}^{tree}`, '-p', base, '-m', 'theirs'], {
    cwd,
    env,
  });
  const run = await git(
    ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs],
    { cwd, env, okCodes: [0, 1, 128, 129] },
  );
  if (run.code === 0) return [];
  if (run.code !== 1) return undefined; // no merge-tree --write-tree: cannot tell
  return [...new Set(splitZ(run.stdout).slice(1).filter(Boolean))].sort();
}

/** An object read by readObjects: its id, its type and its bytes. */
export interface GitObject {
  id: string;
  type: string;
  content: Buffer;
}

// Objects by name (`<commit>:<path>`, an id; no newline) from one `git cat-file --batch`, in order;
// undefined for a name that names nothing. Ends early if git's output does.
export async function readObjects(
  cwd: string,
  names: readonly string[],
): Promise<(GitObject | undefined)[]> {
  const { stdout } = await gitBuffer(['cat-file', '--batch'], {
    cwd,
    input: encodePathBytes(names.join('\n') + '\n'),
  });
  const objects: (GitObject | undefined)[] = [];
  let pos = 0;
  for (let i = 0; i < names.length; i++) {
    const newline = stdout.indexOf(0x0a, pos);
    if (newline < 0) break;
    const header = stdout.subarray(pos, newline).toString('utf8');
    pos = newline + 1;
    // "<oid> <type> <size>" or "<name> missing" / "<name> ambiguous"
    const match = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
    if (!match) {
      objects.push(undefined);
      continue;
    }
    const size = Number(match[3]);
    objects.push({ id: match[1]!, type: match[2]!, content: stdout.subarray(pos, pos + size) });
    pos += size + 1;
  }
  return objects;
}

/** Writes `content` as a blob in the object store; its id. */
export async function writeBlob(cwd: string, content: string | Buffer): Promise<string> {
  return gitOut(['hash-object', '-w', '--stdin'], { cwd, input: content });
}

/** Writes a tree of these entries (`git mktree`; names without a newline); its id. */
export async function makeTree(
  cwd: string,
  entries: readonly { mode: string; type: 'blob' | 'tree'; id: string; name: string }[],
): Promise<string> {
  const input = entries.map((e) => `${e.mode} ${e.type} ${e.id}\t${e.name}\n`).join('');
  return gitOut(['mktree'], { cwd, input });
}

// Blobs by `<commit>:<path>` from one cat-file --batch (readObjects); undefined for a spec that
// names no blob, or whose path has a newline (the batch's line protocol cannot ask for it).
export async function readBlobs(
  cwd: string,
  specs: readonly string[],
): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  const asked = [...new Set(specs)].filter((s) => !s.includes('\n'));
  for (const s of specs) if (s.includes('\n')) out.set(s, undefined);
  if (!asked.length) return out;
  const objects = await readObjects(cwd, asked);
  objects.forEach((object, i) =>
    out.set(asked[i]!, object?.type === 'blob' ? object.content : undefined),
  );
  return out;
}

/** One file a tree diff names: A, M, D, T… from diff-tree; R for a rename (`from`: its old path). */
export interface TreeChange {
  path: string;
  status: string;
  from?: string;
}

/** Parses `diff-tree -r -z --name-status -M` output. */
export function parseNameStatusZ(output: string): TreeChange[] {
  const fields = splitZ(output);
  const entries: TreeChange[] = [];
  for (let i = 0; i < fields.length;) {
    const status = fields[i++]!;
    if (status.startsWith('R') || status.startsWith('C')) {
      const from = fields[i++]!;
      const to = fields[i++]!;
      entries.push(
        status.startsWith('R') ? { path: to, status: 'R', from } : { path: to, status: 'A' },
      );
    } else {
      entries.push({ path: fields[i++]!, status: status[0]! });
    }
  }
  return entries;
}

const emptyTrees = new Map<string, Promise<string>>();
// The empty tree's id, asked once per directory: it depends on the repository's object format
// (SHA-1 or SHA-256), and a process (`qlock watch`, a test worker) may see several repositories.
// A failed answer (the worktree just removed) is not kept.
export function emptyTree(cwd: string): Promise<string> {
  let id = emptyTrees.get(cwd);
  if (!id) {
    id = gitOut(['hash-object', '-t', 'tree', '--stdin'], { cwd, input: '' });
    emptyTrees.set(cwd, id);
    id.catch(() => emptyTrees.delete(cwd));
  }
  return id;
}

// What changed from `from` (a commit, or nothing: the empty tree) to `to`, renames detected.
export async function treeChanges(
  cwd: string,
  from: string | undefined,
  to: string,
): Promise<TreeChange[]> {
  const out = await git(
    [
      'diff-tree',
      '-r',
      '-z',
      '--name-status',
      '-M',
      '--no-ext-diff',
      from ?? (await emptyTree(cwd)),
      to,
    ],
    { cwd },
  );
  return parseNameStatusZ(out.stdout);
}
