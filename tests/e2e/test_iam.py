"""IAM users, groups, keys, policies, MFA and STS sessions end to end (iam.md, protocols.md §4),
driven by the AWS CLI and boto3 against one server of this module: who may call which CloudTrail
action, and what the calls' records keep."""
import base64
import hashlib
import hmac
import json
import struct
import subprocess
import time
import uuid
from xml.etree import ElementTree

import boto3
import botocore.config
import botocore.exceptions
import pytest

from conftest import AWS, Server, signed_request

FULL = "arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess"
READ_ONLY = "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"
BUCKET = "ot-iam-e2e-logs"

# docs/policies/require-mfa-for-destructive-trail-actions.json, inlined: deny the destructive
# trail actions to any request not authenticated with MFA (long-term keys carry no MFA key, so
# BoolIfExists catches them too).
REQUIRE_MFA = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "DenyDestructiveTrailActionsWithoutMFA",
        "Effect": "Deny",
        "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }],
}


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    """A server of its own: IAM state is account-wide and these tests change it a lot."""
    s = Server(tmp_path_factory.mktemp("iam") / "data").start()
    s.aws("s3api", "create-bucket", "--bucket", BUCKET)
    admin = s.client("iam")
    for group, policy in (("trail-admins", FULL), ("auditors", READ_ONLY)):
        admin.create_group(GroupName=group)
        admin.attach_group_policy(GroupName=group, PolicyArn=policy)
    s.client().create_trail(Name="main", S3BucketName=BUCKET)
    yield s
    s.stop()


def client_as(srv, creds, service="cloudtrail"):
    return boto3.client(
        service, endpoint_url=srv.endpoint, region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
        config=botocore.config.Config(retries={"max_attempts": 1}))


def new_user(srv, prefix, groups=(), inline=None):
    """Creates a user in `groups` (with an optional inline policy) and an access key for it."""
    iam = srv.client("iam")
    name = uniq(prefix)
    iam.create_user(UserName=name)
    for g in groups:
        iam.add_user_to_group(GroupName=g, UserName=name)
    if inline:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=json.dumps(inline))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return name, key


def cli_as(srv, tmp_path, creds, *args, check=True):
    """The AWS CLI with `creds` in a credentials file of its own (profile "user")."""
    path = tmp_path / f"creds-{uuid.uuid4().hex[:6]}"
    lines = ["[user]", f"aws_access_key_id = {creds['AccessKeyId']}",
             f"aws_secret_access_key = {creds['SecretAccessKey']}"]
    if creds.get("SessionToken"):
        lines.append(f"aws_session_token = {creds['SessionToken']}")
    path.write_text("\n".join(lines) + "\n")
    env = srv.env()
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(path)
    p = subprocess.run([AWS, *args, "--profile", "user", "--endpoint-url", srv.endpoint,
                        "--output", "json"], env=env, capture_output=True, text=True, timeout=120)
    if not check:
        return p
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else {}


def records(srv, event_name):
    events = srv.client().lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": event_name}])["Events"]
    return [json.loads(e["CloudTrailEvent"]) for e in events]


# --- the flow ---------------------------------------------------------------------------

def test_auditor_reads_but_cannot_stop_or_delete_and_the_denial_is_recorded(srv, tmp_path):
    user = uniq("auditor-1")
    srv.aws("iam", "create-user", "--user-name", user)
    srv.aws("iam", "add-user-to-group", "--group-name", "auditors", "--user-name", user)
    creds = srv.aws("iam", "create-access-key", "--user-name", user)["AccessKey"]
    assert creds["AccessKeyId"].startswith("AKIA") and len(creds["SecretAccessKey"]) == 40

    assert "Events" in cli_as(srv, tmp_path, creds, "cloudtrail", "lookup-events",
                              "--max-items", "1")
    names = [t["Name"] for t in cli_as(srv, tmp_path, creds, "cloudtrail",
                                       "describe-trails")["trailList"]]
    assert "main" in names
    for args in (("stop-logging", "--name", "main"), ("delete-trail", "--name", "main")):
        p = cli_as(srv, tmp_path, creds, "cloudtrail", *args, check=False)
        assert p.returncode != 0
        assert "AccessDenied" in p.stderr, p.stderr
        assert f"user/{user} is not authorized to perform: cloudtrail:" in p.stderr

    denied = [r for r in records(srv, "StopLogging")
              if r["userIdentity"].get("userName") == user]
    assert denied, "the denied StopLogging must be recorded"
    assert denied[0]["errorCode"].startswith("AccessDenied")
    assert denied[0]["userIdentity"]["accessKeyId"] == creds["AccessKeyId"]
    assert srv.client().get_trail_status(Name="main")  # the trail is still there


# Every CloudTrail action the server has, in an order that works for a user allowed everything:
# (name, allowed by the read-only policy, call(client, trail name, trail ARN)). The read-only
# policy allows exactly Get*, Describe*, List* and LookupEvents (iam.md §5).
ACTIONS = [
    ("CreateTrail", False, lambda c, t, a: c.create_trail(Name=t, S3BucketName=BUCKET)),
    ("UpdateTrail", False, lambda c, t, a: c.update_trail(Name=t, S3KeyPrefix="p")),
    ("GetTrail", True, lambda c, t, a: c.get_trail(Name=t)),
    ("DescribeTrails", True, lambda c, t, a: c.describe_trails(trailNameList=[t])),
    ("ListTrails", True, lambda c, t, a: c.list_trails()),
    ("GetTrailStatus", True, lambda c, t, a: c.get_trail_status(Name=t)),
    ("StartLogging", False, lambda c, t, a: c.start_logging(Name=t)),
    ("StopLogging", False, lambda c, t, a: c.stop_logging(Name=t)),
    ("AddTags", False, lambda c, t, a: c.add_tags(ResourceId=a,
                                                  TagsList=[{"Key": "k", "Value": "v"}])),
    ("ListTags", True, lambda c, t, a: c.list_tags(ResourceIdList=[a])),
    ("RemoveTags", False, lambda c, t, a: c.remove_tags(ResourceId=a, TagsList=[{"Key": "k"}])),
    ("PutEventSelectors", False, lambda c, t, a: c.put_event_selectors(
        TrailName=t, EventSelectors=[{"ReadWriteType": "All"}])),
    ("GetEventSelectors", True, lambda c, t, a: c.get_event_selectors(TrailName=t)),
    ("LookupEvents", True, lambda c, t, a: c.lookup_events(MaxResults=1)),
    ("DeleteTrail", False, lambda c, t, a: c.delete_trail(Name=t)),
]


@pytest.mark.parametrize("policy_group,read_only", [("trail-admins", False), ("auditors", True)])
def test_managed_policies_allow_exactly_their_actions(srv, policy_group, read_only):
    account = srv.client("sts").get_caller_identity()["Account"]
    _, key = new_user(srv, "table", groups=[policy_group])
    client = client_as(srv, key)
    trail = uniq("tbl")
    arn = f"arn:aws:cloudtrail:us-east-1:{account}:trail/{trail}"
    if read_only:  # reads need a trail to read; the admin makes it
        srv.client().create_trail(Name=trail, S3BucketName=BUCKET)
    outcomes = {}
    for name, is_read, call in ACTIONS:
        try:
            call(client, trail, arn)
            outcomes[name] = "allowed"
        except botocore.exceptions.ClientError as e:
            code = e.response["Error"]["Code"]
            outcomes[name] = "denied" if code.startswith("AccessDenied") else "allowed:" + code
    expected = {name: "denied" if read_only and not is_read else "allowed"
                for name, is_read, _ in ACTIONS}
    assert outcomes == expected
    if read_only:
        srv.client().delete_trail(Name=trail)


def test_group_membership_changes_take_effect_on_the_next_request(srv):
    name, key = new_user(srv, "mover")
    client = client_as(srv, key)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.describe_trails()
    assert code_of(e).startswith("AccessDenied")

    srv.client("iam").add_user_to_group(GroupName="auditors", UserName=name)
    assert "trailList" in client.describe_trails()

    srv.client("iam").remove_user_from_group(GroupName="auditors", UserName=name)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.describe_trails()
    assert code_of(e).startswith("AccessDenied")


def test_inactive_and_deleted_keys_are_refused(srv):
    name, key = new_user(srv, "keys", groups=["auditors"])
    iam = srv.client("iam")
    client = client_as(srv, key, "sts")
    assert client.get_caller_identity()["Arn"].endswith(f":user/{name}")

    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(key["AccessKeyId"], "Inactive")]
    assert "SecretAccessKey" not in listed[0]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.get_caller_identity()
    assert code_of(e) == "InvalidClientTokenId"

    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Active")
    assert client.get_caller_identity()["Arn"].endswith(f":user/{name}")

    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.get_caller_identity()
    assert code_of(e) == "InvalidClientTokenId"


def test_explicit_deny_beats_allow(srv):
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "cloudtrail:DescribeTrails", "Resource": "*"}]}
    _, key = new_user(srv, "denied", groups=["trail-admins"], inline=deny)
    client = client_as(srv, key)
    assert "Trails" in client.list_trails()
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.describe_trails()
    assert code_of(e).startswith("AccessDenied")
    assert "explicit deny" in e.value.response["Error"]["Message"]


@pytest.mark.parametrize("condition,allowed", [
    ({"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}, True),
    ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False),
    ({"DateGreaterThan": {"aws:CurrentTime": "2001-01-01T00:00:00Z"}}, True),
    ({"DateGreaterThan": {"aws:CurrentTime": "2099-01-01T00:00:00Z"}}, False),
])
def test_conditions_decide(srv, condition, allowed):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "cloudtrail:DescribeTrails", "Resource": "*",
         "Condition": condition}]}
    _, key = new_user(srv, "cond", inline=policy)
    client = client_as(srv, key)
    if allowed:
        assert "trailList" in client.describe_trails()
    else:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            client.describe_trails()
        assert code_of(e).startswith("AccessDenied")


# --- MFA and sessions ---------------------------------------------------------------------------

def totp(seed, step):
    """RFC 6238 with SHA-1, 30 s steps, 6 digits."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def current_step():
    """The current 30 s step, not within 3 s of its end (so two calls agree on it)."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.2)
    return int(time.time()) // 30


def test_mfa_session_may_stop_logging_where_the_long_term_key_may_not(srv, tmp_path):
    name, key = new_user(srv, "mfa-user", groups=["trail-admins"], inline=REQUIRE_MFA)
    device = uniq("phone")
    seed_file = tmp_path / "seed.txt"
    out = srv.aws("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", device,
                  "--outfile", str(seed_file), "--bootstrap-method", "Base32StringSeed")
    serial = out["VirtualMFADevice"]["SerialNumber"]
    assert serial.endswith(f":mfa/{device}")
    assert "Base32StringSeed" not in out["VirtualMFADevice"]  # the CLI moved it to the file
    seed = seed_file.read_text().strip()
    assert len(seed) == 64 and set(seed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    step = current_step()
    srv.aws("iam", "enable-mfa-device", "--user-name", name, "--serial-number", serial,
            "--authentication-code1", totp(seed, step - 1),
            "--authentication-code2", totp(seed, step))
    devices = srv.aws("iam", "list-mfa-devices", "--user-name", name)["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]

    trail = uniq("mfa")
    srv.client().create_trail(Name=trail, S3BucketName=BUCKET)
    srv.client().start_logging(Name=trail)
    long_term = client_as(srv, key)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        long_term.stop_logging(Name=trail)
    assert code_of(e).startswith("AccessDenied")
    assert "explicit deny" in e.value.response["Error"]["Message"]

    # The next step's code is still fresh (the window accepts one step ahead).
    code = totp(seed, step + 1)
    session = cli_as(srv, tmp_path, key, "sts", "get-session-token", "--serial-number", serial,
                     "--token-code", code, "--duration-seconds", "900")["Credentials"]
    assert session["AccessKeyId"].startswith("ASIA")
    reused = cli_as(srv, tmp_path, key, "sts", "get-session-token", "--serial-number", serial,
                    "--token-code", code, check=False)
    assert reused.returncode != 0 and "AccessDenied" in reused.stderr, reused.stderr

    with_mfa = client_as(srv, session)
    assert client_as(srv, session, "sts").get_caller_identity()["Arn"].endswith(f":user/{name}")
    with_mfa.stop_logging(Name=trail)
    assert srv.client().get_trail_status(Name=trail)["IsLogging"] is False

    stopped = [r for r in records(srv, "StopLogging")
               if r["userIdentity"].get("accessKeyId") == session["AccessKeyId"]]
    assert stopped and "errorCode" not in stopped[0]
    attrs = stopped[0]["userIdentity"].get("sessionContext", {}).get("attributes", {})
    assert attrs.get("mfaAuthenticated") == "true"


def test_wrong_mfa_codes_are_refused(srv, tmp_path):
    name, key = new_user(srv, "mfa-wrong")
    device = uniq("phone")
    out = srv.client("iam").create_virtual_mfa_device(VirtualMFADeviceName=device)
    serial = out["VirtualMFADevice"]["SerialNumber"]
    seed = out["VirtualMFADevice"]["Base32StringSeed"].decode()  # boto3 decodes the blob
    assert out["VirtualMFADevice"]["QRCodePNG"].startswith(b"\x89PNG")
    step = current_step()
    with pytest.raises(botocore.exceptions.ClientError) as e:  # not consecutive
        srv.client("iam").enable_mfa_device(
            UserName=name, SerialNumber=serial, AuthenticationCode1=totp(seed, step - 5),
            AuthenticationCode2=totp(seed, step))
    assert code_of(e) == "InvalidAuthenticationCode"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    srv.client("iam").enable_mfa_device(
        UserName=name, SerialNumber=serial, AuthenticationCode1=totp(seed, step - 1),
        AuthenticationCode2=totp(seed, step))
    valid = {totp(seed, s) for s in range(step - 3, step + 4)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client_as(srv, key, "sts").get_session_token(SerialNumber=serial, TokenCode=wrong)
    assert code_of(e) == "AccessDenied"


def test_session_expiration_is_now_plus_duration(srv):
    # GetSessionToken's minimum is 900 s and the server has no test clock, so expiry itself is
    # not waited for here (auth unit tests cover kExpiredToken); the issued instant is checked.
    name, key = new_user(srv, "session")
    sts = client_as(srv, key, "sts")
    before = time.time()
    creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
    expires = creds["Expiration"].timestamp()
    assert before + 900 - 2 <= expires <= time.time() + 900 + 2
    assert client_as(srv, creds, "sts").get_caller_identity()["Arn"].endswith("/" + name)
    # boto3 checks the minimum itself; the server's own check, with a hand-signed request:
    status, body, _ = signed_request(
        srv, None, "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=899",
        key=key["AccessKeyId"], secret=key["SecretAccessKey"], service="sts",
        content_type="application/x-www-form-urlencoded; charset=utf-8")
    error = ElementTree.fromstring(body["raw"]).find("{*}Error")
    assert status == 400 and error.findtext("{*}Code") == "ValidationError"
    assert "Value '899' at 'durationSeconds'" in error.findtext("{*}Message")
    with pytest.raises(botocore.exceptions.ClientError) as e:  # sessions cannot mint sessions
        client_as(srv, creds, "sts").get_session_token()
    assert code_of(e) == "AccessDenied"


# --- the rest of the IAM API --------------------------------------------------------------------

def test_simulate_principal_policy_with_cli(srv):
    name, _ = new_user(srv, "sim", groups=["auditors"], inline=REQUIRE_MFA)
    account = srv.client("sts").get_caller_identity()["Account"]
    arn = f"arn:aws:iam::{account}:user/{name}"
    trail = f"arn:aws:cloudtrail:us-east-1:{account}:trail/main"
    out = srv.aws("iam", "simulate-principal-policy", "--policy-source-arn", arn,
                  "--action-names", "cloudtrail:LookupEvents", "cloudtrail:StopLogging",
                  "cloudtrail:CreateTrail", "--resource-arns", trail)
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in out["EvaluationResults"]}
    assert decisions == {"cloudtrail:LookupEvents": "allowed",
                         "cloudtrail:StopLogging": "explicitDeny",
                         "cloudtrail:CreateTrail": "implicitDeny"}
    stop = next(r for r in out["EvaluationResults"]
                if r["EvalActionName"] == "cloudtrail:StopLogging")
    assert stop["MatchedStatements"][0]["SourcePolicyId"] == "inline"
    assert stop["MatchedStatements"][0]["SourcePolicyType"] == "user"
    allow = next(r for r in out["EvaluationResults"]
                 if r["EvalActionName"] == "cloudtrail:LookupEvents")
    assert allow["MatchedStatements"][0]["SourcePolicyId"] == READ_ONLY
    assert allow["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"

    with_mfa = srv.aws("iam", "simulate-principal-policy", "--policy-source-arn", arn,
                       "--action-names", "cloudtrail:StopLogging", "--context-entries",
                       "ContextKeyName=aws:MultiFactorAuthPresent,ContextKeyValues=true,"
                       "ContextKeyType=boolean")
    assert with_mfa["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"


def test_policy_documents_round_trip_through_url_encoding(srv):
    name, _ = new_user(srv, "doc")
    doc = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Allow+all trail ops 100%", "Effect": "Allow", "Action": "cloudtrail:Get*",
         "Resource": "*"}]}
    text = json.dumps(doc, indent=2)
    srv.aws("iam", "put-user-policy", "--user-name", name, "--policy-name", "p",
            "--policy-document", text)
    got = srv.aws("iam", "get-user-policy", "--user-name", name, "--policy-name", "p")
    assert got["PolicyDocument"] == doc
    assert srv.client("iam").get_user_policy(UserName=name, PolicyName="p")["PolicyDocument"] == doc
    assert srv.aws("iam", "list-user-policies", "--user-name", name)["PolicyNames"] == ["p"]

    created = srv.aws("iam", "create-policy", "--policy-name", uniq("pol"), "--policy-document",
                      text)["Policy"]
    assert created["DefaultVersionId"] == "v1" and created["AttachmentCount"] == 0
    version = srv.aws("iam", "get-policy-version", "--policy-arn", created["Arn"],
                      "--version-id", "v1")["PolicyVersion"]
    assert version["Document"] == doc and version["IsDefaultVersion"] is True
    srv.aws("iam", "attach-user-policy", "--user-name", name, "--policy-arn", created["Arn"])
    attached = srv.aws("iam", "list-attached-user-policies", "--user-name", name)
    assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [created["Arn"]]
    p = srv.aws("iam", "delete-policy", "--policy-arn", created["Arn"], check=False)
    assert p.returncode != 0 and "DeleteConflict" in p.stderr


def test_malformed_policy_documents_are_refused(srv):
    name, _ = new_user(srv, "bad")
    for bad in ('{"Version": "2012-10-17", "Statement": [', '{"Statement": [{"Effect": "Allow"}]}'):
        p = srv.aws("iam", "put-user-policy", "--user-name", name, "--policy-name", "p",
                    "--policy-document", bad, check=False)
        assert p.returncode != 0 and "MalformedPolicyDocument" in p.stderr, p.stderr
    with pytest.raises(botocore.exceptions.ClientError) as e:
        srv.client("iam").create_policy(PolicyName=uniq("bad"), PolicyDocument="not json")
    assert code_of(e) == "MalformedPolicyDocument"


def test_validation_and_not_found_errors(srv):
    p = srv.aws("iam", "create-user", "--user-name", "a b", check=False)
    assert p.returncode != 0
    assert ("ValidationError" in p.stderr and "Value 'a b' at 'userName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
            in p.stderr), p.stderr
    with pytest.raises(botocore.exceptions.ClientError) as e:
        srv.client("iam").get_user(UserName="carol-nobody")
    assert code_of(e) == "NoSuchEntity"
    assert e.value.response["Error"]["Message"] == \
        "The user with name carol-nobody cannot be found."
    with pytest.raises(srv.client("iam").exceptions.EntityAlreadyExistsException):
        srv.client("iam").create_group(GroupName="auditors")


def test_users_groups_and_paging(srv):
    iam = srv.client("iam")
    prefix = "/" + uniq("page") + "/"
    names = sorted(uniq("pg") for _ in range(3))
    for n in names:
        iam.create_user(UserName=n, Path=prefix, Tags=[{"Key": "team", "Value": "sec"}])
    got = iam.get_user(UserName=names[0])["User"]
    assert got["Arn"].endswith(f":user{prefix}{names[0]}") and got["UserId"].startswith("AIDA")
    assert got["Tags"] == [{"Key": "team", "Value": "sec"}]
    first = iam.list_users(PathPrefix=prefix, MaxItems=2)
    assert [u["UserName"] for u in first["Users"]] == names[:2] and first["IsTruncated"]
    rest = iam.list_users(PathPrefix=prefix, MaxItems=2, Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == names[2:] and not rest["IsTruncated"]
    paged = [u["UserName"] for page in iam.get_paginator("list_users").paginate(
        PathPrefix=prefix, PaginationConfig={"PageSize": 1}) for u in page["Users"]]
    assert paged == names

    iam.add_user_to_group(GroupName="auditors", UserName=names[0])
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=names[0])["Groups"]] == \
        ["auditors"]
    assert names[0] in [u["UserName"] for u in iam.get_group(GroupName="auditors")["Users"]]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        iam.delete_user(UserName=names[0])
    assert code_of(e) == "DeleteConflict"
    iam.remove_user_from_group(GroupName="auditors", UserName=names[0])
    iam.delete_user(UserName=names[0])
    assert srv.aws("iam", "list-policies", "--scope", "AWS", "--query",
                   "Policies[?PolicyName=='AWSCloudTrail_ReadOnlyAccess'].Arn") == [READ_ONLY]


def test_records_keep_no_secrets(srv, tmp_path):
    name, key = new_user(srv, "secrets")
    device = uniq("phone")
    out = srv.client("iam").create_virtual_mfa_device(VirtualMFADeviceName=device)
    serial = out["VirtualMFADevice"]["SerialNumber"]
    seed = out["VirtualMFADevice"]["Base32StringSeed"].decode()
    step = current_step()
    codes = [totp(seed, step - 1), totp(seed, step)]
    srv.client("iam").enable_mfa_device(UserName=name, SerialNumber=serial,
                                        AuthenticationCode1=codes[0],
                                        AuthenticationCode2=codes[1])
    token_code = totp(seed, step + 1)
    session = client_as(srv, key, "sts").get_session_token(
        SerialNumber=serial, TokenCode=token_code)["Credentials"]

    created = [r for r in records(srv, "CreateAccessKey")
               if r["requestParameters"] and r["requestParameters"].get("userName") == name]
    assert created and created[0]["eventSource"] == "iam.amazonaws.com"
    assert created[0]["responseElements"]["accessKey"]["accessKeyId"] == key["AccessKeyId"]
    enabled = [r for r in records(srv, "EnableMFADevice")
               if r["requestParameters"].get("userName") == name]
    assert enabled and enabled[0]["requestParameters"]["serialNumber"] == serial
    mfa_created = [r for r in records(srv, "CreateVirtualMFADevice")
                   if (r.get("responseElements") or {}).get("virtualMFADevice", {})
                   .get("serialNumber") == serial]
    assert mfa_created
    sessions = [r for r in records(srv, "GetSessionToken")
                if r["userIdentity"].get("userName") == name]
    assert sessions and sessions[0]["eventSource"] == "sts.amazonaws.com"
    assert sessions[0]["readOnly"] is True and sessions[0]["responseElements"] is None
    text = json.dumps(created + enabled + mfa_created + sessions)
    for secret in [key["SecretAccessKey"], session["SecretAccessKey"], session["SessionToken"],
                   seed]:
        assert secret not in text
    for code in [*codes, token_code]:  # six digits could occur inside an id: look for values
        assert f'"{code}"' not in text
    assert not any(k.lower().startswith(("authenticationcode", "tokencode"))
                   for r in enabled + sessions for k in (r["requestParameters"] or {}))
