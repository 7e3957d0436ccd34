import type { Context } from '../context.js';
import { promptInfo, type PromptResult } from '../inbox/promptInfo.js';

/** `qlock prompt`: the shell-prompt segment, run before every command line (a hot command). */
export async function prompt(_options: object, ctx: Context): Promise<PromptResult> {
  return promptInfo(ctx.cwd, ctx.env, ctx.session);
}

export function renderPrompt(result: PromptResult): string {
  return result.text;
}
