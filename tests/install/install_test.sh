#!/usr/bin/env bash
# install_test.sh BUILD SOURCE GUI MAN
#
# Installs BUILD into a temporary prefix (`cmake --install BUILD --prefix
# TMP`), checks the layout cmake/LockscopeInstall.cmake promises, then runs
# the installed programs with the source tree out of reach: in a mount
# namespace where SOURCE (and BUILD) are hidden under an empty tmpfs, from a
# folder outside both, with HOME and the XDG folders in the temporary
# folder. Run there:
#   - lockscope demo, whose output must equal the build tree's demo;
#   - lockscope replay of an installed scenario on an installed machine
#     file, whose output must equal the same replay on the preset;
#   - lockscope record of an installed example (finds the interposer in
#     lib/lockscope/);
#   - lockscope-gui --help, and a window screenshot of the bundled teaching
#     run, which it must find in share/lockscope/teaching/ (not generate).
# GUI and MAN (ON/OFF) say whether the build has lockscope-gui and help2man.
# Where no mount namespace can be made, the programs still run from the
# outside folder and the test says the tree was not hidden.
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: install_test.sh BUILD SOURCE GUI MAN" >&2
  exit 2
fi
build="$(cd "$1" && pwd -P)" src="$(cd "$2" && pwd -P)" gui="$3" man="$4"
fail() { echo "install test: $*" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/lockscope-install.XXXXXX")"
tmp="$(cd "$tmp" && pwd -P)"
trap 'rm -rf "$tmp"' EXIT
case "$tmp/" in "$src"/* | "$build"/*) fail "the temporary folder $tmp is inside the tree it must hide" ;; esac
prefix="$tmp/prefix"

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install $build --prefix $prefix failed"; }

# The layout.
expect=(
  bin/lockscope
  lib/lockscope/liblockscope_record.so lib/lockscope/record_overhead
  lib/lockscope/examples/rwlock_cache lib/lockscope/examples/shared_mutex_nested
  share/lockscope/scenarios/teaching/bouncing.toml share/lockscope/scenarios/qemu/iothreads.toml
  share/lockscope/machines/laptop-8.toml share/lockscope/machines/epyc-64.toml
  share/doc/lockscope/README.md share/doc/lockscope/docs/install.md share/doc/lockscope/docs/images/gui-central-zoom.png
  share/bash-completion/completions/lockscope
)
if [ "$gui" = ON ]; then
  expect+=(bin/lockscope-gui share/lockscope/teaching/bouncing.central.lstl share/lockscope/teaching/bouncing.graph.lstl
    share/applications/lockscope-gui.desktop share/mime/packages/lockscope.xml
    share/icons/hicolor/scalable/apps/lockscope.svg share/icons/hicolor/48x48/apps/lockscope.png
    share/bash-completion/completions/lockscope-gui)
fi
if [ "$man" = ON ]; then
  expect+=(share/man/man1/lockscope.1.gz)
  for sub in $("$prefix/bin/lockscope" --help | awk '/^Subcommands:$/ { on = 1; next } on && /^$/ { exit }
                 on && /^  [a-z]/ { print $1 }'); do
    expect+=("share/man/man1/lockscope-$sub.1.gz")
  done
  [ "$gui" = ON ] && expect+=(share/man/man1/lockscope-gui.1.gz)
fi
for f in "${expect[@]}"; do
  [ -e "$prefix/$f" ] || fail "the install has no $f"
done
[ ! -e "$prefix/share/lockscope/machines/this-machine.toml" ] || fail "the builder's this-machine was installed"

# No installed program's RPATH points into the build or the source tree.
while IFS= read -r -d '' f; do
  if head -c 4 "$f" | grep -q 'ELF'; then
    rpath="$(readelf -d "$f" | awk '/RPATH|RUNPATH/ { print $NF }')"
    case "$rpath" in *"$build"* | *"$src"*) fail "$f has RPATH $rpath, into the tree" ;; esac
  fi
done < <(find "$prefix/bin" "$prefix/lib" -type f -print0)

# The build tree's demo, the reference for the installed one. Only the
# lines that depend on the wall clock or the output folder are dropped
# (as tests/golden/golden.sh does).
filter() { grep -v -e 'simulator speed' -e 'Simulator speed' | sed -e "s|$1|OUT|g"; }
(cd "$tmp" && "$build/engine/cli/lockscope" demo --out "$tmp/build-demo" 2>/dev/null) |
  filter "$tmp/build-demo" >"$tmp/build-demo.txt"

# What runs with the tree hidden.
mkdir -p "$tmp/work" "$tmp/home"
cat >"$tmp/installed.sh" <<'EOF'
set -euo pipefail
prefix="$1" gui="$2"
cd "$(dirname "$prefix")/work"
export HOME="$PWD/../home" XDG_CONFIG_HOME="$PWD/../home/config" XDG_CACHE_HOME="$PWD/../home/cache"
export PATH="$prefix/bin:/usr/bin:/bin"
filter() { grep -v -e 'simulator speed' -e 'Simulator speed' | sed -e "s|$1|OUT|g"; }

lockscope demo --out "$PWD/demo" 2>/dev/null | filter "$PWD/demo" >demo.txt
[ -s demo/bouncing-graph.lstl ] || { echo "the demo wrote no timeline"; exit 1; }

scenario="$prefix/share/lockscope/scenarios/teaching/false-sharing.toml"
replay=(replay --scenario "$scenario" --lock graph,graph-packed --cores 4 --timeline fs.lstl)
lockscope "${replay[@]}" --machine laptop-8 2>/dev/null | filter "$PWD" >preset.txt
lockscope "${replay[@]}" --machine "$prefix/share/lockscope/machines/laptop-8.toml" 2>/dev/null |
  filter "$PWD" >file.txt
[ -s fs.graph.lstl ] || { echo "the replay wrote no timeline"; exit 1; }

lockscope record -q -o cache.workload --timeline cache.lstl -- "$prefix/lib/lockscope/examples/rwlock_cache" 2 2000 10 \
  >record.txt 2>&1 || { cat record.txt; echo "lockscope record failed"; exit 1; }
[ -s cache.lstl ] || { echo "lockscope record wrote no timeline"; exit 1; }

if [ "$gui" = ON ]; then
  lockscope-gui --help >gui-help.txt
  QT_QPA_PLATFORM=offscreen lockscope-gui --screenshot window.png --size 800x500 --window
  [ -s window.png ] || { echo "lockscope-gui wrote no screenshot"; exit 1; }
  if find "$XDG_CACHE_HOME" -name teaching 2>/dev/null | grep -q .; then
    echo "lockscope-gui generated the teaching run instead of finding share/lockscope/teaching"; exit 1
  fi
fi
EOF

# A mount namespace hides the tree: as root directly, otherwise through a
# user namespace where the kernel allows one.
namespace=()
if unshare --mount --propagation private true 2>/dev/null; then
  namespace=(unshare --mount --propagation private)
elif unshare --map-root-user --mount true 2>/dev/null; then
  namespace=(unshare --map-root-user --mount)
fi
runner=(bash "$tmp/installed.sh" "$prefix" "$gui")
if [ ${#namespace[@]} -gt 0 ]; then
  # One namespace for hiding and running: mount, check, then run.
  "${namespace[@]}" bash -c '
    set -e
    src="$1" build="$2"; shift 2
    for d in "$src" "$build"; do
      [ -d "$d" ] && mount -t tmpfs -o size=64k,mode=0755 lockscope-hidden "$d"
    done
    for d in "$src" "$build"; do
      [ -z "$(ls -A "$d" 2>/dev/null)" ] || { echo "install test: $d is still visible"; exit 1; }
    done
    exec "$@"' _ "$src" "$build" "${runner[@]}" || fail "an installed program failed with the tree hidden (above)"
else
  echo "install test: no mount namespace here (unshare failed), so $src is not hidden;" \
       "the programs run from $tmp/work" >&2
  "${runner[@]}" || fail "an installed program failed (above)"
fi

diff -u "$tmp/build-demo.txt" "$tmp/work/demo.txt" || fail "the installed demo differs from the build tree's"
grep -q 'graph reads' "$tmp/work/demo.txt" || fail "the installed demo printed no comparison"
diff -u "$tmp/work/preset.txt" "$tmp/work/file.txt" || fail "laptop-8.toml replays differently from the laptop-8 preset"
[ "$gui" != ON ] || grep -q '^Usage: lockscope-gui' "$tmp/work/gui-help.txt" || fail "lockscope-gui --help printed no usage"
ran="the demo, a replay and a recording"
[ "$gui" = ON ] && ran="$ran, lockscope-gui --help and a GUI screenshot"
hidden="without hiding the tree"
[ ${#namespace[@]} -gt 0 ] && hidden="with $src hidden"
echo "install test: installed into a temporary prefix and ran $ran from it, $hidden"
