#pragma once

// The aws-chunked body encoding of S3 uploads (protocols.md §5.4; AWS S3 API reference
// "sigv4-streaming"): `<hex-size>[;chunk-signature=<sig>]\r\n<data>\r\n` … a final zero-size chunk,
// then optional trailer lines `name:value\r\n` and a closing `\r\n`. The HTTP layer has already
// removed any HTTP/1.1 chunked transfer coding around it.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ot::auth {

// What the chunk signatures chain from: the request's verified seed signature and its key.
struct ChunkSigning {
  std::string signing_key;     // 32 raw bytes (DeriveSigningKey)
  std::string amz_date;        // X-Amz-Date of the seed request
  std::string scope;           // <YYYYMMDD>/<region>/<service>/aws4_request
  std::string seed_signature;  // 64 lowercase hex: the Authorization header's Signature
};

struct AwsChunkedOptions {
  // Every chunk carries chunk-signature=<64 hex>, verified against `signing` in order
  // (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]); else signatures are not expected.
  const ChunkSigning* signing = nullptr;
  // Trailer lines may follow the final chunk (…-TRAILER variants). With `signing`, the trailer
  // must end with x-amz-trailer-signature, which is verified too.
  bool trailer = false;
  size_t max_decoded_bytes = 64 << 20;  // larger bodies fail with kRequestTooLarge
};

struct AwsChunkedBody {
  std::string data;  // the decoded object bytes
  // Trailer lines in order, names lowercased, values trimmed; x-amz-trailer-signature excluded.
  std::vector<std::pair<std::string, std::string>> trailers;
};

// Decodes (and with `signing`, authenticates) an aws-chunked body. Errors:
//   kIncompleteBody     the body ends before the final chunk (or inside a chunk);
//   kValidation         malformed framing: bad size line, missing CRLF after data, trailer
//                       lines without `signing`/`trailer` allowing them, bytes after the end;
//   kInvalidSignature   a chunk or trailer signature missing or not matching;
//   kRequestTooLarge    more than max_decoded_bytes of data.
// Total on any input: never crashes, never reads outside `body`.
Result<AwsChunkedBody> DecodeAwsChunked(std::string_view body, const AwsChunkedOptions& options);

// Client side, for tests and tools: encodes `data` in chunks of `chunk_size` bytes, signing each
// when `signing` is given and appending `trailers` (signed with x-amz-trailer-signature when
// `signing` is given).
std::string EncodeAwsChunked(std::string_view data, size_t chunk_size, const ChunkSigning* signing,
                             const std::vector<std::pair<std::string, std::string>>& trailers);

// The signature of one chunk (AWS4-HMAC-SHA256-PAYLOAD string to sign) given the previous one.
std::string ChunkSignature(const ChunkSigning& signing, std::string_view previous,
                           std::string_view chunk_data);
// The trailer signature (AWS4-HMAC-SHA256-TRAILER) over `canonical_trailer` ("name:value\n"…).
std::string TrailerSignature(const ChunkSigning& signing, std::string_view previous,
                             std::string_view canonical_trailer);

}  // namespace ot::auth
