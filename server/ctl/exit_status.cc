#include "server/ctl/exit_status.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hopso::ctl {
namespace {

constexpr absl::string_view kExitCodeUrl = "type.hopso.dev/hopsoctl.exit_code";

}  // namespace

absl::Status UsageError(absl::string_view message) {
  return WithExitCode(absl::InvalidArgumentError(message), kExitUsage);
}

absl::Status WithExitCode(absl::Status status, int code) {
  status.SetPayload(kExitCodeUrl, absl::Cord(absl::StrCat(code)));
  return status;
}

int ExitCode(const absl::Status& status) {
  if (status.ok()) return 0;
  int code = kExitFailure;
  if (auto payload = status.GetPayload(kExitCodeUrl)) {
    absl::SimpleAtoi(std::string(*payload), &code);
  }
  return code;
}

std::string ErrorLine(const absl::Status& status) {
  if (ExitCode(status) == kExitUsage) return absl::StrCat("hopsoctl: ", status.message());
  return absl::StrCat("hopsoctl: ", absl::StatusCodeToString(status.code()), ": ",
                      status.message());
}

}  // namespace hopso::ctl
