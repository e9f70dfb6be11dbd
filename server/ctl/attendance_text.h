// Attendance, quorum, proxies and the speakers' queue as hopsoctl reads them
// from the command line and prints them (Vietnamese first, then English).
#ifndef HOPSO_SERVER_CTL_ATTENDANCE_TEXT_H_
#define HOPSO_SERVER_CTL_ATTENDANCE_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hopso/v1/attendance.pb.h"
#include "hopso/v1/speaker.pb.h"

namespace hopso::ctl {

// present|online|absent.
absl::StatusOr<v1::AttendanceStatus> ParseAttendanceStatus(absl::string_view text);

// "có mặt (present)", "trực tuyến (online)", "vắng (absent)", "đã về (left)",
// "chưa điểm danh (not recorded)".
std::string AttendanceStatusLabel(v1::AttendanceStatus status);

// QuorumText
//
// "Túc số / quorum: 9 of 12 members present (+1 represented), 7 required
// (hơn 1/2 / more than 1/2): ĐỦ (reached)".
std::string QuorumText(const v1::Quorum& quorum);

// AttendanceText
//
// A table (name, role, status, late, reason, arrival), the proxies and the
// quorum line.
std::string AttendanceText(const v1::Attendance& attendance);

// AttendanceRulesText
//
// The quorum, proxy and speaking-time rules, one per line.
std::string AttendanceRulesText(const v1::AttendanceRules& rules);

// contribution|question|order (empty: contribution).
absl::StatusOr<v1::SpeakKind> ParseSpeakKind(absl::string_view text);

// "phát biểu (contribution)", "chất vấn (question)", "về thủ tục (point of order)".
std::string SpeakKindLabel(v1::SpeakKind kind);
std::string SpeakStateLabel(v1::SpeakState state);

// SpeakRequestLine
//
// id, state, kind, name, topic, and once given the floor the seconds used of
// those given: "r1<TAB>xong (done)<TAB>chất vấn (question)<TAB>Võ Thị
// Phương Thảo<TAB>Ngân sách<TAB>95/300 s".
std::string SpeakRequestLine(const v1::SpeakRequest& request);

// SpeakerQueueText
//
// One SpeakRequestLine per request, in the queue's order.
std::string SpeakerQueueText(const v1::SpeakerQueue& queue);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_ATTENDANCE_TEXT_H_
