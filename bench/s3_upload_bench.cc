// What an S3 upload costs the server besides the disk (protocols.md §5.4): decoding aws-chunked
// bodies (unsigned with a CRC32 trailer as botocore sends them over HTTPS, and signed chunks as
// the other SDKs do) and the whole-object checksums, in bytes per second.
#include <benchmark/benchmark.h>

#include <string>

#include "auth/aws_chunked.h"
#include "auth/sigv4.h"
#include "crypto/checksum.h"

namespace {

using ot::crypto::ChecksumAlgorithm;

std::string Data(size_t bytes) {
  std::string out(bytes, '\0');
  uint32_t x = 12345;  // fixed seed: the same bytes every run
  for (char& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

ot::auth::ChunkSigning Signing() {
  ot::auth::ChunkSigning s;
  s.signing_key = ot::auth::DeriveSigningKey("bench-secret", "20240501", "us-east-1", "s3");
  s.amz_date = "20240501T123456Z";
  s.scope = "20240501/us-east-1/s3/aws4_request";
  s.seed_signature = std::string(64, 'a');
  return s;
}

void BM_ChecksumThroughput(benchmark::State& state) {
  const auto algorithm = static_cast<ChecksumAlgorithm>(state.range(0));
  const std::string data = Data(8 << 20);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ot::crypto::ChecksumBase64(algorithm, data));
  }
  state.SetLabel(std::string(ot::crypto::ChecksumName(algorithm)));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_ChecksumThroughput)
    ->Arg(static_cast<int>(ChecksumAlgorithm::kCrc32))
    ->Arg(static_cast<int>(ChecksumAlgorithm::kCrc32c))
    ->Arg(static_cast<int>(ChecksumAlgorithm::kCrc64Nvme))
    ->Arg(static_cast<int>(ChecksumAlgorithm::kSha1))
    ->Arg(static_cast<int>(ChecksumAlgorithm::kSha256))
    ->Arg(static_cast<int>(ChecksumAlgorithm::kMd5));

// 8 MiB in botocore's 1 MiB chunks with a CRC32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
void BM_AwsChunkedDecodeUnsignedTrailer(benchmark::State& state) {
  const std::string data = Data(8 << 20);
  const std::string body = ot::auth::EncodeAwsChunked(
      data, 1 << 20, nullptr,
      {{"x-amz-checksum-crc32", ot::crypto::ChecksumBase64(ChecksumAlgorithm::kCrc32, data)}});
  ot::auth::AwsChunkedOptions options;
  options.trailer = true;
  for (auto _ : state) {
    auto decoded = ot::auth::DecodeAwsChunked(body, options);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_AwsChunkedDecodeUnsignedTrailer);

// 8 MiB in signed chunks of state.range(0) bytes (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): one
// SHA-256 of the data and one HMAC per chunk.
void BM_AwsChunkedDecodeSigned(benchmark::State& state) {
  const std::string data = Data(8 << 20);
  const ot::auth::ChunkSigning signing = Signing();
  const std::string body =
      ot::auth::EncodeAwsChunked(data, static_cast<size_t>(state.range(0)), &signing, {});
  ot::auth::AwsChunkedOptions options;
  options.signing = &signing;
  for (auto _ : state) {
    auto decoded = ot::auth::DecodeAwsChunked(body, options);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_AwsChunkedDecodeSigned)->Arg(8 << 10)->Arg(64 << 10)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
