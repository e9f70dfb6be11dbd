// hopsoctl's exit codes, carried on absl::Status so that commands simply
// return a status: 0 OK, 1 any failure (the default), 2 usage error, 3 audit
// found a broken chain or a recount (poll verify) a difference.
#ifndef HOPSO_SERVER_CTL_EXIT_STATUS_H_
#define HOPSO_SERVER_CTL_EXIT_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hopso::ctl {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitAuditFailed = 3;

// UsageError
//
// INVALID_ARGUMENT that makes hopsoctl exit 2 and point at the help, e.g.
//   return UsageError("--start: expected \"2026-12-01T08:00\"");
absl::Status UsageError(absl::string_view message);

// WithExitCode
//
// `status` (not OK) marked to end hopsoctl with `code`.
absl::Status WithExitCode(absl::Status status, int code);

// ExitCode
//
// 0 for OK, else the code set by WithExitCode, else kExitFailure.
int ExitCode(const absl::Status& status);

// ErrorLine
//
// The line printed on stderr: "hopsoctl: PERMISSION_DENIED: <message>".
std::string ErrorLine(const absl::Status& status);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_EXIT_STATUS_H_
