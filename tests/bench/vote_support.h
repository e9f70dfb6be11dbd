// What the attendance and voting benchmarks (B3, B4, B5, B7, B8 of
// shared/design/BENCHMARKS.md) share: an assembly of voters made through the
// API, meetings they attend, many calls in flight at once, ballot storms,
// tablets following a meeting, and the raw SQLite ceilings.
#ifndef HOPSO_TESTS_BENCH_VOTE_SUPPORT_H_
#define HOPSO_TESTS_BENCH_VOTE_SUPPORT_H_

#include <sqlite3.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench_support.h"
#include "grpcpp/grpcpp.h"
#include "hopso/v1/attendance.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"
#include "hopso/v1/voting.grpc.pb.h"
#include "tablet_event.pb.h"

// Flags the voting benchmarks share.
ABSL_DECLARE_FLAG(int, voters);
ABSL_DECLARE_FLAG(int, channels);
ABSL_DECLARE_FLAG(int, rounds);
ABSL_DECLARE_FLAG(std::string, transport);

namespace hopso::bench {

// PrepareLoadGenerator
//
// Raises RLIMIT_NOFILE to its hard limit (the servers started afterwards
// inherit it) and stops Abseil checking every lock of this process for
// deadlock cycles (Debian's Abseil is built with the check on), so that the
// load generator's cpu goes to the load. Returns the open files limit.
int PrepareLoadGenerator();

// ResidentKb is VmRSS of `pid` from /proc/<pid>/status, in KB.
absl::StatusOr<int64_t> ResidentKb(pid_t pid);

// Percentile of `values` (0 < p <= 100), nearest rank; 0 when empty.
double Percentile(std::vector<double> values, double p);

// One unary call of RunCalls.
struct CallRecord {
  Clock::time_point start;
  Clock::time_point end;
  grpc::Status status;
};

// Issues call `i` on `context` (deadline set, metadata to add) and calls
// `done` with its status.
using IssueCall = std::function<void(int i, grpc::ClientContext* context,
                                     std::function<void(grpc::Status)> done)>;

// RunCalls
//
// Calls 0..n-1 through the callback API with at most `in_flight` of them
// outstanding (each answer starts the next), and waits for all of them.
std::vector<CallRecord> RunCalls(int n, int in_flight, const IssueCall& issue,
                                 absl::Duration deadline = kCallDeadline);

// FirstError is the first failed call's status as an absl::Status, `what` first.
absl::Status FirstError(const std::vector<CallRecord>& calls, absl::string_view what);

void Authorize(grpc::ClientContext* context, const std::string& token);

// A hopsod child with the root certificate (empty over plain TCP) and a
// channel for set-up calls.
struct Hopsod {
  Server server;
  std::string root_pem;
  std::shared_ptr<grpc::Channel> channel;
};

// StartHopsod
//
// Starts hopsod on `data_dir` pinned to --server_cpu, over --transport, on
// `listen` (e.g. "127.0.0.1:0"), logging to `log_path`, and connects.
absl::StatusOr<Hopsod> StartHopsod(const std::string& data_dir, const std::string& listen,
                                   const std::string& log_path);

// StartFreshHopsod
//
// A new data directory `data_dir` with its first admin (`admin_password`;
// hopsoctl logs to `tmp`/hopsoctl.log), then StartHopsod on it on a free
// loopback port.
absl::StatusOr<Hopsod> StartFreshHopsod(const std::string& tmp, const std::string& data_dir,
                                        const std::string& admin_password,
                                        const std::string& log_path);

// Channels
//
// `count` channels to `hopsod`, each on its own connection, all connected.
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> Channels(const Hopsod& hopsod,
                                                                     int count);

// An organisation with a secretary, a chair and `voters` delegates-to-be,
// each with a session.
struct Assembly {
  std::string organization_id;
  std::string admin_token;
  std::string secretary_token;
  std::string chair_id;
  std::string chair_token;
  std::vector<std::string> voter_ids;
  std::vector<std::string> voter_tokens;
};

// MakeAssembly
//
// Through the API: the voters come from one ImportUsers CSV without
// passwords and get their sessions from pairing codes, so that set-up does
// not spend minutes in scrypt.
absl::StatusOr<Assembly> MakeAssembly(const Hopsod& hopsod, const std::string& admin_password,
                                      int voters);

// A meeting in progress with one agenda item, the chair and every voter of
// the assembly as delegates.
struct VoteMeeting {
  std::string meeting_id;
  std::string agenda_item_id;
};

// StartVoteMeeting
//
// The secretary creates the meeting, its item and participants and
// publishes it; the chair starts it. Nobody is checked in yet.
absl::StatusOr<VoteMeeting> StartVoteMeeting(const Hopsod& hopsod, const Assembly& assembly,
                                             const std::string& title);

// CheckInAll
//
// The chair reads the room code; every voter checks in with its QR payload,
// all calls in flight at once over `channels` (voter i on channel i % size).
absl::StatusOr<std::vector<CallRecord>> CheckInAll(
    const Hopsod& hopsod, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
    const Assembly& assembly, const std::string& meeting_id);

// What the vote benchmarks share: an assembly of `voters`, a meeting in
// progress with all of them checked in, and `channel_count` load channels.
struct ConvenedVoters {
  Assembly assembly;
  VoteMeeting meeting;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
};

// ConveneVoters
//
// MakeAssembly, StartVoteMeeting titled `title`, Channels, then CheckInAll;
// the first check-in error, if any.
absl::StatusOr<ConvenedVoters> ConveneVoters(const Hopsod& hopsod,
                                             const std::string& admin_password, int voters,
                                             int channel_count, const std::string& title);

// LastEventSeq is the meeting's newest event sequence number.
absl::StatusOr<int64_t> LastEventSeq(const Hopsod& hopsod, const Assembly& assembly,
                                     const std::string& meeting_id);

// CreatePoll: a yes/no poll on the item, as the chair (a draft); named
// unless `secrecy` says otherwise.
absl::StatusOr<v1::Poll> CreatePoll(const Hopsod& hopsod, const Assembly& assembly,
                                    const VoteMeeting& meeting, const std::string& title,
                                    v1::PollSecrecy secrecy = v1::POLL_SECRECY_NAMED);
absl::StatusOr<v1::Poll> OpenPoll(const Hopsod& hopsod, const Assembly& assembly,
                                  const VoteMeeting& meeting, const std::string& poll_id);
absl::StatusOr<v1::Poll> ClosePoll(const Hopsod& hopsod, const Assembly& assembly,
                                   const VoteMeeting& meeting, const std::string& poll_id);

// What each voter chooses in a storm: mostly yes, some no, a few abstain.
std::string ChoiceOf(int voter);

// A ballot storm: every voter casts one ballot, all in flight at once.
struct Storm {
  std::vector<v1::CastBallotRequest> requests;
  std::vector<CallRecord> calls;
  int acked = 0;
  // Acknowledged ballots per second, from the first call to the last ack.
  double acked_per_second = 0;
  double p99_ms = 0;
  // CPU time over the storm's wall time, of hopsod and of this process (1 is
  // one cpu fully busy).
  double server_busy = 0;
  double load_busy = 0;
};

// CastAll
//
// Every voter of the assembly casts a ballot (ChoiceOf) in `poll_id` with a
// fresh ballot id; voter i calls over channel i % size. Failed calls are
// returned, not turned into an error (B8 kills the server under them).
// `server` is hopsod's pid, for its CPU time.
Storm CastAll(pid_t server, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
              const Assembly& assembly, const VoteMeeting& meeting, const std::string& poll_id,
              absl::Duration deadline = kCallDeadline);

// The rounds of a benchmark: a fresh poll, opened, a storm, closed.
absl::StatusOr<Storm> PollStorm(const Hopsod& hopsod,
                                const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                                const Assembly& assembly, const VoteMeeting& meeting,
                                const std::string& title,
                                v1::PollSecrecy secrecy = v1::POLL_SECRECY_NAMED);

// What a tablet keeps of each event it receives.
struct SeenEvent {
  Clock::time_point at;
  // kPollChanged, kBallotsCast, or KIND_NOT_SET for the other kinds.
  v1::EventBody::KindCase kind = v1::EventBody::KIND_NOT_SET;
  v1::PollChanged::Change poll_change = v1::PollChanged::CHANGE_UNSPECIFIED;
  std::string poll_id;
  int64_t voted = 0;  // BallotsCast
  size_t bytes = 0;   // serialized MeetingEvent
};

// Tablets
//
// `count` WatchMeeting streams on one meeting from `after_seq`; tablet i
// uses channel i % channels.size() and token i % tokens.size(). Each keeps
// what it saw; Arm/Wait find when every tablet has seen a given event. The
// events are read as TabletEvent (tablet_event.proto): one load-generator cpu
// plays every tablet, and should spend itself on the streams, not on parsing.
class Tablets {
 public:
  Tablets(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
          const std::vector<std::string>& tokens, const std::string& meeting_id, int64_t after_seq,
          int count);
  // Cancels the streams and waits for them to end.
  ~Tablets();
  Tablets(const Tablets&) = delete;
  Tablets& operator=(const Tablets&) = delete;

  int size() const { return static_cast<int>(tablets_.size()); }

  // Arm
  //
  // From now on, the first event matching `match` at each tablet is noted;
  // call before the action that causes it.
  void Arm(std::function<bool(const SeenEvent&)> match);

  // Wait
  //
  // Until every tablet has seen a match since Arm (or a stream ended);
  // returns each tablet's match.
  absl::StatusOr<std::vector<SeenEvent>> Wait(absl::Duration timeout);

  // Everything tablet i has seen.
  std::vector<SeenEvent> History(int i);
  void ClearHistory();

 private:
  class Tablet;
  friend class Tablet;
  // What Arm set. Kept until the end: a tablet may still be testing the
  // previous one.
  struct Armed {
    std::function<bool(const SeenEvent&)> match;
  };
  void Received(Tablet& tablet, const TabletEvent& event, Clock::time_point at);
  void Ended(int index, const grpc::Status& status);

  std::vector<Tablet*> tablets_;
  std::vector<std::unique_ptr<Armed>> armed_list_;
  // Each tablet reads it without the lock; its matches count under it.
  std::atomic<const Armed*> armed_{nullptr};
  absl::Mutex mu_;
  int match_count_ ABSL_GUARDED_BY(mu_) = 0;
  int ended_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status first_end_ ABSL_GUARDED_BY(mu_);
};

// Matches PollChanged `change` of `poll_id`.
std::function<bool(const SeenEvent&)> PollChange(const std::string& poll_id,
                                                 v1::PollChanged::Change change);

// Durations between two points, in milliseconds.
double Ms(Clock::time_point from, Clock::time_point to);

// ChildLine
//
// Runs `args` pinned to --server_cpu and returns the rest of its line that
// starts with `prefix` after it exits 0 (the raw ceilings run this way).
absl::StatusOr<std::string> ChildLine(std::vector<std::string> args, absl::string_view prefix,
                                      const std::string& log_path);

// RawSqlite
//
// A SQLite database at `path` opened as hopsod opens its own (WAL,
// synchronous=FULL), with `schema` executed: the raw ceilings write to it.
class RawSqlite {
 public:
  static absl::StatusOr<std::unique_ptr<RawSqlite>> Open(const std::string& path,
                                                         const char* schema);
  ~RawSqlite();
  RawSqlite(const RawSqlite&) = delete;
  RawSqlite& operator=(const RawSqlite&) = delete;

  absl::Status Exec(const char* sql);

  // Prepare returns the index of a statement for Run.
  absl::StatusOr<int> Prepare(const char* sql);

  // Run executes prepared statement `statement` with `params` bound as text.
  absl::Status Run(int statement, const std::vector<std::string>& params);

 private:
  explicit RawSqlite(sqlite3* db) : db_(db) {}
  absl::Status Error(absl::string_view what);

  sqlite3* db_;
  std::vector<sqlite3_stmt*> statements_;
};

// IntegrityCheck
//
// Opens `path` read-only (so nothing is checkpointed or recovered into the
// file) and returns what PRAGMA integrity_check says ("ok" when sound).
absl::StatusOr<std::string> IntegrityCheck(const std::string& path);

}  // namespace hopso::bench

#endif  // HOPSO_TESTS_BENCH_VOTE_SUPPORT_H_
