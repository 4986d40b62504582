#!/usr/bin/env bash
# LookupEvents under load with wrk, over a large history, plus the server's memory.
#
#   bench/lookup_wrk.sh WORKDIR [EVENTS_BASE] [COPIES]
#
# Builds a history of EVENTS_BASE x COPIES generated events (default 1,000,000 x 10) through
# IngestEvents (ot_load), then replays one SigV4-signed attribute lookup (EventName=AssumeRole,
# MaxResults=50, us-east-1) from wrk on keep-alive connections. Prints wrk's latency
# distribution, ingest throughput and the server's RSS. Reuses WORKDIR/data when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: bench/lookup_wrk.sh WORKDIR [EVENTS_BASE] [COPIES]}
BASE=${2:-1000000}
COPIES=${3:-10}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
mkdir -p "$WORK"
GEN=tools/gen_cloudtrail.py

build/opentrail serve --data-dir "$WORK/data" --listen 127.0.0.1:0 --port-file "$WORK/port" \
  --no-access-log >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
EP=http://127.0.0.1:$PORT
export AWS_SHARED_CREDENTIALS_FILE=$WORK/data/credentials AWS_DEFAULT_REGION=us-east-1
echo "server pid $SERVER on $EP; start-up RSS $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MiB"}')"

if [ ! -f "$WORK/loaded" ]; then
  START=$(date -u -d '-26 hours' +%Y-%m-%dT%H:00:00Z)
  if [ ! -f "$WORK/events-$BASE.jsonl" ]; then
    /usr/bin/python3 "$GEN" --events "$BASE" --seed 42 --start "$START" --span-hours 24 \
      --format jsonl --out "$WORK/events-$BASE.jsonl"
  fi
  build/bench/ot_load --endpoint "$EP" --jsonl "$WORK/events-$BASE.jsonl" --copies "$COPIES" \
    --threads "${LOAD_THREADS:-4}" --batch 2000 | tee "$WORK/ingest.txt"
  touch "$WORK/loaded"
fi
echo "history: $(curl -s "$EP/metrics" | grep '^opentrail_history_events' | awk '{print $2}') events"
echo "RSS after load: $(grep -E 'VmRSS|VmHWM' /proc/$SERVER/status | awk '{printf "%s %.0f MiB  ", $1, $2/1024}')"

/usr/bin/python3 bench/wrk_lookup_lua.py "$EP" >"$WORK/lookup.lua"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/lookup.lua" "$EP/"
echo "RSS after wrk: $(grep -E 'VmRSS|VmHWM' /proc/$SERVER/status | awk '{printf "%s %.0f MiB  ", $1, $2/1024}')"
