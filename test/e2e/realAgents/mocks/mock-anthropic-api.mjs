#!/usr/bin/env node
// (A copy of the project's shared stand-in, kept here so that CI runs it from a fresh clone.)
// A scripted stand-in for the Anthropic Messages API, on loopback only, so that the real Claude Code CLI
// can run headless in tests without a network or a key. The first model turn that offers the scripted
// tool answers with one call of it; every other turn answers with text. Each request body is appended
// to REQUEST_LOG (one JSON line each) when that variable is set, so a test can check what reached the
// model: hook context, a denial reason, a tool result.
//
//   SCRIPT='{"name":"Edit","input":{"file_path":"/abs/a.txt","old_string":"a","new_string":"b"}}' \
//   REQUEST_LOG=/tmp/requests.jsonl node mock-anthropic-api.mjs [port]     # prints the port it listens on
//
// Then run the CLI against it, e.g. in a temporary HOME:
//   ANTHROPIC_BASE_URL=http://127.0.0.1:$PORT ANTHROPIC_API_KEY=test \
//   CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 \
//   claude -p "do it" --output-format json --permission-mode acceptEdits
// The JSON result lists `permission_denials`; the second request's body holds the tool_result.
// (qlock's addition) SCRIPT='{"sequence":[call1, call2, ...]}' makes the calls one after the other, one
// per streamed model turn that offers the next one's tool, tool results or not: one client run then
// makes several scripted steps (a refused write, then a free one, ...).
import fs from 'node:fs';
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
let script = JSON.parse(process.env.SCRIPT ?? '{"name":"Edit","input":{}}');
const sequence = Array.isArray(script?.sequence) ? script.sequence : null;
if (sequence) script = null;
const requestLog = process.env.REQUEST_LOG;
let toolCallsMade = 0;

const message = (id, content, stopReason) => ({
  id,
  type: 'message',
  role: 'assistant',
  model: 'claude-mock',
  content,
  stop_reason: stopReason,
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 5 },
});

function streamEvents(res, events) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const data of events) res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end();
}

function blockEvents(id, block, delta, stopReason) {
  return [
    { type: 'message_start', message: message(id, [], null) },
    { type: 'content_block_start', index: 0, content_block: block },
    { type: 'content_block_delta', index: 0, delta },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: 20 },
    },
    { type: 'message_stop' },
  ];
}

http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (requestLog) fs.appendFileSync(requestLog, JSON.stringify({ url: req.url, body }) + '\n');
      if (!req.url.startsWith('/v1/messages') || req.url.includes('count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ input_tokens: 10 }));
      }
      let request = {};
      try {
        request = JSON.parse(body);
      } catch {
        /* answer with text */
      }
      const id = 'msg_' + Math.random().toString(36).slice(2);
      const offers = (call) =>
        Boolean(call) &&
        Array.isArray(request.tools) &&
        request.tools.some((t) => t.name === call.name);
      const afterToolResult = JSON.stringify(request.messages ?? []).includes('tool_result');
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(message(id, [{ type: 'text', text: 'ok' }], 'end_turn')));
      }
      const call = sequence
        ? offers(sequence[toolCallsMade])
          ? sequence[toolCallsMade]
          : null
        : offers(script) && !afterToolResult && toolCallsMade === 0
          ? script
          : null;
      if (call) {
        toolCallsMade++;
        const toolUse = {
          type: 'tool_use',
          id: 'toolu_' + Math.random().toString(36).slice(2),
          name: call.name,
          input: {},
        };
        return streamEvents(
          res,
          blockEvents(
            id,
            toolUse,
            { type: 'input_json_delta', partial_json: JSON.stringify(call.input) },
            'tool_use',
          ),
        );
      }
      streamEvents(
        res,
        blockEvents(
          id,
          { type: 'text', text: '' },
          { type: 'text_delta', text: 'done' },
          'end_turn',
        ),
      );
    });
  })
  .listen(port, '127.0.0.1', function () {
    console.log(this.address().port);
  });
