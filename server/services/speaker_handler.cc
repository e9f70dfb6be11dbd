#include "server/services/speaker_handler.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/speakers.h"
#include "server/services/meeting_handler.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

constexpr int kMaxLimitSeconds = 7200;

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// The request, which must belong to the meeting.
absl::StatusOr<v1::SpeakRequest> RequestIn(Transaction& tx, absl::string_view meeting_id,
                                           absl::string_view request_id) {
  RETURN_IF_ERROR(RequireId("request_id", request_id));
  absl::StatusOr<v1::SpeakRequest> request = tx.GetSpeakRequest(request_id);
  if ((!request.ok() && request.status().code() == absl::StatusCode::kNotFound) ||
      (request.ok() && request->meeting_id() != meeting_id)) {
    return absl::NotFoundError(
        absl::StrCat("request to speak ", request_id, " is not in this meeting"));
  }
  return request;
}

absl::Status Record(Transaction& tx, const Caller& c, v1::SpeakerChanged::Change change,
                    const v1::SpeakRequest& request, int64_t now) {
  v1::EventBody body;
  body.mutable_speaker_changed()->set_change(change);
  *body.mutable_speaker_changed()->mutable_request() = request;
  return tx.AppendEvent(request.meeting_id(), c.user_id, now, body).status();
}

// Stores the request's new state and records it.
absl::Status Change(Transaction& tx, const Caller& c, v1::SpeakerChanged::Change change,
                    const v1::SpeakRequest& request, int64_t now) {
  RETURN_IF_ERROR(tx.UpdateSpeakRequest(request));
  return Record(tx, c, change, request, now);
}

}  // namespace

absl::Status SpeakerHandler::RequestToSpeak(const Caller& c, const v1::RequestToSpeakRequest& req,
                                            v1::SpeakRequest* out) {
  RETURN_IF_ERROR(ValidateText("topic", req.topic(), {.min_chars = 0, .max_chars = 300}));
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "RequestToSpeak", req.meeting_id()));
    if (access.role == v1::MEETING_ROLE_GUEST) {
      return absl::PermissionDeniedError("guests cannot ask to speak in this meeting");
    }
    const std::string& item_id = access.meeting.current_item_id();
    std::vector<v1::SpeakRequest> existing;
    if (!item_id.empty()) {
      ASSIGN_OR_RETURN(existing, tx.ListSpeakRequests(req.meeting_id(), item_id));
    }
    RETURN_IF_ERROR(CheckNewSpeakRequest(req, item_id, c.user_id, existing));
    v1::SpeakRequest request;
    request.set_id(NewId());
    request.set_meeting_id(req.meeting_id());
    request.set_agenda_item_id(item_id);
    request.set_user_id(c.user_id);
    request.set_kind(req.kind());
    request.set_state(v1::SPEAK_STATE_WAITING);
    request.set_topic(req.topic());
    request.mutable_request_time()->set_unix_micros(now);
    RETURN_IF_ERROR(tx.InsertSpeakRequest(request));
    ASSIGN_OR_RETURN(*out, tx.GetSpeakRequest(request.id()));  // with the name
    return Record(tx, c, v1::SpeakerChanged::CHANGE_REQUESTED, *out, now);
  });
}

absl::Status SpeakerHandler::WithdrawRequest(const Caller& c, const v1::SpeakRequestRef& req,
                                             v1::SpeakRequest* out) {
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "WithdrawRequest", req.meeting_id()));
    ASSIGN_OR_RETURN(v1::SpeakRequest request, RequestIn(tx, req.meeting_id(), req.request_id()));
    if (request.user_id() != c.user_id && access.role != v1::MEETING_ROLE_CHAIR) {
      return absl::PermissionDeniedError(
          "only the person who asked to speak, or the chair, may withdraw the request");
    }
    if (request.state() != v1::SPEAK_STATE_WAITING) {
      return absl::FailedPreconditionError(request.state() == v1::SPEAK_STATE_SPEAKING
                                               ? "this speaker has the floor; end it with EndFloor"
                                               : "this request to speak is no longer waiting");
    }
    request.set_state(v1::SPEAK_STATE_WITHDRAWN);
    request.mutable_end_time()->set_unix_micros(now);
    request.set_ended_by(c.user_id);
    RETURN_IF_ERROR(Change(tx, c, v1::SpeakerChanged::CHANGE_WITHDRAWN, request, now));
    *out = request;
    return absl::OkStatus();
  });
}

absl::Status SpeakerHandler::ListSpeakers(const Caller& c, const v1::ListSpeakersRequest& req,
                                          v1::SpeakerQueue* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "ListSpeakers", req.meeting_id()));
    std::string item_id = req.agenda_item_id();
    if (item_id.empty()) {
      item_id = access.meeting.current_item_id();
    } else if (item_id != access.meeting.current_item_id()) {
      ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, tx.ListAgendaItems(req.meeting_id()));
      if (std::none_of(items.begin(), items.end(),
                       [&](const v1::AgendaItem& item) { return item.id() == item_id; })) {
        return absl::NotFoundError(absl::StrCat("agenda item ", item_id, " is not in this agenda"));
      }
    }
    out->set_meeting_id(req.meeting_id());
    out->set_agenda_item_id(item_id);
    if (item_id.empty()) return absl::OkStatus();  // no current item: nobody to call
    ASSIGN_OR_RETURN(std::vector<v1::SpeakRequest> requests,
                     tx.ListSpeakRequests(req.meeting_id(), item_id));
    OrderSpeakerQueue(requests);
    for (v1::SpeakRequest& r : requests) *out->add_requests() = std::move(r);
    return absl::OkStatus();
  });
}

absl::Status SpeakerHandler::GiveFloor(const Caller& c, const v1::GiveFloorRequest& req,
                                       v1::SpeakRequest* out) {
  if (req.limit_seconds() < 0 || req.limit_seconds() > kMaxLimitSeconds) {
    return absl::InvalidArgumentError(absl::StrCat("limit_seconds ", req.limit_seconds(),
                                                   " is out of range 0..", kMaxLimitSeconds));
  }
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "GiveFloor", req.meeting_id()));
    ASSIGN_OR_RETURN(v1::SpeakRequest request, RequestIn(tx, req.meeting_id(), req.request_id()));
    if (request.state() == v1::SPEAK_STATE_SPEAKING) {
      return absl::FailedPreconditionError("this speaker already has the floor");
    }
    if (request.state() != v1::SPEAK_STATE_WAITING) {
      return absl::FailedPreconditionError(
          "this request to speak is no longer waiting (done or withdrawn)");
    }
    // One floor at a time: end whoever holds it, here or on the current item.
    std::vector<std::string> items = {request.agenda_item_id()};
    const std::string& current = access.meeting.current_item_id();
    if (!current.empty() && current != request.agenda_item_id()) items.push_back(current);
    for (const std::string& item_id : items) {
      ASSIGN_OR_RETURN(std::vector<v1::SpeakRequest> on_item,
                       tx.ListSpeakRequests(req.meeting_id(), item_id));
      for (const v1::SpeakRequest& speaking : on_item) {
        if (speaking.state() != v1::SPEAK_STATE_SPEAKING) continue;
        RETURN_IF_ERROR(Change(tx, c, v1::SpeakerChanged::CHANGE_FLOOR_ENDED,
                               ::hopso::server::EndFloor(speaking, now, c.user_id), now));
      }
    }
    int32_t limit = req.limit_seconds();
    if (limit == 0) {
      ASSIGN_OR_RETURN(MeetingRulesRecord rules, tx.GetMeetingRules(req.meeting_id()));
      limit = rules.rules.speaking_limit_seconds();
    }
    request.set_state(v1::SPEAK_STATE_SPEAKING);
    request.mutable_start_time()->set_unix_micros(now);
    request.set_limit_seconds(limit);
    RETURN_IF_ERROR(Change(tx, c, v1::SpeakerChanged::CHANGE_FLOOR_GIVEN, request, now));
    *out = request;
    return absl::OkStatus();
  });
}

absl::Status SpeakerHandler::EndFloor(const Caller& c, const v1::SpeakRequestRef& req,
                                      v1::SpeakRequest* out) {
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "EndFloor", req.meeting_id()));
    ASSIGN_OR_RETURN(v1::SpeakRequest request, RequestIn(tx, req.meeting_id(), req.request_id()));
    if (request.user_id() != c.user_id && access.role != v1::MEETING_ROLE_CHAIR) {
      return absl::PermissionDeniedError("only the chair or the speaker may end the floor");
    }
    if (request.state() != v1::SPEAK_STATE_SPEAKING) {
      return absl::FailedPreconditionError("this request to speak does not have the floor");
    }
    *out = ::hopso::server::EndFloor(request, now, c.user_id);
    return Change(tx, c, v1::SpeakerChanged::CHANGE_FLOOR_ENDED, *out, now);
  });
}

}  // namespace hopso::server
