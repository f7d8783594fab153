#!/usr/bin/env bash
# One command that sets up and runs the FaxPost server with its embedded defaults:
# SQLite and documents in ./data, web and REST API on http://127.0.0.1:8025.
# The first run creates the data directory, the schema and an administrator whose
# password is printed once (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/deps.sh
install_run_deps
dotnet build src/FaxPost.Cli -c Release -o artifacts/faxpost 2>&1 | tail -2
export FAXPOST__DataDirectory="${FAXPOST__DataDirectory:-$(pwd)/data}"
if [ ! -e "$FAXPOST__DataDirectory/faxpost.db" ]; then
    artifacts/faxpost/faxpost init --admin admin
fi
exec artifacts/faxpost/faxpost serve "$@"
