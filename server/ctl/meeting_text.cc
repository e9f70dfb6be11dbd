#include "server/ctl/meeting_text.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/ctl/attendance_text.h"
#include "server/ctl/format.h"
#include "server/ctl/poll_text.h"
#include "server/domain/fraction.h"
#include "server/domain/meeting_lifecycle.h"
#include "server/util/random_id.h"

namespace hopso::ctl {
namespace {

std::string MeetingLine(const v1::Meeting& meeting) {
  return absl::StrCat("\"", meeting.title(), "\", ", meeting.place(), ", ",
                      FormatMeetingTime(meeting.start_time().unix_micros()), " - ",
                      FormatMeetingTime(meeting.end_time().unix_micros()));
}

absl::string_view ChangeVerb(v1::AgendaChanged::Change change) {
  switch (change) {
    case v1::AgendaChanged::CHANGE_ADDED: return "added";
    case v1::AgendaChanged::CHANGE_UPDATED: return "updated";
    case v1::AgendaChanged::CHANGE_MOVED: return "moved";
    case v1::AgendaChanged::CHANGE_REMOVED: return "removed";
    default: return "changed";
  }
}

absl::string_view DocumentChangeVerb(v1::DocumentChanged::Change change) {
  switch (change) {
    case v1::DocumentChanged::CHANGE_ADDED: return "added";
    case v1::DocumentChanged::CHANGE_NEW_VERSION: return "new version";
    case v1::DocumentChanged::CHANGE_ATTACHED: return "attached";
    case v1::DocumentChanged::CHANGE_CONFIDENTIALITY: return "confidentiality";
    default: return "changed";
  }
}

absl::string_view ProxyVerb(v1::ProxyChanged::Change change) {
  switch (change) {
    case v1::ProxyChanged::CHANGE_GIVEN: return "given";
    case v1::ProxyChanged::CHANGE_REVOKED: return "revoked";
    case v1::ProxyChanged::CHANGE_ENDED_GIVER_ARRIVED: return "ended (the giver arrived)";
    default: return "changed";
  }
}

absl::string_view PollVerb(v1::PollChanged::Change change) {
  switch (change) {
    case v1::PollChanged::CHANGE_CREATED: return "created";
    case v1::PollChanged::CHANGE_OPENED: return "opened";
    case v1::PollChanged::CHANGE_CLOSED: return "closed";
    default: return "changed";
  }
}

absl::string_view SpeakerVerb(v1::SpeakerChanged::Change change) {
  switch (change) {
    case v1::SpeakerChanged::CHANGE_REQUESTED: return "asks to speak";
    case v1::SpeakerChanged::CHANGE_WITHDRAWN: return "withdraws";
    case v1::SpeakerChanged::CHANGE_FLOOR_GIVEN: return "has the floor";
    case v1::SpeakerChanged::CHANGE_FLOOR_ENDED: return "ends speaking";
    default: return "changed";
  }
}

std::string QuorumShort(const v1::Quorum& quorum) {
  return absl::StrCat("quorum ", quorum.present(), "/", quorum.members(),
                      quorum.represented() > 0 ? absl::StrCat(" +", quorum.represented()) : "",
                      ", need ", quorum.required(),
                      quorum.reached() ? ", reached" : ", not reached");
}

}  // namespace

std::string AgendaText(const v1::Agenda& agenda) {
  std::string out;
  for (const v1::AgendaItem& item : agenda.items()) {
    absl::StrAppend(&out, item.parent_id().empty() ? "" : "  ", item.number(), "\t", item.id(),
                    "\t", item.title(), "\t", item.presenter(), "\t", item.planned_minutes(),
                    " min\n");
  }
  return out;
}

std::string MeetingText(const v1::Meeting& meeting) {
  return absl::StrCat(
      "id:           ", meeting.id(), "\n",
      "title:        ", meeting.title(), "\n",
      "place:        ", meeting.place(), "\n",
      "time:         ", FormatMeetingTime(meeting.start_time().unix_micros()), " - ",
      FormatMeetingTime(meeting.end_time().unix_micros()), " (+07:00)\n",
      "state:        ", server::StateName(meeting.state()), "\n",
      "organisation: ", meeting.organization_id(), "\n",
      "current item: ", meeting.current_item_id(), "\n",
      "your role:    ", MeetingRoleLabel(meeting.my_role()), "\n",
      "last event:   ", meeting.last_event_seq(), "\n");
}

const v1::AgendaItem* AddedItem(const v1::Agenda& agenda, absl::string_view parent_id,
                                int index) {
  const v1::AgendaItem* last = nullptr;
  for (const v1::AgendaItem& item : agenda.items()) {
    if (item.parent_id() != parent_id) continue;
    if (item.index() == index) return &item;
    if (last == nullptr || item.index() > last->index()) last = &item;
  }
  return index < 0 || (last != nullptr && index > last->index()) ? last : nullptr;
}

absl::string_view EventKind(const v1::MeetingEvent& event) {
  const auto* field = v1::EventBody::descriptor()->FindFieldByNumber(event.body().kind_case());
  return field == nullptr ? absl::string_view("unknown") : absl::string_view(field->name());
}

std::string EventDescriber::ItemText(absl::string_view item_id) const {
  auto it = items_.find(item_id);
  if (it == items_.end()) return absl::StrCat("item ", item_id);
  return absl::StrCat(it->second.number(), " ", it->second.title());
}

std::string EventDescriber::Summary(const v1::MeetingEvent& event) {
  const v1::EventBody& body = event.body();
  switch (body.kind_case()) {
    case v1::EventBody::kMeetingCreated:
      return absl::StrCat("meeting created: ", MeetingLine(body.meeting_created().meeting()));
    case v1::EventBody::kMeetingUpdated:
      return absl::StrCat("meeting updated: ", MeetingLine(body.meeting_updated().meeting()));
    case v1::EventBody::kStateChanged:
      return absl::StrCat("state: ", server::StateName(body.state_changed().from()), " -> ",
                          server::StateName(body.state_changed().to()));
    case v1::EventBody::kAgendaChanged: {
      const v1::AgendaChanged& change = body.agenda_changed();
      // A removed item is gone from the new agenda: name it before forgetting it.
      const std::string removed = ItemText(change.item_id());
      items_.clear();
      for (const v1::AgendaItem& item : change.agenda().items()) items_[item.id()] = item;
      const int count = change.agenda().items_size();
      return absl::StrCat(
          "agenda item ", ChangeVerb(change.change()), ": ",
          change.change() == v1::AgendaChanged::CHANGE_REMOVED ? removed
                                                                : ItemText(change.item_id()),
          " (", count, count == 1 ? " item)" : " items)");
    }
    case v1::EventBody::kParticipantChanged: {
      const v1::ParticipantChanged& change = body.participant_changed();
      const v1::Participant& p = change.participant();
      if (change.removed()) return absl::StrCat("participant removed: ", p.full_name());
      return absl::StrCat("participant: ", p.full_name(), " (", p.title(), ") as ",
                          MeetingRoleLabel(p.role()));
    }
    case v1::EventBody::kCurrentItemChanged: {
      const std::string& item_id = body.current_item_changed().item_id();
      if (item_id.empty()) return "current item cleared";
      return absl::StrCat("current item: ", ItemText(item_id));
    }
    case v1::EventBody::kDocumentChanged: {
      const v1::DocumentChanged& change = body.document_changed();
      const std::string verb =
          absl::StrCat("document ", DocumentChangeVerb(change.change()), ": ");
      // Confidential documents reach most watchers as a bare id: nothing
      // else to tell.
      if (change.title().empty()) {
        return absl::StrCat(verb, change.document_id(),
                            change.confidential() ? " [mật / confidential]" : "");
      }
      std::string text = absl::StrCat(verb, "\"", change.title(), "\"");
      if (!change.sha256().empty()) {
        absl::StrAppend(&text, " sha256 ", server::HexEncode(change.sha256()).substr(0, 8));
      }
      absl::StrAppend(&text, " (",
                      change.agenda_item_id().empty() ? std::string("whole meeting")
                                                      : ItemText(change.agenda_item_id()),
                      ")");
      if (change.confidential()) absl::StrAppend(&text, " [mật / confidential]");
      return text;
    }
    case v1::EventBody::kAttendanceChanged: {
      const v1::AttendanceRecord& r = body.attendance_changed().record();
      return absl::StrCat("attendance: ", r.full_name().empty() ? r.user_id() : r.full_name(), " ",
                          AttendanceStatusLabel(r.status()), r.late() ? ", late" : "",
                          r.reason().empty() ? "" : absl::StrCat(" (", r.reason(), ")"), "; ",
                          QuorumShort(body.attendance_changed().quorum()));
    }
    case v1::EventBody::kProxyChanged: {
      const v1::ProxyChanged& change = body.proxy_changed();
      return absl::StrCat("proxy ", ProxyVerb(change.change()), ": ", change.proxy().giver_name(),
                          " -> ", change.proxy().holder_name(), "; ", QuorumShort(change.quorum()));
    }
    case v1::EventBody::kAttendanceRulesChanged: {
      const v1::AttendanceRulesChanged& change = body.attendance_rules_changed();
      return absl::StrCat("attendance rules: quorum ",
                          server::DescribeFraction(change.rules().quorum(), "en"), " of members, ",
                          change.rules().max_proxies_per_holder(), " proxies per holder; ",
                          QuorumShort(change.quorum()));
    }
    case v1::EventBody::kPollChanged: {
      const v1::PollChanged& change = body.poll_changed();
      std::string text = absl::StrCat("poll ", PollVerb(change.change()), ": \"",
                                      change.poll().title(), "\" (",
                                      SecrecyLabel(change.poll().secrecy()), ")");
      if (change.change() == v1::PollChanged::CHANGE_OPENED) {
        absl::StrAppend(&text, ", ", change.poll().eligible(), " voting rights");
      }
      if (change.change() == v1::PollChanged::CHANGE_CLOSED) {
        absl::StrAppend(&text, " ", OutcomeLabel(change.poll().result().outcome()), ", ",
                        change.poll().result().ballots(), " ballots");
      }
      return text;
    }
    case v1::EventBody::kBallotsCast: {
      const v1::BallotsCast& cast = body.ballots_cast();
      const int n = std::max(cast.ballots_size(), cast.voter_user_ids_size());
      return absl::StrCat("ballots: ", n, n == 1 ? " ballot" : " ballots", " cast, ", cast.voted(),
                          "/", cast.eligible(), " voted");
    }
    case v1::EventBody::kSpeakerChanged: {
      const v1::SpeakerChanged& change = body.speaker_changed();
      return absl::StrCat("speaker: ", change.request().full_name(), " ",
                          SpeakerVerb(change.change()),
                          change.change() == v1::SpeakerChanged::CHANGE_FLOOR_ENDED
                              ? absl::StrCat(" after ", change.request().used_seconds(), " s")
                              : "");
    }
    default:
      return "(an event kind this hopsoctl does not know)";
  }
}

std::string EventDescriber::Line(const v1::MeetingEvent& event) {
  return absl::StrFormat("%4d  %s  %-20s  %s", event.seq(),
                         FormatMeetingTime(event.time().unix_micros(), /*with_seconds=*/true),
                         EventKind(event), Summary(event));
}

}  // namespace hopso::ctl
