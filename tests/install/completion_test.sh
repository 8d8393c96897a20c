#!/usr/bin/env bash
# completion_test.sh COMPLETION LOCKSCOPE [LOCKSCOPE_GUI]
#
# Drives the bash completion (packaging/bash-completion/lockscope) as bash
# would on TAB, against the built programs, and checks it against their
# real --help: every subcommand `lockscope --help` lists is offered, a
# prefix narrows them, every flag of every subcommand is offered after
# `lockscope SUB -`, a flag's listed choices ({a,b}) are offered as its
# values, --machine offers the presets `lockscope machines` lists, --lock
# the lock names after a comma, and `record ... --` a command. The same for
# lockscope-gui's flags when it is given.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: completion_test.sh COMPLETION LOCKSCOPE [LOCKSCOPE_GUI]" >&2
  exit 2
fi
completion="$1" cli="$2" gui="${3:-}"
failures=0
fail() { echo "completion test: $*" >&2; failures=$((failures + 1)); }

# shellcheck source=/dev/null
source "$completion"

# complete_words WORD...: what TAB offers for the last word, in COMPREPLY.
# Called in this shell (not in a pipe), so the completion's cache of the
# programs' --help lives across calls, as in an interactive shell.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _lockscope "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}

offers() {  # offers WANTED WORD...: does TAB on WORD... offer WANTED?
  local wanted="$1" w; shift
  complete_words "$@"
  for w in "${COMPREPLY[@]}"; do [[ $w == "$wanted" ]] && return 0; done
  return 1
}

subcommands() {
  "$cli" --help | awk '/^Subcommands:$/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }'
}

# Every flag of `PROGRAM [SUB] --help`, each name of it (-o and --output).
flags() {
  "$@" --help | awk '/^Options:$/ { on = 1; next } on && /^$/ { exit }
    on && /^  -/ { names = substr($0, 3); sub(/ .*/, "", names); n = split(names, a, ","); for (i = 1; i <= n; i++) print a[i] }'
}

subs="$(subcommands)"
[ "$(wc -l <<<"$subs")" -ge 10 ] || fail "'$cli --help' lists only: $subs"
for sub in $subs; do
  offers "$sub" "$cli" "" || fail "'lockscope <TAB>' does not offer $sub"
  offers "$sub" "$cli" "${sub:0:2}" || fail "'lockscope ${sub:0:2}<TAB>' does not offer $sub"
  for flag in $(flags "$cli" "$sub"); do
    offers "$flag" "$cli" "$sub" "-" || fail "'lockscope $sub -<TAB>' does not offer $flag"
  done
done
offers "--version" "$cli" "--" || fail "'lockscope --<TAB>' does not offer --version"
offers demo "$cli" "re" && fail "'lockscope re<TAB>' offers demo"

# Values.
offers "record-overhead" "$cli" bench --suite "" || fail "'bench --suite <TAB>' does not offer record-overhead"
offers "callsite" "$cli" record --name-locks-by "" || fail "'record --name-locks-by <TAB>' does not offer callsite"
for machine in $("$cli" machines | awk 'NR > 1 { print $1 }'); do
  offers "$machine" "$cli" replay --machine "" || fail "'replay --machine <TAB>' does not offer $machine"
done
offers "graph,central" "$cli" replay --lock "graph,ce" || fail "'replay --lock graph,ce<TAB>' does not offer graph,central"
offers "central" "$cli" sweep --locks "cen" || fail "'sweep --locks cen<TAB>' does not offer central"
offers "bash" "$cli" record -o x.workload -- "bas" || fail "'record -- bas<TAB>' does not offer the command bash"
# A flag's value is not taken for a subcommand: `replay --lock demo` stays in replay.
offers "--machine" "$cli" replay --lock graph "--mach" || fail "'replay --lock graph --mach<TAB>' does not offer --machine"

if [ -n "$gui" ]; then
  for flag in $(flags "$gui"); do
    offers "$flag" "$gui" "-" || fail "'lockscope-gui -<TAB>' does not offer $flag"
  done
fi

if [ "$failures" -ne 0 ]; then
  echo "completion test: $failures failures" >&2
  exit 1
fi
echo "completion test: $(wc -w <<<"$subs") subcommands and their flags complete as --help lists them"
