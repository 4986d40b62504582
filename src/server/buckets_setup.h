#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "buckets/bucket_registry.h"
#include "common/status.h"
#include "store/metadata.h"

namespace ot::server {

// The bucket registry's persistence on the metadata database: documents of kind "bucket", keyed
// by name, holding {"Name","CreationDate","Region","Owner"}.
class MetadataBucketStore final : public buckets::RegistryStore {
 public:
  explicit MetadataBucketStore(store::MetadataDb& db) : db_(db) {}

  Status Put(const buckets::BucketInfo& bucket) override;
  Status Delete(std::string_view name) override;
  Result<std::vector<buckets::BucketInfo>> List() override;

 private:
  store::MetadataDb& db_;
};

// Parses the `serve --buckets-config` file: a JSON array of
//   {"name":…, "endpoint":"http://127.0.0.1:4568", "region":"us-east-1",
//    "access_key_id":…, "secret_access_key":…, "session_token":…, "path_style":true,
//    "ca_bundle":"/etc/ssl/private-ca.pem", "tls_verify":true}
// ("region" defaults to us-east-1, "path_style" and "tls_verify" to true; "session_token" and
// "ca_bundle" are optional: without a bundle, https endpoints are checked against the system
// trust store or `serve --outbound-ca-bundle`).
// kValidation names the entry and member at fault.
Result<std::vector<buckets::RemoteBucketConfig>> ParseBucketsConfig(std::string_view json);

}  // namespace ot::server
