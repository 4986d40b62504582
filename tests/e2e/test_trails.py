"""The trail API and event selectors end to end, with AWS CLI v2 and boto3 (api.md §3, §4, §7)."""
import json
import uuid

import botocore.exceptions
import pytest


def uniq(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


BUCKETS = ["ot-e2e-logs", "org-trail-logs"]


@pytest.fixture(scope="module", autouse=True)
def buckets(server):
    """The trails' buckets: CreateTrail checks that the bucket exists."""
    for b in BUCKETS:
        server.aws("s3api", "create-bucket", "--bucket", b, check=False)


@pytest.fixture
def trails(server):
    """Creates trails on the shared server and deletes them afterwards (5 per region!)."""
    made = []

    def create(name=None, region="us-east-1", **kw):
        name = name or uniq()
        kw.setdefault("S3BucketName", "ot-e2e-logs")
        out = server.client(region=region).create_trail(Name=name, **kw)
        made.append((out["TrailARN"], region))
        return out

    yield create
    for arn, region in made:
        try:
            server.client(region=region).delete_trail(Name=arn)
        except botocore.exceptions.ClientError:
            pass


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def cli_error(server, *args, region="us-east-1"):
    p = server.aws(*args, region=region, check=False)
    assert p.returncode != 0
    return p.stderr


def test_create_get_describe_list_delete_with_cli(server):
    name = uniq("cli")
    out = server.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name",
                     "org-trail-logs", "--is-multi-region-trail", "--enable-log-file-validation",
                     "--s3-key-prefix", "pre/fix")
    account = server.aws("sts", "get-caller-identity")["Account"]
    arn = f"arn:aws:cloudtrail:us-east-1:{account}:trail/{name}"
    assert out == {"Name": name, "S3BucketName": "org-trail-logs", "S3KeyPrefix": "pre/fix",
                   "IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": True,
                   "TrailARN": arn, "LogFileValidationEnabled": True,
                   "IsOrganizationTrail": False}
    try:
        got = server.aws("cloudtrail", "get-trail", "--name", name)["Trail"]
        assert got["HomeRegion"] == "us-east-1"
        assert got["HasCustomEventSelectors"] is False and got["HasInsightSelectors"] is False
        described = server.aws("cloudtrail", "describe-trails", "--trail-name-list", name)
        assert [t["TrailARN"] for t in described["trailList"]] == [arn]
        listed = server.aws("cloudtrail", "list-trails")["Trails"]
        assert {"TrailARN": arn, "Name": name, "HomeRegion": "us-east-1"} in listed
        status = server.aws("cloudtrail", "get-trail-status", "--name", name)
        assert status == {"IsLogging": False}
        # A shadow trail: reachable from another region by ARN only.
        shadow = server.aws("cloudtrail", "get-trail", "--name", arn, region="eu-west-1")
        assert shadow["Trail"]["HomeRegion"] == "us-east-1"
        assert "TrailNotFoundException" in cli_error(server, "cloudtrail", "get-trail", "--name",
                                                     name, region="eu-west-1")
        all_eu = server.aws("cloudtrail", "describe-trails", region="eu-west-1")["trailList"]
        assert arn in [t["TrailARN"] for t in all_eu]
        no_shadow = server.aws("cloudtrail", "describe-trails", "--no-include-shadow-trails",
                               region="eu-west-1")["trailList"]
        assert arn not in [t["TrailARN"] for t in no_shadow]
        assert "InvalidHomeRegionException" in cli_error(
            server, "cloudtrail", "start-logging", "--name", arn, region="eu-west-1")
        assert "InvalidHomeRegionException" in cli_error(
            server, "cloudtrail", "delete-trail", "--name", arn, region="eu-west-1")
    finally:
        server.aws("cloudtrail", "delete-trail", "--name", name)
    assert "TrailNotFoundException" in cli_error(server, "cloudtrail", "get-trail", "--name", name)


def test_update_trail_changes_only_supplied_fields(server, trails):
    name = uniq()
    # The trail's KMS key must exist (KmsKeyNotFoundException): a key under a fresh alias.
    kms = server.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    alias = "alias/" + uniq("logs")
    kms.create_alias(AliasName=alias, TargetKeyId=key_arn)
    trails(name, S3KeyPrefix="a", SnsTopicName="topic1", KmsKeyId=alias)
    ct = server.client()
    out = ct.update_trail(Name=name, S3KeyPrefix="b", EnableLogFileValidation=True)
    assert out["S3KeyPrefix"] == "b" and out["LogFileValidationEnabled"] is True
    assert out["SnsTopicName"] == "topic1" and out["SnsTopicARN"].endswith(":topic1")
    assert out["KmsKeyId"] == key_arn  # reported as the key's ARN, the alias resolved
    got = ct.get_trail(Name=name)["Trail"]
    assert got["S3KeyPrefix"] == "b" and got["S3BucketName"] == "ot-e2e-logs"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.update_trail(Name=name, IsMultiRegionTrail=True, IncludeGlobalServiceEvents=False)
    assert error_code(e) == "InvalidParameterCombinationException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.update_trail(Name=uniq("missing"))
    assert error_code(e) == "TrailNotFoundException"


@pytest.mark.parametrize("kw,code", [
    ({"Name": "ab"}, "InvalidTrailNameException"),
    ({"Name": "my--trail"}, "InvalidTrailNameException"),
    ({"Name": "my-_trail"}, "InvalidTrailNameException"),
    ({"Name": "-trail"}, "InvalidTrailNameException"),
    ({"Name": "192.168.1.1"}, "InvalidTrailNameException"),
    ({"Name": "bad name"}, "InvalidTrailNameException"),
    ({"S3BucketName": "Bad_Bucket"}, "InvalidS3BucketNameException"),
    ({"S3BucketName": "10.0.0.1"}, "InvalidS3BucketNameException"),
    ({"S3KeyPrefix": "p" * 201}, "InvalidS3PrefixException"),
    ({"S3BucketName": "no-such-bucket-here"}, "S3BucketDoesNotExistException"),
    ({"SnsTopicName": "bad topic"}, "InvalidSnsTopicNameException"),
    ({"KmsKeyId": "not-a-key"}, "InvalidKmsKeyIdException"),
    ({"IsMultiRegionTrail": True, "IncludeGlobalServiceEvents": False},
     "InvalidParameterCombinationException"),
    ({"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:g:*"},
     "InvalidParameterCombinationException"),
    ({"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:g",
      "CloudWatchLogsRoleArn": "arn:aws:iam::111122223333:role/r"},
     "InvalidCloudWatchLogsLogGroupArnException"),
    ({"TagsList": [{"Key": "k"}, {"Key": "k"}]}, "InvalidTagParameterException"),
])
def test_create_trail_validation(server, kw, code):
    args = {"Name": uniq("bad"), "S3BucketName": "ot-e2e-logs", **kw}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        server.client().create_trail(**args)
    assert error_code(e) == code


def test_trail_already_exists_and_arn_errors(server, trails):
    name = uniq()
    trails(name)
    ct = server.client()
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.create_trail(Name=name, S3BucketName="ot-e2e-logs")
    assert error_code(e) == "TrailAlreadyExistsException"
    for bad in ["arn:aws:s3:::bucket", "arn:aws:cloudtrail:us-east-1:12345:trail/x1y",
                "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/abc"]:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            ct.get_trail(Name=bad)
        assert error_code(e) == "CloudTrailARNInvalidException", bad
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.get_trail_status(Name="arn:aws:cloudtrail:us-east-1:111122223333:trail/nope-nope")
    assert error_code(e) == "TrailNotFoundException"
    # A same-named trail in another region is a different trail.
    trails(name, region="eu-west-2")


def test_logging_status_and_recording(server, trails):
    name = uniq()
    arn = trails(name)["TrailARN"]
    ct = server.client()
    ct.start_logging(Name=name)
    ct.start_logging(Name=arn)  # idempotent
    status = ct.get_trail_status(Name=name)
    assert status["IsLogging"] is True and "StartLoggingTime" in status
    assert "LatestDeliveryTime" not in status
    ct.stop_logging(Name=name)
    status = ct.get_trail_status(Name=arn)
    assert status["IsLogging"] is False and status["StopLoggingTime"] >= status["StartLoggingTime"]
    ct.put_event_selectors(TrailName=name, EventSelectors=[{"ReadWriteType": "WriteOnly"}])
    for event_name in ["CreateTrail", "StopLogging", "PutEventSelectors"]:
        events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName",
                                                      "AttributeValue": arn}])["Events"]
        mine = [e for e in events if e["EventName"] == event_name]
        assert mine, event_name
        record = json.loads(mine[0]["CloudTrailEvent"])
        assert record["resources"] == [{"accountId": arn.split(":")[4],
                                        "type": "AWS::CloudTrail::Trail", "ARN": arn}]
        assert record["readOnly"] is False
        if event_name == "CreateTrail":
            assert record["responseElements"]["trailARN"] == arn
            assert record["requestParameters"]["name"] == name
        if event_name == "PutEventSelectors":
            assert record["responseElements"]["trailARN"] == arn
            assert record["responseElements"]["eventSelectors"][0]["readWriteType"] == "WriteOnly"
        if event_name == "StopLogging":
            assert record["responseElements"] is None


def test_event_selectors_basic_and_advanced(server, trails):
    name = uniq()
    arn = trails(name)["TrailARN"]
    ct = server.client()
    got = ct.get_event_selectors(TrailName=name)
    assert got["TrailARN"] == arn
    assert got["EventSelectors"] == [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                      "DataResources": [], "ExcludeManagementEventSources": []}]
    basic = [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True,
              "ExcludeManagementEventSources": ["kms.amazonaws.com"],
              "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::b/"]}]}]
    out = ct.put_event_selectors(TrailName=name, EventSelectors=basic)
    assert out["EventSelectors"] == basic and "AdvancedEventSelectors" not in out
    assert ct.get_trail(Name=name)["Trail"]["HasCustomEventSelectors"] is True
    advanced = [{"Name": "writes", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "Equals": ["false"]}]},
        {"Name": "s3", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::b/"]},
            {"Field": "eventName", "NotEquals": ["GetObject"], "EndsWith": ["Object"]}]}]
    aws_out = server.aws("cloudtrail", "put-event-selectors", "--trail-name", name,
                         "--advanced-event-selectors", json.dumps(advanced))
    assert aws_out["AdvancedEventSelectors"] == advanced and "EventSelectors" not in aws_out
    got = server.aws("cloudtrail", "get-event-selectors", "--trail-name", arn)
    assert got["AdvancedEventSelectors"] == advanced and "EventSelectors" not in got


@pytest.mark.parametrize("kw", [
    {},
    {"EventSelectors": [{}], "AdvancedEventSelectors": [
        {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]},
    {"EventSelectors": [{}] * 6},
    {"EventSelectors": [{"ReadWriteType": "Sometimes"}]},
    {"EventSelectors": [{"ExcludeManagementEventSources": ["ec2.amazonaws.com"]}]},
    {"EventSelectors": [{"DataResources": [{"Type": "AWS::EC2::Instance", "Values": ["x"]}]}]},
    {"EventSelectors": [{"DataResources": [{"Type": "AWS::S3::Object",
                                            "Values": [f"arn:aws:s3:::b{i}/" for i in range(251)]}]}]},
    {"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventName", "Equals": ["X"]}]}]},
    {"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]}]}]},
    {"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "readOnly", "StartsWith": ["t"]}]}]},
    {"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "eventSource", "Equals": [f"s{i}" for i in range(501)]}]}]},
    {"AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "eventSource", "Equals": ["x" * 2049]}]}]},
])
def test_put_event_selectors_invalid(server, trails, kw):
    name = uniq()
    trails(name)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        server.client().put_event_selectors(TrailName=name, **kw)
    assert error_code(e) == "InvalidEventSelectorsException"


def test_tags(server, trails):
    name = uniq()
    arn = trails(name, TagsList=[{"Key": "team", "Value": "sec"}])["TrailARN"]
    ct = server.client()
    ct.add_tags(ResourceId=arn, TagsList=[{"Key": "env", "Value": "prod"}, {"Key": "bare"}])
    ct.add_tags(ResourceId=arn, TagsList=[{"Key": "team", "Value": "ops"}])
    tags = ct.list_tags(ResourceIdList=[arn])["ResourceTagList"]
    assert tags == [{"ResourceId": arn, "TagsList": [
        {"Key": "team", "Value": "ops"}, {"Key": "env", "Value": "prod"}, {"Key": "bare"}]}]
    server.aws("cloudtrail", "remove-tags", "--resource-id", arn, "--tags-list", "Key=env")
    out = server.aws("cloudtrail", "list-tags", "--resource-id-list", arn)
    assert [t["Key"] for t in out["ResourceTagList"][0]["TagsList"]] == ["team", "bare"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.add_tags(ResourceId=arn, TagsList=[{"Key": f"k{i}"} for i in range(49)])
    assert error_code(e) == "TagsLimitExceededException"
    missing = arn.rsplit("/", 1)[0] + "/" + uniq("gone")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.add_tags(ResourceId=missing, TagsList=[{"Key": "a"}])
    assert error_code(e) == "ResourceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.list_tags(ResourceIdList=[missing])
    assert error_code(e) == "ResourceNotFoundException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.add_tags(ResourceId="not-an-arn", TagsList=[{"Key": "a"}])
    assert error_code(e) == "CloudTrailARNInvalidException"


def test_limits_pagination_and_restart(fresh_server):
    srv = fresh_server.start()
    srv.aws("s3api", "create-bucket", "--bucket", "ot-e2e-logs")
    ct = srv.client()
    names = [f"trail-{i}" for i in range(4)]
    for n in names:
        ct.create_trail(Name=n, S3BucketName="ot-e2e-logs")
    multi = ct.create_trail(Name="multi-1", S3BucketName="ot-e2e-logs", IsMultiRegionTrail=True)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.create_trail(Name="trail-5", S3BucketName="ot-e2e-logs")
    assert error_code(e) == "MaximumNumberOfTrailsExceededException"
    # The multi-region trail counts in eu-west-1 too: four more fit there, not five.
    eu = srv.client(region="eu-west-1")
    for i in range(4):
        eu.create_trail(Name=f"eu-{i}", S3BucketName="ot-e2e-logs")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        eu.create_trail(Name="eu-4", S3BucketName="ot-e2e-logs")
    assert error_code(e) == "MaximumNumberOfTrailsExceededException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        eu.start_logging(Name=multi["TrailARN"])
    assert error_code(e) == "InvalidHomeRegionException"

    pages = list(ct.get_paginator("list_trails").paginate())
    assert len(pages) > 1
    listed = [t["Name"] for p in pages for t in p["Trails"]]
    assert sorted(listed) == sorted(names + ["multi-1"])
    cli_listed = srv.aws("cloudtrail", "list-trails", region="eu-west-1")["Trails"]
    assert sorted(t["Name"] for t in cli_listed) == sorted([f"eu-{i}" for i in range(4)] +
                                                          ["multi-1"])

    ct.start_logging(Name="trail-0")
    ct.put_event_selectors(TrailName="trail-1", AdvancedEventSelectors=[{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]}]}])
    ct.add_tags(ResourceId=multi["TrailARN"], TagsList=[{"Key": "k", "Value": "v"}])
    before = ct.describe_trails()["trailList"]
    srv.stop()
    srv.start()
    ct = srv.client()
    assert ct.describe_trails()["trailList"] == before
    assert ct.get_trail_status(Name="trail-0")["IsLogging"] is True
    assert "AdvancedEventSelectors" in ct.get_event_selectors(TrailName="trail-1")
    assert ct.list_tags(ResourceIdList=[multi["TrailARN"]])["ResourceTagList"][0]["TagsList"] == [
        {"Key": "k", "Value": "v"}]
    ct.delete_trail(Name="trail-2")
    ct.create_trail(Name="trail-5", S3BucketName="ot-e2e-logs")
