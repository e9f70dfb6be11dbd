// Dates and times as Vietnamese administrative documents write them, in
// Vietnam's time (UTC+7 all year: no daylight saving). Days below 10 and the
// months January and February take a leading zero (Decree 30/2020/NĐ-CP,
// Appendix I): "ngày 05 tháng 02 năm 2026", "ngày 30 tháng 11 năm 2026".
#ifndef HOPSO_SERVER_SERVICES_VIETNAMESE_DATES_H_
#define HOPSO_SERVER_SERVICES_VIETNAMESE_DATES_H_

#include <cstdint>
#include <string>

namespace hopso::server {

// VietnameseDate
//
// "ngày 30 tháng 11 năm 2026" for a time in microseconds since the Unix epoch.
std::string VietnameseDate(int64_t unix_micros);

// VietnameseClock
//
// "08 giờ 05 phút".
std::string VietnameseClock(int64_t unix_micros);

// VietnameseWeekdayTime
//
// "08 giờ 00, thứ Hai, ngày 30 tháng 11 năm 2026": when a meeting takes
// place, as handouts and posters announce it.
std::string VietnameseWeekdayTime(int64_t unix_micros);

// SameVietnameseDay
//
// True when both times fall on the same calendar day in Vietnam.
bool SameVietnameseDay(int64_t a_unix_micros, int64_t b_unix_micros);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_VIETNAMESE_DATES_H_
