#!/usr/bin/python3
"""Prints a wrk Lua script that replays SigV4-signed (service s3) GET requests in turn.

  wrk_s3_lua.py ENDPOINT PATH [PATH ...] > s3.lua
  wrk_s3_lua.py ENDPOINT --paths-file FILE > s3.lua     (one PATH a line)

Each PATH is a path-style S3 request path with its query, already URL-encoded, e.g.
/bucket/AWSLogs/x.json.gz or /bucket?list-type=2&continuation-token=...  Each wrk thread sends
them in turn, over and over. Credentials come from the environment as the AWS CLI finds them;
the signatures are valid for 15 minutes (SigV4's clock-skew window).
"""
import json
import sys

import botocore.auth
import botocore.awsrequest
import botocore.session

endpoint = sys.argv[1]
if sys.argv[2] == "--paths-file":
    with open(sys.argv[3]) as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
else:
    paths = sys.argv[2:]
creds = botocore.session.Session().get_credentials()
host = endpoint.split("://", 1)[1]
print("requests = {}")
for i, path in enumerate(paths, 1):
    req = botocore.awsrequest.AWSRequest(method="GET", url=endpoint + path)
    botocore.auth.S3SigV4Auth(creds, "s3", "us-east-1").add_auth(req)
    headers = {k: v for k, v in req.headers.items()}
    headers["Host"] = host
    lua_headers = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    print(f"requests[{i}] = wrk.format(\"GET\", {json.dumps(path)}, {{{lua_headers}}})")
print('''
local n = 0
request = function()
  n = n % #requests + 1
  return requests[n]
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, socket errors %d\\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write))
  for _, p in pairs({50, 90, 99}) do
    io.write(string.format("p%g %.2f ms\\n", p, latency:percentile(p) / 1000))
  end
end''')
