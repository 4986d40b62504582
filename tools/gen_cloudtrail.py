# Copied from the workplace tool shared/tools/gen_cloudtrail.py so that tests and benchmarks run
# from a clean clone of this repository alone. Keep it in sync by copying, not by editing.
"""Deterministic synthetic AWS CloudTrail event generator (Python 3 stdlib only).

Same arguments (and same seed) -> byte-identical output (same Python minor version;
see README.md on determinism).

Examples
  python3 gen_cloudtrail.py --events 1000 --seed 1 --format jsonl --out events.jsonl
  python3 gen_cloudtrail.py --events 50000 --seed 7 --format records --out records.json.gz
  python3 gen_cloudtrail.py --events 1000000 --seed 42 --start 2026-11-01T00:00:00Z \
      --span-hours 24 --format logfiles --out logs --accounts 3 --regions 4

Formats
  records   one {"Records":[...]} JSON document (gzip if --out ends in .gz)
  jsonl     one JSON record per line (gzip if --out ends in .gz)
  logfiles  CloudTrail delivery tree under --out:
            AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/
              <acct>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<16 chars>.json.gz
            one file per (account, region, 5-minute window); the timestamp in
            the name is the end of the window (delivery time).

The events are the same in every format for the same arguments (the file-name
suffixes come from a separate RNG stream), sorted by eventTime.  See README.md.
"""

import argparse
import bisect
import calendar
import gzip
import json
import os
import random
import sys
import time

VERSION = "1"

# --------------------------------------------------------------------------
# static vocabularies
# --------------------------------------------------------------------------

ALL_REGIONS = [
    "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2",
    "ap-northeast-1", "us-east-2", "eu-north-1", "ap-south-1", "ca-central-1",
    "sa-east-1", "ap-southeast-1", "eu-west-2", "us-west-1", "ap-northeast-2",
    "eu-west-3",
]

ALNUM_UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"          # IAM-style ids
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
HEX = "0123456789abcdef"
FILE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

USER_NAMES = ["alice", "bob.jones", "carol", "dave.ops", "ci-deploy",
              "terraform", "backup-svc", "auditor", "erin", "frank.dev",
              "grafana-reader", "legacy-app"]
# users that are programs use access keys only, never the console
HUMAN_USERS = {"alice", "bob.jones", "carol", "dave.ops", "auditor", "erin",
               "frank.dev"}
ROLE_DEFS = [
    # (role name, path, session kind)
    ("AWSReservedSSO_AdministratorAccess_7c1e0f5a2b9d4e31", "/aws-reserved/sso.amazonaws.com/", "sso"),
    ("AWSReservedSSO_ReadOnlyAccess_3f4a9b1c6d2e8f70", "/aws-reserved/sso.amazonaws.com/", "sso"),
    ("OrganizationAccountAccessRole", "/", "human"),
    ("github-actions-deploy", "/", "ci"),
    ("eks-prod-NodeInstanceRole-1QX8ZK3MW4B7A", "/", "ec2"),
    ("app-server-role", "/", "ec2"),
    ("orders-processor-lambda-role", "/service-role/", "lambda"),
    ("thumbnailer-lambda-role", "/service-role/", "lambda"),
    ("ecsTaskExecutionRole", "/", "ecs"),
    ("DatadogIntegrationRole", "/", "vendor"),
    ("AWSServiceRoleForConfig", "/aws-service-role/config.amazonaws.com/", "svc"),
    ("AWSServiceRoleForTrustedAdvisor", "/aws-service-role/trustedadvisor.amazonaws.com/", "svc"),
]
SSO_PEOPLE = ["alice@example.com", "bob.jones@example.com", "carol@example.com",
              "dave.ops@example.com", "erin@example.com", "mallory@example.com",
              "oscar@example.com", "peggy@example.com"]
LAMBDA_FUNCS = ["orders-processor", "thumbnailer", "nightly-report",
                "cost-exporter", "slack-notifier"]
BUCKET_STEMS = ["app-assets", "data-lake-raw", "data-lake-curated", "logs-archive",
                "terraform-state", "backups", "customer-uploads", "athena-results"]
KEY_PREFIXES = ["uploads/2026/11/", "images/thumbs/", "exports/daily/",
                "raw/events/dt=2026-11-01/", "tfstate/prod/", "reports/",
                "AWSLogs/", "tmp/"]
KEY_EXTS = [".json", ".parquet", ".png", ".jpg", ".csv.gz", ".tfstate", ".log.gz", ".pdf"]
AWS_SERVICES = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com",
                "config.amazonaws.com", "cloudformation.amazonaws.com",
                "autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com",
                "s3.amazonaws.com", "kms.amazonaws.com", "events.amazonaws.com"]
INSTANCE_TYPES = ["t3.micro", "t3.medium", "m6i.large", "m6i.xlarge", "c6g.large",
                  "r6i.2xlarge", "t4g.small"]

UA_CLI = ["aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0-18-amd64 md/arch#x86_64 "
          "lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
          "md/distrib#debian.12 md/prompt#off md/command#{cmd}",
          "aws-cli/2.13.25 Python/3.11.5 Darwin/23.1.0 exe/x86_64 prompt/off command/{cmd}",
          "aws-cli/1.29.62 Python/3.9.18 Linux/5.10.197-186.748.amzn2.x86_64 botocore/1.31.62"]
UA_SDK = ["Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 "
          "md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy "
          "Botocore/1.34.69",
          "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 "
          "api/{svc}#1.50.1",
          "aws-sdk-java/2.25.11 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/"
          "17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. md/internal io/sync http/Apache "
          "cfg/retry-mode/legacy",
          "aws-sdk-js/3.535.0 ua/2.0 os/linux#5.10.213 lang/js md/nodejs#20.11.1 "
          "api/{svc}#3.535.0",
          "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) "
          "terraform-provider-aws/5.41.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
          "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 "
          "api/{svc}#1.50.2"]
UA_BROWSER = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/122.0.0.0 Safari/537.36",
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
              "Gecko) Version/17.3.1 Safari/605.1.15",
              "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"]
TLS_CHOICES = [("TLSv1.3", "TLS_AES_128_GCM_SHA256"), ("TLSv1.3", "TLS_AES_256_GCM_SHA384"),
               ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256")]
TLS_WEIGHTS = [70, 18, 12]

GLOBAL_SOURCES = {"iam.amazonaws.com", "signin.amazonaws.com"}
# which roles (indexes into ROLE_DEFS) a service principal assumes
SERVICE_ROLES = {"lambda.amazonaws.com": (6, 7), "ec2.amazonaws.com": (4, 5),
                 "ecs-tasks.amazonaws.com": (8,), "config.amazonaws.com": (10,)}


def cumulative(weights):
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


class Picker:
    """Weighted choice with precomputed cumulative weights (fast and deterministic)."""
    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = cumulative(weights)
        self.total = self.cum[-1]

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf_weights(n, s=1.0):
    return [1.0 / (i + 1) ** s for i in range(n)]


# --------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------

class Gen:
    def __init__(self, seed, start_epoch, n_accounts, n_regions):
        self.rng = random.Random(seed)
        r = self.rng
        self.start_epoch = start_epoch
        self.regions = ALL_REGIONS[:max(1, min(n_regions, len(ALL_REGIONS)))]
        self.region_picker = Picker(self.regions, zipf_weights(len(self.regions), 0.9))
        self.accounts = []
        seen = set()
        while len(self.accounts) < max(1, n_accounts):
            a = str(r.randrange(10 ** 11, 10 ** 12))
            if a not in seen:
                seen.add(a)
                self.accounts.append(a)
        self.account_picker = Picker(self.accounts, zipf_weights(len(self.accounts), 0.8))
        self.org_id = "o-" + self.rid("abcdefghijklmnopqrstuvwxyz0123456789", 10)
        self.acct_data = {a: self._make_account(a) for a in self.accounts}
        self.catalog = self._make_catalog()
        self.catalog_picker = Picker(range(len(self.catalog)), [c[0] for c in self.catalog])
        self._tcache = (None, None)

    # ---- small random helpers ----
    _tables = {}

    def rid(self, alphabet, n):
        """n random characters from alphabet (one getrandbits call, then a byte table)."""
        tab = Gen._tables.get(alphabet)
        if tab is None:
            L = len(alphabet)
            tab = Gen._tables[alphabet] = bytes(ord(alphabet[(b * L) >> 8]) for b in range(256))
        return self.rng.getrandbits(8 * n).to_bytes(n, "little").translate(tab).decode("ascii")

    def uuid4(self):
        x = self.rng.getrandbits(128)
        h = "%032x" % x
        return "%s-%s-4%s-%s%s-%s" % (h[0:8], h[8:12], h[13:16],
                                       "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])

    def hexid(self, n):
        return "%0*x" % (n, self.rng.getrandbits(4 * n))

    def public_ip(self):
        r = self.rng
        first = r.choice([3, 18, 34, 52, 54, 81, 85, 91, 98, 104, 142, 176, 185, 203, 212])
        return "%d.%d.%d.%d" % (first, r.randrange(256), r.randrange(256), r.randrange(1, 255))

    def iso(self, epoch):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))

    def event_time(self, epoch):
        sec = int(epoch)
        if self._tcache[0] != sec:
            self._tcache = (sec, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sec)))
        return self._tcache[1]

    # ---- principals ----
    def _make_account(self, acct):
        r = self.rng
        d = {"users": [], "roles": [], "buckets": [], "keys": [], "instances": [],
             "sgs": [], "vpcs": [], "subnets": [], "volumes": []}
        n_users = 6 + r.randrange(len(USER_NAMES) - 5)
        for name in USER_NAMES[:n_users]:
            uid = "AIDA" + self.rid(ALNUM_UP, 17)
            human = name in HUMAN_USERS
            d["users"].append({
                "kind": "IAMUser", "name": name, "principalId": uid,
                "arn": "arn:aws:iam::%s:user/%s" % (acct, name),
                "keys": ["AKIA" + self.rid(ALNUM_UP, 16) for _ in range(1 + r.randrange(2))],
                "human": human, "mfa": human and r.random() < 0.75,
                "ips": [self.public_ip() for _ in range(1 + r.randrange(3))],
            })
        for name, path, skind in ROLE_DEFS:
            rid = "AROA" + self.rid(ALNUM_UP, 17)
            d["roles"].append({
                "kind": "AssumedRole", "name": name, "path": path, "skind": skind,
                "principalId": rid,
                "arn": "arn:aws:iam::%s:role%s%s" % (acct, path, name),
                "ips": [self.public_ip() for _ in range(2 + r.randrange(4))],
                "sessions": [],
            })
        d["root"] = {"kind": "Root", "principalId": acct,
                     "arn": "arn:aws:iam::%s:root" % acct, "ips": [self.public_ip()]}
        for stem in BUCKET_STEMS:
            d["buckets"].append("%s-%s-%s" % ("acme", stem, acct[-4:]))
        for _ in range(4):
            d["keys"].append(self.uuid4())
        for _ in range(40):
            d["instances"].append("i-0" + self.hexid(16))
        for _ in range(12):
            d["sgs"].append("sg-0" + self.hexid(16))
        for _ in range(3):
            d["vpcs"].append("vpc-0" + self.hexid(16))
        for _ in range(9):
            d["subnets"].append("subnet-0" + self.hexid(16))
        for _ in range(30):
            d["volumes"].append("vol-0" + self.hexid(16))
        # who is active: Zipf over principals (CI / workload roles dominate)
        order = ([d["roles"][i] for i in (6, 4, 3, 5, 8, 7, 9, 0, 10, 1, 2, 11)]
                 + d["users"] + [d["root"]])
        wts = zipf_weights(len(order), 1.1)
        wts[-1] *= 0.15         # root is used rarely
        d["all_picker"] = Picker(order, wts)
        workload = [d["roles"][i] for i in (6, 4, 5, 8, 7, 3)]
        d["workload_picker"] = Picker(workload, zipf_weights(len(workload), 0.9))
        humans = [u for u in d["users"] if u["human"]]
        d["console_picker"] = Picker(humans + [d["root"]] + [d["roles"][0], d["roles"][1]],
                                     [3.0] * len(humans) + [0.25, 4.0, 2.5])
        d["human_users"] = humans
        return d

    def session_for(self, role, acct, t):
        """Return a (userIdentity dict, sourceIP, role) for a role session; sessions
        are reused for about an hour like real credentials."""
        r = self.rng
        sess = role["sessions"]
        if sess and r.random() < 0.93:
            s = sess[int(r.random() * len(sess))]
            if t - s["created"] < 3600:
                return s
        sk = role["skind"]
        if sk == "sso":
            sname = SSO_PEOPLE[int(r.random() * len(SSO_PEOPLE))]
        elif sk == "ec2":
            sname = self.acct_data[acct]["instances"][int(r.random() * 40)]
        elif sk == "lambda":
            sname = LAMBDA_FUNCS[int(r.random() * len(LAMBDA_FUNCS))]
        elif sk == "ci":
            sname = "GitHubActions-%d" % r.randrange(10 ** 9, 10 ** 10)
        elif sk == "ecs":
            sname = self.hexid(32)
        elif sk == "svc":
            sname = role["name"].replace("AWSServiceRoleFor", "")
        elif sk == "vendor":
            sname = "DatadogAWSIntegration"
        else:
            sname = r.choice(["alice", "admin-session", "breakglass", "bob.jones"])
        created = t - r.random() * 3000
        ident = {
            "type": "AssumedRole",
            "principalId": "%s:%s" % (role["principalId"], sname),
            "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, role["name"], sname),
            "accountId": acct,
            "accessKeyId": "ASIA" + self.rid(ALNUM_UP, 16),
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": role["principalId"],
                                  "arn": role["arn"], "accountId": acct,
                                  "userName": role["name"]},
                "webIdFederationData": ({"federatedProvider":
                                         "arn:aws:iam::%s:oidc-provider/token.actions."
                                         "githubusercontent.com" % acct,
                                         "attributes": {}} if sk == "ci" else {}),
                "attributes": {"creationDate": self.iso(created),
                               "mfaAuthenticated": "false"},
            },
        }
        if sk in ("ec2",):
            ident["sessionContext"]["ec2RoleDelivery"] = "2.0"
        if sk in ("lambda", "ec2", "ecs", "svc", "vendor"):
            ua = UA_SDK[int(r.random() * 4)]          # workloads use one SDK per session
        elif sk == "ci":
            ua = UA_SDK[4] if r.random() < 0.7 else UA_CLI[0]
        else:
            ua = None                                 # people: CLI, SDK or console per call
        s = {"ident": ident, "created": created, "sname": sname,
             "ip": role["ips"][int(r.random() * len(role["ips"]))], "role": role,
             "console": sk in ("sso", "human") and r.random() < 0.5, "ua": ua}
        if len(sess) >= 6:
            sess[int(r.random() * len(sess))] = s
        else:
            sess.append(s)
        return s

    def identity(self, acct, p, t):
        """-> (userIdentity, sourceIPAddress, is_console, arn-of-caller, user-agent template)"""
        r = self.rng
        k = p["kind"]
        if k == "AssumedRole":
            s = self.session_for(p, acct, t)
            return s["ident"], s["ip"], s["console"], s["ident"]["arn"], s["ua"]
        if k == "IAMUser":
            console = p["human"] and r.random() < 0.35
            ident = {"type": "IAMUser", "principalId": p["principalId"], "arn": p["arn"],
                     "accountId": acct}
            if console:
                ident["accessKeyId"] = "ASIA" + self.rid(ALNUM_UP, 16)
                ident["userName"] = p["name"]
                ident["sessionContext"] = {
                    "sessionIssuer": {}, "webIdFederationData": {},
                    "attributes": {"creationDate": self.iso(t - r.random() * 7200),
                                   "mfaAuthenticated": "true" if p["mfa"] else "false"}}
            else:
                ident["accessKeyId"] = p["keys"][int(r.random() * len(p["keys"]))]
                ident["userName"] = p["name"]
            return ident, p["ips"][int(r.random() * len(p["ips"]))], console, p["arn"], None
        # Root
        ident = {"type": "Root", "principalId": acct, "arn": p["arn"], "accountId": acct,
                 "accessKeyId": "ASIA" + self.rid(ALNUM_UP, 16),
                 "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                    "attributes": {"creationDate": self.iso(t - r.random() * 1800),
                                                   "mfaAuthenticated": "true"}}}
        return ident, p["ips"][0], True, p["arn"], None

    # ---- user agents / tls ----
    def user_agent(self, console, source, name):
        r = self.rng
        if console:
            if source == "s3.amazonaws.com":
                return "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.217 " \
                       "OpenJDK_64-Bit_Server_VM/25.372-b08 java/1.8.0_372 vendor/Oracle_" \
                       "Corporation cfg/retry-mode/standard]"
            return "AWS Internal" if r.random() < 0.3 else r.choice(UA_BROWSER)
        x = r.random()
        svc = source.split(".")[0]
        if x < 0.22:
            cmd = "%s.%s" % (svc, name[0].lower() + name[1:])
            return r.choice(UA_CLI).replace("{cmd}", cmd)
        ua = UA_SDK[int(r.random() * len(UA_SDK))]
        return ua.replace("{svc}", svc)

    def tls(self, source, region):
        r = self.rng
        x = r.random() * 100
        v, c = TLS_CHOICES[0] if x < 70 else (TLS_CHOICES[1] if x < 88 else TLS_CHOICES[2])
        svc = source.split(".")[0]
        if source in GLOBAL_SOURCES:
            host = "%s.amazonaws.com" % svc if svc != "signin" else "signin.aws.amazon.com"
        else:
            host = "%s.%s.amazonaws.com" % (svc, region)
        return {"tlsVersion": v, "cipherSuite": c, "clientProvidedHostHeader": host}

    # ---- catalog ----
    def _make_catalog(self):
        # (weight, eventSource, eventName, readOnly, category, principal-class, builder)
        # principal-class: any | workload | console | service | human
        # weights follow a Zipf-like shape: few very hot read APIs, long tail of writes.
        S3, IAM, EC2, STS = "s3.amazonaws.com", "iam.amazonaws.com", "ec2.amazonaws.com", "sts.amazonaws.com"
        KMS, CT, SIGNIN, LOGS = "kms.amazonaws.com", "cloudtrail.amazonaws.com", "signin.amazonaws.com", "logs.amazonaws.com"
        LAMBDA, MON = "lambda.amazonaws.com", "monitoring.amazonaws.com"
        c = [
            (1000, STS, "AssumeRole", True, "Management", "service", self.b_assume_role),
            (700, S3, "GetObject", True, "Data", "workload", self.b_s3_object),
            (520, KMS, "Decrypt", True, "Management", "kmsuse", self.b_kms),
            (400, EC2, "DescribeInstances", True, "Management", "any", self.b_describe_instances),
            (330, S3, "PutObject", False, "Data", "workload", self.b_s3_object),
            (280, KMS, "GenerateDataKey", True, "Management", "kmsuse", self.b_kms),
            (250, STS, "GetCallerIdentity", True, "Management", "any", self.b_null),
            (210, S3, "HeadObject", True, "Data", "workload", self.b_s3_object),
            (180, LOGS, "CreateLogStream", False, "Management", "workload", self.b_logs_stream),
            (160, EC2, "DescribeVolumes", True, "Management", "any", self.b_ec2_ids("volumeSet", "volumeId", "volumes")),
            (150, S3, "ListObjects", True, "Data", "workload", self.b_s3_list),
            (140, EC2, "DescribeSecurityGroups", True, "Management", "any", self.b_ec2_ids("securityGroupIdSet", "groupId", "sgs")),
            (130, LAMBDA, "Invoke", False, "Data", "workload", self.b_lambda_invoke),
            (120, IAM, "GetRole", True, "Management", "any", self.b_iam_role),
            (110, EC2, "DescribeNetworkInterfaces", True, "Management", "any", self.b_ec2_filters),
            (100, S3, "GetBucketAcl", True, "Management", "any", self.b_s3_bucket),
            (95, MON, "GetMetricData", True, "Management", "any", self.b_metric_data),
            (90, IAM, "ListRoles", True, "Management", "any", self.b_iam_list),
            (85, S3, "GetBucketLocation", True, "Management", "any", self.b_s3_bucket),
            (80, EC2, "DescribeSubnets", True, "Management", "any", self.b_ec2_ids("subnetSet", "subnetId", "subnets")),
            (75, STS, "AssumeRoleWithWebIdentity", True, "Management", "ci", self.b_assume_role_web),
            (70, EC2, "DescribeVpcs", True, "Management", "any", self.b_ec2_ids("vpcSet", "vpcId", "vpcs")),
            (65, S3, "ListBuckets", True, "Management", "any", self.b_null_s3),
            (60, IAM, "ListAttachedRolePolicies", True, "Management", "any", self.b_iam_role),
            (55, CT, "LookupEvents", True, "Management", "any", self.b_ct_lookup),
            (50, IAM, "GetPolicyVersion", True, "Management", "any", self.b_iam_policy_version),
            (48, LOGS, "DescribeLogGroups", True, "Management", "any", self.b_logs_describe),
            (46, EC2, "DescribeImages", True, "Management", "any", self.b_describe_images),
            (44, S3, "GetBucketEncryption", True, "Management", "any", self.b_s3_bucket),
            (42, IAM, "ListPolicies", True, "Management", "any", self.b_iam_list_policies),
            (40, CT, "DescribeTrails", True, "Management", "any", self.b_ct_describe),
            (38, KMS, "ListAliases", True, "Management", "any", self.b_null),
            (36, EC2, "DescribeInstanceStatus", True, "Management", "any", self.b_describe_instances),
            (34, SIGNIN, "ConsoleLogin", False, "Management", "console", self.b_console_login),
            (33, CT, "GetTrailStatus", True, "Management", "any", self.b_ct_status),
            (32, S3, "GetBucketPolicy", True, "Management", "any", self.b_s3_bucket),
            (30, IAM, "ListUsers", True, "Management", "any", self.b_iam_list),
            (28, MON, "DescribeAlarms", True, "Management", "any", self.b_describe_alarms),
            (26, KMS, "Encrypt", True, "Management", "kmsuse", self.b_kms),
            (25, LAMBDA, "ListFunctions20150331", True, "Management", "any", self.b_null),
            (24, IAM, "ListAccessKeys", True, "Management", "any", self.b_iam_user),
            (22, S3, "DeleteObject", False, "Data", "workload", self.b_s3_object),
            (21, EC2, "DescribeRegions", True, "Management", "any", self.b_null_ec2),
            (20, CT, "GetEventSelectors", True, "Management", "any", self.b_ct_status),
            (19, IAM, "GetUser", True, "Management", "any", self.b_iam_user),
            (18, EC2, "CreateTags", False, "Management", "any", self.b_create_tags),
            (17, LAMBDA, "GetFunction20150331v2", True, "Management", "any", self.b_lambda_fn),
            (16, IAM, "ListMFADevices", True, "Management", "any", self.b_iam_user),
            (15, STS, "GetSessionToken", True, "Management", "human", self.b_session_token),
            (14, EC2, "RunInstances", False, "Management", "any", self.b_run_instances),
            (13, EC2, "TerminateInstances", False, "Management", "any", self.b_instance_state),
            (12, SIGNIN, "CheckMfa", False, "Management", "console", self.b_check_mfa),
            (12, EC2, "StopInstances", False, "Management", "any", self.b_instance_state),
            (11, EC2, "StartInstances", False, "Management", "any", self.b_instance_state),
            (10, LAMBDA, "UpdateFunctionCode20150331v2", False, "Management", "any", self.b_lambda_update),
            (9, EC2, "AuthorizeSecurityGroupIngress", False, "Management", "any", self.b_sg_ingress),
            (8, IAM, "PutRolePolicy", False, "Management", "any", self.b_put_role_policy),
            (8, MON, "PutMetricAlarm", False, "Management", "any", self.b_put_alarm),
            (7, EC2, "CreateSnapshot", False, "Management", "any", self.b_snapshot),
            (7, S3, "PutBucketPolicy", False, "Management", "any", self.b_put_bucket_policy),
            (6, IAM, "CreateRole", False, "Management", "any", self.b_create_role),
            (6, IAM, "AttachRolePolicy", False, "Management", "any", self.b_attach_policy),
            (5, EC2, "CreateSecurityGroup", False, "Management", "any", self.b_create_sg),
            (5, IAM, "CreateAccessKey", False, "Management", "any", self.b_create_access_key),
            (4, S3, "CreateBucket", False, "Management", "any", self.b_create_bucket),
            (4, EC2, "DeleteSecurityGroup", False, "Management", "any", self.b_ec2_one("groupId", "sgs")),
            (4, IAM, "DeleteAccessKey", False, "Management", "any", self.b_delete_access_key),
            (3, KMS, "RotateKey", False, "Management", "kmsservice", self.b_kms_rotate),
            (3, IAM, "CreateUser", False, "Management", "any", self.b_create_user),
            (3, IAM, "AttachUserPolicy", False, "Management", "any", self.b_attach_policy),
            (3, EC2, "CreateKeyPair", False, "Management", "any", self.b_create_keypair),
            (2, CT, "UpdateTrail", False, "Management", "any", self.b_ct_trail),
            (2, KMS, "DisableKey", False, "Management", "any", self.b_kms_key_only),
            (2, KMS, "ScheduleKeyDeletion", False, "Management", "any", self.b_kms_delete),
            (2, S3, "DeleteBucket", False, "Management", "any", self.b_s3_bucket),
            (2, IAM, "DeleteUser", False, "Management", "any", self.b_iam_user),
            (2, IAM, "UpdateAssumeRolePolicy", False, "Management", "any", self.b_create_role),
            (1.2, CT, "StopLogging", False, "Management", "any", self.b_ct_trail),
            (1.0, CT, "StartLogging", False, "Management", "any", self.b_ct_trail),
            (0.6, CT, "DeleteTrail", False, "Management", "any", self.b_ct_trail),
            (0.8, CT, "PutEventSelectors", False, "Management", "any", self.b_ct_selectors),
            (0.5, CT, "CreateTrail", False, "Management", "any", self.b_ct_create),
        ]
        return c

    # ---- builders: each returns (requestParameters, responseElements, extra dict or None)
    def b_null(self, ctx):
        return None, None, None

    def b_null_s3(self, ctx):
        return {"Host": "s3.amazonaws.com"}, None, {"additionalEventData": self.s3_aed(0, 0)}

    def b_null_ec2(self, ctx):
        return {"regionSet": {}, "allRegions": False}, None, None

    def s3_aed(self, bin_, bout):
        r = self.rng
        return {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                "bytesTransferredIn": bin_, "AuthenticationMethod": "AuthHeader",
                "x-amz-id-2": self.rid(B64, 76), "bytesTransferredOut": bout}

    def bucket(self, ctx):
        b = self.acct_data[ctx["acct"]]["buckets"]
        return b[min(int(self.rng.expovariate(0.45)), len(b) - 1)]

    def obj_key(self):
        r = self.rng
        p = KEY_PREFIXES[int(r.random() * len(KEY_PREFIXES))]
        return "%s%s%s" % (p, self.hexid(r.choice([8, 12, 24, 32])), KEY_EXTS[int(r.random() * len(KEY_EXTS))])

    def b_s3_object(self, ctx):
        r = self.rng
        b = self.bucket(ctx)
        key = self.obj_key()
        acct = ctx["acct"]
        name = ctx["name"]
        rp = {"bucketName": b, "Host": "%s.s3.%s.amazonaws.com" % (b, ctx["region"]), "key": key}
        size = int(r.lognormvariate(9.5, 2.0))
        resp = None
        if name == "PutObject":
            rp["x-amz-server-side-encryption"] = "aws:kms" if r.random() < 0.4 else "AES256"
            aed = self.s3_aed(size, 0)
            resp = {"x-amz-server-side-encryption": rp["x-amz-server-side-encryption"],
                    "x-amz-version-id": self.rid(FILE_CHARS, 32)}
            if rp["x-amz-server-side-encryption"] == "aws:kms":
                resp["x-amz-server-side-encryption-aws-kms-key-id"] = \
                    "arn:aws:kms:%s:%s:key/%s" % (ctx["region"], acct, self.acct_data[acct]["keys"][0])
                resp["x-amz-server-side-encryption-bucket-key-enabled"] = True
        elif name == "GetObject":
            aed = self.s3_aed(0, size)
            if r.random() < 0.3:
                rp["versionId"] = self.rid(FILE_CHARS, 32)
        elif name == "HeadObject":
            aed = self.s3_aed(0, 0)
        else:
            aed = self.s3_aed(0, 0)
        res = [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (b, key)},
               {"accountId": acct, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % b}]
        extra = {"additionalEventData": aed, "resources": res, "s3": True}
        if r.random() < 0.15:
            extra["vpcEndpointId"] = "vpce-0" + self.hexid(16)
        return rp, resp, extra

    def b_s3_list(self, ctx):
        r = self.rng
        b = self.bucket(ctx)
        rp = {"list-type": "2", "bucketName": b, "encoding-type": "url",
              "max-keys": "1000", "prefix": KEY_PREFIXES[int(r.random() * len(KEY_PREFIXES))],
              "delimiter": "/", "Host": "%s.s3.%s.amazonaws.com" % (b, ctx["region"])}
        res = [{"accountId": ctx["acct"], "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % b}]
        return rp, None, {"additionalEventData": self.s3_aed(0, 0), "resources": res, "s3": True}

    def b_s3_bucket(self, ctx):
        b = self.bucket(ctx)
        q = {"GetBucketAcl": "acl", "GetBucketLocation": "location",
             "GetBucketEncryption": "encryption", "GetBucketPolicy": "policy"}.get(ctx["name"])
        rp = {"bucketName": b, "Host": "%s.s3.%s.amazonaws.com" % (b, ctx["region"])}
        if q:
            rp[q] = ""
        res = [{"accountId": ctx["acct"], "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % b}]
        extra = {"additionalEventData": self.s3_aed(0, 0), "resources": res, "s3": True}
        if ctx["name"] == "GetBucketEncryption" and self.rng.random() < 0.3:
            extra["error"] = ("ServerSideEncryptionConfigurationNotFoundError",
                              "The server side encryption configuration was not found")
        if ctx["name"] == "GetBucketPolicy" and self.rng.random() < 0.4:
            extra["error"] = ("NoSuchBucketPolicy", "The bucket policy does not exist")
        return rp, None, extra

    def b_put_bucket_policy(self, ctx):
        r = self.rng
        b = self.bucket(ctx)
        public = r.random() < 0.15
        stmt = [{"Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*",
                 "Action": "s3:*", "Resource": ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
        if public:
            stmt.append({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % b})
        else:
            stmt.append({"Sid": "OrgRead", "Effect": "Allow", "Principal": "*",
                         "Action": ["s3:GetObject", "s3:ListBucket"],
                         "Resource": ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b],
                         "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org_id}}})
        rp = {"bucketPolicy": {"Version": "2012-10-17", "Statement": stmt}, "bucketName": b,
              "Host": "%s.s3.%s.amazonaws.com" % (b, ctx["region"]), "policy": ""}
        res = [{"accountId": ctx["acct"], "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % b}]
        return rp, None, {"additionalEventData": self.s3_aed(len(json.dumps(stmt)), 0),
                          "resources": res, "s3": True}

    def b_create_bucket(self, ctx):
        b = "acme-%s-%s" % (self.rng.choice(BUCKET_STEMS), self.hexid(8))
        rp = {"bucketName": b, "Host": "%s.s3.%s.amazonaws.com" % (b, ctx["region"]),
              "CreateBucketConfiguration": {"LocationConstraint": ctx["region"],
                                            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}}
        res = [{"accountId": ctx["acct"], "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % b}]
        return rp, None, {"additionalEventData": self.s3_aed(0, 0), "resources": res, "s3": True}

    def b_assume_role(self, ctx):
        r = self.rng
        acct = ctx["acct"]
        svc_roles = SERVICE_ROLES.get(ctx.get("svc"))
        if svc_roles:
            role = self.acct_data[acct]["roles"][svc_roles[int(r.random() * len(svc_roles))]]
        else:
            role = self.acct_data[acct]["roles"][int(r.random() * len(ROLE_DEFS))]
        sname = ctx.get("svc_session") or "%s-%d" % (role["skind"], r.randrange(10 ** 6))
        exp = self.iso(ctx["t"] + 3600)
        rp = {"roleArn": role["arn"], "roleSessionName": sname}
        if r.random() < 0.3:
            rp["durationSeconds"] = r.choice([900, 3600, 43200])
        if r.random() < 0.2:
            rp["externalId"] = self.hexid(16)
        resp = {"credentials": {"accessKeyId": "ASIA" + self.rid(ALNUM_UP, 16),
                                "sessionToken": "IQoJb3JpZ2luX2Vj" + self.rid(B64, r.choice([360, 520, 780])),
                                "expiration": exp},
                "assumedRoleUser": {"assumedRoleId": "%s:%s" % (role["principalId"], sname),
                                    "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, role["name"], sname)}}
        res = [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": role["arn"]}]
        extra = {"resources": res}
        if ctx.get("service"):
            extra["sharedEventID"] = self.uuid4()
        return rp, resp, extra

    def b_assume_role_web(self, ctx):
        r = self.rng
        acct = ctx["acct"]
        role = self.acct_data[acct]["roles"][3]
        sname = "GitHubActions-%d" % r.randrange(10 ** 9, 10 ** 10)
        rp = {"roleArn": role["arn"], "roleSessionName": sname, "durationSeconds": 3600}
        resp = {"credentials": {"accessKeyId": "ASIA" + self.rid(ALNUM_UP, 16),
                                "sessionToken": "IQoJb3JpZ2luX2Vj" + self.rid(B64, 520),
                                "expiration": self.iso(ctx["t"] + 3600)},
                "subjectFromWebIdentityToken": "repo:acme/platform:ref:refs/heads/main",
                "assumedRoleUser": {"assumedRoleId": "%s:%s" % (role["principalId"], sname),
                                    "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, role["name"], sname)},
                "provider": "arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com" % acct,
                "audience": "sts.amazonaws.com"}
        ident = {"type": "WebIdentityUser",
                 "principalId": "arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com:"
                                "sts.amazonaws.com:repo:acme/platform:ref:refs/heads/main" % acct,
                 "userName": "repo:acme/platform:ref:refs/heads/main",
                 "identityProvider": "arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com" % acct}
        res = [{"accountId": acct, "type": "AWS::IAM::Role", "ARN": role["arn"]}]
        return rp, resp, {"resources": res, "identity": ident}

    def b_session_token(self, ctx):
        r = self.rng
        rp = {"durationSeconds": 43200}
        if r.random() < 0.6:
            rp["serialNumber"] = "arn:aws:iam::%s:mfa/%s" % (ctx["acct"], ctx.get("user", "alice"))
        resp = {"credentials": {"accessKeyId": "ASIA" + self.rid(ALNUM_UP, 16),
                                "sessionToken": "IQoJb3JpZ2luX2Vj" + self.rid(B64, 360),
                                "expiration": self.iso(ctx["t"] + 43200)}}
        return rp, resp, None

    def b_kms(self, ctx):
        r = self.rng
        acct, region = ctx["acct"], ctx["region"]
        key = self.acct_data[acct]["keys"][min(int(r.expovariate(1.0)), 3)]
        arn = "arn:aws:kms:%s:%s:key/%s" % (region, acct, key)
        b = self.bucket(ctx)
        rp = {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}
        x = r.random()
        if x < 0.5:
            rp["encryptionContext"] = {"aws:s3:arn": "arn:aws:s3:::%s/%s" % (b, self.obj_key())}
        elif x < 0.75:
            rp["encryptionContext"] = {"aws:lambda:FunctionArn": "arn:aws:lambda:%s:%s:function:%s"
                                       % (region, acct, r.choice(LAMBDA_FUNCS))}
        elif x < 0.9:
            rp["encryptionContext"] = {"SecretARN": "arn:aws:secretsmanager:%s:%s:secret:prod/db-%s"
                                       % (region, acct, self.rid(FILE_CHARS, 6)),
                                       "SecretVersionId": self.uuid4()}
        if ctx["name"] != "Decrypt" or r.random() < 0.4:
            rp["keyId"] = arn if r.random() < 0.5 else "alias/aws/s3"
        if ctx["name"] == "GenerateDataKey":
            rp["keySpec"] = "AES_256"
            rp.pop("encryptionAlgorithm")
        res = [{"accountId": acct, "type": "AWS::KMS::Key", "ARN": arn}]
        return rp, None, {"resources": res}

    def b_kms_rotate(self, ctx):
        acct, region = ctx["acct"], ctx["region"]
        key = self.acct_data[acct]["keys"][int(self.rng.random() * 4)]
        arn = "arn:aws:kms:%s:%s:key/%s" % (region, acct, key)
        return None, None, {"resources": [{"accountId": acct, "type": "AWS::KMS::Key", "ARN": arn}],
                            "serviceEventDetails": {"keyId": key}}

    def b_kms_key_only(self, ctx):
        acct, region = ctx["acct"], ctx["region"]
        key = self.acct_data[acct]["keys"][int(self.rng.random() * 4)]
        arn = "arn:aws:kms:%s:%s:key/%s" % (region, acct, key)
        return {"keyId": key}, None, {"resources": [{"accountId": acct, "type": "AWS::KMS::Key", "ARN": arn}]}

    def b_kms_delete(self, ctx):
        rp, _, extra = self.b_kms_key_only(ctx)
        rp["pendingWindowInDays"] = 30
        resp = {"keyId": extra["resources"][0]["ARN"], "deletionDate": self.iso(ctx["t"] + 30 * 86400),
                "keyState": "PendingDeletion", "pendingWindowInDays": 30}
        return rp, resp, extra

    def b_describe_instances(self, ctx):
        r = self.rng
        inst = self.acct_data[ctx["acct"]]["instances"]
        n = min(int(r.expovariate(0.25)), 39)
        rp = {"instancesSet": {"items": [{"instanceId": inst[int(r.random() * 40)]} for _ in range(n)]},
              "filterSet": {}}
        if r.random() < 0.35:
            rp["filterSet"] = {"items": [{"name": "instance-state-name",
                                          "valueSet": {"items": [{"value": "running"}]}},
                                         {"name": "tag:Environment",
                                          "valueSet": {"items": [{"value": r.choice(["prod", "staging"])}]}}]}
        if ctx["name"] == "DescribeInstanceStatus":
            rp["includeAllInstances"] = r.random() < 0.5
        return rp, None, None

    def b_ec2_ids(self, set_name, id_name, pool):
        def f(ctx):
            r = self.rng
            ids = self.acct_data[ctx["acct"]][pool]
            n = min(int(r.expovariate(0.5)), len(ids))
            rp = {set_name: {"items": [{id_name: ids[int(r.random() * len(ids))]} for _ in range(n)]} if n else {},
                  "filterSet": {}}
            if r.random() < 0.3:
                rp["filterSet"] = {"items": [{"name": "vpc-id", "valueSet": {"items": [
                    {"value": self.acct_data[ctx["acct"]]["vpcs"][int(r.random() * 3)]}]}}]}
            return rp, None, None
        return f

    def b_ec2_one(self, id_name, pool):
        def f(ctx):
            ids = self.acct_data[ctx["acct"]][pool]
            i = ids[int(self.rng.random() * len(ids))]
            return {id_name: i}, {"requestId": self.uuid4(), "_return": True}, None
        return f

    def b_ec2_filters(self, ctx):
        r = self.rng
        d = self.acct_data[ctx["acct"]]
        rp = {"networkInterfaceIdSet": {}, "filterSet": {"items": [
            {"name": "subnet-id", "valueSet": {"items": [{"value": d["subnets"][int(r.random() * 9)]}]}},
            {"name": "status", "valueSet": {"items": [{"value": "in-use"}]}}]}}
        return rp, None, None

    def b_describe_images(self, ctx):
        r = self.rng
        rp = {"executableBySet": {}, "imagesSet": {"items": [{"imageId": "ami-0" + self.hexid(16)}
                                                             for _ in range(1 + int(r.random() * 3))]},
              "ownersSet": {"items": [{"owner": r.choice(["amazon", "self", "099720109477"])}]},
              "includeDeprecated": False, "includeDisabled": False}
        return rp, None, None

    def b_create_tags(self, ctx):
        r = self.rng
        d = self.acct_data[ctx["acct"]]
        rp = {"resourcesSet": {"items": [{"resourceId": d["instances"][int(r.random() * 40)]}]},
              "tagSet": {"items": [{"key": "Name", "value": "app-%s" % self.hexid(6)},
                                   {"key": "Environment", "value": r.choice(["prod", "staging", "dev"])},
                                   {"key": "CostCenter", "value": str(r.randrange(1000, 9999))}]}}
        return rp, {"requestId": self.uuid4(), "_return": True}, None

    def b_run_instances(self, ctx):
        r = self.rng
        d = self.acct_data[ctx["acct"]]
        region = ctx["region"]
        itype = r.choice(INSTANCE_TYPES)
        ami = "ami-0" + self.hexid(16)
        subnet = d["subnets"][int(r.random() * 9)]
        sg = d["sgs"][int(r.random() * 12)]
        vpc = d["vpcs"][int(r.random() * 3)]
        n = 1 + int(r.expovariate(1.5))
        rp = {"instancesSet": {"items": [{"imageId": ami, "minCount": n, "maxCount": n}]},
              "instanceType": itype, "blockDeviceMapping": {},
              "monitoring": {"enabled": False}, "disableApiTermination": False,
              "disableApiStop": False, "clientToken": self.uuid4(),
              "networkInterfaceSet": {"items": [{"deviceIndex": 0, "subnetId": subnet,
                                                 "associatePublicIpAddress": r.random() < 0.3,
                                                 "groupSet": {"items": [{"groupId": sg}]}}]},
              "iamInstanceProfile": {"arn": "arn:aws:iam::%s:instance-profile/app-server" % ctx["acct"]},
              "tagSpecificationSet": {"items": [{"resourceType": "instance", "tags": [
                  {"key": "Name", "value": "app-%s" % self.hexid(6)},
                  {"key": "Environment", "value": "prod"}]}]}}
        items = []
        for i in range(n):
            iid = "i-0" + self.hexid(16)
            ip = "10.%d.%d.%d" % (r.randrange(256), r.randrange(256), r.randrange(1, 255))
            items.append({
                "instanceId": iid, "imageId": ami, "currentInstanceBootMode": "uefi",
                "instanceState": {"code": 0, "name": "pending"}, "privateDnsName":
                    "ip-%s.%s.compute.internal" % (ip.replace(".", "-"), region),
                "amiLaunchIndex": i, "productCodes": {}, "instanceType": itype,
                "launchTime": ctx["t_ms"], "placement": {"availabilityZone": region + "a",
                                                         "tenancy": "default"},
                "monitoring": {"state": "disabled"}, "subnetId": subnet, "vpcId": vpc,
                "privateIpAddress": ip, "stateReason": {"code": "pending", "message": "pending"},
                "architecture": "x86_64", "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda",
                "blockDeviceMapping": {}, "virtualizationType": "hvm", "hypervisor": "xen",
                "groupSet": {"items": [{"groupId": sg, "groupName": "app-sg"}]},
                "networkInterfaceSet": {"items": [{
                    "networkInterfaceId": "eni-0" + self.hexid(16), "subnetId": subnet,
                    "vpcId": vpc, "ownerId": ctx["acct"], "status": "in-use",
                    "macAddress": ":".join(self.hexid(2) for _ in range(6)),
                    "privateIpAddress": ip, "sourceDestCheck": True, "interfaceType": "interface",
                    "groupSet": {"items": [{"groupId": sg, "groupName": "app-sg"}]},
                    "attachment": {"attachmentId": "eni-attach-0" + self.hexid(16),
                                   "deviceIndex": 0, "networkCardIndex": 0,
                                   "status": "attaching", "attachTime": ctx["t_ms"],
                                   "deleteOnTermination": True}}]},
                "ebsOptimized": False, "enaSupport": True, "sourceDestCheck": True,
                "capacityReservationSpecification": {"capacityReservationPreference": "open"},
                "enclaveOptions": {"enabled": False},
                "metadataOptions": {"state": "pending", "httpTokens": "required",
                                    "httpPutResponseHopLimit": 2, "httpEndpoint": "enabled"},
                "maintenanceOptions": {"autoRecovery": "default"}})
        resp = {"requestId": self.uuid4(), "reservationId": "r-0" + self.hexid(16),
                "ownerId": ctx["acct"], "groupSet": {}, "instancesSet": {"items": items},
                "requesterId": None}
        del resp["requesterId"]
        return rp, resp, None

    def b_instance_state(self, ctx):
        r = self.rng
        d = self.acct_data[ctx["acct"]]
        ids = [d["instances"][int(r.random() * 40)] for _ in range(1 + int(r.expovariate(1.2)))]
        prev, cur = {"TerminateInstances": ((16, "running"), (32, "shutting-down")),
                     "StopInstances": ((16, "running"), (64, "stopping")),
                     "StartInstances": ((80, "stopped"), (0, "pending"))}[ctx["name"]]
        rp = {"instancesSet": {"items": [{"instanceId": i} for i in ids]}}
        if ctx["name"] == "StopInstances":
            rp["force"] = False
        resp = {"requestId": self.uuid4(), "instancesSet": {"items": [
            {"instanceId": i, "currentState": {"code": cur[0], "name": cur[1]},
             "previousState": {"code": prev[0], "name": prev[1]}} for i in ids]}}
        return rp, resp, None

    def b_sg_ingress(self, ctx):
        r = self.rng
        d = self.acct_data[ctx["acct"]]
        sg = d["sgs"][int(r.random() * 12)]
        cidr = "0.0.0.0/0" if r.random() < 0.2 else "10.%d.0.0/16" % r.randrange(256)
        port = r.choice([22, 443, 3389, 5432, 8080])
        rp = {"groupId": sg, "ipPermissions": {"items": [{
            "ipProtocol": "tcp", "fromPort": port, "toPort": port, "groups": {},
            "ipRanges": {"items": [{"cidrIp": cidr, "description": "added by %s" % ctx.get("user", "ops")}]},
            "ipv6Ranges": {}, "prefixListIds": {}}]}}
        resp = {"requestId": self.uuid4(), "_return": True, "securityGroupRuleSet": {"items": [{
            "groupOwnerId": ctx["acct"], "groupId": sg, "securityGroupRuleId": "sgr-0" + self.hexid(16),
            "isEgress": False, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIpv4": cidr}]}}
        return rp, resp, None

    def b_create_sg(self, ctx):
        d = self.acct_data[ctx["acct"]]
        rp = {"groupName": "sg-%s" % self.hexid(6), "groupDescription": "managed by terraform",
              "vpcId": d["vpcs"][int(self.rng.random() * 3)]}
        return rp, {"requestId": self.uuid4(), "_return": True, "groupId": "sg-0" + self.hexid(16)}, None

    def b_snapshot(self, ctx):
        d = self.acct_data[ctx["acct"]]
        vol = d["volumes"][int(self.rng.random() * 30)]
        rp = {"volumeId": vol, "description": "nightly backup"}
        resp = {"requestId": self.uuid4(), "snapshotId": "snap-0" + self.hexid(16), "volumeId": vol,
                "status": "pending", "startTime": ctx["t_ms"], "progress": "", "ownerId": ctx["acct"],
                "volumeSize": self.rng.choice([8, 20, 100, 500]), "encrypted": True,
                "description": "nightly backup"}
        return rp, resp, None

    def b_create_keypair(self, ctx):
        name = "deploy-%s" % self.hexid(6)
        return {"keyName": name, "keyType": "ed25519", "keyFormat": "pem"}, \
               {"requestId": self.uuid4(), "keyName": name, "keyFingerprint": self.rid(B64, 43),
                "keyPairId": "key-0" + self.hexid(16), "keyMaterial": "<sensitiveDataRemoved>"}, None

    def b_iam_role(self, ctx):
        role = self.acct_data[ctx["acct"]]["roles"][int(self.rng.random() * len(ROLE_DEFS))]
        return {"roleName": role["name"]}, None, None

    def b_iam_user(self, ctx):
        users = self.acct_data[ctx["acct"]]["users"]
        u = users[int(self.rng.random() * len(users))]
        rp = {"userName": u["name"]}
        if ctx["name"] == "ListAccessKeys" and self.rng.random() < 0.3:
            rp = None
        return rp, None, None

    def b_iam_list(self, ctx):
        r = self.rng
        rp = None
        if r.random() < 0.5:
            rp = {"maxItems": 1000}
            if r.random() < 0.3:
                rp["marker"] = self.rid(B64, 120)
        return rp, None, None

    def b_iam_list_policies(self, ctx):
        return {"scope": self.rng.choice(["Local", "AWS", "All"]), "onlyAttached": False,
                "maxItems": 100}, None, None

    def b_iam_policy_version(self, ctx):
        return {"policyArn": "arn:aws:iam::aws:policy/%s" % self.rng.choice(
            ["ReadOnlyAccess", "AdministratorAccess", "AmazonS3FullAccess", "SecurityAudit",
             "AWSLambdaBasicExecutionRole"]), "versionId": "v%d" % (1 + int(self.rng.random() * 9))}, None, None

    def policy_doc(self, broad):
        if broad:
            st = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        else:
            st = [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                   "Resource": ["arn:aws:s3:::acme-app-assets-*", "arn:aws:s3:::acme-app-assets-*/*"]},
                  {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
                   "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}]
        return json.dumps({"Version": "2012-10-17", "Statement": st}, indent=4)

    def b_put_role_policy(self, ctx):
        role = self.acct_data[ctx["acct"]]["roles"][int(self.rng.random() * len(ROLE_DEFS))]
        return {"roleName": role["name"], "policyName": "inline-%s" % self.hexid(6),
                "policyDocument": self.policy_doc(self.rng.random() < 0.1)}, None, None

    def b_create_role(self, ctx):
        r = self.rng
        acct = ctx["acct"]
        name = "app-%s-role" % self.hexid(6) if ctx["name"] == "CreateRole" else \
            self.acct_data[acct]["roles"][int(r.random() * len(ROLE_DEFS))]["name"]
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": r.choice(AWS_SERVICES[:3])}
            if r.random() < 0.8 else {"AWS": "arn:aws:iam::%s:root" % r.choice(self.accounts)},
            "Action": "sts:AssumeRole"}]})
        if ctx["name"] == "UpdateAssumeRolePolicy":
            return {"roleName": name, "policyDocument": trust}, None, None
        rid = "AROA" + self.rid(ALNUM_UP, 17)
        rp = {"roleName": name, "assumeRolePolicyDocument": trust, "path": "/",
              "tags": [{"key": "managed-by", "value": "terraform"}]}
        resp = {"role": {"path": "/", "roleName": name, "roleId": rid,
                         "arn": "arn:aws:iam::%s:role/%s" % (acct, name),
                         "createDate": "%s" % time.strftime("%b %d, %Y, %I:%M:%S %p", time.gmtime(ctx["t"])),
                         "assumeRolePolicyDocument": trust.replace('"', "%22").replace(" ", "%20"),
                         "tags": [{"key": "managed-by", "value": "terraform"}]}}
        return rp, resp, None

    def b_attach_policy(self, ctx):
        r = self.rng
        pol = "arn:aws:iam::aws:policy/%s" % r.choice(
            ["AdministratorAccess", "ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "PowerUserAccess",
             "AmazonEC2FullAccess"])
        d = self.acct_data[ctx["acct"]]
        if ctx["name"] == "AttachUserPolicy":
            return {"userName": d["users"][int(r.random() * len(d["users"]))]["name"],
                    "policyArn": pol}, None, None
        return {"roleName": d["roles"][int(r.random() * len(ROLE_DEFS))]["name"], "policyArn": pol}, None, None

    def b_create_user(self, ctx):
        name = "user-%s" % self.hexid(5)
        resp = {"user": {"path": "/", "userName": name, "userId": "AIDA" + self.rid(ALNUM_UP, 17),
                         "arn": "arn:aws:iam::%s:user/%s" % (ctx["acct"], name),
                         "createDate": time.strftime("%b %d, %Y, %I:%M:%S %p", time.gmtime(ctx["t"]))}}
        return {"userName": name}, resp, None

    def b_create_access_key(self, ctx):
        users = self.acct_data[ctx["acct"]]["users"]
        u = users[int(self.rng.random() * len(users))]["name"]
        resp = {"accessKey": {"userName": u, "accessKeyId": "AKIA" + self.rid(ALNUM_UP, 16),
                              "status": "Active",
                              "createDate": time.strftime("%b %d, %Y, %I:%M:%S %p", time.gmtime(ctx["t"]))}}
        return {"userName": u}, resp, None

    def b_delete_access_key(self, ctx):
        users = self.acct_data[ctx["acct"]]["users"]
        u = users[int(self.rng.random() * len(users))]
        return {"userName": u["name"], "accessKeyId": u["keys"][0]}, None, None

    def b_logs_stream(self, ctx):
        r = self.rng
        fn = r.choice(LAMBDA_FUNCS)
        return {"logGroupName": "/aws/lambda/%s" % fn,
                "logStreamName": "%s/[$LATEST]%s" % (time.strftime("%Y/%m/%d", time.gmtime(ctx["t"])),
                                                      self.hexid(32))}, None, None

    def b_logs_describe(self, ctx):
        r = self.rng
        rp = {"limit": 50}
        if r.random() < 0.5:
            rp["logGroupNamePrefix"] = r.choice(["/aws/lambda/", "/aws/eks/", "/ecs/", "aws-cloudtrail-logs"])
        return rp, None, None

    def b_lambda_invoke(self, ctx):
        acct, region = ctx["acct"], ctx["region"]
        fn = LAMBDA_FUNCS[min(int(self.rng.expovariate(0.8)), len(LAMBDA_FUNCS) - 1)]
        arn = "arn:aws:lambda:%s:%s:function:%s" % (region, acct, fn)
        return {"functionName": arn, "invocationType": self.rng.choice(["RequestResponse", "Event"])}, None, \
            {"resources": [{"accountId": acct, "type": "AWS::Lambda::Function", "ARN": arn}],
             "additionalEventData": {"functionVersion": arn + ":$LATEST"}}

    def b_lambda_fn(self, ctx):
        return {"functionName": self.rng.choice(LAMBDA_FUNCS)}, None, None

    def b_lambda_update(self, ctx):
        r = self.rng
        acct, region = ctx["acct"], ctx["region"]
        fn = r.choice(LAMBDA_FUNCS)
        arn = "arn:aws:lambda:%s:%s:function:%s" % (region, acct, fn)
        rp = {"functionName": fn, "s3Bucket": self.acct_data[acct]["buckets"][0],
              "s3Key": "lambda/%s/%s.zip" % (fn, self.hexid(12)), "publish": True, "dryRun": False}
        resp = {"functionName": fn, "functionArn": arn, "runtime": r.choice(["python3.12", "nodejs20.x"]),
                "role": "arn:aws:iam::%s:role/service-role/orders-processor-lambda-role" % acct,
                "handler": "app.handler", "codeSize": r.randrange(10 ** 4, 10 ** 7), "description": "",
                "timeout": 30, "memorySize": r.choice([128, 256, 1024]),
                "lastModified": time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(ctx["t"])),
                "codeSha256": self.rid(B64, 43) + "=", "version": str(r.randrange(1, 90)),
                "tracingConfig": {"mode": "PassThrough"}, "revisionId": self.uuid4(),
                "state": "Active", "lastUpdateStatus": "InProgress",
                "lastUpdateStatusReason": "The function is being created.",
                "lastUpdateStatusReasonCode": "Creating", "packageType": "Zip",
                "architectures": ["x86_64"], "ephemeralStorage": {"size": 512},
                "snapStart": {"applyOn": "None", "optimizationStatus": "Off"},
                "runtimeVersionConfig": {"runtimeVersionArn": "arn:aws:lambda:%s::runtime:%s" % (region, self.hexid(64))},
                "loggingConfig": {"logFormat": "Text", "logGroup": "/aws/lambda/%s" % fn}}
        return rp, resp, None

    def b_metric_data(self, ctx):
        r = self.rng
        q = []
        for i in range(1 + int(r.expovariate(0.5))):
            q.append({"id": "m%d" % i, "metricStat": {"metric": {"namespace": r.choice(["AWS/EC2", "AWS/Lambda", "AWS/RDS"]),
                                                                  "metricName": r.choice(["CPUUtilization", "Invocations", "Errors", "Duration"]),
                                                                  "dimensions": [{"name": "FunctionName", "value": r.choice(LAMBDA_FUNCS)}]},
                                                       "period": 300, "stat": "Average"},
                      "returnData": True})
        rp = {"metricDataQueries": q, "startTime": self.iso(ctx["t"] - 10800), "endTime": self.iso(ctx["t"]),
              "maxDatapoints": 100800}
        return rp, None, None

    def b_describe_alarms(self, ctx):
        return ({"stateValue": "ALARM"} if self.rng.random() < 0.3 else {"maxRecords": 100}), None, None

    def b_put_alarm(self, ctx):
        r = self.rng
        return {"alarmName": "high-cpu-%s" % self.hexid(4), "metricName": "CPUUtilization", "namespace": "AWS/EC2",
                "statistic": "Average", "period": 300, "evaluationPeriods": 3, "threshold": 80.0,
                "comparisonOperator": "GreaterThanThreshold",
                "alarmActions": ["arn:aws:sns:%s:%s:ops-alerts" % (ctx["region"], ctx["acct"])]}, None, None

    def b_ct_lookup(self, ctx):
        r = self.rng
        rp = {"maxResults": 50}
        if r.random() < 0.6:
            rp["lookupAttributes"] = [{"attributeKey": r.choice(["EventName", "Username", "EventSource", "ResourceName"]),
                                       "attributeValue": r.choice(["ConsoleLogin", "alice", "iam.amazonaws.com", "RunInstances"])}]
        if r.random() < 0.5:
            rp["startTime"] = time.strftime("%b %d, %Y, %I:%M:%S %p", time.gmtime(ctx["t"] - 86400))
            rp["endTime"] = time.strftime("%b %d, %Y, %I:%M:%S %p", time.gmtime(ctx["t"]))
        return rp, None, None

    def trail_arn(self, ctx):
        return "arn:aws:cloudtrail:us-east-1:%s:trail/org-trail" % ctx["acct"]

    def b_ct_describe(self, ctx):
        return {"trailNameList": [], "includeShadowTrails": True}, None, None

    def b_ct_status(self, ctx):
        return {"name": self.trail_arn(ctx)}, None, None

    def b_ct_trail(self, ctx):
        rp = {"name": self.trail_arn(ctx)}
        resp = None
        res = [{"accountId": ctx["acct"], "type": "AWS::CloudTrail::Trail", "ARN": self.trail_arn(ctx)}]
        if ctx["name"] == "UpdateTrail":
            rp["isMultiRegionTrail"] = True
            rp["enableLogFileValidation"] = self.rng.random() < 0.8
            resp = {"name": "org-trail", "s3BucketName": "acme-logs-archive-%s" % ctx["acct"][-4:],
                    "includeGlobalServiceEvents": True, "isMultiRegionTrail": True,
                    "trailARN": self.trail_arn(ctx), "logFileValidationEnabled": rp["enableLogFileValidation"],
                    "isOrganizationTrail": False}
        return rp, resp, {"resources": res}

    def b_ct_selectors(self, ctx):
        rp = {"trailName": "org-trail", "advancedEventSelectors": [{
            "name": "Log S3 data events", "fieldSelectors": [
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]}
        return rp, None, {"resources": [{"accountId": ctx["acct"], "type": "AWS::CloudTrail::Trail",
                                         "ARN": self.trail_arn(ctx)}]}

    def b_ct_create(self, ctx):
        rp = {"name": "trail-%s" % self.hexid(4), "s3BucketName": "acme-logs-archive-%s" % ctx["acct"][-4:],
              "isMultiRegionTrail": True, "enableLogFileValidation": True, "includeGlobalServiceEvents": True}
        return rp, dict(rp, trailARN=self.trail_arn(ctx), logFileValidationEnabled=True), None

    def b_console_login(self, ctx):
        return None, None, None   # filled by make_console_login

    def b_check_mfa(self, ctx):
        return None, {"CheckMfa": "Success"}, None

    # ---- the event ----
    def make_event(self, t):
        r = self.rng
        acct = self.account_picker.pick(r)
        region = self.region_picker.pick(r)
        weight, source, name, read_only, category, pclass, builder = self.catalog[self.catalog_picker.pick(r)]
        if source in GLOBAL_SOURCES:
            region = "us-east-1"
        d = self.acct_data[acct]
        t_sec = self.event_time(t)
        ctx = {"acct": acct, "region": region, "name": name, "t": t,
               "t_ms": int(t) * 1000}
        service = None
        if pclass == "service" and r.random() < 0.7:
            service = AWS_SERVICES[min(int(r.expovariate(0.6)), 3)]
        elif pclass == "kmsservice":
            service = "kms.amazonaws.com"
        elif pclass == "kmsuse" and r.random() < 0.35:
            service = r.choice(["s3.amazonaws.com", "secretsmanager.amazonaws.com", "lambda.amazonaws.com"])

        invoked_by = None
        if service and pclass in ("service", "kmsservice"):
            ident = {"type": "AWSService", "invokedBy": service}
            if pclass == "kmsservice":
                ident = {"accountId": acct, "invokedBy": service}
            src_ip = service
            ua = service
            console = False
            caller = None
            ctx["service"] = True
            ctx["svc"] = service
            if service == "lambda.amazonaws.com":
                ctx["svc_session"] = r.choice(LAMBDA_FUNCS)
            elif service == "ec2.amazonaws.com":
                ctx["svc_session"] = d["instances"][int(r.random() * 40)]
            elif service == "ecs-tasks.amazonaws.com":
                ctx["svc_session"] = self.hexid(32)
            elif service == "config.amazonaws.com":
                ctx["svc_session"] = "AWSConfig-Describe"
        else:
            if pclass == "workload" or pclass == "kmsuse":
                p = d["workload_picker"].pick(r)
            elif pclass == "console":
                p = d["console_picker"].pick(r)
            elif pclass == "human":
                p = d["human_users"][int(r.random() * len(d["human_users"]))]
            elif pclass == "ci":
                p = d["roles"][3]
            else:
                p = d["all_picker"].pick(r)
            if name == "ConsoleLogin":
                return self.make_console_login(t_sec, acct, p, ctx)
            if p["kind"] == "IAMUser":
                ctx["user"] = p["name"]
            ident, src_ip, console, caller, ua_tmpl = self.identity(acct, p, t)
            if service:     # e.g. S3 calling KMS on behalf of the caller
                invoked_by = service
                ident = dict(ident, invokedBy=service)
                src_ip = ua = service
            elif ua_tmpl is not None and not console:
                ua = ua_tmpl.replace("{svc}", source.split(".")[0]).replace(
                    "{cmd}", "%s.%s" % (source.split(".")[0], name[0].lower() + name[1:]))
            else:
                ua = self.user_agent(console, source, name)

        rp, resp, extra = builder(ctx)
        extra = extra or {}
        if "identity" in extra:
            ident = extra["identity"]
            caller = None

        ev = {"eventVersion": "1.09" if (r.random() < 0.8 and source != "signin.amazonaws.com") else "1.08",
              "userIdentity": ident, "eventTime": t_sec, "eventSource": source, "eventName": name,
              "awsRegion": region, "sourceIPAddress": src_ip, "userAgent": ua}

        err = extra.get("error")
        if err is None and caller is not None and not invoked_by:
            x = r.random()
            if x < 0.038:
                err = self.error_for(source, name, caller, acct, x)
        if err is not None:
            ev["errorCode"], ev["errorMessage"] = err
            resp = None
        ev["requestParameters"] = rp
        ev["responseElements"] = resp
        if "additionalEventData" in extra:
            ev["additionalEventData"] = extra["additionalEventData"]
        if extra.get("s3"):
            ev["requestID"] = self.rid("0123456789ABCDEF", 16)
        elif pclass != "kmsservice":
            ev["requestID"] = self.uuid4()
        ev["eventID"] = self.uuid4()
        ev["readOnly"] = read_only
        if "resources" in extra:
            ev["resources"] = extra["resources"]
        ev["eventType"] = "AwsServiceEvent" if pclass == "kmsservice" else "AwsApiCall"
        if source == "ec2.amazonaws.com":
            ev["apiVersion"] = "2016-11-15"
        elif source == "lambda.amazonaws.com" and category == "Management":
            ev["apiVersion"] = "2015-03-31"
        ev["managementEvent"] = category == "Management"
        ev["recipientAccountId"] = acct
        if "sharedEventID" in extra:
            ev["sharedEventID"] = extra["sharedEventID"]
        if "vpcEndpointId" in extra:
            ev["vpcEndpointId"] = extra["vpcEndpointId"]
            ev["vpcEndpointAccountId"] = acct
        if "serviceEventDetails" in extra:
            ev["serviceEventDetails"] = extra["serviceEventDetails"]
        ev["eventCategory"] = category
        if not service:
            ev["tlsDetails"] = self.tls(source, region)
        if console and not invoked_by and ev["eventVersion"] == "1.09" and caller:
            ev["sessionCredentialFromConsole"] = "true"
        return ev

    def error_for(self, source, name, caller, acct, x):
        r = self.rng
        act = "%s:%s" % (source.split(".")[0], name)
        if x < 0.009:     # throttling
            if source == "ec2.amazonaws.com":
                return ("Client.RequestLimitExceeded", "Request limit exceeded.")
            return ("ThrottlingException", "Rate exceeded")
        if source == "ec2.amazonaws.com":
            msg = ("You are not authorized to perform this operation. User: %s is not authorized to "
                   "perform: %s because no identity-based policy allows the %s action" % (caller, act, act))
            if not name.startswith("Describe"):
                msg += ". Encoded authorization failure message: " + self.rid(B64 + "-_", r.choice([600, 900, 1200]))
            return ("Client.UnauthorizedOperation", msg)
        if source == "s3.amazonaws.com":
            return ("AccessDenied", "Access Denied")
        if source == "iam.amazonaws.com" and name.startswith("Get") and x > 0.03:
            return ("NoSuchEntityException", "The role with name %s cannot be found." % self.rid(FILE_CHARS, 8))
        code = "AccessDeniedException" if source in ("lambda.amazonaws.com", "logs.amazonaws.com",
                                                      "monitoring.amazonaws.com") else "AccessDenied"
        return (code, "User: %s is not authorized to perform: %s on resource: arn:aws:%s::%s:* because no "
                      "identity-based policy allows the %s action" % (caller, act, source.split(".")[0], acct, act))

    def make_console_login(self, t_sec, acct, p, ctx):
        r = self.rng
        k = p["kind"]
        fail = r.random() < 0.08
        ip = self.public_ip() if (fail and r.random() < 0.5) else p["ips"][0]
        if k == "IAMUser":
            ident = {"type": "IAMUser", "principalId": p["principalId"], "arn": p["arn"],
                     "accountId": acct, "userName": p["name"]}
            if fail and r.random() < 0.3:
                ident = {"type": "IAMUser", "accountId": acct, "accessKeyId": "",
                         "userName": "HIDDEN_DUE_TO_SECURITY_REASONS"}
            mfa = p["mfa"]
        elif k == "Root":
            ident = {"type": "Root", "principalId": acct, "arn": p["arn"], "accountId": acct,
                     "accessKeyId": ""}
            mfa = r.random() < 0.8
        else:   # SSO federated sign-in shows up as AssumedRole
            s = self.session_for(p, acct, ctx["t"])
            ident = {"type": "AssumedRole", "principalId": s["ident"]["principalId"],
                     "arn": s["ident"]["arn"], "accountId": acct,
                     "sessionContext": {"sessionIssuer": s["ident"]["sessionContext"]["sessionIssuer"],
                                        "webIdFederationData": {},
                                        "attributes": {"creationDate": t_sec, "mfaAuthenticated": "false"}}}
            mfa = None
        ev = {"eventVersion": "1.08" if r.random() < 0.6 else "1.09", "userIdentity": ident,
              "eventTime": t_sec, "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
              "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": r.choice(UA_BROWSER)}
        if fail:
            ev["errorMessage"] = "Failed authentication"
        ev["requestParameters"] = None
        ev["responseElements"] = {"ConsoleLogin": "Failure" if fail else "Success"}
        aed = {"LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true"
                          "&state=hashArgsFromTB_us-east-1_" + self.hexid(16),
               "MobileVersion": "No"}
        if mfa is None:
            aed = {"MobileVersion": "No"}
            aed["SamlProviderArn"] = "arn:aws:iam::%s:saml-provider/AWSSSO_%s_DO_NOT_DELETE" % (acct, self.hexid(16))
        else:
            if mfa:
                aed["MFAIdentifier"] = "arn:aws:iam::%s:mfa/%s" % (acct, p.get("name", "root-account-mfa-device"))
            aed["MFAUsed"] = "Yes" if mfa else "No"
        ev["additionalEventData"] = aed
        ev["eventID"] = self.uuid4()
        ev["readOnly"] = False
        ev["eventType"] = "AwsConsoleSignIn"
        ev["managementEvent"] = True
        ev["recipientAccountId"] = acct
        ev["eventCategory"] = "Management"
        ev["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                            "clientProvidedHostHeader": "signin.aws.amazon.com"}
        return ev


# --------------------------------------------------------------------------
# timestamps: diurnal load shape, weekends quieter, a few bursts
# --------------------------------------------------------------------------

def diurnal_weight(epoch):
    tm = time.gmtime(epoch)
    h = tm.tm_hour + tm.tm_min / 60.0
    # business-hours bump centred on 15:00 UTC plus a night floor
    x = (h - 15.0) / 4.5
    w = 0.35 + 0.65 * (2.718281828 ** (-x * x))
    if tm.tm_wday >= 5:
        w *= 0.55
    return w


def make_times(rng, n, start, span_s):
    """n sorted epoch floats in [start, start+span) with a day/night shape and bursts."""
    # table of per-minute weights, sampled by inverse CDF (fast and deterministic)
    minutes = max(1, int(span_s // 60))
    w = []
    for m in range(minutes):
        w.append(diurnal_weight(start + m * 60 + 30))
    # a handful of bursts (deploys, batch jobs, scanners)
    for _ in range(max(1, minutes // 720)):
        c = int(rng.random() * minutes)
        amp = 2.0 + rng.random() * 4.0
        width = 3 + int(rng.random() * 20)
        for m in range(max(0, c - width), min(minutes, c + width)):
            w[m] *= amp
    cum = cumulative(w)
    total = cum[-1]
    per_min = span_s / minutes
    out = []
    br = bisect.bisect_right
    rand = rng.random
    for _ in range(n):
        m = br(cum, rand() * total)
        if m >= minutes:
            m = minutes - 1
        out.append(start + (m + rand()) * per_min)
    out.sort()
    return out


# --------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------

DUMPS = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def open_out(path):
    os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    raw = open(path, "wb")
    if path.endswith(".gz"):
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0), raw
    return raw, None


def gen_events(args):
    start = calendar.timegm(time.strptime(args.start, "%Y-%m-%dT%H:%M:%SZ"))
    g = Gen(args.seed, start, args.accounts, args.regions)
    times = make_times(g.rng, args.events, start, args.span_hours * 3600.0)
    mk = g.make_event
    for t in times:
        yield t, mk(t)


def write_stream(args, records):
    f, raw = open_out(args.out)
    total = 0
    n = 0
    if records:
        f.write(b'{"Records":[')
    buf = []
    for t, ev in gen_events(args):
        s = DUMPS(ev)
        total += len(s)
        if records:
            buf.append(s if n == 0 else "," + s)
        else:
            buf.append(s + "\n")
        n += 1
        if len(buf) >= 2000:
            f.write("".join(buf).encode())
            buf = []
    if buf:
        f.write("".join(buf).encode())
    if records:
        f.write(b"]}\n")
    f.close()
    if raw:
        raw.close()
    return n, total, 1


def write_logfiles(args):
    name_rng = random.Random("logfile-names:%d" % args.seed)
    root = args.out
    open_bufs = {}          # (acct, region) -> list of json strings for the current window
    cur_window = [None]
    files = [0]
    cap = 12000             # split very busy windows like CloudTrail does

    def flush_one(key, items, window):
        acct, region = key
        end = (window + 1) * 300
        ts = time.strftime("%Y%m%dT%H%MZ", time.gmtime(end))
        ymd = time.strftime("%Y/%m/%d", time.gmtime(end))
        d = os.path.join(root, "AWSLogs", acct, "CloudTrail", region, ymd)
        os.makedirs(d, exist_ok=True)
        suffix = "".join(name_rng.choice(FILE_CHARS) for _ in range(16))
        p = os.path.join(d, "%s_CloudTrail_%s_%s_%s.json.gz" % (acct, region, ts, suffix))
        data = ('{"Records":[' + ",".join(items) + "]}").encode()
        with open(p, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as gz:
                gz.write(data)
        files[0] += 1

    def flush_all():
        for key in sorted(open_bufs):
            items = open_bufs[key]
            if items:
                flush_one(key, items, cur_window[0])
        open_bufs.clear()

    n = 0
    total = 0
    for t, ev in gen_events(args):
        w = int(t // 300)
        if w != cur_window[0]:
            if cur_window[0] is not None:
                flush_all()
            cur_window[0] = w
        s = DUMPS(ev)
        total += len(s)
        n += 1
        key = (ev["recipientAccountId"], ev["awsRegion"])
        lst = open_bufs.get(key)
        if lst is None:
            lst = open_bufs[key] = []
        lst.append(s)
        if len(lst) >= cap:
            flush_one(key, lst, w)
            open_bufs[key] = []
    if cur_window[0] is not None:
        flush_all()
    return n, total, files[0]


def main(argv=None):
    ap = argparse.ArgumentParser(description="Deterministic synthetic CloudTrail event generator")
    ap.add_argument("--events", type=int, required=True, help="number of events")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2026-11-01T00:00:00Z", help="ISO-8601 UTC start, e.g. 2026-11-01T00:00:00Z")
    ap.add_argument("--span-hours", type=float, default=24.0, help="events spread over this many hours")
    ap.add_argument("--format", choices=["records", "jsonl", "logfiles"], default="jsonl")
    ap.add_argument("--out", required=True, help="file (records/jsonl; .gz compresses) or folder (logfiles)")
    ap.add_argument("--accounts", type=int, default=3, help="number of AWS accounts (default 3)")
    ap.add_argument("--regions", type=int, default=4, help="number of regions, from us-east-1 on (default 4, max %d)"
                    % len(ALL_REGIONS))
    ap.add_argument("--quiet", action="store_true", help="no summary on stderr")
    args = ap.parse_args(argv)
    if args.events < 0 or args.span_hours <= 0:
        ap.error("--events must be >= 0 and --span-hours > 0")
    t0 = time.time()
    if args.format == "logfiles":
        n, total, files = write_logfiles(args)
    else:
        n, total, files = write_stream(args, args.format == "records")
    dt = time.time() - t0
    if not args.quiet:
        sys.stderr.write("gen_cloudtrail: %d events, %d files, %.1f MB JSON, avg %.0f B/event, %.1f s (%.0f ev/s)\n"
                         % (n, files, total / 1e6, total / max(1, n), dt, n / max(dt, 1e-9)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
