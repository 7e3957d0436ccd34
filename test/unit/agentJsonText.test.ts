import { describe, expect, it } from 'vitest';

import { commentsKept, type Json, parseJsonText, printJson } from '../../src/agents/jsonText.js';

type Obj = { [k: string]: Json };

function edit(text: string, change: (v: Obj) => void, comments = false): string {
  const doc = parseJsonText(text, { comments });
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

  it('fills an empty object or array in the file’s layout and empties it again byte for byte', () => {
    // What `q agent create` writes: empty containers among the other settings.
    const text =
      '{\n  "name": "dev",\n  "mcpServers": {},\n  "tools": [\n    "*"\n  ],\n  "hooks": {},\n  "useLegacyMcpJson": true\n}\n';
    const added = edit(text, (v) => {
      (v.mcpServers as Obj).qlock = { command: 'node', args: ['qlock.js', 'mcp'] };
      (v.hooks as Obj).agentSpawn = [{ command: 'qlock agent-hook q session-start' }];
    });
    expect(added).toContain(
      '\n  "mcpServers": {\n    "qlock": {\n      "command": "node",\n      "args": [\n        "qlock.js",\n        "mcp"\n      ]\n    }\n  },\n',
    );
    expect(added).toContain('\n  "hooks": {\n    "agentSpawn": [\n      {\n');
    expect(
      edit(added, (v) => {
        delete (v.mcpServers as Obj).qlock;
        delete (v.hooks as Obj).agentSpawn;
      }),
    ).toBe(text);
  });

  it('removing an item in the middle of an array leaves the items after it as they were', () => {
    const text =
      '{\n  "list": [\n    {"a": 1},\n    {\n      "b": 2\n    },\n    {"c":3}\n  ]\n}\n';
    const added = edit(text, (v) => (v.list as Json[]).splice(1, 0, { q: true }));
    expect(added).toBe(
      '{\n  "list": [\n    {"a": 1},\n    {\n      "q": true\n    },\n    {\n      "b": 2\n    },\n    {"c":3}\n  ]\n}\n',
    );
    expect(edit(added, (v) => (v.list as Json[]).splice(1, 1))).toBe(text);
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

describe('JSON with comments (where the agent reads them: Gemini CLI)', () => {
  const text = [
    '// Gemini settings',
    '{',
    '  /* the UI */',
    '  "general": { "vimMode": true }, // I like vim',
    '  "hooks": {',
    '    // my own hook',
    '    "BeforeTool": [',
    '      {',
    '        "matcher": "write_file",',
    '        "hooks": [{ "type": "command", "command": "./check.sh" }]',
    '      }',
    '    ]',
    '  },',
    '  "theme": "dark" // last',
    '}',
    '',
  ].join('\n');
  const install = (v: Obj) => {
    const hooks = v.hooks as Obj;
    (hooks.BeforeTool as Json[]).push({ matcher: 'replace', hooks: [{ command: 'qlock' }] });
    hooks.SessionStart = [{ hooks: [{ command: 'qlock' }] }];
    v.mcpServers = { qlock: { command: 'node' } };
  };
  const uninstall = (v: Obj) => {
    const hooks = v.hooks as Obj;
    (hooks.BeforeTool as Json[]).pop();
    delete hooks.SessionStart;
    delete v.mcpServers;
  };

  it('keeps every comment through an edit, and the removal gives the original bytes back', () => {
    const doc = parseJsonText(text, { comments: true });
    expect(doc.comments).toEqual([
      '// Gemini settings',
      '/* the UI */',
      '// I like vim',
      '// my own hook',
      '// last',
    ]);
    const added = edit(text, install, true);
    const after = parseJsonText(added, { comments: true });
    expect(commentsKept(doc.comments, after.comments)).toBe(true);
    expect(after.value).toMatchObject({
      theme: 'dark',
      mcpServers: { qlock: { command: 'node' } },
    });
    expect(added).toContain('"general": { "vimMode": true }, // I like vim\n');
    // A comment at the end of the last member's line stays there when members follow it.
    expect(added).toContain('  "theme": "dark", // last\n  "mcpServers": {');
    expect(edit(added, uninstall, true)).toBe(text);
  });

  it('commentsKept notices a comment that went missing', () => {
    expect(commentsKept(['// a', '// b'], ['// a', '// x', '// b'])).toBe(true);
    expect(commentsKept(['// a', '// b'], ['// b'])).toBe(false);
    expect(commentsKept(['// a', '// b'], ['// b', '// a'])).toBe(false);
  });

  it('rejects an unterminated comment', () => {
    expect(() => parseJsonText('{ /* open\n "a": 1 }', { comments: true })).toThrow(SyntaxError);
  });
});
