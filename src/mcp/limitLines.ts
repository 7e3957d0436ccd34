import { PassThrough, type Readable } from 'node:stream';

/**
 * The MCP SDK's stdio transport keeps at most 10 MB of unread input and, past that, closes: one
 * oversized request line made `qlock mcp` exit without a word. This filter sits in front of it:
 * complete lines up to `maxBytes` pass through unchanged; a longer line is dropped as it streams
 * (never held in memory whole) and reported once, with the first bytes of the line so that the
 * caller can answer the request's id.
 */
export function limitLines(
  input: Readable,
  maxBytes: number,
  onTooLong: (bytes: number, head: string) => void,
): PassThrough {
  const out = new PassThrough();
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let skipping = false;
  let skipped = 0;
  let head = '';
  const startSkipping = (parts: Buffer[], length: number) => {
    head = Buffer.concat(parts).subarray(0, 1024).toString('utf8');
    skipping = true;
    skipped = length;
    pending = [];
    pendingLength = 0;
  };
  input.on('data', (data: Buffer | string) => {
    let chunk = typeof data === 'string' ? Buffer.from(data) : data;
    while (chunk.length) {
      const nl = chunk.indexOf(0x0a);
      if (skipping) {
        if (nl < 0) {
          skipped += chunk.length;
          return;
        }
        skipping = false;
        onTooLong(skipped + nl, head);
        chunk = chunk.subarray(nl + 1);
        continue;
      }
      if (nl < 0) {
        if (pendingLength + chunk.length > maxBytes)
          startSkipping([...pending, chunk], pendingLength + chunk.length);
        else {
          pending.push(chunk);
          pendingLength += chunk.length;
        }
        return;
      }
      const lineLength = pendingLength + nl;
      if (lineLength > maxBytes) {
        startSkipping([...pending, chunk.subarray(0, nl)], lineLength);
        skipping = false;
        onTooLong(lineLength, head);
      } else {
        out.write(Buffer.concat([...pending, chunk.subarray(0, nl + 1)]));
        pending = [];
        pendingLength = 0;
      }
      chunk = chunk.subarray(nl + 1);
    }
  });
  input.on('end', () => {
    if (!skipping && pendingLength) out.write(Buffer.concat(pending));
    out.end();
  });
  input.on('error', (error) => out.destroy(error));
  return out;
}

/** The JSON-RPC id at the start of a request line (`{"jsonrpc":"2.0","id":7,...`), if any. */
export function requestId(head: string): number | string | undefined {
  const m = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.){0,200}")/.exec(head);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]!) as number | string;
  } catch {
    return undefined;
  }
}
