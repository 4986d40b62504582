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
# Prints each run and the medians. Reuses WORKDIR/data when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: bench/tls_wrk.sh WORKDIR [EVENTS] [ROUNDS]}
EVENTS=${2:-200000}
ROUNDS=${3:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
mkdir -p "$WORK"
rm -f "$WORK/port"

build/opentrail serve --data-dir "$WORK/data" --listen 127.0.0.1:0 --port-file "$WORK/port" \
  --tls-self-signed --allow-plain-http --no-access-log >"$WORK/server.log" 2>&1 &
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
  build/bench/ot_load --endpoint "$HTTP" --jsonl "$WORK/events.jsonl" --threads 2 --batch 2000 \
    >"$WORK/ingest.txt"
  touch "$WORK/loaded"
fi

# The signed request is the same for both schemes: SigV4 covers the Host header, not the scheme.
/usr/bin/python3 bench/wrk_lookup_lua.py "$HTTP" >"$WORK/lookup.lua"
rps() { awk '/Requests\/sec/ {print $2}'; }
declare -A runs
for round in $(seq "$ROUNDS"); do
  for scheme in http https; do
    ep=$HTTP
    [ "$scheme" = https ] && ep=$HTTPS
    r=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$WORK/lookup.lua" "$ep/" | rps)
    runs[lookup_$scheme]+="$r "
    c=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Connection: close" "$ep/health" | rps)
    runs[connect_$scheme]+="$c "
    echo "round $round $scheme: LookupEvents keep-alive $r req/s, new connections $c /s"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for k in lookup_http lookup_https connect_http connect_https; do
  echo "$k: runs ${runs[$k]}-> median $(echo "${runs[$k]}" | median)"
done
