// What the benchmarks of shared/design/BENCHMARKS.md share: child servers
// pinned with taskset and waited for by their "listening on" line, channels
// to them, blocking set-up calls, and the people and meetings the workloads
// run against, all made through the real API.
#ifndef HOPSO_TESTS_BENCH_BENCH_SUPPORT_H_
#define HOPSO_TESTS_BENCH_BENCH_SUPPORT_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "grpcpp/grpcpp.h"
#include "hopso/v1/directory.pb.h"
#include "hopso/v1/meeting.pb.h"

// Flags every benchmark takes (scripts/bench passes the first three).
ABSL_DECLARE_FLAG(std::string, hopsod);
ABSL_DECLARE_FLAG(std::string, hopsoctl);
ABSL_DECLARE_FLAG(int, server_cpu);
ABSL_DECLARE_FLAG(bool, keep_data);

namespace hopso::bench {

using Clock = std::chrono::steady_clock;

inline constexpr absl::Duration kCallDeadline = absl::Seconds(30);

// FromGrpc
//
// The call's status as an absl::Status, its message prefixed with `what`.
absl::Status FromGrpc(const grpc::Status& status, absl::string_view what);

absl::StatusOr<std::string> ReadFile(const std::string& path);

// MakeScratchDir
//
// A new directory /tmp/hopso-<name>-XXXXXX for the data and the logs.
absl::StatusOr<std::string> MakeScratchDir(absl::string_view name);

// ChildProcess
//
// A program started with posix_spawn (no fork in a process with gRPC
// threads), stderr appended to a log file, optionally pinned with taskset
// (which execs the program, so pid() is the program's own).
class ChildProcess {
 public:
  // Spawn
  //
  // Starts `args` pinned to `cpu` (unpinned when negative).
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(std::vector<std::string> args,
                                                             int cpu,
                                                             const std::string& log_path);

  // Kills a process still running.
  ~ChildProcess();

  // WaitForLine
  //
  // Reads stdout until a line starting with `prefix`; returns the rest of it.
  absl::StatusOr<std::string> WaitForLine(absl::string_view prefix);

  // Wait returns an error unless the program exits 0.
  absl::Status Wait();

  // Stop sends SIGTERM and expects a clean exit 0.
  absl::Status Stop();

  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int stdout_fd, std::string command, std::string log_path)
      : pid_(pid), stdout_fd_(stdout_fd), command_(std::move(command)),
        log_path_(std::move(log_path)) {}

  pid_t pid_;
  int stdout_fd_;
  std::string command_;
  std::string log_path_;
};

// A server child that printed "<name> listening on HOST:PORT (transport)".
struct Server {
  std::unique_ptr<ChildProcess> process;
  std::string address;
};

// StartServer
//
// Spawns `args` pinned to `cpu` and waits for its "<name> listening on" line.
absl::StatusOr<Server> StartServer(std::vector<std::string> args, absl::string_view name, int cpu,
                                   const std::string& log_path);

// InitDataDir
//
// `hopsoctl init`: an empty data directory with the first admin, "admin".
absl::Status InitDataDir(const std::string& hopsoctl, const std::string& data_dir,
                         const std::string& admin_password, const std::string& log_path);

// Connect
//
// A channel on a connection of its own (channels with different `index`
// never share one). TLS with `root_pem` as the root and "localhost" as the
// target name, plain TCP when `root_pem` is empty.
std::shared_ptr<grpc::Channel> Connect(const std::string& address, const std::string& root_pem,
                                       int index);

// Call
//
// One blocking set-up call with an optional bearer token. Example:
//   status = Call("GetMeeting", token,
//                 [&](auto* c, const auto& q, auto* r) { return stub->GetMeeting(c, q, r); },
//                 request, &meeting);
template <typename Request, typename Response, typename Method>
absl::Status Call(absl::string_view what, const std::string& token, Method method,
                  const Request& request, Response* response,
                  absl::Duration deadline = kCallDeadline) {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return FromGrpc(method(&context, request, response), what);
}

// Login returns a bearer token.
absl::StatusOr<std::string> Login(grpc::Channel& channel, const std::string& username,
                                  const std::string& password);

struct Person {
  const char* username;
  const char* full_name;
  const char* title;
  const char* unit;
  v1::UserRole role;
  const char* password;
};

// CreateOrganization
//
// The admin creates the organisation `name` and `people` in it; returns the
// organisation and the users, in the order of `people`.
absl::StatusOr<std::pair<v1::Organization, std::vector<v1::User>>> CreateOrganization(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& admin_token,
    const std::string& name, absl::Span<const Person> people);

// CreateMeeting
//
// A secretary's draft meeting of the organisation, tomorrow, four hours long.
absl::StatusOr<v1::Meeting> CreateMeeting(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& secretary_token,
                                          const std::string& organization_id,
                                          const std::string& title, const std::string& place);

// InviteAndPublish
//
// The secretary invites `delegate_ids` as delegates and publishes the
// meeting, so that they may read it.
absl::Status InviteAndPublish(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& secretary_token, const std::string& meeting_id,
                              absl::Span<const std::string> delegate_ids);

double Median(std::vector<double> values);

// CpuSeconds
//
// User plus system time of process `pid` so far, all its threads included.
absl::StatusOr<double> CpuSeconds(pid_t pid);

// OwnCpuSeconds is the same for this process.
double OwnCpuSeconds();

// Pinning
//
// Where the servers and this process run, as every closing line says, e.g.
// "hopsod pinned to cpu 1, load on cpu 0".
std::string Pinning(int server_cpu);

// ExitCode
//
// main()'s return value for a benchmark that ended with `status`: 0, or 1
// after printing "<program>: <status>" on stderr.
int ExitCode(absl::string_view program, const absl::Status& status);

}  // namespace hopso::bench

#endif  // HOPSO_TESTS_BENCH_BENCH_SUPPORT_H_
