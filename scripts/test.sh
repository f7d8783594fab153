#!/usr/bin/env bash
# One command that installs what the tests need and runs every test (README: "Run the tests").
# Installs Debian packages (Ghostscript, libtiff tools, poppler, PostgreSQL, ...), starts the
# servers the tests use, builds the solution and runs all test projects.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

. scripts/lib/deps.sh
install_test_deps
start_postgres
start_mail_servers

export FAXPOST_TEST_PG="${FAXPOST_TEST_PG:-Host=127.0.0.1;Port=${PGPORT_FAXPOST:-55432};Username=faxpost;Password=faxpost;Database=faxpost_test}"

dotnet build FaxPost.slnx -c Release -warnaserror 2>&1 | tail -3
log=$(mktemp)
set +e
dotnet test FaxPost.slnx -c Release --no-build "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# dotnet test prints one summary per test assembly; add them up into one closing line.
awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
# The browser tests leave screenshots of the web UI's pages as artefacts.
[ -d TestResults/screenshots ] && echo "web UI screenshots: $root/TestResults/screenshots" >&2
exit "$rc"
