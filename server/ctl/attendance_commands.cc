// room-code, checkin and the attendance commands (điểm danh, ủy quyền,
// túc số).
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pdf/composer.h"
#include "server/ctl/attendance_text.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/flags.h"
#include "server/ctl/format.h"
#include "server/ctl/poll_text.h"
#include "server/ctl/qr_image.h"
#include "server/ctl/users.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using AttendanceStub = v1::AttendanceService::Stub;

// A redrawn code waits this long past the change, so that it never shows the
// old code again because of a little clock skew.
constexpr absl::Duration kRedrawMargin = absl::Milliseconds(300);

std::string RecordLine(const v1::AttendanceRecord& r) {
  std::string line = absl::StrCat(r.full_name().empty() ? r.user_id() : r.full_name(), ": ",
                                  AttendanceStatusLabel(r.status()));
  if (r.late()) absl::StrAppend(&line, ", muộn (late)");
  if (r.arrive_time().unix_micros() != 0) {
    absl::StrAppend(&line, ", đến lúc / arrived ",
                    FormatMeetingTime(r.arrive_time().unix_micros(), true));
  }
  if (!r.reason().empty()) absl::StrAppend(&line, ", lý do / reason: ", r.reason());
  return line;
}

absl::Status ShowRoomCode() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetRoomCodeRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  const bool watch = absl::GetFlag(FLAGS_watch);
  while (true) {
    ASSIGN_OR_RETURN(v1::RoomCode code, client.Call(&AttendanceStub::GetRoomCode, request));
    // Level M, as for pairing codes: a screen shows it sharply.
    ASSIGN_OR_RETURN(pdf::QrSymbol symbol, pdf::EncodeQr(code.payload(), pdf::QrLevel::kM));
    const absl::Time until = absl::FromUnixMicros(code.valid_until().unix_micros());
    const int64_t left = std::max<int64_t>(0, absl::ToInt64Seconds(until - absl::Now()));
    if (watch) std::cout << "\033[H\033[2J";  // clear the terminal, cursor home
    std::cout << TerminalQr(symbol) << "\n"
              << "mã phòng / room code: " << code.code() << "\n"
              << "payload:  " << code.payload() << "\n"
              << "còn / valid for " << left << " s (đổi mỗi / changes every " << code.step_seconds()
              << " s)" << std::endl;
    if (!watch) return absl::OkStatus();
    absl::SleepFor(std::max(until - absl::Now(), absl::ZeroDuration()) + kRedrawMargin);
  }
}

absl::Status CheckIn() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::CheckInRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_room_code(absl::GetFlag(FLAGS_code));
  request.set_online(absl::GetFlag(FLAGS_online));
  ASSIGN_OR_RETURN(v1::AttendanceRecord record, client.Call(&AttendanceStub::CheckIn, request));
  std::cout << RecordLine(record) << "\n";
  return absl::OkStatus();
}

absl::Status ShowAttendance() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetAttendanceRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  ASSIGN_OR_RETURN(v1::Attendance attendance, client.Call(&AttendanceStub::GetAttendance, request));
  std::cout << AttendanceText(attendance);
  return absl::OkStatus();
}

absl::Status Mark() {
  absl::StatusOr<v1::AttendanceStatus> status = ParseAttendanceStatus(absl::GetFlag(FLAGS_status));
  if (!status.ok()) return UsageError(status.status().message());
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  const std::string meeting = absl::GetFlag(FLAGS_meeting);
  v1::MarkAttendanceRequest request;
  request.set_meeting_id(meeting);
  ASSIGN_OR_RETURN(*request.mutable_user_id(),
                   ParticipantId(client, meeting, absl::GetFlag(FLAGS_user)));
  request.set_status(*status);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  request.set_late(absl::GetFlag(FLAGS_late));
  ASSIGN_OR_RETURN(v1::AttendanceRecord record,
                   client.Call(&AttendanceStub::MarkAttendance, request));
  std::cout << RecordLine(record) << "\n";
  return absl::OkStatus();
}

absl::Status CheckOut() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  const std::string meeting = absl::GetFlag(FLAGS_meeting);
  v1::CheckOutRequest request;
  request.set_meeting_id(meeting);
  if (!absl::GetFlag(FLAGS_user).empty()) {
    ASSIGN_OR_RETURN(*request.mutable_user_id(),
                     ParticipantId(client, meeting, absl::GetFlag(FLAGS_user)));
  }
  ASSIGN_OR_RETURN(v1::AttendanceRecord record, client.Call(&AttendanceStub::CheckOut, request));
  std::cout << RecordLine(record) << "\n";
  return absl::OkStatus();
}

absl::Status GiveProxy() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  const std::string meeting = absl::GetFlag(FLAGS_meeting);
  v1::GiveProxyRequest request;
  request.set_meeting_id(meeting);
  ASSIGN_OR_RETURN(*request.mutable_giver_user_id(),
                   ParticipantId(client, meeting, absl::GetFlag(FLAGS_giver)));
  ASSIGN_OR_RETURN(*request.mutable_holder_user_id(),
                   ParticipantId(client, meeting, absl::GetFlag(FLAGS_holder)));
  ASSIGN_OR_RETURN(v1::Proxy proxy, client.Call(&AttendanceStub::GiveProxy, request));
  std::cout << "ủy quyền / proxy: " << proxy.giver_name() << " -> " << proxy.holder_name() << "\n";
  return absl::OkStatus();
}

absl::Status RevokeProxy() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  const std::string meeting = absl::GetFlag(FLAGS_meeting);
  v1::RevokeProxyRequest request;
  request.set_meeting_id(meeting);
  ASSIGN_OR_RETURN(*request.mutable_giver_user_id(),
                   ParticipantId(client, meeting, absl::GetFlag(FLAGS_giver)));
  RETURN_IF_ERROR(client.Call(&AttendanceStub::RevokeProxy, request).status());
  std::cout << "đã hủy ủy quyền / proxy revoked\n";
  return absl::OkStatus();
}

absl::Status Rules() {
  // Only the rules given change; with none given, the rules are shown.
  const std::string quorum = absl::GetFlag(FLAGS_quorum);
  const std::string proxies_count = absl::GetFlag(FLAGS_proxies_count);
  const int32_t max_proxies = absl::GetFlag(FLAGS_max_proxies);
  const int32_t speaking_limit = absl::GetFlag(FLAGS_speaking_limit);
  if (quorum.empty() && absl::GetFlag(FLAGS_strict)) {
    return UsageError("--strict goes with --quorum P/Q");
  }
  if (!proxies_count.empty() && proxies_count != "yes" && proxies_count != "no") {
    return UsageError(absl::StrCat("--proxies_count: use yes or no, not \"", proxies_count, "\""));
  }
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetAttendanceRulesRequest get;
  get.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  ASSIGN_OR_RETURN(v1::AttendanceRules rules,
                   client.Call(&AttendanceStub::GetAttendanceRules, get));
  const bool change =
      !quorum.empty() || !proxies_count.empty() || max_proxies >= 0 || speaking_limit >= 0;
  if (change) {
    if (!quorum.empty()) {
      absl::StatusOr<v1::Fraction> fraction = ParseFraction(quorum, absl::GetFlag(FLAGS_strict));
      if (!fraction.ok())
        return UsageError(absl::StrCat("--quorum: ", fraction.status().message()));
      *rules.mutable_quorum() = *fraction;
    }
    if (!proxies_count.empty()) rules.set_proxies_count_for_quorum(proxies_count == "yes");
    if (max_proxies >= 0) rules.set_max_proxies_per_holder(max_proxies);
    if (speaking_limit >= 0) rules.set_speaking_limit_seconds(speaking_limit);
    v1::SetAttendanceRulesRequest set;
    *set.mutable_rules() = rules;
    ASSIGN_OR_RETURN(rules, client.Call(&AttendanceStub::SetAttendanceRules, set));
  }
  std::cout << AttendanceRulesText(rules);
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> AttendanceCommands() {
  return {
      {.name = "room-code",
       .summary = "the meeting's room code as a QR code, its text and the seconds it has left "
                  "(chair or secretary); --watch redraws it as it changes",
       .required = {"meeting"},
       .optional = {"watch"},
       .run = ShowRoomCode,
       .arguments = {"meeting"}},
      {.name = "checkin",
       .summary = "check yourself in with the room code or its scanned payload (điểm danh)",
       .required = {"meeting", "code"},
       .optional = {"online"},
       .run = CheckIn,
       .arguments = {"meeting", "code"}},
      {.name = "attendance",
       .summary = "who is here: name, role, status, late, arrival, reason; proxies; quorum",
       .required = {"meeting"},
       .run = ShowAttendance,
       .arguments = {"meeting"}},
      {.name = "attendance mark",
       .summary = "record a participant (user id or username) as present, online or absent "
                  "(secretary)",
       .required = {"meeting", "user", "status"},
       .optional = {"reason", "late"},
       .run = Mark,
       .arguments = {"meeting", "user", "status"}},
      {.name = "attendance checkout",
       .summary = "check yourself out, or USER (secretary)",
       .required = {"meeting"},
       .optional = {"user"},
       .run = CheckOut,
       .arguments = {"meeting", "user"}},
      {.name = "attendance proxy",
       .summary = "GIVER (absent) gives their vote to HOLDER (present) (ủy quyền; secretary)",
       .required = {"meeting", "giver", "holder"},
       .run = GiveProxy,
       .arguments = {"meeting", "giver", "holder"}},
      {.name = "attendance unproxy",
       .summary = "revoke the proxy GIVER gave (secretary)",
       .required = {"meeting", "giver"},
       .run = RevokeProxy,
       .arguments = {"meeting", "giver"}},
      {.name = "attendance rules",
       .summary = "show the quorum, proxy and speaking-time rules, or change those given "
                  "(secretary)",
       .required = {"meeting"},
       .optional = {"quorum", "strict", "max_proxies", "proxies_count", "speaking_limit"},
       .run = Rules,
       .arguments = {"meeting"}},
  };
}

}  // namespace hopso::ctl
