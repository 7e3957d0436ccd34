import { styleText } from 'node:util';

/**
 * Colour goes only through node:util styleText, and only when the stream is a TTY that wants it:
 * hasColors() honours NO_COLOR, NODE_DISABLE_COLORS and FORCE_COLOR. --no-color turns it off.
 */
let forcedOff = false;

export function disableColor(): void {
  forcedOff = true;
}

function colorOn(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (forcedOff) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return typeof stream.hasColors === 'function' && stream.isTTY === true && stream.hasColors();
}

type Style = Parameters<typeof styleText>[0];

function paint(style: Style, text: string, stream?: NodeJS.WriteStream): string {
  return colorOn(stream) ? styleText(style, text) : text;
}

export const c = {
  bold: (t: string) => paint('bold', t),
  dim: (t: string) => paint('dim', t),
  red: (t: string) => paint('red', t),
  green: (t: string) => paint('green', t),
  yellow: (t: string) => paint('yellow', t),
  cyan: (t: string) => paint('cyan', t),
  errRed: (t: string) => paint('red', t, process.stderr),
  errYellow: (t: string) => paint('yellow', t, process.stderr),
};
