/**
 * The marked block qlock puts into a git hook file, and the pure text operations on it. The block
 * is the same on every machine (no absolute paths: husky's `.husky/<hook>` files are tracked and
 * shared): it finds the runner that `qlock hooks install` wrote into this clone's git common dir
 * and hands over. A clone without qlock (a teammate) has no runner, and the block does nothing.
 *
 * Installing twice gives the same bytes; removing the block restores the file as it was, because
 * the block is always inserted as whole lines at a line boundary.
 */

export const BEGIN = '# >>> qlock >>>';
export const END = '# <<< qlock <<<';

/** The suffix of a hook moved aside because it could not take a shell block (see hookFile.ts). */
export const MOVED_SUFFIX = '.pre-qlock';

export interface BlockOptions {
  /** The hook reads stdin: capture it, give it to qlock, then replay it for the rest of the file. */
  stdin: boolean;
  /** This file wraps a hook moved aside to `<hook>.pre-qlock`: run that one afterwards. */
  chain: boolean;
  /**
   * reference-transaction: filter in the block itself, with shell builtins only, and start the
   * runner only for a `prepared` transaction that updates a base ref (see renderRefsFilter).
   */
  refs?: boolean;
}

/**
 * The block. No command in it can fail except qlock's runner (husky runs its files with `sh -e`,
 * where any failing command would stop the hook). QLOCK=0 skips qlock without starting anything;
 * the chained hook still runs.
 */
export function renderBlock(hook: string, options: BlockOptions): string {
  if (options.refs) return renderRefsBlock(hook, options);
  const run = '"$qlock_dir/qlock/hooks/run.sh"';
  const lines = [
    BEGIN,
    '# qlock: checks across parallel sessions. `qlock hooks uninstall` removes this block; QLOCK=0 skips it.',
    `if [ "\${QLOCK-}" != 0 ]; then`,
    // The common dir from the files when possible (a git process costs ~3 ms), else from git.
    `  qlock_dir=\${GIT_DIR:-.git}`,
    `  if [ -f "$qlock_dir/commondir" ]; then`,
    `    read -r qlock_c <"$qlock_dir/commondir" || :`,
    `    case $qlock_c in /*) qlock_dir=$qlock_c ;; *) qlock_dir=$qlock_dir/$qlock_c ;; esac`,
    `  fi`,
    `  [ -f ${run} ] || qlock_dir=$(git rev-parse --git-common-dir 2>/dev/null) || qlock_dir=`,
    `  if [ -f ${run} ]; then`,
  ];
  if (options.stdin) {
    // Read stdin once, hand it to qlock, and give the rest of this file the same bytes again.
    lines.push(
      `    qlock_in=$(cat; echo .); qlock_in=\${qlock_in%.}`,
      `    printf '%s' "$qlock_in" | sh ${run} ${hook} "$@" || exit $?`,
      `    if [ -n "$qlock_in" ]; then exec <<qlock_stdin_end`,
      `\${qlock_in%?}`,
      `qlock_stdin_end`,
      `    else exec </dev/null; fi`,
    );
  } else {
    lines.push(`    sh ${run} ${hook} "$@" || exit $?`);
  }
  lines.push('  fi', 'fi');
  if (options.chain) lines.push(`[ ! -x "$0${MOVED_SUFFIX}" ] || exec "$0${MOVED_SUFFIX}" "$@"`);
  lines.push(END);
  return lines.join('\n') + '\n';
}

/**
 * The reference-transaction block. git runs it for every ref transaction (a non-atomic fetch: two
 * per fetched ref), so everything up to the decision is shell builtins: no `cat`, no `git`, no
 * second shell. Only `prepared` can refuse; `committed` and `aborted` do nothing and never fail.
 * The `<old> <new> <ref>` lines are read once, matched against `<common dir>/qlock/hooks/bases`,
 * handed to the runner only when a base ref is among them (with the git process's pid, which tells
 * qlock the git command), and replayed for the rest of the file.
 */
function renderRefsBlock(hook: string, options: BlockOptions): string {
  const bases = '"$qlock_dir/qlock/hooks/bases"';
  const run = '"$qlock_dir/qlock/hooks/run.sh"';
  const lines = [
    BEGIN,
    '# qlock: checks across parallel sessions. `qlock hooks uninstall` removes this block; QLOCK=0 skips it.',
    `if [ "\${QLOCK-}" != 0 ] && [ "\${1-}" = prepared ]; then`,
    `  qlock_dir=\${GIT_DIR:-.git}`,
    `  if [ -f "$qlock_dir" ]; then`,
    `    read -r qlock_c <"$qlock_dir" || :`,
    `    qlock_dir=\${qlock_c#gitdir: }`,
    `  fi`,
    `  if [ -f "$qlock_dir/commondir" ]; then`,
    `    read -r qlock_c <"$qlock_dir/commondir" || :`,
    `    case $qlock_c in /*) qlock_dir=$qlock_c ;; *) qlock_dir=$qlock_dir/$qlock_c ;; esac`,
    `  fi`,
    `  if [ -f ${bases} ] && [ -f ${run} ]; then`,
    `    qlock_in=`,
    `    qlock_hit=`,
    `    while read -r qlock_o qlock_n qlock_r; do`,
    `      qlock_in="$qlock_in$qlock_o $qlock_n $qlock_r`,
    `"`,
    `      while read -r qlock_b; do [ "$qlock_b" != "$qlock_r" ] || qlock_hit=1; done <${bases}`,
    `    done`,
    `    if [ -n "$qlock_hit" ]; then`,
    `      printf '%s' "$qlock_in" | QLOCK_GIT_PID=$PPID sh ${run} ${hook} "$@" || exit $?`,
    `    fi`,
    `    if [ -n "$qlock_in" ]; then exec <<qlock_stdin_end`,
    `\${qlock_in%?}`,
    `qlock_stdin_end`,
    `    else exec </dev/null; fi`,
    `  fi`,
    'fi',
  ];
  if (options.chain) lines.push(`[ ! -x "$0${MOVED_SUFFIX}" ] || exec "$0${MOVED_SUFFIX}" "$@"`);
  lines.push(END);
  return lines.join('\n') + '\n';
}

interface BlockSpan {
  start: number;
  end: number;
}

/** Where the block is (byte offsets of whole lines), or undefined. Throws on a half block. */
export function findBlock(text: string): BlockSpan | undefined {
  const start = lineStart(text, BEGIN);
  if (start < 0) return undefined;
  const endLine = lineStart(text, END, start);
  if (endLine < 0) throw new Error(`found "${BEGIN}" without "${END}"`);
  const newline = text.indexOf('\n', endLine);
  return { start, end: newline < 0 ? text.length : newline + 1 };
}

function lineStart(text: string, line: string, from = 0): number {
  let at = from;
  for (;;) {
    const i = text.indexOf(line, at);
    if (i < 0) return -1;
    const atLineStart = i === 0 || text[i - 1] === '\n';
    const after = text[i + line.length];
    if (atLineStart && (after === undefined || after === '\n' || after === '\r')) return i;
    at = i + 1;
  }
}

export function hasBlock(text: string): boolean {
  try {
    return findBlock(text) !== undefined;
  } catch {
    return true;
  }
}

/**
 * The text with the block in place: an existing block is replaced where it is; otherwise the
 * block goes first, after a shebang line if there is one. First, not last: a hook that ends with
 * `exit 0` or `exec some-tool` would never reach a block appended at the end.
 */
export function insertBlock(text: string, block: string): string {
  const span = findBlock(text);
  if (span) return text.slice(0, span.start) + block + text.slice(span.end);
  if (text.startsWith('#!')) {
    const newline = text.indexOf('\n');
    if (newline < 0) return `${text}\n${block}`;
    return text.slice(0, newline + 1) + block + text.slice(newline + 1);
  }
  return block + text;
}

/** The text without the block (unchanged when there is none). */
export function removeBlock(text: string): { text: string; found: boolean } {
  const span = findBlock(text);
  if (!span) return { text, found: false };
  return { text: text.slice(0, span.start) + text.slice(span.end), found: true };
}

/** The first line of a hook file that qlock creates (husky's files have none: husky runs sh). */
export const CREATED_SHEBANG = '#!/bin/sh\n';

/** Interpreters whose scripts can take our POSIX-sh block inline. */
const SHELL_SHEBANG =
  /^#!\s*(?:\S*\/)?(?:env\s+(?:-S\s+)?)?(?:sh|bash|dash|ksh|mksh|ash|zsh|busybox\s+sh)(?:\s|$)/;

/**
 * How an existing hook file can be chained: `inline` (a shell script, or a text file without a
 * shebang, which git runs with sh), or `wrap` (another language or a binary: moved aside).
 */
export function classifyHookText(text: string): 'inline' | 'wrap' {
  if (text.includes('\0')) return 'wrap';
  if (!text.startsWith('#!')) return 'inline';
  const first = text.slice(0, text.indexOf('\n') < 0 ? undefined : text.indexOf('\n'));
  return SHELL_SHEBANG.test(first) ? 'inline' : 'wrap';
}
