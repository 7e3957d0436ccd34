import { describe, expect, it } from 'vitest';

import { type Json, parseJsonText, printJson } from '../../src/agents/jsonText.js';

type Obj = { [k: string]: Json };

function edit(text: string, change: (v: Obj) => void): string {
  const doc = parseJsonText(text);
  const value = structuredClone(doc.value) as Obj;
  change(value);
  return printJson(value, doc);
}

describe('printJson keeps what did not change', () => {
  it('returns the text unchanged when the value did not change', () => {
    const text = '{"a":  [1,2],\n\n "b": {"c": true}}   \n\n';
    expect(edit(text, () => {})).toBe(text);
  });

  it('adds a key in the file’s own layout and takes it out again byte for byte', () => {
    for (const indent of ['  ', '    ', '\t']) {
      const text = `{\n${indent}"model": "x",\n${indent}"permissions": {\n${indent}${indent}"allow": ["Bash(npm test)", "Read"]\n${indent}}\n}\n`;
      const added = edit(text, (v) => {
        v.hooks = { PreToolUse: [{ matcher: 'Write', hooks: [] }] };
      });
      // the compact one-line array elsewhere is copied, not reformatted
      expect(added).toContain('["Bash(npm test)", "Read"]');
      expect(added).toContain(`\n${indent}"hooks": {\n${indent}${indent}"PreToolUse": [`);
      expect(edit(added, (v) => delete v.hooks)).toBe(text);
    }
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const text = '{\r\n  "a": 1\r\n}';
    const added = edit(text, (v) => (v.b = [2]));
    expect(added).toBe('{\r\n  "a": 1,\r\n  "b": [\r\n    2\r\n  ]\r\n}');
    expect(edit(added, (v) => delete v.b)).toBe(text);
  });

  it('appends to an existing array and removes again exactly', () => {
    const text =
      '{\n  "hooks": {\n    "PreToolUse": [\n      {\n        "matcher": "Bash",\n        "hooks": [{ "type": "command", "command": "lint" }]\n      }\n    ]\n  }\n}\n';
    const added = edit(text, (v) => {
      ((v.hooks as Obj).PreToolUse as Json[]).push({ matcher: 'Write', hooks: [] });
    });
    expect(added).toContain('"hooks": [{ "type": "command", "command": "lint" }]');
    expect(
      edit(added, (v) => {
        ((v.hooks as Obj).PreToolUse as Json[]).pop();
      }),
    ).toBe(text);
  });

  it('keeps a one-line array on one line when adding to it, and restores it exactly', () => {
    const text = '{\n  "enabledMcpjsonServers": ["github"],\n  "x": {"a": 1}\n}\n';
    const added = edit(text, (v) => (v.enabledMcpjsonServers as Json[]).push('qlock'));
    expect(added).toBe('{\n  "enabledMcpjsonServers": ["github", "qlock"],\n  "x": {"a": 1}\n}\n');
    expect(edit(added, (v) => (v.enabledMcpjsonServers as Json[]).pop())).toBe(text);
  });

  it('prints a new document with two spaces and a final newline', () => {
    expect(printJson({ a: [1], b: {} })).toBe('{\n  "a": [\n    1\n  ],\n  "b": {}\n}\n');
  });

  it('rejects what is not JSON (comments, trailing commas)', () => {
    expect(() => parseJsonText('{ // comment\n "a": 1 }')).toThrow(SyntaxError);
    expect(() => parseJsonText('{"a": 1,}')).toThrow(SyntaxError);
    expect(() => parseJsonText('{"a": "tab\there"}')).toThrow(SyntaxError);
  });

  it('parses strings with escapes and unicode like JSON.parse', () => {
    const text = '{"a": "q\\"uote \\\\ \\u00e9 é", "b": -1.5e3, "c": null}';
    expect(parseJsonText(text).value).toEqual(JSON.parse(text));
  });
});
