#!/usr/bin/env bash
# HTTPS vs plain HTTP on the same server and port, side by side, with wrk.
#
#   bench/tls_wrk.sh WORKDIR [EVENTS] [ROUNDS]
#
# One server with --tls-self-signed --allow-plain-http (so both schemes reach the same process),
# a history of EVENTS generated events (default 200,000) through IngestEvents (ot_load), then
# ROUNDS (default 3) interleaved rounds of:
#   - LookupEvents (EventName=AssumeRole, 50 records) on keep-alive connections, http then https;
#   - new connections: GET /health with "Connection: close", http then https (each https request
#     is a full TLS handshake: ECDHE P-256 + ECDSA P-256 certificate, TLS 1.3).
# Prints each run and the medians, with the server's CPU time (user + system, from /proc) per
# request, which depends far less on what else the machine runs than requests/s do.
# Reuses WORKDIR/data when it exists.
#
# Environment: BUILD (build directory, default build), DURATION (10s), CONNECTIONS (16),
# PINNED=1 for the pinned setup: server on core 0 with --threads 1, wrk -t1 on core 1.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: bench/tls_wrk.sh WORKDIR [EVENTS] [ROUNDS]}
EVENTS=${2:-200000}
ROUNDS=${3:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
BUILD=${BUILD:-build}
SERVER_PIN=() WRK_PIN=() WRK_THREADS=2 SERVER_THREADS=2
if [ "${PINNED:-0}" = 1 ]; then
  SERVER_PIN=(taskset -c 0) WRK_PIN=(taskset -c 1) WRK_THREADS=1 SERVER_THREADS=1
fi
mkdir -p "$WORK"
rm -f "$WORK/port"

"${SERVER_PIN[@]}" "$BUILD/opentrail" serve --data-dir "$WORK/data" --listen 127.0.0.1:0 \
  --port-file "$WORK/port" --threads "$SERVER_THREADS" --tls-self-signed --allow-plain-http \
  --no-access-log >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
HTTP=http://127.0.0.1:$PORT
HTTPS=https://127.0.0.1:$PORT
export AWS_SHARED_CREDENTIALS_FILE=$WORK/data/credentials AWS_DEFAULT_REGION=us-east-1

if [ ! -f "$WORK/loaded" ]; then
  START=$(date -u -d '-26 hours' +%Y-%m-%dT%H:00:00Z)
  /usr/bin/python3 tools/gen_cloudtrail.py --events "$EVENTS" --seed 42 --start "$START" \
    --span-hours 24 --format jsonl --out "$WORK/events.jsonl" --quiet
  "$BUILD/bench/ot_load" --endpoint "$HTTP" --jsonl "$WORK/events.jsonl" --threads 2 --batch 2000 \
    >"$WORK/ingest.txt"
  touch "$WORK/loaded"
fi

# The signed request is the same for both schemes: SigV4 covers the Host header, not the scheme.
/usr/bin/python3 bench/wrk_lookup_lua.py "$HTTP" >"$WORK/lookup.lua"
TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
# One wrk run; prints "requests/s server-CPU-microseconds-per-request".
measure() {
  local before after out
  before=$(cpu_ticks)
  out=$("${WRK_PIN[@]}" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" "$@")
  after=$(cpu_ticks)
  echo "$out" | awk -v b="$before" -v a="$after" -v t="$TICK" \
    '/requests in/ {n = $1} /Requests\/sec/ {r = $2} END {printf "%s %.0f\n", r, (a - b) / t * 1e6 / n}'
}
declare -A runs cpus
"${WRK_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d2s -s "$WORK/lookup.lua" "$HTTP/" >/dev/null  # warm up
for round in $(seq "$ROUNDS"); do
  for scheme in http https; do
    ep=$HTTP
    [ "$scheme" = https ] && ep=$HTTPS
    read -r r rc < <(measure -s "$WORK/lookup.lua" "$ep/")
    runs[lookup_$scheme]+="$r " cpus[lookup_$scheme]+="$rc "
    read -r c cc < <(measure -H "Connection: close" "$ep/health")
    runs[connect_$scheme]+="$c " cpus[connect_$scheme]+="$cc "
    echo "round $round $scheme: LookupEvents keep-alive $r req/s ($rc us CPU each)," \
      "new connections $c /s ($cc us CPU each)"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for k in lookup_http lookup_https connect_http connect_https; do
  echo "$k: runs ${runs[$k]}-> median $(echo "${runs[$k]}" | median) /s;" \
    "server CPU us per request ${cpus[$k]}-> median $(echo "${cpus[$k]}" | median)"
done
rh=$(echo "${runs[lookup_http]}" | median) rs=$(echo "${runs[lookup_https]}" | median)
ch=$(echo "${cpus[lookup_http]}" | median) cs=$(echo "${cpus[lookup_https]}" | median)
echo "$rs $rh $ch $cs" | awk '{printf "LookupEvents HTTPS/HTTP: requests/s %.2f, server CPU per request (HTTP/HTTPS) %.2f\n", $1 / $2, $3 / $4}'
