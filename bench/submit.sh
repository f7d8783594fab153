#!/usr/bin/env bash
# Job submissions per second through the REST API (issue 2): a real faxpost server (SQLite, no
# lines, so jobs stay queued), N multipart submissions of a one-page text document, C at a time,
# with curl. Each submission is acknowledged only after its originals and jobs are durable and
# the document is converted (Ghostscript + our MMR encoder), so this measures the whole front door.
#   bash bench/submit.sh [submissions] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/deps.sh
install_run_deps
need_apt curl
n=${1:-200}
c=${2:-4}
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
dotnet build src/FaxPost.Cli -c Release -o "$work/bin" 2>&1 | grep -E " error |Elapsed" || true
export FAXPOST__DataDirectory="$work/data" FAXPOST__Web__Urls__0="http://127.0.0.1:$port" FAXPOST__Security__PasswordIterations=10000
password=$(dotnet "$work/bin/faxpost.dll" init --admin admin | sed -n 's/.*password: //p')
dotnet "$work/bin/faxpost.dll" serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/me"; do sleep 0.2; done
api="http://127.0.0.1:$port/api/v1"
curl -sf -u "admin:$password" -H 'Content-Type: application/json' -d '{"login":"bench","displayName":"Bench","password":"bench-password","extension":"10"}' "$api/users" > /dev/null
token=$(curl -sf -u bench:bench-password -H 'Content-Type: application/json' -d '{"name":"bench"}' "$api/me/tokens" | sed 's/.*"secret":"\([^"]*\)".*/\1/')
printf 'Dear customer,\n\nplease find our offer below.\n\nKind regards\n' > "$work/letter.txt"
# Warm-up (JIT, Ghostscript's font cache).
curl -sf -H "Authorization: Bearer $token" -F to=+4930555000 -F "files=@$work/letter.txt" "$api/jobs" > /dev/null
start=$(date +%s%N)
seq "$n" | xargs -P "$c" -I{} curl -sf -o /dev/null -H "Authorization: Bearer $token" -F "to=+49305550{}" -F "files=@$work/letter.txt" "$api/jobs"
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
queued=$(curl -sf -H "Authorization: Bearer $token" "$api/jobs?limit=1000" | grep -o '"state":"queued"' | wc -l)
echo "submissions: $n, concurrency: $c, elapsed: ${ms} ms, queued jobs: $queued"
awk -v n="$n" -v ms="$ms" 'BEGIN { printf "REST submissions per second (each converted before the answer): %.1f\n", n * 1000 / ms }'
