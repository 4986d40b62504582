#include "server/keys_command.h"

#include "server/data_dir.h"
#include "store/metadata.h"

namespace ot::server {

Result<std::vector<trail::PublicKeyInfo>> RotateSigningKeys(const RotateKeysOptions& options,
                                                            Env& env) {
  const std::string db_path = options.data_dir + "/metadata.db";
  if (!env.fs.Exists(db_path)) {
    return Status(Error::kNotFound, options.data_dir + " is not an OpenTrail data directory");
  }
  OT_ASSIGN_OR_RETURN(auto db, store::MetadataDb::Open(db_path));
  OT_ASSIGN_OR_RETURN(DataDirState state, OpenDataDir({options.data_dir, "", ""}, *db, env));
  trail::SigningKeys keys(*db, env, {state.master_key, options.rotation});
  std::vector<std::string> regions;
  if (!options.region.empty()) {
    regions.push_back(options.region);
  } else {
    OT_ASSIGN_OR_RETURN(regions, keys.Regions());
    if (regions.empty()) regions.push_back(state.home_region);
  }
  std::vector<trail::PublicKeyInfo> out;
  for (const std::string& region : regions) {
    OT_ASSIGN_OR_RETURN(trail::PublicKeyInfo made, keys.Rotate(region, env.clock.Now()));
    out.push_back(std::move(made));
  }
  return out;
}

}  // namespace ot::server
