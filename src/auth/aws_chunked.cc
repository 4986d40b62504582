// aws-chunked decoding and chunk-signature verification (protocols.md §5.4). The decoder faces
// the network: every length is checked against what remains before it is used.
#include "auth/aws_chunked.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "common/encoding.h"
#include "crypto/hash.h"

namespace ot::auth {
namespace {

// SHA-256 of the empty string: the fixed "previous payload" line of every chunk string to sign.
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view kChunkSignature = "chunk-signature=";
constexpr std::string_view kTrailerSignature = "x-amz-trailer-signature";
constexpr size_t kMaxLine = 4096;  // a size line or trailer line longer than this is hostile

Status Malformed(std::string why) {
  return Status(Error::kValidation, "The aws-chunked request body is malformed: " + why);
}

Status Incomplete() {
  return Status(Error::kIncompleteBody,
                "The request body ended before the final aws-chunked chunk.");
}

Status BadSignature(std::string_view what) {
  return Status(Error::kInvalidSignature,
                "The " + std::string(what) +
                    " signature we calculated does not match the signature you provided.");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Reads one CRLF-terminated line at `*pos`; nullopt when no CRLF follows within kMaxLine.
std::optional<std::string_view> ReadLine(std::string_view body, size_t* pos) {
  size_t end = body.find("\r\n", *pos);
  if (end == std::string_view::npos || end - *pos > kMaxLine) return std::nullopt;
  std::string_view line = body.substr(*pos, end - *pos);
  *pos = end + 2;
  return line;
}

bool ParseHexSize(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

}  // namespace

std::string ChunkSignature(const ChunkSigning& signing, std::string_view previous,
                           std::string_view chunk_data) {
  std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n";
  sts += signing.amz_date;
  sts += '\n';
  sts += signing.scope;
  sts += '\n';
  sts += previous;
  sts += '\n';
  sts += kEmptySha256;
  sts += '\n';
  sts += crypto::Sha256Hex(chunk_data);
  return HexEncode(crypto::HmacSha256(signing.signing_key, sts));
}

std::string TrailerSignature(const ChunkSigning& signing, std::string_view previous,
                             std::string_view canonical_trailer) {
  std::string sts = "AWS4-HMAC-SHA256-TRAILER\n";
  sts += signing.amz_date;
  sts += '\n';
  sts += signing.scope;
  sts += '\n';
  sts += previous;
  sts += '\n';
  sts += crypto::Sha256Hex(canonical_trailer);
  return HexEncode(crypto::HmacSha256(signing.signing_key, sts));
}

Result<AwsChunkedBody> DecodeAwsChunked(std::string_view body, const AwsChunkedOptions& options) {
  AwsChunkedBody out;
  std::string previous = options.signing ? options.signing->seed_signature : std::string();
  size_t pos = 0;
  while (true) {
    if (pos >= body.size()) return Incomplete();
    auto line = ReadLine(body, &pos);
    if (!line) {
      if (body.size() - pos <= kMaxLine) return Incomplete();
      return Malformed("a chunk size line is too long.");
    }
    std::string_view size_text = line->substr(0, line->find(';'));
    std::string_view extensions =
        size_text.size() < line->size() ? line->substr(size_text.size() + 1) : std::string_view();
    uint64_t size = 0;
    if (!ParseHexSize(Trim(size_text), &size)) {
      return Malformed("'" + ToValidUtf8(line->substr(0, 64)) + "' is not a hexadecimal size.");
    }
    std::string_view signature;
    if (options.signing != nullptr) {
      extensions = Trim(extensions);
      if (!extensions.starts_with(kChunkSignature)) {
        return Status(Error::kInvalidSignature, "A chunk has no chunk-signature.");
      }
      signature = extensions.substr(kChunkSignature.size());
      if (!IsHex64(signature)) return BadSignature("chunk");
    }
    if (size > body.size() - pos) return Incomplete();
    std::string_view data = body.substr(pos, static_cast<size_t>(size));
    pos += static_cast<size_t>(size);
    if (options.signing != nullptr) {
      std::string expected = ChunkSignature(*options.signing, previous, data);
      if (!crypto::ConstantTimeEquals(expected, Lower(signature))) return BadSignature("chunk");
      previous = std::move(expected);
    }
    if (size == 0) break;
    if (out.data.size() + data.size() > options.max_decoded_bytes) {
      return Status(Error::kRequestTooLarge,
                    "Your proposed upload exceeds the maximum allowed object size.");
    }
    out.data.append(data);
    if (body.size() - pos < 2) return Incomplete();
    if (body.substr(pos, 2) != "\r\n") return Malformed("chunk data is not followed by CRLF.");
    pos += 2;
  }

  // After the final chunk: trailer lines, then an empty line. Lenient about a missing final CRLF
  // at the very end, which some clients omit.
  std::string canonical_trailer;
  std::string_view trailer_signature;
  while (pos < body.size()) {
    auto line = ReadLine(body, &pos);
    if (!line) {
      if (body.size() - pos > kMaxLine) return Malformed("a trailer line is too long.");
      line = body.substr(pos);  // the last line without its CRLF
      pos = body.size();
    }
    if (line->empty()) break;
    if (!options.trailer) return Malformed("trailer lines were sent without x-amz-trailer.");
    size_t colon = line->find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Malformed("a trailer line is not 'name:value'.");
    }
    std::string name = Lower(Trim(line->substr(0, colon)));
    std::string_view value = Trim(line->substr(colon + 1));
    if (name == kTrailerSignature) {
      if (!trailer_signature.empty()) return Malformed("two trailer signatures.");
      trailer_signature = value;
      continue;
    }
    if (!trailer_signature.empty()) return Malformed("a trailer follows the trailer signature.");
    if (out.trailers.size() >= 16) return Malformed("too many trailer lines.");
    canonical_trailer += name + ":" + std::string(value) + "\n";
    out.trailers.emplace_back(std::move(name), std::string(value));
  }
  if (pos != body.size()) return Malformed("bytes follow the end of the aws-chunked body.");
  if (options.signing != nullptr && options.trailer) {
    if (!IsHex64(trailer_signature)) {
      return Status(Error::kInvalidSignature, "The trailer has no x-amz-trailer-signature.");
    }
    std::string expected = TrailerSignature(*options.signing, previous, canonical_trailer);
    if (!crypto::ConstantTimeEquals(expected, Lower(trailer_signature))) {
      return BadSignature("trailer");
    }
  } else if (!trailer_signature.empty()) {
    return Malformed("a trailer signature was sent for an unsigned payload.");
  }
  return out;
}

std::string EncodeAwsChunked(std::string_view data, size_t chunk_size, const ChunkSigning* signing,
                             const std::vector<std::pair<std::string, std::string>>& trailers) {
  std::string out;
  std::string previous = signing ? signing->seed_signature : std::string();
  size_t pos = 0;
  chunk_size = std::max<size_t>(chunk_size, 1);
  while (true) {
    std::string_view chunk = data.substr(pos, std::min(chunk_size, data.size() - pos));
    pos += chunk.size();
    char hex[17];
    int n = std::snprintf(hex, sizeof(hex), "%zx", chunk.size());
    out.append(hex, static_cast<size_t>(n));
    if (signing != nullptr) {
      previous = ChunkSignature(*signing, previous, chunk);
      out += ";chunk-signature=" + previous;
    }
    out += "\r\n";
    if (chunk.empty()) break;
    out.append(chunk);
    out += "\r\n";
  }
  std::string canonical;
  for (const auto& [name, value] : trailers) {
    out += name + ":" + value + "\r\n";
    canonical += name + ":" + value + "\n";
  }
  if (signing != nullptr && !trailers.empty()) {
    out += std::string(kTrailerSignature) + ":" + TrailerSignature(*signing, previous, canonical) +
           "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace ot::auth
