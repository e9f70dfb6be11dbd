#include "server/ctl/demo_script.h"

#include <iostream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/ctl/format.h"
#include "server/ctl/meeting_text.h"
#include "server/domain/meeting_lifecycle.h"
#include "server/services/csv.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using MeetingStub = v1::MeetingService::Stub;

struct DemoItem {
  bool sub_item;
  absl::string_view title;
  absl::string_view presenter;
  int minutes;
};

// Chương trình phiên họp: items and their sub-items in reading order.
constexpr DemoItem kDemoAgenda[] = {
    {false, "Khai mạc phiên họp, thông qua chương trình", "Phan Minh Khoa - Chủ tịch UBND tỉnh",
     10},
    {false, "Tình hình kinh tế - xã hội năm 2026 và kế hoạch năm 2027", "", 75},
    {true, kReportItem, "Bùi Thị Hòa - Giám đốc Sở Kế hoạch và Đầu tư", 20},
    {true, kBudgetItem, "Đặng Anh Tuấn - Giám đốc Sở Tài chính", 20},
    {true, "Thảo luận", "Các đại biểu", 35},
    {false, "Đề án sắp xếp đơn vị hành chính cấp xã giai đoạn 2026 - 2030", "", 45},
    {true, kRestructuringItem, "Ngô Trọng Nghĩa - Giám đốc Sở Nội vụ", 15},
    {true, "Thảo luận, cho ý kiến", "Các đại biểu", 30},
    {false, kTetItem, "Hà Thị Diễm My - Giám đốc Sở Văn hóa, Thể thao và Du lịch", 20},
    {false, "Kết luận phiên họp, bế mạc", "Phan Minh Khoa - Chủ tịch UBND tỉnh", 10},
};
// Added after the rest and moved before the closing item, as secretaries do.
constexpr DemoItem kLateItem = {false, "Các vấn đề phát sinh", "Các đại biểu", 15};

absl::StatusOr<int> Column(const std::vector<std::string>& header, absl::string_view name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return absl::InvalidArgumentError(absl::StrCat("the demo CSV has no \"", name, "\" column"));
}

absl::StatusOr<v1::AgendaItem> AddItem(const Client& secretary, const std::string& meeting_id,
                                       const std::string& parent_id, const DemoItem& item) {
  v1::AddAgendaItemRequest request;
  request.set_meeting_id(meeting_id);
  request.set_parent_id(parent_id);
  request.set_title(std::string(item.title));
  request.set_presenter(std::string(item.presenter));
  request.set_planned_minutes(item.minutes);
  request.set_index(-1);
  ASSIGN_OR_RETURN(v1::Agenda agenda, secretary.Call(&MeetingStub::AddAgendaItem, request));
  const v1::AgendaItem* added = AddedItem(agenda, parent_id, -1);
  if (added == nullptr) return absl::InternalError("the new item is not in the returned agenda");
  return *added;
}

absl::StatusOr<absl::flat_hash_map<std::string, v1::User>> UsersByName(const Client& client,
                                                                       const std::string& org_id) {
  absl::flat_hash_map<std::string, v1::User> users;
  v1::ListUsersRequest request;
  request.set_organization_id(org_id);
  RETURN_IF_ERROR(client.ForEachPage(&v1::DirectoryService::Stub::ListUsers, request,
                                     [&](const v1::ListUsersResponse& page) {
                                       for (const v1::User& u : page.users()) users[u.username()] = u;
                                     }));
  return users;
}

absl::Status Invite(const Client& secretary, const std::string& meeting_id,
                    const absl::flat_hash_map<std::string, v1::User>& users,
                    const DemoAccount& account, v1::MeetingRole role, Transcript& transcript) {
  auto it = users.find(account.username);
  if (it == users.end()) {
    return absl::NotFoundError(absl::StrCat("user ", account.username, " is not in the organisation"));
  }
  v1::AddParticipantRequest request;
  request.set_meeting_id(meeting_id);
  request.set_user_id(it->second.id());
  request.set_role(role);
  RETURN_IF_ERROR(secretary.Call(&MeetingStub::AddParticipant, request).status());
  transcript.Say(absl::StrCat("  mời / invites ", account.full_name, " (", account.title, ", ",
                              account.unit, ") - ", MeetingRoleLabel(role)));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DemoCast> ReadDemoCast(absl::string_view csv, absl::string_view chair_username) {
  ASSIGN_OR_RETURN(std::vector<server::CsvRow> rows, server::ParseCsv(csv));
  if (rows.empty()) return absl::InvalidArgumentError("the demo CSV is empty");
  const std::vector<std::string>& header = rows.front().fields;
  ASSIGN_OR_RETURN(int username, Column(header, "username"));
  ASSIGN_OR_RETURN(int password, Column(header, "password"));
  ASSIGN_OR_RETURN(int full_name, Column(header, "full_name"));
  ASSIGN_OR_RETURN(int title, Column(header, "title"));
  ASSIGN_OR_RETURN(int unit, Column(header, "unit"));
  ASSIGN_OR_RETURN(int role, Column(header, "role"));
  DemoCast cast;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::vector<std::string>& f = rows[i].fields;
    if (f.size() != header.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("demo CSV line ", rows[i].line, ": ", f.size(), " fields, expected ",
                       header.size()));
    }
    DemoAccount account{f[username], f[password], f[full_name], f[title], f[unit]};
    if (f[role] == "secretary") {
      cast.secretary = std::move(account);
    } else if (f[username] == chair_username) {
      cast.chair = std::move(account);
    } else {
      cast.delegates.push_back(std::move(account));
    }
  }
  if (cast.secretary.username.empty()) {
    return absl::InvalidArgumentError("the demo CSV has no row with role secretary");
  }
  if (cast.chair.username.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the demo CSV has no chair: no member with username ", chair_username));
  }
  if (cast.delegates.empty()) return absl::InvalidArgumentError("the demo CSV has no delegates");
  return cast;
}

void Transcript::Say(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  std::cout << line << std::endl;
}

absl::StatusOr<DemoMeeting> PrepareDemoMeeting(const Client& secretary, const DemoCast& cast,
                                               const DemoMeetingSpec& spec,
                                               Transcript& transcript) {
  ASSIGN_OR_RETURN(v1::WhoAmIResponse me,
                   secretary.Call(&v1::AuthService::Stub::WhoAmI, v1::WhoAmIRequest()));
  ASSIGN_OR_RETURN(int64_t start, ParseMeetingTime(spec.start));
  ASSIGN_OR_RETURN(int64_t end, ParseMeetingTime(spec.end));
  v1::CreateMeetingRequest create;
  create.set_organization_id(me.user().organization_id());
  create.set_title(spec.title);
  create.set_place(spec.place);
  create.mutable_start_time()->set_unix_micros(start);
  create.mutable_end_time()->set_unix_micros(end);
  ASSIGN_OR_RETURN(v1::Meeting meeting, secretary.Call(&MeetingStub::CreateMeeting, create));
  transcript.Say(absl::StrCat("Thư ký ", cast.secretary.full_name,
                              " tạo phiên họp / creates the meeting \"", meeting.title(), "\" (",
                              meeting.id(), ")\n  ", meeting.place(), ", ",
                              FormatMeetingTime(start), " - ", FormatMeetingTime(end)));

  transcript.Say("Thư ký xây dựng chương trình / builds the agenda:");
  std::string parent_id;
  for (const DemoItem& item : kDemoAgenda) {
    ASSIGN_OR_RETURN(v1::AgendaItem added,
                     AddItem(secretary, meeting.id(), item.sub_item ? parent_id : "", item));
    if (!item.sub_item) parent_id = added.id();
    transcript.Say(absl::StrCat(item.sub_item ? "    " : "  ", added.number(), "  ", added.title(),
                                item.presenter.empty() ? "" : " - ", item.presenter, " (",
                                item.minutes, " phút)"));
  }
  ASSIGN_OR_RETURN(v1::AgendaItem late, AddItem(secretary, meeting.id(), "", kLateItem));
  v1::MoveAgendaItemRequest move;
  move.set_meeting_id(meeting.id());
  move.set_item_id(late.id());
  move.set_new_index(late.index() - 1);
  ASSIGN_OR_RETURN(v1::Agenda agenda, secretary.Call(&MeetingStub::MoveAgendaItem, move));
  const v1::AgendaItem* moved = AddedItem(agenda, "", move.new_index());
  transcript.Say(absl::StrCat("  thêm mục / adds \"", late.title(), "\" and moves it from ",
                              late.number(), " to ", moved == nullptr ? "?" : moved->number()));

  ASSIGN_OR_RETURN(auto users, UsersByName(secretary, me.user().organization_id()));
  RETURN_IF_ERROR(Invite(secretary, meeting.id(), users, cast.chair, v1::MEETING_ROLE_CHAIR,
                         transcript));
  for (const DemoAccount& delegate : cast.delegates) {
    RETURN_IF_ERROR(Invite(secretary, meeting.id(), users, delegate, v1::MEETING_ROLE_DELEGATE,
                           transcript));
  }
  v1::MeetingLifecycleRequest publish;
  publish.set_meeting_id(meeting.id());
  ASSIGN_OR_RETURN(meeting, secretary.Call(&MeetingStub::PublishMeeting, publish));
  transcript.Say(absl::StrCat("Thư ký phát hành phiên họp / publishes the meeting: ",
                              server::StateName(meeting.state())));
  return DemoMeeting{std::move(meeting), std::move(agenda)};
}

}  // namespace hopso::ctl
