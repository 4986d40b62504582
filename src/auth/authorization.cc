// ParseAuthorization: the SigV4 Authorization header grammar (sigv4.md §2 step 1).
// Messages follow AWS's wording where AWS has one ("Authorization header requires 'Signature'
// parameter."), so that SDK users can search for them.
#include <algorithm>
#include <array>
#include <optional>

#include "auth/internal/request_text.h"
#include "auth/sigv4.h"

namespace ot::auth {
namespace {

using internal::Quote;
using internal::TrimSpaces;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";

Status Incomplete(std::string message) {
  return Status(Error::kIncompleteSignature, std::move(message));
}

bool IsDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 9110 token characters, lowercase only (SigV4 lists header names lowercased).
bool IsLowerTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Visible ASCII without the characters that delimit the header's own grammar.
bool IsScopePart(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != ',' && c != '/' && c != '=';
  });
}

Status ParseCredential(std::string_view text, SigV4Authorization* out) {
  if (std::count(text.begin(), text.end(), '/') != 4) {
    return Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/aws4_request, got '" +
        Quote(text) + "'.");
  }
  std::array<std::string_view, 5> parts;
  for (size_t i = 0, start = 0; i < parts.size(); ++i) {
    size_t slash = std::min(text.find('/', start), text.size());
    parts[i] = text.substr(start, slash - start);
    start = slash + 1;
  }
  if (!IsScopePart(parts[0])) {
    return Incomplete("Credential has an empty or malformed access key id: '" + Quote(text) + "'.");
  }
  if (parts[1].size() != 8 || !IsDigits(parts[1])) {
    return Incomplete("Credential date must be YYYYMMDD, not '" + Quote(parts[1]) + "'.");
  }
  if (!IsScopePart(parts[2])) return Incomplete("Credential should be scoped to a valid region.");
  if (!IsScopePart(parts[3])) return Incomplete("Credential should be scoped to a valid service.");
  if (parts[4] != kTerminator) {
    return Incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      Quote(parts[4]) + "'.");
  }
  out->access_key_id = parts[0];
  out->date = parts[1];
  out->region = parts[2];
  out->service = parts[3];
  return Status::Ok();
}

Status ParseSignedHeaders(std::string_view text, SigV4Authorization* out) {
  if (text.empty()) return Incomplete("SignedHeaders must not be empty.");
  out->signed_headers_text = text;
  bool has_host = false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t semi = std::min(text.find(';', start), text.size());
    std::string_view name = text.substr(start, semi - start);
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsLowerTokenChar)) {
      return Incomplete("SignedHeaders must be lowercase header names separated by ';', got '" +
                        Quote(text) + "'.");
    }
    if (!out->signed_headers.empty() && !(out->signed_headers.back() < name)) {
      return Incomplete("SignedHeaders must be sorted and without duplicates, got '" + Quote(text) +
                        "'.");
    }
    has_host = has_host || name == "host";
    out->signed_headers.emplace_back(name);
    start = semi + 1;
  }
  if (!has_host) {
    return Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return Status::Ok();
}

Status ParseSignature(std::string_view text, SigV4Authorization* out) {
  if (text.size() != 64 || !internal::IsHex(text)) {
    return Incomplete("Signature must be 64 hexadecimal characters, got '" + Quote(text, 80) +
                      "'.");
  }
  out->signature = text;
  for (char& c : out->signature) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return Status::Ok();
}

}  // namespace

Result<SigV4Authorization> ParseAuthorization(std::string_view header) {
  header = TrimSpaces(header);
  const size_t space = header.find_first_of(" \t");
  const std::string_view algorithm = header.substr(0, space);
  if (algorithm != kAlgorithm) {
    return Incomplete("Unsupported AWS 'algorithm': '" + Quote(algorithm, 64) +
                      "'; expected 'AWS4-HMAC-SHA256'.");
  }
  std::string_view rest = space == header.npos ? std::string_view() : header.substr(space);

  // key=value components, each at most once, in any order.
  constexpr std::array<std::string_view, 3> kNames = {"Credential", "SignedHeaders", "Signature"};
  std::array<std::optional<std::string_view>, 3> values;
  if (!TrimSpaces(rest).empty()) {
    size_t start = 0;
    while (start <= rest.size()) {
      size_t comma = std::min(rest.find(',', start), rest.size());
      std::string_view item = TrimSpaces(rest.substr(start, comma - start));
      start = comma + 1;
      size_t eq = item.find('=');
      if (eq == item.npos) {
        return Incomplete("'" + Quote(item, 64) +
                          "' not a valid key=value pair (missing equal-sign) in Authorization "
                          "header: '" +
                          Quote(header) + "'.");
      }
      std::string_view key = TrimSpaces(item.substr(0, eq));
      std::string_view value = TrimSpaces(item.substr(eq + 1));
      auto it = std::find(kNames.begin(), kNames.end(), key);
      if (it == kNames.end()) {
        return Incomplete("Unknown parameter '" + Quote(key, 64) + "' in Authorization header: '" +
                          Quote(header) + "'.");
      }
      auto& slot = values[static_cast<size_t>(it - kNames.begin())];
      if (slot) {
        return Incomplete("Authorization header has more than one '" + std::string(key) +
                          "' parameter.");
      }
      slot = value;
    }
  }

  std::string missing;
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (!values[i]) {
      missing += "Authorization header requires '" + std::string(kNames[i]) + "' parameter. ";
    }
  }
  if (!missing.empty()) return Incomplete(missing + "Authorization=" + Quote(header));

  SigV4Authorization out;
  OT_RETURN_IF_ERROR(ParseCredential(*values[0], &out));
  OT_RETURN_IF_ERROR(ParseSignedHeaders(*values[1], &out));
  OT_RETURN_IF_ERROR(ParseSignature(*values[2], &out));
  return out;
}

}  // namespace ot::auth
