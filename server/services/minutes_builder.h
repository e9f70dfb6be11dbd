// The minutes' content from the meeting record: the event log is replayed
// (attendance, proxies, who spoke on which item, closed polls with their
// results, documents, when the meeting started and ended), names come from
// the participant list, and the secretary's text (number, conclusions) from
// the stored Minutes. What is printed is what the log says happened.
#ifndef HOPSO_SERVER_SERVICES_MINUTES_BUILDER_H_
#define HOPSO_SERVER_SERVICES_MINUTES_BUILDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "hopso/v1/meeting.pb.h"
#include "hopso/v1/signing.pb.h"
#include "pdf/minutes.h"
#include "server/store/store.h"

namespace hopso::server {

struct MinutesSource {
  v1::Meeting meeting;
  // The secretary's text: number, item conclusions, closing conclusions.
  v1::Minutes text;
  // Documents left out of the record (the minutes themselves).
  std::string minutes_document_id;
  // The QR code on the minutes (a GetQrCode payload for the minutes document).
  std::string qr_payload;
};

// BuildMinutesSpec
//
// Reads the meeting's whole event log in `tx` and returns the spec to hand to
// pdf::WriteMinutes, plus the chain head it was made from (so the caller can
// record which events the minutes cover). FAILED_PRECONDITION when the
// meeting never started (no state change to IN_PROGRESS in the log) or has
// no chair or no secretary; DATA_LOSS when an event cannot be parsed.
struct BuiltMinutes {
  pdf::MinutesSpec spec;
  ChainHead head;
};
absl::StatusOr<BuiltMinutes> BuildMinutesSpec(Transaction& tx, const MinutesSource& source);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_MINUTES_BUILDER_H_
