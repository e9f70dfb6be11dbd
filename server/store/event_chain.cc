#include "server/store/event_chain.h"

#include "absl/strings/str_cat.h"
#include "server/util/random_id.h"

namespace hopso::server {
namespace {

void AppendU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void AppendBytes(std::string* out, absl::string_view bytes) {
  AppendU64(out, bytes.size());
  out->append(bytes.data(), bytes.size());
}

}  // namespace

std::string GenesisHash() { return std::string(32, '\0'); }

std::string CanonicalEventBytes(const StoredEvent& event) {
  std::string out = "hopso.event.v1";
  AppendU64(&out, static_cast<uint64_t>(event.seq));
  AppendU64(&out, static_cast<uint64_t>(event.time_micros));
  AppendBytes(&out, event.meeting_id);
  AppendBytes(&out, event.actor_user_id);
  AppendBytes(&out, event.body);
  return out;
}

std::string ChainHash(absl::string_view previous_hash, const StoredEvent& event) {
  return Sha256(absl::StrCat(previous_hash, CanonicalEventBytes(event)));
}

absl::Status VerifyChain(absl::string_view meeting_id, const std::vector<StoredEvent>& events,
                         const ChainHead& head) {
  std::string previous = GenesisHash();
  int64_t expected_seq = 1;
  for (const StoredEvent& event : events) {
    if (event.seq != expected_seq) {
      return absl::DataLossError(absl::StrCat(
          "meeting ", meeting_id, ": event ", expected_seq,
          event.seq > expected_seq ? " is missing" : " is out of order",
          " (found event ", event.seq, " in its place)"));
    }
    const std::string hash = ChainHash(previous, event);
    if (hash != event.hash) {
      return absl::DataLossError(absl::StrCat("meeting ", meeting_id, ": event ", event.seq,
                                              " was changed (its hash does not match)"));
    }
    previous = hash;
    ++expected_seq;
  }
  const int64_t last = expected_seq - 1;
  if (last != head.seq) {
    return absl::DataLossError(absl::StrCat("meeting ", meeting_id, ": event ", last + 1,
                                            " is missing (the log ends at ", last,
                                            ", the meeting's head is at ", head.seq, ")"));
  }
  if (last > 0 && previous != head.hash) {
    return absl::DataLossError(absl::StrCat("meeting ", meeting_id, ": event ", last,
                                            " does not match the meeting's head hash"));
  }
  return absl::OkStatus();
}

}  // namespace hopso::server
