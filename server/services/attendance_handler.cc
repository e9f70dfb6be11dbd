#include "server/services/attendance_handler.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/room_code.h"
#include "server/services/meeting_handler.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// The participant's record, or an UNSPECIFIED one when nothing is recorded.
absl::StatusOr<v1::AttendanceRecord> RecordOf(Transaction& tx, absl::string_view meeting_id,
                                              absl::string_view user_id) {
  absl::StatusOr<v1::AttendanceRecord> record = tx.GetAttendanceRecord(meeting_id, user_id);
  if (record.ok() || record.status().code() != absl::StatusCode::kNotFound) return record;
  v1::AttendanceRecord none;
  none.set_meeting_id(std::string(meeting_id));
  none.set_user_id(std::string(user_id));
  return none;
}

absl::Status RequireParticipant(Transaction& tx, absl::string_view meeting_id,
                                absl::string_view user_id) {
  ASSIGN_OR_RETURN(v1::MeetingRole role, tx.GetParticipantRole(meeting_id, user_id));
  if (role == v1::MEETING_ROLE_UNSPECIFIED) {
    return absl::NotFoundError(
        absl::StrCat("user ", user_id, " is not a participant of this meeting"));
  }
  return absl::OkStatus();
}

// One attendance change waiting for its events.
struct AttendanceChange {
  std::string actor;
  v1::AttendanceRecord record;
  std::vector<v1::Proxy> ended;  // proxies the participant's arrival ended
};

// Stores the record; when its participant is now present, ends the proxy they
// gave (they vote themself). Returns the change with the stored record.
absl::StatusOr<AttendanceChange> StoreRecord(Transaction& tx, absl::string_view actor,
                                             const v1::AttendanceRecord& record) {
  RETURN_IF_ERROR(tx.PutAttendanceRecord(record));
  AttendanceChange change;
  change.actor = std::string(actor);
  if (IsPresent(record.status())) {
    ASSIGN_OR_RETURN(std::vector<v1::Proxy> proxies, tx.ListProxies(record.meeting_id()));
    change.ended = ProxiesEndedByArrival(record.user_id(), proxies);
    for (const v1::Proxy& p : change.ended) {
      RETURN_IF_ERROR(tx.DeleteProxy(p.meeting_id(), p.giver_user_id()));
    }
  }
  // Read back for the name and role the store fills in.
  ASSIGN_OR_RETURN(change.record, tx.GetAttendanceRecord(record.meeting_id(), record.user_id()));
  return change;
}

absl::Status AppendChangeEvents(Transaction& tx, const AttendanceChange& change,
                                const v1::Quorum& quorum, int64_t now) {
  v1::EventBody body;
  *body.mutable_attendance_changed()->mutable_record() = change.record;
  *body.mutable_attendance_changed()->mutable_quorum() = quorum;
  RETURN_IF_ERROR(tx.AppendEvent(change.record.meeting_id(), change.actor, now, body).status());
  for (const v1::Proxy& proxy : change.ended) {
    v1::EventBody ended;
    ended.mutable_proxy_changed()->set_change(v1::ProxyChanged::CHANGE_ENDED_GIVER_ARRIVED);
    *ended.mutable_proxy_changed()->mutable_proxy() = proxy;
    *ended.mutable_proxy_changed()->mutable_quorum() = quorum;
    RETURN_IF_ERROR(tx.AppendEvent(change.record.meeting_id(), change.actor, now, ended).status());
  }
  return absl::OkStatus();
}

// Records one change made outside the group writer, with the quorum after it.
absl::Status RecordChange(Transaction& tx, const AttendanceChange& change, int64_t now) {
  ASSIGN_OR_RETURN(AttendanceSnapshot after, LoadAttendance(tx, change.record.meeting_id()));
  return AppendChangeEvents(tx, change, after.quorum, now);
}

}  // namespace

absl::StatusOr<AttendanceSnapshot> LoadAttendance(Transaction& tx, absl::string_view meeting_id) {
  AttendanceSnapshot s;
  ASSIGN_OR_RETURN(s.rules, tx.GetMeetingRules(meeting_id));
  s.rules.rules.set_meeting_id(std::string(meeting_id));
  PageQuery page{.after = "", .limit = 500};
  do {
    ASSIGN_OR_RETURN(Page<v1::Participant> result, tx.ListParticipants(meeting_id, page));
    for (v1::Participant& p : result.items) s.participants.push_back(std::move(p));
    page.after = result.next;
  } while (!page.after.empty());
  ASSIGN_OR_RETURN(s.records, tx.ListAttendance(meeting_id));
  ASSIGN_OR_RETURN(s.proxies, tx.ListProxies(meeting_id));
  absl::flat_hash_map<std::string, v1::AttendanceStatus> status;
  for (const v1::AttendanceRecord& r : s.records) status[r.user_id()] = r.status();
  for (const v1::Participant& p : s.participants) {
    auto it = status.find(p.user_id());
    s.states.push_back(
        ParticipantState{p.user_id(), p.role(),
                         it == status.end() ? v1::ATTENDANCE_STATUS_UNSPECIFIED : it->second,
                         p.full_name()});
  }
  s.quorum = ComputeQuorum(s.rules.rules, s.states, s.proxies);
  return s;
}

absl::Status AttendanceHandler::GetRoomCode(const Caller& c, const v1::GetRoomCodeRequest& req,
                                            v1::RoomCode* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "GetRoomCode", req.meeting_id()).status());
    ASSIGN_OR_RETURN(MeetingRulesRecord rules, tx.GetMeetingRules(req.meeting_id()));
    const int64_t step = RoomCodeStep(NowMicros());
    out->set_meeting_id(req.meeting_id());
    out->set_code(RoomCodeAt(rules.room_secret, step));
    out->set_payload(RoomCodePayload(req.meeting_id(), out->code()));
    out->set_step_seconds(kRoomCodeStepSeconds);
    out->mutable_valid_until()->set_unix_micros((step + 1) * kRoomCodeStepSeconds * 1000000LL);
    return absl::OkStatus();
  });
}

void AttendanceHandler::CheckIn(const Caller& c, const v1::CheckInRequest& req,
                                Reply<v1::AttendanceRecord> reply) {
  // The code is judged at the time it was sent, not when the batch runs.
  const int64_t now = NowMicros();
  auto out = std::make_shared<v1::AttendanceRecord>();
  writer_.Submit(
      [c, req, now, out](Transaction& tx, GroupWriter::Batch& batch) -> absl::Status {
        ASSIGN_OR_RETURN(MeetingAccess access,
                         CheckedMeetingAccess(tx, c, "CheckIn", req.meeting_id()));
        ASSIGN_OR_RETURN(MeetingRulesRecord rules, tx.GetMeetingRules(req.meeting_id()));
        RETURN_IF_ERROR(CheckRoomCode(rules.room_secret, req.meeting_id(), req.room_code(), now));
        ASSIGN_OR_RETURN(v1::AttendanceRecord before, RecordOf(tx, req.meeting_id(), c.user_id));
        const v1::AttendanceStatus status =
            req.online() ? v1::ATTENDANCE_STATUS_ONLINE : v1::ATTENDANCE_STATUS_PRESENT;
        if (before.status() == status) {
          *out = std::move(before);  // a retry, or a second scan: nothing changes
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(AttendanceChange change,
                         StoreRecord(tx, c.user_id,
                                     ::hopso::server::CheckIn(
                                         before, status, v1::CHECK_IN_METHOD_ROOM_CODE, now,
                                         access.meeting.start_time().unix_micros(), c.user_id)));
        *out = change.record;
        // The quorum is computed once per meeting per batch, after every
        // check-in of the batch, and each event carries it.
        const std::string key = absl::StrCat("checkin:", req.meeting_id());
        auto& changes = batch.State<std::vector<AttendanceChange>>(key);
        changes.push_back(std::move(change));
        batch.AtEnd(key, [&changes, meeting_id = req.meeting_id()](Transaction& tx) {
          ASSIGN_OR_RETURN(AttendanceSnapshot after, LoadAttendance(tx, meeting_id));
          const int64_t at = NowMicros();
          for (const AttendanceChange& change : changes) {
            RETURN_IF_ERROR(AppendChangeEvents(tx, change, after.quorum, at));
          }
          return absl::OkStatus();
        });
        return absl::OkStatus();
      },
      [out, reply = std::move(reply)](absl::Status status) { reply(status, *out); });
}

absl::Status AttendanceHandler::MarkAttendance(const Caller& c,
                                               const v1::MarkAttendanceRequest& req,
                                               v1::AttendanceRecord* out) {
  RETURN_IF_ERROR(RequireId("user_id", req.user_id()));
  if (req.status() != v1::ATTENDANCE_STATUS_PRESENT &&
      req.status() != v1::ATTENDANCE_STATUS_ONLINE &&
      req.status() != v1::ATTENDANCE_STATUS_ABSENT) {
    return absl::InvalidArgumentError("status must be PRESENT, ONLINE or ABSENT");
  }
  RETURN_IF_ERROR(ValidateText("reason", req.reason(), {.min_chars = 0, .max_chars = 500}));
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "MarkAttendance", req.meeting_id()));
    RETURN_IF_ERROR(RequireParticipant(tx, req.meeting_id(), req.user_id()));
    ASSIGN_OR_RETURN(v1::AttendanceRecord before, RecordOf(tx, req.meeting_id(), req.user_id()));
    v1::AttendanceRecord after;
    if (req.status() == v1::ATTENDANCE_STATUS_ABSENT) {
      after.set_meeting_id(req.meeting_id());
      after.set_user_id(req.user_id());
      after.set_status(v1::ATTENDANCE_STATUS_ABSENT);
      after.set_method(v1::CHECK_IN_METHOD_MANUAL);
      after.set_recorded_by(c.user_id);
      after.mutable_update_time()->set_unix_micros(now);
    } else {
      after = ::hopso::server::CheckIn(before, req.status(), v1::CHECK_IN_METHOD_MANUAL, now,
                                       access.meeting.start_time().unix_micros(), c.user_id);
      // The secretary may know better than the clock (e.g. arrived during a break).
      if (req.late()) after.set_late(true);
    }
    after.set_reason(req.reason());
    ASSIGN_OR_RETURN(AttendanceChange change, StoreRecord(tx, c.user_id, after));
    RETURN_IF_ERROR(RecordChange(tx, change, now));
    *out = change.record;
    return absl::OkStatus();
  });
}

absl::Status AttendanceHandler::CheckOut(const Caller& c, const v1::CheckOutRequest& req,
                                         v1::AttendanceRecord* out) {
  const std::string user_id = req.user_id().empty() ? c.user_id : req.user_id();
  RETURN_IF_ERROR(RequireId("user_id", user_id));
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "CheckOut", req.meeting_id()));
    if (user_id != c.user_id && access.role != v1::MEETING_ROLE_SECRETARY) {
      return absl::PermissionDeniedError("only the meeting's secretary may check out someone else");
    }
    RETURN_IF_ERROR(RequireParticipant(tx, req.meeting_id(), user_id));
    ASSIGN_OR_RETURN(v1::AttendanceRecord before, RecordOf(tx, req.meeting_id(), user_id));
    ASSIGN_OR_RETURN(v1::AttendanceRecord after, ::hopso::server::CheckOut(before, now, c.user_id));
    ASSIGN_OR_RETURN(AttendanceChange change, StoreRecord(tx, c.user_id, after));
    RETURN_IF_ERROR(RecordChange(tx, change, now));
    *out = change.record;
    return absl::OkStatus();
  });
}

absl::Status AttendanceHandler::GiveProxy(const Caller& c, const v1::GiveProxyRequest& req,
                                          v1::Proxy* out) {
  RETURN_IF_ERROR(RequireId("giver_user_id", req.giver_user_id()));
  RETURN_IF_ERROR(RequireId("holder_user_id", req.holder_user_id()));
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "GiveProxy", req.meeting_id()).status());
    ASSIGN_OR_RETURN(AttendanceSnapshot before, LoadAttendance(tx, req.meeting_id()));
    RETURN_IF_ERROR(CheckNewProxy(before.rules.rules, req.giver_user_id(), req.holder_user_id(),
                                  before.states, before.proxies));
    v1::Proxy proxy;
    proxy.set_meeting_id(req.meeting_id());
    proxy.set_giver_user_id(req.giver_user_id());
    proxy.set_holder_user_id(req.holder_user_id());
    proxy.mutable_create_time()->set_unix_micros(now);
    proxy.set_recorded_by(c.user_id);
    RETURN_IF_ERROR(tx.InsertProxy(proxy));
    ASSIGN_OR_RETURN(AttendanceSnapshot after, LoadAttendance(tx, req.meeting_id()));
    for (const v1::Proxy& p : after.proxies) {
      if (p.giver_user_id() == proxy.giver_user_id()) proxy = p;  // with the names
    }
    v1::EventBody body;
    body.mutable_proxy_changed()->set_change(v1::ProxyChanged::CHANGE_GIVEN);
    *body.mutable_proxy_changed()->mutable_proxy() = proxy;
    *body.mutable_proxy_changed()->mutable_quorum() = after.quorum;
    RETURN_IF_ERROR(tx.AppendEvent(req.meeting_id(), c.user_id, now, body).status());
    *out = proxy;
    return absl::OkStatus();
  });
}

absl::Status AttendanceHandler::RevokeProxy(const Caller& c, const v1::RevokeProxyRequest& req,
                                            v1::RevokeProxyResponse*) {
  RETURN_IF_ERROR(RequireId("giver_user_id", req.giver_user_id()));
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "RevokeProxy", req.meeting_id()).status());
    ASSIGN_OR_RETURN(std::vector<v1::Proxy> proxies, tx.ListProxies(req.meeting_id()));
    auto it = std::find_if(proxies.begin(), proxies.end(), [&](const v1::Proxy& p) {
      return p.giver_user_id() == req.giver_user_id();
    });
    if (it == proxies.end()) {
      return absl::NotFoundError(
          absl::StrCat("user ", req.giver_user_id(), " has given no proxy in this meeting"));
    }
    RETURN_IF_ERROR(tx.DeleteProxy(req.meeting_id(), req.giver_user_id()));
    ASSIGN_OR_RETURN(AttendanceSnapshot after, LoadAttendance(tx, req.meeting_id()));
    v1::EventBody body;
    body.mutable_proxy_changed()->set_change(v1::ProxyChanged::CHANGE_REVOKED);
    *body.mutable_proxy_changed()->mutable_proxy() = *it;
    *body.mutable_proxy_changed()->mutable_quorum() = after.quorum;
    return tx.AppendEvent(req.meeting_id(), c.user_id, now, body).status();
  });
}

absl::Status AttendanceHandler::GetAttendance(const Caller& c, const v1::GetAttendanceRequest& req,
                                              v1::Attendance* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "GetAttendance", req.meeting_id()).status());
    ASSIGN_OR_RETURN(AttendanceSnapshot s, LoadAttendance(tx, req.meeting_id()));
    absl::flat_hash_map<std::string, const v1::AttendanceRecord*> recorded;
    for (const v1::AttendanceRecord& r : s.records) recorded[r.user_id()] = &r;
    out->set_meeting_id(req.meeting_id());
    for (const v1::Participant& p : s.participants) {
      v1::AttendanceRecord* record = out->add_records();
      if (auto it = recorded.find(p.user_id()); it != recorded.end()) {
        *record = *it->second;
      } else {
        record->set_meeting_id(req.meeting_id());
        record->set_user_id(p.user_id());
      }
      record->set_full_name(p.full_name());
      record->set_role(p.role());
    }
    for (v1::Proxy& p : s.proxies) *out->add_proxies() = std::move(p);
    *out->mutable_quorum() = s.quorum;
    return absl::OkStatus();
  });
}

absl::Status AttendanceHandler::GetAttendanceRules(const Caller& c,
                                                   const v1::GetAttendanceRulesRequest& req,
                                                   v1::AttendanceRules* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "GetAttendanceRules", req.meeting_id()).status());
    ASSIGN_OR_RETURN(MeetingRulesRecord rules, tx.GetMeetingRules(req.meeting_id()));
    *out = rules.rules;
    out->set_meeting_id(req.meeting_id());
    return absl::OkStatus();
  });
}

absl::Status AttendanceHandler::SetAttendanceRules(const Caller& c,
                                                   const v1::SetAttendanceRulesRequest& req,
                                                   v1::AttendanceRules* out) {
  const v1::AttendanceRules& rules = req.rules();
  RETURN_IF_ERROR(ValidateAttendanceRules(rules));
  const int64_t now = NowMicros();
  return store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "SetAttendanceRules", rules.meeting_id()).status());
    ASSIGN_OR_RETURN(MeetingRulesRecord record, tx.GetMeetingRules(rules.meeting_id()));
    record.rules = rules;
    RETURN_IF_ERROR(tx.PutMeetingRules(rules.meeting_id(), record));
    ASSIGN_OR_RETURN(AttendanceSnapshot after, LoadAttendance(tx, rules.meeting_id()));
    v1::EventBody body;
    *body.mutable_attendance_rules_changed()->mutable_rules() = after.rules.rules;
    *body.mutable_attendance_rules_changed()->mutable_quorum() = after.quorum;
    RETURN_IF_ERROR(tx.AppendEvent(rules.meeting_id(), c.user_id, now, body).status());
    *out = after.rules.rules;
    return absl::OkStatus();
  });
}

}  // namespace hopso::server
