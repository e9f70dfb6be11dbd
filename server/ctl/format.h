// Text forms of the values hopsoctl reads from flags and prints: times in
// Vietnam's time zone, user and meeting roles. Meeting states and role names
// come from server/domain (StateName, MeetingRoleName).
#ifndef HOPSO_SERVER_CTL_FORMAT_H_
#define HOPSO_SERVER_CTL_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hopso/v1/common.pb.h"

namespace hopso::ctl {

// ParseMeetingTime
//
// Microseconds since the epoch for "2026-12-01T08:00", "2026-12-01 08:00" or
// with ":SS", read in Vietnam time (+07:00, no daylight saving), or for an
// RFC 3339 time with its own offset ("2026-12-01T01:00:00Z").
absl::StatusOr<int64_t> ParseMeetingTime(absl::string_view text);

// FormatMeetingTime
//
// "2026-12-01 08:00" in Vietnam time; `with_seconds` adds ":SS".
std::string FormatMeetingTime(int64_t unix_micros, bool with_seconds = false);

// Parse*Role: the lower-case names used on the command line.
absl::StatusOr<v1::UserRole> ParseUserRole(absl::string_view name);
absl::StatusOr<v1::MeetingRole> ParseMeetingRole(absl::string_view name);

absl::string_view UserRoleName(v1::UserRole role);
// "chair (chủ tọa)", "delegate (đại biểu)", ...
std::string MeetingRoleLabel(v1::MeetingRole role);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_FORMAT_H_
