/**
 * Editing a user's JSON config without reformatting it. The file is parsed once more with the
 * source range of every value and the text between them (whitespace, and comments where the agent
 * allows them); when the edited document is printed, any value that did not change is copied from
 * the original text byte for byte, and an object or array that did change keeps the text around
 * each of its members that stayed: only the members qlock added are laid out anew (in the file's
 * own indentation and line endings). Removing what was added then gives back the original bytes,
 * whatever the indentation, and leaves compact one-line arrays elsewhere in the file alone.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One member of an object or array, with the text around it. */
interface Entry {
  /** Object members: where the key starts (the text up to the value is kept as it was). */
  keyStart?: number;
  node: Node;
  /** Text between the previous `{`, `[` or `,` and the member. */
  before: string;
  /** Text between the member and the next `,` (or, for the last one, the closing bracket). */
  after: string;
}

interface Node {
  start: number;
  end: number;
  value: Json;
  members?: Map<string, Node>;
  items?: Node[];
  entries?: Entry[];
  keys?: string[];
}

export interface JsonText {
  text: string;
  value: Json;
  root: Node;
  indent: string;
  eol: string;
  /** The comments of the file, in order (only when they were allowed). */
  comments: string[];
}

export interface ParseOptions {
  /** Allow `//` and `/* *\/` comments (JSONC, as Gemini CLI reads its settings). */
  comments?: boolean;
}

/** Valid JSON that qlock could not give back byte for byte after an edit. */
export class UnrestorableJsonError extends SyntaxError {}

/** Sticky: they match at lastIndex only, without copying the rest of a large file. */
const LITERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

class Parser {
  private i = 0;
  private readonly s: string;
  private readonly allowComments: boolean;
  readonly comments: string[] = [];
  constructor(text: string, allowComments: boolean) {
    this.s = text;
    this.allowComments = allowComments;
  }

  parse(): Node {
    const node = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail('unexpected text after the JSON value');
    return node;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at offset ${this.i}`);
  }

  private unrestorable(what: string): never {
    throw new UnrestorableJsonError(`it has ${what} (offset ${this.i})`);
  }

  private ws(): void {
    for (;;) {
      while (this.i < this.s.length && ' \t\n\r\ufeff'.includes(this.s[this.i]!)) this.i++;
      if (!this.allowComments || this.s[this.i] !== '/') return;
      const start = this.i;
      if (this.s[this.i + 1] === '/') {
        const eol = this.s.indexOf('\n', this.i);
        this.i = eol < 0 ? this.s.length : eol;
      } else if (this.s[this.i + 1] === '*') {
        const close = this.s.indexOf('*/', this.i + 2);
        if (close < 0) this.fail('unterminated comment');
        this.i = close + 2;
      } else return;
      this.comments.push(this.s.slice(start, this.i).trimEnd());
    }
  }

  private value(): Node {
    this.ws();
    const start = this.i;
    const c = this.s[this.i];
    if (c === '{') return this.object(start);
    if (c === '[') return this.array(start);
    if (c === '"') {
      const value = this.string();
      return { start, end: this.i, value };
    }
    LITERAL.lastIndex = this.i;
    const m = LITERAL.exec(this.s);
    if (!m) this.fail('unexpected character');
    this.i += m[0].length;
    return { start, end: this.i, value: JSON.parse(m[0]) as Json };
  }

  private string(): string {
    STRING.lastIndex = this.i;
    const m = STRING.exec(this.s);
    if (!m) this.fail('bad string');
    this.i += m[0].length;
    // JSON.parse rejects what the loose pattern let through (control characters, bad escapes).
    return JSON.parse(m[0]) as string;
  }

  /** The members of an object or array up to its closing bracket; `read` parses one member. */
  private list(closer: string, read: () => Omit<Entry, 'before' | 'after'>): Entry[] {
    const entries: Entry[] = [];
    let from = this.i;
    this.ws();
    if (this.s[this.i] === closer) {
      this.i++;
      return entries;
    }
    for (;;) {
      this.ws();
      const memberStart = this.i;
      const entry = read();
      const end = this.i;
      this.ws();
      entries.push({
        ...entry,
        before: this.s.slice(from, memberStart),
        after: this.s.slice(end, this.i),
      });
      if (this.s[this.i] === ',') {
        this.i++;
        from = this.i;
        continue;
      }
      if (this.s[this.i] === closer) {
        this.i++;
        return entries;
      }
      this.fail(`expected "," or "${closer}"`);
    }
  }

  private object(start: number): Node {
    this.i++;
    const members = new Map<string, Node>();
    const value: { [key: string]: Json } = {};
    const keys: string[] = [];
    const entries = this.list('}', () => {
      const keyStart = this.i;
      if (this.s[this.i] !== '"') this.fail('expected a key');
      const key = this.string();
      // Neither can be given back exactly once parsed: a later duplicate hides the earlier one,
      // and a `__proto__` member sets the prototype instead of becoming a member.
      if (key === '__proto__') this.unrestorable('a "__proto__" member');
      if (members.has(key)) this.unrestorable(`the key ${JSON.stringify(key)} twice`);
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected ":"');
      this.i++;
      const node = this.value();
      members.set(key, node);
      value[key] = node.value;
      keys.push(key);
      return { keyStart, node };
    });
    return { start, end: this.i, value, members, entries, keys };
  }

  private array(start: number): Node {
    this.i++;
    const entries = this.list(']', () => ({ node: this.value() }));
    const items = entries.map((e) => e.node);
    return { start, end: this.i, value: items.map((n) => n.value), items, entries };
  }
}

/** Parses JSON text keeping value ranges and layout. Throws SyntaxError (comments only if allowed). */
export function parseJsonText(text: string, options: ParseOptions = {}): JsonText {
  const parser = new Parser(text, options.comments === true);
  const root = parser.parse();
  const indentMatch = /[{[][ \t]*\r?\n([ \t]+)\S/.exec(text);
  return {
    text,
    value: root.value,
    root,
    indent: indentMatch?.[1] ?? '  ',
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    comments: parser.comments,
  };
}

/** Whether every comment of `before` is still in `after`, in the same order. */
export function commentsKept(before: string[], after: string[]): boolean {
  let j = 0;
  for (const comment of before) {
    while (j < after.length && after[j] !== comment) j++;
    if (j === after.length) return false;
    j++;
  }
  return true;
}

function same(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The part of a gap before its line break when it is a comment: `"a": 1, // why`. */
function lineComment(gap: string): string {
  const eolAt = gap.indexOf('\n');
  if (eolAt < 0) return '';
  const head = gap.slice(0, gap[eolAt - 1] === '\r' ? eolAt - 1 : eolAt);
  return head.trim() ? head : '';
}

const isContainer = (v: Json): v is Json[] | { [key: string]: Json } =>
  !!v && typeof v === 'object';

/**
 * Pairs the items of a changed array with the original's: an item equal to an original one keeps
 * that one's text (so items after a removed or added one are not laid out anew); the others take
 * the original at their own index, if still free, for what inside them did not change.
 */
function matchItems(items: Json[], entries: Entry[]): (number | undefined)[] {
  const used = new Set<number>();
  const match: (number | undefined)[] = items.map((item) => {
    const k = entries.findIndex((e, j) => !used.has(j) && same(e.node.value, item));
    if (k >= 0) used.add(k);
    return k >= 0 ? k : undefined;
  });
  return match.map((m, i) => {
    if (m !== undefined || i >= entries.length || used.has(i)) return m;
    used.add(i);
    return i;
  });
}

/**
 * Prints `value`, reusing the original text of every unchanged value of `original` (a document
 * parsed with parseJsonText); without `original`, a fresh document in 2-space layout.
 */
export function printJson(value: Json, original?: JsonText): string {
  const indent = original?.indent ?? '  ';
  const eol = original?.eol ?? '\n';
  const text = original?.text ?? '';
  /** One line, in the node's own spacing: `["a", "b"]`, `{ "k": 1 }` (for arrays and objects
   * that were written on one line, such as `"allow": ["Read"]`). */
  const printInline = (
    v: Json,
    node: Node | undefined,
    style: { sep: string; colon: string; pad: boolean } = { sep: ', ', colon: ': ', pad: false },
  ): string => {
    if (node && same(v, node.value)) return text.slice(node.start, node.end);
    // The node's own spacing, read from its members (`{"a":1}` stays compact, `{ "a": 1 }` not);
    // a node without members takes its parent's, so a member added to a compact file is compact.
    const entries = node?.entries ?? [];
    const last = entries[entries.length - 1];
    const open = entries.length ? entries[0]!.before : style.pad ? ' ' : '';
    const close = last ? last.after : open;
    const firstKey = entries[0]?.keyStart !== undefined ? entries[0] : undefined;
    const colon = firstKey
      ? (/^"(?:[^"\\]|\\.)*"(\s*:\s*)$/.exec(
          text.slice(firstKey.keyStart, firstKey.node.start),
        )?.[1] ?? ': ')
      : style.colon;
    // One member tells no separator: an object goes by its colon, an array by its parent.
    const sep =
      entries.length > 1
        ? `,${entries[1]!.before}`
        : firstKey
          ? colon.endsWith(' ')
            ? ', '
            : ','
          : style.sep;
    const inner = { sep, colon, pad: open !== '' };
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      return `[${open}${v.map((item, i) => printInline(item, node?.items?.[i], inner)).join(sep)}${close}]`;
    }
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (!keys.length) return '{}';
      const parts = keys.map((k) => {
        const at = node?.keys?.indexOf(k) ?? -1;
        const entry = at >= 0 ? entries[at] : undefined;
        // A member that stays keeps its key and colon as written.
        const head = entry
          ? text.slice(entry.keyStart, entry.node.start)
          : `${JSON.stringify(k)}${colon}`;
        return head + printInline(v[k]!, entry?.node, inner);
      });
      return `{${open}${parts.join(sep)}${close}}`;
    }
    return JSON.stringify(v);
  };
  /** A changed object or array whose original had members: the text around those that stay. */
  const printAround = (v: Json[] | { [key: string]: Json }, node: Node, depth: number): string => {
    const entries = node.entries!;
    const pad = indent.repeat(depth + 1);
    const isArray = Array.isArray(v);
    const keys = isArray ? [] : Object.keys(v);
    const values = isArray ? v : keys.map((k) => v[k]!);
    const match = isArray
      ? matchItems(v, entries)
      : keys.map((k) => {
          const at = node.keys!.indexOf(k);
          return at >= 0 ? at : undefined;
        });
    const last = entries.length - 1;
    const kept = new Set(match.filter((m): m is number => m !== undefined));
    // The text before the closing bracket (the newline and indentation of the last member). When
    // members now follow the original last one, the comment at the end of its line stays there.
    let closing = entries[last]!.after;
    const lastComment =
      kept.has(last) && match[values.length - 1] !== last ? lineComment(closing) : '';
    closing = closing.slice(lastComment.length);
    /** The comment that ended the line of entry `k` in front of a member that is now gone. */
    const carried = (k: number) =>
      k === last ? lastComment : kept.has(k + 1) ? '' : lineComment(entries[k + 1]!.before);
    let out = isArray ? '[' : '{';
    values.forEach((item, i) => {
      const at = match[i];
      const entry = at === undefined ? undefined : entries[at]!;
      const key = isArray
        ? ''
        : entry
          ? text.slice(entry.keyStart, entry.node.start)
          : `${JSON.stringify(keys[i])}: `;
      out += entry ? entry.before : eol + pad;
      out += key + print(item, entry?.node, depth + 1);
      if (entry && at !== last) out += entry.after;
      const comment = at === undefined ? '' : carried(at);
      out += i < values.length - 1 ? `,${comment}` : comment + closing;
    });
    return out + (isArray ? ']' : '}');
  };
  const print = (v: Json, node: Node | undefined, depth: number): string => {
    if (node && same(v, node.value)) return text.slice(node.start, node.end);
    const kindOf = (x: Json) => (Array.isArray(x) ? 'array' : isContainer(x) ? 'object' : 'value');
    const layout =
      node && kindOf(node.value) === kindOf(v) && node.entries?.length ? node : undefined;
    if (layout && isContainer(v)) {
      if (!text.slice(layout.start, layout.end).includes('\n')) return printInline(v, layout);
      if (Array.isArray(v) ? v.length : Object.keys(v).length) return printAround(v, layout, depth);
    }
    const pad = indent.repeat(depth + 1);
    const close = indent.repeat(depth);
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      const parts = v.map((item) => pad + print(item, undefined, depth + 1));
      return `[${eol}${parts.join(`,${eol}`)}${eol}${close}]`;
    }
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (!keys.length) return '{}';
      const parts = keys.map(
        (k) => `${pad}${JSON.stringify(k)}: ${print(v[k]!, undefined, depth + 1)}`,
      );
      return `{${eol}${parts.join(`,${eol}`)}${eol}${close}}`;
    }
    return JSON.stringify(v);
  };
  if (original && same(value, original.value)) return text;
  const body = print(value, original?.root, 0);
  if (!original) return body + eol;
  return text.slice(0, original.root.start) + body + text.slice(original.root.end);
}
