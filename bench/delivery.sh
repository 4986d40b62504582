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
  --no-access-log --delivery-interval 1s --max-trails-per-region 20 >"$WORK/server.log" 2>&1 &
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
# The selected (management) eventIDs, computed before the clock starts: reading the 500 MB input
# while the server delivers would take CPU from it on this 2-core machine.
/usr/bin/python3 - "$JSONL" "$WORK/want.txt" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in f:
        r = json.loads(line)
        if r.get("eventCategory") == "Management":
            out.write(r["eventID"] + "\n")
PY
WANT=$(wc -l <"$WORK/want.txt")
START=$(date +%s.%N)
build/bench/ot_load --endpoint "$EP" --jsonl "$JSONL" --threads 4 --batch 2000
# Timing polls the server's delivery counter with curl (cheap); it also counts the server's own
# call records, so the files are checked afterwards and polling resumes if some are missing.
DEADLINE=$(($(date +%s) + 600))
while :; do
  N=$(curl -s "$EP/metrics" | awk '$1 == "opentrail_delivery_events_total" {print $2}')
  [ "${N:-0}" -ge $((WANT * TRAILS)) ] && break
  [ "$(date +%s)" -ge "$DEADLINE" ] && break
  sleep 0.05
done
END=$(date +%s.%N)
/usr/bin/python3 - "$WORK/data/buckets" "$TRAILS" "$JSONL" "$START" "$END" "$WORK/want.txt" <<'PY'
import gzip, json, pathlib, sys
root, trails, start, end = pathlib.Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[4]), float(sys.argv[5])
want = set(open(sys.argv[6]).read().split())
total = sum(1 for _ in open(sys.argv[3]))
got = {i: set() for i in range(1, trails + 1)}
files, gz = 0, 0
for i in range(1, trails + 1):
    for p in (root / f"bench-logs-{i}").rglob("*.json.gz"):
        files += 1
        gz += p.stat().st_size
        with gzip.open(p, "rt") as f:
            got[i].update(r["eventID"] for r in json.load(f)["Records"] if r["eventID"] in want)
secs = end - start
missing = sum(len(want) - len(g) for g in got.values())
print(f"{trails} trail(s): {len(want)} selected events each, {'all' if not missing else f'{missing} NOT'} "
      f"delivered {secs:.2f} s after the first ingest: {len(want) / secs:.0f} selected events/s per trail, "
      f"{trails * len(want) / secs:.0f} delivered events/s in all ({total / secs:.0f} ingested events/s), "
      f"{files} files, {gz / 1e6:.1f} MB gzip out ({gz / 1e6 / secs:.1f} MB/s)")
sys.exit(1 if missing else 0)
PY
