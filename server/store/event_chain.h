// The hash chain over a meeting's event log:
//   hash_n = SHA-256(hash_{n-1} || canonical bytes of event n), hash_0 = 32 zero bytes
// where the canonical bytes are "hopso.event.v1", then seq and time as 8-byte
// big-endian integers, then meeting id, actor and body each preceded by its
// length as an 8-byte big-endian integer. The body is the stored serialized
// EventBody, so the chain never depends on re-serializing a message.
#ifndef HOPSO_SERVER_STORE_EVENT_CHAIN_H_
#define HOPSO_SERVER_STORE_EVENT_CHAIN_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/store/store.h"

namespace hopso::server {

std::string GenesisHash();
std::string CanonicalEventBytes(const StoredEvent& event);
std::string ChainHash(absl::string_view previous_hash, const StoredEvent& event);

// VerifyChain
//
// Checks a meeting's events (as read, in seq order) against the chain and the
// head kept with the meeting. DATA_LOSS naming the first bad event: a changed
// event, a missing one, one out of order, or a log that ends before the head.
absl::Status VerifyChain(absl::string_view meeting_id, const std::vector<StoredEvent>& events,
                         const ChainHead& head);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_STORE_EVENT_CHAIN_H_
