#include "server/services/vietnamese_dates.h"

#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace hopso::server {
namespace {

absl::CivilSecond InVietnam(int64_t unix_micros) {
  static const absl::TimeZone vietnam = absl::FixedTimeZone(7 * 3600);
  return absl::ToCivilSecond(absl::FromUnixMicros(unix_micros), vietnam);
}

}  // namespace

std::string VietnameseDate(int64_t unix_micros) {
  const absl::CivilSecond t = InVietnam(unix_micros);
  const int width = t.month() <= 2 ? 2 : 1;
  return absl::StrFormat("ngày %02d tháng %0*d năm %d", t.day(), width, t.month(), t.year());
}

std::string VietnameseClock(int64_t unix_micros) {
  const absl::CivilSecond t = InVietnam(unix_micros);
  return absl::StrFormat("%02d giờ %02d phút", t.hour(), t.minute());
}

std::string VietnameseWeekdayTime(int64_t unix_micros) {
  // Indexed from Sunday; absl::Weekday counts from Monday.
  static constexpr const char* kWeekdays[] = {"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư",
                                              "thứ Năm",  "thứ Sáu", "thứ Bảy"};
  const absl::CivilSecond t = InVietnam(unix_micros);
  return absl::StrFormat("%02d giờ %02d, %s, %s", t.hour(), t.minute(),
                         kWeekdays[(static_cast<int>(absl::GetWeekday(t)) + 1) % 7],
                         VietnameseDate(unix_micros));
}

bool SameVietnameseDay(int64_t a_unix_micros, int64_t b_unix_micros) {
  return absl::CivilDay(InVietnam(a_unix_micros)) == absl::CivilDay(InVietnam(b_unix_micros));
}

}  // namespace hopso::server
