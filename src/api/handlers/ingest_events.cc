#include "api/handlers/operation.h"
#include "common/json_writer.h"

namespace ot::api::handlers {

// IngestEvents: OpenTrail's bulk API for external CloudTrail records. The body is a log file's
// content ({"Records":[…]}, a JSON array, or JSON lines). The batch is all or nothing: one invalid
// record rejects the call (naming the record and field) and nothing is written. Events whose
// eventID is already stored are counted as duplicates, so re-importing a file adds nothing.
Result<Outcome> IngestEvents(const Services& services, const CallContext&, std::string_view body) {
  Outcome out;
  Status status = events::ForEachRecordText(body, [&](size_t i, std::string_view text) -> Status {
    if (out.events.size() >= services.max_ingest_records) {
      return Status(Error::kRequestTooLarge,
                    "A batch may hold at most " + std::to_string(services.max_ingest_records) +
                        " records; split it into several IngestEvents calls.");
    }
    auto record = events::ParseRecord(text);
    if (!record.ok()) {
      return Status(record.status().code(),
                    "Records[" + std::to_string(i) + "]." + record.status().message());
    }
    store::NewEvent e;
    e.attrs = events::DeriveLookupAttributes(*record);
    events::AppendSerializedRecord(*record, &e.json);
    out.events.push_back(std::move(e));
    return Status::Ok();
  });
  OT_RETURN_IF_ERROR(status);

  size_t received = out.events.size();
  out.request_parameters = "{\"recordCount\":" + std::to_string(received) + "}";
  out.finish = [received](const store::AppendResult& result, std::string* reply) {
    // The call's own record is the last event of the append and is never a duplicate.
    size_t duplicates = result.duplicates;
    JsonWriter w;
    w.BeginObject();
    w.Key("Received").Uint(received);
    w.Key("Ingested").Uint(received - duplicates);
    w.Key("Duplicates").Uint(duplicates);
    w.EndObject();
    *reply = w.Take();
  };
  return out;
}

}  // namespace ot::api::handlers
