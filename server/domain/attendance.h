// Attendance, proxies (ủy quyền) and quorum as pure rules over the
// participant list; the handlers load the rows, these decide.
#ifndef HOPSO_SERVER_DOMAIN_ATTENDANCE_H_
#define HOPSO_SERVER_DOMAIN_ATTENDANCE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hopso/v1/attendance.pb.h"
#include "hopso/v1/common.pb.h"

namespace hopso::server {

// Chair and delegates are the meeting's members: they vote and count for
// quorum. Secretaries and guests do neither.
bool IsVotingMember(v1::MeetingRole role);

// PRESENT or ONLINE (not left, not absent, not unrecorded).
bool IsPresent(v1::AttendanceStatus status);

// One participant as the rules see them.
struct ParticipantState {
  std::string user_id;
  v1::MeetingRole role = v1::MEETING_ROLE_UNSPECIFIED;
  v1::AttendanceStatus status = v1::ATTENDANCE_STATUS_UNSPECIFIED;
  // For messages; the user id stands in when empty.
  std::string full_name;
};

v1::AttendanceRules DefaultAttendanceRules();

// ValidateAttendanceRules
//
// INVALID_ARGUMENT naming the field: quorum fraction (see ValidateFraction),
// max_proxies_per_holder in 0..10, speaking_limit_seconds in 0..7200.
absl::Status ValidateAttendanceRules(const v1::AttendanceRules& rules);

// ComputeQuorum
//
// Members, those present, those represented (not present, proxy held by a
// present member), the count required and whether it is reached. A proxy
// counts at most once, and only when the rules say proxies count. A meeting
// with no members never has quorum.
v1::Quorum ComputeQuorum(const v1::AttendanceRules& rules,
                         std::span<const ParticipantState> participants,
                         std::span<const v1::Proxy> proxies);

// CheckNewProxy
//
// May `giver` give their vote to `holder` now? Errors, each with a message
// that names the rule:
//   INVALID_ARGUMENT     giver == holder
//   FAILED_PRECONDITION  either is not a member (chair or delegate); the
//                        giver is present (they vote themself); the holder is
//                        not present; the giver holds proxies or the holder
//                        has given one (no chains); proxies are not allowed
//                        (limit 0); the holder already holds the maximum
//   ALREADY_EXISTS       the giver has already given a proxy
absl::Status CheckNewProxy(const v1::AttendanceRules& rules, absl::string_view giver,
                           absl::string_view holder,
                           std::span<const ParticipantState> participants,
                           std::span<const v1::Proxy> proxies);

// Who may vote when a poll opens, and whose hand casts each vote.
struct VotingRightGrant {
  std::string principal_user_id;  // whose vote it is
  std::string caster_user_id;     // who casts it: the principal, or their proxy holder
};

// VotingRightsAtOpen
//
// Every present member votes for themself; each proxy whose giver is not
// present and whose holder is present gives its holder one more vote. Sorted
// by principal.
std::vector<VotingRightGrant> VotingRightsAtOpen(std::span<const ParticipantState> participants,
                                                 std::span<const v1::Proxy> proxies);

// ProxiesEndedByArrival
//
// The proxies that end because `user_id` has become present: the one they gave.
std::vector<v1::Proxy> ProxiesEndedByArrival(absl::string_view user_id,
                                             std::span<const v1::Proxy> proxies);

// CheckIn
//
// The record after a check-in at `now_micros` (room code or by hand) of a
// participant whose record is `before` (status UNSPECIFIED when none).
// `meeting_start_micros` decides lateness: arriving after the scheduled start
// is late (never when it is 0, no start time). Someone already present stays
// as they were (the same arrival time), except that ONLINE and PRESENT
// switch; with the same status `before` comes back unchanged. Someone back
// after leaving gets a new arrival time and keeps their first lateness. An
// absence reason is cleared.
v1::AttendanceRecord CheckIn(const v1::AttendanceRecord& before, v1::AttendanceStatus status,
                             v1::CheckInMethod method, int64_t now_micros,
                             int64_t meeting_start_micros, absl::string_view recorded_by);

// CheckOut
//
// FAILED_PRECONDITION unless `before` is present; else LEFT at `now_micros`.
absl::StatusOr<v1::AttendanceRecord> CheckOut(const v1::AttendanceRecord& before,
                                              int64_t now_micros, absl::string_view recorded_by);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_DOMAIN_ATTENDANCE_H_
