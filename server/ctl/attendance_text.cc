#include "server/ctl/attendance_text.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/ctl/format.h"
#include "server/ctl/poll_text.h"
#include "server/domain/fraction.h"

namespace hopso::ctl {
namespace {

std::string TimeOrDash(const v1::Timestamp& time) {
  return time.unix_micros() == 0 ? "-" : FormatMeetingTime(time.unix_micros(), true);
}

}  // namespace

absl::StatusOr<v1::AttendanceStatus> ParseAttendanceStatus(absl::string_view text) {
  if (text == "present") return v1::ATTENDANCE_STATUS_PRESENT;
  if (text == "online") return v1::ATTENDANCE_STATUS_ONLINE;
  if (text == "absent") return v1::ATTENDANCE_STATUS_ABSENT;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown attendance \"", text, "\": use present, online or absent"));
}

std::string AttendanceStatusLabel(v1::AttendanceStatus status) {
  switch (status) {
    case v1::ATTENDANCE_STATUS_PRESENT: return "có mặt (present)";
    case v1::ATTENDANCE_STATUS_ONLINE: return "trực tuyến (online)";
    case v1::ATTENDANCE_STATUS_ABSENT: return "vắng (absent)";
    case v1::ATTENDANCE_STATUS_LEFT: return "đã về (left)";
    default: return "chưa điểm danh (not recorded)";
  }
}

std::string QuorumText(const v1::Quorum& quorum) {
  std::string represented;
  if (quorum.represented() > 0) {
    represented = absl::StrCat(" (+", quorum.represented(), " ủy quyền / represented)");
  }
  return absl::StrCat("Túc số / quorum: ", quorum.present(), "/", quorum.members(),
                      " thành viên có mặt / members present", represented, ", cần / required ",
                      quorum.required(), " (", server::DescribeFraction(quorum.rule(), "vi"), " / ",
                      server::DescribeFraction(quorum.rule(), "en"),
                      "): ", quorum.reached() ? "ĐỦ (reached)" : "CHƯA ĐỦ (not reached)");
}

std::string AttendanceText(const v1::Attendance& attendance) {
  // Widths in letters (PadRight), so that Vietnamese names line up.
  std::string out = absl::StrCat(PadRight("Họ và tên / name", 26), PadRight("vai trò / role", 24),
                                 PadRight("điểm danh / status", 32), PadRight("muộn / late", 12),
                                 PadRight("đến lúc / arrival", 21), "lý do / reason\n");
  for (const v1::AttendanceRecord& r : attendance.records()) {
    absl::StrAppend(&out, PadRight(r.full_name(), 26), PadRight(MeetingRoleLabel(r.role()), 24),
                    PadRight(AttendanceStatusLabel(r.status()), 32),
                    PadRight(r.late() ? "muộn (late)" : "", 12),
                    absl::StripTrailingAsciiWhitespace(
                        absl::StrCat(PadRight(TimeOrDash(r.arrive_time()), 21), r.reason())),
                    "\n");
  }
  if (!attendance.proxies().empty()) {
    absl::StrAppend(&out, "Ủy quyền / proxies:\n");
    for (const v1::Proxy& p : attendance.proxies()) {
      absl::StrAppend(&out, "  ", p.giver_name(), " -> ", p.holder_name(), "\n");
    }
  }
  absl::StrAppend(&out, QuorumText(attendance.quorum()), "\n");
  return out;
}

std::string AttendanceRulesText(const v1::AttendanceRules& rules) {
  return absl::StrCat(
      "Túc số / quorum:        ", server::DescribeFraction(rules.quorum(), "vi"), " / ",
      server::DescribeFraction(rules.quorum(), "en"), " tổng số thành viên / of the members\n",
      "Ủy quyền / proxies:     tối đa / at most ", rules.max_proxies_per_holder(),
      " mỗi người / per holder; ",
      rules.proxies_count_for_quorum() ? "tính vào túc số / count for quorum"
                                       : "không tính vào túc số / do not count for quorum",
      "\n", "Thời gian phát biểu / speaking limit: ",
      rules.speaking_limit_seconds() == 0 ? std::string("không giới hạn / none")
                                          : absl::StrCat(rules.speaking_limit_seconds(), " s"),
      "\n");
}

absl::StatusOr<v1::SpeakKind> ParseSpeakKind(absl::string_view text) {
  if (text.empty() || text == "contribution") return v1::SPEAK_KIND_CONTRIBUTION;
  if (text == "question") return v1::SPEAK_KIND_QUESTION;
  if (text == "order") return v1::SPEAK_KIND_POINT_OF_ORDER;
  return absl::InvalidArgumentError(absl::StrCat("unknown kind of request to speak \"", text,
                                                 "\": use contribution, question or order"));
}

std::string SpeakKindLabel(v1::SpeakKind kind) {
  switch (kind) {
    case v1::SPEAK_KIND_CONTRIBUTION: return "phát biểu (contribution)";
    case v1::SPEAK_KIND_QUESTION: return "chất vấn (question)";
    case v1::SPEAK_KIND_POINT_OF_ORDER: return "về thủ tục (point of order)";
    default: return "?";
  }
}

std::string SpeakStateLabel(v1::SpeakState state) {
  switch (state) {
    case v1::SPEAK_STATE_WAITING: return "chờ (waiting)";
    case v1::SPEAK_STATE_SPEAKING: return "đang nói (speaking)";
    case v1::SPEAK_STATE_DONE: return "xong (done)";
    case v1::SPEAK_STATE_WITHDRAWN: return "rút (withdrawn)";
    default: return "?";
  }
}

std::string SpeakRequestLine(const v1::SpeakRequest& r) {
  std::string line = absl::StrCat(r.id(), "\t", SpeakStateLabel(r.state()), "\t",
                                  SpeakKindLabel(r.kind()), "\t", r.full_name(), "\t", r.topic());
  if (r.state() == v1::SPEAK_STATE_SPEAKING || r.state() == v1::SPEAK_STATE_DONE) {
    absl::StrAppend(&line, "\t", r.used_seconds(), "/",
                    r.limit_seconds() == 0 ? std::string("-") : absl::StrCat(r.limit_seconds()),
                    " s");
  }
  return line;
}

std::string SpeakerQueueText(const v1::SpeakerQueue& queue) {
  if (queue.requests().empty()) {
    return "Chưa có ai đăng ký phát biểu / nobody has asked to speak\n";
  }
  std::string out;
  for (const v1::SpeakRequest& r : queue.requests()) {
    absl::StrAppend(&out, SpeakRequestLine(r), "\n");
  }
  return out;
}

}  // namespace hopso::ctl
