// Requests to speak: the order the chair calls them and the floor's time.
#ifndef HOPSO_SERVER_DOMAIN_SPEAKERS_H_
#define HOPSO_SERVER_DOMAIN_SPEAKERS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "hopso/v1/speaker.pb.h"

namespace hopso::server {

// OrderSpeakerQueue
//
// The speaker first; then waiting requests, points of order before the
// others, each by time of request (then id); then the rest (done, withdrawn)
// by time of request.
void OrderSpeakerQueue(std::vector<v1::SpeakRequest>& requests);

// CheckNewSpeakRequest
//
// INVALID_ARGUMENT for an unset kind or a topic over 300 characters;
// FAILED_PRECONDITION when the meeting has no current item; ALREADY_EXISTS
// when `existing` (the item's requests) has one of the caller's waiting or
// speaking already.
absl::Status CheckNewSpeakRequest(const v1::RequestToSpeakRequest& request,
                                  absl::string_view current_item_id, absl::string_view user_id,
                                  const std::vector<v1::SpeakRequest>& existing);

// EndFloor
//
// `request` (SPEAKING) as DONE at `now_micros` with the seconds used
// (rounded down, never negative) and who ended it.
v1::SpeakRequest EndFloor(const v1::SpeakRequest& request, int64_t now_micros,
                          absl::string_view ended_by);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_DOMAIN_SPEAKERS_H_
