#pragma once

// JSON documents of the IAM registry (docs/formats/iam-documents.md). Secrets are never in a
// record's encoding: the caller passes them already sealed (base64 of crypto/aead.h's format).

#include <string>
#include <string_view>

#include "common/status.h"
#include "iam/internal/registry_impl.h"

namespace ot::iam::internal {

std::string EncodeUser(const UserRec& u);
Result<UserRec> DecodeUser(std::string_view json);  // compiles the inline policies

std::string EncodeGroup(const GroupRec& g);
Result<GroupRec> DecodeGroup(std::string_view json);

std::string EncodeKey(const KeyRec& k, std::string_view sealed_secret);
Result<KeyRec> DecodeKey(std::string_view json, std::string* sealed_secret);

std::string EncodePolicy(const PolicyRec& p);
Result<PolicyRec> DecodePolicy(std::string_view json);  // compiles the default version

std::string EncodeMfa(const MfaRec& m, std::string_view sealed_seed);
Result<MfaRec> DecodeMfa(std::string_view json, std::string* sealed_seed);

std::string EncodeSession(const SessionRec& s, std::string_view sealed_secret,
                          std::string_view sealed_token);
Result<SessionRec> DecodeSession(std::string_view json, std::string* sealed_secret,
                                 std::string* sealed_token);

}  // namespace ot::iam::internal
