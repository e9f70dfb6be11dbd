// AttendanceService logic, gRPC-free: room codes, check-in (through the
// group writer), attendance by hand, proxies and the quorum that follows.
// Every change appends its event, with the quorum after it, in the same
// transaction.
#ifndef HOPSO_SERVER_SERVICES_ATTENDANCE_HANDLER_H_
#define HOPSO_SERVER_SERVICES_ATTENDANCE_HANDLER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hopso/v1/attendance.pb.h"
#include "server/domain/attendance.h"
#include "server/domain/permissions.h"
#include "server/store/group_writer.h"
#include "server/store/store.h"

namespace hopso::server {

// Everything the attendance rules decide over, read in one transaction.
struct AttendanceSnapshot {
  MeetingRulesRecord rules;
  std::vector<v1::Participant> participants;  // by role, then user id
  std::vector<ParticipantState> states;       // one per participant
  std::vector<v1::AttendanceRecord> records;  // recorded rows only, by user id
  std::vector<v1::Proxy> proxies;             // active ones, by giver
  v1::Quorum quorum;
};

// LoadAttendance
//
// The meeting's rules, participants, attendance, proxies and quorum now.
absl::StatusOr<AttendanceSnapshot> LoadAttendance(Transaction& tx, absl::string_view meeting_id);

class AttendanceHandler {
 public:
  // How an asynchronous call answers: on the group writer's thread, once the
  // batch holding it has committed (or failed).
  template <typename T>
  using Reply = std::function<void(absl::Status, const T&)>;

  AttendanceHandler(Store& store, GroupWriter& writer) : store_(store), writer_(writer) {}

  absl::Status GetRoomCode(const Caller& c, const v1::GetRoomCodeRequest& req, v1::RoomCode* out);
  // Returns at once; `reply` hears after the commit. Checking in again while
  // present changes nothing (no event), except switching present/online.
  void CheckIn(const Caller& c, const v1::CheckInRequest& req, Reply<v1::AttendanceRecord> reply);
  absl::Status MarkAttendance(const Caller& c, const v1::MarkAttendanceRequest& req,
                              v1::AttendanceRecord* out);
  absl::Status CheckOut(const Caller& c, const v1::CheckOutRequest& req, v1::AttendanceRecord* out);
  absl::Status GiveProxy(const Caller& c, const v1::GiveProxyRequest& req, v1::Proxy* out);
  absl::Status RevokeProxy(const Caller& c, const v1::RevokeProxyRequest& req,
                           v1::RevokeProxyResponse* out);
  absl::Status GetAttendance(const Caller& c, const v1::GetAttendanceRequest& req,
                             v1::Attendance* out);
  absl::Status GetAttendanceRules(const Caller& c, const v1::GetAttendanceRulesRequest& req,
                                  v1::AttendanceRules* out);
  absl::Status SetAttendanceRules(const Caller& c, const v1::SetAttendanceRulesRequest& req,
                                  v1::AttendanceRules* out);

 private:
  Store& store_;
  GroupWriter& writer_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_ATTENDANCE_HANDLER_H_
