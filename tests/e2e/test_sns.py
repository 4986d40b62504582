"""SNS end to end (shared/spec/sns.md): topics and subscriptions with the AWS CLI v2 and boto3,
an http endpoint on 127.0.0.1 that confirms its subscription through SubscribeURL and receives
signed notifications, verified with the certificate from SigningCertURL (python cryptography)."""
import base64
import http.server
import subprocess
import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import botocore.exceptions
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from conftest import Server, AWS  # noqa: F401

REGION = "us-east-1"


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Hook:
    """A tiny HTTP endpoint: records every POST; the first `fail` POSTs of type Notification get
    a 500."""

    def __init__(self, fail=0, tls=None):
        self.received = []  # (headers dict, body text, status answered)
        self.fail = fail
        self.lock = threading.Lock()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with hook.lock:
                    status = 200
                    if (self.headers.get("x-amz-sns-message-type") == "Notification"
                            and hook.fail > 0):
                        hook.fail -= 1
                        status = 500
                    hook.received.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:  # (cert, key): serve HTTPS
            import ssl
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_port}/hook"

    def messages(self, kind=None):
        with self.lock:
            return [(h, json.loads(b) if h.get("x-amz-sns-rawdelivery") != "true" else b, s)
                    for h, b, s in self.received
                    if kind is None or h.get("x-amz-sns-message-type") == kind]

    def wait(self, kind, count=1, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.messages(kind)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"expected {count} {kind}, got {self.messages()}")

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("sns") / "data",
               extra_args=["--sns-retry-delay", "200ms"]).start()
    yield s
    s.stop()


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


def string_to_sign(msg):
    if msg["Type"] == "Notification":
        fields = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        fields = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{f}\n{msg[f]}\n" for f in fields if f in msg).encode()


def verify(srv, msg):
    """Verifies the message's signature with the certificate its SigningCertURL serves."""
    assert msg["SigningCertURL"].startswith(srv.endpoint + "/SimpleNotificationService-")
    assert msg["SigningCertURL"].endswith(".pem")
    with urllib.request.urlopen(msg["SigningCertURL"], timeout=10) as r:
        cert = x509.load_pem_x509_certificate(r.read())
    digest = {"1": hashes.SHA1(), "2": hashes.SHA256()}[msg["SignatureVersion"]]
    cert.public_key().verify(base64.b64decode(msg["Signature"]), string_to_sign(msg),
                             padding.PKCS1v15(), digest)


def sns_error(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Message"]


def subscribe_and_confirm(srv, sns, topic, hook):
    protocol = hook.url.split(":", 1)[0]
    arn = sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=hook.url)["SubscriptionArn"]
    assert arn == "pending confirmation"
    headers, msg, _ = hook.wait("SubscriptionConfirmation")[-1]
    with urllib.request.urlopen(msg["SubscribeURL"], timeout=10) as r:
        assert r.status == 200
        xml = r.read().decode()
    assert "<ConfirmSubscriptionResult>" in xml
    sub_arn = xml.split("<SubscriptionArn>")[1].split("</SubscriptionArn>")[0]
    assert sub_arn.startswith(topic + ":")
    return sub_arn, headers, msg


# --- topics -------------------------------------------------------------------------------------

def test_topics_with_the_cli(srv):
    name = uniq("alerts")
    arn = srv.aws("sns", "create-topic", "--name", name)["TopicArn"]
    account = srv.client("sts").get_caller_identity()["Account"]
    assert arn == f"arn:aws:sns:{REGION}:{account}:{name}"
    # Idempotent.
    assert srv.aws("sns", "create-topic", "--name", name)["TopicArn"] == arn
    assert {"TopicArn": arn} in srv.aws("sns", "list-topics")["Topics"]
    attrs = srv.aws("sns", "get-topic-attributes", "--topic-arn", arn)["Attributes"]
    assert attrs["Owner"] == account and attrs["TopicArn"] == arn
    assert attrs["DisplayName"] == "" and attrs["SubscriptionsPending"] == "0"
    assert json.loads(attrs["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"][
        "numRetries"] == 3
    policy = json.loads(attrs["Policy"])
    assert policy["Id"] == "__default_policy_ID"
    assert policy["Statement"][0]["Condition"] == {"StringEquals": {"AWS:SourceOwner": account}}
    assert "SNS:Publish" in policy["Statement"][0]["Action"]
    srv.aws("sns", "set-topic-attributes", "--topic-arn", arn, "--attribute-name", "DisplayName",
            "--attribute-value", "Alerts & <more>")
    attrs = srv.aws("sns", "get-topic-attributes", "--topic-arn", arn)["Attributes"]
    assert attrs["DisplayName"] == "Alerts & <more>"
    assert "SignatureVersion" not in attrs
    srv.aws("sns", "delete-topic", "--topic-arn", arn)
    p = srv.aws("sns", "delete-topic", "--topic-arn", arn, check=False)
    assert p.returncode != 0
    assert ("An error occurred (NotFound) when calling the DeleteTopic operation: "
            "Topic does not exist") in p.stderr
    assert {"TopicArn": arn} not in srv.aws("sns", "list-topics")["Topics"]


def test_list_topics_pages_and_create_with_attributes(srv):
    sns = srv.client("sns", region="eu-west-1")
    arns = [sns.create_topic(Name=uniq("page"), Attributes={"DisplayName": "P"},
                             Tags=[{"Key": "a", "Value": "b"}])["TopicArn"] for _ in range(3)]
    listed = [t["TopicArn"] for page in sns.get_paginator("list_topics").paginate()
              for t in page["Topics"]]
    assert set(arns) <= set(listed) and all(":eu-west-1:" in a for a in listed)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.create_topic(Name=arns[0].rsplit(":", 1)[1], Attributes={"DisplayName": "Q"})
    assert sns_error(e) == ("InvalidParameter", 400, "Invalid parameter: Attributes Reason: "
                            "Topic already exists with different attributes")


# --- subscription, confirmation, signed delivery -----------------------------------------------

def test_subscribe_confirm_publish_and_verify_signatures(srv, hook):
    sns = srv.client("sns")
    topic = sns.create_topic(Name=uniq("signed"))["TopicArn"]
    sub_arn, headers, confirm = subscribe_and_confirm(srv, sns, topic, hook)
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["x-amz-sns-message-id"] == confirm["MessageId"]
    assert headers["User-Agent"] == "Amazon Simple Notification Service Agent"
    assert headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert "x-amz-sns-subscription-arn" not in headers
    assert confirm["Message"] == (f"You have chosen to subscribe to the topic {topic}.\n"
                                  "To confirm the subscription, visit the SubscribeURL included "
                                  "in this message.")
    assert len(confirm["Token"]) >= 128 and confirm["SignatureVersion"] == "1"
    verify(srv, confirm)
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subs == [{"SubscriptionArn": sub_arn, "Owner": subs[0]["Owner"], "Protocol": "http",
                     "Endpoint": hook.url, "TopicArn": topic}]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub_arn)["Attributes"]
    assert attrs["PendingConfirmation"] == "false"
    assert attrs["ConfirmationWasAuthenticated"] == "false"

    message_id = sns.publish(
        TopicArn=topic, Message='line 1\nline 2 "quoted" café', Subject="ALARM: test",
        MessageAttributes={"k1": {"DataType": "String", "StringValue": "v1"},
                           "k2": {"DataType": "Binary", "BinaryValue": b"\x01\x02\x03"}})["MessageId"]
    headers, msg, _ = hook.wait("Notification")[-1]
    assert msg["MessageId"] == message_id == headers["x-amz-sns-message-id"]
    assert headers["x-amz-sns-subscription-arn"] == sub_arn
    assert msg["Message"] == 'line 1\nline 2 "quoted" café' and msg["Subject"] == "ALARM: test"
    assert msg["MessageAttributes"] == {"k1": {"Type": "String", "Value": "v1"},
                                        "k2": {"Type": "Binary", "Value": "AQID"}}
    assert msg["UnsubscribeURL"] == f"{srv.endpoint}/?Action=Unsubscribe&SubscriptionArn={sub_arn}"
    verify(srv, msg)
    tampered = dict(msg, Message=msg["Message"] + "!")
    with pytest.raises(Exception):
        verify(srv, tampered)

    # SignatureVersion 2 = SHA256withRSA.
    sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion", AttributeValue="2")
    sns.publish(TopicArn=topic, Message="second")
    _, msg2, _ = hook.wait("Notification", 2)[-1]
    assert msg2["SignatureVersion"] == "2" and "Subject" not in msg2
    verify(srv, msg2)

    # Unsubscribing through the unsigned UnsubscribeURL sends an UnsubscribeConfirmation; later
    # messages are not delivered.
    with urllib.request.urlopen(msg["UnsubscribeURL"], timeout=10) as r:
        assert "<UnsubscribeResponse" in r.read().decode()
    _, bye, _ = hook.wait("UnsubscribeConfirmation")[-1]
    verify(srv, bye)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    sns.publish(TopicArn=topic, Message="nobody listens")
    time.sleep(0.5)
    assert len(hook.messages("Notification")) == 2
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsDeleted"] == "1"


def test_endpoint_failing_three_times_then_recovering_gets_the_message_once(srv):
    hook = Hook(fail=3)
    try:
        sns = srv.client("sns")
        topic = sns.create_topic(Name=uniq("retry"))["TopicArn"]
        subscribe_and_confirm(srv, sns, topic, hook)
        message_id = sns.publish(TopicArn=topic, Message="persist")["MessageId"]
        got = hook.wait("Notification", 4)
        time.sleep(1.0)  # two more retry delays: nothing else may arrive
        got = hook.messages("Notification")
        assert [s for _, _, s in got] == [500, 500, 500, 200]
        assert {m["MessageId"] for _, m, _ in got} == {message_id}
        assert len({json.dumps(m, sort_keys=True) for _, m, _ in got}) == 1  # same body each time
        verify(srv, got[-1][1])
    finally:
        hook.close()


def test_a_pending_retry_survives_kill_9_and_is_delivered_once(tmp_path):
    """The retry of a published message is kept in metadata.db: after kill -9 and a restart the
    recovered endpoint gets it, once, with its first MessageId and signature."""
    s = Server(tmp_path / "data", extra_args=["--sns-retry-delay", "3s"]).start()
    hook = Hook(fail=1)
    try:
        sns = s.client("sns")
        topic = sns.create_topic(Name="durable")["TopicArn"]
        subscribe_and_confirm(s, sns, topic, hook)
        message_id = sns.publish(TopicArn=topic, Message="survives")["MessageId"]
        hook.wait("Notification", 1)  # the first attempt, answered 500: a retry in 3 s
        s.kill()
        time.sleep(3.5)  # the retry fell due while the server was down
        s.start()
        got = hook.wait("Notification", 2, timeout=15)
        time.sleep(1.0)  # nothing more arrives
        got = hook.messages("Notification")
        assert [st for _, _, st in got] == [500, 200]
        assert got[0][1] == got[1][1] and got[1][1]["MessageId"] == message_id
        # Signed before the restart: its certificate URL names the old port; the key is the same.
        resent = dict(got[1][1])
        resent["SigningCertURL"] = s.endpoint + "/" + resent["SigningCertURL"].split("/", 3)[3]
        verify(s, resent)
        # Delivered: forgotten, so another restart sends nothing again.
        s.stop()
        s.start()
        time.sleep(1.0)
        assert len(hook.messages("Notification")) == 2
    finally:
        hook.close()
        s.stop()


def test_raw_delivery_and_cli_publish(srv, hook, tmp_path):
    sns = srv.client("sns")
    topic = sns.create_topic(Name=uniq("raw"))["TopicArn"]
    sub_arn, _, _ = subscribe_and_confirm(srv, sns, topic, hook)
    srv.aws("sns", "set-subscription-attributes", "--subscription-arn", sub_arn,
            "--attribute-name", "RawMessageDelivery", "--attribute-value", "true")
    sns.set_subscription_attributes(
        SubscriptionArn=sub_arn, AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps({"requestPolicy": {"headerContentType": "application/json"}}))
    out = srv.aws("sns", "publish", "--topic-arn", topic, "--message", "hello & bye",
                  "--subject", "S 1")
    headers, body, _ = hook.wait("Notification")[-1]
    assert body == "hello & bye" and headers["x-amz-sns-rawdelivery"] == "true"
    assert headers["Content-Type"] == "application/json"
    assert headers["x-amz-sns-message-id"] == out["MessageId"]
    # A topic policy that disables subscription overrides wins over the subscription's.
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(
        {"http": {"disableSubscriptionOverrides": True,
                  "defaultRequestPolicy": {"headerContentType": "text/csv"}}}))
    sns.publish(TopicArn=topic, Message="second")
    headers, body, _ = hook.wait("Notification", 2)[-1]
    assert body == "second" and headers["Content-Type"] == "text/csv"


def test_signed_confirm_and_subscription_listing(srv, hook):
    sns = srv.client("sns")
    topic = sns.create_topic(Name=uniq("signed-confirm"))["TopicArn"]
    arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=hook.url,
                        ReturnSubscriptionArn=True)["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    listed = sns.list_subscriptions()["Subscriptions"]
    assert {"SubscriptionArn": "PendingConfirmation", "Owner": listed[0]["Owner"],
            "Protocol": "http", "Endpoint": hook.url, "TopicArn": topic} in listed
    token = hook.wait("SubscriptionConfirmation")[-1][1]["Token"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.confirm_subscription(TopicArn=topic, Token="0" * 128)
    assert sns_error(e) == ("InvalidParameter", 400, "Invalid token")
    out = sns.confirm_subscription(TopicArn=topic, Token=token, AuthenticateOnUnsubscribe="true")
    assert out["SubscriptionArn"] == arn
    attrs = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attrs["ConfirmationWasAuthenticated"] == "true"
    # Confirmed with AuthenticateOnUnsubscribe: the unsigned link may not unsubscribe.
    url = f"{srv.endpoint}/?Action=Unsubscribe&SubscriptionArn={arn}"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    assert e.value.code == 403 and "<Code>AuthorizationError</Code>" in e.value.read().decode()
    sns.unsubscribe(SubscriptionArn=arn)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.unsubscribe(SubscriptionArn=arn)
    assert sns_error(e) == ("NotFound", 404, "Subscription does not exist")


# --- topic policies -----------------------------------------------------------------------------

def test_topic_policy_refuses_a_strangers_subscribe(srv, hook):
    import boto3
    import botocore.config
    iam = srv.client("iam")
    sns = srv.client("sns")
    topic = sns.create_topic(Name=uniq("guarded"))["TopicArn"]
    name = uniq("stranger")
    user_arn = iam.create_user(UserName=name)["User"]["Arn"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    stranger = boto3.client("sns", endpoint_url=srv.endpoint, region_name=REGION,
                            aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"],
                            config=botocore.config.Config(retries={"max_attempts": 1}))
    # The default policy lets only the owner account's permitted principals in.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        stranger.subscribe(TopicArn=topic, Protocol="http", Endpoint=hook.url)
    code, status, message = sns_error(e)
    assert (code, status) == ("AuthorizationError", 403)
    assert user_arn in message and "sns:Subscribe" in message and topic in message
    with pytest.raises(botocore.exceptions.ClientError) as e:
        stranger.publish(TopicArn=topic, Message="x")
    assert sns_error(e)[:2] == ("AuthorizationError", 403)
    # A topic policy naming the user lets it subscribe (but still not publish).
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "SNS:Subscribe",
         "Resource": topic}]}
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                             AttributeValue=json.dumps(policy))
    assert stranger.subscribe(TopicArn=topic, Protocol="http",
                              Endpoint=hook.url)["SubscriptionArn"] == "pending confirmation"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        stranger.publish(TopicArn=topic, Message="x")
    assert sns_error(e)[:2] == ("AuthorizationError", 403)
    # An explicit Deny in the topic policy beats the user's own sns:* permission.
    iam.put_user_policy(UserName=name, PolicyName="sns", PolicyDocument=json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "sns:*", "Resource": "*"}]}))
    assert stranger.publish(TopicArn=topic, Message="allowed")["MessageId"]
    policy["Statement"].append({"Effect": "Deny", "Principal": {"AWS": user_arn},
                                "Action": "SNS:Publish", "Resource": topic})
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                             AttributeValue=json.dumps(policy))
    with pytest.raises(botocore.exceptions.ClientError) as e:
        stranger.publish(TopicArn=topic, Message="x")
    assert sns_error(e)[:2] == ("AuthorizationError", 403)
    assert json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"]) == policy


# --- errors and records -------------------------------------------------------------------------

@pytest.mark.parametrize("call, expected", [
    (lambda s, t: s.create_topic(Name="bad name"),
     ("InvalidParameter", 400, "Invalid parameter: Topic Name")),
    (lambda s, t: s.get_topic_attributes(TopicArn=t + "-missing"),
     ("NotFound", 404, "Topic does not exist")),
    (lambda s, t: s.get_topic_attributes(TopicArn="arn:aws:sqs:us-east-1:123456789012:q"),
     ("InvalidParameter", 400, "Invalid parameter: TopicArn")),
    (lambda s, t: s.publish(TopicArn=t, Message=""),
     ("InvalidParameter", 400, "Invalid parameter: Empty message")),
    (lambda s, t: s.publish(TopicArn=t, Message="x" * 262145),
     ("InvalidParameter", 400, "Invalid parameter: Message too long")),
    (lambda s, t: s.publish(TopicArn=t, Message="x", Subject="two\nlines"),
     ("InvalidParameter", 400, "Invalid parameter: Subject")),
    (lambda s, t: s.publish(TopicArn=t, Message='{"http":"x"}', MessageStructure="json"),
     ("InvalidParameter", 400,
      "Invalid parameter: Message Structure - No default entry in JSON message body")),
    (lambda s, t: s.publish(TopicArn=t + "-missing", Message="x"),
     ("NotFound", 404, "Topic does not exist")),
    (lambda s, t: s.subscribe(TopicArn=t, Protocol="http", Endpoint="https://example.com/x"),
     ("InvalidParameter", 400, "Invalid parameter: Endpoint")),
    (lambda s, t: s.subscribe(TopicArn=t, Protocol="carrier-pigeon", Endpoint="x"),
     ("InvalidParameter", 400, "Invalid parameter: Invalid protocol type: carrier-pigeon")),
    (lambda s, t: s.set_topic_attributes(TopicArn=t, AttributeName="Owner", AttributeValue="1"),
     ("InvalidParameter", 400, "Invalid parameter: AttributeName")),
    (lambda s, t: s.set_topic_attributes(TopicArn=t, AttributeName="SignatureVersion",
                                         AttributeValue="3"),
     ("InvalidParameter", 400, "Invalid parameter: SignatureVersion: must be 1 or 2")),
    (lambda s, t: s.set_topic_attributes(TopicArn=t, AttributeName="Policy", AttributeValue="{"),
     ("InvalidParameter", 400, "Invalid parameter: Policy Error: Syntax errors in policy.")),
    (lambda s, t: s.set_topic_attributes(
        TopicArn=t, AttributeName="DeliveryPolicy",
        AttributeValue='{"http":{"defaultHealthyRetryPolicy":{"numRetries":101}}}'),
     ("InvalidParameter", 400, "Invalid parameter: DeliveryPolicy: numRetries must be an "
                               "integer between 0 and 100")),
    (lambda s, t: s.unsubscribe(SubscriptionArn="not-an-arn"),
     ("InvalidParameter", 400, "Invalid parameter: SubscriptionArn")),
    (lambda s, t: s.unsubscribe(SubscriptionArn=t + ":6b0e71bd-7e97-4d97-80ce-4a0994e55286"),
     ("NotFound", 404, "Subscription does not exist")),
    (lambda s, t: s.list_subscriptions_by_topic(TopicArn=t + "-missing"),
     ("NotFound", 404, "Topic does not exist")),
    (lambda s, t: s.create_topic(Name="errors-topic", Attributes={"Owner": "1"}),
     ("InvalidParameter", 400, "Invalid parameter: Attributes Reason: Owner is read-only")),
    (lambda s, t: s.create_topic(Name="errors-topic", Attributes={"Colour": "blue"}),
     ("InvalidParameter", 400, "Invalid parameter: Attributes Reason: Unknown attribute Colour")),
    (lambda s, t: s.create_topic(Name="errors-topic2", Attributes={"DisplayName": "x" * 101}),
     ("InvalidParameter", 400, "Invalid parameter: DisplayName")),
    (lambda s, t: s.set_topic_attributes(TopicArn=t, AttributeName="Policy", AttributeValue=""),
     ("InvalidParameter", 400, "Invalid parameter: Policy Error: Syntax errors in policy.")),
    (lambda s, t: s.set_topic_attributes(TopicArn=t + "-missing", AttributeName="DisplayName",
                                         AttributeValue="x"),
     ("NotFound", 404, "Topic does not exist")),
    (lambda s, t: s.publish(TopicArn=t, Message="x", MessageStructure="xml"),
     ("InvalidParameter", 400, "Invalid parameter: MessageStructure")),
    (lambda s, t: s.publish(TopicArn=t, Message="{", MessageStructure="json"),
     ("InvalidParameter", 400,
      "Invalid parameter: Message Structure - JSON message body failed to parse")),
    (lambda s, t: s.publish(TopicArn=t, TargetArn=t, Message="x"),
     ("InvalidParameter", 400, "Invalid parameter: TopicArn or TargetArn Reason: both were "
                               "given")),
    (lambda s, t: s.publish(TopicArn=t, Message="x", MessageAttributes={
        "k": {"DataType": "Colour", "StringValue": "v"}}),
     ("InvalidParameter", 400, "Invalid parameter: The message attribute 'k' has an invalid "
      "message attribute type, the set of supported type prefixes is Binary, Number, and "
      "String.")),
    (lambda s, t: s.subscribe(TopicArn=t, Protocol="email", Endpoint="a@example.com"),
     ("InvalidParameter", 400, "Invalid parameter: Protocol Reason: email subscriptions need an "
                               "SMTP relay (serve --smtp-relay)")),
    (lambda s, t: s.subscribe(TopicArn=t, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:1:q"),
     ("InvalidParameter", 400, "Invalid parameter: Protocol Reason: sqs subscriptions are not "
                               "supported by this server (http, https, email, email-json)")),
    (lambda s, t: s.subscribe(TopicArn=t, Protocol="http", Endpoint="http://127.0.0.1:9/",
                              Attributes={"RawMessageDelivery": "yes"}),
     ("InvalidParameter", 400, "Invalid parameter: RawMessageDelivery")),
    (lambda s, t: s.subscribe(TopicArn=t, Protocol="http", Endpoint="http://127.0.0.1:9/",
                              Attributes={"FilterPolicy": "{}"}),
     ("InvalidParameter", 400, "Invalid parameter: Attributes Reason: FilterPolicy is not "
                               "supported by this server")),
    (lambda s, t: s.subscribe(TopicArn=t + "-missing", Protocol="http",
                              Endpoint="http://127.0.0.1:9/"),
     ("NotFound", 404, "Topic does not exist")),
    (lambda s, t: s.get_subscription_attributes(
        SubscriptionArn=t + ":6b0e71bd-7e97-4d97-80ce-4a0994e55286"),
     ("NotFound", 404, "Subscription does not exist")),
    (lambda s, t: s.confirm_subscription(TopicArn=t, Token=""),
     ("InvalidParameter", 400, "Invalid parameter: Token")),
    (lambda s, t: s.list_topics(NextToken="bogus"),
     ("InvalidParameter", 400, "Invalid parameter: NextToken")),
    (lambda s, t: s.publish(Message="x"),
     ("InvalidParameter", 400, "Invalid parameter: TopicArn or TargetArn Reason: no value for "
                               "required parameter")),
    (lambda s, t: s.publish(TopicArn=t, Message="x", MessageAttributes={
        "k": {"DataType": "String", "StringValue": ""}}),
     ("InvalidParameter", 400, "Invalid parameter: The message attribute 'k' must contain "
      "non-empty message attribute value for message attribute type 'String'.")),
    (lambda s, t: s.publish(TopicArn=t, Message="x", MessageAttributes={
        f"k{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}),
     ("InvalidParameter", 400, "Invalid parameter: MessageAttributes Reason: at most 10 message "
                               "attributes")),
    (lambda s, t: s.confirm_subscription(TopicArn=t, Token="abc",
                                         AuthenticateOnUnsubscribe="maybe"),
     ("InvalidParameter", 400, "Invalid parameter: AuthenticateOnUnsubscribe")),
    (lambda s, t: s.set_subscription_attributes(
        SubscriptionArn=t + ":6b0e71bd-7e97-4d97-80ce-4a0994e55286", AttributeName="Colour",
        AttributeValue="x"),
     ("InvalidParameter", 400, "Invalid parameter: Attributes Reason: Unknown attribute Colour")),
])
def test_errors(srv, call, expected):
    sns = srv.client("sns")
    topic = sns.create_topic(Name="errors-topic")["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        call(sns, topic)
    assert sns_error(e) == expected


def test_unsigned_links_answer_with_query_errors(srv):
    sns = srv.client("sns")
    topic = sns.create_topic(Name="errors-topic")["TopicArn"]
    for url, status, code in [
            (f"{srv.endpoint}/?Action=ConfirmSubscription&TopicArn={topic}&Token=abc", 400,
             "InvalidParameter"),
            (f"{srv.endpoint}/?Action=Unsubscribe&SubscriptionArn={topic}:"
             "6b0e71bd-7e97-4d97-80ce-4a0994e55286", 404, "NotFound")]:
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url, timeout=10)
        body = e.value.read().decode()
        assert e.value.code == status and f"<Code>{code}</Code>" in body
        assert 'xmlns="http://sns.amazonaws.com/doc/2010-03-31/"' in body
    # AuthenticateOnUnsubscribe needs a signed confirmation.
    url = (f"{srv.endpoint}/?Action=ConfirmSubscription&TopicArn={topic}&Token=abc"
           "&AuthenticateOnUnsubscribe=true")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    assert e.value.code == 403 and "<Code>AuthorizationError</Code>" in e.value.read().decode()
    # A signed request for an action SNS does not have: InvalidAction in SNS's namespace.
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    key, secret = srv.keys()
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=srv.endpoint + "/", data="Action=AddPermission&Version=2010-03-31",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), "sns",
                            REGION).add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(prepared.url, data=prepared.body.encode()
                               if isinstance(prepared.body, str) else prepared.body,
                               method="POST", headers=dict(prepared.headers))
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(r, timeout=10)
    body = e.value.read().decode()
    assert e.value.code == 400 and "<Code>InvalidAction</Code>" in body
    assert 'xmlns="http://sns.amazonaws.com/doc/2010-03-31/"' in body


def test_calls_are_recorded_as_sns_events(srv):
    sns = srv.client("sns")
    topic = sns.create_topic(Name=uniq("recorded"))["TopicArn"]
    events = srv.client().lookup_events(LookupAttributes=[
        {"AttributeKey": "ResourceName", "AttributeValue": topic}])["Events"]
    records = [json.loads(e["CloudTrailEvent"]) for e in events]
    created = [r for r in records if r["eventName"] == "CreateTopic"]
    assert created and created[0]["eventSource"] == "sns.amazonaws.com"
    assert created[0]["responseElements"] == {"topicArn": topic}
    assert created[0]["resources"][0]["type"] == "AWS::SNS::Topic"


def test_topics_subscriptions_and_signing_key_survive_restart(tmp_path):
    s = Server(tmp_path / "data", extra_args=["--sns-retry-delay", "200ms"]).start()
    h = Hook()
    try:
        sns = s.client("sns")
        topic = sns.create_topic(Name="durable")["TopicArn"]
        sub_arn, _, confirm = subscribe_and_confirm(s, sns, topic, h)
        s.stop()
        s.start()
        sns = s.client("sns")
        assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0][
            "SubscriptionArn"] == sub_arn
        sns.publish(TopicArn=topic, Message="after restart")
        _, msg, _ = h.wait("Notification")[-1]
        verify(s, msg)
        # The same key and certificate file name as before the restart.
        assert msg["SigningCertURL"].rsplit("/", 1)[1] == confirm["SigningCertURL"].rsplit("/", 1)[1]
    finally:
        h.close()
        s.stop()


def openssl_cert(directory, name):
    """A self-signed certificate for 127.0.0.1 made by the openssl command."""
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_https_endpoints_must_present_a_trusted_certificate(tmp_path):
    trusted = openssl_cert(tmp_path, "trusted-hook")
    stranger = openssl_cert(tmp_path, "unknown-hook")
    s = Server(tmp_path / "data", extra_args=["--sns-retry-delay", "100ms",
                                              "--outbound-ca-bundle", str(trusted[0])]).start()
    good, bad = Hook(tls=trusted), Hook(tls=stranger)
    try:
        sns = s.client("sns")
        topic = sns.create_topic(Name="tls")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=bad.url)
        sub_arn, _, confirm = subscribe_and_confirm(s, sns, topic, good)
        verify(s, confirm)
        sns.publish(TopicArn=topic, Message="over TLS")
        assert good.wait("Notification")[-1][1]["Message"] == "over TLS"
        # The endpoint whose certificate the server cannot verify never gets a byte of it.
        deadline = time.time() + 10
        log = s.data_dir / "server.log"
        while "TLS certificate not trusted" not in log.read_text() and time.time() < deadline:
            time.sleep(0.1)
        assert "TLS certificate not trusted" in log.read_text()
        assert bad.messages() == []
    finally:
        good.close()
        bad.close()
        s.stop()


def test_https_server_puts_https_urls_in_messages(tmp_path):
    import ssl
    s = Server(tmp_path / "data", extra_args=["--tls-self-signed"]).start()
    h = Hook()
    try:
        sns = s.client("sns")
        topic = sns.create_topic(Name="over-tls")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=h.url)
        _, confirm, _ = h.wait("SubscriptionConfirmation")[-1]
        assert confirm["SubscribeURL"].startswith(f"https://127.0.0.1:{s.port}/?Action=")
        assert confirm["SigningCertURL"].startswith(f"https://127.0.0.1:{s.port}/")
        context = ssl.create_default_context(cafile=str(s.tls_ca))
        with urllib.request.urlopen(confirm["SubscribeURL"], timeout=10, context=context) as r:
            assert "<ConfirmSubscriptionResult>" in r.read().decode()
        with urllib.request.urlopen(confirm["SigningCertURL"], timeout=10, context=context) as r:
            cert = x509.load_pem_x509_certificate(r.read())
        cert.public_key().verify(base64.b64decode(confirm["Signature"]), string_to_sign(confirm),
                                 padding.PKCS1v15(), hashes.SHA1())
    finally:
        h.close()
        s.stop()


def test_public_url_is_the_base_of_message_urls(tmp_path):
    s = Server(tmp_path / "data",
               extra_args=["--public-url", "https://sns.example.test:8443/"]).start()
    h = Hook()
    try:
        sns = s.client("sns")
        topic = sns.create_topic(Name="public")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=h.url)
        _, confirm, _ = h.wait("SubscriptionConfirmation")[-1]
        assert confirm["SubscribeURL"] == ("https://sns.example.test:8443/?Action="
                                           f"ConfirmSubscription&TopicArn={topic}"
                                           f"&Token={confirm['Token']}")
        cert_path = confirm["SigningCertURL"].removeprefix("https://sns.example.test:8443")
        assert cert_path.startswith("/SimpleNotificationService-")
        # The certificate is served at that path on the server itself.
        with urllib.request.urlopen(s.endpoint + cert_path, timeout=10) as r:
            assert r.read().startswith(b"-----BEGIN CERTIFICATE-----")
        arn = sns.confirm_subscription(TopicArn=topic, Token=confirm["Token"])["SubscriptionArn"]
        sns.publish(TopicArn=topic, Message="m")
        _, msg, _ = h.wait("Notification")[-1]
        assert msg["UnsubscribeURL"] == ("https://sns.example.test:8443/?Action=Unsubscribe&"
                                         f"SubscriptionArn={arn}")
    finally:
        h.close()
        s.stop()


def test_a_trail_with_a_topic_announces_each_delivery(tmp_path):
    """CloudTrail's delivery notification (records.md §2): after each delivery the trail's topic
    gets {"s3Bucket": …, "s3ObjectKey": [keys]} naming log files that exist."""
    from conftest import ingest
    from records import now, record
    s = Server(tmp_path / "data", extra_args=["--delivery-interval", "1s"]).start()
    hook = Hook()
    try:
        sns = s.client("sns")
        topic = sns.create_topic(Name="trail-deliveries")["TopicArn"]
        subscribe_and_confirm(s, sns, topic, hook)
        s.aws("s3api", "create-bucket", "--bucket", "announced-logs")
        out = s.aws("cloudtrail", "create-trail", "--name", "announcer", "--s3-bucket-name",
                    "announced-logs", "--sns-topic-name", "trail-deliveries")
        assert out["SnsTopicARN"] == topic
        s.aws("cloudtrail", "start-logging", "--name", "announcer")
        account = s.aws("sts", "get-caller-identity")["Account"]
        status, body, _ = ingest(s, [record(now(), account=account) for _ in range(5)])
        assert status == 200, body
        got = hook.wait("Notification", 1, timeout=20)
        note = json.loads(got[0][1]["Message"])
        verify(s, got[0][1])
        assert note["s3Bucket"] == "announced-logs" and note["s3ObjectKey"]
        root = s.data_dir / "buckets" / "announced-logs"
        for key in note["s3ObjectKey"]:
            assert key.startswith(f"AWSLogs/{account}/CloudTrail/") and key.endswith(".json.gz")
            assert (root / key).is_file()
    finally:
        hook.close()
        s.stop()
