#!/usr/bin/env bash
# make-man-pages.sh OUTDIR VERSION LOCKSCOPE [LOCKSCOPE_GUI]
#
# Man pages from the programs' own --help, with help2man: lockscope.1, one
# lockscope-COMMAND.1 per subcommand that `lockscope --help` lists, and
# lockscope-gui.1 when the GUI was built. Written gzipped (gzip -n, as
# Debian ships them) into OUTDIR, which is emptied first, so a subcommand
# that went away leaves no page behind. packaging/CMakeLists.txt runs this
# at build time when help2man is installed.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: make-man-pages.sh OUTDIR VERSION LOCKSCOPE [LOCKSCOPE_GUI]" >&2
  exit 2
fi
out="$1" version="$2" cli="$3" gui="${4:-}"
command -v help2man >/dev/null || { echo "make-man-pages.sh: help2man is not installed" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"

# help2man folds a section's lines into one paragraph; an example must stay
# a paragraph of its own. So in the help's Examples section, an example
# continued with a trailing backslash is joined into one line, and each
# example gets a blank line before it.
cat >"$work/examples.awk" <<'EOF'
/^Examples?:$/ { ex = 1; print; next }
ex && /^$/ { ex = 0; print; next }
ex {
  if (cont) { sub(/^ +/, ""); held = held " " $0 } else { held = $0 }
  cont = (held ~ /\\$/)
  if (cont) { sub(/ *\\$/, "", held); next }
  print ""; print held; next
}
{ print }
END { if (cont) print held }
EOF

# A wrapper named after the page gives help2man the page's name
# (LOCKSCOPE-REPLAY) and the filtered help.
make_wrapper() {  # make_wrapper NAME PROGRAM [SUBCOMMAND]
  local name="$1" program="$2" sub="${3:-}"
  printf '#!/usr/bin/env bash\nset -o pipefail\n"%s" %s "$@" | awk -f "%s"\n' \
    "$program" "$sub" "$work/examples.awk" >"$work/$name"
  chmod +x "$work/$name"
}

cat >"$work/see-also" <<'EOF'
[SEE ALSO]
.BR lockscope (1),
.BR lockscope-gui (1),
and
.BR lockscope-\fICOMMAND\fR (1)
for each command.
The full documentation is in share/doc/lockscope/ under the install prefix
(/usr/share/doc/lockscope/ from the Debian package); the scenarios are in
share/lockscope/scenarios/.
EOF

page() {  # page NAME DESCRIPTION
  local name="$1" description="$2"
  help2man --no-info --no-discard-stderr --version-string="$version" --section=1 \
    --source="lockscope $version" --name="$description" --include="$work/see-also" \
    --output="$work/$name.1" "$work/$name"
  gzip -9n <"$work/$name.1" >"$out/$name.1.gz"
}

make_wrapper lockscope "$cli"
page lockscope "a laboratory for reader-writer locks"

# The subcommands and their one-line descriptions, as `lockscope --help`
# lists them under "Subcommands:".
subcommands="$("$cli" --help | awk '/^Subcommands:$/ { on = 1; next } on && /^$/ { exit }
  on && /^  [a-z]/ { name = $1; sub(/^  [^ ]+ +/, ""); print name "\t" $0 }')"
[ -n "$subcommands" ] || { echo "make-man-pages.sh: no subcommands in '$cli --help'" >&2; exit 1; }
while IFS=$'\t' read -r sub description; do
  make_wrapper "lockscope-$sub" "$cli" "$sub"
  page "lockscope-$sub" "$description"
done <<<"$subcommands"

if [ -n "$gui" ]; then
  make_wrapper lockscope-gui "$gui"
  page lockscope-gui "the desktop timeline of lockscope runs"
fi
