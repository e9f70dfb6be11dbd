// Attendance across the layers: check-in with the rotating room code (the
// secret read back from the server's own SQLite file), the secretary's hand,
// proxies under the meeting's rules, and the quorum that streams live and
// decides whether a poll may open. Every refused call leaves the attendance
// and the event log as they were.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/room_code.h"
#include "server/store/event_chain.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using AttendanceRpc = v1::AttendanceService::Stub;
using Code = absl::StatusCode;

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

class AttendanceTest : public HopsodTest {
 protected:
  // The assembly every test works on; `start` in the past makes arrivals late.
  void Convene(AssemblyOptions options) {
    absl::StatusOr<std::unique_ptr<Assembly>> assembly = MakeAssembly(*server_, options);
    ASSERT_OK(assembly);
    a_ = *std::move(assembly);
  }

  // The meeting's room secret, straight from the database file.
  absl::StatusOr<std::string> RoomSecret(const std::string& meeting_id) {
    ASSIGN_OR_RETURN(
        std::vector<SqlRow> rows,
        QueryDatabase(server_->db_path(),
                      "SELECT room_secret FROM meeting_rules WHERE meeting_id = ?1", {meeting_id}));
    if (rows.size() != 1) {
      return absl::NotFoundError(absl::StrCat(rows.size(), " meeting_rules rows for the meeting"));
    }
    return rows[0][0].bytes;
  }

  absl::StatusOr<v1::RoomCode> RoomCode(Client& client, const std::string& meeting_id) {
    v1::GetRoomCodeRequest request;
    request.set_meeting_id(meeting_id);
    return Call(*AttendanceStub(client), &AttendanceRpc::GetRoomCode, request);
  }

  // CheckIn with the code `code_for(step)` of the step the call is made in.
  // When the step turned during a refused call the server may have judged it
  // in the next step, so it is tried again (a refusal stores nothing).
  absl::StatusOr<v1::AttendanceRecord> CheckInAtStep(
      Client& client, const std::string& secret, const std::function<int64_t(int64_t)>& step_of) {
    absl::StatusOr<v1::AttendanceRecord> record;
    for (int attempt = 0; attempt < 3; ++attempt) {
      const int64_t step = server::RoomCodeStep(NowMicros());
      record = CheckIn(client, a_->id(), server::RoomCodeAt(secret, step_of(step)));
      if (record.ok() || server::RoomCodeStep(NowMicros()) == step) break;
    }
    return record;
  }

  // What a refused call must leave as it was: the attendance, the proxies,
  // the quorum and the head of the event log.
  std::string State() {
    absl::StatusOr<v1::Attendance> attendance = GetAttendance(a_->cast.secretary, a_->id());
    absl::StatusOr<v1::Meeting> meeting = GetMeeting(a_->cast.secretary, a_->id());
    if (!attendance.ok() || !meeting.ok()) {
      ADD_FAILURE() << attendance.status() << " " << meeting.status();
      return "";
    }
    return absl::StrCat(attendance->DebugString(), "head ", meeting->last_event_seq());
  }

  static const v1::AttendanceRecord* RecordOf(const v1::Attendance& attendance,
                                              const std::string& user_id) {
    for (const v1::AttendanceRecord& record : attendance.records()) {
      if (record.user_id() == user_id) return &record;
    }
    ADD_FAILURE() << "no attendance record for " << user_id;
    return nullptr;
  }

  static bool IsAttendanceOf(const v1::MeetingEvent& event, const std::string& user_id) {
    return event.body().has_attendance_changed() &&
           event.body().attendance_changed().record().user_id() == user_id;
  }

  std::unique_ptr<Assembly> a_;
};

TEST_F(AttendanceTest, DelegatesCheckInWithTheCodeOnTheScreen) {
  AssemblyOptions options;
  options.start = absl::Now() - absl::Hours(1);
  ASSERT_NO_FATAL_FAILURE(Convene(options));
  Client& chair = a_->cast.chair;
  Client& delegate = a_->cast.delegate;

  const int64_t asked = NowMicros();
  ASSERT_OK_AND_ASSIGN(v1::RoomCode code, RoomCode(chair, a_->id()));
  EXPECT_EQ(code.meeting_id(), a_->id());
  ASSERT_EQ(code.code().size(), 8u) << code.code();
  for (char c : code.code()) {
    EXPECT_NE(std::string("23456789ABCDEFGHJKMNPQRSTUVWXYZ").find(c), std::string::npos)
        << "'" << c << "' in " << code.code();
  }
  EXPECT_EQ(code.payload(), absl::StrCat("HOPSO-ROOM:", a_->id(), ":", code.code()));
  EXPECT_EQ(code.step_seconds(), 30);
  EXPECT_GT(code.valid_until().unix_micros(), asked);
  EXPECT_LE(code.valid_until().unix_micros(), NowMicros() + 30'000'000);
  // The secretary shows it too; delegates and guests may not see it.
  EXPECT_OK(RoomCode(a_->cast.secretary, a_->id()));
  EXPECT_TRUE(IsRefused(RoomCode(delegate, a_->id()).status(), Code::kPermissionDenied));
  EXPECT_TRUE(IsRefused(RoomCode(a_->cast.guest, a_->id()).status(), Code::kPermissionDenied));

  ASSERT_OK_AND_ASSIGN(v1::Meeting before, GetMeeting(chair, a_->id()));
  Watcher watcher(chair, a_->id(), before.last_event_seq());

  const int64_t arriving = NowMicros();
  ASSERT_OK_AND_ASSIGN(v1::AttendanceRecord record, CheckIn(delegate, a_->id(), code.code()));
  const int64_t arrived = NowMicros();
  EXPECT_EQ(record.meeting_id(), a_->id());
  EXPECT_EQ(record.user_id(), delegate.user.id());
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);
  EXPECT_TRUE(record.late()) << "the meeting started an hour ago";
  EXPECT_EQ(record.method(), v1::CHECK_IN_METHOD_ROOM_CODE);
  EXPECT_EQ(record.recorded_by(), delegate.user.id());
  EXPECT_GE(record.arrive_time().unix_micros(), arriving);
  EXPECT_LE(record.arrive_time().unix_micros(), arrived);
  EXPECT_EQ(record.leave_time().unix_micros(), 0);

  // Acknowledged means committed: the event is in the log and streams, and a
  // fresh read by someone else shows it.
  ASSERT_OK_AND_ASSIGN(v1::MeetingEvent event,
                       NextEventWith(watcher, [&](const v1::MeetingEvent& e) {
                         return IsAttendanceOf(e, delegate.user.id());
                       }));
  EXPECT_EQ(event.actor_user_id(), delegate.user.id());
  const v1::AttendanceChanged& changed = event.body().attendance_changed();
  EXPECT_EQ(changed.record().status(), v1::ATTENDANCE_STATUS_PRESENT);
  EXPECT_EQ(changed.record().arrive_time().unix_micros(), record.arrive_time().unix_micros());
  EXPECT_EQ(changed.quorum().members(), 5);
  EXPECT_EQ(changed.quorum().present(), 1);
  EXPECT_EQ(changed.quorum().required(), 3) << "more than 1/2 of 5";
  EXPECT_FALSE(changed.quorum().reached());
  ASSERT_OK_AND_ASSIGN(v1::Attendance attendance, GetAttendance(a_->cast.guest, a_->id()));
  EXPECT_EQ(attendance.records_size(), 7) << "every participant, recorded or not";
  const v1::AttendanceRecord* stored = RecordOf(attendance, delegate.user.id());
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->status(), v1::ATTENDANCE_STATUS_PRESENT);
  EXPECT_TRUE(stored->late());
  EXPECT_EQ(stored->full_name(), delegate.user.full_name());
  EXPECT_EQ(stored->role(), v1::MEETING_ROLE_DELEGATE);
  const v1::AttendanceRecord* chair_record = RecordOf(attendance, chair.user.id());
  ASSERT_NE(chair_record, nullptr);
  EXPECT_EQ(chair_record->status(), v1::ATTENDANCE_STATUS_UNSPECIFIED);
  EXPECT_EQ(attendance.quorum().present(), 1);

  // The whole scanned payload works, and so does a code typed in lower case
  // with a space; online attendance needs the code too.
  ASSERT_OK_AND_ASSIGN(code, RoomCode(chair, a_->id()));
  ASSERT_OK_AND_ASSIGN(record, CheckIn(a_->others[0], a_->id(), code.payload()));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);
  std::string typed = absl::AsciiStrToLower(code.code());
  typed.insert(4, " ");
  ASSERT_OK_AND_ASSIGN(record, CheckIn(a_->others[1], a_->id(), typed));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);
  ASSERT_OK_AND_ASSIGN(record, CheckIn(a_->others[2], a_->id(), code.code(), /*online=*/true));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_ONLINE);
  EXPECT_EQ(record.method(), v1::CHECK_IN_METHOD_ROOM_CODE);
  ASSERT_OK_AND_ASSIGN(attendance, GetAttendance(chair, a_->id()));
  EXPECT_EQ(attendance.quorum().present(), 4) << "online counts as present";
  EXPECT_TRUE(attendance.quorum().reached());

  // In a meeting that starts tomorrow nobody is late.
  ASSERT_OK_AND_ASSIGN(v1::Meeting tomorrow,
                       MakeMeeting(a_->cast, v1::MEETING_STATE_IN_PROGRESS, "Họp ngày mai"));
  ASSERT_OK_AND_ASSIGN(v1::RoomCode tomorrow_code, RoomCode(chair, tomorrow.id()));
  ASSERT_OK_AND_ASSIGN(record, CheckIn(delegate, tomorrow.id(), tomorrow_code.code()));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);
  EXPECT_FALSE(record.late());

  // Four check-ins, four events, one unbroken chain.
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
  int check_ins = 0;
  for (const v1::MeetingEvent& e : log) check_ins += e.body().has_attendance_changed();
  EXPECT_EQ(check_ins, 4);
}

TEST_F(AttendanceTest, OldCodesAndCodesOfOtherMeetingsAreRefused) {
  AssemblyOptions options;
  options.start = absl::Now() - absl::Hours(1);
  ASSERT_NO_FATAL_FAILURE(Convene(options));
  Client& delegate = a_->cast.delegate;
  ASSERT_OK_AND_ASSIGN(std::string secret, RoomSecret(a_->id()));
  ASSERT_EQ(secret.size(), 32u);
  // The code on the screen is the HMAC of that secret and the current step.
  bool compared = false;
  for (int attempt = 0; attempt < 3 && !compared; ++attempt) {
    const int64_t step = server::RoomCodeStep(NowMicros());
    ASSERT_OK_AND_ASSIGN(v1::RoomCode code, RoomCode(a_->cast.chair, a_->id()));
    if (server::RoomCodeStep(NowMicros()) != step) continue;
    EXPECT_EQ(code.code(), server::RoomCodeAt(secret, step));
    compared = true;
  }
  ASSERT_TRUE(compared);

  const std::string state = State();
  // A photo of an old code, or one read ahead of time.
  for (int64_t offset : {-2, 2, -10, -1000}) {
    SCOPED_TRACE(absl::StrCat("a code ", offset, " steps away"));
    EXPECT_TRUE(IsRefused(
        CheckInAtStep(delegate, secret, [&](int64_t step) { return step + offset; }).status(),
        Code::kPermissionDenied, {"expired", "wrong", "room code"}));
  }
  EXPECT_TRUE(
      IsRefused(CheckIn(delegate, a_->id(), "").status(), Code::kInvalidArgument, {"room code"}));

  // The code of another meeting of the same chair, bare and as its payload,
  // and that code inside a payload naming this meeting.
  ASSERT_OK_AND_ASSIGN(v1::Meeting other,
                       MakeMeeting(a_->cast, v1::MEETING_STATE_IN_PROGRESS, "Họp chuyên đề"));
  ASSERT_OK_AND_ASSIGN(v1::RoomCode other_code, RoomCode(a_->cast.chair, other.id()));
  EXPECT_TRUE(
      IsRefused(CheckIn(delegate, a_->id(), other_code.code()).status(), Code::kPermissionDenied));
  EXPECT_TRUE(IsRefused(CheckIn(delegate, a_->id(), other_code.payload()).status(),
                        Code::kPermissionDenied, {"another meeting"}));
  EXPECT_TRUE(IsRefused(
      CheckIn(delegate, a_->id(), server::RoomCodePayload(a_->id(), other_code.code())).status(),
      Code::kPermissionDenied));

  // Someone who is not a participant, with the right code.
  ASSERT_OK(NewUser(a_->cast.admin, a_->cast.org.id(), "nguoi.ngoai", "Hoàng Văn Ngoài",
                    v1::USER_ROLE_MEMBER));
  ASSERT_OK_AND_ASSIGN(Client outsider, server_->Login("nguoi.ngoai"));
  ASSERT_OK_AND_ASSIGN(v1::RoomCode code, RoomCode(a_->cast.chair, a_->id()));
  EXPECT_TRUE(IsRefused(CheckIn(outsider, a_->id(), code.code()).status(), Code::kPermissionDenied,
                        {"participant"}));
  EXPECT_EQ(State(), state) << "a refused check-in stores nothing";

  // The previous and the next window are still (already) good.
  ASSERT_OK_AND_ASSIGN(v1::AttendanceRecord record,
                       CheckInAtStep(delegate, secret, [](int64_t step) { return step - 1; }));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);
  ASSERT_OK_AND_ASSIGN(record,
                       CheckInAtStep(a_->others[0], secret, [](int64_t step) { return step + 1; }));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);

  // A meeting that has ended takes no check-ins and shows no code.
  ASSERT_OK_AND_ASSIGN(v1::Meeting ended,
                       MakeMeeting(a_->cast, v1::MEETING_STATE_ENDED, "Họp đã kết thúc"));
  EXPECT_TRUE(IsRefused(RoomCode(a_->cast.chair, ended.id()).status(), Code::kFailedPrecondition));
  EXPECT_TRUE(IsRefused(
      CheckIn(delegate, ended.id(), server::RoomCodePayload(ended.id(), code.code())).status(),
      Code::kFailedPrecondition));

  // A guest's check-in is recorded but a guest is not a member.
  ASSERT_OK_AND_ASSIGN(record, CheckIn(a_->cast.guest, a_->id(), code.payload()));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);
  ASSERT_OK_AND_ASSIGN(v1::Attendance attendance, GetAttendance(a_->cast.chair, a_->id()));
  EXPECT_EQ(attendance.quorum().members(), 5);
  EXPECT_EQ(attendance.quorum().present(), 2);
}

TEST_F(AttendanceTest, CheckInsAreDurableOnceAcknowledged) {
  AssemblyOptions options;
  options.members = 12;
  ASSERT_NO_FATAL_FAILURE(Convene(options));
  ASSERT_OK_AND_ASSIGN(v1::RoomCode code, RoomCode(a_->cast.chair, a_->id()));
  std::vector<Client*> members = a_->Members();
  // Everyone scans at once: the check-ins share group commits.
  std::vector<absl::StatusOr<v1::AttendanceRecord>> results(members.size());
  {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < members.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = CheckIn(*members[i], a_->id(), code.payload()); });
    }
    for (std::thread& thread : threads) thread.join();
  }
  for (size_t i = 0; i < members.size(); ++i) ASSERT_OK(results[i]) << i;

  // Every acknowledged check-in survives the server being killed.
  server_->Kill9();
  ASSERT_OK(server_->Launch(server_->port()));
  // New channels: the old ones saw their connection drop.
  Client secretary = server_->Connect(a_->cast.secretary.token);
  Client chair = server_->Connect(a_->cast.chair.token);
  ASSERT_OK_AND_ASSIGN(v1::Attendance attendance, GetAttendance(secretary, a_->id()));
  for (size_t i = 0; i < members.size(); ++i) {
    const v1::AttendanceRecord* record = RecordOf(attendance, members[i]->user.id());
    ASSERT_NE(record, nullptr);
    EXPECT_EQ(record->status(), v1::ATTENDANCE_STATUS_PRESENT) << i;
    EXPECT_EQ(record->arrive_time().unix_micros(), results[i]->arrive_time().unix_micros());
  }
  EXPECT_EQ(attendance.quorum().present(), 12);
  EXPECT_TRUE(attendance.quorum().reached());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
  std::vector<std::string> checked_in;
  int previous_present = 0;
  for (const v1::MeetingEvent& event : log) {
    if (!event.body().has_attendance_changed()) continue;
    checked_in.push_back(event.body().attendance_changed().record().user_id());
    // Each event carries the quorum after its batch committed: it counts at
    // least the check-ins logged so far, and never goes down.
    const int present = event.body().attendance_changed().quorum().present();
    EXPECT_GE(present, static_cast<int>(checked_in.size()));
    EXPECT_GE(present, previous_present);
    previous_present = present;
  }
  ASSERT_EQ(checked_in.size(), members.size()) << "one event per check-in";
  EXPECT_EQ(log.back().body().attendance_changed().quorum().present(), 12);
}

TEST_F(AttendanceTest, SecretaryMarksAttendanceByHand) {
  ASSERT_NO_FATAL_FAILURE(Convene({}));
  Client& secretary = a_->cast.secretary;
  Client& chair = a_->cast.chair;
  Client& delegate = a_->cast.delegate;
  ASSERT_OK_AND_ASSIGN(v1::Meeting before, GetMeeting(secretary, a_->id()));
  Watcher watcher(delegate, a_->id(), before.last_event_seq());

  const int64_t marking = NowMicros();
  ASSERT_OK_AND_ASSIGN(
      v1::AttendanceRecord record,
      MarkAttendance(secretary, a_->id(), chair.user.id(), v1::ATTENDANCE_STATUS_PRESENT));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_PRESENT);
  EXPECT_EQ(record.method(), v1::CHECK_IN_METHOD_MANUAL);
  EXPECT_EQ(record.recorded_by(), secretary.user.id());
  EXPECT_FALSE(record.late()) << "the meeting starts tomorrow";
  EXPECT_GE(record.arrive_time().unix_micros(), marking);
  ASSERT_OK_AND_ASSIGN(record, MarkAttendance(secretary, a_->id(), delegate.user.id(),
                                              v1::ATTENDANCE_STATUS_ONLINE));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_ONLINE);
  const std::string kReason = "Đi công tác tại Hà Nội theo Quyết định số 12/QĐ-UBND";
  ASSERT_OK_AND_ASSIGN(record, MarkAttendance(secretary, a_->id(), a_->others[0].user.id(),
                                              v1::ATTENDANCE_STATUS_ABSENT, kReason));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_ABSENT);
  EXPECT_EQ(record.reason(), kReason);
  EXPECT_EQ(record.arrive_time().unix_micros(), 0);
  ASSERT_OK_AND_ASSIGN(record, MarkAttendance(secretary, a_->id(), a_->others[1].user.id(),
                                              v1::ATTENDANCE_STATUS_PRESENT, "", /*late=*/true));
  EXPECT_TRUE(record.late());

  // Each one streamed, in order, with the quorum after it.
  const struct {
    std::string user_id;
    v1::AttendanceStatus status;
    int present;
  } expected[] = {
      {chair.user.id(), v1::ATTENDANCE_STATUS_PRESENT, 1},
      {delegate.user.id(), v1::ATTENDANCE_STATUS_ONLINE, 2},
      {a_->others[0].user.id(), v1::ATTENDANCE_STATUS_ABSENT, 2},
      {a_->others[1].user.id(), v1::ATTENDANCE_STATUS_PRESENT, 3},
  };
  for (const auto& want : expected) {
    ASSERT_OK_AND_ASSIGN(v1::MeetingEvent event,
                         NextEventWith(watcher, [](const v1::MeetingEvent& e) {
                           return e.body().has_attendance_changed();
                         }));
    const v1::AttendanceChanged& changed = event.body().attendance_changed();
    EXPECT_EQ(changed.record().user_id(), want.user_id);
    EXPECT_EQ(changed.record().status(), want.status);
    EXPECT_EQ(changed.quorum().present(), want.present);
    EXPECT_EQ(changed.quorum().reached(), want.present >= 3);
    EXPECT_EQ(event.actor_user_id(), secretary.user.id());
  }
  ASSERT_OK_AND_ASSIGN(v1::Attendance attendance, GetAttendance(delegate, a_->id()));
  const v1::AttendanceRecord* absent = RecordOf(attendance, a_->others[0].user.id());
  ASSERT_NE(absent, nullptr);
  EXPECT_EQ(absent->reason(), kReason);
  const v1::AttendanceRecord* late = RecordOf(attendance, a_->others[1].user.id());
  ASSERT_NE(late, nullptr);
  EXPECT_TRUE(late->late());
  EXPECT_EQ(late->method(), v1::CHECK_IN_METHOD_MANUAL);
  EXPECT_EQ(attendance.quorum().present(), 3);

  // Only the secretary marks others; nobody but the secretary marks at all.
  const std::string state = State();
  const std::string& unmarked = a_->others[2].user.id();
  for (Client* caller : {&delegate, &chair, &a_->cast.guest, &a_->others[2]}) {
    SCOPED_TRACE(caller->user.username());
    EXPECT_TRUE(IsRefused(
        MarkAttendance(*caller, a_->id(), unmarked, v1::ATTENDANCE_STATUS_PRESENT).status(),
        Code::kPermissionDenied));
  }
  for (v1::AttendanceStatus status :
       {v1::ATTENDANCE_STATUS_UNSPECIFIED, v1::ATTENDANCE_STATUS_LEFT}) {
    EXPECT_TRUE(IsRefused(MarkAttendance(secretary, a_->id(), unmarked, status).status(),
                          Code::kInvalidArgument, {"status"}));
  }
  // Check-outs: of someone else by a delegate; of someone not present.
  v1::CheckOutRequest out;
  out.set_meeting_id(a_->id());
  out.set_user_id(chair.user.id());
  EXPECT_TRUE(
      IsRefused(Call(*AttendanceStub(a_->others[1]), &AttendanceRpc::CheckOut, out).status(),
                Code::kPermissionDenied, {"secretary"}));
  out.set_user_id(a_->others[0].user.id());
  EXPECT_TRUE(IsRefused(Call(*AttendanceStub(secretary), &AttendanceRpc::CheckOut, out).status(),
                        Code::kFailedPrecondition, {"not present"}));
  EXPECT_EQ(State(), state) << "refused calls store nothing";

  // The secretary checks the chair out; the online delegate leaves themself.
  out.set_user_id(chair.user.id());
  ASSERT_OK_AND_ASSIGN(record, Call(*AttendanceStub(secretary), &AttendanceRpc::CheckOut, out));
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_LEFT);
  EXPECT_EQ(record.recorded_by(), secretary.user.id());
  EXPECT_GE(record.leave_time().unix_micros(), record.arrive_time().unix_micros());
  EXPECT_GT(record.arrive_time().unix_micros(), 0) << "the arrival is kept";
  out.clear_user_id();
  ASSERT_OK_AND_ASSIGN(record, Call(*AttendanceStub(delegate), &AttendanceRpc::CheckOut, out));
  EXPECT_EQ(record.user_id(), delegate.user.id());
  EXPECT_EQ(record.status(), v1::ATTENDANCE_STATUS_LEFT);
  EXPECT_EQ(record.recorded_by(), delegate.user.id());
  ASSERT_OK_AND_ASSIGN(attendance, GetAttendance(chair, a_->id()));
  EXPECT_EQ(attendance.quorum().present(), 1);
  EXPECT_FALSE(attendance.quorum().reached());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
  ASSERT_TRUE(log.back().body().has_attendance_changed());
  EXPECT_EQ(log.back().body().attendance_changed().record().status(), v1::ATTENDANCE_STATUS_LEFT);
}

TEST_F(AttendanceTest, ProxiesFollowTheMeetingsRules) {
  ASSERT_NO_FATAL_FAILURE(Convene({}));
  Client& secretary = a_->cast.secretary;
  Client& chair = a_->cast.chair;
  Client& d1 = a_->cast.delegate;
  Client& d2 = a_->others[0];
  Client& d3 = a_->others[1];  // absent, gives to d1
  Client& d4 = a_->others[2];  // absent
  v1::GetAttendanceRulesRequest get_rules;
  get_rules.set_meeting_id(a_->id());
  ASSERT_OK_AND_ASSIGN(v1::AttendanceRules rules,
                       Call(*AttendanceStub(d1), &AttendanceRpc::GetAttendanceRules, get_rules));
  ASSERT_EQ(rules.max_proxies_per_holder(), 1) << "the default";
  ASSERT_OK(MarkPresent(secretary, a_->id(), {&chair, &d1, &d2}));
  ASSERT_OK_AND_ASSIGN(v1::Meeting before, GetMeeting(secretary, a_->id()));
  Watcher watcher(d1, a_->id(), before.last_event_seq());

  ASSERT_OK_AND_ASSIGN(v1::Proxy proxy, GiveProxy(secretary, a_->id(), d3.user.id(), d1.user.id()));
  EXPECT_EQ(proxy.giver_user_id(), d3.user.id());
  EXPECT_EQ(proxy.holder_user_id(), d1.user.id());
  EXPECT_EQ(proxy.recorded_by(), secretary.user.id());
  ASSERT_OK_AND_ASSIGN(v1::MeetingEvent event, NextEventWith(watcher, [](const auto& e) {
                         return e.body().has_proxy_changed();
                       }));
  EXPECT_EQ(event.body().proxy_changed().change(), v1::ProxyChanged::CHANGE_GIVEN);
  EXPECT_EQ(event.body().proxy_changed().proxy().giver_user_id(), d3.user.id());
  EXPECT_EQ(event.body().proxy_changed().quorum().present(), 3);
  ASSERT_OK_AND_ASSIGN(v1::Attendance attendance, GetAttendance(d4, a_->id()));
  ASSERT_EQ(attendance.proxies_size(), 1);
  EXPECT_EQ(attendance.proxies(0).giver_user_id(), d3.user.id());
  EXPECT_EQ(attendance.proxies(0).holder_user_id(), d1.user.id());
  EXPECT_EQ(attendance.proxies(0).giver_name(), d3.user.full_name());
  EXPECT_EQ(attendance.proxies(0).holder_name(), d1.user.full_name());
  EXPECT_EQ(attendance.quorum().represented(), 1);

  std::string state = State();
  // A second proxy for d1 goes beyond the limit of one.
  EXPECT_TRUE(IsRefused(GiveProxy(secretary, a_->id(), d4.user.id(), d1.user.id()).status(),
                        Code::kFailedPrecondition, {"at most", "the most", "maximum", "limit"}));
  // d3 has given theirs already.
  EXPECT_TRUE(IsRefused(GiveProxy(secretary, a_->id(), d3.user.id(), d2.user.id()).status(),
                        Code::kAlreadyExists, {"already given"}));
  // A present member votes themself.
  EXPECT_TRUE(IsRefused(GiveProxy(secretary, a_->id(), d2.user.id(), chair.user.id()).status(),
                        Code::kFailedPrecondition, {"present"}));
  // To someone who has given their own vote away (and is absent).
  EXPECT_TRUE(IsRefused(GiveProxy(secretary, a_->id(), d4.user.id(), d3.user.id()).status(),
                        Code::kFailedPrecondition, {"not present", "passed on", "chain"}));
  // To oneself; to a guest, who is no member.
  EXPECT_TRUE(IsRefused(GiveProxy(secretary, a_->id(), d4.user.id(), d4.user.id()).status(),
                        Code::kInvalidArgument, {"themself", "oneself", "self"}));
  ASSERT_OK(MarkPresent(secretary, a_->id(), {&a_->cast.guest}));
  state = State();
  EXPECT_TRUE(
      IsRefused(GiveProxy(secretary, a_->id(), d4.user.id(), a_->cast.guest.user.id()).status(),
                Code::kFailedPrecondition, {"member"}));
  // Only the secretary records proxies.
  for (Client* caller : {&chair, &d2, &d4}) {
    EXPECT_TRUE(IsRefused(GiveProxy(*caller, a_->id(), d4.user.id(), d2.user.id()).status(),
                          Code::kPermissionDenied));
  }
  EXPECT_EQ(State(), state);

  // d1 leaves holding d3's vote and cannot pass it on: no chains.
  v1::CheckOutRequest out;
  out.set_meeting_id(a_->id());
  ASSERT_OK(Call(*AttendanceStub(d1), &AttendanceRpc::CheckOut, out));
  state = State();
  EXPECT_TRUE(IsRefused(GiveProxy(secretary, a_->id(), d1.user.id(), d2.user.id()).status(),
                        Code::kFailedPrecondition, {"chain", "passed on"}));
  EXPECT_EQ(State(), state);
  ASSERT_OK(MarkPresent(secretary, a_->id(), {&d1}));

  // d3 arrives: their proxy ends.
  ASSERT_OK_AND_ASSIGN(v1::RoomCode code, RoomCode(chair, a_->id()));
  ASSERT_OK(CheckIn(d3, a_->id(), code.code()));
  ASSERT_OK_AND_ASSIGN(event, NextEventWith(watcher, [](const auto& e) {
                         return e.body().has_proxy_changed() &&
                                e.body().proxy_changed().change() != v1::ProxyChanged::CHANGE_GIVEN;
                       }));
  EXPECT_EQ(event.body().proxy_changed().change(), v1::ProxyChanged::CHANGE_ENDED_GIVER_ARRIVED);
  EXPECT_EQ(event.body().proxy_changed().proxy().giver_user_id(), d3.user.id());
  EXPECT_EQ(event.body().proxy_changed().proxy().holder_user_id(), d1.user.id());
  EXPECT_EQ(event.body().proxy_changed().quorum().represented(), 0);
  ASSERT_OK_AND_ASSIGN(attendance, GetAttendance(d4, a_->id()));
  EXPECT_EQ(attendance.proxies_size(), 0);
  EXPECT_EQ(attendance.quorum().represented(), 0);

  // With d3's proxy gone d1 may hold d4's; revoking it ends it.
  ASSERT_OK(GiveProxy(secretary, a_->id(), d4.user.id(), d1.user.id()));
  v1::RevokeProxyRequest revoke;
  revoke.set_meeting_id(a_->id());
  revoke.set_giver_user_id(d4.user.id());
  EXPECT_TRUE(IsRefused(Call(*AttendanceStub(d1), &AttendanceRpc::RevokeProxy, revoke).status(),
                        Code::kPermissionDenied));
  ASSERT_OK(Call(*AttendanceStub(secretary), &AttendanceRpc::RevokeProxy, revoke));
  ASSERT_OK_AND_ASSIGN(event, NextEventWith(watcher, [](const auto& e) {
                         return e.body().has_proxy_changed() &&
                                e.body().proxy_changed().change() ==
                                    v1::ProxyChanged::CHANGE_REVOKED;
                       }));
  EXPECT_EQ(event.body().proxy_changed().proxy().giver_user_id(), d4.user.id());
  ASSERT_OK_AND_ASSIGN(attendance, GetAttendance(d4, a_->id()));
  EXPECT_EQ(attendance.proxies_size(), 0);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
}

TEST_F(AttendanceTest, QuorumStreamsLiveAndGuardsOpeningPolls) {
  AssemblyOptions options;
  options.members = 9;
  ASSERT_NO_FATAL_FAILURE(Convene(options));
  Client& secretary = a_->cast.secretary;
  Client& chair = a_->cast.chair;
  std::vector<Client*> members = a_->Members();
  ASSERT_OK_AND_ASSIGN(v1::Meeting before, GetMeeting(secretary, a_->id()));
  Watcher watcher(a_->cast.guest, a_->id(), before.last_event_seq());

  // More than 1/2 of 9 members: the fifth arrival brings quorum.
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE(absl::StrCat(i + 1, " present"));
    ASSERT_OK(MarkPresent(secretary, a_->id(), {members[static_cast<size_t>(i)]}));
    ASSERT_OK_AND_ASSIGN(v1::MeetingEvent event, NextEventWith(watcher, [](const auto& e) {
                           return e.body().has_attendance_changed();
                         }));
    const v1::Quorum& quorum = event.body().attendance_changed().quorum();
    EXPECT_EQ(quorum.members(), 9);
    EXPECT_EQ(quorum.present(), i + 1);
    EXPECT_EQ(quorum.required(), 5);
    EXPECT_EQ(quorum.reached(), i + 1 >= 5);
    EXPECT_EQ(quorum.rule().numerator(), 1);
    EXPECT_EQ(quorum.rule().denominator(), 2);
    EXPECT_TRUE(quorum.rule().strict());
  }
  // Two leave: 4 of 9, quorum lost.
  v1::CheckOutRequest out;
  out.set_meeting_id(a_->id());
  for (size_t i : {4u, 5u}) {
    out.set_user_id(members[i]->user.id());
    ASSERT_OK(Call(*AttendanceStub(secretary), &AttendanceRpc::CheckOut, out));
  }
  ASSERT_OK_AND_ASSIGN(v1::MeetingEvent event, NextEventWith(watcher, [&](const auto& e) {
                         return IsAttendanceOf(e, members[5]->user.id());
                       }));
  EXPECT_EQ(event.body().attendance_changed().quorum().present(), 4);
  EXPECT_FALSE(event.body().attendance_changed().quorum().reached());

  // Without quorum no poll opens, and the poll stays a draft.
  v1::CreatePollRequest create;
  create.set_meeting_id(a_->id());
  create.set_agenda_item_id(a_->item_id);
  create.set_title("Thông qua chương trình kỳ họp");
  create.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  create.set_secrecy(v1::POLL_SECRECY_NAMED);
  ASSERT_OK_AND_ASSIGN(v1::Poll poll,
                       Call(*VotingStub(chair), &v1::VotingService::Stub::CreatePoll, create));
  EXPECT_EQ(poll.state(), v1::POLL_STATE_DRAFT);
  std::string state = State();
  absl::Status refused = PollCall(chair, &v1::VotingService::Stub::OpenPoll, poll).status();
  EXPECT_TRUE(IsRefused(refused, Code::kFailedPrecondition, {"quorum"}));
  EXPECT_TRUE(NamesNumber(refused.message(), 4)) << refused << ": 4 present";
  EXPECT_TRUE(NamesNumber(refused.message(), 5)) << refused << ": 5 needed";
  ASSERT_OK_AND_ASSIGN(v1::Poll draft, PollCall(chair, &v1::VotingService::Stub::GetPoll, poll));
  EXPECT_EQ(draft.state(), v1::POLL_STATE_DRAFT);
  EXPECT_EQ(draft.open_time().unix_micros(), 0);
  EXPECT_EQ(State(), state) << "no event for a poll that did not open";

  // A proxy from an absent member counts once the rules say so.
  ASSERT_OK(GiveProxy(secretary, a_->id(), members[8]->user.id(), members[0]->user.id()));
  ASSERT_OK_AND_ASSIGN(v1::Attendance attendance, GetAttendance(chair, a_->id()));
  EXPECT_EQ(attendance.quorum().represented(), 1);
  EXPECT_FALSE(attendance.quorum().reached()) << "proxies do not count by default";
  v1::SetAttendanceRulesRequest set_rules;
  v1::AttendanceRules& rules = *set_rules.mutable_rules();
  rules.set_meeting_id(a_->id());
  rules.mutable_quorum()->set_numerator(1);
  rules.mutable_quorum()->set_denominator(2);
  rules.mutable_quorum()->set_strict(true);
  rules.set_max_proxies_per_holder(1);
  rules.set_proxies_count_for_quorum(true);
  rules.set_speaking_limit_seconds(300);
  EXPECT_TRUE(IsRefused(
      Call(*AttendanceStub(chair), &AttendanceRpc::SetAttendanceRules, set_rules).status(),
      Code::kPermissionDenied));
  ASSERT_OK(Call(*AttendanceStub(secretary), &AttendanceRpc::SetAttendanceRules, set_rules));
  ASSERT_OK_AND_ASSIGN(event, NextEventWith(watcher, [](const auto& e) {
                         return e.body().has_attendance_rules_changed();
                       }));
  EXPECT_TRUE(event.body().attendance_rules_changed().rules().proxies_count_for_quorum());
  EXPECT_TRUE(event.body().attendance_rules_changed().quorum().reached()) << "4 + 1 of 9";
  ASSERT_OK_AND_ASSIGN(v1::Poll open, PollCall(chair, &v1::VotingService::Stub::OpenPoll, poll));
  EXPECT_EQ(open.state(), v1::POLL_STATE_OPEN);
  EXPECT_EQ(open.eligible(), 5) << "four present and one proxy";

  // At least 2/3 of 9: six needed.
  rules.mutable_quorum()->set_numerator(2);
  rules.mutable_quorum()->set_denominator(3);
  rules.mutable_quorum()->set_strict(false);
  ASSERT_OK(Call(*AttendanceStub(secretary), &AttendanceRpc::SetAttendanceRules, set_rules));
  ASSERT_OK_AND_ASSIGN(attendance, GetAttendance(chair, a_->id()));
  EXPECT_EQ(attendance.quorum().required(), 6);
  EXPECT_FALSE(attendance.quorum().reached());
  // A rule that is no fraction is refused and changes nothing.
  state = State();
  rules.mutable_quorum()->set_numerator(3);
  rules.mutable_quorum()->set_denominator(2);
  EXPECT_TRUE(IsRefused(
      Call(*AttendanceStub(secretary), &AttendanceRpc::SetAttendanceRules, set_rules).status(),
      Code::kInvalidArgument, {"quorum"}));
  EXPECT_EQ(State(), state);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
}

}  // namespace
}  // namespace hopso::integration
