#include "server/domain/speakers.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

// The position of a request in the chair's order: the floor, then those
// waiting (points of order first), then the rest.
std::tuple<int, int, int64_t, const std::string&> QueueKey(const v1::SpeakRequest& r) {
  const int group = r.state() == v1::SPEAK_STATE_SPEAKING  ? 0
                    : r.state() == v1::SPEAK_STATE_WAITING ? 1
                                                           : 2;
  const int urgency = group == 1 && r.kind() == v1::SPEAK_KIND_POINT_OF_ORDER ? 0 : 1;
  return {group, urgency, r.request_time().unix_micros(), r.id()};
}

}  // namespace

void OrderSpeakerQueue(std::vector<v1::SpeakRequest>& requests) {
  std::sort(requests.begin(), requests.end(),
            [](const v1::SpeakRequest& a, const v1::SpeakRequest& b) {
              return QueueKey(a) < QueueKey(b);
            });
}

absl::Status CheckNewSpeakRequest(const v1::RequestToSpeakRequest& request,
                                  absl::string_view current_item_id, absl::string_view user_id,
                                  const std::vector<v1::SpeakRequest>& existing) {
  if (request.kind() != v1::SPEAK_KIND_CONTRIBUTION && request.kind() != v1::SPEAK_KIND_QUESTION &&
      request.kind() != v1::SPEAK_KIND_POINT_OF_ORDER) {
    return absl::InvalidArgumentError(
        "kind: choose a contribution, a question (chất vấn) or a point of order");
  }
  RETURN_IF_ERROR(ValidateText("topic", request.topic(), {.min_chars = 0, .max_chars = 300}));
  if (current_item_id.empty()) {
    return absl::FailedPreconditionError(
        "the meeting has no current agenda item; requests to speak are made on the current item");
  }
  for (const v1::SpeakRequest& r : existing) {
    if (r.user_id() != user_id) continue;
    if (r.state() == v1::SPEAK_STATE_WAITING) {
      return absl::AlreadyExistsError(
          "you have already asked to speak on this item; withdraw that request to make another");
    }
    if (r.state() == v1::SPEAK_STATE_SPEAKING) {
      return absl::AlreadyExistsError("you have the floor on this item already");
    }
  }
  return absl::OkStatus();
}

v1::SpeakRequest EndFloor(const v1::SpeakRequest& request, int64_t now_micros,
                          absl::string_view ended_by) {
  v1::SpeakRequest done = request;
  done.set_state(v1::SPEAK_STATE_DONE);
  done.mutable_end_time()->set_unix_micros(now_micros);
  const int64_t used = std::max<int64_t>(0, now_micros - request.start_time().unix_micros());
  done.set_used_seconds(static_cast<int32_t>(
      std::min<int64_t>(used / 1'000'000, std::numeric_limits<int32_t>::max())));
  done.set_ended_by(std::string(ended_by));
  return done;
}

}  // namespace hopso::server
