#!/usr/bin/env bash
# T.38 benchmarks: CPU per page against spandsp (pacing off) and concurrent paced calls in one process.
# usage: bench/t38.sh [cpu [pages] [rounds] | concurrent [N,N,...] [pages]]   (no arguments: both)
# Needs gcc pkg-config libspandsp-dev libtiff-dev ghostscript (the interop harness is built on first use).
set -euo pipefail; cd "$(dirname "$0")/.." && dotnet run -c Release --project bench/FaxPost.Bench.T38 -- "$@"
