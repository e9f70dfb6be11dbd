#include "server/domain/speakers.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hopso::server {
namespace {

v1::SpeakRequest Request(std::string id, v1::SpeakState state, v1::SpeakKind kind,
                         int64_t requested, std::string user = "u") {
  v1::SpeakRequest r;
  r.set_id(std::move(id));
  r.set_state(state);
  r.set_kind(kind);
  r.set_user_id(std::move(user));
  r.mutable_request_time()->set_unix_micros(requested);
  return r;
}

constexpr auto kWaiting = v1::SPEAK_STATE_WAITING;
constexpr auto kSpeaking = v1::SPEAK_STATE_SPEAKING;
constexpr auto kDone = v1::SPEAK_STATE_DONE;
constexpr auto kWithdrawn = v1::SPEAK_STATE_WITHDRAWN;
constexpr auto kContribution = v1::SPEAK_KIND_CONTRIBUTION;
constexpr auto kQuestion = v1::SPEAK_KIND_QUESTION;
constexpr auto kOrder = v1::SPEAK_KIND_POINT_OF_ORDER;

TEST(OrderSpeakerQueue, SpeakerThenPointsOfOrderThenByTimeThenTheRest) {
  struct Case {
    std::string name;
    std::vector<v1::SpeakRequest> requests;
    std::string expected;  // ids in order
  };
  const Case kCases[] = {
      {"waiting by time of request",
       {Request("c", kWaiting, kContribution, 30), Request("a", kWaiting, kQuestion, 10),
        Request("b", kWaiting, kContribution, 20)},
       "a b c"},
      {"the speaker comes first",
       {Request("a", kWaiting, kContribution, 10), Request("s", kSpeaking, kContribution, 50)},
       "s a"},
      {"a point of order goes before earlier requests",
       {Request("a", kWaiting, kContribution, 10), Request("b", kWaiting, kQuestion, 20),
        Request("p", kWaiting, kOrder, 30)},
       "p a b"},
      {"points of order among themselves by time",
       {Request("p2", kWaiting, kOrder, 40), Request("p1", kWaiting, kOrder, 30),
        Request("a", kWaiting, kContribution, 10)},
       "p1 p2 a"},
      {"done and withdrawn last, by time, a done point of order not promoted",
       {Request("d2", kDone, kContribution, 5), Request("w", kWithdrawn, kContribution, 3),
        Request("dp", kDone, kOrder, 4), Request("a", kWaiting, kContribution, 50)},
       "a w dp d2"},
      {"same time: by id",
       {Request("y", kWaiting, kContribution, 10), Request("x", kWaiting, kContribution, 10)},
       "x y"},
      {"everything together",
       {Request("d", kDone, kQuestion, 1), Request("a", kWaiting, kContribution, 2),
        Request("p", kWaiting, kOrder, 9), Request("s", kSpeaking, kQuestion, 3),
        Request("b", kWaiting, kQuestion, 4)},
       "s p a b d"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    std::vector<v1::SpeakRequest> requests = c.requests;
    OrderSpeakerQueue(requests);
    std::string ids;
    for (const v1::SpeakRequest& r : requests) ids += (ids.empty() ? "" : " ") + r.id();
    EXPECT_EQ(ids, c.expected);
  }
}

TEST(CheckNewSpeakRequest, RefusesWithClearStatus) {
  v1::RequestToSpeakRequest good;
  good.set_kind(kQuestion);
  good.set_topic("Về kinh phí dự án");
  struct Case {
    std::string name;
    v1::SpeakKind kind;
    std::string topic;
    std::string current_item;
    std::vector<v1::SpeakRequest> existing;
    absl::StatusCode code;
    std::string message;
  };
  const Case kCases[] = {
      {"a question on the current item", kQuestion, "Về kinh phí", "item", {},
       absl::StatusCode::kOk, ""},
      {"no topic is fine", kOrder, "", "item", {}, absl::StatusCode::kOk, ""},
      {"after an earlier request was done", kContribution, "", "item",
       {Request("r", kDone, kContribution, 1, "me"), Request("w", kWithdrawn, kQuestion, 2, "me")},
       absl::StatusCode::kOk, ""},
      {"someone else waiting does not matter", kContribution, "", "item",
       {Request("r", kWaiting, kContribution, 1, "other")}, absl::StatusCode::kOk, ""},
      {"kind unset", v1::SPEAK_KIND_UNSPECIFIED, "", "item", {},
       absl::StatusCode::kInvalidArgument, "kind"},
      {"topic over 300 characters", kContribution, std::string(301, 'a'), "item", {},
       absl::StatusCode::kInvalidArgument, "topic"},
      {"topic of 300 Vietnamese characters is fine", kContribution,
       [] {
         std::string s;
         for (int i = 0; i < 300; ++i) s += "ệ";
         return s;
       }(),
       "item", {}, absl::StatusCode::kOk, ""},
      {"no current item", kContribution, "", "", {}, absl::StatusCode::kFailedPrecondition,
       "no current agenda item"},
      {"already waiting", kQuestion, "", "item", {Request("r", kWaiting, kContribution, 1, "me")},
       absl::StatusCode::kAlreadyExists, "already asked"},
      {"already speaking", kQuestion, "", "item", {Request("r", kSpeaking, kContribution, 1, "me")},
       absl::StatusCode::kAlreadyExists, "floor"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    v1::RequestToSpeakRequest request;
    request.set_kind(c.kind);
    request.set_topic(c.topic);
    absl::Status status = CheckNewSpeakRequest(request, c.current_item, "me", c.existing);
    EXPECT_EQ(status.code(), c.code) << status;
    EXPECT_NE(status.message().find(c.message), std::string::npos) << status;
  }
}

TEST(EndFloor, RecordsTheTimeUsedRoundedDown) {
  struct Case {
    std::string name;
    int64_t start, now;
    int32_t used;
  };
  const Case kCases[] = {
      {"whole seconds", 1'000'000, 91'000'000, 90},
      {"rounded down", 1'000'000, 3'999'999, 2},
      {"under a second", 1'000'000, 1'500'000, 0},
      {"a clock going backwards gives 0, never negative", 5'000'000, 4'000'000, 0},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    v1::SpeakRequest speaking = Request("r", kSpeaking, kQuestion, 0);
    speaking.mutable_start_time()->set_unix_micros(c.start);
    speaking.set_limit_seconds(120);
    v1::SpeakRequest done = EndFloor(speaking, c.now, "chair");
    EXPECT_EQ(done.state(), kDone);
    EXPECT_EQ(done.used_seconds(), c.used);
    EXPECT_EQ(done.end_time().unix_micros(), c.now);
    EXPECT_EQ(done.start_time().unix_micros(), c.start);
    EXPECT_EQ(done.limit_seconds(), 120);
    EXPECT_EQ(done.ended_by(), "chair");
  }
}

}  // namespace
}  // namespace hopso::server
