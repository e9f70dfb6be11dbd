// Benchmark B4 (shared/design/BENCHMARKS.md): 1,000 and 5,000 tablets follow
// one meeting (WatchMeeting streams, each tablet on a connection of its own
// unless --tablets_per_channel says otherwise), and the chair publishes a
// poll result (ClosePoll). Measured: the time from the chair's ClosePoll call
// until each tablet has the PollChanged CLOSED event (p50, p99 and the last
// tablet), and the server's memory per idle stream: hopsod's VmRSS before
// the tablets connect and after every stream has delivered its first event,
// divided by the tablets.
//
// The ceiling is a raw TCP broadcast: a child server pinned like hopsod holds
// a plain TCP connection per tablet and, when told, write()s the same number
// of bytes as the serialized event to each; this process reads them with
// epoll. Each round is a fresh poll (created and opened, not timed, then
// closed); hopsod is restarted on the same data for each tablet count, so
// that its memory baseline is clean.
//
//   taskset -c 0 bench_b4 --hopsod build/bin/hopsod --hopsoctl build/bin/hopsoctl
//
// With --broadcast_listen the program is the broadcast server instead.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench_support.h"
#include "vote_support.h"

ABSL_FLAG(std::vector<std::string>, tablets, std::vector<std::string>({"1000", "5000"}),
          "tablet counts to measure");
ABSL_FLAG(int, tablets_per_channel, 1, "WatchMeeting streams sharing one connection");
ABSL_FLAG(std::string, broadcast_listen, "",
          "run as the raw TCP broadcast server on this host:port");

namespace hopso::bench {
namespace {

constexpr char kAdminPassword[] = "quản-trị B4";
// Slow enough for 5,000 tablets on a busy machine; a stuck stream fails the run.
constexpr absl::Duration kFanOutTimeout = absl::Minutes(2);

// Opening bytes of a connection to the broadcast server.
constexpr char kTabletHello = 'T';
constexpr char kControlHello = 'C';
// Control message: 'G', then the payload size and the tablet count (uint32 each).
constexpr char kGo = 'G';
constexpr size_t kGoBytes = 9;

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= n;
  }
  return true;
}

// The broadcast server: every tablet connection says 'T', the control one
// 'C'; on 'G' it writes the payload to every tablet in accept order.
int RunBroadcastServer() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const int stop = signalfd(-1, &signals, SFD_CLOEXEC);

  const std::string listen_at = absl::GetFlag(FLAGS_broadcast_listen);
  const size_t colon = listen_at.rfind(':');
  int port = 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen_at.substr(colon + 1), &port) ||
      inet_pton(AF_INET, listen_at.substr(0, colon).c_str(), &address.sin_addr) != 1) {
    std::fprintf(stderr, "broadcast: bad --broadcast_listen %s\n", listen_at.c_str());
    return 1;
  }
  address.sin_port = htons(port);
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  socklen_t length = sizeof(address);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener, 8192) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::fprintf(stderr, "broadcast: cannot listen on %s: %s\n", listen_at.c_str(),
                 strerror(errno));
    return 1;
  }
  absl::PrintF("broadcast listening on %s:%d (tcp)\n", listen_at.substr(0, colon),
               ntohs(address.sin_port));
  fflush(stdout);

  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  auto watch = [&](int fd) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
  };
  watch(stop);
  watch(listener);
  std::vector<int> tablets;
  int control = -1;
  std::string control_bytes;
  std::string payload;
  uint32_t wanted_tablets = 0;
  bool go = false;
  std::vector<epoll_event> events(256);
  while (true) {
    const int n = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == stop) return 0;
      if (fd == listener) {
        const int connection = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) continue;
        const int one = 1;
        setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        watch(connection);
        continue;
      }
      if (fd == control) {
        char chunk[64];
        const ssize_t got = read(fd, chunk, sizeof(chunk));
        if (got <= 0) return 0;  // the benchmark is done
        control_bytes.append(chunk, got);
        while (control_bytes.size() >= kGoBytes) {
          uint32_t size = 0;
          std::memcpy(&size, control_bytes.data() + 1, 4);
          std::memcpy(&wanted_tablets, control_bytes.data() + 5, 4);
          control_bytes.erase(0, kGoBytes);
          payload.assign(size, 'x');
          go = true;
        }
        continue;
      }
      char hello = 0;
      if (read(fd, &hello, 1) != 1) {
        close(fd);
        continue;
      }
      if (hello == kTabletHello) {
        epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
        tablets.push_back(fd);
      } else if (hello == kControlHello) {
        control = fd;
      }
    }
    if (go && tablets.size() >= wanted_tablets) {
      go = false;
      for (int fd : tablets) {
        if (!WriteAll(fd, payload.data(), payload.size())) {
          std::fprintf(stderr, "broadcast: write failed: %s\n", strerror(errno));
          return 1;
        }
      }
    }
  }
}

// RawTablets: plain TCP connections to the broadcast server, read with epoll.
class RawTablets {
 public:
  ~RawTablets() {
    for (int fd : sockets_) close(fd);
    if (control_ >= 0) close(control_);
    if (epoll_ >= 0) close(epoll_);
  }

  absl::Status Connect(const std::string& address, int count) {
    const size_t colon = address.rfind(':');
    int port = 0;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    if (!absl::SimpleAtoi(address.substr(colon + 1), &port) ||
        inet_pton(AF_INET, address.substr(0, colon).c_str(), &to.sin_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("bad address ", address));
    }
    to.sin_port = htons(port);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i <= count; ++i) {
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
        return absl::UnavailableError(
            absl::StrCat("raw connection ", i, " of ", count, ": ", strerror(errno)));
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      if (i == count) {
        control_ = fd;
        if (!WriteAll(fd, &kControlHello, 1)) return absl::UnavailableError("control hello");
        break;
      }
      if (!WriteAll(fd, &kTabletHello, 1)) return absl::UnavailableError("tablet hello");
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u32 = static_cast<uint32_t>(i);
      epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
      sockets_.push_back(fd);
    }
    return absl::OkStatus();
  }

  // Broadcast: each tablet's time to have all `size` bytes, in ms from the order.
  absl::StatusOr<std::vector<double>> Broadcast(uint32_t size) {
    const int count = static_cast<int>(sockets_.size());
    std::vector<size_t> received(count, 0);
    std::vector<double> times(count, -1);
    char go[kGoBytes] = {kGo};
    const uint32_t tablets = static_cast<uint32_t>(count);
    std::memcpy(go + 1, &size, 4);
    std::memcpy(go + 5, &tablets, 4);
    int done = 0;
    std::vector<epoll_event> events(1024);
    std::vector<char> buffer(1 << 16);
    const Clock::time_point start = Clock::now();
    if (!WriteAll(control_, go, sizeof(go))) return absl::UnavailableError("control write");
    while (done < count) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(absl::ToInt64Milliseconds(kFanOutTimeout)));
      if (n <= 0) {
        return absl::DeadlineExceededError(
            absl::StrCat(done, " of ", count, " raw tablets got the bytes"));
      }
      const Clock::time_point now = Clock::now();
      for (int i = 0; i < n; ++i) {
        const uint32_t index = events[i].data.u32;
        const ssize_t got = read(sockets_[index], buffer.data(), buffer.size());
        if (got <= 0) return absl::UnavailableError("a raw tablet was disconnected");
        received[index] += got;
        if (received[index] >= size && times[index] < 0) {
          times[index] = Ms(start, now);
          ++done;
        }
      }
    }
    return times;
  }

 private:
  std::vector<int> sockets_;
  int control_ = -1;
  int epoll_ = -1;
};

struct FanOut {
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  double ack_ms = 0;  // hopsod: when ClosePoll returned
  size_t event_bytes = 0;
};

FanOut Summarize(const std::vector<double>& times) {
  FanOut fan_out;
  fan_out.p50_ms = Percentile(times, 50);
  fan_out.p99_ms = Percentile(times, 99);
  fan_out.max_ms = *std::max_element(times.begin(), times.end());
  return fan_out;
}

// HopsoRound: a fresh poll, created and opened (every tablet has seen both),
// then closed under the clock.
absl::StatusOr<FanOut> HopsoRound(const Hopsod& hopsod, const Assembly& assembly,
                                  const VoteMeeting& meeting, Tablets& tablets,
                                  const std::string& title) {
  tablets.Arm([](const SeenEvent& seen) {
    return seen.kind == v1::EventBody::kPollChanged &&
           seen.poll_change == v1::PollChanged::CHANGE_CREATED;
  });
  absl::StatusOr<v1::Poll> poll = CreatePoll(hopsod, assembly, meeting, title);
  if (!poll.ok()) return poll.status();
  if (auto seen = tablets.Wait(kFanOutTimeout); !seen.ok()) return seen.status();
  tablets.Arm(PollChange(poll->id(), v1::PollChanged::CHANGE_OPENED));
  if (auto opened = OpenPoll(hopsod, assembly, meeting, poll->id()); !opened.ok()) {
    return opened.status();
  }
  if (auto seen = tablets.Wait(kFanOutTimeout); !seen.ok()) return seen.status();

  tablets.Arm(PollChange(poll->id(), v1::PollChanged::CHANGE_CLOSED));
  const Clock::time_point start = Clock::now();
  absl::StatusOr<v1::Poll> closed = ClosePoll(hopsod, assembly, meeting, poll->id());
  const Clock::time_point acked = Clock::now();
  if (!closed.ok()) return closed.status();
  absl::StatusOr<std::vector<SeenEvent>> seen = tablets.Wait(kFanOutTimeout);
  if (!seen.ok()) return seen.status();
  std::vector<double> times;
  for (const SeenEvent& event : *seen) times.push_back(Ms(start, event.at));
  FanOut fan_out = Summarize(times);
  fan_out.ack_ms = Ms(start, acked);
  fan_out.event_bytes = seen->front().bytes;
  tablets.ClearHistory();
  return fan_out;
}

// MeasureCount: the rounds for one number of tablets, on a fresh hopsod.
absl::StatusOr<std::string> MeasureCount(const std::string& self, const std::string& tmp,
                                         const Assembly& assembly, const VoteMeeting& meeting,
                                         int count) {
  const std::string data_dir = tmp + "/data";
  absl::StatusOr<Hopsod> hopsod =
      StartHopsod(data_dir, "127.0.0.1:0", absl::StrCat(tmp, "/hopsod-", count, ".log"));
  if (!hopsod.ok()) return hopsod.status();
  absl::StatusOr<int64_t> after_seq = LastEventSeq(*hopsod, assembly, meeting.meeting_id);
  if (!after_seq.ok()) return after_seq.status();
  absl::StatusOr<int64_t> rss_before = ResidentKb(hopsod->server.process->pid());
  if (!rss_before.ok()) return rss_before.status();

  const int per_channel = std::max(1, absl::GetFlag(FLAGS_tablets_per_channel));
  const int connections = (count + per_channel - 1) / per_channel;
  const Clock::time_point connect_start = Clock::now();
  absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> channels =
      Channels(*hopsod, connections);
  if (!channels.ok()) return channels.status();
  auto tablets = std::make_unique<Tablets>(*channels, assembly.voter_tokens, meeting.meeting_id,
                                           *after_seq, count);
  // The first event every stream delivers says it is set up on the server.
  tablets->Arm([](const SeenEvent&) { return true; });
  absl::StatusOr<v1::Poll> first = CreatePoll(*hopsod, assembly, meeting, "Kiểm tra kết nối");
  if (!first.ok()) return first.status();
  if (auto seen = tablets->Wait(kFanOutTimeout); !seen.ok()) return seen.status();
  absl::StatusOr<int64_t> rss_after = ResidentKb(hopsod->server.process->pid());
  if (!rss_after.ok()) return rss_after.status();
  const double kb_per_stream = static_cast<double>(*rss_after - *rss_before) / count;
  absl::PrintF(
      "B4 %d tablets on %d connections: set up in %.1f s; hopsod VmRSS %d KB before, "
      "%d KB with the streams: %.1f KB per stream\n",
      count, connections, Ms(connect_start, Clock::now()) / 1000, *rss_before, *rss_after,
      kb_per_stream);
  fflush(stdout);

  absl::StatusOr<FanOut> warm = HopsoRound(*hopsod, assembly, meeting, *tablets, "Biểu quyết thử");
  if (!warm.ok()) return warm.status();

  absl::StatusOr<Server> broadcast =
      StartServer({self, "--broadcast_listen=127.0.0.1:0"}, "broadcast",
                  absl::GetFlag(FLAGS_server_cpu), absl::StrCat(tmp, "/broadcast-", count, ".log"));
  if (!broadcast.ok()) return broadcast.status();
  RawTablets raw;
  if (absl::Status status = raw.Connect(broadcast->address, count); !status.ok()) return status;
  if (auto times = raw.Broadcast(warm->event_bytes); !times.ok()) return times.status();

  std::vector<double> ratios, p50, p99, max, ack, raw_p99;
  for (int round = 1; round <= absl::GetFlag(FLAGS_rounds); ++round) {
    absl::StatusOr<FanOut> a =
        HopsoRound(*hopsod, assembly, meeting, *tablets,
                   absl::StrCat("Biểu quyết thông qua Tờ trình số ", round, "/TTr-UBND"));
    if (!a.ok()) return a.status();
    absl::StatusOr<std::vector<double>> times = raw.Broadcast(a->event_bytes);
    if (!times.ok()) return times.status();
    const FanOut b = Summarize(*times);
    const double ratio = a->p99_ms / b.p99_ms;
    absl::PrintF(
        "B4 %d tablets round %d: hopsod p50 %.1f p99 %.1f max %.1f ms (ClosePoll acked "
        "after %.1f ms) | raw TCP p50 %.1f p99 %.1f max %.1f ms | %d-byte event | "
        "ratio %.2f\n",
        count, round, a->p50_ms, a->p99_ms, a->max_ms, a->ack_ms, b.p50_ms, b.p99_ms, b.max_ms,
        a->event_bytes, ratio);
    fflush(stdout);
    ratios.push_back(ratio);
    p50.push_back(a->p50_ms);
    p99.push_back(a->p99_ms);
    max.push_back(a->max_ms);
    ack.push_back(a->ack_ms);
    raw_p99.push_back(b.p99_ms);
  }
  tablets.reset();
  if (absl::Status status = broadcast->process->Stop(); !status.ok()) return status;
  if (absl::Status status = hopsod->server.process->Stop(); !status.ok()) return status;
  return absl::StrFormat(
      "B4 ratio=%.2f min=%.2f max=%.2f kb_per_stream=%.1f | %d tablets on %d connections: "
      "the result reaches them in p50 %.1f, p99 %.1f, last %.1f ms from the ClosePoll call "
      "(acked after %.1f ms) vs raw TCP broadcast p99 %.1f ms (%s, %s)",
      Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
      *std::max_element(ratios.begin(), ratios.end()), kb_per_stream, count, connections,
      Median(p50), Median(p99), Median(max), Median(ack), Median(raw_p99),
      absl::GetFlag(FLAGS_transport), Pinning(absl::GetFlag(FLAGS_server_cpu)));
}

absl::Status RunBenchmark() {
  if (absl::GetFlag(FLAGS_hopsod).empty() || absl::GetFlag(FLAGS_hopsoctl).empty()) {
    return absl::InvalidArgumentError("--hopsod and --hopsoctl are required");
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  absl::StatusOr<std::string> scratch = MakeScratchDir("b4");
  if (!scratch.ok()) return scratch.status();
  const std::string tmp = *scratch;
  const std::string data_dir = tmp + "/data";
  std::vector<int> counts;
  for (const std::string& text : absl::GetFlag(FLAGS_tablets)) {
    int count = 0;
    if (!absl::SimpleAtoi(text, &count) || count <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad --tablets value ", text));
    }
    counts.push_back(count);
  }
  const int file_limit = PrepareLoadGenerator();
  absl::PrintF(
      "B4: tablets follow one meeting, the chair closes a poll, %d rounds per tablet "
      "count (hopsod, raw TCP broadcast), open files limit %d; %s; logs in %s\n",
      absl::GetFlag(FLAGS_rounds), file_limit, Pinning(absl::GetFlag(FLAGS_server_cpu)), tmp);
  fflush(stdout);

  absl::Status status = [&]() -> absl::Status {
    absl::Status result =
        InitDataDir(absl::GetFlag(FLAGS_hopsoctl), data_dir, kAdminPassword, tmp + "/hopsoctl.log");
    if (!result.ok()) return result;
    Assembly assembly;
    VoteMeeting meeting;
    {
      absl::StatusOr<Hopsod> hopsod =
          StartHopsod(data_dir, "127.0.0.1:0", tmp + "/hopsod-setup.log");
      if (!hopsod.ok()) return hopsod.status();
      absl::StatusOr<Assembly> made =
          MakeAssembly(*hopsod, kAdminPassword, absl::GetFlag(FLAGS_voters));
      if (!made.ok()) return made.status();
      assembly = *std::move(made);
      absl::StatusOr<VoteMeeting> started =
          StartVoteMeeting(*hopsod, assembly, "Kỳ họp thứ 21 Hội đồng nhân dân tỉnh khóa X");
      if (!started.ok()) return started.status();
      meeting = *started;
      absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> channels =
          Channels(*hopsod, absl::GetFlag(FLAGS_channels));
      if (!channels.ok()) return channels.status();
      absl::StatusOr<std::vector<CallRecord>> check_ins =
          CheckInAll(*hopsod, *channels, assembly, meeting.meeting_id);
      if (!check_ins.ok()) return check_ins.status();
      if (result = FirstError(*check_ins, "CheckIn"); !result.ok()) return result;
      if (result = hopsod->server.process->Stop(); !result.ok()) return result;
    }
    std::vector<std::string> closing;
    for (int count : counts) {
      absl::StatusOr<std::string> line = MeasureCount(self, tmp, assembly, meeting, count);
      if (!line.ok()) return line.status();
      closing.push_back(*line);
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
  if (!absl::GetFlag(FLAGS_broadcast_listen).empty()) {
    return hopso::bench::RunBroadcastServer();
  }
  return hopso::bench::ExitCode("bench_b4", hopso::bench::RunBenchmark());
}
