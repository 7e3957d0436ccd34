#!/usr/bin/env node
// (A copy of the project's shared stand-in, kept here so that CI runs it from a fresh clone.)
// A scripted stand-in for the OpenAI Responses API (POST /v1/responses, SSE), on loopback only, so that the
// real Codex CLI can run headless in tests without a network or a key. The first model turn that offers the
// scripted tool answers with one call of it; every other turn answers with text. Each request is appended to
// REQUEST_LOG (one JSON line each: {method, url, body}) when that variable is set, so a test can check what
// reached the model: hook context, a denial reason, a tool output.
//
//   SCRIPT='{"name":"apply_patch","input":"*** Begin Patch\n*** Update File: a.txt\n@@\n-old\n+new\n*** End Patch\n"}' \
//   REQUEST_LOG=/tmp/requests.jsonl node mock-codex-api.mjs [port]     # prints the port it listens on
//
// `input` is sent verbatim when the request offers the tool as a freeform ("custom") tool; when it is
// offered as a JSON function tool, `arguments` (an object) is sent, or {"input": input} if none is given.
// Point Codex (0.169) at it with $HOME/.codex/config.toml (see reference/agent-hooks.md §7 for the whole file):
//   model = "gpt-5.5"            # a bundled slug: unknown slugs get fallback metadata and NO apply_patch tool
//   model_provider = "mock"; approval_policy = "never"; sandbox_mode = "danger-full-access"
//   [analytics] enabled = false  # else a 5 s OTEL export attempt to ab.chatgpt.com at exit
//   [features] plugins = false   # else curated-plugin sync from github.com / chatgpt.com at startup
//   [model_providers.mock] name = "mock", base_url = "http://127.0.0.1:PORT/v1", env_key = "MOCK_API_KEY",
//                          wire_api = "responses"
// then: MOCK_API_KEY=test codex exec --json "do it" </dev/null   (gpt-5.5 offers apply_patch as a freeform
// "custom" tool, so the call goes out as a custom_tool_call and comes back as custom_tool_call_output).
// (qlock's addition) SCRIPT='{"sequence":[call1, call2, ...]}' makes the calls one after the other, one
// per model turn that offers the next one's tool, tool outputs or not.
import fs from 'node:fs';
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
let script = JSON.parse(process.env.SCRIPT ?? '{"name":"apply_patch","input":""}');
const sequence = Array.isArray(script?.sequence) ? script.sequence : null;
if (sequence) script = null;
const requestLog = process.env.REQUEST_LOG;
let toolCallsMade = 0;
let seq = 0;
const id = (prefix) => `${prefix}_${Date.now().toString(36)}${(seq++).toString(36)}`;

const usage = {
  input_tokens: 10,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 5,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 15,
};

function streamEvents(res, responseId, items) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (data) => res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
  send({ type: 'response.created', response: { id: responseId, status: 'in_progress' } });
  items.forEach((item, index) => {
    send({ type: 'response.output_item.added', output_index: index, item });
    send({ type: 'response.output_item.done', output_index: index, item });
  });
  send({
    type: 'response.completed',
    response: { id: responseId, status: 'completed', output: items, usage },
  });
  res.end();
}

function toolCallItem(tool, call) {
  if (tool.type === 'custom') {
    return {
      type: 'custom_tool_call',
      id: id('ctc'),
      call_id: id('call'),
      name: call.name,
      input: call.input ?? '',
      status: 'completed',
    };
  }
  const args = call.arguments ?? { input: call.input ?? '' };
  return {
    type: 'function_call',
    id: id('fc'),
    call_id: id('call'),
    name: call.name,
    arguments: JSON.stringify(args),
    status: 'completed',
  };
}

const textItem = (text) => ({
  type: 'message',
  id: id('msg'),
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text, annotations: [] }],
});

http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (requestLog)
        fs.appendFileSync(
          requestLog,
          JSON.stringify({ method: req.method, url: req.url, body }) + '\n',
        );
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ object: 'list', data: [], models: [] }));
      }
      if (req.method !== 'POST' || !path.endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            error: { message: `mock: no ${req.method} ${req.url}`, type: 'not_found' },
          }),
        );
      }
      let request = {};
      try {
        request = JSON.parse(body);
      } catch {
        /* answer with text */
      }
      const call = sequence ? sequence[toolCallsMade] : script;
      const tool = call && (request.tools ?? []).find((t) => t.name === call.name);
      const afterToolOutput = (Array.isArray(request.input) ? request.input : []).some((item) =>
        /_call_output$/.test(item.type ?? ''),
      );
      const items =
        tool && (sequence || (!afterToolOutput && toolCallsMade === 0))
          ? (toolCallsMade++, [toolCallItem(tool, call)])
          : [textItem('done')];
      if (request.stream === false) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            id: id('resp'),
            object: 'response',
            status: 'completed',
            output: items,
            usage,
          }),
        );
      }
      streamEvents(res, id('resp'), items);
    });
  })
  .listen(port, '127.0.0.1', function () {
    console.log(this.address().port);
  });
