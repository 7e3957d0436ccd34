#!/usr/bin/env node
// (A copy of the project's shared stand-in, kept here so that CI runs it from a fresh clone.)
// A scripted stand-in for the Gemini API (generativelanguage v1beta), on loopback only, so that the real
// Gemini CLI can run headless in tests without a network or a key. The first model turn that offers the
// scripted function answers with one functionCall of it; every other turn answers with text. Each request
// is appended to REQUEST_LOG (one JSON line each: {url, body}) when that variable is set, so a test can
// check what reached the model: hook context, a denial reason, a function response.
//
//   SCRIPT='{"name":"write_file","args":{"file_path":"/abs/a.txt","content":"new\n"}}' \
//   REQUEST_LOG=/tmp/requests.jsonl node mock-gemini-api.mjs [port]     # prints the port it listens on
//
// Then run the CLI against it, e.g. in a temporary HOME:
//   GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:$PORT GEMINI_API_KEY=test GEMINI_CLI_TRUST_WORKSPACE=true \
//   gemini -p "do it" -m gemini-2.5-flash --approval-mode yolo --output-format json
// (qlock's addition) SCRIPT='{"sequence":[call1, call2, ...]}' makes the calls one after the other, one
// per model turn that offers the next one's function, function responses or not.
import fs from 'node:fs';
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
let script = JSON.parse(process.env.SCRIPT ?? '{"name":"write_file","args":{}}');
const sequence = Array.isArray(script?.sequence) ? script.sequence : null;
if (sequence) script = null;
const requestLog = process.env.REQUEST_LOG;
let toolCallsMade = 0;

const usageMetadata = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
const response = (parts, finishReason = 'STOP') => ({
  candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }],
  usageMetadata,
  modelVersion: 'gemini-mock',
  responseId: 'resp_' + Math.random().toString(36).slice(2),
});

function offersFunction(request, name) {
  return (request.tools ?? []).some((tool) =>
    (tool.functionDeclarations ?? []).some((declaration) => declaration.name === name),
  );
}

function hasFunctionResponse(request) {
  return (request.contents ?? []).some((content) =>
    (content.parts ?? []).some((part) => part.functionResponse),
  );
}

// Side requests (e.g. a JSON-mode "next speaker" or routing check) get a JSON text answer.
function textFor(request) {
  const config = request.generationConfig ?? request.config ?? {};
  if (config.responseMimeType === 'application/json') {
    return JSON.stringify({ reasoning: 'mock', next_speaker: 'user', model_choice: 'flash' });
  }
  return 'done';
}

http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (requestLog) fs.appendFileSync(requestLog, JSON.stringify({ url: req.url, body }) + '\n');
      let request = {};
      try {
        request = JSON.parse(body);
      } catch {
        /* answer with text */
      }
      if (req.url.includes(':countTokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ totalTokens: 10 }));
      }
      if (req.url.includes(':embedContent') || req.url.includes(':batchEmbedContents')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({ embedding: { values: [0] }, embeddings: [{ values: [0] }] }),
        );
      }
      let parts = [{ text: textFor(request) }];
      const next = sequence?.[toolCallsMade];
      const call = sequence
        ? next && offersFunction(request, next.name)
          ? next
          : null
        : offersFunction(request, script.name) &&
            !hasFunctionResponse(request) &&
            toolCallsMade === 0
          ? script
          : null;
      if (call) {
        toolCallsMade++;
        parts = [{ functionCall: { name: call.name, args: call.args ?? {} } }];
      }
      if (req.url.includes(':streamGenerateContent')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(`data: ${JSON.stringify(response(parts))}\n\n`);
        return res.end();
      }
      if (req.url.includes(':generateContent')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(response(parts)));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 404, message: 'mock: unknown path ' + req.url, status: 'NOT_FOUND' },
        }),
      );
    });
  })
  .listen(port, '127.0.0.1', function () {
    console.log(this.address().port);
  });
