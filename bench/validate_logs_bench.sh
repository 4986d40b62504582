#!/usr/bin/env bash
# `opentrail validate-logs` vs the unmodified AWS CLI v1 `aws cloudtrail validate-logs`, side by
# side over the same trail of FILES log files (default 2,000) served by one local server, plus the
# machine's SHA-256 + gunzip limit on the same files (every core, zlib + OpenSSL, from memory).
#
#   bench/validate_logs_bench.sh WORKDIR [FILES] [RUNS] [EVENTS_PER_FILE]
#
# The first run builds the trail in WORKDIR (a server delivering every 100 ms with 2 s digests
# while management events are ingested at that pace: about FILES/8 s); later runs with the same
# WORKDIR reuse it. Each of RUNS rounds times both validators (alternating which goes first),
# checks that their stdout, stderr and exit status are identical, and prints the medians.
# Environment: OPENTRAIL_BIN (default build/opentrail), AWS_V1 (default /root/.pyenv/shims/aws),
# THREADS (the server's --threads while measuring; default 2, its default), CONCURRENCY (ours).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: bench/validate_logs_bench.sh WORKDIR [FILES] [RUNS] [EVENTS_PER_FILE]}
FILES=${2:-2000}
RUNS=${3:-3}
PER_FILE=${4:-40}
BIN=${OPENTRAIL_BIN:-build/opentrail}
AWS_V1=${AWS_V1:-/root/.pyenv/shims/aws}
PY=/usr/bin/python3
[ -x "$AWS_V1" ] || { echo "AWS CLI v1 not found at $AWS_V1 (set AWS_V1)" >&2; exit 1; }
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

SERVER=
start_server() {
  rm -f "$WORK/port"
  "$BIN" serve --data-dir "$WORK/data" --listen 127.0.0.1:0 --port-file "$WORK/port" \
    --no-access-log "$@" >>"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 300); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  EP=http://127.0.0.1:$(cat "$WORK/port")
  for _ in $(seq 100); do curl -sf "$EP/health" >/dev/null && break; sleep 0.1; done
}
stop_server() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=
}
trap stop_server EXIT
export AWS_SHARED_CREDENTIALS_FILE=$WORK/data/credentials AWS_CONFIG_FILE=$WORK/no-config \
  AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=

if [ "$(cat "$WORK/ready" 2>/dev/null)" != "$FILES $PER_FILE" ]; then
  rm -rf "$WORK/data" "$WORK/ready" "$WORK/server.log"
  # Management events of one account and region; the server takes that account as its own.
  $PY tools/gen_cloudtrail.py --events $((FILES * PER_FILE * 2)) --seed 6 --accounts 1 \
    --regions 1 --format jsonl --out "$WORK/events.jsonl" --quiet
  ACCOUNT=$(head -c 4096 "$WORK/events.jsonl" | $PY -c \
    'import json,sys; print(json.loads(sys.stdin.readline())["recipientAccountId"])')
  start_server --account-id "$ACCOUNT" --delivery-interval 100ms --digest-interval 2s
  date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ >"$WORK/start"
  aws() { /usr/bin/aws "$@" --endpoint-url "$EP" --output json; }
  aws s3api create-bucket --bucket bench-logs >/dev/null
  aws cloudtrail create-trail --name bench --s3-bucket-name bench-logs \
    --enable-log-file-validation --query TrailARN | tr -d '"' >"$WORK/arn"
  aws cloudtrail start-logging --name bench
  # One batch per delivery pass, so about one log file each, until FILES are delivered.
  $PY - "$EP" "$WORK" "$FILES" "$PER_FILE" "$ACCOUNT" <<'PY'
import configparser, json, pathlib, sys, time, urllib.request
import botocore.auth, botocore.awsrequest, botocore.credentials
ep, work, files, per_file, account = sys.argv[1], pathlib.Path(sys.argv[2]), *map(int, sys.argv[3:5]), sys.argv[5]
cp = configparser.ConfigParser()
cp.read(work / "data" / "credentials")
creds = botocore.credentials.Credentials(cp["default"]["aws_access_key_id"],
                                         cp["default"]["aws_secret_access_key"])
records = [r for r in map(json.loads, open(work / "events.jsonl"))
           if r["eventCategory"] == "Management"]
logs = work / "data" / "buckets" / "bench-logs" / "AWSLogs" / account / "CloudTrail" / "us-east-1"
at, delivered, t0 = 0, 0, time.time()
while delivered < files:
    batch = [records[(at + i) % len(records)] for i in range(per_file)]
    at += per_file
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=ep + "/", data=json.dumps({"Records": batch}).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": "OpenTrail_20261101.IngestEvents"})
    botocore.auth.SigV4Auth(creds, "cloudtrail", "us-east-1").add_auth(req)
    p = req.prepare()
    urllib.request.urlopen(urllib.request.Request(p.url, data=p.body, headers=dict(p.headers),
                                                  method="POST")).read()
    time.sleep(0.1)
    delivered = sum(1 for _ in logs.rglob("*.json.gz")) if at % (per_file * 50) == 0 else delivered
print(f"ingested {at} events in {time.time() - t0:.0f} s", file=sys.stderr)
PY
  aws cloudtrail stop-logging --name bench
  sleep 5  # the last log files, then the final digest
  stop_server
  echo "$FILES $PER_FILE" >"$WORK/ready"
fi

start_server --threads "${THREADS:-2}"
ARN=$(cat "$WORK/arn")
START=$(cat "$WORK/start")
END=$(date -u -d '+1 min' +%Y-%m-%dT%H:%M:%SZ)
$PY - "$WORK" "$EP" "$BIN" "$AWS_V1" "$ARN" "$START" "$END" "$RUNS" <<'PY'
import gzip, hashlib, multiprocessing, os, pathlib, statistics, subprocess, sys, time, zlib
work, ep, binary, aws_v1, arn, start, end, runs = sys.argv[1:8] + [int(sys.argv[8])]
env = dict(os.environ, AWS_ENDPOINT_URL_S3=ep)
args = ["validate-logs", "--trail-arn", arn, "--start-time", start, "--end-time", end, "--verbose"]
concurrency = ["--concurrency", os.environ["CONCURRENCY"]] if os.environ.get("CONCURRENCY") else []
commands = {"opentrail": [binary, *args, "--endpoint-url", ep, *concurrency],
            "aws-cli-v1": [aws_v1, "cloudtrail", *args, "--endpoint-url", ep]}
times = {name: [] for name in commands}
reference = None
for run in range(runs):
    order = list(commands) if run % 2 == 0 else list(commands)[::-1]
    for name in order:
        t = time.perf_counter()
        p = subprocess.run(commands[name], env=env, capture_output=True, text=True)
        times[name].append(time.perf_counter() - t)
        result = (p.returncode, p.stdout, p.stderr)
        if p.returncode != 0:
            sys.exit(f"{name} failed ({p.returncode}):\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
        if reference is None:
            reference = result
        elif result != reference:
            sys.exit(f"{name}'s report differs from the first one")
summary = reference[1].strip().splitlines()
logs = [l for l in summary if l.endswith("log files valid")]
digests = [l for l in summary if l.endswith("digest files valid")]

# The limit: inflate + SHA-256 of every log file, from memory, on every core.
root = pathlib.Path(work) / "data" / "buckets" / "bench-logs"
paths = sorted(str(p) for p in root.rglob("*.json.gz") if "/CloudTrail/" in str(p))
blobs = [open(p, "rb").read() for p in paths]
def work_on(i):
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    data = d.decompress(blobs[i])
    hashlib.sha256(data).hexdigest()
    return len(data)
limit = []
with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
    for _ in range(runs):
        t = time.perf_counter()
        inflated = sum(pool.map(work_on, range(len(blobs)), chunksize=16))
        limit.append(time.perf_counter() - t)
ours, theirs, floor = (statistics.median(times["opentrail"]), statistics.median(times["aws-cli-v1"]),
                       statistics.median(limit))
gz = sum(map(len, blobs))
print(f"{len(paths)} log files ({gz / 1e6:.1f} MB gzip, {inflated / 1e6:.1f} MB JSON); "
      f"report: {digests[0] if digests else '?'}, {logs[0] if logs else '?'}")
print(f"opentrail validate-logs:  median {ours:.2f} s  runs {' '.join(f'{t:.2f}' for t in times['opentrail'])}")
print(f"aws cloudtrail (CLI v1):  median {theirs:.2f} s  runs {' '.join(f'{t:.2f}' for t in times['aws-cli-v1'])}")
print(f"ratio: opentrail {theirs / ours:.1f}x faster; identical stdout, stderr and exit status")
print(f"SHA-256 + gunzip limit ({os.cpu_count()} cores, from memory): median {floor:.2f} s "
      f"({inflated / 1e6 / floor:.0f} MB/s); opentrail reaches {floor / ours:.0%} of it")
PY
