#include "server/services/minutes_builder.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/domain/agenda.h"
#include "server/domain/attendance.h"
#include "server/domain/fraction.h"
#include "server/domain/polls.h"
#include "server/services/document_handler.h"
#include "server/services/vietnamese_dates.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::server {
namespace {

constexpr int kEventPage = 500;
constexpr int kParticipantPage = 500;
// How much of the head hash the record note prints: enough to tell two
// versions of a log apart at a glance, short enough to read out.
constexpr size_t kNoteHashHexChars = 16;

struct DocumentState {
  std::string title;
  std::string agenda_item_id;
  bool confidential = false;
};

// What the log says happened, replayed event by event.
struct Replay {
  // Event times of the first change to IN_PROGRESS and to ENDED; 0 if none.
  int64_t start_micros = 0;
  int64_t end_micros = 0;
  std::vector<v1::AgendaItem> agenda;  // the last snapshot
  // Participants by the order they were first added to the meeting.
  absl::flat_hash_map<std::string, size_t> added_rank;
  // PRESENT, ONLINE or ABSENT, with the reason given; someone who left keeps
  // how they had attended.
  absl::flat_hash_map<std::string, v1::AttendanceRecord> attendance;
  std::vector<v1::Proxy> proxies;  // in force, in the order given
  std::optional<v1::Quorum> quorum;
  std::vector<std::string> document_order;  // first appearance
  absl::flat_hash_map<std::string, DocumentState> documents;
  absl::flat_hash_map<std::string, std::vector<v1::SpeakRequest>> floors;  // by agenda item
  absl::flat_hash_map<std::string, std::vector<v1::Poll>> closed_polls;    // by agenda item
};

void ApplyAttendance(const v1::AttendanceRecord& record, Replay& r) {
  v1::AttendanceRecord& kept = r.attendance[record.user_id()];
  if (record.status() == v1::ATTENDANCE_STATUS_LEFT) {
    // They took part; how is what they did before leaving.
    if (!IsPresent(kept.status())) kept.set_status(v1::ATTENDANCE_STATUS_PRESENT);
    return;
  }
  kept = record;
}

void ApplyProxy(const v1::ProxyChanged& change, Replay& r) {
  const std::string& giver = change.proxy().giver_user_id();
  std::erase_if(r.proxies, [&](const v1::Proxy& p) { return p.giver_user_id() == giver; });
  if (change.change() == v1::ProxyChanged::CHANGE_GIVEN) r.proxies.push_back(change.proxy());
}

void ApplyDocument(const v1::DocumentChanged& change, Replay& r) {
  auto [it, added] = r.documents.try_emplace(change.document_id());
  if (added) r.document_order.push_back(change.document_id());
  DocumentState& d = it->second;
  d.confidential = change.confidential();
  // A confidential document appears in the log as its id alone.
  if (!change.confidential()) {
    d.title = change.title();
    d.agenda_item_id = change.agenda_item_id();
  }
}

void Apply(const v1::EventBody& body, int64_t time_micros, Replay& r) {
  switch (body.kind_case()) {
    case v1::EventBody::kStateChanged:
      if (body.state_changed().to() == v1::MEETING_STATE_IN_PROGRESS && r.start_micros == 0) {
        r.start_micros = time_micros;
      } else if (body.state_changed().to() == v1::MEETING_STATE_ENDED && r.end_micros == 0) {
        r.end_micros = time_micros;
      }
      break;
    case v1::EventBody::kAgendaChanged: {
      const v1::Agenda& agenda = body.agenda_changed().agenda();
      r.agenda.assign(agenda.items().begin(), agenda.items().end());
      break;
    }
    case v1::EventBody::kParticipantChanged:
      if (!body.participant_changed().removed()) {
        r.added_rank.try_emplace(body.participant_changed().participant().user_id(),
                                 r.added_rank.size());
      }
      break;
    case v1::EventBody::kAttendanceChanged:
      ApplyAttendance(body.attendance_changed().record(), r);
      r.quorum = body.attendance_changed().quorum();
      break;
    case v1::EventBody::kProxyChanged:
      ApplyProxy(body.proxy_changed(), r);
      r.quorum = body.proxy_changed().quorum();
      break;
    case v1::EventBody::kAttendanceRulesChanged:
      r.quorum = body.attendance_rules_changed().quorum();
      break;
    case v1::EventBody::kDocumentChanged:
      ApplyDocument(body.document_changed(), r);
      break;
    case v1::EventBody::kSpeakerChanged:
      if (body.speaker_changed().change() == v1::SpeakerChanged::CHANGE_FLOOR_GIVEN) {
        const v1::SpeakRequest& request = body.speaker_changed().request();
        r.floors[request.agenda_item_id()].push_back(request);
      }
      break;
    case v1::EventBody::kPollChanged:
      if (body.poll_changed().change() == v1::PollChanged::CHANGE_CLOSED) {
        const v1::Poll& poll = body.poll_changed().poll();
        r.closed_polls[poll.agenda_item_id()].push_back(poll);
      }
      break;
    default:
      break;
  }
}

std::string QuorumText(const v1::Quorum& q) {
  std::string text =
      absl::StrCat(q.reached() ? "Đủ" : "Không đủ", " điều kiện tiến hành phiên họp: có mặt ",
                   q.present(), "/", q.members(), " thành viên");
  if (q.represented() > 0) {
    absl::StrAppend(&text, " (thêm ", q.represented(), " thành viên vắng mặt đã ủy quyền)");
  }
  absl::StrAppend(&text, ", yêu cầu tối thiểu ", q.required());
  return text;
}

// "Cần hơn 1/2 tổng số thành viên (5), tức ít nhất 3 phiếu", in the words of
// the poll's own explanation.
std::string RuleText(const v1::MajorityRule& rule, const v1::PollResult& result) {
  std::string text = absl::StrCat("Cần ", DescribeFraction(rule.fraction(), "vi"), " ",
                                  DescribeMajorityBase(rule.base(), "vi"));
  if (result.base() > 0) {
    absl::StrAppend(&text, " (", result.base(), "), tức ít nhất ", result.required(), " phiếu");
  }
  if (rule.tie() == v1::TIE_RULE_CHAIR_DECIDES) {
    absl::StrAppend(&text, "; khi hòa, chủ tọa quyết định");
  }
  return text;
}

absl::StatusOr<pdf::MinutesPoll> MinutesPollOf(const v1::Poll& poll) {
  const v1::PollResult& result = poll.result();
  pdf::MinutesPoll out;
  out.question = poll.title();
  out.secret = poll.secrecy() == v1::POLL_SECRECY_SECRET;
  for (const v1::PollOption& option : poll.options()) {
    int64_t votes = 0;
    for (const v1::OptionCount& count : result.counts()) {
      if (count.option_id() == option.id()) votes = count.votes();
    }
    out.counts.emplace_back(option.label(), absl::StrCat(votes));
  }
  out.voted = static_cast<int>(result.ballots());
  out.eligible = static_cast<int>(result.eligible());
  out.rule_text = RuleText(poll.rule(), result);
  // The explanation recorded when the poll closed starts with the outcome
  // ("Thông qua: ...", "Không thông qua: ...") and gives the counts and why.
  for (const v1::LocalizedText& explanation : result.explanation()) {
    if (explanation.language() == "vi") out.result_text = explanation.text();
  }
  if (out.result_text.empty()) {
    return absl::DataLossError(
        absl::StrCat("the poll “", poll.title(), "” was closed without its result in the log"));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Participant>> AllParticipants(Transaction& tx,
                                                             absl::string_view meeting_id) {
  std::vector<v1::Participant> all;
  PageQuery page{.after = "", .limit = kParticipantPage};
  do {
    ASSIGN_OR_RETURN(Page<v1::Participant> result, tx.ListParticipants(meeting_id, page));
    for (v1::Participant& p : result.items) all.push_back(std::move(p));
    page.after = result.next;
  } while (!page.after.empty());
  return all;
}

pdf::MinutesPerson PersonOf(const v1::Participant& p) { return {p.full_name(), p.title()}; }

}  // namespace

absl::StatusOr<BuiltMinutes> BuildMinutesSpec(Transaction& tx, const MinutesSource& source) {
  const v1::Meeting& meeting = source.meeting;
  Replay r;
  for (int64_t after = 0;;) {
    ASSIGN_OR_RETURN(std::vector<StoredEvent> events,
                     tx.ReadEvents(meeting.id(), after, kEventPage));
    for (const StoredEvent& e : events) {
      v1::EventBody body;
      if (!body.ParseFromString(e.body)) {
        return absl::DataLossError(absl::StrCat("event ", e.seq, " of meeting ", meeting.id(),
                                                " cannot be read; the log is damaged"));
      }
      Apply(body, e.time_micros, r);
      after = e.seq;
    }
    if (events.size() < static_cast<size_t>(kEventPage)) break;
  }
  if (r.start_micros == 0) {
    return absl::FailedPreconditionError(
        "the meeting has not started: minutes record a meeting that took place");
  }
  BuiltMinutes built;
  ASSIGN_OR_RETURN(built.head, tx.GetChainHead(meeting.id()));
  ASSIGN_OR_RETURN(v1::Organization organization, tx.GetOrganization(meeting.organization_id()));
  ASSIGN_OR_RETURN(std::vector<v1::Participant> participants, AllParticipants(tx, meeting.id()));

  absl::flat_hash_map<std::string, const v1::Participant*> by_id;
  const v1::Participant* chair = nullptr;
  const v1::Participant* secretary = nullptr;
  for (const v1::Participant& p : participants) {
    by_id[p.user_id()] = &p;
    if (p.role() == v1::MEETING_ROLE_CHAIR && chair == nullptr) chair = &p;
    // The secretary who made the meeting keeps the minutes, unless they no
    // longer are one.
    if (p.role() == v1::MEETING_ROLE_SECRETARY &&
        (secretary == nullptr || p.user_id() == meeting.created_by())) {
      secretary = &p;
    }
  }
  if (chair == nullptr) {
    return absl::FailedPreconditionError("the meeting has no chair; the minutes need one to sign");
  }
  if (secretary == nullptr) {
    return absl::FailedPreconditionError(
        "the meeting has no secretary; the minutes need one to sign");
  }
  // Names as the participant list has them now; someone since removed keeps
  // the name the log recorded.
  auto name_of = [&](const std::string& user_id, const std::string& logged) {
    auto it = by_id.find(user_id);
    return it == by_id.end() ? logged : it->second->full_name();
  };

  pdf::MinutesSpec& spec = built.spec;
  spec.header.organisation = organization.name();
  if (!source.text.number().empty()) {
    spec.header.number = absl::StrCat("Số: ", source.text.number());
  }
  // No place name (địa danh) is kept for an organisation, and the meeting's
  // place is a room: the date stands alone.
  spec.header.place_and_date = VietnameseDate(r.start_micros);
  spec.meeting_title = meeting.title();
  spec.place = meeting.place();
  spec.start_text =
      absl::StrCat(VietnameseClock(r.start_micros), ", ", VietnameseDate(r.start_micros));
  if (r.end_micros != 0) {
    spec.end_text =
        SameVietnameseDay(r.start_micros, r.end_micros)
            ? absl::StrCat(VietnameseClock(r.end_micros), " cùng ngày")
            : absl::StrCat(VietnameseClock(r.end_micros), ", ", VietnameseDate(r.end_micros));
  }
  spec.chair = PersonOf(*chair);
  spec.secretary = PersonOf(*secretary);

  // Members: the chair, then delegates in the order the secretary invited them.
  std::vector<const v1::Participant*> members;
  for (const v1::Participant& p : participants) {
    if (IsVotingMember(p.role())) members.push_back(&p);
  }
  auto rank = [&](const v1::Participant* p) {
    auto it = r.added_rank.find(p->user_id());
    return std::pair(p->role() != v1::MEETING_ROLE_CHAIR,
                     it == r.added_rank.end() ? std::numeric_limits<size_t>::max() : it->second);
  };
  std::stable_sort(members.begin(), members.end(),
                   [&](const auto* a, const auto* b) { return rank(a) < rank(b); });
  pdf::MinutesAttendance& attendance = spec.attendance;
  attendance.members = static_cast<int>(members.size());
  for (const v1::Participant* m : members) {
    auto it = r.attendance.find(m->user_id());
    const v1::AttendanceStatus status =
        it == r.attendance.end() ? v1::ATTENDANCE_STATUS_UNSPECIFIED : it->second.status();
    if (status == v1::ATTENDANCE_STATUS_PRESENT) {
      attendance.present.push_back(PersonOf(*m));
    } else if (status == v1::ATTENDANCE_STATUS_ONLINE) {
      attendance.online.push_back(PersonOf(*m));
    } else {
      // Absent, or nothing recorded at all: no reason is made up for them.
      attendance.absent.push_back(
          {PersonOf(*m), it == r.attendance.end() ? "" : it->second.reason()});
    }
  }
  for (const v1::Proxy& p : r.proxies) {
    attendance.proxies.push_back(
        {name_of(p.giver_user_id(), p.giver_name()), name_of(p.holder_user_id(), p.holder_name())});
  }
  if (r.quorum) attendance.quorum_text = QuorumText(*r.quorum);

  absl::flat_hash_map<std::string, std::string> conclusions;
  for (const v1::ItemConclusion& c : source.text.item_conclusions()) {
    conclusions[c.agenda_item_id()] = c.text();
  }
  const Agenda agenda(std::move(r.agenda));
  for (const v1::AgendaItem& item : agenda.items()) {
    pdf::MinutesItem& out = spec.items.emplace_back();
    out.number = item.number();
    out.title = item.title();
    out.presenter = item.presenter();
    for (const std::string& id : r.document_order) {
      const DocumentState& d = r.documents.at(id);
      if (d.confidential || d.agenda_item_id != item.id() || id == source.minutes_document_id ||
          d.title == kHandoutTitle || d.title == kPosterTitle) {
        continue;
      }
      out.document_titles.push_back(d.title);
    }
    for (const v1::SpeakRequest& floor : r.floors[item.id()]) {
      out.speeches.push_back({name_of(floor.user_id(), floor.full_name()), floor.topic()});
    }
    for (const v1::Poll& poll : r.closed_polls[item.id()]) {
      ASSIGN_OR_RETURN(pdf::MinutesPoll minutes_poll, MinutesPollOf(poll));
      out.polls.push_back(std::move(minutes_poll));
    }
    if (auto it = conclusions.find(item.id()); it != conclusions.end()) out.conclusion = it->second;
  }
  spec.conclusions.assign(source.text.conclusions().begin(), source.text.conclusions().end());
  spec.record_note =
      absl::StrCat("Biên bản được lập từ nhật ký phiên họp: sự kiện 1–", built.head.seq,
                   ", mã kiểm tra ", HexEncode(built.head.hash).substr(0, kNoteHashHexChars));
  spec.qr_payload = source.qr_payload;
  return built;
}

}  // namespace hopso::server
