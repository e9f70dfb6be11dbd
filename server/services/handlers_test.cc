// The handlers against a real SQLite file, without gRPC.
#include <stdlib.h>

#include <filesystem>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/services/auth_handler.h"
#include "server/services/directory_handler.h"
#include "server/services/meeting_handler.h"
#include "server/services/password.h"
#include "server/store/event_chain.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/util/status_macros.h"

namespace hopso::server {
namespace {

constexpr char kPassword[] = "mat-khau-2026";

class HandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hopso-handlers-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenSqliteStore(dir_ + "/hopso.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auth_ = std::make_unique<AuthHandler>(*store_);
    directory_ = std::make_unique<DirectoryHandler>(*store_, *auth_);
    meetings_ = std::make_unique<MeetingHandler>(*store_);
    v1::User admin;
    admin.set_id("admin");
    admin.set_username("admin");
    admin.set_full_name("Quản trị hệ thống");
    admin.set_role(v1::USER_ROLE_ADMIN);
    ASSERT_TRUE(store_->Write([&](Transaction& tx) {
      return tx.InsertUser(admin, HashPassword(kPassword));
    }).ok());
    admin_ = Login("admin");
    v1::CreateOrganizationRequest org_req;
    org_req.set_name("UBND tỉnh Quảng Nam");
    ASSERT_TRUE(directory_->CreateOrganization(admin_, org_req, &org_).ok());
    v1::ImportUsersRequest import;
    import.set_organization_id(org_.id());
    import.set_csv(
        "username,full_name,title,unit,phone,email,role,password\n"
        "thuky,Nguyễn Thị Thu Hà,Chuyên viên,Văn phòng UBND,0905000001,ha@example.vn,secretary,"
        "mat-khau-2026\n"
        "chutoa,Trần Văn Minh,Chủ tịch,UBND tỉnh,0905000002,minh@example.vn,member,mat-khau-2026\n"
        "daibieu,Lê Thị Hạnh,Giám đốc,Sở Tài chính,0905000003,hanh@example.vn,,mat-khau-2026\n");
    v1::ImportUsersResponse imported;
    ASSERT_TRUE(directory_->ImportUsers(admin_, import, &imported).ok());
    for (const v1::User& u : imported.users()) ids_[u.username()] = u.id();
    secretary_ = Login("thuky");
    chair_ = Login("chutoa");
    delegate_ = Login("daibieu");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Caller Login(const std::string& username) {
    v1::LoginRequest req;
    req.set_username(username);
    req.set_password(kPassword);
    v1::LoginResponse resp;
    absl::Status s = auth_->Login(req, &resp);
    EXPECT_TRUE(s.ok()) << s;
    absl::StatusOr<Caller> caller = auth_->Authenticate("Bearer " + resp.token());
    EXPECT_TRUE(caller.ok()) << caller.status();
    return caller.value_or(Caller{});
  }

  // A published meeting with the chair and the delegate invited.
  v1::Meeting PublishedMeeting() {
    v1::CreateMeetingRequest req;
    req.set_organization_id(org_.id());
    req.set_title("Phiên họp thường kỳ tháng 12");
    req.set_place("Phòng họp tầng 3");
    const int64_t start = absl::ToUnixMicros(absl::Now() + absl::Hours(24));
    req.mutable_start_time()->set_unix_micros(start);
    req.mutable_end_time()->set_unix_micros(start + 3600LL * 1000000);
    v1::Meeting m;
    EXPECT_TRUE(meetings_->CreateMeeting(secretary_, req, &m).ok());
    for (auto [user, role] : {std::pair{"chutoa", v1::MEETING_ROLE_CHAIR},
                              std::pair{"daibieu", v1::MEETING_ROLE_DELEGATE}}) {
      v1::AddParticipantRequest add;
      add.set_meeting_id(m.id());
      add.set_user_id(ids_[user]);
      add.set_role(role);
      v1::Participant p;
      EXPECT_TRUE(meetings_->AddParticipant(secretary_, add, &p).ok());
    }
    v1::AddAgendaItemRequest item;
    item.set_meeting_id(m.id());
    item.set_title("Khai mạc");
    item.set_index(-1);
    v1::Agenda agenda;
    EXPECT_TRUE(meetings_->AddAgendaItem(secretary_, item, &agenda).ok());
    v1::MeetingLifecycleRequest publish;
    publish.set_meeting_id(m.id());
    EXPECT_TRUE(meetings_->ChangeState(secretary_, "PublishMeeting", LifecycleAction::kPublish,
                                       publish, &m).ok());
    return m;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AuthHandler> auth_;
  std::unique_ptr<DirectoryHandler> directory_;
  std::unique_ptr<MeetingHandler> meetings_;
  v1::Organization org_;
  std::map<std::string, std::string> ids_;
  Caller admin_, secretary_, chair_, delegate_;
};

TEST_F(HandlersTest, RepeatedFailedLoginsLockTheAccountForAWhile) {
  v1::LoginRequest bad;
  bad.set_username("daibieu");
  bad.set_password("wrong-password");
  v1::LoginResponse resp;
  for (int i = 0; i < AuthHandler::kFreeFailures; ++i) {
    EXPECT_EQ(auth_->Login(bad, &resp).code(), absl::StatusCode::kUnauthenticated);
  }
  v1::LoginRequest good = bad;
  good.set_password(kPassword);
  absl::Status locked = auth_->Login(good, &resp);
  EXPECT_EQ(locked.code(), absl::StatusCode::kResourceExhausted) << locked;
  EXPECT_NE(locked.message().find("try again in"), std::string::npos);
}

TEST_F(HandlersTest, LogoutEndsTheSessionAtOnce) {
  v1::LoginRequest req;
  req.set_username("daibieu");
  req.set_password(kPassword);
  v1::LoginResponse resp;
  ASSERT_TRUE(auth_->Login(req, &resp).ok());
  absl::StatusOr<Caller> caller = auth_->Authenticate("Bearer " + resp.token());
  ASSERT_TRUE(caller.ok());
  ASSERT_TRUE(auth_->Logout(*caller).ok());
  EXPECT_EQ(auth_->Authenticate("Bearer " + resp.token()).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->Authenticate("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->Authenticate("Bearer forged").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(HandlersTest, AnExpiredSessionIsRefused) {
  const std::string token = "expired-token";
  ASSERT_TRUE(store_->Write([&](Transaction& tx) {
    return tx.InsertSession({TokenHash(token), ids_["daibieu"], 1, 2});
  }).ok());
  absl::Status s = auth_->Authenticate("Bearer " + token).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("expired"), std::string::npos) << s;
}

TEST_F(HandlersTest, ImportIsAllOrNothingAndNamesTheLine) {
  struct Case {
    std::string csv;
    absl::StatusCode code;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"username,full_name,title,unit,phone\nx1,A,,,\n", absl::StatusCode::kInvalidArgument,
       "line 1: missing column 'email'"},
      {"username,full_name,title,unit,phone,email\nnew1,Một,,,,\nthuky,Hai,,,,\n",
       absl::StatusCode::kAlreadyExists, "line 3"},
      {"username,full_name,title,unit,phone,email\nnew2,Ba,,,,\nnew2,Bốn,,,,\n",
       absl::StatusCode::kAlreadyExists, "line 3: username 'new2' appears twice"},
      {"username,full_name,title,unit,phone,email\nnew3,Năm,,,,\nnew4,\xC3\x28,,,,\n",
       absl::StatusCode::kInvalidArgument, "line 3: not valid UTF-8"},
      {"username,full_name,title,unit,phone,email\nnew5,Sáu,,,\n",
       absl::StatusCode::kInvalidArgument, "line 2: expected 6 fields, found 5"},
      {"username,full_name,title,unit,phone,email\nNo Spaces,Bảy,,,,\n",
       absl::StatusCode::kInvalidArgument, "line 2: username"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.csv);
    v1::ImportUsersRequest req;
    req.set_organization_id(org_.id());
    req.set_csv(c.csv);
    v1::ImportUsersResponse resp;
    absl::Status s = directory_->ImportUsers(admin_, req, &resp);
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
  }
  v1::ListUsersRequest list;
  list.set_organization_id(org_.id());
  v1::ListUsersResponse users;
  ASSERT_TRUE(directory_->ListUsers(admin_, list, &users).ok());
  EXPECT_EQ(users.users_size(), 3) << "a refused import left users behind";
}

TEST_F(HandlersTest, RunsAMeetingThroughItsLifecycleWithAChainedLog) {
  v1::Meeting m = PublishedMeeting();
  v1::MeetingLifecycleRequest req;
  req.set_meeting_id(m.id());
  EXPECT_EQ(meetings_->ChangeState(delegate_, "StartMeeting", LifecycleAction::kStart, req, &m)
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(meetings_->ChangeState(chair_, "EndMeeting", LifecycleAction::kEnd, req, &m).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(meetings_->ChangeState(chair_, "StartMeeting", LifecycleAction::kStart, req, &m).ok());
  v1::Agenda agenda;
  v1::GetAgendaRequest get;
  get.set_meeting_id(m.id());
  ASSERT_TRUE(meetings_->GetAgenda(delegate_, get, &agenda).ok());
  v1::SetCurrentItemRequest current;
  current.set_meeting_id(m.id());
  current.set_item_id(agenda.items(0).id());
  ASSERT_TRUE(meetings_->SetCurrentItem(chair_, current, &m).ok());
  EXPECT_EQ(m.current_item_id(), agenda.items(0).id());
  ASSERT_TRUE(meetings_->ChangeState(chair_, "EndMeeting", LifecycleAction::kEnd, req, &m).ok());
  EXPECT_EQ(m.state(), v1::MEETING_STATE_ENDED);
  EXPECT_TRUE(m.current_item_id().empty());
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<StoredEvent> events, tx.ReadEvents(m.id(), 0, 1000));
    ASSIGN_OR_RETURN(ChainHead head, tx.GetChainHead(m.id()));
    EXPECT_EQ(head.seq, m.last_event_seq());
    EXPECT_EQ(static_cast<int64_t>(events.size()), head.seq);
    return VerifyChain(m.id(), events, head);
  }).ok());
}

TEST_F(HandlersTest, DelegatesSeeOnlyPublishedMeetingsTheyAreIn) {
  v1::Meeting published = PublishedMeeting();
  v1::CreateMeetingRequest draft_req;
  draft_req.set_organization_id(org_.id());
  draft_req.set_title("Bản nháp");
  draft_req.mutable_start_time()->set_unix_micros(absl::ToUnixMicros(absl::Now()));
  draft_req.mutable_end_time()->set_unix_micros(absl::ToUnixMicros(absl::Now()) + 1);
  v1::Meeting draft;
  ASSERT_TRUE(meetings_->CreateMeeting(secretary_, draft_req, &draft).ok());
  v1::AddParticipantRequest add;
  add.set_meeting_id(draft.id());
  add.set_user_id(ids_["daibieu"]);
  add.set_role(v1::MEETING_ROLE_DELEGATE);
  v1::Participant p;
  ASSERT_TRUE(meetings_->AddParticipant(secretary_, add, &p).ok());

  v1::ListMeetingsResponse mine;
  ASSERT_TRUE(meetings_->ListMeetings(delegate_, {}, &mine).ok());
  ASSERT_EQ(mine.meetings_size(), 1);
  EXPECT_EQ(mine.meetings(0).id(), published.id());
  EXPECT_EQ(mine.meetings(0).my_role(), v1::MEETING_ROLE_DELEGATE);
  v1::GetMeetingRequest get;
  get.set_id(draft.id());
  v1::Meeting out;
  EXPECT_EQ(meetings_->GetMeeting(delegate_, get, &out).code(), absl::StatusCode::kPermissionDenied);
  v1::ListMeetingsResponse secretary_list;
  ASSERT_TRUE(meetings_->ListMeetings(secretary_, {}, &secretary_list).ok());
  EXPECT_EQ(secretary_list.meetings_size(), 2);
}

TEST_F(HandlersTest, ARefusedAgendaChangeWritesNothing) {
  v1::Meeting m = PublishedMeeting();
  v1::MoveAgendaItemRequest move;
  move.set_meeting_id(m.id());
  v1::Agenda agenda;
  v1::GetAgendaRequest get;
  get.set_meeting_id(m.id());
  ASSERT_TRUE(meetings_->GetAgenda(secretary_, get, &agenda).ok());
  move.set_item_id(agenda.items(0).id());
  move.set_new_index(5);
  v1::Agenda after;
  EXPECT_EQ(meetings_->MoveAgendaItem(secretary_, move, &after).code(),
            absl::StatusCode::kInvalidArgument);
  v1::Meeting again;
  v1::GetMeetingRequest get_meeting;
  get_meeting.set_id(m.id());
  ASSERT_TRUE(meetings_->GetMeeting(secretary_, get_meeting, &again).ok());
  EXPECT_EQ(again.last_event_seq(), m.last_event_seq());
}

}  // namespace
}  // namespace hopso::server
