// Benchmarks for the events codec on records shaped like gen_cloudtrail.py's output: an
// AssumedRole caller with sessionContext, a nested requestParameters object, tlsDetails and
// resources, about 1.7 KB each.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "events/record.h"

namespace ot::events {
namespace {

// splitmix64: inputs depend only on the seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  std::string Hex(size_t n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) s += kDigits[Next() % 16];
    return s;
  }
  std::string Uuid() {
    return Hex(8) + "-" + Hex(4) + "-4" + Hex(3) + "-a" + Hex(3) + "-" + Hex(12);
  }

 private:
  uint64_t state_;
};

std::string MakeRecord(Rng& rng, int64_t second) {
  static const char* const kNames[] = {"GetObject",        "DescribeInstances", "PutObject",
                                       "Decrypt",          "ListBuckets",       "AssumeRole",
                                       "GetCallerIdentity"};
  const std::string account = std::to_string(100000000000 + rng.Next() % 900000000000);
  const std::string role = "orders-processor-" + rng.Hex(6) + "-role";
  const std::string session = "session-" + rng.Hex(10);
  const std::string bucket = "data-" + rng.Hex(8);
  Record r;
  r.event_version = "1.09";
  UserIdentity& id = r.user_identity.emplace();
  id.type = "AssumedRole";
  id.principal_id = "AROA" + rng.Hex(17) + ":" + session;
  id.arn = "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session;
  id.account_id = account;
  id.access_key_id = "ASIA" + rng.Hex(16);
  id.session_context = R"({"sessionIssuer":{"type":"Role","principalId":"AROA)" + rng.Hex(17) +
                       R"(","arn":"arn:aws:iam::)" + account + ":role/service-role/" + role +
                       R"(","accountId":")" + account + R"(","userName":")" + role +
                       R"("},"webIdFederationData":{},"attributes":{"creationDate":)"
                       R"("2026-10-31T23:58:38Z","mfaAuthenticated":"false"}})";
  r.event_time = SysMillis(std::chrono::seconds(1793491200 + second));
  r.event_source = "s3.amazonaws.com";
  r.event_name = kNames[rng.Next() % 7];
  r.aws_region = "us-west-2";
  r.source_ip_address =
      std::to_string(rng.Next() % 256) + ".186.24." + std::to_string(second % 256);
  r.user_agent =
      "aws-sdk-java/2.25.11 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-"
      "LTS Java/17.0.10 vendor/Amazon.com_Inc. md/internal io/sync http/Apache "
      "cfg/retry-mode/legacy";
  r.request_parameters = R"({"bucketName":")" + bucket + R"(","Host":")" + bucket +
                         R"(.s3.us-west-2.amazonaws.com","key":"reports/2026/)" + rng.Hex(12) +
                         R"(.csv","filterSet":{"items":[{"name":"status","valueSet":{"items":)"
                         R"([{"value":"in-use"}]}}]},"maxKeys":1000,"ratio":0.25})";
  r.response_elements = "null";
  r.additional_event_data = R"({"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256",)"
                            R"("bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader",)"
                            R"("x-amz-id-2":")" +
                            rng.Hex(40) + R"(","bytesTransferredOut":)" +
                            std::to_string(rng.Next() % 100000) + "}";
  r.request_id = rng.Hex(16);
  r.event_id = rng.Uuid();
  r.read_only = true;
  std::vector<Resource>& resources = r.resources.emplace();
  Resource& object = resources.emplace_back();
  object.type = "AWS::S3::Object", object.has_type = true;
  object.arn = "arn:aws:s3:::" + bucket + "/reports/2026/q1.csv", object.has_arn = true;
  Resource& bucket_resource = resources.emplace_back();
  bucket_resource.account_id = account, bucket_resource.has_account_id = true;
  bucket_resource.type = "AWS::S3::Bucket", bucket_resource.has_type = true;
  bucket_resource.arn = "arn:aws:s3:::" + bucket, bucket_resource.has_arn = true;
  r.event_type = "AwsApiCall";
  r.management_event = false;
  r.recipient_account_id = account;
  r.event_category = "Data";
  r.tls_details = R"({"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256",)"
                  R"("clientProvidedHostHeader":")" +
                  bucket + R"(.s3.us-west-2.amazonaws.com"})";
  return SerializeRecord(r);
}

std::vector<std::string> MakeRecords(uint64_t seed, size_t n) {
  Rng rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(MakeRecord(rng, static_cast<int64_t>(i)));
  return out;
}

size_t TotalBytes(const std::vector<std::string>& records) {
  size_t total = 0;
  for (const std::string& r : records) total += r.size();
  return total;
}

void BM_ParseRecord(benchmark::State& state) {
  const std::vector<std::string> records = MakeRecords(/*seed=*/1, 1024);
  for (auto _ : state) {
    for (const std::string& json : records) {
      Result<Record> r = ParseRecord(json);
      OT_CHECK(r.ok());
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(TotalBytes(records)));
}
BENCHMARK(BM_ParseRecord);

void BM_SerializeRecord(benchmark::State& state) {
  const std::vector<std::string> texts = MakeRecords(/*seed=*/1, 1024);
  std::vector<Record> records;
  for (const std::string& json : texts) records.push_back(*ParseRecord(json));
  std::string out;
  for (auto _ : state) {
    for (const Record& r : records) {
      out.clear();
      AppendSerializedRecord(r, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(TotalBytes(texts)));
}
BENCHMARK(BM_SerializeRecord);

// Arg 0: a {"Records":[...]} log-file body; 1: JSON lines; 2: a top-level array.
void BM_ForEachRecordText(benchmark::State& state) {
  const std::vector<std::string> records = MakeRecords(/*seed=*/2, 2000);
  std::string body;
  const char* const separator[] = {",", "\n", ","};
  body += state.range(0) == 0 ? "{\"Records\":[" : state.range(0) == 2 ? "[" : "";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i > 0) body += separator[state.range(0)];
    body += records[i];
  }
  body += state.range(0) == 0 ? "]}" : state.range(0) == 2 ? "]" : "\n";
  for (auto _ : state) {
    size_t count = 0;
    Status s = ForEachRecordText(body, [&](size_t, std::string_view text) {
      benchmark::DoNotOptimize(text.data());
      ++count;
      return Status::Ok();
    });
    OT_CHECK(s.ok() && count == records.size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_ForEachRecordText)->Arg(0)->Arg(1)->Arg(2);

void BM_ExtractLookupAttributes(benchmark::State& state) {
  const std::vector<std::string> records = MakeRecords(/*seed=*/3, 1024);
  for (auto _ : state) {
    for (const std::string& json : records) {
      Result<LookupAttributes> a = ExtractLookupAttributes(json);
      OT_CHECK(a.ok());
      benchmark::DoNotOptimize(a);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(TotalBytes(records)));
}
BENCHMARK(BM_ExtractLookupAttributes);

}  // namespace
}  // namespace ot::events

BENCHMARK_MAIN();
