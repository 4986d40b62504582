// Fuzzes the aws-chunked decoder (protocols.md §5.4), which reads S3 upload bodies straight from
// the network, in its four modes, and checks one property: whatever EncodeAwsChunked produces,
// DecodeAwsChunked returns unchanged, with its trailers, and verifies its signatures.
//
// Input layout: byte 0 selects the mode (bit 0: signed chunks, bit 1: trailer allowed), byte 1
// the chunk size of the round trip (1..256), the rest is the hostile body and the round trip's
// data.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/aws_chunked.h"
#include "auth/sigv4.h"
#include "crypto/checksum.h"

namespace {

const ot::auth::ChunkSigning& Signing() {
  static const auto* signing = [] {
    auto* s = new ot::auth::ChunkSigning;
    s->signing_key = ot::auth::DeriveSigningKey("fuzz-secret", "20240501", "us-east-1", "s3");
    s->amz_date = "20240501T123456Z";
    s->scope = "20240501/us-east-1/s3/aws4_request";
    s->seed_signature = std::string(64, 'a');
    return s;
  }();
  return *signing;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const bool sign = (data[0] & 1) != 0;
  const bool trailer = (data[0] & 2) != 0;
  const size_t chunk = static_cast<size_t>(data[1]) + 1;
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);

  ot::auth::AwsChunkedOptions options;
  options.signing = sign ? &Signing() : nullptr;
  options.trailer = trailer;
  options.max_decoded_bytes = 1 << 20;
  auto hostile = ot::auth::DecodeAwsChunked(body, options);
  if (hostile.ok() && hostile->data.size() > body.size()) {
    fprintf(stderr, "decoded more bytes than were sent\n");
    __builtin_trap();
  }

  // Property: encode → decode is the identity, signatures included.
  std::vector<std::pair<std::string, std::string>> trailers;
  if (trailer) {
    trailers.emplace_back("x-amz-checksum-crc32",
                          ot::crypto::ChecksumBase64(ot::crypto::ChecksumAlgorithm::kCrc32, body));
  }
  std::string encoded = ot::auth::EncodeAwsChunked(body, chunk, options.signing, trailers);
  auto round = ot::auth::DecodeAwsChunked(encoded, options);
  if (!round.ok() || round->data != body || round->trailers != trailers) {
    fprintf(stderr, "round trip failed: %s\n",
            round.ok() ? "different data" : round.status().ToString().c_str());
    __builtin_trap();
  }
  return 0;
}
