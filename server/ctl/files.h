// Whole-file reads and writes for hopsoctl's inputs (CSV, certificates) and
// outputs (token file, demo results).
#ifndef HOPSO_SERVER_CTL_FILES_H_
#define HOPSO_SERVER_CTL_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hopso::ctl {

// ReadFile
//
// The whole file; NOT_FOUND (or another error) naming the path.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// WriteFile
//
// Replaces `path` with `content` atomically (a temporary file renamed over
// it) created with `mode`, so a reader never sees half a file.
absl::Status WriteFile(const std::string& path, absl::string_view content, int mode = 0644);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_FILES_H_
