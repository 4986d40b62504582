#!/usr/bin/env bash
# End-to-end delivery throughput: ingest a JSONL file through IngestEvents while N multi-region
# trails (default selectors: all management events) deliver into local buckets every second;
# reports the time from the first ingest to the last delivered file.
#
#   bench/delivery.sh WORKDIR JSONL [TRAILS]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: bench/delivery.sh WORKDIR JSONL [TRAILS]}
JSONL=${2:?usage: bench/delivery.sh WORKDIR JSONL [TRAILS]}
TRAILS=${3:-1}
rm -rf "$WORK" && mkdir -p "$WORK"
build/opentrail serve --data-dir "$WORK/data" --listen 127.0.0.1:0 --port-file "$WORK/port" \
  --no-access-log --delivery-interval 1s >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 300); do [ -s "$WORK/port" ] && break; sleep 0.1; done
EP=http://127.0.0.1:$(cat "$WORK/port")
export AWS_SHARED_CREDENTIALS_FILE=$WORK/data/credentials AWS_DEFAULT_REGION=us-east-1
for i in $(seq "$TRAILS"); do
  /usr/bin/aws s3api create-bucket --bucket "bench-logs-$i" --endpoint-url "$EP" >/dev/null
  /usr/bin/aws cloudtrail create-trail --name "bench-$i" --s3-bucket-name "bench-logs-$i" \
    --is-multi-region-trail --endpoint-url "$EP" >/dev/null
  /usr/bin/aws cloudtrail start-logging --name "bench-$i" --endpoint-url "$EP"
done
START=$(date +%s.%N)
build/bench/ot_load --endpoint "$EP" --jsonl "$JSONL" --threads 4 --batch 2000
/usr/bin/python3 - "$WORK/data/buckets" "$TRAILS" "$JSONL" "$START" <<'PY'
import gzip, json, pathlib, sys, time
root, trails, start = pathlib.Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[4])
want = set()
with open(sys.argv[3]) as f:
    for line in f:
        r = json.loads(line)
        if r.get("eventCategory") == "Management":
            want.add(r["eventID"])
seen, got = {}, {i: set() for i in range(1, trails + 1)}
deadline = time.time() + 600
while time.time() < deadline:
    for i in range(1, trails + 1):
        for p in (root / f"bench-logs-{i}").rglob("*.json.gz"):
            if p in seen:
                continue
            seen[p] = p.stat().st_size
            with gzip.open(p, "rt") as f:
                got[i].update(r["eventID"] for r in json.load(f)["Records"] if r["eventID"] in want)
    if all(len(g) == len(want) for g in got.values()):
        break
    time.sleep(0.2)
secs = time.time() - start
gz = sum(seen.values())
print(f"{trails} trail(s): {len(want)} selected events each, all delivered {secs:.2f} s after the "
      f"first ingest: {len(want) / secs:.0f} selected events/s per trail "
      f"({sum(1 for _ in open(sys.argv[3])) / secs:.0f} ingested events/s), {len(seen)} files, {gz / 1e6:.1f} MB gzip out "
      f"({gz / 1e6 / secs:.1f} MB/s)")
PY
