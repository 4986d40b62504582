#include "trail/internal/json_tree.h"

#include <cstdlib>

namespace ot::trail::internal {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Status Parse(JsonNode* out, int depth) {
    SkipSpace();
    if (depth > 64) return Fail("nesting too deep");
    if (pos_ >= s_.size()) return Fail("unexpected end");
    char c = s_[pos_];
    if (c == '{') return ParseObject(out, depth);
    if (c == '[') return ParseArray(out, depth);
    if (c == '"') {
      out->kind = JsonNode::Kind::kString;
      return ParseString(&out->text);
    }
    if (Literal("true")) {
      out->kind = JsonNode::Kind::kBool;
      out->boolean = true;
      return Status::Ok();
    }
    if (Literal("false")) {
      out->kind = JsonNode::Kind::kBool;
      return Status::Ok();
    }
    if (Literal("null")) return Status::Ok();
    return ParseNumber(out);
  }

  Status Finish() {
    SkipSpace();
    return pos_ == s_.size() ? Status::Ok() : Fail("trailing characters");
  }

 private:
  Status Fail(std::string_view what) const {
    return Status(Error::kSerialization,
                  "Malformed JSON at offset " + std::to_string(pos_) + ": " + std::string(what));
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Status ParseObject(JsonNode* out, int depth) {
    out->kind = JsonNode::Kind::kObject;
    ++pos_;
    if (Eat('}')) return Status::Ok();
    do {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("expected a key");
      std::string key;
      OT_RETURN_IF_ERROR(ParseString(&key));
      if (!Eat(':')) return Fail("expected ':'");
      JsonNode value;
      OT_RETURN_IF_ERROR(Parse(&value, depth + 1));
      out->members.push_back({std::move(key), std::move(value)});
    } while (Eat(','));
    return Eat('}') ? Status::Ok() : Fail("expected '}'");
  }

  Status ParseArray(JsonNode* out, int depth) {
    out->kind = JsonNode::Kind::kArray;
    ++pos_;
    if (Eat(']')) return Status::Ok();
    do {
      JsonNode value;
      OT_RETURN_IF_ERROR(Parse(&value, depth + 1));
      out->items.push_back(std::move(value));
    } while (Eat(','));
    return Eat(']') ? Status::Ok() : Fail("expected ']'");
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Status Hex4(uint32_t* cp) {
    if (pos_ + 4 > s_.size()) return Fail("short \\u escape");
    *cp = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      *cp <<= 4;
      if (c >= '0' && c <= '9') {
        *cp |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        *cp |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        *cp |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Fail("bad \\u escape");
      }
    }
    return Status::Ok();
  }

  Status ParseString(std::string* out) {
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return Status::Ok();
      if (static_cast<unsigned char>(c) < 0x20) return Fail("control character in string");
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          OT_RETURN_IF_ERROR(Hex4(&cp));
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            uint32_t low = 0;
            OT_RETURN_IF_ERROR(Hex4(&low));
            if (low < 0xDC00 || low > 0xDFFF) return Fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Fail("bad escape");
      }
    }
    return Fail("unterminated string");
  }

  Status ParseNumber(JsonNode* out) {
    size_t start = pos_;
    while (pos_ < s_.size() &&
           std::string_view("+-0123456789.eE").find(s_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    if (pos_ == start) return Fail("unexpected character");
    std::string text(s_.substr(start, pos_ - start));
    char* end = nullptr;
    out->number = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return Fail("bad number");
    out->kind = JsonNode::Kind::kNumber;
    return Status::Ok();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const JsonNode* JsonNode::Get(std::string_view name) const {
  for (const auto& [key, value] : members) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string_view KindName(JsonNode::Kind kind) {
  switch (kind) {
    case JsonNode::Kind::kNull:
      return "null";
    case JsonNode::Kind::kBool:
      return "a boolean";
    case JsonNode::Kind::kNumber:
      return "a number";
    case JsonNode::Kind::kString:
      return "a string";
    case JsonNode::Kind::kArray:
      return "an array";
    case JsonNode::Kind::kObject:
      return "an object";
  }
  return "a value";
}

Result<JsonNode> ParseJsonTree(std::string_view text) {
  Parser p(text);
  JsonNode root;
  OT_RETURN_IF_ERROR(p.Parse(&root, 0));
  OT_RETURN_IF_ERROR(p.Finish());
  return root;
}

}  // namespace ot::trail::internal
