#!/usr/bin/env bash
# The S3 read API over a bucket of 100,000 log files (issue 5 benchmarks), through the real HTTP
# server with keep-alive (wrk, SigV4-signed requests), next to the same work without the server.
#
#   bench/s3_read.sh WORKDIR [OBJECTS] [ROUNDS]
#
# Setup (once per WORKDIR): a server creates bucket `bench-logs`; with the server stopped,
# `s3_read_tool populate` writes OBJECTS (default 100,000) delivery-named log files of 5 records
# into it through the bucket registry's C++ API, plus bench/typical.json.gz (100 records) and
# bench/large.json.gz (10,000 records); then the server is started again.
# Each of ROUNDS (default 3) rounds measures:
#   - GetObject of the large and the typical file, keep-alive, wrk -c$CONNECTIONS: MB/s of bodies;
#     peer: `cat` of the same file from page cache, one process after another (MB/s);
#   - ListObjectsV2 with 1,000 keys a page, every page of the bucket in turn (the continuation
#     tokens a real walk returned, each request signed once): pages/s; peers: `find` and
#     `ls -R` over the bucket's directory (pages/s = OBJECTS / 1000 / seconds), and the same
#     walk in process through BucketRegistry::ListObjects (`s3_read_tool list`, no HTTP).
# Prints each run and the medians, with the server's CPU time per request (from /proc).
#
# Environment: BUILD (build directory, default build), DURATION (10s), CONNECTIONS (4).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(realpath -m "${1:?usage: bench/s3_read.sh WORKDIR [OBJECTS] [ROUNDS]}")
OBJECTS=${2:-100000}
ROUNDS=${3:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-4}
BUILD=${BUILD:-build}
BUCKET=bench-logs
DATA=$WORK/data
mkdir -p "$WORK"
export AWS_SHARED_CREDENTIALS_FILE=$DATA/credentials AWS_DEFAULT_REGION=us-east-1 \
  AWS_CONFIG_FILE=$WORK/no-config AWS_PAGER=""

SERVER=
start_server() {
  rm -f "$WORK/port"
  "$BUILD/opentrail" serve --data-dir "$DATA" --listen 127.0.0.1:0 --port-file "$WORK/port" \
    --threads 2 --no-access-log >>"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  EP=http://127.0.0.1:$(cat "$WORK/port")
  for _ in $(seq 100); do curl -sf "$EP/health" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2
  exit 1
}
stop_server() { kill "$SERVER" && wait "$SERVER" || true; }
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT

start_server
if [ ! -f "$WORK/populated" ]; then
  aws s3api create-bucket --bucket "$BUCKET" --endpoint-url "$EP" >/dev/null
  /usr/bin/python3 tools/gen_cloudtrail.py --events 12000 --seed 7 --format jsonl \
    --out "$WORK/records.jsonl" --quiet
  stop_server
  "$BUILD/bench/s3_read_tool" populate "$DATA" "$BUCKET" "$WORK/records.jsonl" "$OBJECTS"
  sync
  touch "$WORK/populated"
  start_server
fi
ROOT=$DATA/buckets/$BUCKET
LARGE=$ROOT/bench/large.json.gz TYPICAL=$ROOT/bench/typical.json.gz
LARGE_BYTES=$(stat -c %s "$LARGE") TYPICAL_BYTES=$(stat -c %s "$TYPICAL")
FILES=$(find "$ROOT" -type f | wc -l)

# The continuation tokens of one real walk, and the signed requests for every page.
/usr/bin/python3 - "$EP" "$BUCKET" >"$WORK/list_paths.txt" <<'EOF'
import sys, urllib.parse, boto3
ep, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1")
token, n = None, 0
while True:
    q = {"list-type": "2", "max-keys": "1000"}
    if token:
        q["continuation-token"] = token
    print(f"/{bucket}?" + urllib.parse.urlencode(sorted(q.items()), quote_via=urllib.parse.quote))
    page = s3.list_objects_v2(Bucket=bucket, MaxKeys=1000, **({"ContinuationToken": token} if token else {}))
    n += page["KeyCount"]
    if not page["IsTruncated"]:
        break
    token = page["NextContinuationToken"]
print(f"walked {n} keys", file=sys.stderr)
EOF
PAGES=$(wc -l <"$WORK/list_paths.txt")
/usr/bin/python3 bench/wrk_s3_lua.py "$EP" --paths-file "$WORK/list_paths.txt" >"$WORK/list.lua"
/usr/bin/python3 bench/wrk_s3_lua.py "$EP" "/$BUCKET/bench/large.json.gz" >"$WORK/large.lua"
/usr/bin/python3 bench/wrk_s3_lua.py "$EP" "/$BUCKET/bench/typical.json.gz" >"$WORK/typical.lua"
echo "bucket: $FILES objects, $PAGES list pages; large $LARGE_BYTES bytes, typical $TYPICAL_BYTES bytes"

TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
# One wrk run; prints "requests/s server-CPU-microseconds-per-request".
measure() {
  local before after out
  before=$(cpu_ticks)
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$1" "$EP/")
  after=$(cpu_ticks)
  if ! echo "$out" | grep -q "non-2xx 0, socket errors 0"; then
    echo "wrk run with errors: $out" >&2
    exit 1
  fi
  echo "$out" | awk -v b="$before" -v a="$after" -v t="$TICK" \
    '/requests in/ {n = $1} /Requests\/sec/ {r = $2} END {printf "%s %.0f\n", r, (a - b) / t * 1e6 / n}'
}
# Seconds for a command (wall clock).
secs() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null
  e=$(date +%s.%N)
  echo "$s $e" | awk '{printf "%.4f", $2 - $1}'
}
# One cat process reading the file N times (page cache), as one reader loop would.
cat_n() { local f=() i; for i in $(seq "$2"); do f+=("$1"); done; cat "${f[@]}"; }

declare -A runs
cat "$LARGE" "$TYPICAL" >/dev/null; find "$ROOT" -type f >/dev/null  # page cache
wrk -t1 -c2 -d2s -s "$WORK/list.lua" "$EP/" >/dev/null                # warm up
for round in $(seq "$ROUNDS"); do
  read -r r c < <(measure "$WORK/large.lua")
  get_large=$(echo "$r $LARGE_BYTES" | awk '{printf "%.1f", $1 * $2 / 1e6}')
  runs[get_large]+="$get_large " runs[get_large_cpu]+="$c "
  read -r r c < <(measure "$WORK/typical.lua")
  runs[get_typical]+="$(echo "$r $TYPICAL_BYTES" | awk '{printf "%.1f", $1 * $2 / 1e6}') "
  runs[get_typical_rps]+="$r " runs[get_typical_cpu]+="$c "
  read -r list c < <(measure "$WORK/list.lua")
  runs[list]+="$list " runs[list_cpu]+="$c "
  t=$(secs cat_n "$LARGE" 200)
  cat_large=$(echo "$t $LARGE_BYTES" | awk '{printf "%.1f", 200 * $2 / 1e6 / $1}')
  runs[cat_large]+="$cat_large "
  t=$(secs cat_n "$TYPICAL" 500)
  runs[cat_typical]+="$(echo "$t $TYPICAL_BYTES" | awk '{printf "%.1f", 500 * $2 / 1e6 / $1}') "
  t=$(secs find "$ROOT" -type f)
  find_pages=$(echo "$t $FILES" | awk '{printf "%.1f", $2 / 1000 / $1}')
  runs[find]+="$find_pages "
  t=$(secs ls -R "$ROOT")
  ls_pages=$(echo "$t $FILES" | awk '{printf "%.1f", $2 / 1000 / $1}')
  runs[ls]+="$ls_pages "
  inproc=$("$BUILD/bench/s3_read_tool" list "$DATA" "$BUCKET" 1 | awk '{print $(NF-1)}')
  runs[inproc]+="$inproc "
  echo "round $round (load $(cut -d' ' -f1 /proc/loadavg)): GetObject large $get_large MB/s" \
    "(cat $cat_large) | ListObjectsV2 $list pages/s (find $find_pages, ls -R $ls_pages," \
    "in process $inproc)"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for k in get_large get_large_cpu cat_large get_typical get_typical_rps get_typical_cpu \
  cat_typical list list_cpu inproc find ls; do
  echo "$k: ${runs[$k]}-> median $(echo "${runs[$k]}" | median)"
done
echo "(MB/s for get_*/cat_*, requests/s for *_rps, server CPU us per request for *_cpu," \
  "1,000-key pages/s for list/inproc/find/ls; load average $(cut -d' ' -f1-3 /proc/loadavg))"
