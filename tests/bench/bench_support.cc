#include "bench_support.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"

ABSL_FLAG(std::string, hopsod, "", "path to the hopsod binary");
ABSL_FLAG(std::string, hopsoctl, "", "path to the hopsoctl binary");
ABSL_FLAG(int, server_cpu, 1, "cpu the servers are pinned to; -1 leaves them unpinned");
ABSL_FLAG(bool, keep_data, false, "keep the data directory and the server logs");

namespace hopso::bench {
namespace {

constexpr int kStartupTimeoutMs = 60'000;

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::StatusOr<std::string> MakeScratchDir(absl::string_view name) {
  std::string dir =
      std::filesystem::temp_directory_path() / absl::StrCat("hopso-", name, "-XXXXXX");
  if (mkdtemp(dir.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  return dir;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(std::vector<std::string> args,
                                                                  int cpu,
                                                                  const std::string& log_path) {
  if (cpu >= 0) args.insert(args.begin(), {"taskset", "-c", absl::StrCat(cpu)});
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = 0;
  std::vector<char*> argv = Argv(args);
  const int error = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (error != 0) {
    close(out[0]);
    return absl::InternalError(absl::StrCat("cannot start ", args[0], ": ", strerror(error)));
  }
  return std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, out[0], absl::StrJoin(args, " "), log_path));
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  close(stdout_fd_);
}

absl::StatusOr<std::string> ChildProcess::WaitForLine(absl::string_view prefix) {
  std::string buffer;
  const auto give_up = Clock::now() + std::chrono::milliseconds(kStartupTimeoutMs);
  while (true) {
    size_t end;
    while ((end = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, end);
      buffer.erase(0, end + 1);
      if (absl::StartsWith(line, prefix)) return line.substr(prefix.size());
    }
    const int left_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now()).count());
    pollfd fd = {stdout_fd_, POLLIN, 0};
    if (left_ms <= 0 || poll(&fd, 1, left_ms) == 0) {
      return absl::DeadlineExceededError(
          absl::StrCat(command_, " printed no \"", prefix, "\" line; see ", log_path_));
    }
    char chunk[512];
    const ssize_t n = read(stdout_fd_, chunk, sizeof(chunk));
    if (n <= 0) {
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = 0;
      return absl::UnavailableError(absl::StrCat(command_, " exited (status ", status,
                                                 ") before it was ready; see ", log_path_));
    }
    buffer.append(chunk, n);
  }
}

absl::Status ChildProcess::Wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(command_, " ended with ",
                                          WIFEXITED(status) ? "exit code " : "signal ",
                                          WIFEXITED(status) ? WEXITSTATUS(status)
                                                            : WTERMSIG(status),
                                          "; see ", log_path_));
}

absl::Status ChildProcess::Stop() {
  kill(pid_, SIGTERM);
  return Wait();
}

absl::StatusOr<Server> StartServer(std::vector<std::string> args, absl::string_view name, int cpu,
                                   const std::string& log_path) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Spawn(std::move(args), cpu, log_path);
  if (!child.ok()) return child.status();
  absl::StatusOr<std::string> rest = (*child)->WaitForLine(absl::StrCat(name, " listening on "));
  if (!rest.ok()) return rest.status();
  return Server{std::move(*child), rest->substr(0, rest->find(' '))};
}

absl::Status InitDataDir(const std::string& hopsoctl, const std::string& data_dir,
                         const std::string& admin_password, const std::string& log_path) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> init = ChildProcess::Spawn(
      {hopsoctl, "init", "--data_dir", data_dir, "--admin_username", "admin", "--admin_password",
       admin_password},
      -1, log_path);
  if (!init.ok()) return init.status();
  return (*init)->Wait();
}

std::shared_ptr<grpc::Channel> Connect(const std::string& address, const std::string& root_pem,
                                       int index) {
  grpc::ChannelArguments args;
  // Separate connections, not one subchannel shared by all the channels.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("hopso.bench.channel", index);
  if (root_pem.empty()) {
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  }
  args.SetSslTargetNameOverride("localhost");
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = root_pem;
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

absl::StatusOr<std::string> Login(grpc::Channel& channel, const std::string& username,
                                  const std::string& password) {
  auto auth = v1::AuthService::NewStub(channel.shared_from_this());
  v1::LoginRequest request;
  request.set_username(username);
  request.set_password(password);
  v1::LoginResponse response;
  absl::Status status = Call(
      absl::StrCat("Login ", username), "",
      [&](auto* c, const auto& q, auto* r) { return auth->Login(c, q, r); }, request, &response);
  if (!status.ok()) return status;
  return response.token();
}

absl::StatusOr<std::pair<v1::Organization, std::vector<v1::User>>> CreateOrganization(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& admin_token,
    const std::string& name, absl::Span<const Person> people) {
  auto directory = v1::DirectoryService::NewStub(channel);
  v1::CreateOrganizationRequest org_request;
  org_request.set_name(name);
  v1::Organization org;
  absl::Status status = Call(
      "CreateOrganization", admin_token,
      [&](auto* c, const auto& q, auto* r) { return directory->CreateOrganization(c, q, r); },
      org_request, &org);
  if (!status.ok()) return status;

  std::vector<v1::User> users;
  for (const Person& person : people) {
    v1::CreateUserRequest request;
    v1::User* user = request.mutable_user();
    user->set_organization_id(org.id());
    user->set_username(person.username);
    user->set_full_name(person.full_name);
    user->set_title(person.title);
    user->set_unit(person.unit);
    user->set_role(person.role);
    request.set_password(person.password);
    users.emplace_back();
    status = Call(
        "CreateUser", admin_token,
        [&](auto* c, const auto& q, auto* r) { return directory->CreateUser(c, q, r); }, request,
        &users.back());
    if (!status.ok()) return status;
  }
  return std::make_pair(std::move(org), std::move(users));
}

absl::StatusOr<v1::Meeting> CreateMeeting(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& secretary_token,
                                          const std::string& organization_id,
                                          const std::string& title, const std::string& place) {
  auto meetings = v1::MeetingService::NewStub(channel);
  v1::CreateMeetingRequest request;
  request.set_organization_id(organization_id);
  request.set_title(title);
  request.set_place(place);
  const int64_t start = absl::ToUnixMicros(absl::Now() + absl::Hours(24));
  request.mutable_start_time()->set_unix_micros(start);
  request.mutable_end_time()->set_unix_micros(start +
                                              absl::ToInt64Microseconds(absl::Hours(4)));
  v1::Meeting meeting;
  absl::Status status = Call(
      "CreateMeeting", secretary_token,
      [&](auto* c, const auto& q, auto* r) { return meetings->CreateMeeting(c, q, r); }, request,
      &meeting);
  if (!status.ok()) return status;
  return meeting;
}

absl::Status InviteAndPublish(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& secretary_token, const std::string& meeting_id,
                              absl::Span<const std::string> delegate_ids) {
  auto meetings = v1::MeetingService::NewStub(channel);
  for (const std::string& user_id : delegate_ids) {
    v1::AddParticipantRequest invite;
    invite.set_meeting_id(meeting_id);
    invite.set_user_id(user_id);
    invite.set_role(v1::MEETING_ROLE_DELEGATE);
    v1::Participant participant;
    absl::Status status = Call(
        "AddParticipant", secretary_token,
        [&](auto* c, const auto& q, auto* r) { return meetings->AddParticipant(c, q, r); },
        invite, &participant);
    if (!status.ok()) return status;
  }
  v1::MeetingLifecycleRequest publish;
  publish.set_meeting_id(meeting_id);
  v1::Meeting meeting;
  return Call(
      "PublishMeeting", secretary_token,
      [&](auto* c, const auto& q, auto* r) { return meetings->PublishMeeting(c, q, r); }, publish,
      &meeting);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

absl::StatusOr<double> CpuSeconds(pid_t pid) {
  absl::StatusOr<std::string> stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return stat.status();
  // Fields after "(comm)", which may itself hold spaces: state is field 3,
  // utime 14 and stime 15.
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(*stat).substr(stat->rfind(')') + 2), ' ');
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError(absl::StrCat("cannot parse /proc/", pid, "/stat"));
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

double OwnCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::string Pinning(int server_cpu) {
  std::string servers = server_cpu >= 0 ? absl::StrCat("hopsod pinned to cpu ", server_cpu)
                                        : std::string("hopsod not pinned");
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0 || CPU_COUNT(&set) != 1) {
    return absl::StrCat(servers, ", load not pinned");
  }
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) return absl::StrCat(servers, ", load on cpu ", cpu);
  }
  return servers;
}

int ExitCode(absl::string_view program, const absl::Status& status) {
  if (status.ok()) return 0;
  std::fprintf(stderr, "%s: %s\n", std::string(program).c_str(), status.ToString().c_str());
  return 1;
}

}  // namespace hopso::bench
