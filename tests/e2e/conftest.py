"""End-to-end fixtures: the real `opentrail serve` on 127.0.0.1, driven by AWS CLI v2 and boto3."""
import configparser
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import boto3
import botocore.config
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("OPENTRAIL_BIN", ROOT / "build" / "opentrail"))
AWS = "/usr/bin/aws"
GENERATOR = ROOT / "tools" / "gen_cloudtrail.py"
S3RVER = ROOT / "tools" / "s3rver" / "node_modules" / "s3rver" / "bin" / "s3rver.js"


class Server:
    """One server process over one data directory; restartable."""

    def __init__(self, data_dir, extra_args=(), tls_ca=None):
        self.data_dir = pathlib.Path(data_dir)
        self.extra_args = list(extra_args)
        # HTTPS: the CA file clients trust (DIR/tls/ca.pem with --tls-self-signed).
        self.tls_ca = tls_ca
        if tls_ca is None and "--tls-self-signed" in self.extra_args:
            self.tls_ca = self.data_dir / "tls" / "ca.pem"
        self.proc = None
        self.port = None
        self.log = None

    def start(self, timeout=30):
        port_file = self.data_dir / "port"
        if port_file.exists():
            port_file.unlink()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log = open(self.data_dir / "server.log", "ab")
        self.proc = subprocess.Popen(
            [str(BINARY), "serve", "--data-dir", str(self.data_dir), "--listen", "127.0.0.1:0",
             "--port-file", str(port_file), *self.extra_args],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + (self.data_dir / "server.log").read_text())
            if port_file.exists() and port_file.read_text().strip():
                self.port = int(port_file.read_text())
                try:
                    with urllib.request.urlopen(self.endpoint + "/health", timeout=2,
                                                context=self.ssl_context()) as r:
                        if r.status == 200:
                            return self
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError("server did not become healthy")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()

    def ssl_context(self):
        """For urllib over HTTPS: trusts the server's CA; None over plain HTTP."""
        if not self.tls_ca:
            return None
        import ssl
        return ssl.create_default_context(cafile=str(self.tls_ca))

    @property
    def endpoint(self):
        return f"{'https' if self.tls_ca else 'http'}://127.0.0.1:{self.port}"

    @property
    def credentials_file(self):
        return self.data_dir / "credentials"

    def keys(self):
        cp = configparser.ConfigParser()
        cp.read(self.credentials_file)
        return cp["default"]["aws_access_key_id"], cp["default"]["aws_secret_access_key"]

    def env(self, region="us-east-1"):
        """Environment for the AWS CLI and `opentrail import`: only the printed credentials."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_SHARED_CREDENTIALS_FILE=str(self.credentials_file),
                   AWS_CONFIG_FILE=str(self.data_dir / "no-config"),
                   AWS_DEFAULT_REGION=region, AWS_EC2_METADATA_DISABLED="true",
                   AWS_PAGER="")
        if self.tls_ca:
            env["AWS_CA_BUNDLE"] = str(self.tls_ca)
        return env

    def client(self, service="cloudtrail", region="us-east-1", **kw):
        key, secret = self.keys()
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=kw.get("key", key), aws_secret_access_key=kw.get("secret", secret),
            verify=str(self.tls_ca) if self.tls_ca else None,
            config=botocore.config.Config(retries={"max_attempts": 1}))

    def aws(self, *args, region="us-east-1", check=True):
        """Runs the AWS CLI v2; returns parsed JSON output (or the CompletedProcess if check=False)."""
        p = subprocess.run([AWS, *args, "--endpoint-url", self.endpoint, "--output", "json"],
                           env=self.env(region), capture_output=True, text=True, timeout=120)
        if not check:
            return p
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def opentrail(self, *args, region="us-east-1", check=True):
        p = subprocess.run([str(BINARY), *args, "--endpoint-url", self.endpoint],
                           env=self.env(region), capture_output=True, text=True, timeout=600)
        if check:
            assert p.returncode == 0, p.stdout + p.stderr
        return p


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3rver:
    """s3rver (npm, installed into tools/s3rver by scripts/setup): an S3-compatible server on
    127.0.0.1 keeping its buckets under `directory`. Restartable on the same port and directory.
    It knows one key pair, S3RVER / S3RVER: another access key id is refused (InvalidAccessKeyId),
    but s3rver 3.7 does not verify SigV4 signatures (the unit tests check OpenTrail's signing)."""

    KEY = SECRET = "S3RVER"

    def __init__(self, directory, port=None, tls=None):
        self.directory = pathlib.Path(directory)
        self.port = port or free_port()
        self.tls = tls  # (cert, key) PEM files: serve HTTPS; the cert is its own CA
        self.proc = None
        self.log = None

    def start(self, timeout=20):
        node = shutil.which("node")
        if not node or not S3RVER.exists():
            raise RuntimeError("s3rver is not installed: run scripts/setup")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log = open(self.directory.parent / f"s3rver-{self.port}.log", "ab")
        self.proc = subprocess.Popen(
            [node, str(S3RVER), "--directory", str(self.directory), "--address", "127.0.0.1",
             "--port", str(self.port),
             *(["--cert", str(self.tls[0]), "--key", str(self.tls[1])] if self.tls else [])],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.log.close()
                raise RuntimeError("s3rver exited: " + pathlib.Path(self.log.name).read_text())
            try:
                context = None
                if self.tls:
                    import ssl
                    context = ssl.create_default_context(cafile=str(self.tls[0]))
                with urllib.request.urlopen(self.endpoint + "/", timeout=2, context=context):
                    return self
            except urllib.error.HTTPError:
                return self  # any S3 answer (an unsigned ListBuckets is refused) means it is up
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"s3rver did not answer on port {self.port} within {timeout}s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()

    @property
    def endpoint(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            verify=str(self.tls[0]) if self.tls else None,
            aws_access_key_id=self.KEY, aws_secret_access_key=self.SECRET,
            config=botocore.config.Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 1}))

    def bucket_config(self, name, **kw):
        """An entry of `serve --buckets-config` registering bucket `name` of this server."""
        return {"name": name, "endpoint": self.endpoint, "region": "us-east-1",
                "access_key_id": self.KEY, "secret_access_key": self.SECRET, **kw}


@pytest.fixture
def s3rver(tmp_path):
    """A running s3rver on a free loopback port, stopped at the end of the test."""
    s = S3rver(tmp_path / "s3rver").start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def server():
    with tempfile.TemporaryDirectory(prefix="ot-e2e-") as d:
        s = Server(pathlib.Path(d) / "data").start()
        yield s
        s.stop()


@pytest.fixture
def fresh_server(tmp_path):
    s = Server(tmp_path / "data")
    yield s
    s.stop()


def generate(tmp_path, events, seed, fmt, name, **kw):
    out = tmp_path / name
    args = ["/usr/bin/python3", str(GENERATOR), "--events", str(events), "--seed", str(seed),
            "--format", fmt, "--out", str(out), "--quiet"]
    for k, v in kw.items():
        args += ["--" + k.replace("_", "-"), str(v)]
    subprocess.run(args, check=True, timeout=600)
    return out


def ingest(client_server, records, region="us-east-1"):
    """Sends records through IngestEvents with a SigV4-signed request; returns (status, body)."""
    return signed_request(client_server, "OpenTrail_20261101.IngestEvents",
                          json.dumps({"Records": records}), region=region)


def signed_request(srv, target, body, region="us-east-1", key=None, secret=None, service="cloudtrail",
                   headers=None, amz_date=None, content_type="application/x-amz-json-1.1"):
    """A hand-made SigV4 request (botocore's signer) for cases the SDKs would not send."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    k, s = srv.keys()
    creds = botocore.credentials.Credentials(key or k, secret or s)
    h = {"Content-Type": content_type}
    if target:
        h["X-Amz-Target"] = target
    h.update(headers or {})
    req = botocore.awsrequest.AWSRequest(method="POST", url=srv.endpoint + "/", data=body, headers=h)
    signer = botocore.auth.SigV4Auth(creds, service, region)
    if amz_date:
        import datetime
        import unittest.mock
        with unittest.mock.patch("botocore.auth.datetime") as dt:
            dt.datetime.utcnow.return_value = amz_date
            dt.datetime.strptime = datetime.datetime.strptime
            signer.add_auth(req)
    else:
        signer.add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(prepared.url, data=prepared.body if isinstance(prepared.body, bytes)
                               else (prepared.body or "").encode(), method="POST",
                               headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(r, timeout=60, context=srv.ssl_context()) as resp:
            return resp.status, json.loads(resp.read() or b"{}"), dict(resp.headers)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"raw": raw.decode(errors="replace")}
        return e.code, body, dict(e.headers)
