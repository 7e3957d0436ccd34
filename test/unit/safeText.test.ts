import { describe, expect, it } from 'vitest';

import { MAX_SHOWN, safeText } from '../../src/ui/safeText.js';

describe('safeText', () => {
  it('leaves ordinary text, tabs and unicode alone', () => {
    expect(safeText('renaming the API\tcafé ✓ 日本')).toBe('renaming the API\tcafé ✓ 日本');
  });
  it.each([
    ['\x1b]52;c;ZXZpbA==\x07', '\\x1b]52;c;ZXZpbA==\\x07'],
    ['real\rfake', 'real\\rfake'],
    ['row\nforged  row', 'row\\nforged  row'],
    ['\x00\x08\x0b\x0c\x1f', '\\x00\\x08\\x0b\\x0c\\x1f'],
    ['del\x7f', 'del\\x7f'],
    ['csi\x9b31m c1\x80\x9f', 'csi\\x9b31m c1\\x80\\x9f'],
  ])('escapes C0 (but tab), DEL and C1: %j', (raw, shown) => {
    expect(safeText(raw)).toBe(shown);
  });
  it('cuts an oversized field and says how much was left out', () => {
    const shown = safeText('x'.repeat(MAX_SHOWN + 5));
    expect(shown).toBe(`${'x'.repeat(MAX_SHOWN)}… [5 more characters]`);
    expect(safeText('abcdef', 3)).toBe('abc… [3 more characters]');
  });
});
