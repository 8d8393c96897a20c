#!/usr/bin/env bash
# Regenerates tests/golden/*.txt from a build of lockscope, after a change
# whose effect on the demo or the teaching scenarios is intended:
#
#   tests/golden/regenerate.sh [BUILD_DIR]      (default: build)
#
# then review `git diff tests/golden` and commit the new goldens with the
# change that explains them.
set -euo pipefail
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${1:-$source_dir/build}
cmake --build "$build_dir" --target update-goldens
git -C "$source_dir" --no-pager diff --stat -- tests/golden
