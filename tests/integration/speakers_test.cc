// Requests to speak across the layers: the queue in the order the chair
// calls it (points of order first, then by time), the floor with its limit
// and the time used, withdrawals, who may do what, and every change in the
// chained log.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/store/event_chain.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using Speakers = v1::SpeakerService::Stub;
using Code = absl::StatusCode;

class SpeakersTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    if (HasFatalFailure()) return;
    AssemblyOptions options;
    options.members = 6;
    absl::StatusOr<std::unique_ptr<Assembly>> assembly = MakeAssembly(*server_, options);
    ASSERT_OK(assembly);
    a_ = *std::move(assembly);
  }

  absl::StatusOr<v1::SpeakRequest> Request(Client& client, v1::SpeakKind kind,
                                           absl::string_view topic = "") {
    v1::RequestToSpeakRequest request;
    request.set_meeting_id(a_->id());
    request.set_kind(kind);
    request.set_topic(std::string(topic));
    return Call(*SpeakerStub(client), &Speakers::RequestToSpeak, request);
  }

  // WithdrawRequest or EndFloor.
  absl::StatusOr<v1::SpeakRequest> OnRequest(
      Client& client,
      grpc::Status (Speakers::*method)(grpc::ClientContext*, const v1::SpeakRequestRef&,
                                       v1::SpeakRequest*),
      const v1::SpeakRequest& target) {
    v1::SpeakRequestRef ref;
    ref.set_meeting_id(a_->id());
    ref.set_request_id(target.id());
    return Call(*SpeakerStub(client), method, ref);
  }

  absl::StatusOr<v1::SpeakRequest> GiveFloor(Client& client, const v1::SpeakRequest& target,
                                             int32_t limit_seconds = 0) {
    v1::GiveFloorRequest request;
    request.set_meeting_id(a_->id());
    request.set_request_id(target.id());
    request.set_limit_seconds(limit_seconds);
    return Call(*SpeakerStub(client), &Speakers::GiveFloor, request);
  }

  absl::StatusOr<v1::SpeakerQueue> Queue(Client& client, absl::string_view item_id = "") {
    v1::ListSpeakersRequest request;
    request.set_meeting_id(a_->id());
    request.set_agenda_item_id(std::string(item_id));
    return Call(*SpeakerStub(client), &Speakers::ListSpeakers, request);
  }

  // "user:STATE" for each request of the queue, in its order.
  std::vector<std::string> Order(const v1::SpeakerQueue& queue) {
    std::vector<std::string> out;
    for (const v1::SpeakRequest& request : queue.requests()) {
      out.push_back(absl::StrCat(request.user_id(), ":", v1::SpeakState_Name(request.state())));
    }
    return out;
  }
  static std::string Entry(const Client& client, v1::SpeakState state) {
    return absl::StrCat(client.user.id(), ":", v1::SpeakState_Name(state));
  }

  // The queue and the head of the log, which a refused call leaves as they were.
  std::string State() {
    absl::StatusOr<v1::SpeakerQueue> queue = Queue(a_->cast.chair, a_->item_id);
    absl::StatusOr<v1::Meeting> meeting = GetMeeting(a_->cast.chair, a_->id());
    if (!queue.ok() || !meeting.ok()) {
      ADD_FAILURE() << queue.status() << " " << meeting.status();
      return "";
    }
    return absl::StrCat(queue->DebugString(), "head ", meeting->last_event_seq());
  }

  std::unique_ptr<Assembly> a_;
};

TEST_F(SpeakersTest, TheChairCallsTheQueueInOrderAndTheFloorIsTimed) {
  Client& chair = a_->cast.chair;
  Client& d1 = a_->cast.delegate;
  Client& d2 = a_->others[0];
  Client& d3 = a_->others[1];
  Client& d4 = a_->others[2];
  ASSERT_OK_AND_ASSIGN(v1::Meeting before, GetMeeting(chair, a_->id()));

  const int64_t asked = absl::ToUnixMicros(absl::Now());
  ASSERT_OK_AND_ASSIGN(v1::SpeakRequest r1, Request(d1, v1::SPEAK_KIND_CONTRIBUTION,
                                                    "Về tiến độ giải ngân vốn đầu tư công"));
  EXPECT_EQ(r1.meeting_id(), a_->id());
  EXPECT_EQ(r1.agenda_item_id(), a_->item_id) << "the current item";
  EXPECT_EQ(r1.user_id(), d1.user.id());
  EXPECT_EQ(r1.full_name(), d1.user.full_name());
  EXPECT_EQ(r1.kind(), v1::SPEAK_KIND_CONTRIBUTION);
  EXPECT_EQ(r1.state(), v1::SPEAK_STATE_WAITING);
  EXPECT_EQ(r1.topic(), "Về tiến độ giải ngân vốn đầu tư công");
  EXPECT_GE(r1.request_time().unix_micros(), asked);
  ASSERT_OK_AND_ASSIGN(v1::SpeakRequest r2,
                       Request(d2, v1::SPEAK_KIND_QUESTION, "Chất vấn về dự án đường ven biển"));
  ASSERT_OK_AND_ASSIGN(v1::SpeakRequest r3, Request(d3, v1::SPEAK_KIND_POINT_OF_ORDER));
  ASSERT_OK_AND_ASSIGN(v1::SpeakRequest r4, Request(d4, v1::SPEAK_KIND_CONTRIBUTION));
  EXPECT_LT(r1.request_time().unix_micros(), r2.request_time().unix_micros());

  std::string state = State();
  EXPECT_TRUE(
      IsRefused(Request(d1, v1::SPEAK_KIND_QUESTION).status(), Code::kAlreadyExists, {"already"}));
  EXPECT_TRUE(IsRefused(Request(a_->cast.guest, v1::SPEAK_KIND_CONTRIBUTION).status(),
                        Code::kPermissionDenied, {"guest"}));
  EXPECT_TRUE(IsRefused(Request(a_->others[3], v1::SPEAK_KIND_UNSPECIFIED).status(),
                        Code::kInvalidArgument, {"kind"}));
  EXPECT_TRUE(
      IsRefused(Request(a_->others[3], v1::SPEAK_KIND_QUESTION, std::string(301, 'a')).status(),
                Code::kInvalidArgument, {"topic"}));
  EXPECT_EQ(State(), state);

  // Points of order first, then by time of request; everyone sees the queue.
  ASSERT_OK_AND_ASSIGN(v1::SpeakerQueue queue, Queue(a_->cast.guest));
  EXPECT_EQ(queue.agenda_item_id(), a_->item_id);
  EXPECT_EQ(Order(queue),
            (std::vector<std::string>{
                Entry(d3, v1::SPEAK_STATE_WAITING), Entry(d1, v1::SPEAK_STATE_WAITING),
                Entry(d2, v1::SPEAK_STATE_WAITING), Entry(d4, v1::SPEAK_STATE_WAITING)}));

  // Only the chair gives the floor.
  for (Client* caller : {&d1, &d3, &a_->cast.guest, &a_->cast.secretary}) {
    SCOPED_TRACE(caller->user.username());
    EXPECT_TRUE(IsRefused(GiveFloor(*caller, r3).status(), Code::kPermissionDenied));
  }
  EXPECT_EQ(State(), state);

  ASSERT_OK_AND_ASSIGN(v1::SpeakRequest speaking, GiveFloor(chair, r3));
  EXPECT_EQ(speaking.state(), v1::SPEAK_STATE_SPEAKING);
  EXPECT_EQ(speaking.limit_seconds(), 300) << "the meeting's default";
  EXPECT_GT(speaking.start_time().unix_micros(), 0);
  ASSERT_OK_AND_ASSIGN(queue, Queue(d2));
  EXPECT_EQ(Order(queue),
            (std::vector<std::string>{
                Entry(d3, v1::SPEAK_STATE_SPEAKING), Entry(d1, v1::SPEAK_STATE_WAITING),
                Entry(d2, v1::SPEAK_STATE_WAITING), Entry(d4, v1::SPEAK_STATE_WAITING)}));

  // The next speaker ends the one before, whose time used is recorded.
  ASSERT_OK_AND_ASSIGN(speaking, GiveFloor(chair, r1, 120));
  EXPECT_EQ(speaking.state(), v1::SPEAK_STATE_SPEAKING);
  EXPECT_EQ(speaking.limit_seconds(), 120);
  ASSERT_OK_AND_ASSIGN(queue, Queue(chair));
  ASSERT_EQ(queue.requests_size(), 4);
  EXPECT_EQ(Order(queue),
            (std::vector<std::string>{
                Entry(d1, v1::SPEAK_STATE_SPEAKING), Entry(d2, v1::SPEAK_STATE_WAITING),
                Entry(d4, v1::SPEAK_STATE_WAITING), Entry(d3, v1::SPEAK_STATE_DONE)}));
  const v1::SpeakRequest& ended = queue.requests(3);
  EXPECT_EQ(ended.limit_seconds(), 300);
  EXPECT_GE(ended.end_time().unix_micros(), ended.start_time().unix_micros());
  EXPECT_EQ(ended.used_seconds(),
            (ended.end_time().unix_micros() - ended.start_time().unix_micros()) / 1'000'000);
  EXPECT_FALSE(ended.ended_by().empty());

  // Withdrawing: one's own, not another's.
  state = State();
  EXPECT_TRUE(IsRefused(OnRequest(d2, &Speakers::WithdrawRequest, r4).status(),
                        Code::kPermissionDenied, {"withdraw"}));
  EXPECT_EQ(State(), state);
  ASSERT_OK_AND_ASSIGN(v1::SpeakRequest withdrawn, OnRequest(d2, &Speakers::WithdrawRequest, r2));
  EXPECT_EQ(withdrawn.state(), v1::SPEAK_STATE_WITHDRAWN);
  state = State();
  EXPECT_TRUE(IsRefused(GiveFloor(chair, r2).status(), Code::kFailedPrecondition,
                        {"withdrawn", "not waiting", "no longer waiting"}));
  // Ending: the speaker themself, or the chair; not someone else.
  EXPECT_TRUE(IsRefused(OnRequest(d4, &Speakers::EndFloor, r1).status(), Code::kPermissionDenied,
                        {"floor"}));
  EXPECT_TRUE(IsRefused(OnRequest(chair, &Speakers::EndFloor, r4).status(),
                        Code::kFailedPrecondition, {"floor"}));
  EXPECT_EQ(State(), state);
  ASSERT_OK_AND_ASSIGN(v1::SpeakRequest done, OnRequest(d1, &Speakers::EndFloor, r1));
  EXPECT_EQ(done.state(), v1::SPEAK_STATE_DONE);
  EXPECT_EQ(done.ended_by(), d1.user.id());
  EXPECT_EQ(done.used_seconds(),
            (done.end_time().unix_micros() - done.start_time().unix_micros()) / 1'000'000);
  ASSERT_OK(GiveFloor(chair, r4));
  ASSERT_OK_AND_ASSIGN(done, OnRequest(chair, &Speakers::EndFloor, r4));
  EXPECT_EQ(done.ended_by(), chair.user.id());

  // Done and withdrawn requests last, by time of request.
  ASSERT_OK_AND_ASSIGN(queue, Queue(d4));
  EXPECT_EQ(Order(queue), (std::vector<std::string>{
                              Entry(d1, v1::SPEAK_STATE_DONE), Entry(d2, v1::SPEAK_STATE_WITHDRAWN),
                              Entry(d3, v1::SPEAK_STATE_DONE), Entry(d4, v1::SPEAK_STATE_DONE)}));

  // Each change is one event, in order, in the chained log.
  ASSERT_OK_AND_ASSIGN(std::vector<v1::MeetingEvent> log, ReadLog(chair, a_->id()));
  EXPECT_OK(CheckChain(server::GenesisHash(), log));
  std::vector<std::string> changes;
  for (const v1::MeetingEvent& event : log) {
    if (event.seq() <= before.last_event_seq()) continue;
    ASSERT_TRUE(event.body().has_speaker_changed()) << event.DebugString();
    const v1::SpeakerChanged& changed = event.body().speaker_changed();
    changes.push_back(absl::StrCat(v1::SpeakerChanged::Change_Name(changed.change()), " ",
                                   changed.request().user_id()));
  }
  const std::string kRequested = "CHANGE_REQUESTED ";
  const std::string kGiven = "CHANGE_FLOOR_GIVEN ";
  const std::string kEnded = "CHANGE_FLOOR_ENDED ";
  EXPECT_EQ(changes,
            (std::vector<std::string>{
                kRequested + d1.user.id(), kRequested + d2.user.id(), kRequested + d3.user.id(),
                kRequested + d4.user.id(), kGiven + d3.user.id(), kEnded + d3.user.id(),
                kGiven + d1.user.id(), "CHANGE_WITHDRAWN " + d2.user.id(), kEnded + d1.user.id(),
                kGiven + d4.user.id(), kEnded + d4.user.id()}));
}

TEST_F(SpeakersTest, RequestsNeedACurrentItemAndFollowIt) {
  Client& chair = a_->cast.chair;
  ASSERT_OK(Request(a_->cast.delegate, v1::SPEAK_KIND_QUESTION));
  // The chair moves on: the queue of the new item is empty, the old one kept.
  ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(chair, a_->id()));
  v1::SetCurrentItemRequest current;
  current.set_meeting_id(a_->id());
  current.set_item_id(agenda.items(1).id());
  ASSERT_OK(Call(*chair.meetings, &v1::MeetingService::Stub::SetCurrentItem, current));
  ASSERT_OK_AND_ASSIGN(v1::SpeakerQueue queue, Queue(a_->others[0]));
  EXPECT_EQ(queue.agenda_item_id(), agenda.items(1).id());
  EXPECT_EQ(queue.requests_size(), 0);
  ASSERT_OK_AND_ASSIGN(queue, Queue(a_->others[0], a_->item_id));
  ASSERT_EQ(queue.requests_size(), 1);
  EXPECT_EQ(queue.requests(0).user_id(), a_->cast.delegate.user.id());

  // No current item, no requests.
  current.clear_item_id();
  ASSERT_OK(Call(*chair.meetings, &v1::MeetingService::Stub::SetCurrentItem, current));
  const std::string state = State();
  EXPECT_TRUE(IsRefused(Request(a_->others[0], v1::SPEAK_KIND_CONTRIBUTION).status(),
                        Code::kFailedPrecondition, {"item"}));
  EXPECT_EQ(State(), state);
  // Nor before the meeting starts.
  ASSERT_OK_AND_ASSIGN(v1::Meeting published,
                       MakeMeeting(a_->cast, v1::MEETING_STATE_PUBLISHED, "Họp sắp tới"));
  v1::RequestToSpeakRequest early;
  early.set_meeting_id(published.id());
  early.set_kind(v1::SPEAK_KIND_CONTRIBUTION);
  EXPECT_TRUE(
      IsRefused(Call(*SpeakerStub(a_->cast.delegate), &Speakers::RequestToSpeak, early).status(),
                Code::kFailedPrecondition));
  ASSERT_OK_AND_ASSIGN(v1::Meeting unchanged, GetMeeting(a_->cast.delegate, published.id()));
  EXPECT_EQ(unchanged.last_event_seq(), published.last_event_seq());
}

}  // namespace
}  // namespace hopso::integration
