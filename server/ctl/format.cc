#include "server/ctl/format.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/domain/permissions.h"

namespace hopso::ctl {
namespace {

// Vietnam has kept UTC+7 without daylight saving since 1975; a fixed zone
// needs no tzdata on the machine.
absl::TimeZone VietnamTime() { return absl::FixedTimeZone(7 * 60 * 60); }

constexpr v1::UserRole kUserRoles[] = {v1::USER_ROLE_ADMIN, v1::USER_ROLE_SECRETARY,
                                       v1::USER_ROLE_MEMBER};
constexpr v1::MeetingRole kMeetingRoles[] = {v1::MEETING_ROLE_CHAIR, v1::MEETING_ROLE_SECRETARY,
                                             v1::MEETING_ROLE_DELEGATE, v1::MEETING_ROLE_GUEST};

}  // namespace

absl::StatusOr<int64_t> ParseMeetingTime(absl::string_view text) {
  // With an explicit offset first: "%Ez" accepts "Z" and "+07:00".
  static constexpr const char* kFormats[] = {
      "%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M%Ez", "%Y-%m-%d%ET%H:%M:%S",
      "%Y-%m-%d%ET%H:%M",         "%Y-%m-%d %H:%M:%S",   "%Y-%m-%d %H:%M",
  };
  for (const char* format : kFormats) {
    absl::Time time;
    if (absl::ParseTime(format, std::string(text), VietnamTime(), &time, nullptr)) {
      return absl::ToUnixMicros(time);
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cannot read the time \"", text,
                   "\": use \"2026-12-01T08:00\" (Vietnam time) or RFC 3339 "
                   "(\"2026-12-01T08:00:00+07:00\")"));
}

std::string FormatMeetingTime(int64_t unix_micros, bool with_seconds) {
  return absl::FormatTime(with_seconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M",
                          absl::FromUnixMicros(unix_micros), VietnamTime());
}

absl::StatusOr<v1::UserRole> ParseUserRole(absl::string_view name) {
  for (v1::UserRole role : kUserRoles) {
    if (UserRoleName(role) == name) return role;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown user role \"", name, "\": use member, secretary or admin"));
}

absl::StatusOr<v1::MeetingRole> ParseMeetingRole(absl::string_view name) {
  for (v1::MeetingRole role : kMeetingRoles) {
    if (server::MeetingRoleName(role) == name) return role;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown meeting role \"", name, "\": use chair, secretary, delegate or guest"));
}

absl::string_view UserRoleName(v1::UserRole role) {
  switch (role) {
    case v1::USER_ROLE_ADMIN: return "admin";
    case v1::USER_ROLE_SECRETARY: return "secretary";
    case v1::USER_ROLE_MEMBER: return "member";
    default: return "unspecified";
  }
}

std::string MeetingRoleLabel(v1::MeetingRole role) {
  absl::string_view vietnamese;
  switch (role) {
    case v1::MEETING_ROLE_CHAIR: vietnamese = "chủ tọa"; break;
    case v1::MEETING_ROLE_SECRETARY: vietnamese = "thư ký"; break;
    case v1::MEETING_ROLE_DELEGATE: vietnamese = "đại biểu"; break;
    case v1::MEETING_ROLE_GUEST: vietnamese = "khách mời"; break;
    default: return std::string(server::MeetingRoleName(role));
  }
  return absl::StrCat(server::MeetingRoleName(role), " (", vietnamese, ")");
}

}  // namespace hopso::ctl
