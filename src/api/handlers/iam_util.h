#pragma once

// Helpers shared by the IAM and STS Query handlers (iam_*.cc, sts_session.cc): reading Query
// members and lists, IAM's constraint errors, paging, and the XML and record shapes of IAM's
// entities (shared/spec/iam.md, protocols.md §1).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/handlers/operation.h"
#include "api/protocol/query.h"
#include "iam/iam.h"

namespace ot::api::handlers::internal {

// Query parameters below some prefix, names relative to it ("Key", "ContextKeyValues.member.1").
using QueryMembers = std::vector<std::pair<std::string, std::string>>;

// The first value of `name` in `members`.
std::optional<std::string_view> Get(const QueryMembers& members, std::string_view name);

// The elements of list `name` (`<name>.member.<i>[.<rest>]`), ordered by index (gaps tolerated),
// each as its members relative to `<name>.member.<i>.` (a scalar element is the pair ("", v)).
std::vector<QueryMembers> ListMembers(const QueryMembers& members, std::string_view name);
// A list of strings (`<name>.member.<i>=v`), ordered by index.
std::vector<std::string> StringList(const QueryMembers& members, std::string_view name);

// The registry, or kInternal when the server runs without IAM.
Result<iam::IamRegistry*> Iam(const Services& services);

// Collects IAM's constraint violations into one ValidationError (protocols.md §1.3):
// "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member
// must satisfy regular expression pattern: [\w+=,.@-]+" ("N validation errors detected: …; …").
// `member` is the lower-camel model name the message shows.
class Validator {
 public:
  // A required member is absent ("Value null at 'userName' … Member must not be null").
  void Required(std::string_view member, const std::optional<std::string_view>& value);
  // Length in [min, max] characters (code points).
  void Length(std::string_view member, std::string_view value, size_t min, size_t max);
  // A name of [\w+=,.@-]+ (users, groups, policies, MFA devices), 1..max characters.
  void Name(std::string_view member, const std::optional<std::string_view>& value, size_t max,
            bool required = true);
  // A path: "/" or "/…/" of U+0021–U+007E, 1–512 characters.
  void Path(std::string_view member, const std::optional<std::string_view>& value);
  // A path prefix: "/" followed by U+0021–U+007F, 1–512 characters.
  void PathPrefix(std::string_view member, const std::optional<std::string_view>& value);
  // One of `allowed` (case-sensitive).
  void Enum(std::string_view member, const std::optional<std::string_view>& value,
            std::initializer_list<std::string_view> allowed);
  // An integer in [min, max]; the parsed value (or nullopt when absent or invalid).
  std::optional<long long> Integer(std::string_view member,
                                   const std::optional<std::string_view>& value, long long min,
                                   long long max);
  // An MFA code: exactly 6 digits. The value is never echoed (error messages are recorded).
  void Code(std::string_view member, const std::optional<std::string_view>& value);
  // Adds a violation with its constraint text.
  void Fail(std::string_view member, const std::optional<std::string_view>& value,
            std::string_view constraint);

  Status Done() const;

 private:
  std::vector<std::string> errors_;
};

// Reads Marker (1–320 chars) and MaxItems (1–1000, default 100) into `validator`.
iam::Page ReadPage(const QueryParams& params, Validator& validator);

// Tags.member.N.Key/Value (≤ 50 → else LimitExceeded; key 1–128, value 0–256 characters).
Result<std::vector<iam::Tag>> ReadTags(const QueryParams& params, std::string_view owner_type);

// The user an optional UserName addresses: the given name, else the calling IAM user
// (iam.md §2); root and role callers without UserName get ValidationError.
Result<std::string> UserNameOrCaller(const Services& services, const CallContext& ctx,
                                     const std::optional<std::string_view>& user_name);

// IAM's timestamp form in XML and records: YYYY-MM-DDTHH:MM:SSZ.
std::string IamTime(SysMillis t);

// Indented XML for a Query result body (the text inside <{Op}Result>, which sits at depth 2).
class Xml {
 public:
  Xml& Open(std::string_view name);
  Xml& Close(std::string_view name);
  Xml& Leaf(std::string_view name, std::string_view text);  // escaped
  Xml& Bool(std::string_view name, bool value);
  Xml& Empty(std::string_view name);  // <Name/>: an empty list
  // <name>…</name> with `write(*this, item)` for each item, or <name/> when there is none.
  template <typename T, typename F>
  Xml& List(std::string_view name, const std::vector<T>& items, F&& write) {
    if (items.empty()) return Empty(name);
    Open(name);
    for (const T& item : items) write(*this, item);
    return Close(name);
  }
  std::string Take() { return std::move(out_); }

 private:
  void Indent();
  std::string out_;
  int depth_ = 2;
};

// Entity shapes (iam.md §2). `full` adds the members only Get/Create return (User tags and
// boundary; Policy description and tags).
void WriteUser(Xml& x, std::string_view element, const iam::User& u, bool full);
void WriteGroup(Xml& x, std::string_view element, const iam::Group& g);
void WritePolicy(Xml& x, std::string_view element, const iam::ManagedPolicy& p, bool full);
void WriteTags(Xml& x, const std::vector<iam::Tag>& tags);  // <Tags> when not empty
// IsTruncated and, when truncated, Marker.
template <typename T>
void WritePaging(Xml& x, const iam::Listed<T>& listed) {
  x.Bool("IsTruncated", listed.marker.has_value());
  if (listed.marker) x.Leaf("Marker", *listed.marker);
}

// The record's responseElements for created entities (never secrets).
std::string UserJson(const iam::User& u);
std::string GroupJson(const iam::Group& g);
std::string PolicyJson(const iam::ManagedPolicy& p);

// The record's resources entry for an IAM entity ("AWS::IAM::User", arn).
std::vector<events::Resource> IamResource(std::string_view type, std::string_view arn);

// "true"/"false" member (anything but "true" is false, as botocore sends booleans).
bool BoolMember(const QueryParams& params, std::string_view name);

}  // namespace ot::api::handlers::internal
