#!/usr/bin/env bash
# Calls set up per second through Kamailio on loopback (issue 5): SIPp places N calls (INVITE with
# an audio offer, ACK, BYE along the Record-Route set), at most C at a time, through a private
# Kamailio to
#   1. a real `faxpost serve` registered at Kamailio with a SIP trunk (digest REGISTER), which
#      answers each call as an inbound fax call (source ACL, rate limit, numbers, line budget,
#      post office sink, receive log record); the caller hangs up before any T.38, and
#   2. the peer tool: a SIPp answering scenario on the same path (Kamailio routes its number to it).
# Prints calls per second for both and FaxPost's ratio against SIPp.
#   bash bench/sipcalls.sh [calls] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/deps.sh
install_run_deps
need_apt kamailio sip-tester
n=${1:-500}
c=${2:-10}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
kam=$(free_port); fax=$(free_port); peer=$(free_port); web=$(free_port); uac=$(free_port)
dotnet build src/FaxPost.Cli -c Release -o "$work/bin" 2>&1 | grep -E " error |Elapsed" || true

cat > "$work/kamailio.cfg" <<CFG
#!KAMAILIO
debug=1
log_stderror=yes
children=2
auto_aliases=no
listen=udp:127.0.0.1:$kam
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)
modparam("rr", "enable_full_lr", 1)
request_route {
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
    if (has_totag()) {
        if (loose_route()) { t_relay(); exit; }
        if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
        sl_send_reply("404", "Not here"); exit;
    }
    t_check_trans();
    if (is_method("REGISTER")) {
        if (\$au != "4930555011" || !pv_auth_check("\$fd", "bench-secret", "0", "1")) { www_challenge("\$fd", "0"); exit; }
        consume_credentials();
        save("location");
        exit;
    }
    if (is_method("OPTIONS") && \$rU == \$null) { sl_send_reply("200", "OK"); exit; }
    record_route();
    if (\$rU == "peer") { \$du = "sip:127.0.0.1:$peer"; t_relay(); exit; }
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
    t_relay();
}
CFG
kamailio -f "$work/kamailio.cfg" -DD -E -n 2 -w "$work" -P "$work/kamailio.pid" > "$work/kamailio.log" 2>&1 &
pids+=($!)

cat > "$work/faxpost.json" <<JSON
{
  "DataDirectory": "$work/data",
  "Numbering": { "CountryCode": "49", "AreaCode": "30", "BaseNumber": "555", "ExtensionLength": 3 },
  "Lines": { "Total": 64, "ReservedInbound": 1 },
  "Web": { "Urls": [ "http://127.0.0.1:$web" ] },
  "Security": { "PasswordIterations": 10000 },
  "Logging": { "LogLevel": { "Default": "Warning" } },
  "Sip": {
    "Listen": [ { "Transport": "udp", "Address": "127.0.0.1", "Port": $fax } ],
    "RateLimit": { "RequestsPerSecond": 100000, "Burst": 100000 },
    "Trunks": [ { "Name": "kamailio", "Registrar": "127.0.0.1:$kam", "Username": "4930555011",
                  "Password": "bench-secret", "Channels": 64, "T38": "AwaitPeer",
                  "NumberFormat": "E164WithoutPlus" } ]
  }
}
JSON
dotnet "$work/bin/faxpost.dll" init --config "$work/faxpost.json" --admin admin > /dev/null
dotnet "$work/bin/faxpost.dll" serve --config "$work/faxpost.json" > "$work/faxpost.log" 2>&1 &
pids+=($!)
# Registered when Kamailio answers the number (a 404 until then).
for i in $(seq 100); do
    if sipp -sf bench/sipcalls/uac.xml -s 4930555011 -p "$uac" -i 127.0.0.1 -m 1 -timeout 5 -timeout_error "127.0.0.1:$kam" > /dev/null 2>&1; then break; fi
    sleep 0.5
done

# Column of a SIPp statistics file's last line, by header name.
stat() { awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i } END { print $c }' "$1"; }
run() { # service -> "calls/s successful failed"
    local start end
    start=$(date +%s%N)
    sipp -sf bench/sipcalls/uac.xml -s "$1" -p "$uac" -i 127.0.0.1 -m "$n" -l "$c" -r 10000 -timeout 300 \
        -trace_stat -fd 1 -stf "$work/$1.csv" "127.0.0.1:$kam" < /dev/null > /dev/null 2>&1 || true
    end=$(date +%s%N)
    local ok bad
    ok=$(stat "$work/$1.csv" "SuccessfulCall(C)")
    bad=$(stat "$work/$1.csv" "FailedCall(C)")
    awk -v n="$ok" -v ns="$((end - start))" -v ok="$ok" -v bad="$bad" 'BEGIN { printf "%.1f calls/s (%d answered, %d failed)\n", n * 1e9 / ns, ok, bad }'
}
# Warm-up (JIT, SQLite, Kamailio's transaction tables), then the measured run.
n_measured=$n; n=$(( n / 5 + 1 )); run 4930555011 > /dev/null; n=$n_measured
fp=$(run 4930555011)
# Each answered call ends without a page (the caller hangs up before T.38): the post office logs it.
sleep 2
seen=$(grep -c 'ended without a page' "$work/faxpost.log" || true)

sipp -sf bench/sipcalls/uas.xml -p "$peer" -i 127.0.0.1 < /dev/null > "$work/uas.log" 2>&1 &
pids+=($!)
sleep 0.5
n=$(( n / 5 + 1 )); run peer > /dev/null; n=$n_measured
pe=$(run peer)
echo "calls: $n, at most $c at a time, through Kamailio $(kamailio -v | head -1 | awk '{print $3}') on loopback"
echo "faxpost serve (registered SIP trunk, answers as inbound fax calls): $fp; calls in faxpost's log (probe, warm-up and measured): $seen"
echo "SIPp answering scenario (peer tool, same path):                  $pe"
awk -v a="${fp%% *}" -v b="${pe%% *}" 'BEGIN { printf "ratio faxpost / SIPp: %.2f\n", a / b }'
