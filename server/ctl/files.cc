#include "server/ctl/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hopso::ctl {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  const int error = errno;
  std::string message = absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(error));
  return error == ENOENT ? absl::NotFoundError(message) : absl::UnknownError(message);
}

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open", path);
  std::string content;
  char buffer[1 << 16];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status status = ErrnoError("read", path);
      close(fd);
      return status;
    }
    content.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return content;
}

absl::Status WriteFile(const std::string& path, absl::string_view content, int mode) {
  const std::string temp = absl::StrCat(path, ".tmp.", getpid());
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoError("create", temp);
  // open() honours the umask; the mode asked for (0600 for tokens) must hold.
  bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0;
  for (size_t written = 0; ok && written < content.size();) {
    const ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  absl::Status status = ok ? absl::OkStatus() : ErrnoError("write", temp);
  close(fd);
  if (status.ok() && rename(temp.c_str(), path.c_str()) != 0) status = ErrnoError("replace", path);
  if (!status.ok()) unlink(temp.c_str());
  return status;
}

}  // namespace hopso::ctl
