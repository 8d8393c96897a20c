#!/usr/bin/env bash
# Golden outputs: runs the built `lockscope` on the demo and on each teaching
# scenario, drops what depends on the wall clock (simulator speed) or on
# where the run happened (the demo's output folder), and compares the rest
# with tests/golden/<case>.txt byte for byte. Everything kept is computed in
# simulated time from fixed inputs (scenario seed, machine, cores, replay
# seed), so it is the same on every machine and every run.
#
#   golden.sh check  LOCKSCOPE CASE...   exit 1 and print a diff on a mismatch
#   golden.sh update LOCKSCOPE CASE...   rewrite the golden files
#   golden.sh cases                      list the cases
#
# To regenerate every golden after an intended change: tests/golden/regenerate.sh
# (or `ninja update-goldens` in a build folder), then review `git diff tests/golden`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)

cases=(demo bouncing false-sharing writer-storm iothreads)

# The command of each case, run from the source folder: the demo at its
# default size, each scenario at its own size on 16 cores of epyc-64 (about
# 1-2 s each), against the locks its narrative compares.
args_of() {
  local replay="replay --machine epyc-64 --cores 16 --seed 1"
  case "$1" in
    demo) echo "demo --cores 32 --out $2" ;;
    bouncing) echo "$replay --scenario scenarios/teaching/bouncing.toml --lock graph,central" ;;
    false-sharing) echo "$replay --scenario scenarios/teaching/false-sharing.toml --lock graph,graph-packed,central" ;;
    writer-storm) echo "$replay --scenario scenarios/teaching/writer-storm.toml --lock graph,graph-qemu,central" ;;
    iothreads) echo "$replay --scenario scenarios/qemu/iothreads.toml --lock graph,graph-qemu,central" ;;
    *) echo "golden.sh: no case '$1' (cases: ${cases[*]})" >&2; return 2 ;;
  esac
}

# Standard output only (progress goes to standard error), without the lines
# that depend on the wall clock or on the temporary folder.
run_case() {
  local cli=$1 name=$2 tmp args
  tmp=$(mktemp -d)
  args=$(args_of "$name" "$tmp/out")
  (cd "$source_dir" && "$cli" $args </dev/null 2>/dev/null) |
    grep -v -e 'simulator speed' -e 'Simulator speed' |
    sed -e "s|$tmp/out|OUT|g"
  local status=${PIPESTATUS[0]}
  rm -rf "$tmp"
  echo "exit status $status"
}

mode=${1:-}
if [[ $mode == cases ]]; then
  printf '%s\n' "${cases[@]}"
  exit 0
fi
if [[ $mode != check && $mode != update ]] || (($# < 3)); then
  sed -n '9,12p' "$0" >&2
  exit 2
fi
cli=$2
shift 2
failed=0
for name in "$@"; do
  args_of "$name" OUT >/dev/null
  golden="$here/$name.txt"
  actual=$(run_case "$cli" "$name")
  if [[ $mode == update ]]; then
    printf '%s\n' "$actual" >"$golden"
    echo "wrote $golden"
  elif ! diff -u --label "$golden" --label "lockscope $(args_of "$name" OUT)" "$golden" <(printf '%s\n' "$actual"); then
    echo "golden.sh: $name differs from $golden; if the change is intended, run tests/golden/regenerate.sh" >&2
    failed=1
  fi
done
exit $failed
