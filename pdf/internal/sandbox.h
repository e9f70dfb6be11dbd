// A forked child under resource limits, for reading files that may be
// hostile (see shared/design/SIGNING.md, "Hostile uploads").
//
// RunSandboxed forks; the child sets RLIMIT_AS, RLIMIT_CPU, RLIMIT_STACK,
// RLIMIT_FSIZE, RLIMIT_NOFILE and RLIMIT_CORE=0, restores default signal
// handling, points 0-2 at /dev/null, closes every other descriptor but a
// result pipe, runs the work and sends back its result or status. The parent
// enforces a wall-clock limit and kills the child when it is over; crashes,
// limits and timeouts come back as statuses. Nothing the work does can end
// or stall the calling process.
//
// The child is forked without exec, so the work uses malloc and stdio after
// fork. glibc keeps those usable in the child of a multi-threaded process; a
// lock some other library held in another thread at fork time would stay
// held, and the wall-clock limit turns such a hang into an error rather
// than a stuck call. Call it from a worker thread.
#ifndef HOPSO_PDF_INTERNAL_SANDBOX_H_
#define HOPSO_PDF_INTERNAL_SANDBOX_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hopso::pdf::internal {

struct SandboxLimits {
  // Wall-clock limit; the CPU limit is set a second above it, as a backstop
  // should the parent be unable to kill.
  absl::Duration time_limit = absl::Seconds(30);
  // Address space the child may add to what it inherits from the parent.
  int64_t memory_bytes = int64_t{1} << 30;
  // RLIMIT_STACK, which bounds the main thread's stack; called from another
  // thread, the child runs on that thread's fixed stack instead. Either way
  // a parser recursing too deep ends the child, never the parent.
  int64_t stack_bytes = int64_t{8} << 20;
  // RLIMIT_FSIZE: the largest file the work may write.
  int64_t file_bytes = 0;
  // The largest result the parent accepts from the child.
  int64_t result_bytes = int64_t{1} << 20;
};

// How the child ended, for callers that word these cases their own way.
enum class SandboxEnd {
  kFinished,      // the work returned: its result or its own status
  kTimedOut,      // over the wall-clock or the CPU limit
  kOutOfMemory,   // std::bad_alloc escaped the work (RLIMIT_AS)
  kFileTooBig,    // the work wrote past file_bytes (SIGXFSZ)
  kResultTooBig,  // the result was over result_bytes
  kCrashed,       // ended by another signal (SIGSEGV from a stack overflow...)
  kFailed,        // the sandbox itself failed: fork, pipe, limits, a cut result
};

struct SandboxResult {
  SandboxEnd end = SandboxEnd::kFailed;
  // The signal that ended the child, for kCrashed.
  int signal = 0;
  // What the work returned (kFinished), else a status saying what happened,
  // without a subject ("took longer than 2 s", "crashed (signal 11,
  // Segmentation fault)"):
  //   DEADLINE_EXCEEDED   kTimedOut
  //   RESOURCE_EXHAUSTED  kOutOfMemory, kFileTooBig, kResultTooBig
  //   ABORTED             kCrashed
  //   INTERNAL            kFailed
  absl::StatusOr<std::string> value;
};

// RunSandboxed
//
// Runs `work` in a sandboxed child as described above. The work's status
// code and message, or its result bytes (any bytes), come back as they were.
// It runs in a copy of this process: only what it returns comes back. An
// exception other than std::bad_alloc that escapes it ends the child as
// kFailed.
//
// Example:
//   SandboxResult r = RunSandboxed(limits, [&]() -> absl::StatusOr<std::string> {
//     return ParseUntrusted(path);
//   });
//   if (r.end == SandboxEnd::kCrashed) return absl::InvalidArgumentError("...");
//   ASSIGN_OR_RETURN(std::string parsed, std::move(r.value));
SandboxResult RunSandboxed(const SandboxLimits& limits,
                           absl::FunctionRef<absl::StatusOr<std::string>()> work);

// Megabytes
//
// `bytes` in MiB as the messages about these limits word them: "100",
// "0.5". Callers add the unit.
std::string Megabytes(int64_t bytes);

}  // namespace hopso::pdf::internal

#endif  // HOPSO_PDF_INTERNAL_SANDBOX_H_
