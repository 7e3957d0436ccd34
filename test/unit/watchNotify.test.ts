import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { coalesce, createNotifier, desktopCommand } from '../../src/notify/notify.js';
import { findOnPath } from '../../src/util/findOnPath.js';
import { tempDir } from '../helpers/repo.js';

function pathWith(...tools: string[]): NodeJS.ProcessEnv {
  const dir = tempDir('qlock-bin');
  for (const tool of tools) {
    const file = path.join(dir, tool);
    fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
    fs.chmodSync(file, 0o755);
  }
  return { PATH: dir };
}

const note = { title: 'qlock: overlap', body: 'fa started editing "x"' };
const flush = () => new Promise((r) => setImmediate(r));

describe('createNotifier', () => {
  it('is off unless notify.desktop or notify.bell is set', () => {
    expect(createNotifier({ notify: { desktop: false, bell: false } })).toBeUndefined();
  });

  it('uses notify-send on Linux when it is on PATH', async () => {
    const run = vi.fn(async () => {});
    const bell = vi.fn();
    const env = pathWith('notify-send');
    const notify = createNotifier(
      { notify: { desktop: true, bell: true } },
      { platform: 'linux', env, run, bell },
    )!;
    notify(note);
    await flush();
    expect(run).toHaveBeenCalledWith(findOnPath('notify-send', env), [
      '--app-name=qlock',
      note.title,
      note.body,
    ]);
    expect(bell).not.toHaveBeenCalled();
  });

  it('builds an osascript call on macOS with the text quoted', () => {
    const cmd = desktopCommand(note, 'darwin', pathWith('osascript'))!;
    expect(cmd.args).toEqual([
      '-e',
      'display notification "fa started editing \\"x\\"" with title "qlock: overlap"',
    ]);
  });

  it('rings the bell when no notifier exists, or when the notifier fails, and never throws', async () => {
    const bell = vi.fn();
    const none = createNotifier(
      { notify: { desktop: true, bell: true } },
      { platform: 'linux', env: { PATH: '' }, bell },
    )!;
    none(note);
    expect(bell).toHaveBeenCalledTimes(1);

    const failing = vi.fn(async () => {
      throw new Error('no D-Bus session');
    });
    const broken = createNotifier(
      { notify: { desktop: true, bell: true } },
      { platform: 'linux', env: pathWith('notify-send'), run: failing, bell },
    )!;
    broken(note);
    await flush();
    expect(bell).toHaveBeenCalledTimes(2);
    broken(note); // a notifier that failed once is not tried again
    await flush();
    expect(failing).toHaveBeenCalledTimes(1);
    expect(bell).toHaveBeenCalledTimes(3);
  });

  it('stays silent without the bell when there is no notifier', () => {
    const bell = vi.fn();
    createNotifier(
      { notify: { desktop: true, bell: false } },
      { platform: 'linux', env: { PATH: '' }, bell },
    )!(note);
    expect(bell).not.toHaveBeenCalled();
  });
});

describe('coalesce', () => {
  it('turns a burst of notifications into one', () => {
    vi.useFakeTimers();
    try {
      const sent: { title: string; body: string }[] = [];
      const notify = coalesce((n) => sent.push(n), 500);
      notify({ title: 'a', body: 'one' });
      notify({ title: 'b', body: 'two' });
      vi.advanceTimersByTime(500);
      expect(sent).toEqual([{ title: 'qlock: 2 events', body: 'one\ntwo' }]);
      notify({ title: 'c', body: 'three' });
      notify.flush();
      expect(sent[1]).toEqual({ title: 'c', body: 'three' });
    } finally {
      vi.useRealTimers();
    }
  });
});
