// Benchmark B5 (shared/design/BENCHMARKS.md): B3 and B4 at once. 1,000
// voters cast their ballots all at once (as in B3) while 1,000 tablets follow
// the meeting (as in B4, each on a connection of its own) and receive the
// live counts: one BallotsCast event per group commit, carrying how many have
// voted.
//
// Measured: acknowledged ballots/s with the tablets following, against the
// same storm with nobody following, alternating A B in the same run (the
// ratio), and the commit-to-tablet staleness: for the k-th acknowledgement
// (by time), how long until a tablet has a BallotsCast saying at least k
// have voted, over every acknowledgement and every tablet (p99 and max). It
// is negative when the tablets hear of a ballot before its voter hears the
// acknowledgement.
//
//   taskset -c 0 bench_b5 --hopsod build/bin/hopsod --hopsoctl build/bin/hopsoctl
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench_support.h"
#include "vote_support.h"

ABSL_FLAG(int, tablets, 1000, "tablets following the meeting during the storm");
ABSL_FLAG(int, tablets_per_channel, 1, "WatchMeeting streams sharing one connection");

namespace hopso::bench {
namespace {

constexpr char kAdminPassword[] = "quản-trị B5";
constexpr absl::Duration kFanOutTimeout = absl::Minutes(2);

struct Followed {
  Storm storm;
  double staleness_p99_ms = 0;
  double staleness_max_ms = 0;
  double events_per_tablet = 0;
};

// Staleness of every acknowledgement at every tablet, in ms.
std::vector<double> Staleness(const Storm& storm, Tablets& tablets, const std::string& poll_id,
                              double* events_per_tablet) {
  std::vector<Clock::time_point> acks;
  for (const CallRecord& call : storm.calls) {
    if (call.status.ok()) acks.push_back(call.end);
  }
  std::sort(acks.begin(), acks.end());
  std::vector<double> staleness;
  staleness.reserve(acks.size() * tablets.size());
  size_t events = 0;
  for (int t = 0; t < tablets.size(); ++t) {
    std::vector<SeenEvent> counts;
    for (SeenEvent& seen : tablets.History(t)) {
      if (seen.kind == v1::EventBody::kBallotsCast && seen.poll_id == poll_id) {
        counts.push_back(std::move(seen));
      }
    }
    events += counts.size();
    size_t next = 0;
    for (size_t k = 0; k < acks.size(); ++k) {
      while (next < counts.size() && counts[next].voted < static_cast<int64_t>(k + 1)) ++next;
      if (next == counts.size()) break;  // cannot happen: Wait saw the final count
      staleness.push_back(Ms(acks[k], counts[next].at));
    }
  }
  *events_per_tablet = static_cast<double>(events) / tablets.size();
  return staleness;
}

// FollowedStorm: a fresh poll, opened, while the tablets follow; the storm;
// every tablet waits for the final count; the poll is closed.
absl::StatusOr<Followed> FollowedStorm(const Hopsod& hopsod,
                                       const std::vector<std::shared_ptr<grpc::Channel>>& voters,
                                       const std::vector<std::shared_ptr<grpc::Channel>>& screens,
                                       const Assembly& assembly, const VoteMeeting& meeting,
                                       const std::string& title) {
  absl::StatusOr<int64_t> after_seq = LastEventSeq(hopsod, assembly, meeting.meeting_id);
  if (!after_seq.ok()) return after_seq.status();
  Tablets tablets(screens, assembly.voter_tokens, meeting.meeting_id, *after_seq,
                  absl::GetFlag(FLAGS_tablets));
  tablets.Arm([](const SeenEvent&) { return true; });
  absl::StatusOr<v1::Poll> poll = CreatePoll(hopsod, assembly, meeting, title);
  if (!poll.ok()) return poll.status();
  if (auto seen = tablets.Wait(kFanOutTimeout); !seen.ok()) return seen.status();
  tablets.Arm(PollChange(poll->id(), v1::PollChanged::CHANGE_OPENED));
  if (auto opened = OpenPoll(hopsod, assembly, meeting, poll->id()); !opened.ok()) {
    return opened.status();
  }
  if (auto seen = tablets.Wait(kFanOutTimeout); !seen.ok()) return seen.status();

  const int64_t voters_count = static_cast<int64_t>(assembly.voter_ids.size());
  const std::string poll_id = poll->id();
  tablets.Arm([&](const SeenEvent& seen) {
    return seen.kind == v1::EventBody::kBallotsCast && seen.poll_id == poll_id &&
           seen.voted >= voters_count;
  });
  Followed followed;
  followed.storm = CastAll(hopsod.server.process->pid(), voters, assembly, meeting, poll_id);
  if (absl::Status status = FirstError(followed.storm.calls, "CastBallot"); !status.ok()) {
    return status;
  }
  if (auto seen = tablets.Wait(kFanOutTimeout); !seen.ok()) return seen.status();
  std::vector<double> staleness =
      Staleness(followed.storm, tablets, poll_id, &followed.events_per_tablet);
  followed.staleness_p99_ms = Percentile(staleness, 99);
  followed.staleness_max_ms = *std::max_element(staleness.begin(), staleness.end());
  absl::StatusOr<v1::Poll> closed = ClosePoll(hopsod, assembly, meeting, poll_id);
  if (!closed.ok()) return closed.status();
  if (closed->result().ballots() != followed.storm.acked) {
    return absl::DataLossError(absl::StrCat("the poll counted ", closed->result().ballots(),
                                            " ballots; ", followed.storm.acked,
                                            " were acknowledged"));
  }
  return followed;
}

absl::Status RunBenchmark() {
  if (absl::GetFlag(FLAGS_hopsod).empty() || absl::GetFlag(FLAGS_hopsoctl).empty()) {
    return absl::InvalidArgumentError("--hopsod and --hopsoctl are required");
  }
  absl::StatusOr<std::string> scratch = MakeScratchDir("b5");
  if (!scratch.ok()) return scratch.status();
  const std::string tmp = *scratch;
  const std::string data_dir = tmp + "/data";
  const int voters = absl::GetFlag(FLAGS_voters);
  const int tablet_count = absl::GetFlag(FLAGS_tablets);
  const int per_channel = std::max(1, absl::GetFlag(FLAGS_tablets_per_channel));
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const std::string pinning = Pinning(absl::GetFlag(FLAGS_server_cpu));
  const int file_limit = PrepareLoadGenerator();
  absl::PrintF(
      "B5: %d voters cast one ballot each over %d channels while %d tablets follow on "
      "%d connections (%s), %d x (storm alone, storm followed); open files limit %d; "
      "%s; logs in %s\n",
      voters, absl::GetFlag(FLAGS_channels), tablet_count,
      (tablet_count + per_channel - 1) / per_channel, absl::GetFlag(FLAGS_transport), rounds,
      file_limit, pinning, tmp);
  fflush(stdout);

  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<Hopsod> hopsod =
        StartFreshHopsod(tmp, data_dir, kAdminPassword, tmp + "/hopsod.log");
    if (!hopsod.ok()) return hopsod.status();
    absl::StatusOr<ConvenedVoters> convened = ConveneVoters(
        *hopsod, kAdminPassword, voters, absl::GetFlag(FLAGS_channels), "Kỳ họp thứ 22 Hội đồng nhân dân tỉnh khóa X");
    if (!convened.ok()) return convened.status();
    const Assembly* assembly = &convened->assembly;
    const VoteMeeting* meeting = &convened->meeting;
    const std::vector<std::shared_ptr<grpc::Channel>>* channels = &convened->channels;
    // The tablets' connections stay open; their streams exist only in B rounds.
    absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> screens =
        Channels(*hopsod, (tablet_count + per_channel - 1) / per_channel);
    if (!screens.ok()) return screens.status();

    absl::StatusOr<Storm> warm =
        PollStorm(*hopsod, *channels, *assembly, *meeting, "Biểu quyết thử hệ thống");
    if (!warm.ok()) return warm.status();
    absl::StatusOr<Followed> warm_followed = FollowedStorm(
        *hopsod, *channels, *screens, *assembly, *meeting, "Biểu quyết thử có màn hình theo dõi");
    if (!warm_followed.ok()) return warm_followed.status();

    std::vector<double> ratios, alone_rates, followed_rates, staleness_p99, staleness_max,
        server_busy, load_busy;
    for (int round = 1; round <= rounds; ++round) {
      absl::StatusOr<Storm> alone =
          PollStorm(*hopsod, *channels, *assembly, *meeting,
                    absl::StrCat("Biểu quyết Nghị quyết số ", round, "A/NQ-HĐND"));
      if (!alone.ok()) return alone.status();
      absl::StatusOr<Followed> followed =
          FollowedStorm(*hopsod, *channels, *screens, *assembly, *meeting,
                        absl::StrCat("Biểu quyết Nghị quyết số ", round, "B/NQ-HĐND"));
      if (!followed.ok()) return followed.status();
      const double ratio = followed->storm.acked_per_second / alone->acked_per_second;
      absl::PrintF(
          "B5 round %d: alone %.0f acked ballots/s p99 %.1f ms (cpu busy: hopsod %.0f%%, "
          "load %.0f%%) | followed %.0f acked ballots/s p99 %.1f ms (hopsod %.0f%%, load "
          "%.0f%%), staleness p99 %.1f max %.1f ms, %.1f count events per tablet | ratio "
          "%.2f\n",
          round, alone->acked_per_second, alone->p99_ms, 100 * alone->server_busy,
          100 * alone->load_busy, followed->storm.acked_per_second, followed->storm.p99_ms,
          100 * followed->storm.server_busy, 100 * followed->storm.load_busy,
          followed->staleness_p99_ms, followed->staleness_max_ms, followed->events_per_tablet,
          ratio);
      fflush(stdout);
      ratios.push_back(ratio);
      alone_rates.push_back(alone->acked_per_second);
      followed_rates.push_back(followed->storm.acked_per_second);
      staleness_p99.push_back(followed->staleness_p99_ms);
      staleness_max.push_back(followed->staleness_max_ms);
      server_busy.push_back(followed->storm.server_busy);
      load_busy.push_back(followed->storm.load_busy);
    }
    absl::PrintF(
        "B5 ratio=%.2f min=%.2f max=%.2f staleness_p99_ms=%.1f | %d voters while %d "
        "tablets follow the live count: %.0f acked ballots/s vs %.0f with nobody "
        "following; ack-to-tablet staleness p99 %.1f ms, max %.1f ms; cpu busy while "
        "followed: hopsod %.0f%%, load %.0f%% (%s, %s)\n",
        Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
        *std::max_element(ratios.begin(), ratios.end()), Median(staleness_p99), voters,
        tablet_count, Median(followed_rates), Median(alone_rates), Median(staleness_p99),
        Median(staleness_max), 100 * Median(server_busy), 100 * Median(load_busy),
        absl::GetFlag(FLAGS_transport), pinning);
    return hopsod->server.process->Stop();
  }();
  if (status.ok() && !absl::GetFlag(FLAGS_keep_data)) std::filesystem::remove_all(tmp);
  return status;
}

}  // namespace
}  // namespace hopso::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return hopso::bench::ExitCode("bench_b5", hopso::bench::RunBenchmark());
}
