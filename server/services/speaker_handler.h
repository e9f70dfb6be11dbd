// SpeakerService logic, gRPC-free: requests to speak on the current agenda
// item, the queue in the order the chair calls it, and the floor with its
// time limit. Every change appends a SpeakerChanged event in its transaction.
#ifndef HOPSO_SERVER_SERVICES_SPEAKER_HANDLER_H_
#define HOPSO_SERVER_SERVICES_SPEAKER_HANDLER_H_

#include "absl/status/status.h"
#include "hopso/v1/speaker.pb.h"
#include "server/domain/permissions.h"
#include "server/store/store.h"

namespace hopso::server {

class SpeakerHandler {
 public:
  explicit SpeakerHandler(Store& store) : store_(store) {}

  absl::Status RequestToSpeak(const Caller& c, const v1::RequestToSpeakRequest& req,
                              v1::SpeakRequest* out);
  absl::Status WithdrawRequest(const Caller& c, const v1::SpeakRequestRef& req,
                               v1::SpeakRequest* out);
  absl::Status ListSpeakers(const Caller& c, const v1::ListSpeakersRequest& req,
                            v1::SpeakerQueue* out);
  // Whoever holds the floor (on this item or the current one) is ended first.
  absl::Status GiveFloor(const Caller& c, const v1::GiveFloorRequest& req, v1::SpeakRequest* out);
  absl::Status EndFloor(const Caller& c, const v1::SpeakRequestRef& req, v1::SpeakRequest* out);

 private:
  Store& store_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_SPEAKER_HANDLER_H_
