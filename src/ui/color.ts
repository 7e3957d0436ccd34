import { styleText } from 'node:util';

/**
 * Colour goes only through node:util styleText, and only when it is wanted, in this order:
 * --no-color turns it off; FORCE_COLOR turns it on even when piped (off for "0"/"false", as Node
 * reads it); NO_COLOR or NODE_DISABLE_COLORS turn it off; otherwise only a TTY that has colours
 * (hasColors() also says no for TERM=dumb) gets it.
 */
/**
 * `--no-color` is NO_COLOR set and FORCE_COLOR removed in this process's environment: the decision
 * lives in one place, which colorOn reads for every stream and the processes qlock starts inherit.
 */
export function disableColor(env: NodeJS.ProcessEnv = process.env): void {
  delete env.FORCE_COLOR;
  env.NO_COLOR = '1';
}

/** Node's reading of FORCE_COLOR (lib/internal/tty.js): these values force colours on. */
const FORCE_ON = new Set(['', '1', 'true', '2', '3']);

export function colorOn(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.FORCE_COLOR !== undefined) return FORCE_ON.has(env.FORCE_COLOR);
  if ((env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.NODE_DISABLE_COLORS !== undefined)
    return false;
  return typeof stream.hasColors === 'function' && stream.isTTY === true && stream.hasColors();
}

type Style = Parameters<typeof styleText>[0];

function paint(style: Style, text: string, stream?: NodeJS.WriteStream): string {
  // The decision is made above, for the right stream (styleText alone would check stdout only).
  return colorOn(stream) ? styleText(style, text, { validateStream: false }) : text;
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
