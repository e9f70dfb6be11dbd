// Benchmark B3 (shared/design/BENCHMARKS.md): 1,000 voters each cast one
// ballot, all at once, durably. Every voter is a delegate checked in with
// the room code; each round the chair creates and opens a fresh named yes/no
// poll (secret with --secret), the 1,000 CastBallot calls go out together
// through the callback API over --channels connections, and the round ends
// with the last acknowledgement (the chair then closes the poll and its count
// must equal the acknowledged ballots). hopsod's SQLite is WAL +
// synchronous=FULL and a ballot is acknowledged only once its group commit is
// on disk.
//
// The ceiling is a raw C++ SQLite loop, a child pinned like hopsod, that
// writes the rows of a secret ballot (a voter row and a ballot row; a named
// ballot is one voter row with its choices), one transaction each, WAL +
// FULL, to a file in the same scratch directory (same disk). The ratio shows
// what group commit buys over the obvious loop.
//
//   taskset -c 0 bench_b3 --hopsod build/bin/hopsod --hopsoctl build/bin/hopsoctl
//
// With --ceiling_db the program is the ceiling instead.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench_support.h"
#include "server/util/random_id.h"
#include "vote_support.h"

ABSL_FLAG(std::string, ceiling_db, "", "run as the ceiling: insert into this SQLite file");
ABSL_FLAG(int, ceiling_rows, 1000, "ceiling: voters to write");
ABSL_FLAG(bool, secret, false,
          "secret polls (a voter row and a secret ballot row per ballot) instead of named ones");

namespace hopso::bench {
namespace {

constexpr char kAdminPassword[] = "quản-trị B3";

// The rows hopsod writes for a ballot, shaped as its poll_voters and
// secret_ballots tables (migration 0004), without the foreign keys and
// triggers that guard them there.
constexpr char kCeilingSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS voters (
  poll_id      TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  caster_id    TEXT NOT NULL,
  ballot_ref   BLOB NOT NULL,
  choices      TEXT,
  cast_time    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (poll_id, principal_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ballots (
  poll_id    TEXT NOT NULL,
  ballot_key BLOB NOT NULL,
  receipt    TEXT NOT NULL,
  choices    TEXT NOT NULL,
  PRIMARY KEY (poll_id, ballot_key),
  UNIQUE (poll_id, receipt)
) WITHOUT ROWID;
)sql";

// The ceiling: prints "ceiling rows=N seconds=S p99_ms=P".
int RunCeiling() {
  absl::StatusOr<std::unique_ptr<RawSqlite>> db =
      RawSqlite::Open(absl::GetFlag(FLAGS_ceiling_db), kCeilingSchema);
  absl::StatusOr<int> voter =
      db.ok() ? (*db)->Prepare("INSERT INTO voters VALUES (?1, ?2, ?2, ?3, ?4, ?5)") : db.status();
  absl::StatusOr<int> ballot =
      voter.ok() ? (*db)->Prepare("INSERT INTO ballots VALUES (?1, ?2, ?3, ?4)") : voter.status();
  if (!ballot.ok()) {
    std::fprintf(stderr, "ceiling: %s\n", ballot.status().ToString().c_str());
    return 1;
  }
  const int rows = absl::GetFlag(FLAGS_ceiling_rows);
  const std::string poll_id = server::NewId();
  std::vector<double> latencies;
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < rows; ++i) {
    const Clock::time_point row_start = Clock::now();
    const std::string ballot_id = server::Base64UrlEncode(server::RandomBytes(16));
    const std::string choice = ChoiceOf(i);
    absl::Status status = (*db)->Exec("BEGIN IMMEDIATE");
    if (status.ok()) {
      status = (*db)->Run(*voter, {poll_id, server::NewId(), ballot_id, choice,
                                   absl::StrCat(absl::ToUnixMicros(absl::Now()))});
    }
    if (status.ok()) {
      status = (*db)->Run(*ballot, {poll_id, server::RandomBytes(16),
                                    server::Base64UrlEncode(server::RandomBytes(10)), choice});
    }
    if (status.ok()) status = (*db)->Exec("COMMIT");
    if (!status.ok()) {
      std::fprintf(stderr, "ceiling: %s\n", status.ToString().c_str());
      return 1;
    }
    latencies.push_back(Ms(row_start, Clock::now()));
  }
  absl::PrintF("ceiling rows=%d seconds=%.6f p99_ms=%.3f\n", rows, Ms(start, Clock::now()) / 1000,
               Percentile(latencies, 99));
  return 0;
}

struct Ceiling {
  double rows_per_second = 0;
  double p99_ms = 0;
};

absl::StatusOr<Ceiling> MeasureCeiling(const std::string& self, const std::string& tmp, int rows) {
  absl::StatusOr<std::string> line =
      ChildLine({self, absl::StrCat("--ceiling_db=", tmp, "/ceiling.db"),
                 absl::StrCat("--ceiling_rows=", rows)},
                "ceiling ", tmp + "/ceiling.log");
  if (!line.ok()) return line.status();
  double seconds = 0;
  Ceiling ceiling;
  for (absl::string_view field : absl::StrSplit(*line, ' ')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(field, '=');
    if (kv.first == "seconds") (void)absl::SimpleAtod(kv.second, &seconds);
    if (kv.first == "p99_ms") (void)absl::SimpleAtod(kv.second, &ceiling.p99_ms);
  }
  if (seconds <= 0) return absl::InternalError(absl::StrCat("ceiling said: ", *line));
  ceiling.rows_per_second = rows / seconds;
  return ceiling;
}

absl::Status RunBenchmark() {
  if (absl::GetFlag(FLAGS_hopsod).empty() || absl::GetFlag(FLAGS_hopsoctl).empty()) {
    return absl::InvalidArgumentError("--hopsod and --hopsoctl are required");
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  absl::StatusOr<std::string> scratch = MakeScratchDir("b3");
  if (!scratch.ok()) return scratch.status();
  const std::string tmp = *scratch;
  const std::string data_dir = tmp + "/data";
  const int voters = absl::GetFlag(FLAGS_voters);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const v1::PollSecrecy secrecy =
      absl::GetFlag(FLAGS_secret) ? v1::POLL_SECRECY_SECRET : v1::POLL_SECRECY_NAMED;
  const char* const kind = absl::GetFlag(FLAGS_secret) ? "secret" : "named";
  const std::string pinning = Pinning(absl::GetFlag(FLAGS_server_cpu));
  PrepareLoadGenerator();
  absl::PrintF(
      "B3: %d voters cast one ballot each in a %s poll, all in flight over %d channels (%s), "
      "%d x (hopsod storm, raw SQLite loop); %s; logs in %s\n",
      voters, kind, absl::GetFlag(FLAGS_channels), absl::GetFlag(FLAGS_transport), rounds, pinning,
      tmp);
  fflush(stdout);

  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<Hopsod> hopsod =
        StartFreshHopsod(tmp, data_dir, kAdminPassword, tmp + "/hopsod.log");
    if (!hopsod.ok()) return hopsod.status();
    absl::StatusOr<ConvenedVoters> convened = ConveneVoters(
        *hopsod, kAdminPassword, voters, absl::GetFlag(FLAGS_channels), "Kỳ họp thứ 20 Hội đồng nhân dân tỉnh khóa X");
    if (!convened.ok()) return convened.status();
    const Assembly* assembly = &convened->assembly;
    const VoteMeeting* meeting = &convened->meeting;
    const std::vector<std::shared_ptr<grpc::Channel>>* channels = &convened->channels;

    absl::StatusOr<Storm> warm =
        PollStorm(*hopsod, *channels, *assembly, *meeting, "Biểu quyết thử hệ thống", secrecy);
    if (!warm.ok()) return warm.status();
    absl::PrintF("B3 warm-up: %.0f acked ballots/s, p99 %.1f ms\n", warm->acked_per_second,
                 warm->p99_ms);
    fflush(stdout);

    std::vector<double> ratios, hopso_rates, hopso_p99, ceiling_rates, ceiling_p99;
    for (int round = 1; round <= rounds; ++round) {
      absl::StatusOr<Storm> storm = PollStorm(
          *hopsod, *channels, *assembly, *meeting,
          absl::StrCat("Biểu quyết thông qua Nghị quyết số ", round, "/NQ-HĐND"), secrecy);
      if (!storm.ok()) return storm.status();
      absl::StatusOr<Ceiling> ceiling = MeasureCeiling(self, tmp, voters);
      if (!ceiling.ok()) return ceiling.status();
      const double ratio = storm->acked_per_second / ceiling->rows_per_second;
      absl::PrintF(
          "B3 round %d: hopsod %.0f acked ballots/s p99 %.1f ms | raw SQLite %.0f "
          "voters/s p99 %.2f ms per transaction | ratio %.2f\n",
          round, storm->acked_per_second, storm->p99_ms, ceiling->rows_per_second, ceiling->p99_ms,
          ratio);
      fflush(stdout);
      ratios.push_back(ratio);
      hopso_rates.push_back(storm->acked_per_second);
      hopso_p99.push_back(storm->p99_ms);
      ceiling_rates.push_back(ceiling->rows_per_second);
      ceiling_p99.push_back(ceiling->p99_ms);
    }
    absl::PrintF(
        "B3 ratio=%.2f min=%.2f max=%.2f | %d voters at once, %s poll: %.0f acked ballots/s, "
        "p99 %.1f ms vs raw SQLite loop %.0f voters/s (voter + ballot row, one "
        "transaction each, WAL+FULL, %.2f ms p99) (%s, %s)\n",
        Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
        *std::max_element(ratios.begin(), ratios.end()), voters, kind, Median(hopso_rates),
        Median(hopso_p99), Median(ceiling_rates), Median(ceiling_p99),
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
  if (!absl::GetFlag(FLAGS_ceiling_db).empty()) return hopso::bench::RunCeiling();
  return hopso::bench::ExitCode("bench_b3", hopso::bench::RunBenchmark());
}
