#!/usr/bin/python3
"""Prints a wrk Lua script that replays one SigV4-signed LookupEvents request.

  wrk_lookup_lua.py ENDPOINT [ATTRIBUTE_KEY ATTRIBUTE_VALUE] > lookup.lua

Credentials come from the environment as the AWS CLI finds them. The signature is valid for
15 minutes (SigV4's clock-skew window), long enough for a benchmark run.
"""
import json
import sys

import botocore.auth
import botocore.awsrequest
import botocore.session

endpoint = sys.argv[1]
key = sys.argv[2] if len(sys.argv) > 2 else "EventName"
value = sys.argv[3] if len(sys.argv) > 3 else "AssumeRole"
creds = botocore.session.Session().get_credentials()
body = json.dumps({"LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}],
                   "MaxResults": 50})
req = botocore.awsrequest.AWSRequest(method="POST", url=endpoint + "/", data=body, headers={
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"})
botocore.auth.SigV4Auth(creds, "cloudtrail", "us-east-1").add_auth(req)
print('wrk.method = "POST"')
print("wrk.body = " + json.dumps(body))
for k, v in req.headers.items():
    print(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}")
print("wrk.headers[\"Host\"] = " + json.dumps(endpoint.split("://", 1)[1]))
print('''
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, socket errors %d\\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g %.2f ms\\n", p, latency:percentile(p) / 1000))
  end
end''')
