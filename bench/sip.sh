#!/usr/bin/env bash
# SIP parser benchmark (BenchmarkDotNet): messages/s and bytes allocated per message. Extra args go to BenchmarkDotNet, e.g. --job short.
set -euo pipefail; cd "$(dirname "$0")/.." && dotnet run -c Release --project bench/FaxPost.Bench.Sip -- --filter '*SipParserBenchmarks*' "$@"
