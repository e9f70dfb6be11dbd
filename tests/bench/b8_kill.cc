// Benchmark B8 (shared/design/BENCHMARKS.md): kill -9 during a ballot storm,
// --trials times. Each trial opens a fresh poll on hopsod, sends the B3 storm
// (every voter casts one ballot, all in flight at once), and SIGKILLs hopsod
// after a random delay drawn between 0 and 1.2 times a storm's length (so
// some trials die before the first commit, most in the middle, some after the
// last). Then, with the server dead, PRAGMA integrity_check runs on its
// database (opened read-only, so nothing is recovered into it); hopsod
// restarts on the same data directory and port, the chair closes the poll,
// and its published ballot list must hold every acknowledged ballot, with the
// choice sent, and no voter twice.
//
// Prints "B8 trials=200 lost=0 duplicated=0 integrity=ok" (summed over the
// trials), then what the kills hit.
//
//   taskset -c 0 bench_b8 --hopsod build/bin/hopsod --hopsoctl build/bin/hopsoctl
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench_support.h"
#include "vote_support.h"

ABSL_FLAG(int, trials, 200, "kills");
ABSL_FLAG(uint32_t, seed, 0, "seed of the kill delays (0: a random one, printed)");

namespace hopso::bench {
namespace {

constexpr char kAdminPassword[] = "quản-trị B8";
// In-flight calls see the connection drop at once; this only bounds a hang.
constexpr absl::Duration kBallotDeadline = absl::Seconds(20);

struct Totals {
  int lost = 0;
  int duplicated = 0;
  int changed = 0;
  int bad_integrity = 0;
  std::string first_integrity_error;
  int unexpected_errors = 0;
  std::string first_unexpected_error;
  int64_t acked = 0;
  int64_t committed_unacked = 0;
  int none_acked = 0;
  int all_acked = 0;
};

// Verify compares the closed poll's ballot list with what was acknowledged.
absl::Status Verify(const Hopsod& hopsod, const Assembly& assembly, const VoteMeeting& meeting,
                    const std::string& poll_id, const Storm& storm, Totals& totals) {
  absl::StatusOr<v1::Poll> closed = ClosePoll(hopsod, assembly, meeting, poll_id);
  if (!closed.ok()) return closed.status();
  auto voting = v1::VotingService::NewStub(hopsod.channel);
  v1::PollRequest request;
  request.set_meeting_id(meeting.meeting_id);
  request.set_poll_id(poll_id);
  v1::BallotList list;
  absl::Status status = Call(
      "ListBallots", assembly.chair_token,
      [&](auto* c, const auto& q, auto* r) { return voting->ListBallots(c, q, r); }, request,
      &list);
  if (!status.ok()) return status;
  std::map<std::string, std::vector<const v1::PublishedBallot*>> by_voter;
  for (const v1::PublishedBallot& ballot : list.ballots()) {
    by_voter[ballot.voter_user_id()].push_back(&ballot);
  }
  for (const auto& [voter, ballots] : by_voter) {
    if (ballots.size() > 1) totals.duplicated += static_cast<int>(ballots.size()) - 1;
  }
  for (size_t i = 0; i < storm.calls.size(); ++i) {
    auto found = by_voter.find(assembly.voter_ids[i]);
    if (!storm.calls[i].status.ok()) {
      if (found != by_voter.end()) ++totals.committed_unacked;
      continue;
    }
    if (found == by_voter.end()) {
      ++totals.lost;
      continue;
    }
    const v1::PublishedBallot& ballot = *found->second.front();
    if (ballot.option_ids_size() != 1 || ballot.option_ids(0) != ChoiceOf(static_cast<int>(i))) {
      ++totals.changed;
    }
  }
  if (closed->result().ballots() != list.ballots_size()) {
    return absl::DataLossError(absl::StrCat("the result counts ", closed->result().ballots(),
                                            " ballots, the list has ", list.ballots_size()));
  }
  return absl::OkStatus();
}

absl::Status RunBenchmark() {
  if (absl::GetFlag(FLAGS_hopsod).empty() || absl::GetFlag(FLAGS_hopsoctl).empty()) {
    return absl::InvalidArgumentError("--hopsod and --hopsoctl are required");
  }
  absl::StatusOr<std::string> scratch = MakeScratchDir("b8");
  if (!scratch.ok()) return scratch.status();
  const std::string tmp = *scratch;
  const std::string data_dir = tmp + "/data";
  const std::string log = tmp + "/hopsod.log";
  const int voters = absl::GetFlag(FLAGS_voters);
  const int trials = absl::GetFlag(FLAGS_trials);
  uint32_t seed = absl::GetFlag(FLAGS_seed);
  if (seed == 0) seed = std::random_device()();
  std::mt19937 random(seed);
  const std::string pinning = Pinning(absl::GetFlag(FLAGS_server_cpu));
  PrepareLoadGenerator();
  absl::PrintF(
      "B8: %d trials of a %d-voter ballot storm over %d channels (%s) killed with "
      "SIGKILL after a random delay (seed %u); %s; logs in %s\n",
      trials, voters, absl::GetFlag(FLAGS_channels), absl::GetFlag(FLAGS_transport), seed, pinning,
      tmp);
  fflush(stdout);

  const Clock::time_point began = Clock::now();
  absl::Status status = [&]() -> absl::Status {
    absl::Status result;
    absl::StatusOr<Hopsod> hopsod = StartFreshHopsod(tmp, data_dir, kAdminPassword, log);
    if (!hopsod.ok()) return hopsod.status();
    // Restarts listen where the first one did.
    const std::string address = hopsod->server.address;
    absl::StatusOr<ConvenedVoters> convened =
        ConveneVoters(*hopsod, kAdminPassword, voters, absl::GetFlag(FLAGS_channels),
                      "Kỳ họp bất thường Hội đồng nhân dân tỉnh");
    if (!convened.ok()) return convened.status();
    const Assembly* assembly = &convened->assembly;
    const VoteMeeting* meeting = &convened->meeting;
    // Every restart connects afresh.
    absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> channels =
        std::move(convened->channels);
    // A storm's length sets the range of the kill delays; every trial's storm
    // follows a restart, so this one does too.
    if (result = hopsod->server.process->Stop(); !result.ok()) return result;
    hopsod = StartHopsod(data_dir, address, log);
    if (!hopsod.ok()) return hopsod.status();
    channels = Channels(*hopsod, absl::GetFlag(FLAGS_channels));
    if (!channels.ok()) return channels.status();
    absl::StatusOr<Storm> calibration =
        PollStorm(*hopsod, *channels, *assembly, *meeting, "Biểu quyết thử hệ thống");
    if (!calibration.ok()) return calibration.status();
    const double storm_ms = voters / calibration->acked_per_second * 1000;
    std::uniform_real_distribution<double> delay_ms(0, 1.2 * storm_ms);
    absl::PrintF("B8: a storm takes %.0f ms; kills fall between 0 and %.0f ms after it starts\n",
                 storm_ms, 1.2 * storm_ms);
    fflush(stdout);

    Totals totals;
    for (int trial = 1; trial <= trials; ++trial) {
      absl::StatusOr<v1::Poll> poll = CreatePoll(
          *hopsod, *assembly, *meeting, absl::StrCat("Biểu quyết số ", trial, " trước sự cố"));
      if (!poll.ok()) return poll.status();
      if (auto opened = OpenPoll(*hopsod, *assembly, *meeting, poll->id()); !opened.ok()) {
        return opened.status();
      }
      const double delay = delay_ms(random);
      Storm storm;
      const Clock::time_point start = Clock::now();
      const pid_t server = hopsod->server.process->pid();
      std::thread storming([&] {
        storm = CastAll(server, *channels, *assembly, *meeting, poll->id(), kBallotDeadline);
      });
      // The random delay is the point of the trial, not a synchronisation.
      std::this_thread::sleep_until(start +
                                    std::chrono::microseconds(static_cast<int64_t>(delay * 1000)));
      kill(server, SIGKILL);
      (void)hopsod->server.process->Wait();  // reaped; "ended with signal 9" is the point
      storming.join();

      int acked = 0;
      for (const CallRecord& call : storm.calls) {
        if (call.status.ok()) {
          ++acked;
          continue;
        }
        // What a killed server leaves its callers; anything else is a bug.
        const grpc::StatusCode code = call.status.error_code();
        if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::CANCELLED) {
          if (totals.unexpected_errors++ == 0) {
            totals.first_unexpected_error = FromGrpc(call.status, "CastBallot").ToString();
          }
        }
      }
      totals.acked += acked;
      if (acked == 0) ++totals.none_acked;
      if (acked == voters) ++totals.all_acked;

      absl::StatusOr<std::string> integrity = IntegrityCheck(data_dir + "/hopso.db");
      if (!integrity.ok() || *integrity != "ok") {
        if (totals.bad_integrity++ == 0) {
          totals.first_integrity_error = absl::StrCat(
              "trial ", trial, ": ", integrity.ok() ? *integrity : integrity.status().ToString());
        }
      }

      hopsod = StartHopsod(data_dir, address, log);
      if (!hopsod.ok()) return hopsod.status();
      channels = Channels(*hopsod, absl::GetFlag(FLAGS_channels));
      if (!channels.ok()) return channels.status();
      const int lost_before = totals.lost, duplicated_before = totals.duplicated;
      result = Verify(*hopsod, *assembly, *meeting, poll->id(), storm, totals);
      if (!result.ok()) return result;
      if (totals.lost != lost_before || totals.duplicated != duplicated_before || trial % 20 == 0 ||
          trial == trials) {
        absl::PrintF(
            "B8 trial %d: killed after %.0f ms, %d of %d acknowledged; so far lost=%d "
            "duplicated=%d bad integrity=%d (%.0f s)\n",
            trial, delay, acked, voters, totals.lost, totals.duplicated, totals.bad_integrity,
            Ms(began, Clock::now()) / 1000);
        fflush(stdout);
      }
    }
    absl::PrintF(
        "B8 trials=%d lost=%d duplicated=%d integrity=%s | %d acknowledged ballots "
        "checked, %d choices changed, %d committed but unacknowledged (allowed), "
        "%d unexpected errors%s; kills before the first ack %d, after the last %d, "
        "during the storm %d; %.0f s (%s, %s)\n",
        trials, totals.lost, totals.duplicated,
        totals.bad_integrity == 0 ? "ok"
                                  : absl::StrCat("FAILED(", totals.bad_integrity, ": ",
                                                 totals.first_integrity_error, ")"),
        totals.acked, totals.changed, totals.committed_unacked, totals.unexpected_errors,
        totals.unexpected_errors == 0 ? "" : " (" + totals.first_unexpected_error + ")",
        totals.none_acked, totals.all_acked, trials - totals.none_acked - totals.all_acked,
        Ms(began, Clock::now()) / 1000, absl::GetFlag(FLAGS_transport), pinning);
    result = hopsod->server.process->Stop();
    if (!result.ok()) return result;
    if (totals.lost != 0 || totals.duplicated != 0 || totals.changed != 0 ||
        totals.bad_integrity != 0 || totals.unexpected_errors != 0) {
      return absl::DataLossError("acknowledged ballots were not kept as acknowledged");
    }
    return absl::OkStatus();
  }();
  if (status.ok() && !absl::GetFlag(FLAGS_keep_data)) std::filesystem::remove_all(tmp);
  return status;
}

}  // namespace
}  // namespace hopso::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return hopso::bench::ExitCode("bench_b8", hopso::bench::RunBenchmark());
}
