#include <simdjson.h>

#include "events/internal/json_util.h"
#include "events/record.h"

namespace ot::events {
namespace {

namespace od = internal::od;

using RecordFn = std::function<Status(size_t, std::string_view)>;

Status Invalid(size_t index, std::string_view what) {
  return Status(Error::kInvalidRecord,
                "record " + std::to_string(index) + ": " + std::string(what));
}

Status Malformed(size_t index, simdjson::error_code err) {
  return Invalid(index, std::string("malformed JSON (") + simdjson::error_message(err) + ")");
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view TrimEnd(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// For error messages when the body fails simdjson's first pass (e.g. a truncated file): the
// number of objects that close at `depth` (1 in a top-level array, 2 inside "Records") before
// the break, which is the index of the broken record.
size_t CompleteRecordsBefore(std::string_view body, int depth) {
  size_t count = 0;
  int level = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++level;
    } else if (c == '}' || c == ']') {
      --level;
      if (c == '}' && level == depth) ++count;
    }
  }
  return count;
}

// Walks the padded copy of `body`, handing `fn` views into the original `body`.
class Splitter {
 public:
  Splitter(std::string_view body, const RecordFn& fn)
      : lease_(internal::ParserSlot::kFile), body_(body), padded_(lease_.Pad(body)), fn_(fn) {}

  // Records of the array `array`, numbered from 0.
  Status EachElement(od::array array) {
    size_t index = 0;
    for (auto element : array) {
      od::object object;
      if (auto err = element.get_object().get(object)) {
        if (err == simdjson::INCORRECT_TYPE) return Invalid(index, "expected a JSON object");
        return Malformed(index, err);
      }
      std::string_view raw;
      if (auto err = object.raw_json().get(raw)) return Malformed(index, err);
      OT_RETURN_IF_ERROR(fn_(index, TrimEnd(Original(raw))));
      ++index;
    }
    return Status::Ok();
  }

  // A JSON array of records.
  Status Array() {
    od::document doc;
    od::array array;
    simdjson::error_code error = lease_.parser().iterate(padded_).get(doc);
    if (!error) error = doc.get_array().get(array);
    if (error) return Malformed(CompleteRecordsBefore(body_, 1), error);
    OT_RETURN_IF_ERROR(EachElement(array));
    if (!internal::AtEnd(doc))
      return Status(Error::kInvalidRecord, "unexpected content after the array");
    return Status::Ok();
  }

  // {"Records":[...]} with any other members ignored. An object without "Records" is taken
  // to be a single record.
  Status LogFile() {
    od::document doc;
    od::object object;
    simdjson::error_code error = lease_.parser().iterate(padded_).get(doc);
    if (!error) error = doc.get_object().get(object);
    if (error) return Malformed(CompleteRecordsBefore(body_, 2), error);
    bool found = false;
    for (auto member : object) {
      std::string_view key;
      if (auto err = member.unescaped_key().get(key)) {
        return Malformed(CompleteRecordsBefore(body_, 2), err);
      }
      if (key != "Records") continue;
      if (found) return Status(Error::kInvalidRecord, "Records: duplicate member");
      found = true;
      od::array array;
      if (auto err = member.value().get_array().get(array)) {
        if (err == simdjson::INCORRECT_TYPE) {
          return Status(Error::kInvalidRecord, "Records: expected an array");
        }
        return Malformed(CompleteRecordsBefore(body_, 2), err);
      }
      OT_RETURN_IF_ERROR(EachElement(array));
    }
    if (!internal::AtEnd(doc))
      return Status(Error::kInvalidRecord, "unexpected content after the object");
    if (!found) return fn_(0, Trim(body_));
    return Status::Ok();
  }

  // One record per line; blank lines are skipped.
  Status JsonLines() {
    size_t index = 0;
    size_t line_no = 0;
    for (size_t pos = 0; pos < body_.size();) {
      size_t end = body_.find('\n', pos);
      if (end == std::string_view::npos) end = body_.size();
      const std::string_view line = Trim(body_.substr(pos, end - pos));
      ++line_no;
      if (!line.empty()) {
        OT_RETURN_IF_ERROR(CheckLine(index, line_no, line));
        OT_RETURN_IF_ERROR(fn_(index, line));
        ++index;
      }
      pos = end + 1;
    }
    return Status::Ok();
  }

  // True when `line` is one complete JSON object; the object itself is checked by the caller.
  bool IsCompleteObject(std::string_view line, bool* has_records) {
    od::document doc;
    od::object object;
    if (Iterate(line).get(doc) || doc.get_object().get(object)) return false;
    *has_records = false;
    for (auto member : object) {
      std::string_view key;
      if (member.unescaped_key().get(key)) return false;
      if (key == "Records") *has_records = true;
    }
    return internal::AtEnd(doc);
  }

 private:
  std::string_view Original(std::string_view raw) const {
    return body_.substr(static_cast<size_t>(raw.data() - padded_.data()), raw.size());
  }

  // Parses a slice of the padded copy: its padding is the rest of the buffer.
  simdjson::simdjson_result<od::document> Iterate(std::string_view slice) {
    const size_t offset = static_cast<size_t>(slice.data() - body_.data());
    const char* start = padded_.data() + offset;
    return lease_.parser().iterate(start, slice.size(), padded_.capacity() - offset);
  }

  // A line must hold exactly one JSON object (its members are validated by ParseRecord).
  Status CheckLine(size_t index, size_t line_no, std::string_view line) {
    od::document doc;
    od::object object;
    std::string_view raw;
    simdjson::error_code err = Iterate(line).get(doc);
    if (!err) err = doc.get_object().get(object);
    if (!err) err = object.raw_json().get(raw);
    if (err == simdjson::INCORRECT_TYPE) {
      return Invalid(index, "line " + std::to_string(line_no) + ": expected a JSON object");
    }
    if (err) {
      return Invalid(index, "line " + std::to_string(line_no) + ": malformed JSON (" +
                                simdjson::error_message(err) + ")");
    }
    if (!internal::AtEnd(doc)) {
      return Invalid(index, "line " + std::to_string(line_no) + ": more than one JSON value");
    }
    return Status::Ok();
  }

  internal::ParserLease lease_;
  std::string_view body_;
  simdjson::padded_string_view padded_;
  const RecordFn& fn_;
};

// `{` then optional whitespace then the key "Records": what every CloudTrail log file starts with.
bool StartsWithRecordsKey(std::string_view s) {
  s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  return s.substr(0, 9) == "\"Records\"";
}

}  // namespace

Status ForEachRecordText(std::string_view body, const RecordFn& fn) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);  // UTF-8 byte-order mark
  const std::string_view trimmed = Trim(body);
  if (trimmed.empty()) return Status::Ok();
  Splitter splitter(body, fn);
  if (trimmed.front() == '[') return splitter.Array();
  if (trimmed.front() != '{') return Invalid(0, "expected a JSON object or array");
  if (StartsWithRecordsKey(trimmed)) return splitter.LogFile();
  // JSON lines if the first line is a whole object that is not a log file; else one object
  // spread over several lines (a pretty-printed log file or record).
  const size_t newline = trimmed.find('\n');
  const std::string_view first_line = Trim(trimmed.substr(0, newline));
  bool has_records = false;
  if (newline != std::string_view::npos && splitter.IsCompleteObject(first_line, &has_records) &&
      !has_records) {
    return splitter.JsonLines();
  }
  return splitter.LogFile();
}

}  // namespace ot::events
