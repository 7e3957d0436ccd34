/**
 * Text that comes from elsewhere (another session's lock reason or note, a file path, another
 * machine's user.name in shared mode) is shown to people in terminals and to agents in their
 * context. Raw, an ESC or OSC sequence could set the user's clipboard (OSC 52) or repaint the
 * screen, a `\r` hide the real lock holder, a newline forge a row. Every such field goes through
 * safeText() where it is shown: C0 controls (but tab), DEL and C1 controls become visible escapes
 * (`\n`, `\r`, `\x1b`, `\x9b`), and an oversized field is cut with its length said.
 */

/** Longest field shown as is: a note is a few sentences, not a document. */
export const MAX_SHOWN = 2000;

/** Longest lock reason taken (lock, MCP lock) and shown: it rides along in every refusal. */
export const MAX_REASON_SHOWN = 500;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function visible(ch: string): string {
  return NAMED[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** Control characters made visible, and at most `max` characters (then "… [N more]"). */
export function safeText(text: string, max = MAX_SHOWN): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const shown = cut.replace(CONTROL, visible);
  return text.length > max ? `${shown}… [${text.length - max} more characters]` : shown;
}

/** Whether `text` holds a character safeText() would escape. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}
