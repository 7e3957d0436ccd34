#!/usr/bin/env node
// (A copy of the project's shared stand-in, kept here so that CI runs it from a fresh clone.)
// Scripted loopback stand-in for the OpenAI APIs that agent CLIs speak with a custom provider:
//   POST .../chat/completions   (stream true -> SSE chunks, else one JSON object)
//   POST .../responses          (stream true -> SSE events, else one JSON object)
//   GET  .../models             (empty-ish list)
// The first model turn that offers one of the scripted tools answers with one call of it; every
// later turn (or any turn after a tool result is in the history) answers with text "done".
// Requests that offer no tools (title generation etc.) get a short text answer.
//
//   SCRIPT='[{"name":"create","arguments":{"path":"/abs/src/locked.txt","file_text":"x\n"}}, ...]'
//   (a freeform/custom tool such as Copilot's apply_patch takes {"name":"apply_patch","input":"*** Begin Patch..."})
//   REQUEST_LOG=requests.jsonl node mock-openai-api.mjs [port]   # prints the port it listens on
//
// SCRIPT is a list of candidates; the first whose name is among the request's tools is used.
// (qlock's addition) SCRIPT='{"sequence":[call1, call2]}' makes the calls one after the other, one per
// model turn that offers the next one's tool, tool results or not: a client that insists on reading a
// file before overwriting it (Qwen Code) gets a read_file, then the write.
// (qlock's addition) SCRIPT='{"sequence":[call1, call2]}' makes the calls one after the other, one per
// model turn that offers the next one's tool, tool results or not: a client that insists on reading a
// file before overwriting it (Qwen Code) gets a read_file, then the write.
import fs from 'node:fs';
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
let script = JSON.parse(process.env.SCRIPT ?? '[]');
const sequence = Array.isArray(script?.sequence) ? script.sequence : null;
if (sequence) script = [];
else if (!Array.isArray(script)) script = [script];
const requestLog = process.env.REQUEST_LOG;
let toolCallsMade = 0;
let seq = 0;
const id = (p) => `${p}_${Date.now().toString(36)}${(seq++).toString(36)}`;

const toolName = (t) => t?.function?.name ?? t?.custom?.name ?? t?.name;

function pickTool(request) {
  const names = new Set((request.tools ?? []).map(toolName));
  return script.find((s) => names.has(s.name));
}

function afterToolResult(request) {
  const msgs = request.messages ?? [];
  if (msgs.some((m) => m.role === 'tool')) return true;
  const input = Array.isArray(request.input) ? request.input : [];
  return input.some((i) => /_call_output$/.test(i.type ?? ''));
}

// ---------- chat completions ----------
function chatCompletion(res, request, call) {
  const created = Math.floor(Date.now() / 1000);
  const cid = id('chatcmpl');
  const model = request.model ?? 'mock';
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  // A tool offered as {"type":"custom"} (freeform, e.g. Copilot's apply_patch for GPT-5) gets a custom call
  // carrying the script's "input" string; any other tool gets a function call with JSON "arguments".
  const custom =
    call && (request.tools ?? []).some((t) => t.type === 'custom' && t.custom?.name === call.name);
  const toolCall =
    call &&
    (custom
      ? {
          index: 0,
          id: id('call'),
          type: 'custom',
          custom: { name: call.name, input: call.input ?? '' },
        }
      : {
          index: 0,
          id: id('call'),
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) },
        });
  if (!request.stream) {
    const { index: _index, ...plain } = toolCall ?? {};
    const message = call
      ? { role: 'assistant', content: null, tool_calls: [plain] }
      : { role: 'assistant', content: 'done' };
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(
      JSON.stringify({
        id: cid,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: call ? 'tool_calls' : 'stop' }],
        usage,
      }),
    );
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const chunk = (delta, finish = null, extra = {}) =>
    res.write(
      `data: ${JSON.stringify({
        id: cid,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish }],
        ...extra,
      })}\n\n`,
    );
  chunk({ role: 'assistant', content: '' });
  if (call) chunk({ tool_calls: [toolCall] });
  else chunk({ content: 'done' });
  chunk({}, call ? 'tool_calls' : 'stop');
  if (request.stream_options?.include_usage) {
    res.write(
      `data: ${JSON.stringify({ id: cid, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
    );
  }
  res.write('data: [DONE]\n\n');
  res.end();
}

// ---------- responses ----------
const rusage = {
  input_tokens: 10,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 5,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 15,
};
function responses(res, request, call) {
  const items = call
    ? [
        {
          type: 'function_call',
          id: id('fc'),
          call_id: id('call'),
          name: call.name,
          arguments: JSON.stringify(call.arguments ?? {}),
          status: 'completed',
        },
      ]
    : [
        {
          type: 'message',
          id: id('msg'),
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'done', annotations: [] }],
        },
      ];
  const rid = id('resp');
  if (request.stream === false || request.stream === undefined) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(
      JSON.stringify({
        id: rid,
        object: 'response',
        status: 'completed',
        model: request.model,
        output: items,
        usage: rusage,
      }),
    );
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let n = 0;
  const send = (d) =>
    res.write(`event: ${d.type}\ndata: ${JSON.stringify({ ...d, sequence_number: n++ })}\n\n`);
  send({
    type: 'response.created',
    response: {
      id: rid,
      object: 'response',
      status: 'in_progress',
      model: request.model,
      output: [],
    },
  });
  items.forEach((item, i) => {
    send({ type: 'response.output_item.added', output_index: i, item });
    send({ type: 'response.output_item.done', output_index: i, item });
  });
  send({
    type: 'response.completed',
    response: {
      id: rid,
      object: 'response',
      status: 'completed',
      model: request.model,
      output: items,
      usage: rusage,
    },
  });
  res.end();
}

http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (requestLog)
        fs.appendFileSync(
          requestLog,
          JSON.stringify({ t: Date.now(), method: req.method, url: req.url, body }) + '\n',
        );
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            object: 'list',
            data: [{ id: 'mock-model', object: 'model', owned_by: 'mock' }],
          }),
        );
      }
      let request = {};
      try {
        request = JSON.parse(body);
      } catch {
        /* text answer */
      }
      const wantsTool = pickTool(request);
      const next = sequence?.[toolCallsMade];
      const offered = next && (request.tools ?? []).some((t) => toolName(t) === next.name);
      const call = sequence
        ? offered
          ? (toolCallsMade++, next)
          : null
        : wantsTool && !afterToolResult(request) && toolCallsMade === 0
          ? (toolCallsMade++, wantsTool)
          : null;
      if (req.method === 'POST' && path.endsWith('/chat/completions'))
        return chatCompletion(res, request, call);
      if (req.method === 'POST' && path.endsWith('/responses'))
        return responses(res, request, call);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `mock: no ${req.method} ${req.url}`, type: 'not_found' },
        }),
      );
    });
  })
  .listen(port, '127.0.0.1', function () {
    console.log(this.address().port);
  });
