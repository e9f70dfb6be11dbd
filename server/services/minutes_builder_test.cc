// The minutes' content from a real meeting's log: a meeting run through the
// handlers against a SQLite file, then BuildMinutesSpec.
#include "server/services/minutes_builder.h"

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"
#include "server/services/attendance_handler.h"
#include "server/services/document_handler.h"
#include "server/services/meeting_handler.h"
#include "server/services/speaker_handler.h"
#include "server/services/vietnamese_dates.h"
#include "server/services/voting_handler.h"
#include "server/store/blob_store.h"
#include "server/store/group_writer.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::server {
namespace {

using ::testing::ElementsAre;
using ::testing::FieldsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

#define ASSERT_OK(expr)                   \
  do {                                    \
    const absl::Status status_ = (expr);  \
    ASSERT_TRUE(status_.ok()) << status_; \
  } while (0)

// 2026-11-30 08:00 in Vietnam (01:00 UTC), a Monday.
constexpr int64_t kMonday0800 = 1796000400LL * 1000000;
constexpr int64_t kMinute = 60LL * 1000000;

TEST(VietnameseDatesTest, WritesDatesTheAdministrativeWay) {
  EXPECT_EQ(VietnameseDate(kMonday0800), "ngày 30 tháng 11 năm 2026");
  EXPECT_EQ(VietnameseClock(kMonday0800), "08 giờ 00 phút");
  EXPECT_EQ(VietnameseClock(kMonday0800 + 195 * kMinute), "11 giờ 15 phút");
  EXPECT_EQ(VietnameseWeekdayTime(kMonday0800), "08 giờ 00, thứ Hai, ngày 30 tháng 11 năm 2026");
  EXPECT_EQ(VietnameseWeekdayTime(kMonday0800 - 24 * 60 * kMinute),
            "08 giờ 00, Chủ nhật, ngày 29 tháng 11 năm 2026");
  // 17:30 UTC is already the next day in Vietnam.
  EXPECT_EQ(VietnameseDate(kMonday0800 + 16 * 60 * kMinute + 30 * kMinute),
            "ngày 01 tháng 12 năm 2026");
  // Days below 10 and January and February take a zero; other months do not.
  const int64_t feb5 = absl::ToUnixMicros(
      absl::FromCivil(absl::CivilDay(2026, 2, 5), absl::FixedTimeZone(7 * 3600)));
  EXPECT_EQ(VietnameseDate(feb5), "ngày 05 tháng 02 năm 2026");
  EXPECT_EQ(VietnameseDate(feb5 + 32 * 24 * 60 * kMinute), "ngày 09 tháng 3 năm 2026");
}

TEST(VietnameseDatesTest, TheDayChangesAtMidnightInVietnam) {
  const int64_t midnight = kMonday0800 - 8 * 60 * kMinute;  // 17:00 UTC the day before
  EXPECT_TRUE(SameVietnameseDay(midnight, kMonday0800));
  EXPECT_TRUE(SameVietnameseDay(midnight, midnight + 24 * 60 * kMinute - 1));
  EXPECT_FALSE(SameVietnameseDay(midnight - 1, midnight));
}

class MinutesBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hopso-minutes-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenSqliteStore(dir_ + "/hopso.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto blobs = BlobStore::Open(dir_ + "/blobs");
    ASSERT_TRUE(blobs.ok()) << blobs.status();
    blobs_ = std::make_unique<BlobStore>(*std::move(blobs));
    meetings_ = std::make_unique<MeetingHandler>(*store_);
    documents_ = std::make_unique<DocumentHandler>(*store_, *blobs_);
    writer_ = std::make_unique<GroupWriter>(*store_);
    attendance_ = std::make_unique<AttendanceHandler>(*store_, *writer_);
    voting_ = std::make_unique<VotingHandler>(*store_, *writer_);
    speakers_ = std::make_unique<SpeakerHandler>(*store_);

    // The directory is written straight to the store: who may do what in a
    // meeting is the meeting role, and signing in is not under test.
    org_.set_id(NewId());
    org_.set_name("UBND tỉnh Quảng Nam");
    // username, full name, title (chức vụ), system role.
    const std::tuple<std::string, std::string, std::string, v1::UserRole> kUsers[] = {
        {"thuky", "Nguyễn Thị Thu Hà", "Chuyên viên Văn phòng", v1::USER_ROLE_SECRETARY},
        {"chutoa", "Trần Văn Minh", "Chủ tịch UBND tỉnh", v1::USER_ROLE_MEMBER},
        {"hanh", "Lê Thị Hạnh", "Giám đốc Sở Tài chính", v1::USER_ROLE_MEMBER},
        {"dung", "Phạm Quốc Dũng", "Giám đốc Sở Xây dựng", v1::USER_ROLE_MEMBER},
        {"anh", "Võ Thị Ngọc Ánh", "", v1::USER_ROLE_MEMBER},
        {"phuoc", "Đặng Hữu Phước", "Giám đốc Sở Y tế", v1::USER_ROLE_MEMBER},
        {"tam", "Huỳnh Văn Tâm", "Phó Giám đốc Sở Nội vụ", v1::USER_ROLE_MEMBER},
        {"son", "Bùi Thanh Sơn", "Phóng viên", v1::USER_ROLE_MEMBER},
    };
    ASSERT_OK(store_->Write([&](Transaction& tx) -> absl::Status {
      RETURN_IF_ERROR(tx.InsertOrganization(org_));
      for (const auto& [username, full_name, title, role] : kUsers) {
        v1::User user;
        user.set_id(NewId());
        user.set_organization_id(org_.id());
        user.set_username(username);
        user.set_full_name(full_name);
        user.set_title(title);
        user.set_role(role);
        RETURN_IF_ERROR(tx.InsertUser(user, ""));
        ids_[username] = user.id();
        Caller& caller = callers_[username];
        caller.user_id = user.id();
        caller.organization_id = org_.id();
        caller.role = role;
      }
      return absl::OkStatus();
    }));
  }
  void TearDown() override {
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }

  const Caller& As(const std::string& username) { return callers_.at(username); }

  // A draft meeting made by the secretary, with these participants added in
  // this order.
  v1::Meeting NewMeeting(const std::vector<std::pair<std::string, v1::MeetingRole>>& people) {
    v1::CreateMeetingRequest req;
    req.set_organization_id(org_.id());
    req.set_title("Phiên họp thường kỳ tháng 11 năm 2026");
    req.set_place("Phòng họp số 1, trụ sở UBND tỉnh");
    const int64_t start = absl::ToUnixMicros(absl::Now() - absl::Minutes(5));
    req.mutable_start_time()->set_unix_micros(start);
    req.mutable_end_time()->set_unix_micros(start + 3 * 60 * kMinute);
    v1::Meeting m;
    absl::Status s = meetings_->CreateMeeting(As("thuky"), req, &m);
    EXPECT_TRUE(s.ok()) << s;
    for (const auto& [user, role] : people) {
      v1::AddParticipantRequest add;
      add.set_meeting_id(m.id());
      add.set_user_id(ids_.at(user));
      add.set_role(role);
      v1::Participant p;
      s = meetings_->AddParticipant(As("thuky"), add, &p);
      EXPECT_TRUE(s.ok()) << s;
    }
    return m;
  }

  // Adds an agenda item; returns its id.
  std::string AddItem(const v1::Meeting& m, const std::string& title, const std::string& parent,
                      int index, const std::string& presenter = "") {
    v1::AddAgendaItemRequest req;
    req.set_meeting_id(m.id());
    req.set_parent_id(parent);
    req.set_title(title);
    req.set_presenter(presenter);
    req.set_index(index);
    v1::Agenda agenda;
    absl::Status s = meetings_->AddAgendaItem(As("thuky"), req, &agenda);
    EXPECT_TRUE(s.ok()) << s;
    for (const v1::AgendaItem& item : agenda.items()) {
      if (item.title() == title) return item.id();
    }
    return "";
  }

  absl::Status ChangeState(v1::Meeting& m, const std::string& who, absl::string_view rpc,
                           LifecycleAction action) {
    v1::MeetingLifecycleRequest req;
    req.set_meeting_id(m.id());
    return meetings_->ChangeState(As(who), rpc, action, req, &m);
  }

  absl::Status SetCurrentItem(v1::Meeting& m, const std::string& item) {
    v1::SetCurrentItemRequest req;
    req.set_meeting_id(m.id());
    req.set_item_id(item);
    return meetings_->SetCurrentItem(As("chutoa"), req, &m);
  }

  // Uploads a one-page PDF saying `text` as the secretary: a new document,
  // or a new version of `document_id`.
  v1::Document Upload(const v1::Meeting& m, const std::string& item, const std::string& title,
                      const std::string& text, const std::string& document_id = "") {
    const std::string path = absl::StrCat(dir_, "/", NewId(), ".pdf");
    pdf::testing::WriteSimplePdf(path, text);
    const std::string bytes = pdf::testing::ReadFileOrDie(path);
    v1::StartUploadRequest start;
    start.set_upload_id(NewId());
    start.set_meeting_id(m.id());
    start.set_agenda_item_id(item);
    start.set_document_id(document_id);
    start.set_title(title);
    start.set_filename("tai-lieu.pdf");
    start.set_size_bytes(static_cast<int64_t>(bytes.size()));
    start.set_sha256(Sha256(bytes));
    v1::UploadState state;
    absl::Status s = documents_->StartUpload(As("thuky"), start, &state);
    EXPECT_TRUE(s.ok()) << s;
    {
      auto stream = documents_->OpenUploadStream(As("thuky"), start.upload_id());
      EXPECT_TRUE(stream.ok()) << stream.status();
      if (!stream.ok()) return {};
      v1::UploadChunk chunk;
      chunk.set_upload_id(start.upload_id());
      chunk.set_data(bytes);
      s = (*stream)->Append(chunk);
      EXPECT_TRUE(s.ok()) << s;
      EXPECT_TRUE((*stream)->Close().ok());
    }
    v1::FinishUploadRequest finish;
    finish.set_upload_id(start.upload_id());
    v1::Document document;
    s = documents_->FinishUpload(As("thuky"), finish, &document);
    EXPECT_TRUE(s.ok()) << s;
    return document;
  }

  absl::Status Attach(const std::string& document_id, const std::string& item) {
    v1::AttachDocumentRequest req;
    req.set_document_id(document_id);
    req.set_agenda_item_id(item);
    v1::Document out;
    return documents_->AttachDocument(As("thuky"), req, &out);
  }

  absl::Status CheckIn(const std::string& who, const v1::Meeting& m, bool online = false) {
    v1::GetRoomCodeRequest code_req;
    code_req.set_meeting_id(m.id());
    v1::RoomCode code;
    RETURN_IF_ERROR(attendance_->GetRoomCode(As("chutoa"), code_req, &code));
    v1::CheckInRequest req;
    req.set_meeting_id(m.id());
    req.set_room_code(code.payload());
    req.set_online(online);
    absl::Notification done;
    absl::Status status;
    attendance_->CheckIn(As(who), req, [&](absl::Status s, const v1::AttendanceRecord&) {
      status = s;
      done.Notify();
    });
    done.WaitForNotification();
    return status;
  }

  absl::Status GiveProxy(const v1::Meeting& m, const std::string& giver,
                         const std::string& holder) {
    v1::GiveProxyRequest req;
    req.set_meeting_id(m.id());
    req.set_giver_user_id(ids_.at(giver));
    req.set_holder_user_id(ids_.at(holder));
    v1::Proxy proxy;
    return attendance_->GiveProxy(As("thuky"), req, &proxy);
  }

  absl::StatusOr<v1::SpeakRequest> AskToSpeak(const v1::Meeting& m, const std::string& who,
                                              const std::string& topic) {
    v1::RequestToSpeakRequest req;
    req.set_meeting_id(m.id());
    req.set_kind(v1::SPEAK_KIND_CONTRIBUTION);
    req.set_topic(topic);
    v1::SpeakRequest out;
    RETURN_IF_ERROR(speakers_->RequestToSpeak(As(who), req, &out));
    return out;
  }

  absl::Status GiveFloor(const v1::Meeting& m, const v1::SpeakRequest& request) {
    v1::GiveFloorRequest req;
    req.set_meeting_id(m.id());
    req.set_request_id(request.id());
    v1::SpeakRequest out;
    return speakers_->GiveFloor(As("chutoa"), req, &out);
  }

  v1::PollRequest Ref(const v1::Poll& poll) {
    v1::PollRequest req;
    req.set_meeting_id(poll.meeting_id());
    req.set_poll_id(poll.id());
    return req;
  }

  absl::Status Cast(const std::string& who, const v1::Poll& poll, const std::string& option,
                    const std::string& on_behalf_of = "") {
    v1::CastBallotRequest req;
    req.set_meeting_id(poll.meeting_id());
    req.set_poll_id(poll.id());
    req.set_ballot_id(NewId() + NewId());
    req.set_on_behalf_of(on_behalf_of.empty() ? "" : ids_.at(on_behalf_of));
    req.add_option_ids(option);
    absl::Notification done;
    absl::Status status;
    voting_->CastBallot(As(who), req, [&](absl::Status s, const v1::CastBallotResponse&) {
      status = s;
      done.Notify();
    });
    done.WaitForNotification();
    return status;
  }

  absl::StatusOr<BuiltMinutes> Build(const MinutesSource& source) {
    absl::StatusOr<BuiltMinutes> built = absl::UnknownError("not run");
    RETURN_IF_ERROR(store_->Read([&](Transaction& tx) -> absl::Status {
      built = BuildMinutesSpec(tx, source);
      return absl::OkStatus();
    }));
    return built;
  }

  // The times of the meeting's changes of state to `to`, from its log.
  int64_t StateChangeTime(const v1::Meeting& m, v1::MeetingState to) {
    int64_t time = 0;
    EXPECT_TRUE(store_
                    ->Read([&](Transaction& tx) -> absl::Status {
                      ASSIGN_OR_RETURN(std::vector<StoredEvent> events,
                                       tx.ReadEvents(m.id(), 0, 100000));
                      for (const StoredEvent& e : events) {
                        v1::EventBody body;
                        EXPECT_TRUE(body.ParseFromString(e.body));
                        if (body.has_state_changed() && body.state_changed().to() == to)
                          time = e.time_micros;
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    return time;
  }

  ChainHead Head(const v1::Meeting& m) {
    ChainHead head;
    EXPECT_TRUE(store_
                    ->Read([&](Transaction& tx) -> absl::Status {
                      ASSIGN_OR_RETURN(head, tx.GetChainHead(m.id()));
                      return absl::OkStatus();
                    })
                    .ok());
    return head;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<MeetingHandler> meetings_;
  std::unique_ptr<DocumentHandler> documents_;
  std::unique_ptr<GroupWriter> writer_;  // destroyed before the store
  std::unique_ptr<AttendanceHandler> attendance_;
  std::unique_ptr<VotingHandler> voting_;
  std::unique_ptr<SpeakerHandler> speakers_;
  v1::Organization org_;
  std::map<std::string, std::string> ids_;
  std::map<std::string, Caller> callers_;
};

TEST_F(MinutesBuilderTest, RecordsWhatTheLogSaysHappened) {
  // Added in the order the secretary wants them listed; the guest is no member.
  v1::Meeting m = NewMeeting({{"chutoa", v1::MEETING_ROLE_CHAIR},
                              {"hanh", v1::MEETING_ROLE_DELEGATE},
                              {"dung", v1::MEETING_ROLE_DELEGATE},
                              {"anh", v1::MEETING_ROLE_DELEGATE},
                              {"phuoc", v1::MEETING_ROLE_DELEGATE},
                              {"tam", v1::MEETING_ROLE_DELEGATE},
                              {"son", v1::MEETING_ROLE_GUEST}});
  const std::string budget =
      AddItem(m, "Dự toán ngân sách năm 2027", "", -1, "Giám đốc Sở Tài chính");
  const std::string opening = AddItem(m, "Khai mạc", "", 0);
  const std::string investment = AddItem(m, "Phân bổ vốn đầu tư công", budget, -1);
  v1::UpdateAgendaItemRequest rename;
  rename.set_meeting_id(m.id());
  rename.set_item_id(budget);
  rename.set_title("Dự toán thu, chi ngân sách năm 2027");
  rename.set_presenter("Giám đốc Sở Tài chính");
  v1::Agenda agenda;
  ASSERT_OK(meetings_->UpdateAgendaItem(As("thuky"), rename, &agenda));

  // Documents: renamed with a new version, attached later, confidential, the
  // minutes themselves, and the generated handout.
  const v1::Document resolution = Upload(m, budget, "Dự thảo Nghị quyết về dự toán", "draft 1");
  Upload(m, budget, "Nghị quyết về dự toán ngân sách năm 2027", "draft 2", resolution.id());
  const v1::Document review = Upload(m, "", "Báo cáo thẩm tra của Ban Kinh tế - Ngân sách", "r");
  ASSERT_OK(Attach(review.id(), investment));
  const v1::Document secret = Upload(m, budget, "Phương án nhân sự", "personnel");
  v1::SetConfidentialityRequest confidential;
  confidential.set_document_id(secret.id());
  confidential.set_confidential(true);
  confidential.add_allowed_user_ids(ids_["chutoa"]);
  v1::Document out;
  ASSERT_OK(documents_->SetConfidentiality(As("thuky"), confidential, &out));
  const v1::Document minutes = Upload(m, opening, "Biên bản phiên họp", "minutes");
  v1::GenerateMeetingPdfRequest handout_req;
  handout_req.set_meeting_id(m.id());
  v1::Document handout;
  ASSERT_OK(documents_->GenerateHandout(As("thuky"), handout_req, &handout));
  ASSERT_OK(Attach(handout.id(), opening));

  ASSERT_OK(ChangeState(m, "thuky", "PublishMeeting", LifecycleAction::kPublish));
  v1::SetAttendanceRulesRequest rules;
  rules.mutable_rules()->set_meeting_id(m.id());
  rules.mutable_rules()->mutable_quorum()->set_numerator(1);
  rules.mutable_rules()->mutable_quorum()->set_denominator(2);
  rules.mutable_rules()->mutable_quorum()->set_strict(true);
  rules.mutable_rules()->set_max_proxies_per_holder(1);
  rules.mutable_rules()->set_proxies_count_for_quorum(true);
  rules.mutable_rules()->set_speaking_limit_seconds(300);
  v1::AttendanceRules rules_out;
  ASSERT_OK(attendance_->SetAttendanceRules(As("thuky"), rules, &rules_out));
  ASSERT_OK(ChangeState(m, "chutoa", "StartMeeting", LifecycleAction::kStart));
  ASSERT_OK(SetCurrentItem(m, opening));

  // Attendance: in the room, online, absent with a reason, absent with
  // nothing recorded; one proxy stands, one was revoked, one ended when its
  // giver arrived; the one who left early still attended.
  ASSERT_OK(CheckIn("chutoa", m));
  ASSERT_OK(CheckIn("hanh", m));
  ASSERT_OK(CheckIn("dung", m, /*online=*/true));
  v1::MarkAttendanceRequest absent;
  absent.set_meeting_id(m.id());
  absent.set_user_id(ids_["tam"]);
  absent.set_status(v1::ATTENDANCE_STATUS_ABSENT);
  absent.set_reason("Đi công tác tại Hà Nội");
  v1::AttendanceRecord record;
  ASSERT_OK(attendance_->MarkAttendance(As("thuky"), absent, &record));
  ASSERT_OK(GiveProxy(m, "anh", "hanh"));
  v1::RevokeProxyRequest revoke;
  revoke.set_meeting_id(m.id());
  revoke.set_giver_user_id(ids_["anh"]);
  v1::RevokeProxyResponse revoked;
  ASSERT_OK(attendance_->RevokeProxy(As("thuky"), revoke, &revoked));
  ASSERT_OK(GiveProxy(m, "phuoc", "hanh"));
  ASSERT_OK(GiveProxy(m, "tam", "dung"));
  ASSERT_OK(CheckIn("phuoc", m));

  // Speakers on the budget: two given the floor, one withdrawn.
  ASSERT_OK(SetCurrentItem(m, budget));
  absl::StatusOr<v1::SpeakRequest> hanh = AskToSpeak(m, "hanh", "Về dự toán thu ngân sách");
  ASSERT_OK(hanh.status());
  absl::StatusOr<v1::SpeakRequest> dung = AskToSpeak(m, "dung", "Đề nghị bổ sung vốn cho y tế");
  ASSERT_OK(dung.status());
  absl::StatusOr<v1::SpeakRequest> phuoc = AskToSpeak(m, "phuoc", "Xin rút");
  ASSERT_OK(phuoc.status());
  v1::SpeakRequestRef withdraw;
  withdraw.set_meeting_id(m.id());
  withdraw.set_request_id(phuoc->id());
  v1::SpeakRequest withdrawn;
  ASSERT_OK(speakers_->WithdrawRequest(As("phuoc"), withdraw, &withdrawn));
  ASSERT_OK(GiveFloor(m, *hanh));
  ASSERT_OK(GiveFloor(m, *dung));

  // A named yes/no poll with the default rule: 5 voting rights (four present,
  // one proxy).
  v1::CreatePollRequest named_req;
  named_req.set_meeting_id(m.id());
  named_req.set_agenda_item_id(budget);
  named_req.set_title("Thông qua Nghị quyết về dự toán ngân sách năm 2027");
  named_req.set_kind(v1::POLL_KIND_YES_NO_ABSTAIN);
  named_req.set_secrecy(v1::POLL_SECRECY_NAMED);
  v1::Poll named;
  ASSERT_OK(voting_->CreatePoll(As("chutoa"), named_req, &named));
  v1::Poll polled;
  ASSERT_OK(voting_->OpenPoll(As("chutoa"), Ref(named), &polled));
  ASSERT_OK(Cast("chutoa", named, "yes"));
  ASSERT_OK(Cast("hanh", named, "yes"));
  ASSERT_OK(Cast("dung", named, "yes"));
  ASSERT_OK(Cast("dung", named, "no", /*on_behalf_of=*/"tam"));
  ASSERT_OK(Cast("phuoc", named, "abstain"));
  ASSERT_OK(voting_->ClosePoll(As("chutoa"), Ref(named), &polled));
  // A poll left as a draft is not in the record.
  named_req.set_agenda_item_id(opening);
  named_req.set_title("Chưa biểu quyết");
  v1::Poll draft;
  ASSERT_OK(voting_->CreatePoll(As("chutoa"), named_req, &draft));

  // A secret single-choice poll that needs at least 2/3 of all 6 members.
  v1::CreatePollRequest secret_req;
  secret_req.set_meeting_id(m.id());
  secret_req.set_agenda_item_id(investment);
  secret_req.set_title("Chọn phương án phân bổ vốn");
  secret_req.set_kind(v1::POLL_KIND_SINGLE_CHOICE);
  secret_req.set_secrecy(v1::POLL_SECRECY_SECRET);
  secret_req.add_option_labels("Phương án 1: 120 tỷ đồng");
  secret_req.add_option_labels("Phương án 2: 150 tỷ đồng");
  secret_req.set_allow_abstain(true);
  secret_req.mutable_rule()->mutable_fraction()->set_numerator(2);
  secret_req.mutable_rule()->mutable_fraction()->set_denominator(3);
  secret_req.mutable_rule()->set_base(v1::MAJORITY_BASE_ALL_MEMBERS);
  v1::Poll secret_poll;
  ASSERT_OK(voting_->CreatePoll(As("chutoa"), secret_req, &secret_poll));
  ASSERT_OK(SetCurrentItem(m, investment));
  ASSERT_OK(voting_->OpenPoll(As("chutoa"), Ref(secret_poll), &polled));
  ASSERT_OK(Cast("chutoa", secret_poll, "1"));
  ASSERT_OK(Cast("hanh", secret_poll, "1"));
  ASSERT_OK(Cast("dung", secret_poll, "2"));
  ASSERT_OK(Cast("dung", secret_poll, "1", /*on_behalf_of=*/"tam"));
  ASSERT_OK(Cast("phuoc", secret_poll, "abstain"));
  ASSERT_OK(voting_->ClosePoll(As("chutoa"), Ref(secret_poll), &polled));

  v1::CheckOutRequest leave;
  leave.set_meeting_id(m.id());
  ASSERT_OK(attendance_->CheckOut(As("phuoc"), leave, &record));
  ASSERT_OK(ChangeState(m, "chutoa", "EndMeeting", LifecycleAction::kEnd));

  MinutesSource source;
  source.meeting = m;
  source.text.set_number("12/BB-UBND");
  v1::ItemConclusion* conclusion = source.text.add_item_conclusions();
  conclusion->set_agenda_item_id(budget);
  conclusion->set_text("Thống nhất thông qua dự toán.");
  source.text.add_conclusions("Giao Sở Tài chính hoàn thiện hồ sơ.");
  source.text.add_conclusions("Văn phòng UBND tỉnh theo dõi, đôn đốc.");
  source.minutes_document_id = minutes.id();
  source.qr_payload = "HOPSO:bienban0001";
  absl::StatusOr<BuiltMinutes> built = Build(source);
  ASSERT_OK(built.status());
  const pdf::MinutesSpec& spec = built->spec;

  const int64_t start = StateChangeTime(m, v1::MEETING_STATE_IN_PROGRESS);
  const int64_t end = StateChangeTime(m, v1::MEETING_STATE_ENDED);
  ASSERT_GT(start, 0);
  ASSERT_GT(end, start);
  EXPECT_EQ(spec.header.organisation, "UBND tỉnh Quảng Nam");
  EXPECT_EQ(spec.header.number, "Số: 12/BB-UBND");
  EXPECT_EQ(spec.header.place_and_date, VietnameseDate(start));
  EXPECT_EQ(spec.meeting_title, "Phiên họp thường kỳ tháng 11 năm 2026");
  EXPECT_EQ(spec.place, "Phòng họp số 1, trụ sở UBND tỉnh");
  EXPECT_EQ(spec.start_text, VietnameseClock(start) + ", " + VietnameseDate(start));
  EXPECT_EQ(spec.end_text, SameVietnameseDay(start, end)
                               ? VietnameseClock(end) + " cùng ngày"
                               : VietnameseClock(end) + ", " + VietnameseDate(end));
  EXPECT_THAT(spec.chair, FieldsAre("Trần Văn Minh", "Chủ tịch UBND tỉnh"));
  EXPECT_THAT(spec.secretary, FieldsAre("Nguyễn Thị Thu Hà", "Chuyên viên Văn phòng"));

  const pdf::MinutesAttendance& a = spec.attendance;
  EXPECT_EQ(a.members, 6);
  EXPECT_THAT(a.present, ElementsAre(FieldsAre("Trần Văn Minh", "Chủ tịch UBND tỉnh"),
                                     FieldsAre("Lê Thị Hạnh", "Giám đốc Sở Tài chính"),
                                     FieldsAre("Đặng Hữu Phước", "Giám đốc Sở Y tế")));
  EXPECT_THAT(a.online, ElementsAre(FieldsAre("Phạm Quốc Dũng", "Giám đốc Sở Xây dựng")));
  ASSERT_EQ(a.absent.size(), 2u);
  EXPECT_THAT(a.absent[0].person, FieldsAre("Võ Thị Ngọc Ánh", ""));
  EXPECT_EQ(a.absent[0].reason, "");
  EXPECT_THAT(a.absent[1].person, FieldsAre("Huỳnh Văn Tâm", "Phó Giám đốc Sở Nội vụ"));
  EXPECT_EQ(a.absent[1].reason, "Đi công tác tại Hà Nội");
  ASSERT_EQ(a.proxies.size(), 1u);
  EXPECT_EQ(a.proxies[0].giver, "Huỳnh Văn Tâm");
  EXPECT_EQ(a.proxies[0].holder, "Phạm Quốc Dũng");
  // After Phước left: three present and Tâm represented, which counts here.
  EXPECT_EQ(a.quorum_text,
            "Đủ điều kiện tiến hành phiên họp: có mặt 3/6 thành viên (thêm 1 thành viên vắng mặt "
            "đã ủy quyền), yêu cầu tối thiểu 4");

  ASSERT_EQ(spec.items.size(), 3u);
  const pdf::MinutesItem& first = spec.items[0];
  EXPECT_EQ(first.number, "1");
  EXPECT_EQ(first.title, "Khai mạc");
  EXPECT_THAT(first.document_titles, IsEmpty()) << "the minutes and the handout are left out";
  EXPECT_THAT(first.speeches, IsEmpty());
  EXPECT_THAT(first.polls, IsEmpty()) << "a draft poll is not in the record";
  EXPECT_EQ(first.conclusion, "");

  const pdf::MinutesItem& second = spec.items[1];
  EXPECT_EQ(second.number, "2");
  EXPECT_EQ(second.title, "Dự toán thu, chi ngân sách năm 2027");
  EXPECT_EQ(second.presenter, "Giám đốc Sở Tài chính");
  EXPECT_THAT(second.document_titles, ElementsAre("Nghị quyết về dự toán ngân sách năm 2027"));
  ASSERT_EQ(second.speeches.size(), 2u);
  EXPECT_THAT(second.speeches[0], FieldsAre("Lê Thị Hạnh", "Về dự toán thu ngân sách"));
  EXPECT_THAT(second.speeches[1], FieldsAre("Phạm Quốc Dũng", "Đề nghị bổ sung vốn cho y tế"));
  ASSERT_EQ(second.polls.size(), 1u);
  const pdf::MinutesPoll& yes_no = second.polls[0];
  EXPECT_EQ(yes_no.question, "Thông qua Nghị quyết về dự toán ngân sách năm 2027");
  EXPECT_FALSE(yes_no.secret);
  EXPECT_THAT(yes_no.counts, ElementsAre(Pair("Đồng ý", "3"), Pair("Không đồng ý", "1"),
                                         Pair("Không biểu quyết", "1")));
  EXPECT_EQ(yes_no.voted, 5);
  EXPECT_EQ(yes_no.eligible, 5);
  EXPECT_EQ(yes_no.rule_text, "Cần hơn 1/2 số phiếu biểu quyết (5), tức ít nhất 3 phiếu");
  EXPECT_EQ(yes_no.result_text,
            "Thông qua: 3 đồng ý, 1 không đồng ý, 1 không biểu quyết (tổng 5 phiếu). Quy tắc: hơn "
            "1/2 số phiếu biểu quyết (5), tức là cần ít nhất 3 phiếu.");
  EXPECT_EQ(second.conclusion, "Thống nhất thông qua dự toán.");

  const pdf::MinutesItem& third = spec.items[2];
  EXPECT_EQ(third.number, "2.1");
  EXPECT_EQ(third.title, "Phân bổ vốn đầu tư công");
  EXPECT_THAT(third.document_titles, ElementsAre("Báo cáo thẩm tra của Ban Kinh tế - Ngân sách"));
  EXPECT_THAT(third.speeches, IsEmpty());
  ASSERT_EQ(third.polls.size(), 1u);
  const pdf::MinutesPoll& choice = third.polls[0];
  EXPECT_EQ(choice.question, "Chọn phương án phân bổ vốn");
  EXPECT_TRUE(choice.secret);
  EXPECT_THAT(choice.counts,
              ElementsAre(Pair("Phương án 1: 120 tỷ đồng", "3"),
                          Pair("Phương án 2: 150 tỷ đồng", "1"), Pair("Không biểu quyết", "1")));
  EXPECT_EQ(choice.voted, 5);
  EXPECT_EQ(choice.eligible, 5);
  EXPECT_EQ(choice.rule_text, "Cần ít nhất 2/3 tổng số thành viên (6), tức ít nhất 4 phiếu");
  EXPECT_EQ(choice.result_text,
            "Không chọn được phương án nào: “Phương án 1: 120 tỷ đồng” 3, “Phương án 2: 150 tỷ "
            "đồng” 1, “Không biểu quyết” 1 (tổng 5 phiếu). Quy tắc: ít nhất 2/3 tổng số thành "
            "viên (6), tức là cần ít nhất 4 phiếu.");
  EXPECT_EQ(third.conclusion, "");

  EXPECT_THAT(spec.conclusions, ElementsAre("Giao Sở Tài chính hoàn thiện hồ sơ.",
                                            "Văn phòng UBND tỉnh theo dõi, đôn đốc."));
  const ChainHead head = Head(m);
  EXPECT_EQ(built->head.seq, head.seq);
  EXPECT_EQ(built->head.hash, head.hash);
  EXPECT_EQ(spec.record_note,
            absl::StrCat("Biên bản được lập từ nhật ký phiên họp: sự kiện 1–", head.seq,
                         ", mã kiểm tra ", HexEncode(head.hash).substr(0, 16)));
  EXPECT_EQ(spec.qr_payload, "HOPSO:bienban0001");
}

// A log written by hand at known times, longer than one page of events.
TEST_F(MinutesBuilderTest, TimesComeFromTheStateChangesInVietnamTime) {
  v1::Meeting m = NewMeeting({{"chutoa", v1::MEETING_ROLE_CHAIR}});
  const std::string item = AddItem(m, "Khai mạc", "", -1);
  constexpr int kFloors = 1200;
  ASSERT_OK(store_->Write([&](Transaction& tx) -> absl::Status {
    v1::EventBody started;
    started.mutable_state_changed()->set_from(v1::MEETING_STATE_PUBLISHED);
    started.mutable_state_changed()->set_to(v1::MEETING_STATE_IN_PROGRESS);
    RETURN_IF_ERROR(tx.AppendEvent(m.id(), ids_["chutoa"], kMonday0800, started).status());
    for (int i = 0; i < kFloors; ++i) {
      v1::EventBody floor;
      floor.mutable_speaker_changed()->set_change(v1::SpeakerChanged::CHANGE_FLOOR_GIVEN);
      v1::SpeakRequest* request = floor.mutable_speaker_changed()->mutable_request();
      request->set_agenda_item_id(item);
      request->set_user_id(ids_["chutoa"]);
      request->set_full_name("Trần Văn Minh");
      request->set_topic(absl::StrCat("Ý kiến ", i + 1));
      RETURN_IF_ERROR(tx.AppendEvent(m.id(), ids_["chutoa"], kMonday0800 + i, floor).status());
    }
    v1::EventBody ended;
    ended.mutable_state_changed()->set_from(v1::MEETING_STATE_IN_PROGRESS);
    ended.mutable_state_changed()->set_to(v1::MEETING_STATE_ENDED);
    return tx.AppendEvent(m.id(), ids_["chutoa"], kMonday0800 + 195 * kMinute, ended).status();
  }));
  MinutesSource source;
  source.meeting = m;
  source.qr_payload = "HOPSO:x";
  absl::StatusOr<BuiltMinutes> built = Build(source);
  ASSERT_OK(built.status());
  EXPECT_EQ(built->spec.header.number, "") << "no number given, none printed";
  EXPECT_EQ(built->spec.header.place_and_date, "ngày 30 tháng 11 năm 2026");
  EXPECT_EQ(built->spec.start_text, "08 giờ 00 phút, ngày 30 tháng 11 năm 2026");
  EXPECT_EQ(built->spec.end_text, "11 giờ 15 phút cùng ngày");
  EXPECT_THAT(built->spec.secretary, FieldsAre("Nguyễn Thị Thu Hà", "Chuyên viên Văn phòng"));
  EXPECT_EQ(built->spec.attendance.members, 1);
  EXPECT_THAT(built->spec.attendance.absent,
              ElementsAre(FieldsAre(FieldsAre("Trần Văn Minh", "Chủ tịch UBND tỉnh"), "")));
  EXPECT_EQ(built->spec.attendance.quorum_text, "") << "nobody checked in: no quorum recorded";
  ASSERT_EQ(built->spec.items.size(), 1u);
  ASSERT_EQ(built->spec.items[0].speeches.size(), static_cast<size_t>(kFloors));
  EXPECT_EQ(built->spec.items[0].speeches.back().summary, "Ý kiến 1200");
  EXPECT_EQ(built->head.seq, Head(m).seq);
  EXPECT_THAT(built->spec.record_note, HasSubstr(absl::StrCat("sự kiện 1–", Head(m).seq, ",")));

  // Ending after midnight in Vietnam names the day.
  v1::Meeting other = NewMeeting({{"chutoa", v1::MEETING_ROLE_CHAIR}});
  AddItem(other, "Khai mạc", "", -1);
  ASSERT_OK(store_->Write([&](Transaction& tx) -> absl::Status {
    v1::EventBody started;
    started.mutable_state_changed()->set_to(v1::MEETING_STATE_IN_PROGRESS);
    RETURN_IF_ERROR(tx.AppendEvent(other.id(), "", kMonday0800, started).status());
    v1::EventBody ended;
    ended.mutable_state_changed()->set_to(v1::MEETING_STATE_ENDED);
    return tx.AppendEvent(other.id(), "", kMonday0800 + 16 * 60 * kMinute + 30 * kMinute, ended)
        .status();
  }));
  source.meeting = other;
  built = Build(source);
  ASSERT_OK(built.status());
  EXPECT_EQ(built->spec.end_text, "00 giờ 30 phút, ngày 01 tháng 12 năm 2026");
}

TEST_F(MinutesBuilderTest, AMeetingThatNeverStartedHasNoMinutes) {
  v1::Meeting m = NewMeeting({{"chutoa", v1::MEETING_ROLE_CHAIR}});
  AddItem(m, "Khai mạc", "", -1);
  ASSERT_OK(ChangeState(m, "thuky", "PublishMeeting", LifecycleAction::kPublish));
  MinutesSource source;
  source.meeting = m;
  source.qr_payload = "HOPSO:x";
  absl::Status status = Build(source).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("not started"));
}

TEST_F(MinutesBuilderTest, MinutesNeedAChair) {
  v1::Meeting m = NewMeeting({{"chutoa", v1::MEETING_ROLE_CHAIR}});
  AddItem(m, "Khai mạc", "", -1);
  ASSERT_OK(ChangeState(m, "thuky", "PublishMeeting", LifecycleAction::kPublish));
  ASSERT_OK(ChangeState(m, "chutoa", "StartMeeting", LifecycleAction::kStart));
  v1::RemoveParticipantRequest remove;
  remove.set_meeting_id(m.id());
  remove.set_user_id(ids_["chutoa"]);
  v1::RemoveParticipantResponse removed;
  ASSERT_OK(meetings_->RemoveParticipant(As("thuky"), remove, &removed));
  MinutesSource source;
  source.meeting = m;
  source.qr_payload = "HOPSO:x";
  absl::Status status = Build(source).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("no chair"));
}

}  // namespace
}  // namespace hopso::server
