#include "pdf/internal/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hopso::pdf::internal {

absl::Status MoveIntoPlace(const std::string& temp, const std::string& path) {
  absl::Status status;
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    status = absl::InternalError(absl::StrCat("syncing ", temp, ": ", std::strerror(errno)));
  }
  if (fd >= 0) ::close(fd);
  if (status.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
    status = absl::InternalError(absl::StrCat("renaming to ", path, ": ", std::strerror(errno)));
  }
  if (!status.ok()) std::remove(temp.c_str());
  return status;
}

}  // namespace hopso::pdf::internal
