/**
 * Git paths are bytes; qlock's are strings. A name that is not valid UTF-8 (Latin-1 from an old
 * tool or an archive) must keep its identity: decoded as UTF-8 it would turn into U+FFFD, and two
 * different names would become one string that no git command can find. So each byte that is not
 * part of valid UTF-8 becomes the lone surrogate U+DC80–U+DCFF (Python's "surrogateescape"), and
 * encodePathBytes turns it back into that byte when the path goes back to git on stdin. Valid
 * UTF-8 decodes exactly as before. In JSON the byte shows as `\udcXX`; on a terminal as U+FFFD.
 */

const fatal = new TextDecoder('utf-8', { fatal: true });

export function decodePathBytes(bytes: Buffer): string {
  const fast = bytes.toString('utf8');
  if (!fast.includes('\ufffd')) return fast;
  let out = '';
  let start = 0;
  let i = 0;
  const flush = (end: number) => {
    if (end > start) out += bytes.subarray(start, end).toString('utf8');
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    let valid = length > 0 && i + length <= bytes.length;
    if (valid) {
      try {
        fatal.decode(bytes.subarray(i, i + length));
      } catch {
        valid = false;
      }
    }
    if (valid) {
      i += length;
      continue;
    }
    flush(i);
    out += String.fromCharCode(0xdc00 + b);
    start = ++i;
  }
  flush(bytes.length);
  return out;
}

export function encodePathBytes(text: string): Buffer {
  if (!/[\udc80-\udcff]/.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // a low surrogate after a high one is half of a real character, not an escaped byte
    const paired = i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) < 0xdc00;
    if (code >= 0xdc80 && code <= 0xdcff && !paired) {
      parts.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.from([code - 0xdc00]));
      start = i + 1;
    }
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}
