import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { atomicWrite, leftoverTempFiles } from '../../src/store/atomicWrite.js';
import { tempDir } from '../helpers/repo.js';

describe('atomicWrite', () => {
  it('writes the content and leaves no temp file behind', () => {
    const dir = tempDir();
    const file = path.join(dir, 'registry.json');
    atomicWrite(file, 'one');
    atomicWrite(file, 'two');
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.readdirSync(dir)).toEqual(['registry.json']);
  });

  it('with keepPrevious, keeps the replaced content as <file>.prev', () => {
    const dir = tempDir();
    const file = path.join(dir, 'registry.json');
    atomicWrite(file, 'first', { keepPrevious: true });
    expect(fs.existsSync(`${file}.prev`)).toBe(false);
    atomicWrite(file, 'second', { keepPrevious: true });
    expect(fs.readFileSync(`${file}.prev`, 'utf8')).toBe('first');
    atomicWrite(file, 'third', { keepPrevious: true });
    expect(fs.readFileSync(`${file}.prev`, 'utf8')).toBe('second');
    expect(fs.readFileSync(file, 'utf8')).toBe('third');
    // .prev is a separate file, not the same inode as the current one.
    expect(fs.statSync(`${file}.prev`).ino).not.toBe(fs.statSync(file).ino);
  });

  it('replaces the file by rename: a reader holding the old file still reads the old content', () => {
    const dir = tempDir();
    const file = path.join(dir, 'f');
    atomicWrite(file, 'old content');
    const fd = fs.openSync(file, 'r');
    try {
      atomicWrite(file, 'new content that is longer');
      const buffer = Buffer.alloc(64);
      const n = fs.readSync(fd, buffer, 0, 64, 0);
      expect(buffer.subarray(0, n).toString()).toBe('old content');
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('new content that is longer');
  });

  it('a failed write (disk full) leaves the old file and no temp file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'registry.json');
    atomicWrite(file, 'old');
    const spy = vi.spyOn(fs, 'writeFileSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    expect(() => atomicWrite(file, 'new', { keepPrevious: true })).toThrow('ENOSPC');
    spy.mockRestore();
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['registry.json']);
  });

  it('fails cleanly (no temp file) when the directory does not exist', () => {
    const dir = tempDir();
    expect(() => atomicWrite(path.join(dir, 'missing', 'f'), 'x')).toThrow();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('leftoverTempFiles', () => {
  it("lists temp files of dead writers only, never a live writer's", () => {
    const dir = tempDir();
    // A pid that is certainly dead: a child that already exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    const deadTmp = path.join(dir, `.registry.json.${dead}.0badc0de.tmp`);
    const liveTmp = path.join(dir, `.registry.json.${process.pid}.12345678.tmp`);
    fs.writeFileSync(deadTmp, '{');
    fs.writeFileSync(liveTmp, '{');
    fs.writeFileSync(path.join(dir, 'registry.json'), '{}');
    fs.writeFileSync(path.join(dir, '.other.tmp'), '');
    expect(leftoverTempFiles(dir)).toEqual([deadTmp]);
  });

  it('is empty for a directory that does not exist', () => {
    expect(leftoverTempFiles('/nonexistent-qlock-dir')).toEqual([]);
  });
});
