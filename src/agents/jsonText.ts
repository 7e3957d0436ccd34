/**
 * Editing a user's JSON config without reformatting it. The file is parsed once more with the
 * source range of every value; when the edited document is printed, any value that did not change
 * is copied from the original text byte for byte, so only the objects and arrays qlock touched are
 * laid out anew (with the file's own indentation and line endings). Removing what was added then
 * gives back the original bytes for files in the usual layout (one member per line), whatever
 * their indentation, and leaves compact one-line arrays elsewhere in the file alone.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Node {
  start: number;
  end: number;
  value: Json;
  members?: Map<string, Node>;
  items?: Node[];
}

export interface JsonText {
  text: string;
  value: Json;
  root: Node;
  indent: string;
  eol: string;
  finalNewline: boolean;
}

/** Sticky: they match at lastIndex only, without copying the rest of a large file. */
const LITERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

class Parser {
  private i = 0;
  private readonly s: string;
  constructor(text: string) {
    this.s = text;
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

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r\ufeff'.includes(this.s[this.i]!)) this.i++;
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

  private object(start: number): Node {
    this.i++;
    const members = new Map<string, Node>();
    const value: { [key: string]: Json } = {};
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { start, end: this.i, value, members };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a key');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected ":"');
      this.i++;
      const child = this.value();
      members.set(key, child);
      value[key] = child.value;
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return { start, end: this.i, value, members };
      }
      this.fail('expected "," or "}"');
    }
  }

  private array(start: number): Node {
    this.i++;
    const items: Node[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { start, end: this.i, value: [], items };
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return { start, end: this.i, value: items.map((n) => n.value), items };
      }
      this.fail('expected "," or "]"');
    }
  }
}

/** Parses JSON text keeping value ranges and layout. Throws SyntaxError (comments are not JSON). */
export function parseJsonText(text: string): JsonText {
  const root = new Parser(text).parse();
  const indentMatch = /[{[][ \t]*\r?\n([ \t]+)\S/.exec(text);
  return {
    text,
    value: root.value,
    root,
    indent: indentMatch?.[1] ?? '  ',
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    finalNewline: /\n\s*$/.test(text) || text.trim() === '',
  };
}

function same(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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
  const printInline = (v: Json, node: Node | undefined): string => {
    if (node && same(v, node.value)) return text.slice(node.start, node.end);
    const source = node ? text.slice(node.start, node.end) : '';
    const sep = source.includes(', ') || !source.includes(',') ? ', ' : ',';
    if (Array.isArray(v))
      return `[${v.map((item, i) => printInline(item, node?.items?.[i])).join(sep)}]`;
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (!keys.length) return '{}';
      const pad = /^\{\s/.test(source) ? ' ' : '';
      const colon = /"\s*:\s/.test(source) || !source ? ': ' : ':';
      const parts = keys.map(
        (k) => `${JSON.stringify(k)}${colon}${printInline(v[k]!, node?.members?.get(k))}`,
      );
      return `{${pad}${parts.join(sep)}${pad}}`;
    }
    return JSON.stringify(v);
  };
  const print = (v: Json, node: Node | undefined, depth: number): string => {
    if (node && same(v, node.value)) return text.slice(node.start, node.end);
    if (node && (node.items || node.members) && !text.slice(node.start, node.end).includes('\n'))
      return printInline(v, node);
    const pad = indent.repeat(depth + 1);
    const close = indent.repeat(depth);
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      // Items keep their original text only when they stay at the same index.
      const parts = v.map((item, i) => pad + print(item, node?.items?.[i], depth + 1));
      return `[${eol}${parts.join(`,${eol}`)}${eol}${close}]`;
    }
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (!keys.length) return '{}';
      const parts = keys.map(
        (k) => `${pad}${JSON.stringify(k)}: ${print(v[k]!, node?.members?.get(k), depth + 1)}`,
      );
      return `{${eol}${parts.join(`,${eol}`)}${eol}${close}}`;
    }
    return JSON.stringify(v);
  };
  if (original && same(value, original.value)) return text;
  const body = print(value, original?.root, 0);
  const leading = original ? text.slice(0, original.root.start) : '';
  const finalNewline = original ? original.finalNewline : true;
  return leading + body + (finalNewline ? eol : '');
}
