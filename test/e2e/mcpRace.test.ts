import { describe, expect, it } from 'vitest';

import { connectMcp, makeMcpWorld, type ToolAnswer } from './mcpHarness.js';

/**
 * Two MCP servers, one per session, each a separate `qlock mcp` process, asked for the same lock
 * at the same moment, many times over: exactly one wins each round, the other is refused naming
 * the winner, and the registry on disk never holds both.
 */

const ROUNDS = 100;

/** The path each round fights over: a file, or a directory against a file inside it. */
function contested(round: number): [string, string] {
  switch (round % 3) {
    case 0:
      return [`src/r${round}.txt`, `src/r${round}.txt`];
    case 1:
      return [`lib${round}/`, `lib${round}/x.txt`];
    default:
      return [`lib${round}/x.txt`, `lib${round}/`];
  }
}

const granted = (a: ToolAnswer) => !a.isError && a.structured.refused !== true;

describe('two qlock mcp servers for two sessions racing for one lock', () => {
  it(`exactly one wins, every one of ${ROUNDS} rounds`, async () => {
    const world = await makeMcpWorld();
    const a = await connectMcp(world.sessions.fa!);
    const b = await connectMcp(world.sessions.fb!);
    const wins = { fa: 0, fb: 0 };

    for (let round = 0; round < ROUNDS; round++) {
      const [pathA, pathB] = round % 2 ? contested(round) : contested(round).reverse();
      const [answerA, answerB] = await Promise.all([
        a.call('lock', { paths: [pathA], reason: `round ${round} a` }),
        b.call('lock', { paths: [pathB], reason: `round ${round} b` }),
      ]);
      for (const answer of [answerA, answerB])
        expect(answer.isError, `round ${round}: ${answer.text}`).toBe(false);
      const winners = [granted(answerA), granted(answerB)];
      expect(
        winners.filter(Boolean),
        `round ${round}: ${answerA.text} | ${answerB.text}`,
      ).toHaveLength(1);

      const [winner, loserAnswer, winnerServer] = winners[0]
        ? (['fa', answerB, a] as const)
        : (['fb', answerA, b] as const);
      wins[winner]++;
      // The loser was told who holds it.
      expect(loserAnswer.structured.refused).toBe(true);
      expect(loserAnswer.text).toContain(winner);
      // On disk: only the winner's lock.
      const locks = world.registry().locks;
      expect(
        locks.map((l) => l.session),
        `round ${round}`,
      ).toEqual([winner]);

      const released = await winnerServer.call('unlock', { all: true });
      expect(released.isError, released.text).toBe(false);
      expect(world.registry().locks).toEqual([]);
    }
    // Which one wins is up to the race; both servers took part in every round.
    expect(wins.fa + wins.fb).toBe(ROUNDS);
    console.info(`mcp lock race: fa won ${wins.fa}, fb won ${wins.fb} of ${ROUNDS} rounds`);
  });
});
