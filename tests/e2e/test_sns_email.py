"""SNS email and email-json subscriptions through an SMTP relay (issue 7, item 4): a small SMTP
server on 127.0.0.1 receives the confirmation mail, whose link confirms the subscription, then
notifications — text with an unsubscribe link, or the signed JSON document."""
import email
import email.policy
import json
import socketserver
import threading
import time
import urllib.request

import botocore.exceptions
import pytest

from conftest import Server
from test_sns import verify


class Relay:
    """A minimal SMTP relay: records (MAIL FROM, RCPT TO, message); refuses the first
    `tempfail` DATA commands with 451 (try again later)."""

    def __init__(self, tempfail=0):
        self.mails = []
        self.tempfail = tempfail
        self.lock = threading.Lock()
        relay = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                def say(line):
                    self.wfile.write(line.encode() + b"\r\n")
                    self.wfile.flush()
                say("220 relay.test ESMTP")
                sender, rcpts = None, []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode().strip()
                    verb = cmd.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        say("250 relay.test")
                    elif verb == "MAIL":
                        sender = cmd.split(":", 1)[1].strip().strip("<>")
                        say("250 OK")
                    elif verb == "RCPT":
                        rcpts.append(cmd.split(":", 1)[1].strip().strip("<>"))
                        say("250 OK")
                    elif verb == "DATA":
                        with relay.lock:
                            refuse = relay.tempfail > 0
                            relay.tempfail -= 1 if refuse else 0
                        if refuse:
                            say("451 try again later")
                            continue
                        say("354 go ahead")
                        data = b""
                        while True:
                            chunk = self.rfile.readline()
                            if chunk in (b".\r\n", b""):
                                break
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        with relay.lock:
                            relay.mails.append((sender, list(rcpts),
                                                email.message_from_bytes(
                                                    data, policy=email.policy.default)))
                        say("250 queued")
                    elif verb == "RSET":
                        sender, rcpts = None, []
                        say("250 OK")
                    elif verb == "QUIT":
                        say("221 bye")
                        return
                    else:
                        say("502 not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"smtp://127.0.0.1:{self.server.server_address[1]}"

    def wait(self, count, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.mails) >= count:
                    return list(self.mails)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mails, got {len(self.mails)}")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def relay():
    r = Relay(tempfail=1)
    yield r
    r.close()


@pytest.fixture
def srv(tmp_path, relay):
    s = Server(tmp_path / "data", extra_args=[
        "--smtp-relay", relay.url, "--smtp-from", "alerts@opentrail.test",
        "--sns-retry-delay", "200ms"]).start()
    yield s
    s.stop()


def body_of(msg):
    return msg.get_content().replace("\r\n", "\n")


def test_email_subscription_confirms_by_link_and_receives_notifications(srv, relay):
    sns = srv.client("sns")
    topic = sns.create_topic(Name="security-alerts",
                             Attributes={"DisplayName": "Security"})["TopicArn"]
    out = srv.aws("sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
                  "--notification-endpoint", "oncall@example.test")
    assert out["SubscriptionArn"] == "pending confirmation"
    # The relay refused the first attempt with 451: the confirmation came on the retry.
    sender, rcpts, mail = relay.wait(1)[0]
    assert sender == "alerts@opentrail.test" and rcpts == ["oncall@example.test"]
    assert mail["Subject"] == "AWS Notification - Subscription Confirmation"
    assert mail["From"] == "Security <alerts@opentrail.test>"
    assert mail["To"] == "oncall@example.test"
    text = body_of(mail)
    assert topic in text
    link = [line for line in text.splitlines() if "Action=ConfirmSubscription" in line][0]
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subs[0]["SubscriptionArn"] == "PendingConfirmation"
    with urllib.request.urlopen(link.strip(), timeout=10) as r:
        assert r.status == 200
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subs[0]["SubscriptionArn"].startswith(topic + ":")
    assert subs[0]["Protocol"] == "email" and subs[0]["Endpoint"] == "oncall@example.test"

    sns.publish(TopicArn=topic, Subject="Root login \u00e9t\u00e9", Message="root signed in\nat noon")
    mail = relay.wait(2)[1][2]
    assert mail["Subject"] == "Root login \u00e9t\u00e9"
    text = body_of(mail)
    assert text.startswith("root signed in\nat noon\n")
    assert "Action=Unsubscribe&SubscriptionArn=" + subs[0]["SubscriptionArn"] in text
    # No subject: SNS's default.
    srv.aws("sns", "publish", "--topic-arn", topic, "--message", "plain")
    assert relay.wait(3)[2][2]["Subject"] == "AWS Notification Message"


def test_email_json_gets_the_signed_document(srv, relay):
    sns = srv.client("sns")
    topic = sns.create_topic(Name="json-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint="robot@example.test")
    confirm = json.loads(relay.wait(1)[0][2].get_content())
    assert confirm["Type"] == "SubscriptionConfirmation"
    verify(srv, confirm)
    with urllib.request.urlopen(confirm["SubscribeURL"], timeout=10) as r:
        assert r.status == 200
    sns.publish(TopicArn=topic, Subject="s", Message="x" * 3000)  # longer than an SMTP line
    note = json.loads(relay.wait(2)[1][2].get_content())
    assert note["Type"] == "Notification" and note["Message"] == "x" * 3000
    verify(srv, note)


@pytest.mark.parametrize("protocol,endpoint,message", [
    ("email", "not-an-address", "Invalid parameter: Email address"),
    ("email-json", "a b@example.test", "Invalid parameter: Email address"),
    ("email", "x@example.test\r\nBcc: y@example.test", "Invalid parameter: Email address"),
])
def test_bad_email_endpoints_are_refused(srv, relay, protocol, endpoint, message):
    sns = srv.client("sns")
    topic = sns.create_topic(Name="refusals")["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
    err = e.value.response
    assert err["Error"]["Code"] == "InvalidParameter"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err["Error"]["Message"] == message
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_email_needs_a_relay(tmp_path):
    s = Server(tmp_path / "data").start()
    try:
        sns = s.client("sns")
        topic = sns.create_topic(Name="no-relay")["TopicArn"]
        with pytest.raises(botocore.exceptions.ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.test")
        assert e.value.response["Error"]["Code"] == "InvalidParameter"
        assert "SMTP relay" in e.value.response["Error"]["Message"]
    finally:
        s.stop()


@pytest.mark.parametrize("args,message", [
    (["--smtp-relay", "http://127.0.0.1:25", "--smtp-from", "a@example.test"],
     "--smtp-relay must be smtp://host[:port] or smtps://"),
    (["--smtp-relay", "smtp://127.0.0.1:25"], "--smtp-from must be the sender's email address"),
    (["--smtp-relay", "smtp://127.0.0.1:25", "--smtp-from", "nobody"],
     "--smtp-from must be the sender's email address"),
])
def test_bad_smtp_options_stop_the_start(tmp_path, args, message):
    import subprocess
    from conftest import BINARY
    p = subprocess.run([str(BINARY), "serve", "--data-dir", str(tmp_path / "d"), "--listen",
                        "127.0.0.1:0", *args], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and message in p.stderr, p.stderr
