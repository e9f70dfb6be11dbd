#include "server/ctl/attendance_text.h"

#include "gtest/gtest.h"
#include "server/domain/fraction.h"

namespace hopso::ctl {
namespace {

TEST(ParseAttendanceStatusTest, Names) {
  EXPECT_EQ(*ParseAttendanceStatus("present"), v1::ATTENDANCE_STATUS_PRESENT);
  EXPECT_EQ(*ParseAttendanceStatus("online"), v1::ATTENDANCE_STATUS_ONLINE);
  EXPECT_EQ(*ParseAttendanceStatus("absent"), v1::ATTENDANCE_STATUS_ABSENT);
  absl::StatusOr<v1::AttendanceStatus> left = ParseAttendanceStatus("left");
  ASSERT_FALSE(left.ok());
  EXPECT_NE(left.status().message().find("use present, online or absent"), absl::string_view::npos);
}

TEST(ParseSpeakKindTest, DefaultIsContribution) {
  EXPECT_EQ(*ParseSpeakKind(""), v1::SPEAK_KIND_CONTRIBUTION);
  EXPECT_EQ(*ParseSpeakKind("question"), v1::SPEAK_KIND_QUESTION);
  EXPECT_EQ(*ParseSpeakKind("order"), v1::SPEAK_KIND_POINT_OF_ORDER);
  EXPECT_FALSE(ParseSpeakKind("shout").ok());
}

TEST(AttendanceTextTest, TableProxiesAndQuorum) {
  v1::Attendance attendance;
  v1::AttendanceRecord* here = attendance.add_records();
  here->set_full_name("Võ Thị Phương Thảo");
  here->set_role(v1::MEETING_ROLE_DELEGATE);
  here->set_status(v1::ATTENDANCE_STATUS_PRESENT);
  here->set_late(true);
  here->mutable_arrive_time()->set_unix_micros(1796259905000000);  // 2026-12-03 08:05:05 +07
  v1::AttendanceRecord* away = attendance.add_records();
  away->set_full_name("Huỳnh Quang Đức");
  away->set_role(v1::MEETING_ROLE_DELEGATE);
  away->set_status(v1::ATTENDANCE_STATUS_ABSENT);
  away->set_reason("Đi công tác");
  v1::Proxy* proxy = attendance.add_proxies();
  proxy->set_giver_name("Huỳnh Quang Đức");
  proxy->set_holder_name("Võ Thị Phương Thảo");
  v1::Quorum* quorum = attendance.mutable_quorum();
  quorum->set_members(2);
  quorum->set_present(1);
  quorum->set_represented(1);
  quorum->set_required(2);
  quorum->set_reached(false);
  *quorum->mutable_rule() = server::MakeFraction(1, 2, true);
  const std::string text = AttendanceText(attendance);
  EXPECT_NE(text.find("Võ Thị Phương Thảo        delegate (đại biểu)"), std::string::npos) << text;
  EXPECT_NE(text.find("có mặt (present)"), std::string::npos) << text;
  EXPECT_NE(text.find("muộn (late)"), std::string::npos) << text;
  EXPECT_NE(text.find("2026-12-03 08:05:05"), std::string::npos) << text;
  EXPECT_NE(text.find("vắng (absent)"), std::string::npos) << text;
  EXPECT_NE(text.find("Đi công tác"), std::string::npos) << text;
  EXPECT_NE(text.find("  Huỳnh Quang Đức -> Võ Thị Phương Thảo\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Túc số / quorum: 1/2 thành viên có mặt / members present (+1 ủy quyền / "
                      "represented), cần / required 2 (hơn 1/2 / more than 1/2): CHƯA ĐỦ"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace hopso::ctl
