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
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench_support.h"
#include "echo.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "hopso/v1/meeting.grpc.pb.h"

ABSL_FLAG(std::vector<std::string>, transports, std::vector<std::string>({"tls", "plain"}),
          "transports to measure: tls, plain");
ABSL_FLAG(int, rounds, 5, "measured A B pairs per transport");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(2), "length of each measured run");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "unmeasured load on each server first");
ABSL_FLAG(int, concurrency, 50, "calls in flight");
ABSL_FLAG(int, channels, 4, "channels (connections) the calls are spread over");
ABSL_FLAG(std::string, echo_listen, "", "run as the echo server on this host:port");
ABSL_FLAG(int, echo_payload_bytes, 0, "echo server: payload length of every answer");
ABSL_FLAG(std::string, echo_tls_dir, "", "echo server: serve TLS with DIR/server.{crt,key}");

namespace hopso::bench {
namespace {

namespace v1 = ::hopso::v1;

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

// SetUpMeeting
//
// Through the real API: an organisation, a secretary and a delegate, a
// published meeting with the agenda above and the delegate invited. Returns
// the meeting id.
absl::StatusOr<std::string> SetUpMeeting(const std::shared_ptr<grpc::Channel>& channel) {
  auto meetings = v1::MeetingService::NewStub(channel);
  absl::StatusOr<std::string> admin = Login(*channel, "admin", kAdminPassword);
  if (!admin.ok()) return admin.status();
  const Person people[] = {
      {"thuky.ha", "Nguyễn Thị Thu Hà", "Chánh Văn phòng", "Văn phòng UBND tỉnh",
       v1::USER_ROLE_SECRETARY, kSecretaryPassword},
      {"daibieu.duc", "Trần Văn Đức", "Phó Giám đốc", "Sở Tài chính", v1::USER_ROLE_MEMBER,
       kDelegatePassword},
  };
  auto cast = CreateOrganization(channel, *admin, "Ủy ban nhân dân tỉnh Thừa Thiên Huế", people);
  if (!cast.ok()) return cast.status();
  const auto& [org, users] = *cast;

  absl::StatusOr<std::string> secretary = Login(*channel, "thuky.ha", kSecretaryPassword);
  if (!secretary.ok()) return secretary.status();
  absl::StatusOr<v1::Meeting> meeting =
      CreateMeeting(channel, *secretary, org.id(),
                    "Phiên họp thường kỳ tháng 6 năm 2025 của Ủy ban nhân dân tỉnh",
                    "Phòng họp số 1, tầng 3, trụ sở Ủy ban nhân dân tỉnh");
  if (!meeting.ok()) return meeting.status();

  std::string parent_id;
  v1::Agenda agenda;
  for (const AgendaLine& line : kAgenda) {
    const bool top_level = absl::string_view(line.number).find('.') == absl::string_view::npos;
    v1::AddAgendaItemRequest request;
    request.set_meeting_id(meeting->id());
    if (!top_level) request.set_parent_id(parent_id);
    request.set_title(line.title);
    request.set_presenter(line.presenter);
    request.set_planned_minutes(line.minutes);
    request.set_index(-1);
    absl::Status status = Call(
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

  absl::Status status = InviteAndPublish(channel, *secretary, meeting->id(), {users[1].id()});
  if (!status.ok()) return status;
  return meeting->id();
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
  absl::StatusOr<std::string> scratch = MakeScratchDir("b1");
  if (!scratch.ok()) return scratch.status();
  const std::string tmp = *scratch;
  const std::string data_dir = tmp + "/data";
  std::filesystem::create_directory(data_dir);
  const int server_cpu = absl::GetFlag(FLAGS_server_cpu);
  const std::string pinning = Pinning(server_cpu);
  absl::PrintF("B1: GetAgenda, %d calls in flight over %d channels, %d x (%s hopsod, %s echo)"
               " after %s warm-up; %s; logs in %s\n",
               absl::GetFlag(FLAGS_concurrency), absl::GetFlag(FLAGS_channels),
               absl::GetFlag(FLAGS_rounds), absl::FormatDuration(absl::GetFlag(FLAGS_duration)),
               absl::FormatDuration(absl::GetFlag(FLAGS_duration)),
               absl::FormatDuration(absl::GetFlag(FLAGS_warmup)), pinning, tmp);
  fflush(stdout);

  absl::Status status = [&]() -> absl::Status {
    absl::Status result = InitDataDir(hopsoctl, data_dir, kAdminPassword, tmp + "/hopsoctl.log");
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
          StartServer(args, "hopsod", server_cpu, absl::StrCat(tmp, "/hopsod-", transport, ".log"));
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
          StartServer(echo_args, "echo", server_cpu,
                      absl::StrCat(tmp, "/echo-", transport, ".log"));
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
  return hopso::bench::ExitCode("bench_b1", hopso::bench::RunBenchmark());
}
