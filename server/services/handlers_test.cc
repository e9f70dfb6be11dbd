// The handlers against a real SQLite file, without gRPC.
#include <stdlib.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/services/attendance_handler.h"
#include "server/services/auth_handler.h"
#include "server/services/directory_handler.h"
#include "server/services/meeting_handler.h"
#include "server/services/password.h"
#include "server/services/speaker_handler.h"
#include "server/services/voting_handler.h"
#include "server/store/group_writer.h"
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
    writer_ = std::make_unique<GroupWriter>(*store_);
    attendance_ = std::make_unique<AttendanceHandler>(*store_, *writer_);
    voting_ = std::make_unique<VotingHandler>(*store_, *writer_);
    speakers_ = std::make_unique<SpeakerHandler>(*store_);
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

  // Delegates "db1".."dbN" ("Đại biểu 1"...), invited to `m`, logged in.
  std::vector<Caller> AddDelegates(const v1::Meeting& m, int n) {
    v1::ImportUsersRequest import;
    import.set_organization_id(org_.id());
    std::string csv = "username,full_name,title,unit,phone,email,role,password\n";
    for (int i = 1; i <= n; ++i) absl::StrAppend(&csv, "db", i, ",Đại biểu ", i, ",,,,,,", kPassword, "\n");
    import.set_csv(csv);
    v1::ImportUsersResponse imported;
    EXPECT_TRUE(directory_->ImportUsers(admin_, import, &imported).ok());
    std::vector<Caller> callers;
    for (const v1::User& u : imported.users()) {
      ids_[u.username()] = u.id();
      v1::AddParticipantRequest add;
      add.set_meeting_id(m.id());
      add.set_user_id(u.id());
      add.set_role(v1::MEETING_ROLE_DELEGATE);
      v1::Participant p;
      EXPECT_TRUE(meetings_->AddParticipant(secretary_, add, &p).ok());
      callers.push_back(Login(u.username()));
    }
    return callers;
  }

  // Starts the meeting on its first agenda item; returns that item's id.
  std::string Start(v1::Meeting& m) {
    v1::MeetingLifecycleRequest req;
    req.set_meeting_id(m.id());
    EXPECT_TRUE(meetings_->ChangeState(chair_, "StartMeeting", LifecycleAction::kStart, req, &m).ok());
    v1::GetAgendaRequest get;
    get.set_meeting_id(m.id());
    v1::Agenda agenda;
    EXPECT_TRUE(meetings_->GetAgenda(chair_, get, &agenda).ok());
    v1::SetCurrentItemRequest current;
    current.set_meeting_id(m.id());
    current.set_item_id(agenda.items(0).id());
    EXPECT_TRUE(meetings_->SetCurrentItem(chair_, current, &m).ok());
    return agenda.items(0).id();
  }

  // The asynchronous calls, waited for.
  absl::Status CheckIn(const Caller& c, const v1::Meeting& m, const std::string& code,
                       v1::AttendanceRecord* out = nullptr) {
    v1::CheckInRequest req;
    req.set_meeting_id(m.id());
    req.set_room_code(code);
    absl::Notification done;
    absl::Status status;
    attendance_->CheckIn(c, req, [&](absl::Status s, const v1::AttendanceRecord& r) {
      status = s;
      if (out != nullptr) *out = r;
      done.Notify();
    });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
    return status;
  }
  absl::Status Cast(const Caller& c, const v1::Poll& poll, const std::string& ballot_id,
                    std::vector<std::string> options, v1::CastBallotResponse* out = nullptr,
                    const std::string& on_behalf_of = "") {
    v1::CastBallotRequest req;
    req.set_meeting_id(poll.meeting_id());
    req.set_poll_id(poll.id());
    req.set_ballot_id(ballot_id);
    req.set_on_behalf_of(on_behalf_of);
    for (const std::string& o : options) req.add_option_ids(o);
    absl::Notification done;
    absl::Status status;
    voting_->CastBallot(c, req, [&](absl::Status s, const v1::CastBallotResponse& r) {
      status = s;
      if (out != nullptr) *out = r;
      done.Notify();
    });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
    return status;
  }

  std::string RoomCode(const v1::Meeting& m) {
    v1::GetRoomCodeRequest req;
    req.set_meeting_id(m.id());
    v1::RoomCode code;
    EXPECT_TRUE(attendance_->GetRoomCode(chair_, req, &code).ok());
    return code.payload();
  }

  v1::Poll CreatePoll(const v1::Meeting& m, const std::string& item, v1::PollSecrecy secrecy,
                      bool allow_change) {
    v1::CreatePollRequest req;
    req.set_meeting_id(m.id());
    req.set_agenda_item_id(item);
    req.set_title("Thông qua nghị quyết");
    req.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
    req.set_secrecy(secrecy);
    req.set_allow_change(allow_change);
    v1::Poll poll;
    absl::Status s = voting_->CreatePoll(chair_, req, &poll);
    EXPECT_TRUE(s.ok()) << s;
    return poll;
  }

  v1::PollRequest Ref(const v1::Poll& poll) {
    v1::PollRequest req;
    req.set_meeting_id(poll.meeting_id());
    req.set_poll_id(poll.id());
    return req;
  }

  // The bodies of the meeting's events, after checking the chain.
  std::vector<v1::EventBody> Events(const v1::Meeting& m) {
    std::vector<v1::EventBody> bodies;
    EXPECT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<StoredEvent> events, tx.ReadEvents(m.id(), 0, 10000));
      ASSIGN_OR_RETURN(ChainHead head, tx.GetChainHead(m.id()));
      for (const StoredEvent& e : events) bodies.emplace_back().ParseFromString(e.body);
      return VerifyChain(m.id(), events, head);
    }).ok());
    return bodies;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AuthHandler> auth_;
  std::unique_ptr<DirectoryHandler> directory_;
  std::unique_ptr<MeetingHandler> meetings_;
  std::unique_ptr<GroupWriter> writer_;  // destroyed before the store
  std::unique_ptr<AttendanceHandler> attendance_;
  std::unique_ptr<VotingHandler> voting_;
  std::unique_ptr<SpeakerHandler> speakers_;
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

TEST_F(HandlersTest, NamedVoteWithQuorumAndAProxy) {
  v1::Meeting m = PublishedMeeting();
  std::vector<Caller> db = AddDelegates(m, 3);  // members: chair, daibieu, db1..db3
  const std::string item = Start(m);
  v1::Poll poll = CreatePoll(m, item, v1::POLL_SECRECY_NAMED, /*allow_change=*/false);
  EXPECT_EQ(poll.state(), v1::POLL_STATE_DRAFT);

  const std::string code = RoomCode(m);
  ASSERT_TRUE(CheckIn(chair_, m, code).ok());
  v1::AttendanceRecord record;
  ASSERT_TRUE(CheckIn(delegate_, m, code.substr(code.rfind(':') + 1), &record).ok());
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);
  EXPECT_EQ(record.method(), v1::CHECK_IN_METHOD_ROOM_CODE);
  EXPECT_EQ(record.full_name(), "Lê Thị Hạnh");
  EXPECT_EQ(CheckIn(db[0], m, "HOPSO-ROOM:" + m.id() + ":ZZZZZZZZ").code(),
            absl::StatusCode::kPermissionDenied);

  v1::Poll opened;
  absl::Status no_quorum = voting_->OpenPoll(chair_, Ref(poll), &opened);
  EXPECT_EQ(no_quorum.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(no_quorum.message().find("2 of 5 members present, 3 needed"), std::string::npos)
      << no_quorum;

  ASSERT_TRUE(CheckIn(db[0], m, code).ok());
  v1::GiveProxyRequest give;
  give.set_meeting_id(m.id());
  give.set_giver_user_id(ids_["db2"]);
  give.set_holder_user_id(ids_["db1"]);
  v1::Proxy proxy;
  EXPECT_EQ(attendance_->GiveProxy(delegate_, give, &proxy).code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(attendance_->GiveProxy(secretary_, give, &proxy).ok());
  EXPECT_EQ(proxy.giver_name(), "Đại biểu 2");
  give.set_giver_user_id(ids_["db3"]);
  give.set_holder_user_id(ids_["db2"]);  // absent, and gave a proxy: refused
  EXPECT_EQ(attendance_->GiveProxy(secretary_, give, &proxy).code(),
            absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(voting_->OpenPoll(chair_, Ref(poll), &opened).ok());
  EXPECT_EQ(opened.eligible(), 4);  // three present, one proxy

  auto ballot = [](char c) { return std::string(22, c); };
  ASSERT_TRUE(Cast(chair_, poll, ballot('c'), {"yes"}).ok());
  ASSERT_TRUE(Cast(delegate_, poll, ballot('d'), {"no"}).ok());
  ASSERT_TRUE(Cast(delegate_, poll, ballot('d'), {"no"}).ok()) << "a retry is the same ballot";
  EXPECT_EQ(Cast(delegate_, poll, ballot('e'), {"yes"}).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Cast(db[0], poll, "short", {"yes"}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Cast(db[0], poll, ballot('f'), {"maybe"}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Cast(db[0], poll, ballot('f'), {"yes", "no"}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Cast(db[2], poll, ballot('g'), {"yes"}).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Cast(db[0], poll, ballot('h'), {"yes"}, nullptr, ids_["db3"]).code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Cast(db[0], poll, ballot('f'), {"yes"}).ok());
  ASSERT_TRUE(Cast(db[0], poll, ballot('i'), {"yes"}, nullptr, ids_["db2"]).ok());

  v1::Poll live;
  ASSERT_TRUE(voting_->GetPoll(delegate_, Ref(poll), &live).ok());
  EXPECT_EQ(live.voted(), 4);
  ASSERT_EQ(live.counts_size(), 3);
  EXPECT_EQ(live.counts(0).option_id(), "yes");
  EXPECT_EQ(live.counts(0).votes(), 3);
  v1::BallotList list;
  EXPECT_EQ(voting_->ListBallots(delegate_, Ref(poll), &list).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::Poll closed;
  ASSERT_TRUE(voting_->ClosePoll(chair_, Ref(poll), &closed).ok());
  EXPECT_EQ(closed.result().outcome(), v1::POLL_OUTCOME_PASSED);
  EXPECT_EQ(closed.result().ballots(), 4);
  EXPECT_EQ(Cast(db[0], poll, ballot('f'), {"no"}).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(voting_->ListBallots(delegate_, Ref(poll), &list).ok());
  ASSERT_EQ(list.ballots_size(), 4);
  EXPECT_EQ(list.voter_names_size(), 4);
  int by_proxy = 0;
  for (const v1::PublishedBallot& b : list.ballots()) {
    EXPECT_TRUE(b.receipt().empty());
    if (!b.on_behalf_of_user_id().empty()) {
      ++by_proxy;
      EXPECT_EQ(b.voter_name(), "Đại biểu 1");
      EXPECT_EQ(b.on_behalf_of_user_id(), ids_["db2"]);
    }
  }
  EXPECT_EQ(by_proxy, 1);

  // The giver arrives: the proxy ends.
  ASSERT_TRUE(CheckIn(db[1], m, code).ok());
  v1::GetAttendanceRequest get;
  get.set_meeting_id(m.id());
  v1::Attendance attendance;
  ASSERT_TRUE(attendance_->GetAttendance(delegate_, get, &attendance).ok());
  EXPECT_EQ(attendance.proxies_size(), 0);
  EXPECT_EQ(attendance.records_size(), 6);  // every participant, the secretary too
  EXPECT_EQ(attendance.quorum().present(), 4);
  EXPECT_TRUE(attendance.quorum().reached());

  int checkins = 0, ended = 0, ballots_cast = 0;
  for (const v1::EventBody& body : Events(m)) {
    checkins += body.has_attendance_changed();
    ended += body.has_proxy_changed() &&
             body.proxy_changed().change() == v1::ProxyChanged::CHANGE_ENDED_GIVER_ARRIVED;
    ballots_cast += body.has_ballots_cast();
  }
  EXPECT_EQ(checkins, 4);
  EXPECT_EQ(ended, 1);
  EXPECT_EQ(ballots_cast, 4) << "one per batch; a retry adds none";
}

TEST_F(HandlersTest, SecretBallotsKeepVotersApartFromChoices) {
  v1::Meeting m = PublishedMeeting();
  std::vector<Caller> db = AddDelegates(m, 1);
  const std::string item = Start(m);
  const std::string code = RoomCode(m);
  for (const Caller* c : {&chair_, &delegate_, &db[0]}) ASSERT_TRUE(CheckIn(*c, m, code).ok());
  v1::Poll poll = CreatePoll(m, item, v1::POLL_SECRECY_SECRET, /*allow_change=*/true);
  v1::Poll opened;
  ASSERT_TRUE(voting_->OpenPoll(chair_, Ref(poll), &opened).ok());

  const std::string first(22, 'A'), other(22, 'B');
  v1::CastBallotResponse r1, r2, r3;
  ASSERT_TRUE(Cast(delegate_, poll, first, {"yes"}, &r1).ok());
  EXPECT_EQ(r1.receipt().size(), 16u);
  EXPECT_EQ(r1.receipt(), SecretBallotReceipt(poll.id(), first));
  ASSERT_TRUE(Cast(delegate_, poll, first, {"yes"}, &r2).ok());
  EXPECT_EQ(r2.receipt(), r1.receipt());
  EXPECT_FALSE(r2.replaced());
  ASSERT_TRUE(Cast(delegate_, poll, first, {"no"}, &r3).ok());
  EXPECT_TRUE(r3.replaced());
  EXPECT_EQ(r3.receipt(), r1.receipt());
  EXPECT_EQ(Cast(delegate_, poll, other, {"yes"}).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Cast(db[0], poll, other, {"yes"}).ok());

  v1::Poll live;
  ASSERT_TRUE(voting_->GetPoll(chair_, Ref(poll), &live).ok());
  EXPECT_EQ(live.voted(), 2);
  EXPECT_EQ(live.counts_size(), 0) << "secret counts are hidden until close";

  v1::Poll closed;
  ASSERT_TRUE(voting_->ClosePoll(chair_, Ref(poll), &closed).ok());
  EXPECT_EQ(closed.result().ballots(), 2);
  v1::BallotList list;
  ASSERT_TRUE(voting_->ListBallots(delegate_, Ref(poll), &list).ok());
  ASSERT_EQ(list.ballots_size(), 2);
  EXPECT_LT(list.ballots(0).receipt(), list.ballots(1).receipt());
  for (const v1::PublishedBallot& b : list.ballots()) {
    EXPECT_TRUE(b.voter_user_id().empty());
    if (b.receipt() == r1.receipt()) {
      EXPECT_EQ(b.option_ids(0), "no");
    }
  }
  EXPECT_EQ(list.voter_names(0), "Lê Thị Hạnh");
  EXPECT_EQ(list.voter_names(1), "Đại biểu 1");

  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<VoterRecord> voters, tx.ListVoters(poll.id()));
    for (const VoterRecord& v : voters) {
      EXPECT_TRUE(v.choices.empty());
      EXPECT_EQ(v.cast_micros, 0);
      EXPECT_EQ(v.ballot_ref.find(first), std::string::npos);
    }
    return absl::OkStatus();
  }).ok());
  for (const v1::EventBody& body : Events(m)) {
    if (!body.has_ballots_cast()) continue;
    EXPECT_EQ(body.ballots_cast().ballots_size(), 0);
    EXPECT_EQ(body.ballots_cast().counts_size(), 0);
  }
}

TEST_F(HandlersTest, TheChairCallsSpeakersInOrder) {
  v1::Meeting m = PublishedMeeting();
  std::vector<Caller> db = AddDelegates(m, 1);
  Start(m);
  auto request = [&](const Caller& c, v1::SpeakKind kind, v1::SpeakRequest* out) {
    v1::RequestToSpeakRequest req;
    req.set_meeting_id(m.id());
    req.set_kind(kind);
    req.set_topic("Về dự toán ngân sách");
    return speakers_->RequestToSpeak(c, req, out);
  };
  v1::SpeakRequest hanh, order;
  ASSERT_TRUE(request(delegate_, v1::SPEAK_KIND_CONTRIBUTION, &hanh).ok());
  EXPECT_EQ(request(delegate_, v1::SPEAK_KIND_QUESTION, &order).code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(request(db[0], v1::SPEAK_KIND_POINT_OF_ORDER, &order).ok());
  v1::ListSpeakersRequest list_req;
  list_req.set_meeting_id(m.id());
  v1::SpeakerQueue queue;
  ASSERT_TRUE(speakers_->ListSpeakers(chair_, list_req, &queue).ok());
  ASSERT_EQ(queue.requests_size(), 2);
  EXPECT_EQ(queue.requests(0).id(), order.id()) << "points of order first";
  EXPECT_EQ(queue.requests(1).full_name(), "Lê Thị Hạnh");

  v1::SpeakRequestRef ref;
  ref.set_meeting_id(m.id());
  ref.set_request_id(hanh.id());
  v1::SpeakRequest out;
  EXPECT_EQ(speakers_->WithdrawRequest(db[0], ref, &out).code(),
            absl::StatusCode::kPermissionDenied);
  v1::GiveFloorRequest give;
  give.set_meeting_id(m.id());
  give.set_request_id(hanh.id());
  EXPECT_EQ(speakers_->GiveFloor(delegate_, give, &out).code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(speakers_->GiveFloor(chair_, give, &out).ok());
  EXPECT_EQ(out.state(), v1::SPEAK_STATE_SPEAKING);
  EXPECT_EQ(out.limit_seconds(), 300);
  give.set_request_id(order.id());
  give.set_limit_seconds(60);
  ASSERT_TRUE(speakers_->GiveFloor(chair_, give, &out).ok());
  queue.Clear();
  ASSERT_TRUE(speakers_->ListSpeakers(chair_, list_req, &queue).ok());
  EXPECT_EQ(queue.requests(0).state(), v1::SPEAK_STATE_SPEAKING);
  EXPECT_EQ(queue.requests(1).state(), v1::SPEAK_STATE_DONE);
  EXPECT_EQ(queue.requests(1).ended_by(), ids_["chutoa"]);
  ref.set_request_id(order.id());
  EXPECT_EQ(speakers_->EndFloor(delegate_, ref, &out).code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(speakers_->EndFloor(db[0], ref, &out).ok());
  EXPECT_EQ(out.state(), v1::SPEAK_STATE_DONE);
  EXPECT_EQ(out.limit_seconds(), 60);
}

TEST_F(HandlersTest, BallotsSubmittedTogetherAreEachInExactlyOneEvent) {
  v1::Meeting m = PublishedMeeting();
  std::vector<Caller> db = AddDelegates(m, 6);
  const std::string item = Start(m);
  const std::string code = RoomCode(m);
  std::vector<Caller> voters = db;
  voters.push_back(chair_);
  voters.push_back(delegate_);
  for (const Caller& c : voters) ASSERT_TRUE(CheckIn(c, m, code).ok());
  v1::Poll poll = CreatePoll(m, item, v1::POLL_SECRECY_NAMED, false);
  v1::Poll opened;
  ASSERT_TRUE(voting_->OpenPoll(chair_, Ref(poll), &opened).ok());

  // Submitted without waiting, so the writer takes several in one batch.
  absl::Mutex mu;
  int answered = 0;
  std::vector<absl::Status> statuses(voters.size());
  for (size_t i = 0; i < voters.size(); ++i) {
    v1::CastBallotRequest req;
    req.set_meeting_id(m.id());
    req.set_poll_id(poll.id());
    req.set_ballot_id(std::string(22, 'a' + i));
    req.add_option_ids(i % 3 == 0 ? "no" : "yes");
    voting_->CastBallot(voters[i], req, [&, i](absl::Status s, const v1::CastBallotResponse&) {
      absl::MutexLock lock(&mu);
      statuses[i] = s;
      ++answered;
    });
  }
  {
    absl::MutexLock lock(&mu);
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(
                                        +[](int* n) { return *n == 8; }, &answered),
                                    absl::Seconds(30)));
  }
  for (const absl::Status& s : statuses) EXPECT_TRUE(s.ok()) << s;

  int in_events = 0;
  int64_t last_voted = 0;
  for (const v1::EventBody& body : Events(m)) {
    if (!body.has_ballots_cast()) continue;
    in_events += body.ballots_cast().ballots_size();
    EXPECT_EQ(body.ballots_cast().voted(), in_events) << "voted counts what is committed";
    last_voted = body.ballots_cast().voted();
  }
  EXPECT_EQ(in_events, 8);
  EXPECT_EQ(last_voted, 8);
  EXPECT_GE(writer_->stats().items, 8);
}

}  // namespace
}  // namespace hopso::server
