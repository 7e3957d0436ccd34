/**
 * A repeatable option value (`--agent claude --agent codex`, or `--agent claude,codex`).
 * Commander's variadic `<name...>` would also take the words after it, so `qlock new --agent
 * claude NAME` lost its NAME to the option; a repeatable option takes exactly one value each time.
 */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}
