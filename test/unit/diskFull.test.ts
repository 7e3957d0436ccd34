import { describe, expect, it } from 'vitest';

import { coreMessages } from '../../src/ui/messages/core.js';

describe('an unexpected error', () => {
  it.each([
    'ENOSPC: no space left on device, write',
    "EDQUOT: disk quota exceeded, open '/x/registry.json.tmp'",
  ])('%s is reported as a full disk, not as a qlock bug', (message) => {
    const text = coreMessages.internal(message);
    expect(text).toMatch(/^The disk is full/);
    expect(text).toContain('Free some space');
    expect(text).not.toContain('internal error');
    expect(text).not.toContain('report it');
  });
  it('anything else is still an internal error to report', () => {
    expect(coreMessages.internal('boom')).toContain('internal error: boom');
  });
});
