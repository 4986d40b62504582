#pragma once

// The ordered walk a listing page makes over a local bucket's folders (ListObjects,
// ListObjectVersions; bucket_registry.cc): keys in byte order, entering only the folders that can
// hold a key of the page and stopping once the page is full, so a page costs what it shows, not
// the bucket's size.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace ot::buckets::internal {

// The versions tree keeps a key's older versions and delete markers in "<key>.versions/"
// (versioning.cc).
inline constexpr std::string_view kVersionsSuffix = ".versions";

// A key the walk found, and where: its object file and its versions directory (either may be
// empty when the key is only in the other tree).
struct WalkedKey {
  std::string key;
  std::string object_path;
  std::string versions_path;
};

// Visits the keys of the folder `base` ("" or a key prefix ending in '/') in ascending byte
// order, merging two trees: the object tree's directory `objects_dir` of that folder, whose
// regular files are keys, and, unless empty, the versions tree's `versions_dir`, whose
// "<name>.versions" directories are keys (which `visit` may find hold no version) and whose
// every directory is also a folder of deeper keys. A key or folder in both trees is visited
// once. A folder (its key prefix, ending in '/') is entered only when `enter` says so; the walk
// stops as soon as `visit` returns false (and sets *stopped). Siblings are ordered by their key
// prefix ("name/" for a folder), which orders every key below them: "a-b" < "a/1". A failure to
// list the object tree is returned; a versions directory that cannot be listed holds nothing.
Status WalkKeysInOrder(FileSystem& fs, const std::string& objects_dir,
                       const std::string& versions_dir, const std::string& base,
                       const std::function<bool(const std::string&)>& enter,
                       const std::function<bool(const WalkedKey&)>& visit, bool* stopped);

// Whether the folder `folder` (a key prefix ending in '/') can hold a key that a listing page
// shows: the page shows the keys within `prefix` after `after` (and rolls those with
// `delimiter` after the prefix up into common prefixes), and already ends with
// `common_prefixes`. False when the folder is outside the prefix, every key below it is at or
// before `after`, or every key below it rolls up into a common prefix at or before `after` or
// already on the page.
bool FolderCanHoldPageKeys(std::string_view folder, std::string_view prefix,
                           std::string_view delimiter, std::string_view after,
                           const std::vector<std::string>& common_prefixes);

}  // namespace ot::buckets::internal
