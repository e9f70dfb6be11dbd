#include "tests/integration/hopsod_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "server/services/password.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

#ifndef HOPSOD_PATH
#error "HOPSOD_PATH must name the hopsod binary"
#endif

namespace hopso::integration {
namespace {

constexpr absl::string_view kListeningPrefix = "hopsod listening on ";
// Generating the certificate and migrating the database on a first start take
// well under a second; this only bounds a server that hangs.
constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kStopTimeout = absl::Seconds(30);
// A default deadline for every method, so that no call can hang a test.
std::string ServiceConfig() {
  return absl::StrCat(R"({"methodConfig":[{"name":[{}],"timeout":")",
                      absl::ToInt64Seconds(kCallTimeout), R"(s"}]})");
}

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

int MillisUntil(absl::Time deadline) {
  return static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
}

// Forks and execs `argv` with stdin from /dev/null and stdout/stderr on the
// given descriptors. The child is SIGKILLed when the calling thread dies, so
// a crashed test leaves no server behind; tests spawn from their main thread.
absl::StatusOr<pid_t> SpawnChild(const std::vector<std::string>& argv, int stdout_fd,
                                 int stderr_fd) {
  // Everything the child needs is prepared before fork(): between fork and
  // exec only async-signal-safe calls are allowed.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return ErrnoError("fork");
  if (pid == 0) {
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) {
      _exit(127);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, nullptr);
    sigaction(SIGTERM, &dfl, nullptr);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
    execv(args[0], args.data());
    static constexpr char kExecFailed[] = "exec failed\n";
    (void)!write(2, kExecFailed, sizeof(kExecFailed) - 1);
    _exit(127);
  }
  return pid;
}

absl::StatusOr<int> ExitCode(absl::string_view what, int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) {
    return absl::AbortedError(
        absl::StrCat(what, " died of signal ", strsignal(WTERMSIG(wait_status))));
  }
  return absl::InternalError(absl::StrCat(what, ": unexpected wait status ", wait_status));
}

// Reads `fd` until a line starting with kListeningPrefix; returns the rest of
// that line.
absl::StatusOr<std::string> ReadListeningLine(int fd, absl::Time deadline) {
  std::string buffer;
  while (true) {
    for (size_t newline = buffer.find('\n'); newline != std::string::npos;
         newline = buffer.find('\n')) {
      absl::string_view line(buffer.data(), newline);
      if (absl::ConsumePrefix(&line, kListeningPrefix)) return std::string(line);
      buffer.erase(0, newline + 1);
    }
    pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
    const int ready = poll(&p, 1, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ErrnoError("poll");
    if (ready == 0) {
      return absl::DeadlineExceededError(absl::StrCat("hopsod printed no \"", kListeningPrefix,
                                                      "\" line within ",
                                                      absl::FormatDuration(kStartTimeout)));
    }
    char chunk[4096];
    const ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read");
    if (n == 0) return absl::UnavailableError("hopsod exited before it was listening");
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Runs before the server exists, as `hopsoctl init` would.
absl::Status WriteAdmin(const std::string& db_path) {
  ASSIGN_OR_RETURN(std::unique_ptr<server::Store> store, server::OpenSqliteStore(db_path));
  v1::User admin;
  admin.set_id(server::NewId());
  admin.set_username(kAdminUsername);
  admin.set_full_name("Quản trị hệ thống");
  admin.set_role(v1::USER_ROLE_ADMIN);
  admin.mutable_create_time()->set_unix_micros(absl::ToUnixMicros(absl::Now()));
  const std::string password_hash = server::HashPassword(kPassword);
  return store->Write([&](server::Transaction& tx) { return tx.InsertUser(admin, password_hash); });
}

}  // namespace

absl::StatusOr<std::unique_ptr<HopsodProcess>> HopsodProcess::Start(
    std::vector<std::string> flags) {
  std::unique_ptr<HopsodProcess> server(new HopsodProcess());
  server->flags_ = std::move(flags);
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/hopso-it-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) return ErrnoError("mkdtemp");
  server->root_ = pattern;
  server->data_dir_ = absl::StrCat(pattern, "/data");
  server->log_path_ = absl::StrCat(pattern, "/hopsod.stderr.log");
  std::error_code error;
  if (!std::filesystem::create_directory(server->data_dir_, error)) {
    return absl::InternalError(absl::StrCat("mkdir ", server->data_dir_, ": ", error.message()));
  }
  RETURN_IF_ERROR(WriteAdmin(server->db_path()));
  RETURN_IF_ERROR(server->Launch());
  return server;
}

HopsodProcess::~HopsodProcess() {
  if (running()) Kill9();
  if (::testing::Test::HasFailure() ||
      ::testing::UnitTest::GetInstance()->failed_test_count() > 0) {
    std::cerr << "---- tail of hopsod's stderr (" << log_path_ << ") ----\n"
              << LogTail() << "\n---- end of hopsod's stderr ----\n";
  }
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

std::string HopsodProcess::db_path() const { return absl::StrCat(data_dir_, "/hopso.db"); }

int HopsodProcess::port() const {
  const size_t colon = address_.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(address_).substr(colon + 1), &port)) {
    return 0;
  }
  return port;
}

absl::Status HopsodProcess::Launch(int port) {
  if (running()) return absl::FailedPreconditionError("hopsod is already running");
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return ErrnoError("pipe2");
  const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    close(out[0]);
    close(out[1]);
    return ErrnoError(absl::StrCat("open ", log_path_));
  }
  const std::string listen = absl::StrCat("127.0.0.1:", port);
  std::vector<std::string> argv = {HOPSOD_PATH, "--data_dir", data_dir_, "--listen", listen};
  argv.insert(argv.end(), flags_.begin(), flags_.end());
  absl::StatusOr<pid_t> pid = SpawnChild(argv, out[1], log_fd);
  close(out[1]);
  close(log_fd);
  if (!pid.ok()) {
    close(out[0]);
    return pid.status();
  }
  pid_ = *pid;
  stdout_fd_ = out[0];
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) {
    absl::Status status = ErrnoError("pidfd_open");
    Kill9();
    return status;
  }

  absl::StatusOr<std::string> listening =
      ReadListeningLine(stdout_fd_, absl::Now() + kStartTimeout);
  if (listening.ok()) {
    absl::string_view address = *listening;
    listening = absl::ConsumeSuffix(&address, " (tls)")
                    ? absl::StatusOr<std::string>(std::string(address))
                    : absl::FailedPreconditionError(
                          absl::StrCat("hopsod is not serving TLS: ", *listening));
  }
  absl::StatusOr<std::string> cert =
      listening.ok() ? ReadFile(absl::StrCat(data_dir_, "/tls/server.crt")) : listening.status();
  if (!cert.ok()) {
    Kill9();
    return absl::Status(cert.status().code(),
                        absl::StrCat(cert.status().message(), "\n", LogTail(4096)));
  }
  address_ = *listening;
  root_cert_ = *cert;
  return absl::OkStatus();
}

void HopsodProcess::Reap(int* wait_status) {
  while (waitpid(pid_, wait_status, 0) < 0 && errno == EINTR) {
  }
  close(pidfd_);
  close(stdout_fd_);
  pid_ = pidfd_ = stdout_fd_ = -1;
}

absl::StatusOr<int> HopsodProcess::Stop() {
  if (!running()) return absl::FailedPreconditionError("hopsod is not running");
  kill(pid_, SIGTERM);
  pollfd p = {.fd = pidfd_, .events = POLLIN, .revents = 0};
  const absl::Time deadline = absl::Now() + kStopTimeout;
  int ready;
  while ((ready = poll(&p, 1, MillisUntil(deadline))) < 0 && errno == EINTR) {
  }
  if (ready <= 0) {
    Kill9();
    return absl::DeadlineExceededError(absl::StrCat(
        "hopsod did not exit within ", absl::FormatDuration(kStopTimeout), " of SIGTERM"));
  }
  int wait_status = 0;
  Reap(&wait_status);
  return ExitCode("hopsod", wait_status);
}

void HopsodProcess::Kill9() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  int ignored;
  Reap(&ignored);
}

absl::Status HopsodProcess::Restart() {
  if (running()) {
    ASSIGN_OR_RETURN(int exit_code, Stop());
    if (exit_code != 0) {
      return absl::InternalError(absl::StrCat("hopsod exited with ", exit_code, " on SIGTERM"));
    }
  }
  return Launch();
}

Client HopsodProcess::Connect(absl::string_view token) const {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = root_cert_;
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::SslCredentials(tls);
  if (!token.empty()) {
    credentials = grpc::CompositeChannelCredentials(
        credentials, grpc::AccessTokenCredentials(std::string(token)));
  }
  grpc::ChannelArguments args;
  // The certificate names localhost; the server listens on 127.0.0.1.
  args.SetSslTargetNameOverride("localhost");
  args.SetServiceConfigJSON(ServiceConfig());
  Client client;
  client.token = std::string(token);
  client.channel = grpc::CreateCustomChannel(address_, credentials, args);
  client.auth = v1::AuthService::NewStub(client.channel);
  client.directory = v1::DirectoryService::NewStub(client.channel);
  client.meetings = v1::MeetingService::NewStub(client.channel);
  return client;
}

absl::StatusOr<Client> HopsodProcess::Login(absl::string_view username,
                                            absl::string_view password) const {
  Client anonymous = Connect();
  grpc::ClientContext context;
  v1::LoginRequest request;
  request.set_username(std::string(username));
  request.set_password(std::string(password));
  v1::LoginResponse response;
  const grpc::Status status = anonymous.auth->Login(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(ToAbslStatus(status).code(),
                        absl::StrCat("login as ", username, ": ", status.error_message()));
  }
  Client client = Connect(response.token());
  client.user = response.user();
  return client;
}

std::string HopsodProcess::LogTail(size_t max_bytes) const {
  absl::StatusOr<std::string> log = ReadFile(log_path_);
  if (!log.ok()) return std::string(log.status().message());
  return log->size() <= max_bytes ? *log : log->substr(log->size() - max_bytes);
}

absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         absl::Duration timeout) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return ErrnoError("pipe2");
  absl::StatusOr<pid_t> pid = SpawnChild(argv, out[1], out[1]);
  close(out[1]);
  if (!pid.ok()) {
    close(out[0]);
    return pid.status();
  }
  CommandResult result;
  const absl::Time deadline = absl::Now() + timeout;
  bool timed_out = false;
  while (true) {
    pollfd p = {.fd = out[0], .events = POLLIN, .revents = 0};
    const int ready = poll(&p, 1, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = true;
      break;
    }
    char chunk[4096];
    const ssize_t n = read(out[0], chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(chunk, static_cast<size_t>(n));
  }
  close(out[0]);
  if (timed_out) kill(*pid, SIGKILL);
  int wait_status = 0;
  while (waitpid(*pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return absl::DeadlineExceededError(absl::StrCat(
        argv[0], " did not finish within ", absl::FormatDuration(timeout), ":\n", result.output));
  }
  absl::StatusOr<int> exit_code = ExitCode(argv[0], wait_status);
  if (!exit_code.ok()) {
    return absl::Status(exit_code.status().code(),
                        absl::StrCat(exit_code.status().message(), ":\n", result.output));
  }
  result.exit_code = *exit_code;
  return result;
}

absl::Status ToAbslStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace hopso::integration
