#include "api/protocol/xml_reader.h"

#include <charconv>

namespace ot::api {
namespace {

constexpr int kMaxDepth = 64;

Status Malformed() {
  return Status(Error::kMalformedXml,
                "The XML you provided was not well-formed or did not validate against our "
                "published schema");
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xc0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xe0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    *out += static_cast<char>(0xf0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Decodes character data with its entities into `out`.
bool Unescape(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      *out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) return false;
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") {
      *out += '&';
    } else if (ent == "lt") {
      *out += '<';
    } else if (ent == "gt") {
      *out += '>';
    } else if (ent == "quot") {
      *out += '"';
    } else if (ent == "apos") {
      *out += '\'';
    } else if (ent.size() > 1 && ent[0] == '#') {
      uint32_t cp = 0;
      bool hex = ent[1] == 'x';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
          cp > 0x10ffff || cp == 0) {
        return false;
      }
      AppendUtf8(cp, out);
    } else {
      return false;
    }
    i = semi;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<XmlElement> Document() {
    SkipMisc();
    if (!At("<")) return Malformed();
    XmlElement root;
    OT_RETURN_IF_ERROR(Element(&root, 0));
    SkipMisc();
    if (pos_ != s_.size()) return Malformed();
    return root;
  }

 private:
  bool At(std::string_view t) const { return s_.substr(pos_, t.size()) == t; }

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }

  // Whitespace, comments and processing instructions (the XML declaration) between elements.
  void SkipMisc() {
    while (true) {
      SkipSpace();
      if (At("<?")) {
        size_t end = s_.find("?>", pos_);
        pos_ = end == std::string_view::npos ? s_.size() + 1 : end + 2;
      } else if (At("<!--")) {
        size_t end = s_.find("-->", pos_);
        pos_ = end == std::string_view::npos ? s_.size() + 1 : end + 3;
      } else {
        return;
      }
      if (pos_ > s_.size()) return;
    }
  }

  std::string_view Name() {
    size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  Status Element(XmlElement* e, int depth) {
    if (depth > kMaxDepth) return Malformed();
    ++pos_;  // '<'
    std::string_view qname = Name();
    if (qname.empty()) return Malformed();
    size_t colon = qname.rfind(':');
    e->name = std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
    // Attributes: name="value" or name='value', skipped.
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size()) return Malformed();
      if (At("/>")) {
        pos_ += 2;
        return Status::Ok();
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (Name().empty()) return Malformed();
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '=') return Malformed();
      ++pos_;
      SkipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return Malformed();
      char quote = s_[pos_++];
      size_t end = s_.find(quote, pos_);
      if (end == std::string_view::npos) return Malformed();
      pos_ = end + 1;
    }
    // Content until the matching end tag.
    while (true) {
      if (pos_ >= s_.size()) return Malformed();
      size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos) return Malformed();
      if (!Unescape(s_.substr(pos_, lt - pos_), &e->text)) return Malformed();
      pos_ = lt;
      if (At("</")) {
        pos_ += 2;
        if (Name() != qname) return Malformed();
        SkipSpace();
        if (pos_ >= s_.size() || s_[pos_] != '>') return Malformed();
        ++pos_;
        return Status::Ok();
      }
      if (At("<!--")) {
        size_t end = s_.find("-->", pos_);
        if (end == std::string_view::npos) return Malformed();
        pos_ = end + 3;
      } else if (At("<![CDATA[")) {
        size_t end = s_.find("]]>", pos_);
        if (end == std::string_view::npos) return Malformed();
        e->text += s_.substr(pos_ + 9, end - pos_ - 9);
        pos_ = end + 3;
      } else if (At("<?")) {
        size_t end = s_.find("?>", pos_);
        if (end == std::string_view::npos) return Malformed();
        pos_ = end + 2;
      } else if (At("<!")) {
        return Malformed();  // DOCTYPE and the like
      } else {
        e->children.emplace_back();
        OT_RETURN_IF_ERROR(Element(&e->children.back(), depth + 1));
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child) const {
  for (const XmlElement& c : children) {
    if (c.name == child) return &c;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child) const {
  std::vector<const XmlElement*> out;
  for (const XmlElement& c : children) {
    if (c.name == child) out.push_back(&c);
  }
  return out;
}

size_t XmlElement::Count(std::string_view child) const {
  size_t n = 0;
  for (const XmlElement& c : children) n += c.name == child ? 1 : 0;
  return n;
}

Result<XmlElement> ParseXml(std::string_view text) { return Parser(text).Document(); }

}  // namespace ot::api
