#include "pdf/internal/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"

namespace hopso::pdf::internal {
namespace {

// File descriptor of the result pipe in the child.
constexpr int kResultFd = 3;

// The child's message: an 8-byte little-endian length of what follows, so a
// message cut short by a crash is told from a whole one; a tag; then for
// kStatus one byte of status code before the message.
enum Tag : char {
  kValue = 'V',
  kStatus = 'S',
  kOutOfMemory = 'M',
  kException = 'X',
};
constexpr size_t kLengthBytes = 8;

// The header of a message whose body is `body_size` bytes.
std::string Header(Tag tag, size_t body_size, int code = 0) {
  const uint64_t length = body_size + (tag == kStatus ? 2 : 1);
  std::string out(kLengthBytes, '\0');
  for (size_t i = 0; i < kLengthBytes; ++i) out[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  out.push_back(tag);
  if (tag == kStatus) out.push_back(static_cast<char>(code));
  return out;
}

bool WriteAll(int fd, absl::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool SetLimit(int resource, rlim_t value) {
  rlimit current;
  if (getrlimit(resource, &current) != 0) return false;
  // An unprivileged process can lower but not raise its hard limit.
  const rlim_t limit =
      current.rlim_max == RLIM_INFINITY ? value : std::min(value, current.rlim_max);
  const rlimit wanted = {limit, limit};
  return setrlimit(resource, &wanted) == 0;
}

// Bytes of address space in use, from /proc/self/statm (in pages).
int64_t AddressSpaceInUse() {
  const int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buffer[128] = {};
  const ssize_t n = read(fd, buffer, sizeof(buffer) - 1);
  close(fd);
  int64_t pages = 0;
  if (n <= 0 || !absl::SimpleAtoi(absl::string_view(buffer, strcspn(buffer, " ")), &pages)) {
    return 0;
  }
  return pages * sysconf(_SC_PAGESIZE);
}

// The child: sandbox, work, report, exit. Never returns.
[[noreturn]] void RunChild(int result_fd, pid_t parent, const SandboxLimits& limits,
                           absl::FunctionRef<absl::StatusOr<std::string>()> work) {
  // Die with the parent rather than outlive it.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);

  // Default signal handling: a crash must end this process, not run a
  // handler the parent installed.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }

  // Only the result pipe stays open, as fd 3; 0-2 are /dev/null so nothing
  // the libraries print can reach the parent's stdout or stderr.
  const int result = fcntl(result_fd, F_DUPFD, 10);
  const int null = open("/dev/null", O_RDWR);
  if (result < 0 || null < 0) _exit(2);
  for (int fd = 0; fd <= 2; ++fd) dup2(null, fd);
  if (dup2(result, kResultFd) != kResultFd) _exit(2);
  if (close_range(kResultFd + 1, ~0U, 0) != 0) {
    for (int fd = kResultFd + 1; fd < 65536; ++fd) close(fd);
  }

  const int64_t cpu_seconds =
      static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(limits.time_limit))) + 1;
  const bool limited =
      SetLimit(RLIMIT_CORE, 0) && SetLimit(RLIMIT_CPU, static_cast<rlim_t>(cpu_seconds)) &&
      SetLimit(RLIMIT_STACK, static_cast<rlim_t>(limits.stack_bytes)) &&
      SetLimit(RLIMIT_FSIZE, static_cast<rlim_t>(limits.file_bytes)) &&
      SetLimit(RLIMIT_NOFILE, 64) &&
      SetLimit(RLIMIT_AS, static_cast<rlim_t>(AddressSpaceInUse() + limits.memory_bytes));
  // Written as header and body: a result may be large, and copying it
  // could cost the memory the work was allowed.
  auto send = [](Tag tag, absl::string_view body, int code = 0) {
    if (WriteAll(kResultFd, Header(tag, body.size(), code))) WriteAll(kResultFd, body);
  };
  if (!limited) {
    send(kException, absl::StrCat("setting resource limits: ", std::strerror(errno)));
    _exit(0);
  }
  try {
    const absl::StatusOr<std::string> value = work();
    if (value.ok()) {
      send(kValue, *value);
    } else {
      send(kStatus, value.status().message(), static_cast<int>(value.status().code()));
    }
  } catch (const std::bad_alloc&) {
    send(kOutOfMemory, "");
  } catch (const std::exception& e) {
    send(kException, e.what());
  } catch (...) {
    send(kException, "an exception of unknown type");
  }
  _exit(0);
}

SandboxResult Ended(SandboxEnd end, absl::Status status) {
  SandboxResult r;
  r.end = end;
  r.value = std::move(status);
  return r;
}

// What the parent makes of a whole message from the child.
SandboxResult Decode(absl::string_view payload, const SandboxLimits& limits) {
  if (payload.empty()) return Ended(SandboxEnd::kFailed, absl::InternalError("empty result"));
  const char tag = payload[0];
  payload.remove_prefix(1);
  switch (tag) {
    case kValue: {
      SandboxResult r;
      r.end = SandboxEnd::kFinished;
      r.value = std::string(payload);
      return r;
    }
    case kStatus: {
      if (payload.empty()) break;
      const int code = static_cast<unsigned char>(payload[0]);
      payload.remove_prefix(1);
      // A hostile child could claim OK with no value, or a code that does
      // not exist: neither is a status the work returned.
      if (code == 0 || code > static_cast<int>(absl::StatusCode::kUnauthenticated)) break;
      return Ended(SandboxEnd::kFinished,
                   absl::Status(static_cast<absl::StatusCode>(code), payload));
    }
    case kOutOfMemory:
      return Ended(SandboxEnd::kOutOfMemory,
                   absl::ResourceExhaustedError(absl::StrCat(
                       "needed more than ", Megabytes(limits.memory_bytes), " MB of memory")));
    case kException:
      return Ended(SandboxEnd::kFailed,
                   absl::InternalError(absl::StrCat("failed in the sandbox: ", payload)));
  }
  return Ended(SandboxEnd::kFailed, absl::InternalError("an unreadable result"));
}

}  // namespace

std::string Megabytes(int64_t bytes) {
  const double mb = static_cast<double>(bytes) / (1 << 20);
  return mb == std::floor(mb) ? absl::StrCat(static_cast<int64_t>(mb)) : absl::StrCat(mb);
}

SandboxResult RunSandboxed(const SandboxLimits& limits,
                           absl::FunctionRef<absl::StatusOr<std::string>()> work) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Ended(SandboxEnd::kFailed,
                 absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno))));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]);
    close(fds[1]);
    return Ended(SandboxEnd::kFailed,
                 absl::InternalError(absl::StrCat("fork: ", std::strerror(err))));
  }
  if (pid == 0) {
    close(fds[0]);
    RunChild(fds[1], parent, limits, work);
  }
  close(fds[1]);

  // Read the result until the child closes the pipe, time runs out or it
  // sends more than we take.
  const absl::Time deadline = absl::Now() + limits.time_limit;
  const size_t max_output = kLengthBytes + 2 + static_cast<size_t>(limits.result_bytes);
  std::string output;
  bool timed_out = false;
  bool too_big = false;
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      break;
    }
    pollfd p = {fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // Re-check the deadline.
    char buffer[65536];
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
    if (output.size() > max_output) {
      too_big = true;
      break;
    }
  }
  close(fds[0]);
  if (timed_out || too_big) kill(pid, SIGKILL);
  int wait_status = 0;
  pid_t waited;
  do {
    waited = waitpid(pid, &wait_status, 0);
  } while (waited < 0 && errno == EINTR);

  const absl::Status too_long = absl::DeadlineExceededError(
      absl::StrCat("took longer than ", absl::ToDoubleSeconds(limits.time_limit), " s"));
  if (timed_out) return Ended(SandboxEnd::kTimedOut, too_long);
  if (too_big) {
    return Ended(SandboxEnd::kResultTooBig,
                 absl::ResourceExhaustedError(
                     absl::StrCat("gave a result over ", Megabytes(limits.result_bytes), " MB")));
  }
  if (waited == pid && WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    if (sig == SIGXCPU) return Ended(SandboxEnd::kTimedOut, too_long);
    if (sig == SIGXFSZ) {
      return Ended(SandboxEnd::kFileTooBig,
                   absl::ResourceExhaustedError(
                       absl::StrCat("wrote a file over ", Megabytes(limits.file_bytes), " MB")));
    }
    SandboxResult r = Ended(
        SandboxEnd::kCrashed,
        absl::AbortedError(absl::StrCat("crashed (signal ", sig, ", ", sigdescr_np(sig), ")")));
    r.signal = sig;
    return r;
  }
  uint64_t length = 0;
  for (size_t i = 0; i < kLengthBytes && i < output.size(); ++i) {
    length |= static_cast<uint64_t>(static_cast<unsigned char>(output[i])) << (8 * i);
  }
  if (output.size() < kLengthBytes || output.size() - kLengthBytes != length) {
    return Ended(SandboxEnd::kFailed,
                 absl::InternalError(waited == pid && WIFEXITED(wait_status)
                                         ? absl::StrCat("ended without a result (exit status ",
                                                        WEXITSTATUS(wait_status), ")")
                                         : "ended without a result"));
  }
  return Decode(absl::string_view(output).substr(kLengthBytes), limits);
}

}  // namespace hopso::pdf::internal
