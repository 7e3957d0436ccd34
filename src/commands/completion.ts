import type { Command } from 'commander';

/**
 * `qlock completion bash|zsh`: completion scripts generated from the commander program itself, so
 * they never drift from the real commands and options. Session names are completed live from
 * `qlock list --json` for the commands that take one.
 */

export interface CompletionOptions {
  shell: 'bash' | 'zsh';
  program: Command;
}

interface Spec {
  name: string;
  aliases: string[];
  options: string[];
  choices: string[];
  takesSession: boolean;
}

const SESSION_COMMANDS = new Set(['status', 'rm', 'conflicts', 'land']);

function specs(program: Command): { commands: Spec[]; globals: string[] } {
  const globals = program.options.flatMap((o) =>
    [o.long, o.short].filter((x): x is string => Boolean(x)),
  );
  const commands = program.commands
    .filter((cmd) => !['hook', 'agent-hook'].includes(cmd.name()))
    .map((cmd) => ({
      name: cmd.name(),
      aliases: cmd.aliases(),
      options: cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))),
      choices: cmd.registeredArguments.flatMap((a) => a.argChoices ?? []),
      takesSession: SESSION_COMMANDS.has(cmd.name()),
    }));
  return { commands, globals };
}

function bash(program: Command): string {
  const { commands, globals } = specs(program);
  const cases = commands
    .map((c) => {
      const words = [...c.options, ...c.choices].join(' ');
      const sessions = c.takesSession ? ' $(__qlock_sessions)' : '';
      const names = [c.name, ...c.aliases].join('|');
      return `    ${names}) COMPREPLY=( $(compgen -W "${words} ${globals.join(' ')}${sessions}" -- "$cur") ) ;;`;
    })
    .join('\n');
  const names = commands.flatMap((c) => [c.name, ...c.aliases]).join(' ');
  return `# qlock bash completion: source it, e.g. \`qlock completion bash >> ~/.bashrc\`
__qlock_sessions() {
  qlock list --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).sessions.map(x=>x.name).join(" "))}catch{}})'
}
_qlock() {
  local cur prev cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # Values of the global options that take one.
  case "$prev" in
    -C) COMPREPLY=( $(compgen -d -- "$cur") ); return ;;
    --session) COMPREPLY=( $(compgen -W "$(__qlock_sessions)" -- "$cur") ); return ;;
  esac
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -C|--session) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [ -z "$cmd" ]; then
    COMPREPLY=( $(compgen -W "${names} help ${globals.join(' ')}" -- "$cur") )
    return
  fi
  case "$cmd" in
    help) COMPREPLY=( $(compgen -W "${names}" -- "$cur") ) ;;
${cases}
    *) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
  esac
}
complete -o default -F _qlock qlock
`;
}

function zsh(program: Command): string {
  const { commands, globals } = specs(program);
  const described = program.commands
    .filter((cmd) => commands.some((c) => c.name === cmd.name()))
    .map(
      (cmd) =>
        `    '${cmd.name()}:${cmd.description().replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`,
    )
    .join('\n');
  const cases = commands
    .map((c) => {
      const words = [...c.options, ...c.choices, ...globals].join(' ');
      const sessions = c.takesSession ? ' ${(f)"$(__qlock_sessions)"}' : '';
      return `    ${[c.name, ...c.aliases].join('|')}) compadd -- ${words}${sessions}; _files ;;`;
    })
    .join('\n');
  return `#compdef qlock
# qlock zsh completion: \`qlock completion zsh > "\${fpath[1]}/_qlock"\`, then restart zsh
__qlock_sessions() {
  qlock list --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).sessions.map(x=>x.name).join("\\n"))}catch{}})'
}
_qlock() {
  local -a commands
  commands=(
${described}
  )
  # Values of the global options that take one.
  case "\${words[CURRENT-1]}" in
    -C) _files -/; return ;;
    --session) compadd -- \${(f)"$(__qlock_sessions)"}; return ;;
  esac
  # The command is the first word that is neither an option nor a global option's value.
  local cmd i
  for ((i = 2; i < CURRENT; i++)); do
    case "\${words[i]}" in
      -C|--session) ((i++)) ;;
      -*) ;;
      *) cmd="\${words[i]}"; break ;;
    esac
  done
  if [[ -z $cmd ]]; then
    _describe 'qlock command' commands
    compadd -- ${globals.join(' ')}
    return
  fi
  case "$cmd" in
    help) _describe 'qlock command' commands ;;
${cases}
    *) _files ;;
  esac
}
# autoloaded from $fpath: run now; sourced: register
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _qlock "$@"
else
  compdef _qlock qlock
fi
`;
}

export function completion(options: CompletionOptions): { script: string } {
  return { script: options.shell === 'bash' ? bash(options.program) : zsh(options.program) };
}
