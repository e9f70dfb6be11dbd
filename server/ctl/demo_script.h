// The scripted demo meeting shared by `demo seed` and `demo play`: its cast
// (read from scripts/demo/dai_bieu.csv), its organisation, its agenda, and
// the secretary's preparation of a meeting.
#ifndef HOPSO_SERVER_CTL_DEMO_SCRIPT_H_
#define HOPSO_SERVER_CTL_DEMO_SCRIPT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/ctl/client.h"

namespace hopso::ctl {

inline constexpr absl::string_view kDemoOrganization = "Ủy ban nhân dân tỉnh Quảng Nam";

// Agenda items the demo's documents belong to.
inline constexpr absl::string_view kReportItem =
    "Báo cáo tình hình kinh tế - xã hội năm 2026, nhiệm vụ và giải pháp năm 2027";
inline constexpr absl::string_view kBudgetItem = "Dự toán thu, chi ngân sách nhà nước năm 2027";
inline constexpr absl::string_view kRestructuringItem = "Trình bày Tờ trình và dự thảo Đề án";
inline constexpr absl::string_view kTetItem =
    "Kế hoạch tổ chức các hoạt động mừng Đảng, mừng Xuân Đinh Mùi 2027";

struct DemoAccount {
  std::string username;
  std::string password;
  std::string full_name;
  std::string title;
  std::string unit;
};

// DemoCast
//
// The demo's people: the CSV row with role "secretary" is the thư ký, the
// row named by --chair the chủ tọa, every other row a đại biểu.
struct DemoCast {
  DemoAccount secretary;
  DemoAccount chair;
  std::vector<DemoAccount> delegates;
};

// ReadDemoCast
//
// The cast from the CSV text (with the columns ImportUsers takes, password
// included). INVALID_ARGUMENT when a column, the secretary, the chair or any
// delegate is missing.
absl::StatusOr<DemoCast> ReadDemoCast(absl::string_view csv, absl::string_view chair_username);

// Transcript
//
// What the demo prints, one whole line at a time from any thread.
class Transcript {
 public:
  void Say(absl::string_view line);

 private:
  absl::Mutex mu_;
};

struct DemoMeetingSpec {
  std::string title;
  std::string place;
  std::string start;  // as --start takes it
  std::string end;
};

struct DemoMeeting {
  v1::Meeting meeting;
  v1::Agenda agenda;
};

// PrepareDemoMeeting
//
// As the secretary: creates the meeting in their organisation, builds the
// two-level agenda (adding one item late and moving it into place), invites
// the chair (CHAIR) and the delegates (DELEGATE), and publishes it.
absl::StatusOr<DemoMeeting> PrepareDemoMeeting(const Client& secretary, const DemoCast& cast,
                                               const DemoMeetingSpec& spec,
                                               Transcript& transcript);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_DEMO_SCRIPT_H_
