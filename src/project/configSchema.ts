import { z } from 'zod';

import { type DurationProblem, readDuration } from '../util/duration.js';

/**
 * Every configuration key, its type and its default. `.qsessionrc.example` documents the same keys;
 * test/unit/configExample.test.ts keeps the two in step.
 */

/** Checked exactly as the commands read it later (readDuration), so a bad one is named here. */
const DURATION_PROBLEMS: Record<DurationProblem, string> = {
  format: 'expected a duration such as "30m", "2h" or "1d"',
  unit: 'a duration needs a unit, such as "30s", "30m", "2h" or "1d"',
  zero: 'a duration must be greater than zero',
  'too-long': 'a duration must be at most 36500d (100 years)',
};
const duration = z.string().superRefine((value, ctx) => {
  const read = readDuration(value);
  if (typeof read === 'string') ctx.addIssue({ code: 'custom', message: DURATION_PROBLEMS[read] });
});
const policy = z.enum(['block', 'warn', 'off']);

export const configSchema = z
  .object({
    base: z.string().min(1).optional(),
    worktreeDir: z
      .string()
      .min(1)
      .refine(
        (v) => v.includes('{name}'),
        'must contain {name}, so that sessions get their own directory',
      )
      .default('../{repo}-{name}'),
    branchPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._/-]*$/, 'letters, digits, ".", "_", "-" and "/" only')
      .default('qlock/'),
    maxSessions: z.number().int().min(1).max(1000).default(10),
    staleAfter: duration.default('2h'),
    idleAfter: duration.default('15m'),
    lockTtl: duration.nullable().default(null),
    onLocked: policy.default('block'),
    onOverlap: policy.default('warn'),
    onConflict: policy.default('warn'),
    failClosed: z.boolean().default(false),
    autoJoin: z.boolean().default(true),
    autoLock: z.boolean().default(false),
    ignore: z.array(z.string()).default([]),
    watch: z
      .object({
        usePolling: z.boolean().default(false),
        interval: z.number().int().min(50).default(1000),
        debounce: z.number().int().min(0).default(100),
      })
      .strict()
      .default({}),
    notify: z
      .object({
        desktop: z.boolean().default(false),
        bell: z.boolean().default(false),
      })
      .strict()
      .default({}),
    land: z
      .object({
        strategy: z.enum(['ff', 'merge', 'squash']).default('ff'),
        sync: z.enum(['rebase', 'merge']).default('rebase'),
        // A shell command run in the session's tree; null: nothing is checked (and land says so).
        check: z.string().min(1).nullable().default(null),
        checkTimeout: duration.default('30m'),
      })
      .strict()
      .default({}),
    shared: z
      .object({
        remote: z.string().min(1),
        // A namespace of its own: never a branch, a tag, a remote-tracking ref, or the place
        // where clones keep their copy of it (refs/qlock-remote/).
        refPrefix: z
          .string()
          .regex(
            /^refs\/(?!(?:heads|tags|remotes|qlock-remote)(?:\/|$))[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\/?$/,
            'expected a ref namespace of its own such as "refs/qlock" (not under refs/heads/, refs/tags/, refs/remotes/ or refs/qlock-remote/)',
          )
          .refine((v) => !/\.\.|\.lock(\/|$)|\.\//.test(v), 'not a valid ref name for git')
          .default('refs/qlock'),
        cacheTtl: duration.default('10s'),
        timeout: duration.default('5s'),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
