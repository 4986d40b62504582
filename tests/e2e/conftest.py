"""End-to-end fixtures: the real `opentrail serve` on 127.0.0.1, driven by AWS CLI v2 and boto3."""
import configparser
import json
import os
import pathlib
import signal
import subprocess
import tempfile
import time
import urllib.request

import boto3
import botocore.config
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("OPENTRAIL_BIN", ROOT / "build" / "opentrail"))
AWS = "/usr/bin/aws"
GENERATOR = ROOT / "tools" / "gen_cloudtrail.py"


class Server:
    """One server process over one data directory; restartable."""

    def __init__(self, data_dir, extra_args=()):
        self.data_dir = pathlib.Path(data_dir)
        self.extra_args = list(extra_args)
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
                    with urllib.request.urlopen(self.endpoint + "/health", timeout=2) as r:
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

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

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
        return env

    def client(self, service="cloudtrail", region="us-east-1", **kw):
        key, secret = self.keys()
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=kw.get("key", key), aws_secret_access_key=kw.get("secret", secret),
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
        with urllib.request.urlopen(r, timeout=60) as resp:
            return resp.status, json.loads(resp.read() or b"{}"), dict(resp.headers)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"raw": raw.decode(errors="replace")}
        return e.code, body, dict(e.headers)
