"""Builds CloudTrail records for the end-to-end tests."""
import datetime
import uuid


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def record(when, name="DescribeInstances", source="ec2.amazonaws.com", user="alice",
           key="AKIAEXAMPLEKEY000001", region="us-east-1", read_only=True, resources=None,
           category="Management", event_id=None, account="111122223333"):
    r = {
        "eventVersion": "1.11",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "accountId": account,
                         "arn": f"arn:aws:iam::{account}:user/{user}", "accessKeyId": key,
                         "userName": user},
        "eventTime": iso(when),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "e2e-test",
        "requestParameters": None,
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "eventID": event_id or str(uuid.uuid4()),
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": category == "Management",
        "recipientAccountId": account,
        "eventCategory": category,
    }
    if resources is not None:
        r["resources"] = resources
    return r


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
