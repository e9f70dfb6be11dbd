// A real hopsod for tests that cross layers: a temporary data directory with
// an admin account, the server binary on a free loopback port with TLS, and
// clients whose calls carry a bearer token.
#ifndef HOPSO_TESTS_INTEGRATION_HOPSOD_PROCESS_H_
#define HOPSO_TESTS_INTEGRATION_HOPSOD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"

namespace hopso::integration {

inline constexpr char kAdminUsername[] = "admin";
// Every account the tests create has this password (Vietnamese, so that the
// KDF sees non-ASCII input).
inline constexpr char kPassword[] = "mật khẩu thử nghiệm 1";
// Each RPC made through a Client fails after this long instead of hanging
// the test; streams too, so keep test streams shorter than this.
inline constexpr absl::Duration kCallTimeout = absl::Seconds(30);

// Client
//
// One TLS channel to hopsod whose calls carry `authorization: Bearer <token>`
// (none when the token is empty), and a stub for each service.
struct Client {
  std::string token;
  // The logged-in user, as Login returned it; empty for Connect().
  v1::User user;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::AuthService::Stub> auth;
  std::unique_ptr<v1::DirectoryService::Stub> directory;
  std::unique_ptr<v1::MeetingService::Stub> meetings;
};

// HopsodProcess
//
// Owns a temporary directory (removed on destruction) holding the data
// directory and the server's stderr log, and the hopsod child running on it.
// The log's tail is printed when a test has failed. Example:
//   absl::StatusOr<std::unique_ptr<HopsodProcess>> server = HopsodProcess::Start();
//   ASSERT_TRUE(server.ok()) << server.status();
//   absl::StatusOr<Client> admin = (*server)->Login(kAdminUsername);
class HopsodProcess {
 public:
  // Start
  //
  // Creates the data directory, writes the admin account (kAdminUsername,
  // kPassword) straight into its database through the Store, and launches
  // hopsod on it, with `flags` (e.g. "--max_pin_tries=3") on every launch.
  static absl::StatusOr<std::unique_ptr<HopsodProcess>> Start(std::vector<std::string> flags = {});

  ~HopsodProcess();
  HopsodProcess(const HopsodProcess&) = delete;
  HopsodProcess& operator=(const HopsodProcess&) = delete;

  // Launch
  //
  // Starts hopsod on the data directory with `--listen 127.0.0.1:<port>` and
  // returns once it has printed its "hopsod listening on" line, or an error
  // (with the log's tail) when it exits or stays silent for too long. Port 0
  // picks a free port, which differs on each launch: Connect() again
  // afterwards. Pass port() to come back where clients already dial, e.g.
  //   ASSERT_OK(server->Stop());
  //   ASSERT_OK(server->Launch(server->port()));  // the same address as before
  absl::Status Launch(int port = 0);

  // Stop
  //
  // SIGTERM, then waits for the process. Returns its exit code, or an error
  // when it died of a signal or did not exit in time (it is killed then).
  absl::StatusOr<int> Stop();

  // Kill9
  //
  // SIGKILL and reap: the server gets no chance to clean up.
  void Kill9();

  // Restart
  //
  // Stop() (requiring exit 0) when running, then Launch() on the same data.
  absl::Status Restart();

  bool running() const { return pid_ > 0; }
  // "127.0.0.1:PORT" of the latest launch, and its port.
  const std::string& address() const { return address_; }
  int port() const;
  // The server's TLS certificate (PEM) as of the latest launch.
  const std::string& root_cert() const { return root_cert_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string db_path() const;
  // Where the test may put files of its own; removed with the rest.
  const std::string& scratch_dir() const { return root_; }

  // Connect
  //
  // A client of the running server sending `token` (none when empty). The
  // server's certificate from the data directory is the only trusted root.
  Client Connect(absl::string_view token = "") const;

  // Login
  //
  // AuthService.Login, then a client carrying the new token.
  absl::StatusOr<Client> Login(absl::string_view username,
                               absl::string_view password = kPassword) const;

  // The last `max_bytes` of the server's stderr over all launches.
  std::string LogTail(size_t max_bytes = 8192) const;

 private:
  HopsodProcess() = default;
  void Reap(int* wait_status);

  std::string root_;
  std::string data_dir_;
  std::string log_path_;
  std::string address_;
  std::string root_cert_;
  std::vector<std::string> flags_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdout_fd_ = -1;
};

// CommandResult / RunCommand
//
// Runs `argv` (argv[0] a path) to completion with stdin from /dev/null,
// collecting stdout and stderr together. An error when it cannot start, dies
// of a signal or outlives `timeout` (it is killed then).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         absl::Duration timeout = absl::Seconds(60));

// ToAbslStatus
//
// The same code and message as an absl::Status (the codes share their numbers).
absl::Status ToAbslStatus(const grpc::Status& status);

}  // namespace hopso::integration

#endif  // HOPSO_TESTS_INTEGRATION_HOPSOD_PROCESS_H_
