// For the crash test (test/e2e/locksCrash.test.ts): takes the registry mutex through the real
// updateRegistry, changes the registry in memory, says "held" and then hangs inside the critical
// section until it is killed. The change must never reach the disk.
import { setInterval } from 'node:timers';

import { updateRegistry } from '../../dist/store/registry.js';

const [stateDir] = process.argv.slice(2);
setInterval(() => {}, 1000); // keep the process alive while "working"
await updateRegistry(stateDir, async ({ registry }) => {
  registry.locks.push({
    path: 'never-committed.txt',
    session: 'ghost',
    reason: 'killed before writing',
    acquiredAt: new Date().toISOString(),
  });
  process.stdout.write('held\n');
  await new Promise(() => {});
});
