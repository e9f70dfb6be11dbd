// The user stories of issue 2, end to end through the generated stubs against
// the real hopsod with TLS on.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/event_chain.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using Stub = v1::MeetingService::Stub;

std::string IdOf(const v1::Agenda& agenda, absl::string_view title) {
  for (const v1::AgendaItem& item : agenda.items()) {
    if (item.title() == title) return item.id();
  }
  ADD_FAILURE() << "no agenda item titled " << title;
  return "";
}

// (number, title) in reading order.
std::vector<std::pair<std::string, std::string>> Numbered(const v1::Agenda& agenda) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const v1::AgendaItem& item : agenda.items()) out.emplace_back(item.number(), item.title());
  return out;
}

std::vector<std::string> MeetingIds(const v1::ListMeetingsResponse& list) {
  std::vector<std::string> ids;
  for (const v1::Meeting& m : list.meetings()) ids.push_back(m.id());
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(Client& client) {
  return Call(*client.meetings, &Stub::ListMeetings, v1::ListMeetingsRequest());
}

absl::StatusOr<v1::Meeting> Lifecycle(
    Client& client,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const v1::MeetingLifecycleRequest&,
                                 v1::Meeting*),
    absl::string_view meeting_id) {
  v1::MeetingLifecycleRequest request;
  request.set_meeting_id(std::string(meeting_id));
  return Call(*client.meetings, method, request);
}

absl::Status Invite(Client& secretary, absl::string_view meeting_id, const v1::User& user,
                    v1::MeetingRole role) {
  v1::AddParticipantRequest request;
  request.set_meeting_id(std::string(meeting_id));
  request.set_user_id(user.id());
  request.set_role(role);
  return Call(*secretary.meetings, &Stub::AddParticipant, request).status();
}

using StoriesTest = HopsodTest;

TEST_F(StoriesTest, AdminCreatesOrganisationsAndUsersAndImportsACsv) {
  ASSERT_OK_AND_ASSIGN(Client admin, server_->Login(kAdminUsername));
  v1::CreateOrganizationRequest create_org;
  create_org.set_name("Ủy ban nhân dân tỉnh Hà Giang");
  ASSERT_OK_AND_ASSIGN(
      v1::Organization org,
      Call(*admin.directory, &v1::DirectoryService::Stub::CreateOrganization, create_org));
  EXPECT_EQ(org.name(), create_org.name());
  ASSERT_OK_AND_ASSIGN(v1::User secretary, NewUser(admin, org.id(), "thuky.hoa", "Đỗ Thị Hoa",
                                                   v1::USER_ROLE_SECRETARY));
  EXPECT_EQ(secretary.full_name(), "Đỗ Thị Hoa");
  EXPECT_EQ(secretary.role(), v1::USER_ROLE_SECRETARY);

  // A spreadsheet export: BOM, CRLF, quoted fields with commas and quotes,
  // one name in decomposed form (NFD), which must come back byte for byte.
  const std::string kNfdName = "Hoa\xCC\x80ng Va\xCC\x86n Tu\xCC\x81";  // Hoàng Văn Tú
  const std::string csv = absl::StrCat(
      "\xEF\xBB\xBFusername,full_name,title,unit,phone,email,role,password\r\n",
      "daibieu.an,Nguyễn Văn An,Giám đốc,Sở Tài chính,0912345678,an.nv@hagiang.gov.vn,member,",
      kPassword, "\r\n",
      "daibieu.binh,Trần Thị Bình,\"Phó Giám đốc, phụ trách ngân sách\",Sở Kế hoạch và Đầu tư,"
      "0987654321,binh.tt@hagiang.gov.vn,,\r\n",
      "daibieu.cuong,Lê Đức Cường,\"Chủ tịch \"\"Hội đồng\"\" nhân dân\",UBND huyện Đồng Văn,,"
      "cuong@hagiang.gov.vn,member,\r\n",
      "daibieu.tu,", kNfdName,
      ",Chuyên viên,Văn phòng Đoàn ĐBQH và HĐND tỉnh,0219 3866 123,,"
      "secretary,\r\n");
  v1::ImportUsersRequest import;
  import.set_organization_id(org.id());
  import.set_csv(csv);
  ASSERT_OK_AND_ASSIGN(v1::ImportUsersResponse imported,
                       Call(*admin.directory, &v1::DirectoryService::Stub::ImportUsers, import));
  ASSERT_EQ(imported.users_size(), 4);

  struct Expected {
    std::string username, full_name, title, unit, phone, email;
    v1::UserRole role;
  };
  const Expected expected[] = {
      {"daibieu.an", "Nguyễn Văn An", "Giám đốc", "Sở Tài chính", "0912345678",
       "an.nv@hagiang.gov.vn", v1::USER_ROLE_MEMBER},
      {"daibieu.binh", "Trần Thị Bình", "Phó Giám đốc, phụ trách ngân sách",
       "Sở Kế hoạch và Đầu tư", "0987654321", "binh.tt@hagiang.gov.vn", v1::USER_ROLE_MEMBER},
      {"daibieu.cuong", "Lê Đức Cường", "Chủ tịch \"Hội đồng\" nhân dân", "UBND huyện Đồng Văn", "",
       "cuong@hagiang.gov.vn", v1::USER_ROLE_MEMBER},
      {"daibieu.tu", kNfdName, "Chuyên viên", "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "0219 3866 123",
       "", v1::USER_ROLE_SECRETARY},
  };
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(expected[i].username);
    v1::GetUserRequest get;
    get.set_id(imported.users(i).id());
    // Read back through a separate call: what was stored, not what was echoed.
    ASSERT_OK_AND_ASSIGN(v1::User user,
                         Call(*admin.directory, &v1::DirectoryService::Stub::GetUser, get));
    EXPECT_EQ(user.username(), expected[i].username);
    EXPECT_EQ(user.full_name(), expected[i].full_name);
    EXPECT_EQ(user.title(), expected[i].title);
    EXPECT_EQ(user.unit(), expected[i].unit);
    EXPECT_EQ(user.phone(), expected[i].phone);
    EXPECT_EQ(user.email(), expected[i].email);
    EXPECT_EQ(user.role(), expected[i].role);
    EXPECT_EQ(user.organization_id(), org.id());
  }

  v1::ListUsersRequest list;
  list.set_organization_id(org.id());
  ASSERT_OK_AND_ASSIGN(v1::ListUsersResponse users,
                       Call(*admin.directory, &v1::DirectoryService::Stub::ListUsers, list));
  std::vector<std::string> names;
  for (const v1::User& user : users.users()) names.push_back(user.full_name());
  std::sort(names.begin(), names.end());
  std::vector<std::string> want = {"Đỗ Thị Hoa"};
  for (const Expected& e : expected) want.push_back(e.full_name);
  std::sort(want.begin(), want.end());
  EXPECT_EQ(names, want);

  // The password column works: the imported delegate can log in.
  ASSERT_OK_AND_ASSIGN(Client an, server_->Login("daibieu.an"));
  EXPECT_EQ(an.user.full_name(), "Nguyễn Văn An");
  ASSERT_OK_AND_ASSIGN(v1::WhoAmIResponse me,
                       Call(*an.auth, &v1::AuthService::Stub::WhoAmI, v1::WhoAmIRequest()));
  EXPECT_EQ(me.user().id(), imported.users(0).id());
}

TEST_F(StoriesTest, SecretaryPreparesChairRunsAndTabletsFollowAMeeting) {
  ASSERT_OK_AND_ASSIGN(Cast cast, MakeCast(*server_, "Sở Tài chính tỉnh Lào Cai", ""));
  // A guest from another organisation.
  v1::CreateOrganizationRequest other_org;
  other_org.set_name("Kiểm toán Nhà nước khu vực VII");
  ASSERT_OK_AND_ASSIGN(
      v1::Organization audit_office,
      Call(*cast.admin.directory, &v1::DirectoryService::Stub::CreateOrganization, other_org));
  ASSERT_OK_AND_ASSIGN(v1::User auditor, NewUser(cast.admin, audit_office.id(), "kiemtoan.vien",
                                                 "Vũ Minh Kiểm", v1::USER_ROLE_MEMBER));

  // The secretary creates the meeting.
  v1::CreateMeetingRequest create;
  create.set_organization_id(cast.org.id());
  create.set_title("Họp thẩm định dự toán ngân sách năm 2025");
  create.set_place("Hội trường tầng 2, Sở Tài chính");
  create.mutable_start_time()->set_unix_micros(1767225600000000);  // 2026-01-01 00:00 UTC
  create.mutable_end_time()->set_unix_micros(1767236400000000);
  ASSERT_OK_AND_ASSIGN(v1::Meeting meeting,
                       Call(*cast.secretary.meetings, &Stub::CreateMeeting, create));
  EXPECT_EQ(meeting.title(), create.title());
  EXPECT_EQ(meeting.place(), create.place());
  EXPECT_EQ(meeting.start_time().unix_micros(), create.start_time().unix_micros());
  EXPECT_EQ(meeting.end_time().unix_micros(), create.end_time().unix_micros());
  EXPECT_EQ(meeting.state(), v1::MEETING_STATE_DRAFT);
  EXPECT_EQ(meeting.my_role(), v1::MEETING_ROLE_SECRETARY);
  EXPECT_EQ(meeting.created_by(), cast.secretary.user.id());
  const std::string& id = meeting.id();

  // A two-level agenda: add, reorder, remove.
  for (const char* title : {"Khai mạc", "Báo cáo dự toán", "Thảo luận", "Bế mạc"}) {
    ASSERT_OK(AddAgendaItem(cast.secretary, id, title));
  }
  ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(cast.secretary, id));
  const std::string report = IdOf(agenda, "Báo cáo dự toán");
  v1::AddAgendaItemRequest sub;
  sub.set_meeting_id(id);
  sub.set_parent_id(report);
  sub.set_index(-1);
  for (const char* title : {"Thu ngân sách", "Chi thường xuyên", "Chi đầu tư phát triển"}) {
    sub.set_title(title);
    sub.set_presenter("Bà Nguyễn Thị Thư, Phó Giám đốc");
    sub.set_planned_minutes(15);
    ASSERT_OK_AND_ASSIGN(agenda, Call(*cast.secretary.meetings, &Stub::AddAgendaItem, sub));
  }
  EXPECT_EQ(Numbered(agenda), (std::vector<std::pair<std::string, std::string>>{
                                  {"1", "Khai mạc"},
                                  {"2", "Báo cáo dự toán"},
                                  {"2.1", "Thu ngân sách"},
                                  {"2.2", "Chi thường xuyên"},
                                  {"2.3", "Chi đầu tư phát triển"},
                                  {"3", "Thảo luận"},
                                  {"4", "Bế mạc"},
                              }));
  v1::MoveAgendaItemRequest move;
  move.set_meeting_id(id);
  move.set_item_id(IdOf(agenda, "Chi đầu tư phát triển"));
  move.set_new_parent_id(report);
  move.set_new_index(0);
  ASSERT_OK(Call(*cast.secretary.meetings, &Stub::MoveAgendaItem, move));
  // "Thảo luận" becomes a sub-item, then "Khai mạc" and "Chi thường xuyên" go.
  move.set_item_id(IdOf(agenda, "Thảo luận"));
  move.set_new_index(3);
  ASSERT_OK(Call(*cast.secretary.meetings, &Stub::MoveAgendaItem, move));
  v1::RemoveAgendaItemRequest remove;
  remove.set_meeting_id(id);
  for (const char* title : {"Khai mạc", "Chi thường xuyên"}) {
    remove.set_item_id(IdOf(agenda, title));
    ASSERT_OK(Call(*cast.secretary.meetings, &Stub::RemoveAgendaItem, remove));
  }
  ASSERT_OK_AND_ASSIGN(agenda, GetAgenda(cast.secretary, id));
  EXPECT_EQ(Numbered(agenda), (std::vector<std::pair<std::string, std::string>>{
                                  {"1", "Báo cáo dự toán"},
                                  {"1.1", "Chi đầu tư phát triển"},
                                  {"1.2", "Thu ngân sách"},
                                  {"1.3", "Thảo luận"},
                                  {"2", "Bế mạc"},
                              }));
  for (const v1::AgendaItem& item : agenda.items()) {
    SCOPED_TRACE(item.title());
    EXPECT_EQ(item.parent_id(), item.number().size() > 1 ? report : "");
    if (item.title() == "Thu ngân sách") {
      EXPECT_EQ(item.presenter(), "Bà Nguyễn Thị Thư, Phó Giám đốc");
      EXPECT_EQ(item.planned_minutes(), 15);
    }
  }

  // Invitations, then publication.
  ASSERT_OK(Invite(cast.secretary, id, cast.chair.user, v1::MEETING_ROLE_CHAIR));
  ASSERT_OK(Invite(cast.secretary, id, cast.delegate.user, v1::MEETING_ROLE_DELEGATE));
  ASSERT_OK_AND_ASSIGN(v1::User second_delegate, NewUser(cast.admin, cast.org.id(), "daibieu.hai",
                                                         "Đặng Thị Hải", v1::USER_ROLE_MEMBER));
  ASSERT_OK(Invite(cast.secretary, id, second_delegate, v1::MEETING_ROLE_DELEGATE));
  ASSERT_OK(Invite(cast.secretary, id, auditor, v1::MEETING_ROLE_GUEST));
  v1::ListParticipantsRequest participants_request;
  participants_request.set_meeting_id(id);
  ASSERT_OK_AND_ASSIGN(
      v1::ListParticipantsResponse participants,
      Call(*cast.secretary.meetings, &Stub::ListParticipants, participants_request));
  std::vector<std::pair<std::string, v1::MeetingRole>> roles;
  for (const v1::Participant& p : participants.participants()) {
    roles.emplace_back(p.full_name(), p.role());
  }
  std::sort(roles.begin(), roles.end());
  std::vector<std::pair<std::string, v1::MeetingRole>> want_roles = {
      {cast.secretary.user.full_name(), v1::MEETING_ROLE_SECRETARY},
      {cast.chair.user.full_name(), v1::MEETING_ROLE_CHAIR},
      {cast.delegate.user.full_name(), v1::MEETING_ROLE_DELEGATE},
      {"Đặng Thị Hải", v1::MEETING_ROLE_DELEGATE},
      {"Vũ Minh Kiểm", v1::MEETING_ROLE_GUEST},
  };
  std::sort(want_roles.begin(), want_roles.end());
  EXPECT_EQ(roles, want_roles);
  ASSERT_OK_AND_ASSIGN(meeting, Lifecycle(cast.secretary, &Stub::PublishMeeting, id));
  EXPECT_EQ(meeting.state(), v1::MEETING_STATE_PUBLISHED);

  // A tablet follows the meeting: first the replay of everything so far...
  ASSERT_OK_AND_ASSIGN(v1::Meeting seen_by_delegate, GetMeeting(cast.delegate, id));
  EXPECT_EQ(seen_by_delegate.my_role(), v1::MEETING_ROLE_DELEGATE);
  const int64_t head = seen_by_delegate.last_event_seq();
  Watcher watcher(cast.delegate, id, /*after_seq=*/0);
  std::vector<v1::MeetingEvent> events;
  v1::MeetingEvent event;
  while (static_cast<int64_t>(events.size()) < head && watcher.Next(&event)) {
    events.push_back(event);
  }
  ASSERT_EQ(static_cast<int64_t>(events.size()), head);
  EXPECT_EQ(events.front().seq(), 1);
  ASSERT_TRUE(events.front().body().has_meeting_created());
  EXPECT_EQ(events.front().body().meeting_created().meeting().title(), create.title());
  EXPECT_EQ(events.front().actor_user_id(), cast.secretary.user.id());
  ASSERT_TRUE(events.back().body().has_state_changed());
  EXPECT_EQ(events.back().body().state_changed().to(), v1::MEETING_STATE_PUBLISHED);
  EXPECT_OK(CheckChain(server::GenesisHash(), events));

  // ...then live: the chair starts, walks the agenda in reading order, ends.
  auto next_live = [&](v1::MeetingEvent* live) {
    if (!watcher.Next(live)) return false;
    events.push_back(*live);
    return true;
  };
  ASSERT_OK_AND_ASSIGN(meeting, Lifecycle(cast.chair, &Stub::StartMeeting, id));
  EXPECT_EQ(meeting.state(), v1::MEETING_STATE_IN_PROGRESS);
  ASSERT_TRUE(next_live(&event)) << watcher.Finish();
  ASSERT_TRUE(event.body().has_state_changed()) << event.DebugString();
  EXPECT_EQ(event.body().state_changed().from(), v1::MEETING_STATE_PUBLISHED);
  EXPECT_EQ(event.body().state_changed().to(), v1::MEETING_STATE_IN_PROGRESS);
  EXPECT_EQ(event.actor_user_id(), cast.chair.user.id());
  std::string previous_item;
  for (const v1::AgendaItem& item : agenda.items()) {
    SCOPED_TRACE(item.number());
    v1::SetCurrentItemRequest set;
    set.set_meeting_id(id);
    set.set_item_id(item.id());
    ASSERT_OK_AND_ASSIGN(meeting, Call(*cast.chair.meetings, &Stub::SetCurrentItem, set));
    EXPECT_EQ(meeting.current_item_id(), item.id());
    ASSERT_TRUE(next_live(&event)) << watcher.Finish();
    ASSERT_TRUE(event.body().has_current_item_changed()) << event.DebugString();
    EXPECT_EQ(event.body().current_item_changed().previous_item_id(), previous_item);
    EXPECT_EQ(event.body().current_item_changed().item_id(), item.id());
    previous_item = item.id();
  }
  ASSERT_OK_AND_ASSIGN(meeting, Lifecycle(cast.chair, &Stub::EndMeeting, id));
  EXPECT_EQ(meeting.state(), v1::MEETING_STATE_ENDED);
  EXPECT_EQ(meeting.current_item_id(), "");
  // Ending clears the current item and changes the state; read up to the head.
  while (events.back().seq() < meeting.last_event_seq()) {
    ASSERT_TRUE(next_live(&event)) << watcher.Finish();
  }
  ASSERT_TRUE(events.back().body().has_state_changed());
  EXPECT_EQ(events.back().body().state_changed().to(), v1::MEETING_STATE_ENDED);
  EXPECT_OK(CheckChain(server::GenesisHash(), events));

  watcher.Cancel();
  while (watcher.Next(&event)) ADD_FAILURE() << "unexpected event " << event.DebugString();
  EXPECT_EQ(watcher.Finish().code(), absl::StatusCode::kCancelled);

  // The delegate's tablet now reads the ended meeting and its agenda.
  ASSERT_OK_AND_ASSIGN(v1::Agenda delegate_agenda, GetAgenda(cast.delegate, id));
  EXPECT_EQ(Numbered(delegate_agenda), Numbered(agenda));
  ASSERT_OK_AND_ASSIGN(seen_by_delegate, GetMeeting(cast.delegate, id));
  EXPECT_EQ(seen_by_delegate.state(), v1::MEETING_STATE_ENDED);
  EXPECT_EQ(seen_by_delegate.last_event_seq(), events.back().seq());
}

TEST_F(StoriesTest, DelegatesListOnlyTheMeetingsTheyAreInvitedTo) {
  ASSERT_OK_AND_ASSIGN(Cast cast, MakeCast(*server_, "Văn phòng HĐND tỉnh Cao Bằng", ""));
  ASSERT_OK_AND_ASSIGN(v1::Meeting invited,
                       MakeMeeting(cast, v1::MEETING_STATE_PUBLISHED, "Kỳ họp thứ 18"));
  ASSERT_OK_AND_ASSIGN(v1::Meeting running,
                       MakeMeeting(cast, v1::MEETING_STATE_IN_PROGRESS, "Phiên chất vấn"));
  // A meeting the delegate is not in, and a draft they are invited to but
  // which is not published yet.
  ASSERT_OK_AND_ASSIGN(v1::Meeting not_invited,
                       MakeMeeting(cast, v1::MEETING_STATE_PUBLISHED, "Họp Thường trực"));
  v1::RemoveParticipantRequest uninvite;
  uninvite.set_meeting_id(not_invited.id());
  uninvite.set_user_id(cast.delegate.user.id());
  ASSERT_OK(Call(*cast.secretary.meetings, &Stub::RemoveParticipant, uninvite));
  ASSERT_OK_AND_ASSIGN(v1::Meeting draft,
                       MakeMeeting(cast, v1::MEETING_STATE_DRAFT, "Dự thảo chương trình"));

  ASSERT_OK_AND_ASSIGN(v1::ListMeetingsResponse mine, ListMeetings(cast.delegate));
  std::vector<std::string> want = {invited.id(), running.id()};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(MeetingIds(mine), want);
  for (const v1::Meeting& m : mine.meetings()) EXPECT_EQ(m.my_role(), v1::MEETING_ROLE_DELEGATE);
  EXPECT_EQ(GetMeeting(cast.delegate, not_invited.id()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(GetMeeting(cast.delegate, draft.id()).status().code(),
            absl::StatusCode::kPermissionDenied);

  // The secretary and the chair see every meeting they organise, drafts too.
  ASSERT_OK_AND_ASSIGN(v1::ListMeetingsResponse secretary_list, ListMeetings(cast.secretary));
  want = {invited.id(), running.id(), not_invited.id(), draft.id()};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(MeetingIds(secretary_list), want);
  ASSERT_OK_AND_ASSIGN(v1::ListMeetingsResponse chair_list, ListMeetings(cast.chair));
  EXPECT_EQ(MeetingIds(chair_list), want);
  // Someone invited to nothing sees nothing; the admin is in no meeting.
  ASSERT_OK_AND_ASSIGN(v1::User outsider, NewUser(cast.admin, cast.org.id(), "khong.moi",
                                                  "Đinh Văn Vắng", v1::USER_ROLE_MEMBER));
  ASSERT_OK_AND_ASSIGN(Client outsider_client, server_->Login(outsider.username()));
  ASSERT_OK_AND_ASSIGN(v1::ListMeetingsResponse none, ListMeetings(outsider_client));
  EXPECT_EQ(none.meetings_size(), 0);
  ASSERT_OK_AND_ASSIGN(v1::ListMeetingsResponse admin_list, ListMeetings(cast.admin));
  EXPECT_EQ(admin_list.meetings_size(), 0);
}

}  // namespace
}  // namespace hopso::integration
