#!/usr/bin/env bash
# make-machine-files.sh OUTDIR LOCKSCOPE
#
# The machine presets as machine files (`lockscope machines --show NAME`),
# one NAME.toml per preset, into OUTDIR (emptied first), for an install's
# share/lockscope/machines/: starting points to copy and edit (the presets
# themselves are compiled into lockscope). A preset whose file would pass
# 1 MiB is left out (mesh-1024's 1024 x 1024 latency matrix is 7 MB);
# `lockscope machines --show NAME` writes it on demand. this-machine is not
# a preset: the builder's calibration stays out of the install.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: make-machine-files.sh OUTDIR LOCKSCOPE" >&2
  exit 2
fi
out="$1" cli="$2"
max_bytes=$((1024 * 1024))

# An empty configuration folder, so that no calibrated this-machine of the
# builder's is listed.
config="$(mktemp -d)"
trap 'rm -rf "$config"' EXIT
export XDG_CONFIG_HOME="$config"

rm -rf "$out"
mkdir -p "$out"
names="$("$cli" machines | awk 'NR > 1 && $1 != "this-machine" { print $1 }')"
[ -n "$names" ] || { echo "make-machine-files.sh: '$cli machines' listed no preset" >&2; exit 1; }
for name in $names; do
  "$cli" machines --show "$name" >"$out/$name.toml.tmp"
  if [ "$(stat -c %s "$out/$name.toml.tmp")" -gt "$max_bytes" ]; then
    rm "$out/$name.toml.tmp"
  else
    mv "$out/$name.toml.tmp" "$out/$name.toml"
  fi
done
