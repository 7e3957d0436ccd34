import { describe, expect, it } from 'vitest';

import { shellWrites } from '../../src/agents/shellWrites.js';

const CWD = '/w/repo';
const dirs = new Set(['/w/repo/dist', '/w/repo/src']);
const writes = (command: string) => shellWrites(command, CWD, (p) => dirs.has(p));

describe('shellWrites: obvious writes', () => {
  it.each<[string, string[]]>([
    ['echo hi > a.txt', ['/w/repo/a.txt']],
    ['echo hi>a.txt', ['/w/repo/a.txt']],
    ['printf x >> logs/out.log 2>&1', ['/w/repo/logs/out.log']],
    ['make &> build.log', ['/w/repo/build.log']],
    ['cmd 2> err.txt >| out.txt', ['/w/repo/err.txt', '/w/repo/out.txt']],
    ['echo x > /dev/null; echo y >&2', []],
    ['cat <<EOF > notes.md\n# title > not a redirect\nEOF\n', ['/w/repo/notes.md']],
    ["cat > src/new.ts <<'EOF'\nrm everything\nEOF", ['/w/repo/src/new.ts']],
    ['npm test | tee -a test.log other.log', ['/w/repo/test.log', '/w/repo/other.log']],
    ["sed -i 's/a/b/' src/a.ts src/b.ts", ['/w/repo/src/a.ts', '/w/repo/src/b.ts']],
    ["sed -i.bak -e 's/a/b/' -e 's/c/d/' x.txt", ['/w/repo/x.txt']],
    ["sed -n 's/a/b/p' x.txt", []],
    ["perl -pi -e 's/a/b/' x.pl", ['/w/repo/x.pl']],
    ['mv old.ts new.ts', ['/w/repo/old.ts', '/w/repo/new.ts']],
    ['mv a.ts b.ts src', ['/w/repo/a.ts', '/w/repo/b.ts', '/w/repo/src/a.ts', '/w/repo/src/b.ts']],
    ['cp -r lib/a.ts dist', ['/w/repo/dist/a.ts']],
    ['cp a.ts b.ts', ['/w/repo/b.ts']],
    ['cp -t dist a.ts', ['/w/repo/dist/a.ts']],
    ['rm -rf build', ['/w/repo/build']],
    ['touch a b', ['/w/repo/a', '/w/repo/b']],
    ['truncate -s 0 big.log', ['/w/repo/big.log']],
    ['sudo -E FOO=1 env BAR=2 tee out.txt < in.txt', ['/w/repo/out.txt']],
    ['cd src && echo x > a.ts', ['/w/repo/src/a.ts']],
    ['(cd /tmp && touch x) ; echo y > z', ['/tmp/x', '/w/repo/z']],
    ['git status && npm test', []],
    ['echo "a > b" \'c > d\'', []],
    ['grep -r foo src # > not.txt', []],
    // issue 19: forms the first reader missed
    ['rm -f src/{a,b}.ts', ['/w/repo/src/a.ts', '/w/repo/src/b.ts']],
    ["echo x > $'a\\x2eb'", ['/w/repo/a.b']],
    ['node x >& out.log', ['/w/repo/out.log']],
    ['exec 3<> fifo.txt', ['/w/repo/fifo.txt']],
    ['pushd src && touch a && popd && touch b', ['/w/repo/src/a', '/w/repo/b']],
    ['cd -P src && touch a', ['/w/repo/src/a']],
    ["timeout 5 nice -n 3 stdbuf -oL ionice -c 3 sed -i 's/a/b/' f", ['/w/repo/f']],
    ["perl -0pi -e 's/a/b/s' f.pl", ['/w/repo/f.pl']],
    ['F=x.ts; echo 1 > "$F"', ['/w/repo/x.ts']],
    ['for f in a b; do touch "$f.ts"; done', ['/w/repo/a.ts', '/w/repo/b.ts']],
    ["bash -lc 'cd src && echo x > a.ts'", ['/w/repo/src/a.ts']],
    [
      "apply_patch <<'EOF'\n  *** Begin Patch\n  *** Update File: a.ts\n  *** End Patch\nEOF",
      ['/w/repo/a.ts'],
    ],
    ["apply_patch '*** Begin Patch\n*** Add File: n.ts\n+x\n*** End Patch'", ['/w/repo/n.ts']],
    ['git checkout -- a.ts && git restore b.ts', ['/w/repo/a.ts', '/w/repo/b.ts']],
    ['git restore --staged a.ts; git diff a.ts; git log -p a.ts', []],
  ])('%j', (command, expected) => {
    expect(writes(command).paths.sort()).toEqual(expected.sort());
  });
});

describe('shellWrites: what it cannot know', () => {
  it('skips words only known at run time and says so', () => {
    for (const command of [
      'echo x > "$OUT"',
      'echo x > $(mktemp)',
      'cp a.ts `pwd`/b.ts',
      'tee ~/x',
    ]) {
      const result = writes(command);
      expect(result.paths, command).toEqual([]);
      expect(result.partial, command).toBe(true);
    }
  });

  it('stops resolving relative paths after a cd it cannot follow', () => {
    const result = writes('cd "$DIR" && echo x > a.txt && echo y > /abs/b.txt');
    expect(result.paths).toEqual(['/abs/b.txt']);
    expect(result.partial).toBe(true);
  });

  it('drops a glob that matches nothing (the command fails on it, writing nothing)', () => {
    expect(writes('rm /nonexistent-qlock-dir/*.log')).toMatchObject({ paths: [], partial: false });
  });

  it('reads nested shells; leaves the files an interpreter script names to the hook', () => {
    expect(writes("bash -c 'echo x > a'").paths).toEqual(['/w/repo/a']);
    const py = writes('python -c \'open("a","w")\'');
    expect(py.paths).toEqual([]);
    expect(py.deferred).toMatchObject([
      { kind: 'named', paths: expect.arrayContaining(['/w/repo/a']) },
    ]);
  });
});
