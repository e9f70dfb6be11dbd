#include "server/domain/room_code.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hopso::server {
namespace {

constexpr char kSecret[] = "hopso-test-secret";
constexpr char kMeeting[] = "mtg-1";
constexpr int64_t kStepMicros = int64_t{kRoomCodeStepSeconds} * 1'000'000;

TEST(RoomCodeStep, CountsThirtySecondStepsFromTheEpoch) {
  EXPECT_EQ(RoomCodeStep(0), 0);
  EXPECT_EQ(RoomCodeStep(kStepMicros - 1), 0);
  EXPECT_EQ(RoomCodeStep(kStepMicros), 1);
  EXPECT_EQ(RoomCodeStep(1'764'500'000'000'000), 1'764'500'000 / 30);
  EXPECT_EQ(RoomCodeStep(-1), -1);
}

// Pins the format for anything else that shows or checks codes: values from
// an independent HMAC-SHA-256 (Python's hmac), first 8 digest bytes big-endian
// written in base 31 over the code alphabet.
TEST(RoomCodeAt, MatchesTheReferenceComputation) {
  EXPECT_EQ(RoomCodeAt(kSecret, 0), "J3DGFHQV");
  EXPECT_EQ(RoomCodeAt(kSecret, 59'000'000), "AVNB9GE2");
  EXPECT_EQ(RoomCodeAt(std::string(32, '\0'), 1), "R333MQQU");
}

TEST(RoomCodeAt, IsEightCharactersWithoutLookAlikesAndChangesEachStep) {
  for (int64_t step = 1000; step < 1050; ++step) {
    const std::string code = RoomCodeAt(kSecret, step);
    ASSERT_EQ(code.size(), 8u);
    EXPECT_EQ(code.find_first_not_of("23456789ABCDEFGHJKMNPQRSTUVWXYZ"), std::string::npos)
        << code;
    EXPECT_NE(code, RoomCodeAt(kSecret, step + 1));
    EXPECT_NE(code, RoomCodeAt("another secret", step));
  }
}

TEST(RoomCodePayload, IsPrefixMeetingAndCode) {
  EXPECT_EQ(RoomCodePayload("m1", "ABCD2345"), "HOPSO-ROOM:m1:ABCD2345");
}

TEST(CheckRoomCode, AcceptsOneStepOfSkewAndRefusesTheRest) {
  const int64_t step = 58'800'000;
  // In the middle of the step, and on its first microsecond.
  const int64_t mid = step * kStepMicros + kStepMicros / 2;
  const int64_t first = step * kStepMicros;
  const std::string current = RoomCodeAt(kSecret, step);
  std::string spaced = absl::AsciiStrToLower(current);
  spaced.insert(4, " ");
  struct Case {
    std::string name;
    std::string input;
    int64_t now;
    absl::StatusCode code;
    std::string message;  // a part of the error's message
  };
  const Case kCases[] = {
      {"current code", current, mid, absl::StatusCode::kOk, ""},
      {"current code at the first microsecond of its step", current, first,
       absl::StatusCode::kOk, ""},
      {"previous step's code", RoomCodeAt(kSecret, step - 1), mid, absl::StatusCode::kOk, ""},
      {"next step's code (clock skew)", RoomCodeAt(kSecret, step + 1), mid,
       absl::StatusCode::kOk, ""},
      {"code from two steps ago refused", RoomCodeAt(kSecret, step - 2), mid,
       absl::StatusCode::kPermissionDenied, "expired"},
      {"code from two steps ahead refused", RoomCodeAt(kSecret, step + 2), mid,
       absl::StatusCode::kPermissionDenied, "expired"},
      {"code made with another meeting's secret refused", RoomCodeAt("other secret", step), mid,
       absl::StatusCode::kPermissionDenied, "expired or is wrong"},
      {"whole payload", RoomCodePayload(kMeeting, current), mid, absl::StatusCode::kOk, ""},
      {"payload with a lowercase prefix and code",
       absl::StrCat("hopso-room:", kMeeting, ":", absl::AsciiStrToLower(current)), mid,
       absl::StatusCode::kOk, ""},
      {"payload with surrounding whitespace",
       absl::StrCat("  ", RoomCodePayload(kMeeting, current), "\n"), mid, absl::StatusCode::kOk,
       ""},
      {"payload of another meeting refused", RoomCodePayload("mtg-2", current), mid,
       absl::StatusCode::kPermissionDenied, "another meeting"},
      {"payload of an old step refused", RoomCodePayload(kMeeting, RoomCodeAt(kSecret, step - 2)),
       mid, absl::StatusCode::kPermissionDenied, "expired"},
      {"lowercase with a space accepted", spaced, mid, absl::StatusCode::kOk, ""},
      {"garbage", "hello world", mid, absl::StatusCode::kInvalidArgument, "8 letters"},
      {"empty", "", mid, absl::StatusCode::kInvalidArgument, "8 letters"},
      {"too short", current.substr(0, 7), mid, absl::StatusCode::kInvalidArgument, "8 letters"},
      {"a look-alike letter", "OOOOOOOO", mid, absl::StatusCode::kInvalidArgument, "8 letters"},
      {"payload without a code", "HOPSO-ROOM:mtg-1", mid, absl::StatusCode::kInvalidArgument,
       "not a Hopso room code"},
      {"payload without a meeting", absl::StrCat("HOPSO-ROOM::", current), mid,
       absl::StatusCode::kInvalidArgument, "not a Hopso room code"},
      {"another kind of Hopso QR code", "HOPSO:k3xq7m2pa9dt.3fa2c1d0", mid,
       absl::StatusCode::kInvalidArgument, "8 letters"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::Status status = CheckRoomCode(kSecret, kMeeting, c.input, c.now);
    EXPECT_EQ(status.code(), c.code) << status;
    EXPECT_NE(status.message().find(c.message), std::string::npos) << status;
  }
}

}  // namespace
}  // namespace hopso::server
