#pragma once

// A small reader for the XML bodies S3 requests carry (LifecycleConfiguration, Tagging,
// RestoreRequest, …): elements, attributes (skipped), text with the five entities and numeric
// character references, comments, CDATA and the XML declaration. No DTDs: a <!DOCTYPE …> is
// refused, so entity expansion attacks cannot happen.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ot::api {

struct XmlElement {
  std::string name;  // local name: a namespace prefix ("s3:Rule") is dropped
  std::string text;  // the element's own character data, entities decoded
  std::vector<XmlElement> children;

  // The first child named `name`, or null.
  const XmlElement* Child(std::string_view name) const;
  // Every child named `name`, in document order.
  std::vector<const XmlElement*> Children(std::string_view name) const;
  // How many children are named `name`.
  size_t Count(std::string_view name) const;
};

// Parses one document. kMalformedXml (S3's "The XML you provided was not well-formed or did not
// validate against our published schema") for anything it cannot read, including nesting deeper
// than 64 levels.
Result<XmlElement> ParseXml(std::string_view text);

}  // namespace ot::api
