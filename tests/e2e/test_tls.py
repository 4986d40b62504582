"""HTTPS on the API port: the AWS CLI v2, the newer AWS CLI and boto3 over TLS, self-signed and
given certificates, reload on SIGHUP, protocol versions, plain HTTP rules, aws:SecureTransport."""
import gzip
import hashlib
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import uuid
import warnings

import botocore.exceptions
import pytest

from conftest import BINARY, S3rver, Server, ingest
from records import now, record

AWS_V1 = "/root/.pyenv/shims/aws"


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("tls") / "data",
               extra_args=["--tls-self-signed", "--allow-plain-http",
                           "--delivery-interval", "1s"]).start()
    yield s
    s.stop()


def peer_fingerprint(port, cafile):
    ctx = ssl.create_default_context(cafile=str(cafile))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            return hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest()


def plain_get(port, path="/health"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode()
    finally:
        conn.close()


def test_self_signed_ca_is_made_once_and_printed(tls):
    ca = tls.data_dir / "tls" / "ca.pem"
    assert ca.exists() and (tls.data_dir / "tls" / "server.pem").exists()
    for private in ("ca.key", "server.key"):
        assert (tls.data_dir / "tls" / private).stat().st_mode & 0o077 == 0
    log = (tls.data_dir / "server.log").read_text()
    assert f"https://127.0.0.1:{tls.port}" in log
    assert f"--ca-bundle {ca}" in log
    before = peer_fingerprint(tls.port, ca)
    tls.stop()
    tls.start()
    assert peer_fingerprint(tls.port, ca) == before  # a restart reuses the certificate


def test_cli_v2_with_ca_bundle_and_boto3_over_https(tls):
    tls.aws("sts", "get-caller-identity")  # AWS_CA_BUNDLE in the environment
    env = {k: v for k, v in tls.env().items() if k != "AWS_CA_BUNDLE"}
    p = subprocess.run(["/usr/bin/aws", "cloudtrail", "lookup-events", "--max-results", "5",
                        "--endpoint-url", tls.endpoint, "--ca-bundle",
                        str(tls.data_dir / "tls" / "ca.pem"), "--output", "json"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    events = json.loads(p.stdout)["Events"]
    assert events, "the calls just made are recorded"
    # Without the CA, the CLI refuses the certificate: verification is real.
    p = subprocess.run(["/usr/bin/aws", "sts", "get-caller-identity", "--endpoint-url",
                        tls.endpoint], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "SSL" in p.stderr.upper()

    ct = tls.client()
    found = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                 "AttributeValue": "LookupEvents"}])["Events"]
    assert found
    detail = json.loads(found[0]["CloudTrailEvent"])
    assert detail["tlsDetails"]["tlsVersion"] in ("TLSv1.2", "TLSv1.3")

    # These TLS 1.3 AES-GCM connections were written by the server's own record writer.
    context = ssl.create_default_context(cafile=str(tls.data_dir / "tls" / "ca.pem"))
    with urllib.request.urlopen(tls.endpoint + "/metrics", context=context, timeout=30) as r:
        metrics = r.read().decode()
    taken = re.search(r'^opentrail_tls_record_writer_connections_total\{outcome="taken_over"\} (\d+)$',
                      metrics, re.M)
    assert taken and int(taken.group(1)) >= 1, metrics[-800:]


def test_newer_aws_cli_over_https(tls):
    if not os.path.exists(AWS_V1):
        pytest.skip(f"no second AWS CLI at {AWS_V1}")
    p = subprocess.run([AWS_V1, "cloudtrail", "lookup-events", "--max-results", "3",
                        "--endpoint-url", tls.endpoint, "--output", "json"],
                       env=tls.env(), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "Events" in json.loads(p.stdout)


def test_trail_flow_and_s3_download_over_https(tls, tmp_path):
    bucket, name = f"tls-{uuid.uuid4().hex[:8]}", f"trail-{uuid.uuid4().hex[:6]}"
    tls.aws("s3api", "create-bucket", "--bucket", bucket)
    tls.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket)
    tls.aws("cloudtrail", "start-logging", "--name", name)
    marker = str(uuid.uuid4())
    status, body, _ = ingest(tls, [record(now(), name="TlsProbe", event_id=marker)])
    assert status == 200, body
    # The first files may hold only the trail's own calls: read every new file until the
    # ingested event shows up.
    deadline = time.time() + 30
    seen, found = set(), False
    while not found:
        assert time.time() < deadline, f"the event was not delivered; files: {sorted(seen)}"
        listing = tls.aws("s3api", "list-objects-v2", "--bucket", bucket)
        for key in [o["Key"] for o in listing.get("Contents", [])]:
            if not key.endswith(".json.gz") or key in seen:
                continue
            seen.add(key)
            out = tmp_path / "log.json.gz"
            p = subprocess.run(["/usr/bin/aws", "s3", "cp", f"s3://{bucket}/{key}", str(out),
                                "--endpoint-url", tls.endpoint], env=tls.env(),
                               capture_output=True, text=True, timeout=60)
            assert p.returncode == 0, p.stderr
            records = json.loads(gzip.decompress(out.read_bytes()))["Records"]
            found = found or any(r.get("eventID") == marker for r in records)
        time.sleep(0.5)
    status = tls.aws("cloudtrail", "get-trail-status", "--name", name)
    assert status["IsLogging"] is True


def test_plain_http_on_the_tls_port(tls, tmp_path):
    # --allow-plain-http: served, and the record says it was not TLS.
    assert plain_get(tls.port)[0] == 200
    strict = Server(tmp_path / "strict", extra_args=["--tls-self-signed"]).start()
    try:
        status, text = plain_get(strict.port)
        assert status == 400 and "HTTPS" in text
        strict.aws("sts", "get-caller-identity")  # HTTPS works
    finally:
        strict.stop()


def test_plain_http_is_refused_on_a_non_loopback_address(tmp_path):
    p = subprocess.run([str(BINARY), "serve", "--data-dir", str(tmp_path / "d"), "--listen",
                        "0.0.0.0:0"], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "refusing to serve plain HTTP" in p.stderr and "--allow-plain-http" in p.stderr


@pytest.mark.parametrize("args,message", [
    (["--tls-cert", "/nonexistent.pem"], "--tls-cert and --tls-key go together"),
    (["--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"],
     "cannot load the TLS certificate '/nonexistent.pem'"),
    (["--tls-self-signed", "--tls-cert", "a", "--tls-key", "b"], "exclude each other"),
])
def test_bad_tls_options_stop_the_start(tmp_path, args, message):
    p = subprocess.run([str(BINARY), "serve", "--data-dir", str(tmp_path / "d"), "--listen",
                        "127.0.0.1:0", *args], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and message in p.stderr, p.stderr


def test_tls_versions(tls):
    ca = tls.data_dir / "tls" / "ca.pem"
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        ctx = ssl.create_default_context(cafile=str(ca))
        ctx.minimum_version = ctx.maximum_version = version
        with socket.create_connection(("127.0.0.1", tls.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                assert s.version() == version.name.replace("v1_", "v1.")
    # A TLS 1.1 client (its library allowed to offer 1.1) is refused by the server.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    with socket.create_connection(("127.0.0.1", tls.port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError) as failure:
            ctx.wrap_socket(raw, server_hostname="localhost")
    # The server's alert (70, protocol_version), not the client declining to offer TLS 1.1.
    assert "TLSV1_ALERT_PROTOCOL_VERSION" in str(failure.value), failure.value


def test_secure_transport_condition(tls):
    iam = tls.client("iam")
    user = f"tls-{uuid.uuid4().hex[:6]}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="https-only", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    creds = dict(key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    tls.client(**creds).lookup_events(MaxResults=1)  # over HTTPS: allowed
    plain = Server(tls.data_dir)
    plain.port = tls.port  # the same port, spoken in plain HTTP
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        plain.client(**creds).lookup_events(MaxResults=1)
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "cloudtrail:LookupEvents" in denied.value.response["Error"]["Message"]


def openssl_cert(directory, name):
    """A self-signed certificate for 127.0.0.1 made by the openssl command."""
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_sighup_reloads_the_certificate_without_dropping_connections(tmp_path):
    first_cert, first_key = openssl_cert(tmp_path, "first")
    second_cert, second_key = openssl_cert(tmp_path, "second")
    live_cert, live_key = tmp_path / "live.pem", tmp_path / "live.key"
    live_cert.write_bytes(first_cert.read_bytes())
    live_key.write_bytes(first_key.read_bytes())
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(first_cert.read_bytes() + second_cert.read_bytes())
    srv = Server(tmp_path / "data", tls_ca=bundle,
                 extra_args=["--tls-cert", str(live_cert), "--tls-key", str(live_key)]).start()
    try:
        ctx = ssl.create_default_context(cafile=str(bundle))
        held = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=10)
        held.request("GET", "/health")
        assert held.getresponse().read()
        first_fp = hashlib.sha256(held.sock.getpeercert(binary_form=True)).hexdigest()

        live_cert.write_bytes(second_cert.read_bytes())
        live_key.write_bytes(second_key.read_bytes())
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while "reloaded the TLS certificate" not in (srv.data_dir / "server.log").read_text():
            assert time.time() < deadline, "no reload logged"
            time.sleep(0.1)

        held.request("GET", "/health")  # the open connection carries on
        r = held.getresponse()
        assert r.status == 200 and r.read()
        new_fp = peer_fingerprint(srv.port, bundle)
        assert new_fp != first_fp
        assert new_fp == hashlib.sha256(ssl.PEM_cert_to_DER_cert(second_cert.read_text())).hexdigest()
        held.close()

        # A broken file on reload keeps the current certificate.
        live_key.write_text("not a key")
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while "keeping the current TLS certificate" not in (srv.data_dir / "server.log").read_text():
            assert time.time() < deadline, "no failed reload logged"
            time.sleep(0.1)
        assert peer_fingerprint(srv.port, bundle) == new_fp
    finally:
        srv.stop()


def test_remote_bucket_over_https_is_verified(fresh_server, tmp_path):
    """The server's own https calls check the remote's certificate: against a bucket's
    ca_bundle, or the system store (which does not know this one), unless told not to."""
    cert, key = openssl_cert(tmp_path, "s3rver")
    remote = S3rver(tmp_path / "s3rver", tls=(cert, key)).start()
    try:
        trusted, untrusted = f"trusted-{uuid.uuid4().hex[:6]}", f"untrusted-{uuid.uuid4().hex[:6]}"
        s3 = remote.client()
        s3.create_bucket(Bucket=trusted)
        s3.create_bucket(Bucket=untrusted)
        config = tmp_path / "buckets.json"
        config.write_text(json.dumps([remote.bucket_config(trusted, ca_bundle=str(cert)),
                                      remote.bucket_config(untrusted)]))
        fresh_server.extra_args = ["--buckets-config", str(config), "--delivery-interval", "1s"]
        fresh_server.start()
        for bucket in (trusted, untrusted):
            fresh_server.aws("cloudtrail", "create-trail", "--name", bucket, "--s3-bucket-name",
                             bucket)
            fresh_server.aws("cloudtrail", "start-logging", "--name", bucket)
        status, body, _ = ingest(fresh_server, [record(now(), name="RemoteTls")])
        assert status == 200, body

        def wait(predicate, what):
            deadline = time.time() + 30
            while time.time() < deadline:
                result = predicate()
                if result:
                    return result
                time.sleep(0.3)
            raise AssertionError(what)

        wait(lambda: s3.list_objects_v2(Bucket=trusted).get("KeyCount"),
             "nothing delivered to the bucket whose CA is configured")
        error = wait(lambda: fresh_server.aws("cloudtrail", "get-trail-status", "--name",
                                              untrusted).get("LatestDeliveryError"),
                     "no delivery error for an unverifiable certificate")
        assert "certificate" in error.lower() or "ssl" in error.lower(), error
        assert not s3.list_objects_v2(Bucket=untrusted).get("KeyCount")

        # Verification off, explicitly: delivered, and the log says so.
        fresh_server.stop()
        fresh_server.extra_args.append("--outbound-tls-insecure")
        fresh_server.start()
        wait(lambda: s3.list_objects_v2(Bucket=untrusted).get("KeyCount"),
             "nothing delivered with --outbound-tls-insecure")
        assert "NOT verified" in (fresh_server.data_dir / "server.log").read_text()
    finally:
        remote.stop()


def test_opentrail_cli_over_https(tls, tmp_path):
    """`opentrail import` talks to an https endpoint, checking its certificate like the AWS CLI:
    --ca-bundle, else $AWS_CA_BUNDLE, else the system store."""
    marker = f"CliTls{uuid.uuid4().hex[:8]}"
    log = tmp_path / "in.json"
    log.write_text(json.dumps({"Records": [record(now(), name=marker)]}))
    env = {k: v for k, v in tls.env().items() if k != "AWS_CA_BUNDLE"}
    base = [str(BINARY), "import", str(log), "--no-progress", "--endpoint-url", tls.endpoint]
    p = subprocess.run(base, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "certificate verify failed" in p.stderr, p.stderr
    p = subprocess.run(base + ["--ca-bundle", str(tls.tls_ca)], env=env, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    p = subprocess.run(base + ["--ca-bundle", str(tmp_path / "missing.pem")], env=env,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "cannot load the CA bundle" in p.stderr, p.stderr
    found = tls.client().lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": marker}])["Events"]
    assert len(found) == 1
