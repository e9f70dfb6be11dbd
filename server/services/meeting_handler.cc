#include "server/services/meeting_handler.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/agenda.h"
#include "server/domain/attendance.h"
#include "server/services/paging.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

constexpr int kMaxPlannedMinutes = 24 * 60;

absl::Status ValidateMeetingFields(const v1::Meeting& m) {
  RETURN_IF_ERROR(ValidateText("title", m.title(), {.max_chars = 300}));
  RETURN_IF_ERROR(ValidateText("place", m.place(), {.min_chars = 0, .max_chars = 300}));
  if (m.start_time().unix_micros() <= 0) return absl::InvalidArgumentError("start_time is required");
  if (m.end_time().unix_micros() <= m.start_time().unix_micros()) {
    return absl::InvalidArgumentError("end_time must be after start_time");
  }
  return absl::OkStatus();
}

absl::Status ValidateItemFields(absl::string_view title, absl::string_view presenter, int minutes) {
  RETURN_IF_ERROR(ValidateText("title", title, {.max_chars = 500}));
  RETURN_IF_ERROR(ValidateText("presenter", presenter, {.min_chars = 0, .max_chars = 200}));
  if (minutes < 0 || minutes > kMaxPlannedMinutes) {
    return absl::InvalidArgumentError(
        absl::StrCat("planned_minutes ", minutes, " is out of range 0..", kMaxPlannedMinutes));
  }
  return absl::OkStatus();
}

v1::Agenda AgendaProto(absl::string_view meeting_id, const Agenda& agenda) {
  v1::Agenda out;
  out.set_meeting_id(std::string(meeting_id));
  for (const v1::AgendaItem& item : agenda.items()) *out.add_items() = item;
  return out;
}

}  // namespace

absl::Status RequireId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (id.size() > 64 || !IsValidUtf8(id)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid id"));
  }
  return absl::OkStatus();
}

absl::Status MeetingHandler::Scope::Record(const Caller& caller, const v1::EventBody& body) {
  ASSIGN_OR_RETURN(StoredEvent event, tx.AppendEvent(meeting.id(), caller.user_id, now_micros, body));
  meeting.set_last_event_seq(event.seq);
  return absl::OkStatus();
}

absl::StatusOr<MeetingAccess> LoadMeetingAccess(Transaction& tx, const Caller& caller,
                                                absl::string_view meeting_id) {
  RETURN_IF_ERROR(RequireId("meeting_id", meeting_id));
  ASSIGN_OR_RETURN(v1::Meeting meeting, tx.GetMeeting(meeting_id));
  ASSIGN_OR_RETURN(v1::MeetingRole role, tx.GetParticipantRole(meeting_id, caller.user_id));
  meeting.set_my_role(role);
  return MeetingAccess{std::move(meeting), role};
}

absl::StatusOr<MeetingAccess> CheckedMeetingAccess(Transaction& tx, const Caller& caller,
                                                   absl::string_view rpc,
                                                   absl::string_view meeting_id) {
  ASSIGN_OR_RETURN(MeetingAccess access, LoadMeetingAccess(tx, caller, meeting_id));
  RETURN_IF_ERROR(CheckMeetingAction(rpc, access.role, access.meeting.state()));
  return access;
}

absl::Status MeetingHandler::InMeeting(const Caller& caller, absl::string_view rpc,
                                       absl::string_view meeting_id, bool write,
                                       const ScopedFn& fn) {
  auto body = [&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access, CheckedMeetingAccess(tx, caller, rpc, meeting_id));
    Scope scope{tx, access.meeting, access.role, absl::ToUnixMicros(absl::Now())};
    return fn(scope);
  };
  return write ? store_.Write(body) : store_.Read(body);
}

absl::Status MeetingHandler::CreateMeeting(const Caller& c, const v1::CreateMeetingRequest& req,
                                           v1::Meeting* out) {
  RETURN_IF_ERROR(CheckUserAction("MeetingService/CreateMeeting", c, req.organization_id()));
  v1::Meeting m;
  m.set_id(NewId());
  m.set_organization_id(req.organization_id());
  m.set_title(req.title());
  m.set_place(req.place());
  *m.mutable_start_time() = req.start_time();
  *m.mutable_end_time() = req.end_time();
  m.set_state(v1::MEETING_STATE_DRAFT);
  m.set_created_by(c.user_id);
  const int64_t now = absl::ToUnixMicros(absl::Now());
  m.mutable_create_time()->set_unix_micros(now);
  RETURN_IF_ERROR(ValidateMeetingFields(m));
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.GetOrganization(m.organization_id()).status());
    RETURN_IF_ERROR(tx.InsertMeeting(m));
    // The secretary who creates a meeting is its secretary.
    RETURN_IF_ERROR(tx.UpsertParticipant(m.id(), c.user_id, v1::MEETING_ROLE_SECRETARY));
    RETURN_IF_ERROR(tx.PutMeetingRules(
        m.id(), MeetingRulesRecord{DefaultAttendanceRules(), RandomBytes(32)}));
    m.set_my_role(v1::MEETING_ROLE_SECRETARY);
    v1::EventBody body;
    *body.mutable_meeting_created()->mutable_meeting() = m;
    ASSIGN_OR_RETURN(StoredEvent event, tx.AppendEvent(m.id(), c.user_id, now, body));
    m.set_last_event_seq(event.seq);
    return absl::OkStatus();
  }));
  *out = m;
  return absl::OkStatus();
}

absl::Status MeetingHandler::GetMeeting(const Caller& c, const v1::GetMeetingRequest& req,
                                        v1::Meeting* out) {
  return InMeeting(c, "GetMeeting", req.id(), false, [&](Scope& s) {
    *out = s.meeting;
    return absl::OkStatus();
  });
}

absl::Status MeetingHandler::ListMeetings(const Caller& c, const v1::ListMeetingsRequest& req,
                                          v1::ListMeetingsResponse* out) {
  RETURN_IF_ERROR(CheckUserAction("MeetingService/ListMeetings", c, ""));
  ASSIGN_OR_RETURN(PageQuery page, ParsePage(req.page_size(), req.page_token()));
  return store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Page<v1::Meeting> result, tx.ListMeetingsOf(c.user_id, page));
    for (v1::Meeting& m : result.items) {
      // Delegates and guests are invited when the meeting is published, not before.
      const bool organiser =
          m.my_role() == v1::MEETING_ROLE_CHAIR || m.my_role() == v1::MEETING_ROLE_SECRETARY;
      if (m.state() == v1::MEETING_STATE_DRAFT && !organiser) continue;
      *out->add_meetings() = std::move(m);
    }
    out->set_next_page_token(PageToken(result.next));
    return absl::OkStatus();
  });
}

absl::Status MeetingHandler::UpdateMeeting(const Caller& c, const v1::UpdateMeetingRequest& req,
                                           v1::Meeting* out) {
  return InMeeting(c, "UpdateMeeting", req.id(), true, [&](Scope& s) -> absl::Status {
    v1::Meeting& m = s.meeting;
    if (!req.title().empty()) m.set_title(req.title());
    if (!req.place().empty()) m.set_place(req.place());
    if (req.start_time().unix_micros() != 0) *m.mutable_start_time() = req.start_time();
    if (req.end_time().unix_micros() != 0) *m.mutable_end_time() = req.end_time();
    RETURN_IF_ERROR(ValidateMeetingFields(m));
    RETURN_IF_ERROR(s.tx.UpdateMeeting(m));
    v1::EventBody body;
    *body.mutable_meeting_updated()->mutable_meeting() = m;
    RETURN_IF_ERROR(s.Record(c, body));
    *out = m;
    return absl::OkStatus();
  });
}

absl::Status MeetingHandler::ChangeState(const Caller& c, absl::string_view rpc,
                                         LifecycleAction action,
                                         const v1::MeetingLifecycleRequest& req, v1::Meeting* out) {
  return InMeeting(c, rpc, req.meeting_id(), true, [&](Scope& s) -> absl::Status {
    v1::Meeting& m = s.meeting;
    ASSIGN_OR_RETURN(v1::MeetingState next, NextState(m.state(), action));
    if (action == LifecycleAction::kStart) {
      ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, s.tx.ListAgendaItems(m.id()));
      if (items.empty()) {
        return absl::FailedPreconditionError("cannot start a meeting with an empty agenda");
      }
    }
    if (action == LifecycleAction::kEnd) {
      // Ballots and ClosePoll need a meeting in progress: a poll left open
      // now could never be closed.
      ASSIGN_OR_RETURN(std::vector<v1::Poll> polls, s.tx.ListPolls(m.id(), ""));
      for (const v1::Poll& poll : polls) {
        if (poll.state() == v1::POLL_STATE_OPEN) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the poll \"", poll.title(), "\" is still open; close it before ending the meeting"));
        }
      }
    }
    v1::EventBody body;
    body.mutable_state_changed()->set_from(m.state());
    body.mutable_state_changed()->set_to(next);
    m.set_state(next);
    if (action == LifecycleAction::kEnd && !m.current_item_id().empty()) {
      v1::EventBody cleared;
      cleared.mutable_current_item_changed()->set_previous_item_id(m.current_item_id());
      RETURN_IF_ERROR(s.Record(c, cleared));
      m.clear_current_item_id();
    }
    RETURN_IF_ERROR(s.tx.UpdateMeeting(m));
    RETURN_IF_ERROR(s.Record(c, body));
    *out = m;
    return absl::OkStatus();
  });
}

absl::Status MeetingHandler::GetAgenda(const Caller& c, const v1::GetAgendaRequest& req,
                                       v1::Agenda* out) {
  return InMeeting(c, "GetAgenda", req.meeting_id(), false, [&](Scope& s) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, s.tx.ListAgendaItems(req.meeting_id()));
    *out = AgendaProto(req.meeting_id(), Agenda(std::move(items)));
    return absl::OkStatus();
  });
}

absl::Status MeetingHandler::ChangeAgenda(
    const Caller& c, absl::string_view rpc, absl::string_view meeting_id,
    v1::AgendaChanged::Change change,
    const std::function<absl::StatusOr<std::string>(Agenda&, std::vector<std::string>&)>& edit,
    v1::Agenda* out) {
  return InMeeting(c, rpc, meeting_id, true, [&](Scope& s) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, s.tx.ListAgendaItems(meeting_id));
    Agenda agenda(std::move(items));
    std::vector<std::string> removed;
    ASSIGN_OR_RETURN(std::string item_id, edit(agenda, removed));
    for (const std::string& id : removed) {
      if (id == s.meeting.current_item_id()) {
        return absl::FailedPreconditionError(
            "cannot remove the agenda item the meeting is on; move to another item first");
      }
    }
    RETURN_IF_ERROR(s.tx.SaveAgendaItems(meeting_id, agenda.items(), removed));
    v1::EventBody body;
    v1::AgendaChanged* changed = body.mutable_agenda_changed();
    changed->set_change(change);
    changed->set_item_id(item_id);
    *changed->mutable_agenda() = AgendaProto(meeting_id, agenda);
    RETURN_IF_ERROR(s.Record(c, body));
    *out = changed->agenda();
    return absl::OkStatus();
  });
}

absl::Status MeetingHandler::AddAgendaItem(const Caller& c, const v1::AddAgendaItemRequest& req,
                                           v1::Agenda* out) {
  RETURN_IF_ERROR(ValidateItemFields(req.title(), req.presenter(), req.planned_minutes()));
  return ChangeAgenda(c, "AddAgendaItem", req.meeting_id(), v1::AgendaChanged::CHANGE_ADDED,
                      [&](Agenda& agenda, std::vector<std::string>&) -> absl::StatusOr<std::string> {
                        v1::AgendaItem item;
                        item.set_id(NewId());
                        item.set_parent_id(req.parent_id());
                        item.set_title(req.title());
                        item.set_presenter(req.presenter());
                        item.set_planned_minutes(req.planned_minutes());
                        const std::string id = item.id();
                        RETURN_IF_ERROR(agenda.Add(std::move(item), req.index()));
                        return id;
                      },
                      out);
}

absl::Status MeetingHandler::UpdateAgendaItem(const Caller& c,
                                              const v1::UpdateAgendaItemRequest& req,
                                              v1::Agenda* out) {
  RETURN_IF_ERROR(RequireId("item_id", req.item_id()));
  RETURN_IF_ERROR(ValidateItemFields(req.title(), req.presenter(), req.planned_minutes()));
  return ChangeAgenda(c, "UpdateAgendaItem", req.meeting_id(), v1::AgendaChanged::CHANGE_UPDATED,
                      [&](Agenda& agenda, std::vector<std::string>&) -> absl::StatusOr<std::string> {
                        v1::AgendaItem* item = agenda.Find(req.item_id());
                        if (item == nullptr) {
                          return absl::NotFoundError(absl::StrCat(
                              "agenda item ", req.item_id(), " is not in this agenda"));
                        }
                        item->set_title(req.title());
                        item->set_presenter(req.presenter());
                        item->set_planned_minutes(req.planned_minutes());
                        return req.item_id();
                      },
                      out);
}

absl::Status MeetingHandler::MoveAgendaItem(const Caller& c, const v1::MoveAgendaItemRequest& req,
                                            v1::Agenda* out) {
  RETURN_IF_ERROR(RequireId("item_id", req.item_id()));
  return ChangeAgenda(c, "MoveAgendaItem", req.meeting_id(), v1::AgendaChanged::CHANGE_MOVED,
                      [&](Agenda& agenda, std::vector<std::string>&) -> absl::StatusOr<std::string> {
                        RETURN_IF_ERROR(
                            agenda.Move(req.item_id(), req.new_parent_id(), req.new_index()));
                        return req.item_id();
                      },
                      out);
}

absl::Status MeetingHandler::RemoveAgendaItem(const Caller& c,
                                              const v1::RemoveAgendaItemRequest& req,
                                              v1::Agenda* out) {
  RETURN_IF_ERROR(RequireId("item_id", req.item_id()));
  return ChangeAgenda(
      c, "RemoveAgendaItem", req.meeting_id(), v1::AgendaChanged::CHANGE_REMOVED,
      [&](Agenda& agenda, std::vector<std::string>& removed) -> absl::StatusOr<std::string> {
        ASSIGN_OR_RETURN(removed, agenda.Remove(req.item_id()));
        return req.item_id();
      },
      out);
}

absl::Status MeetingHandler::SetCurrentItem(const Caller& c, const v1::SetCurrentItemRequest& req,
                                            v1::Meeting* out) {
  return InMeeting(c, "SetCurrentItem", req.meeting_id(), true, [&](Scope& s) -> absl::Status {
    if (!req.item_id().empty()) {
      ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, s.tx.ListAgendaItems(req.meeting_id()));
      if (std::none_of(items.begin(), items.end(),
                       [&](const v1::AgendaItem& i) { return i.id() == req.item_id(); })) {
        return absl::NotFoundError(
            absl::StrCat("agenda item ", req.item_id(), " is not in this agenda"));
      }
    }
    v1::EventBody body;
    body.mutable_current_item_changed()->set_previous_item_id(s.meeting.current_item_id());
    body.mutable_current_item_changed()->set_item_id(req.item_id());
    s.meeting.set_current_item_id(req.item_id());
    RETURN_IF_ERROR(s.tx.UpdateMeeting(s.meeting));
    RETURN_IF_ERROR(s.Record(c, body));
    *out = s.meeting;
    return absl::OkStatus();
  });
}

absl::Status MeetingHandler::AddParticipant(const Caller& c, const v1::AddParticipantRequest& req,
                                            v1::Participant* out) {
  RETURN_IF_ERROR(RequireId("user_id", req.user_id()));
  if (!v1::MeetingRole_IsValid(req.role()) || req.role() == v1::MEETING_ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError("role must be CHAIR, SECRETARY, DELEGATE or GUEST");
  }
  return InMeeting(c, "AddParticipant", req.meeting_id(), true, [&](Scope& s) -> absl::Status {
    ASSIGN_OR_RETURN(UserRecord user, s.tx.GetUser(req.user_id()));
    if (user.user.organization_id() != s.meeting.organization_id() &&
        req.role() != v1::MEETING_ROLE_GUEST) {
      return absl::FailedPreconditionError(
          "only guests may come from another organisation; invite this user as a guest");
    }
    if (req.user_id() == c.user_id && req.role() != v1::MEETING_ROLE_SECRETARY) {
      return absl::FailedPreconditionError(
          "you cannot change your own role; ask another secretary of the meeting");
    }
    RETURN_IF_ERROR(s.tx.UpsertParticipant(req.meeting_id(), req.user_id(), req.role()));
    out->set_meeting_id(req.meeting_id());
    out->set_user_id(req.user_id());
    out->set_role(req.role());
    out->set_full_name(user.user.full_name());
    out->set_title(user.user.title());
    out->set_unit(user.user.unit());
    v1::EventBody body;
    *body.mutable_participant_changed()->mutable_participant() = *out;
    return s.Record(c, body);
  });
}

absl::Status MeetingHandler::RemoveParticipant(const Caller& c,
                                               const v1::RemoveParticipantRequest& req,
                                               v1::RemoveParticipantResponse*) {
  RETURN_IF_ERROR(RequireId("user_id", req.user_id()));
  return InMeeting(c, "RemoveParticipant", req.meeting_id(), true, [&](Scope& s) -> absl::Status {
    if (req.user_id() == c.user_id) {
      return absl::FailedPreconditionError("you cannot remove yourself from the meeting");
    }
    RETURN_IF_ERROR(s.tx.DeleteParticipant(req.meeting_id(), req.user_id()));
    v1::EventBody body;
    body.mutable_participant_changed()->mutable_participant()->set_meeting_id(req.meeting_id());
    body.mutable_participant_changed()->mutable_participant()->set_user_id(req.user_id());
    body.mutable_participant_changed()->set_removed(true);
    return s.Record(c, body);
  });
}

absl::Status MeetingHandler::ListParticipants(const Caller& c,
                                              const v1::ListParticipantsRequest& req,
                                              v1::ListParticipantsResponse* out) {
  ASSIGN_OR_RETURN(PageQuery page, ParsePage(req.page_size(), req.page_token()));
  return InMeeting(c, "ListParticipants", req.meeting_id(), false, [&](Scope& s) -> absl::Status {
    ASSIGN_OR_RETURN(Page<v1::Participant> result, s.tx.ListParticipants(req.meeting_id(), page));
    for (v1::Participant& p : result.items) *out->add_participants() = std::move(p);
    out->set_next_page_token(PageToken(result.next));
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> MeetingHandler::CheckWatch(const Caller& c, absl::string_view meeting_id) {
  int64_t head = 0;
  RETURN_IF_ERROR(InMeeting(c, "WatchMeeting", meeting_id, false, [&](Scope& s) {
    head = s.meeting.last_event_seq();
    return absl::OkStatus();
  }));
  return head;
}

}  // namespace hopso::server
