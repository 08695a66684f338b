// Shell completion in cobra's protocol, which kubectl (≥ 1.26) speaks to plugins through the
// `kubectl_complete-hpc` executable: `__complete ARG… PARTIAL` prints one candidate per line,
// then `:DIRECTIVE` (4: do not complete file names). Verbs and flags come from the manifest;
// service, project and namespace names from the cluster (quietly nothing when unreachable).

import type { Manifest, ManifestCommand } from './manifest.ts';

export const NO_FILE_COMPLETION = 4;

/** What the word under the cursor is: a verb, a flag, a flag's value, or an argument. Pure. */
export type Slot =
  | { kind: 'verb'; candidates: string[] }
  | { kind: 'flag'; candidates: string[] }
  | { kind: 'flag-value'; flag: string; command: ManifestCommand }
  | { kind: 'argument'; command: ManifestCommand; index: number };

export function slotOf(manifest: Manifest, words: readonly string[], partial: string): Slot {
  const ids = Object.keys(manifest.commands);
  const path: string[] = [];
  let command: ManifestCommand | undefined;
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i] as string;
    if (w.startsWith('-')) break;
    const id = [...path, w].join(':');
    if (Object.hasOwn(manifest.commands, id)) {
      command = manifest.commands[id];
      path.push(w);
      i++;
      break;
    }
    if (ids.some((c) => c.startsWith(`${id}:`))) path.push(w);
    else break;
  }
  if (!command) {
    const prefix = path.length ? `${path.join(':')}:` : '';
    const next = new Set(
      ids.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length).split(':')[0] as string),
    );
    return { kind: 'verb', candidates: [...next].filter((c) => c.startsWith(partial)).sort() };
  }
  const rest = words.slice(i);
  const flags = Object.values(command.flags);
  const previous = rest.at(-1);
  const pending = previous?.startsWith('-')
    ? flags.find((f) => f.type === 'option' && (previous === `--${f.name}` || previous === `-${f.char}`))
    : undefined;
  if (pending) return { kind: 'flag-value', flag: pending.name, command };
  if (partial.startsWith('-'))
    return {
      kind: 'flag',
      candidates: flags
        .map((f) => `--${f.name}`)
        .filter((c) => c.startsWith(partial))
        .sort(),
    };
  let index = 0;
  for (let j = 0; j < rest.length; j++) {
    const w = rest[j] as string;
    if (!w.startsWith('-')) index++;
    else if (
      !w.includes('=') &&
      flags.some((f) => f.type === 'option' && (w === `--${f.name}` || w === `-${f.char}`))
    )
      j++;
  }
  return { kind: 'argument', command, index };
}

/** The flag values that are fixed lists (the manifest's options). Pure. */
export function optionValues(command: ManifestCommand, flag: string): string[] | undefined {
  return Object.hasOwn(command.flags, flag) ? command.flags[flag]?.options : undefined;
}

/** Which cluster names an argument of a command takes. Pure. */
export function argumentKind(command: ManifestCommand, index: number): 'service' | 'project' | 'none' {
  if (command.id.startsWith('project:'))
    return command.id === 'project:create'
      ? 'none'
      : index === 0 && ['project:delete'].includes(command.id)
        ? 'project'
        : 'none';
  if (['version', 'completion', 'list', 'devices', 'topology'].includes(command.id)) return 'none';
  if (command.id === 'config:push') return index === 0 ? 'service' : 'none';
  if (command.id === 'scale') return index === 0 ? 'service' : 'none';
  return command.strict === false || index === 0 ? 'service' : 'none';
}

export function completionScript(shell: string): string | undefined {
  const scripts: Record<string, string> = {
    bash: `# kubectl-hpc bash completion: source <(kubectl hpc completion bash)
_kubectl_hpc() {
  local out directive
  out=$(kubectl-hpc __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  directive=\${out##*:}
  COMPREPLY=($(compgen -W "$(printf '%s\\n' "$out" | sed '$d' | cut -f1)" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -F _kubectl_hpc kubectl-hpc`,
    zsh: `#compdef kubectl-hpc
# kubectl-hpc zsh completion: source <(kubectl hpc completion zsh)
_kubectl_hpc() {
  local -a candidates
  candidates=("\${(@f)$(kubectl-hpc __complete "\${words[@]:1:$((CURRENT-1))}" 2>/dev/null | sed '$d' | cut -f1)}")
  compadd -a candidates
}
compdef _kubectl_hpc kubectl-hpc`,
    fish: `# kubectl-hpc fish completion: kubectl hpc completion fish | source
complete -c kubectl-hpc -f -a '(kubectl-hpc __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null | sed \\'$d\\')'`,
  };
  return Object.hasOwn(scripts, shell) ? scripts[shell] : undefined;
}
