// Benchmark B7 (shared/design/BENCHMARKS.md): check-ins with rotating room
// codes. Each round the secretary sets up a fresh meeting with the 1,000
// delegates (not timed), the chair reads the current room code, and every
// delegate checks in with the scanned QR payload, all calls in flight at once
// over --channels connections; check-ins/s runs from the first call to the
// last acknowledgement (each acknowledged only once its group commit is on
// disk).
//
// The ceiling is a child pinned like hopsod that does, per check-in, what a
// check-in costs at its rawest: libqrencode encodes the room payload, and one
// attendance row is inserted in a transaction of its own, WAL + FULL, into a
// file in the same scratch directory.
//
//   taskset -c 0 bench_b7 --hopsod build/bin/hopsod --hopsoctl build/bin/hopsoctl
//
// With --ceiling_db the program is the ceiling instead.
#include <qrencode.h>

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
ABSL_FLAG(int, ceiling_rows, 1000, "ceiling: check-ins to write");

namespace hopso::bench {
namespace {

constexpr char kAdminPassword[] = "quản-trị B7";

// An attendance row as hopsod keeps one.
constexpr char kCeilingSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS attendance (
  meeting_id  TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  status      INTEGER NOT NULL,
  late        INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  method      INTEGER NOT NULL,
  arrive_time INTEGER NOT NULL,
  leave_time  INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  update_time INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, user_id)
) WITHOUT ROWID;
)sql";

// The ceiling: prints "ceiling rows=N seconds=S".
int RunCeiling() {
  absl::StatusOr<std::unique_ptr<RawSqlite>> db =
      RawSqlite::Open(absl::GetFlag(FLAGS_ceiling_db), kCeilingSchema);
  absl::StatusOr<int> insert =
      db.ok() ? (*db)->Prepare("INSERT INTO attendance VALUES (?1, ?2, 1, 0, '', 1, ?3, 0, ?2, ?3)")
              : db.status();
  if (!insert.ok()) {
    std::fprintf(stderr, "ceiling: %s\n", insert.status().ToString().c_str());
    return 1;
  }
  const int rows = absl::GetFlag(FLAGS_ceiling_rows);
  const std::string meeting_id = server::NewId();
  // The payload a room screen shows: "HOPSO-ROOM:<meeting id>:<8-character code>".
  const std::string payload = absl::StrCat("HOPSO-ROOM:", meeting_id, ":7KQ3M9XA");
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < rows; ++i) {
    QRcode* code = QRcode_encodeString(payload.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (code == nullptr) {
      std::fprintf(stderr, "ceiling: cannot encode the room payload\n");
      return 1;
    }
    QRcode_free(code);
    absl::Status status = (*db)->Exec("BEGIN IMMEDIATE");
    if (status.ok()) {
      status = (*db)->Run(
          *insert, {meeting_id, server::NewId(), absl::StrCat(absl::ToUnixMicros(absl::Now()))});
    }
    if (status.ok()) status = (*db)->Exec("COMMIT");
    if (!status.ok()) {
      std::fprintf(stderr, "ceiling: %s\n", status.ToString().c_str());
      return 1;
    }
  }
  absl::PrintF("ceiling rows=%d seconds=%.6f\n", rows, Ms(start, Clock::now()) / 1000);
  return 0;
}

absl::StatusOr<double> CeilingRate(const std::string& self, const std::string& tmp, int rows) {
  absl::StatusOr<std::string> line =
      ChildLine({self, absl::StrCat("--ceiling_db=", tmp, "/ceiling.db"),
                 absl::StrCat("--ceiling_rows=", rows)},
                "ceiling ", tmp + "/ceiling.log");
  if (!line.ok()) return line.status();
  for (absl::string_view field : absl::StrSplit(*line, ' ')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(field, '=');
    double seconds = 0;
    if (kv.first == "seconds" && absl::SimpleAtod(kv.second, &seconds) && seconds > 0) {
      return rows / seconds;
    }
  }
  return absl::InternalError(absl::StrCat("ceiling said: ", *line));
}

struct CheckIns {
  double per_second = 0;
  double p99_ms = 0;
};

// CheckInRound: a fresh meeting (not timed), then every delegate checks in.
absl::StatusOr<CheckIns> CheckInRound(const Hopsod& hopsod,
                                      const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                                      const Assembly& assembly, int round) {
  absl::StatusOr<VoteMeeting> meeting = StartVoteMeeting(
      hopsod, assembly, absl::StrCat("Kỳ họp chuyên đề số ", round, " Hội đồng nhân dân tỉnh"));
  if (!meeting.ok()) return meeting.status();
  absl::StatusOr<std::vector<CallRecord>> calls =
      CheckInAll(hopsod, channels, assembly, meeting->meeting_id);
  if (!calls.ok()) return calls.status();
  if (absl::Status status = FirstError(*calls, "CheckIn"); !status.ok()) return status;
  Clock::time_point first = Clock::time_point::max(), last = Clock::time_point::min();
  std::vector<double> latencies;
  for (const CallRecord& call : *calls) {
    first = std::min(first, call.start);
    last = std::max(last, call.end);
    latencies.push_back(Ms(call.start, call.end));
  }
  return CheckIns{calls->size() / (Ms(first, last) / 1000), Percentile(latencies, 99)};
}

absl::Status RunBenchmark() {
  if (absl::GetFlag(FLAGS_hopsod).empty() || absl::GetFlag(FLAGS_hopsoctl).empty()) {
    return absl::InvalidArgumentError("--hopsod and --hopsoctl are required");
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  absl::StatusOr<std::string> scratch = MakeScratchDir("b7");
  if (!scratch.ok()) return scratch.status();
  const std::string tmp = *scratch;
  const std::string data_dir = tmp + "/data";
  const int voters = absl::GetFlag(FLAGS_voters);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const std::string pinning = Pinning(absl::GetFlag(FLAGS_server_cpu));
  PrepareLoadGenerator();
  absl::PrintF(
      "B7: %d delegates check in with the room code, all in flight over %d channels "
      "(%s), %d x (hopsod, QR encode + raw SQLite loop); %s; logs in %s\n",
      voters, absl::GetFlag(FLAGS_channels), absl::GetFlag(FLAGS_transport), rounds, pinning, tmp);
  fflush(stdout);

  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<Hopsod> hopsod =
        StartFreshHopsod(tmp, data_dir, kAdminPassword, tmp + "/hopsod.log");
    if (!hopsod.ok()) return hopsod.status();
    absl::StatusOr<Assembly> assembly = MakeAssembly(*hopsod, kAdminPassword, voters);
    if (!assembly.ok()) return assembly.status();
    absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> channels =
        Channels(*hopsod, absl::GetFlag(FLAGS_channels));
    if (!channels.ok()) return channels.status();

    absl::StatusOr<CheckIns> warm = CheckInRound(*hopsod, *channels, *assembly, 0);
    if (!warm.ok()) return warm.status();
    absl::PrintF("B7 warm-up: %.0f check-ins/s, p99 %.1f ms\n", warm->per_second, warm->p99_ms);
    fflush(stdout);

    std::vector<double> ratios, hopso_rates, hopso_p99, ceiling_rates;
    for (int round = 1; round <= rounds; ++round) {
      absl::StatusOr<CheckIns> check_ins = CheckInRound(*hopsod, *channels, *assembly, round);
      if (!check_ins.ok()) return check_ins.status();
      absl::StatusOr<double> ceiling = CeilingRate(self, tmp, voters);
      if (!ceiling.ok()) return ceiling.status();
      const double ratio = check_ins->per_second / *ceiling;
      absl::PrintF(
          "B7 round %d: hopsod %.0f check-ins/s p99 %.1f ms | QR + raw SQLite %.0f "
          "check-ins/s | ratio %.2f\n",
          round, check_ins->per_second, check_ins->p99_ms, *ceiling, ratio);
      fflush(stdout);
      ratios.push_back(ratio);
      hopso_rates.push_back(check_ins->per_second);
      hopso_p99.push_back(check_ins->p99_ms);
      ceiling_rates.push_back(*ceiling);
    }
    absl::PrintF(
        "B7 ratio=%.2f min=%.2f max=%.2f | %d delegates at once: %.0f check-ins/s, "
        "p99 %.1f ms vs libqrencode + raw SQLite loop %.0f check-ins/s (one "
        "transaction each, WAL+FULL) (%s, %s)\n",
        Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
        *std::max_element(ratios.begin(), ratios.end()), voters, Median(hopso_rates),
        Median(hopso_p99), Median(ceiling_rates), absl::GetFlag(FLAGS_transport), pinning);
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
  return hopso::bench::ExitCode("bench_b7", hopso::bench::RunBenchmark());
}
