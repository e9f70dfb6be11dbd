#include "server/ctl/format.h"

#include "gtest/gtest.h"

namespace hopso::ctl {
namespace {

// 2026-12-01T01:00:00Z, which is 08:00 in Vietnam.
constexpr int64_t kEightAmHanoi = 1796086800LL * 1000000;

TEST(ParseMeetingTimeTest, AcceptedForms) {
  const struct {
    const char* text;
    int64_t micros;
  } kCases[] = {
      {"2026-12-01T08:00", kEightAmHanoi},
      {"2026-12-01 08:00", kEightAmHanoi},
      {"2026-12-01T08:00:30", kEightAmHanoi + 30000000},
      {"2026-12-01 08:00:30", kEightAmHanoi + 30000000},
      {"2026-12-01T08:00:00+07:00", kEightAmHanoi},
      {"2026-12-01T01:00:00Z", kEightAmHanoi},
      {"2026-12-01T01:00:00.5Z", kEightAmHanoi + 500000},
      {"2026-12-01T03:00+02:00", kEightAmHanoi},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<int64_t> micros = ParseMeetingTime(c.text);
    ASSERT_TRUE(micros.ok()) << micros.status();
    EXPECT_EQ(*micros, c.micros);
  }
}

TEST(ParseMeetingTimeTest, RejectsOtherText) {
  for (const char* text : {"", "tomorrow", "2026-12-01", "01/12/2026 08:00", "2026-13-01T08:00",
                           "2026-12-01T08:00 extra"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<int64_t> micros = ParseMeetingTime(text);
    ASSERT_FALSE(micros.ok());
    EXPECT_EQ(micros.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(FormatMeetingTimeTest, VietnamTime) {
  EXPECT_EQ(FormatMeetingTime(kEightAmHanoi), "2026-12-01 08:00");
  EXPECT_EQ(FormatMeetingTime(kEightAmHanoi + 5000000, /*with_seconds=*/true),
            "2026-12-01 08:00:05");
}

TEST(RoleTest, RoundTrips) {
  for (v1::UserRole role : {v1::USER_ROLE_ADMIN, v1::USER_ROLE_SECRETARY, v1::USER_ROLE_MEMBER}) {
    absl::StatusOr<v1::UserRole> parsed = ParseUserRole(UserRoleName(role));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, role);
  }
  absl::StatusOr<v1::MeetingRole> chair = ParseMeetingRole("chair");
  ASSERT_TRUE(chair.ok());
  EXPECT_EQ(*chair, v1::MEETING_ROLE_CHAIR);
  EXPECT_EQ(MeetingRoleLabel(v1::MEETING_ROLE_DELEGATE), "delegate (đại biểu)");
  EXPECT_FALSE(ParseMeetingRole("president").ok());
  EXPECT_FALSE(ParseUserRole("chair").ok());
}

}  // namespace
}  // namespace hopso::ctl
