#!/usr/bin/env bash
# Builds the spandsp interop harness into tests/interop/build/ (git-ignored).
# Needs: gcc pkg-config libspandsp-dev libtiff-dev (scripts/lib/deps.sh install_test_deps).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build"
mkdir -p "$out"
if ! pkg-config --exists spandsp; then
    echo "build.sh: spandsp not found by pkg-config (apt-get install libspandsp-dev libtiff-dev pkg-config gcc)" >&2
    exit 1
fi
bin="$out/spandsp_t38"
if [ ! -x "$bin" ] || [ "$here/spandsp_t38.c" -nt "$bin" ]; then
    tmp="$bin.tmp.$$"
    gcc -O2 -Wall -Wextra -Werror -Wno-deprecated-declarations -o "$tmp" "$here/spandsp_t38.c" \
        $(pkg-config --cflags --libs spandsp) -ltiff -lm
    mv -f "$tmp" "$bin"
fi
echo "$bin"
