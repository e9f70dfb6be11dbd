// Benchmark B1 (shared/design/BENCHMARKS.md): a unary read, GetAgenda on a
// meeting with a two-level Vietnamese agenda of 12 items, 50 calls in flight
// over 4 channels, against hopsod over TLS and over plain TCP on loopback.
//
// The ceiling is a bare echo service built into this program on the same
// libgrpc++, answering with a payload of the serialized agenda's size (over
// TLS with hopsod's own certificate). Both servers are child processes pinned
// to one cpu with taskset; this process, the load generator (callback API),
// is expected on the other cpu (scripts/bench runs it under taskset).
//
//   taskset -c 0 bench_b1 --hopsod build/bin/hopsod --hopsoctl build/bin/hopsoctl
//
// With --echo_listen the program is the echo server instead.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"
#include "echo.grpc.pb.h"

ABSL_FLAG(std::string, hopsod, "", "path to the hopsod binary");
ABSL_FLAG(std::string, hopsoctl, "", "path to the hopsoctl binary");
ABSL_FLAG(std::vector<std::string>, transports, std::vector<std::string>({"tls", "plain"}),
          "transports to measure: tls, plain");
ABSL_FLAG(int, rounds, 5, "measured A B pairs per transport");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(2), "length of each measured run");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "unmeasured load on each server first");
ABSL_FLAG(int, concurrency, 50, "calls in flight");
ABSL_FLAG(int, channels, 4, "channels (connections) the calls are spread over");
ABSL_FLAG(int, server_cpu, 1, "cpu the servers are pinned to; -1 leaves them unpinned");
ABSL_FLAG(bool, keep_data, false, "keep the data directory and the server logs");
ABSL_FLAG(std::string, echo_listen, "", "run as the echo server on this host:port");
ABSL_FLAG(int, echo_payload_bytes, 0, "echo server: payload length of every answer");
ABSL_FLAG(std::string, echo_tls_dir, "", "echo server: serve TLS with DIR/server.{crt,key}");

namespace hopso::bench {
namespace {

namespace v1 = ::hopso::v1;
using Clock = std::chrono::steady_clock;

constexpr absl::Duration kCallDeadline = absl::Seconds(30);
constexpr int kStartupTimeoutMs = 60'000;
constexpr char kAdminPassword[] = "quản-trị B1";
constexpr char kSecretaryPassword[] = "thư-ký B1";
constexpr char kDelegatePassword[] = "đại-biểu B1";

struct AgendaLine {
  const char* number;  // what the server must compute
  const char* title;
  const char* presenter;
  int minutes;
};

// A provincial People's Committee meeting, as a secretary would type it.
constexpr AgendaLine kAgenda[] = {
    {"1", "Khai mạc phiên họp", "Chủ tịch UBND tỉnh", 10},
    {"2",
     "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm, nhiệm vụ và giải pháp 6 tháng cuối "
     "năm 2025",
     "Giám đốc Sở Kế hoạch và Đầu tư", 30},
    {"2.1", "Báo cáo kết quả thu, chi ngân sách nhà nước 6 tháng đầu năm",
     "Giám đốc Sở Tài chính", 15},
    {"2.2", "Báo cáo tiến độ giải ngân vốn đầu tư công", "Phó Giám đốc Sở Kế hoạch và Đầu tư",
     15},
    {"2.3", "Ý kiến thẩm tra của Ban Kinh tế - Ngân sách Hội đồng nhân dân tỉnh",
     "Trưởng Ban Kinh tế - Ngân sách", 10},
    {"3", "Tờ trình về việc điều chỉnh quy hoạch sử dụng đất đến năm 2030",
     "Giám đốc Sở Tài nguyên và Môi trường", 20},
    {"3.1", "Đánh giá tác động môi trường của các dự án trọng điểm",
     "Phó Giám đốc Sở Tài nguyên và Môi trường", 15},
    {"3.2", "Phương án bồi thường, hỗ trợ và tái định cư", "Chủ tịch UBND thành phố Huế", 15},
    {"4", "Cải cách hành chính và chuyển đổi số trong các cơ quan nhà nước",
     "Giám đốc Sở Nội vụ", 30},
    {"4.1", "Kết quả triển khai Đề án 06 về dữ liệu dân cư và định danh điện tử",
     "Giám đốc Công an tỉnh", 15},
    {"5", "Các vấn đề phát sinh", "Chánh Văn phòng UBND tỉnh", 15},
    {"6", "Kết luận phiên họp", "Chủ tịch UBND tỉnh", 10},
};

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

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return argv;
}

// ChildProcess
//
// A program started with posix_spawn (no fork in a process with gRPC
// threads), stderr appended to a log file, optionally pinned with taskset.
class ChildProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(std::vector<std::string> args,
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
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, out[0], absl::StrJoin(args, " "),
                                                          log_path));
  }

  ~ChildProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(stdout_fd_);
  }

  // WaitForLine
  //
  // Reads stdout until a line starting with `prefix`; returns the rest of it.
  absl::StatusOr<std::string> WaitForLine(absl::string_view prefix) {
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

  // Wait returns an error unless the program exits 0.
  absl::Status Wait() {
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

  // Stop sends SIGTERM and expects a clean exit 0.
  absl::Status Stop() {
    kill(pid_, SIGTERM);
    return Wait();
  }

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

absl::StatusOr<Server> StartServer(std::vector<std::string> args, absl::string_view name,
                                   const std::string& log_path) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Spawn(std::move(args), absl::GetFlag(FLAGS_server_cpu), log_path);
  if (!child.ok()) return child.status();
  absl::StatusOr<std::string> rest = (*child)->WaitForLine(absl::StrCat(name, " listening on "));
  if (!rest.ok()) return rest.status();
  return Server{std::move(*child), rest->substr(0, rest->find(' '))};
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

// Call makes one blocking set-up call with an optional bearer token.
template <typename Request, typename Response, typename Method>
absl::Status Call(absl::string_view what, const std::string& token, Method method,
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
  return FromGrpc(method(&context, request, response), what);
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

// SetUpMeeting
//
// Through the real API: an organisation, a secretary and a delegate, a
// published meeting with the agenda above and the delegate invited. Returns
// the meeting id.
absl::StatusOr<std::string> SetUpMeeting(const std::shared_ptr<grpc::Channel>& channel) {
  auto directory = v1::DirectoryService::NewStub(channel);
  auto meetings = v1::MeetingService::NewStub(channel);
  absl::StatusOr<std::string> admin = Login(*channel, "admin", kAdminPassword);
  if (!admin.ok()) return admin.status();

  v1::CreateOrganizationRequest org_request;
  org_request.set_name("Ủy ban nhân dân tỉnh Thừa Thiên Huế");
  v1::Organization org;
  absl::Status status = Call(
      "CreateOrganization", *admin,
      [&](auto* c, const auto& q, auto* r) { return directory->CreateOrganization(c, q, r); },
      org_request, &org);
  if (!status.ok()) return status;

  struct Person {
    const char* username;
    const char* full_name;
    const char* title;
    const char* unit;
    v1::UserRole role;
    const char* password;
  };
  const Person people[] = {
      {"thuky.ha", "Nguyễn Thị Thu Hà", "Chánh Văn phòng", "Văn phòng UBND tỉnh",
       v1::USER_ROLE_SECRETARY, kSecretaryPassword},
      {"daibieu.duc", "Trần Văn Đức", "Phó Giám đốc", "Sở Tài chính", v1::USER_ROLE_MEMBER,
       kDelegatePassword},
  };
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
        "CreateUser", *admin,
        [&](auto* c, const auto& q, auto* r) { return directory->CreateUser(c, q, r); }, request,
        &users.back());
    if (!status.ok()) return status;
  }

  absl::StatusOr<std::string> secretary = Login(*channel, "thuky.ha", kSecretaryPassword);
  if (!secretary.ok()) return secretary.status();
  v1::CreateMeetingRequest meeting_request;
  meeting_request.set_organization_id(org.id());
  meeting_request.set_title("Phiên họp thường kỳ tháng 6 năm 2025 của Ủy ban nhân dân tỉnh");
  meeting_request.set_place("Phòng họp số 1, tầng 3, trụ sở Ủy ban nhân dân tỉnh");
  const int64_t start = absl::ToUnixMicros(absl::Now() + absl::Hours(24));
  meeting_request.mutable_start_time()->set_unix_micros(start);
  meeting_request.mutable_end_time()->set_unix_micros(start + absl::ToInt64Microseconds(
                                                                  absl::Hours(4)));
  v1::Meeting meeting;
  status = Call(
      "CreateMeeting", *secretary,
      [&](auto* c, const auto& q, auto* r) { return meetings->CreateMeeting(c, q, r); },
      meeting_request, &meeting);
  if (!status.ok()) return status;

  std::string parent_id;
  v1::Agenda agenda;
  for (const AgendaLine& line : kAgenda) {
    const bool top_level = absl::string_view(line.number).find('.') == absl::string_view::npos;
    v1::AddAgendaItemRequest request;
    request.set_meeting_id(meeting.id());
    if (!top_level) request.set_parent_id(parent_id);
    request.set_title(line.title);
    request.set_presenter(line.presenter);
    request.set_planned_minutes(line.minutes);
    request.set_index(-1);
    status = Call(
        "AddAgendaItem", *secretary,
        [&](auto* c, const auto& q, auto* r) { return meetings->AddAgendaItem(c, q, r); },
        request, &agenda);
    if (!status.ok()) return status;
    if (top_level) {
      for (const v1::AgendaItem& item : agenda.items()) {
        if (item.title() == line.title) parent_id = item.id();
      }
    }
  }
  // The numbers are the server's; a benchmark on a wrong agenda measures nothing.
  if (static_cast<size_t>(agenda.items_size()) != std::size(kAgenda)) {
    return absl::InternalError(absl::StrCat("the agenda has ", agenda.items_size(), " items"));
  }
  for (int i = 0; i < agenda.items_size(); ++i) {
    if (agenda.items(i).number() != kAgenda[i].number ||
        agenda.items(i).title() != kAgenda[i].title) {
      return absl::InternalError(absl::StrCat("agenda item ", i, " is ", agenda.items(i).number(),
                                              " ", agenda.items(i).title()));
    }
  }

  v1::AddParticipantRequest invite;
  invite.set_meeting_id(meeting.id());
  invite.set_user_id(users[1].id());
  invite.set_role(v1::MEETING_ROLE_DELEGATE);
  v1::Participant participant;
  status = Call(
      "AddParticipant", *secretary,
      [&](auto* c, const auto& q, auto* r) { return meetings->AddParticipant(c, q, r); }, invite,
      &participant);
  if (!status.ok()) return status;
  v1::MeetingLifecycleRequest publish;
  publish.set_meeting_id(meeting.id());
  status = Call(
      "PublishMeeting", *secretary,
      [&](auto* c, const auto& q, auto* r) { return meetings->PublishMeeting(c, q, r); }, publish,
      &meeting);
  if (!status.ok()) return status;
  return meeting.id();
}

// EchoPayload returns a payload that makes an EchoMessage `size` bytes long
// (or one byte shorter where the length prefix grows across a boundary).
std::string EchoPayload(size_t size) {
  EchoMessage message;
  size_t length = size;
  while (true) {
    message.set_payload(std::string(length, 'x'));
    const size_t encoded = message.ByteSizeLong();
    if (encoded <= size || length == 0) return message.payload();
    length -= std::min(length, encoded - size);
  }
}

struct RunStats {
  int64_t calls = 0;
  double calls_per_second = 0;
  double p99_ms = 0;
};

// ClosedLoop
//
// Keeps `concurrency` calls in flight over the channels: slot i uses channel
// i % channels, and each answer starts the slot's next call until the run's
// end. Calls carry the same bearer token whichever server they go to, so both
// sides parse the same metadata.
template <typename Response>
class ClosedLoop {
 public:
  using StartCall = std::function<void(int channel, grpc::ClientContext* context,
                                       Response* response, std::function<void(grpc::Status)>)>;

  ClosedLoop(int concurrency, int channels, std::string token, StartCall start)
      : token_(std::move(token)), start_(std::move(start)), slots_(concurrency) {
    for (int i = 0; i < concurrency; ++i) slots_[i].channel = i % channels;
  }

  absl::StatusOr<RunStats> Run(absl::Duration duration) {
    stop_at_ = Clock::now() + absl::ToChronoNanoseconds(duration);
    {
      absl::MutexLock lock(&mu_);
      running_ = static_cast<int>(slots_.size());
      error_ = absl::OkStatus();
    }
    for (Slot& slot : slots_) {
      slot.latencies_ns.clear();
      Issue(slot);
    }
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* running) { return *running == 0; }, &running_));
    if (!error_.ok()) return error_;
    std::vector<int64_t> latencies;
    for (const Slot& slot : slots_) {
      latencies.insert(latencies.end(), slot.latencies_ns.begin(), slot.latencies_ns.end());
    }
    if (latencies.empty()) return absl::InternalError("no call finished in time");
    RunStats stats;
    stats.calls = static_cast<int64_t>(latencies.size());
    stats.calls_per_second = stats.calls / absl::ToDoubleSeconds(duration);
    const size_t p99 = (latencies.size() * 99 + 99) / 100 - 1;
    std::nth_element(latencies.begin(), latencies.begin() + p99, latencies.end());
    stats.p99_ms = latencies[p99] / 1e6;
    return stats;
  }

 private:
  struct Slot {
    int channel = 0;
    std::unique_ptr<grpc::ClientContext> context;
    Response response;
    Clock::time_point start;
    std::vector<int64_t> latencies_ns;
  };

  void Issue(Slot& slot) {
    slot.context = std::make_unique<grpc::ClientContext>();
    slot.context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
    slot.context->set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
    slot.start = Clock::now();
    start_(slot.channel, slot.context.get(), &slot.response,
           [this, &slot](grpc::Status status) { Done(slot, status); });
  }

  void Done(Slot& slot, const grpc::Status& status) {
    const Clock::time_point end = Clock::now();
    if (status.ok()) {
      if (end <= stop_at_) slot.latencies_ns.push_back((end - slot.start).count());
      if (end < stop_at_) {
        Issue(slot);
        return;
      }
    }
    absl::MutexLock lock(&mu_);
    if (!status.ok() && error_.ok()) error_ = FromGrpc(status, "a measured call failed");
    --running_;
  }

  const std::string token_;
  const StartCall start_;
  std::vector<Slot> slots_;
  Clock::time_point stop_at_;
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Measurement {
  std::vector<RunStats> hopso;
  std::vector<RunStats> echo;
};

// Measure warms both servers up, then alternates hopsod and echo runs.
absl::StatusOr<Measurement> Measure(const std::string& transport, const Server& hopsod,
                                    const Server& echo, const std::string& root_pem,
                                    const std::string& meeting_id, const std::string& token) {
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const int channel_count = absl::GetFlag(FLAGS_channels);
  std::vector<std::unique_ptr<v1::MeetingService::Stub>> hopso_stubs;
  std::vector<std::unique_ptr<Echo::Stub>> echo_stubs;
  const auto connect_by = absl::ToChronoTime(absl::Now() + kCallDeadline);
  for (int i = 0; i < channel_count; ++i) {
    auto hopso_channel = Connect(hopsod.address, root_pem, i);
    auto echo_channel = Connect(echo.address, root_pem, i);
    if (!hopso_channel->WaitForConnected(connect_by) ||
        !echo_channel->WaitForConnected(connect_by)) {
      return absl::UnavailableError(absl::StrCat(transport, ": cannot connect"));
    }
    hopso_stubs.push_back(v1::MeetingService::NewStub(hopso_channel));
    echo_stubs.push_back(Echo::NewStub(echo_channel));
  }

  v1::GetAgendaRequest agenda_request;
  agenda_request.set_meeting_id(meeting_id);
  ClosedLoop<v1::Agenda> hopso_loop(
      concurrency, channel_count, token,
      [&](int channel, grpc::ClientContext* context, v1::Agenda* response,
          std::function<void(grpc::Status)> done) {
        hopso_stubs[channel]->async()->GetAgenda(context, &agenda_request, response,
                                                 std::move(done));
      });
  EchoMessage echo_request;
  echo_request.set_payload(EchoPayload(agenda_request.ByteSizeLong()));
  ClosedLoop<EchoMessage> echo_loop(
      concurrency, channel_count, token,
      [&](int channel, grpc::ClientContext* context, EchoMessage* response,
          std::function<void(grpc::Status)> done) {
        echo_stubs[channel]->async()->Echo(context, &echo_request, response, std::move(done));
      });

  absl::StatusOr<RunStats> warm = hopso_loop.Run(absl::GetFlag(FLAGS_warmup));
  if (!warm.ok()) return warm.status();
  warm = echo_loop.Run(absl::GetFlag(FLAGS_warmup));
  if (!warm.ok()) return warm.status();

  Measurement measurement;
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  for (int round = 1; round <= absl::GetFlag(FLAGS_rounds); ++round) {
    absl::StatusOr<RunStats> a = hopso_loop.Run(duration);
    if (!a.ok()) return a.status();
    absl::StatusOr<RunStats> b = echo_loop.Run(duration);
    if (!b.ok()) return b.status();
    absl::PrintF("B1 %s round %d: hopsod %.0f calls/s p99 %.2f ms | echo %.0f calls/s p99 %.2f ms"
                 " | ratio %.3f\n",
                 transport, round, a->calls_per_second, a->p99_ms, b->calls_per_second, b->p99_ms,
                 a->calls_per_second / b->calls_per_second);
    fflush(stdout);
    measurement.hopso.push_back(*a);
    measurement.echo.push_back(*b);
  }
  return measurement;
}

std::string Summary(const std::string& transport, const Measurement& m,
                    const std::string& pinning) {
  std::vector<double> ratios, p99_ratios, hopso_rate, echo_rate, hopso_p99, echo_p99;
  for (size_t i = 0; i < m.hopso.size(); ++i) {
    ratios.push_back(m.hopso[i].calls_per_second / m.echo[i].calls_per_second);
    p99_ratios.push_back(m.hopso[i].p99_ms / m.echo[i].p99_ms);
    hopso_rate.push_back(m.hopso[i].calls_per_second);
    echo_rate.push_back(m.echo[i].calls_per_second);
    hopso_p99.push_back(m.hopso[i].p99_ms);
    echo_p99.push_back(m.echo[i].p99_ms);
  }
  return absl::StrFormat(
      "B1 ratio=%.2f min=%.2f max=%.2f p99_ratio=%.2f | %s: %.0f calls/s vs echo %.0f calls/s, "
      "p99 %.1f ms vs %.1f ms (%s)",
      Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
      *std::max_element(ratios.begin(), ratios.end()), Median(p99_ratios), transport,
      Median(hopso_rate), Median(echo_rate), Median(hopso_p99), Median(echo_p99), pinning);
}

// Pinning says where the servers and this process run, as the output must.
std::string Pinning() {
  const int server_cpu = absl::GetFlag(FLAGS_server_cpu);
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

class EchoService final : public Echo::CallbackService {
 public:
  explicit EchoService(std::string payload) : payload_(std::move(payload)) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const EchoMessage* request, EchoMessage* response) override {
    response->set_payload(payload_);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const std::string payload_;
};

int RunEchoServer() {
  // Blocked before gRPC starts its threads, so that only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string listen = absl::GetFlag(FLAGS_echo_listen);
  const std::string tls_dir = absl::GetFlag(FLAGS_echo_tls_dir);
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!tls_dir.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(tls_dir + "/server.crt");
    absl::StatusOr<std::string> key = ReadFile(tls_dir + "/server.key");
    if (!cert.ok() || !key.ok()) {
      std::fprintf(stderr, "echo: %s\n", (cert.ok() ? key : cert).status().ToString().c_str());
      return 1;
    }
    grpc::SslServerCredentialsOptions options;
    options.pem_key_cert_pairs.push_back({*key, *cert});
    credentials = grpc::SslServerCredentials(options);
  }
  EchoService service(std::string(absl::GetFlag(FLAGS_echo_payload_bytes), 'x'));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, credentials, &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "echo: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  absl::PrintF("echo listening on %s:%d (%s)\n", listen.substr(0, listen.rfind(':')), port,
               tls_dir.empty() ? "insecure" : "tls");
  fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown();
  return 0;
}

absl::Status RunBenchmark() {
  const std::string hopsod = absl::GetFlag(FLAGS_hopsod);
  const std::string hopsoctl = absl::GetFlag(FLAGS_hopsoctl);
  if (hopsod.empty() || hopsoctl.empty()) {
    return absl::InvalidArgumentError("--hopsod and --hopsoctl are required");
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  std::string tmp_template = (std::filesystem::temp_directory_path() / "hopso-b1-XXXXXX");
  if (mkdtemp(tmp_template.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  const std::string tmp = tmp_template;
  const std::string data_dir = tmp + "/data";
  std::filesystem::create_directory(data_dir);
  const std::string pinning = Pinning();
  absl::PrintF("B1: GetAgenda, %d calls in flight over %d channels, %d x (%s hopsod, %s echo)"
               " after %s warm-up; %s; logs in %s\n",
               absl::GetFlag(FLAGS_concurrency), absl::GetFlag(FLAGS_channels),
               absl::GetFlag(FLAGS_rounds), absl::FormatDuration(absl::GetFlag(FLAGS_duration)),
               absl::FormatDuration(absl::GetFlag(FLAGS_duration)),
               absl::FormatDuration(absl::GetFlag(FLAGS_warmup)), pinning, tmp);
  fflush(stdout);

  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<std::unique_ptr<ChildProcess>> init = ChildProcess::Spawn(
        {hopsoctl, "init", "--data_dir", data_dir, "--admin_username", "admin",
         "--admin_password", kAdminPassword},
        -1, tmp + "/hopsoctl.log");
    if (!init.ok()) return init.status();
    absl::Status result = (*init)->Wait();
    if (!result.ok()) return result;

    std::string meeting_id;
    std::vector<std::string> closing;
    for (const std::string& transport : absl::GetFlag(FLAGS_transports)) {
      const bool tls = transport == "tls";
      if (!tls && transport != "plain") {
        return absl::InvalidArgumentError(absl::StrCat("unknown transport ", transport));
      }
      std::vector<std::string> args = {hopsod, "--data_dir", data_dir, "--listen",
                                       "127.0.0.1:0"};
      if (!tls) args.push_back("--insecure");
      absl::StatusOr<Server> server =
          StartServer(args, "hopsod", absl::StrCat(tmp, "/hopsod-", transport, ".log"));
      if (!server.ok()) return server.status();
      std::string root_pem;
      if (tls) {
        absl::StatusOr<std::string> cert = ReadFile(data_dir + "/tls/server.crt");
        if (!cert.ok()) return cert.status();
        root_pem = *cert;
      }
      auto channel = Connect(server->address, root_pem, -1);
      if (meeting_id.empty()) {
        absl::StatusOr<std::string> id = SetUpMeeting(channel);
        if (!id.ok()) return id.status();
        meeting_id = *id;
      }
      absl::StatusOr<std::string> token = Login(*channel, "daibieu.duc", kDelegatePassword);
      if (!token.ok()) return token.status();
      auto meetings = v1::MeetingService::NewStub(channel);
      v1::GetAgendaRequest request;
      request.set_meeting_id(meeting_id);
      v1::Agenda agenda;
      result = Call(
          "GetAgenda", *token,
          [&](auto* c, const auto& q, auto* r) { return meetings->GetAgenda(c, q, r); }, request,
          &agenda);
      if (!result.ok()) return result;

      const std::string echo_payload = EchoPayload(agenda.ByteSizeLong());
      std::vector<std::string> echo_args = {
          self, absl::StrCat("--echo_listen=127.0.0.1:0"),
          absl::StrCat("--echo_payload_bytes=", echo_payload.size())};
      if (tls) echo_args.push_back(absl::StrCat("--echo_tls_dir=", data_dir, "/tls"));
      absl::StatusOr<Server> echo =
          StartServer(echo_args, "echo", absl::StrCat(tmp, "/echo-", transport, ".log"));
      if (!echo.ok()) return echo.status();
      EchoMessage echo_answer;
      echo_answer.set_payload(echo_payload);
      absl::PrintF("B1 %s: agenda of %d items, %d bytes (echo answer %d bytes), hopsod on %s,"
                   " echo on %s\n",
                   transport, agenda.items_size(), agenda.ByteSizeLong(),
                   echo_answer.ByteSizeLong(), server->address, echo->address);
      fflush(stdout);

      absl::StatusOr<Measurement> measurement =
          Measure(transport, *server, *echo, root_pem, meeting_id, *token);
      if (!measurement.ok()) return measurement.status();
      closing.push_back(Summary(transport, *measurement, pinning));
      result = echo->process->Stop();
      if (!result.ok()) return result;
      result = server->process->Stop();
      if (!result.ok()) return result;
    }
    for (const std::string& line : closing) absl::PrintF("%s\n", line);
    return absl::OkStatus();
  }();
  if (status.ok() && !absl::GetFlag(FLAGS_keep_data)) std::filesystem::remove_all(tmp);
  return status;
}

}  // namespace
}  // namespace hopso::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (!absl::GetFlag(FLAGS_echo_listen).empty()) return hopso::bench::RunEchoServer();
  absl::Status status = hopso::bench::RunBenchmark();
  if (!status.ok()) {
    std::fprintf(stderr, "bench_b1: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
