// Screening of uploaded PDFs, which may be broken or hostile.
//
// PoDoFo 0.9.8 takes seconds on a few kilobytes of nested dictionaries,
// overflows its stack on deeper ones and has a history of heap-overflow CVEs.
// So an upload is never parsed in the server process: ScreenUpload forks a
// child that runs under RLIMIT_AS, RLIMIT_CPU, RLIMIT_STACK, RLIMIT_FSIZE and
// RLIMIT_CORE=0 with every file descriptor closed but a result pipe, and the
// parent enforces a wall-clock limit and kills it. The child first runs
// libqpdf's equivalent of `qpdf --check` (qpdf is fuzzed continuously, a
// sturdier first reader), then makes PoDoFo read every object of the upload
// as it is, then normalises an unsigned upload with qpdf (object streams
// disabled, so later incremental signatures append cleanly) and makes PoDoFo
// read that copy too. Whatever happens in the child, the caller gets a
// status whose message a person can act on.
//
// The child is forked without exec and calls qpdf and PoDoFo directly, so it
// uses malloc and stdio after fork. glibc keeps those usable in the child of
// a multi-threaded process; a lock some other library held in another thread
// at fork time would stay held, and the wall-clock limit turns such a hang
// into an error rather than a stuck upload. Call it from a worker thread.
#ifndef HOPSO_PDF_SCREEN_H_
#define HOPSO_PDF_SCREEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hopso::pdf {

struct ScreenLimits {
  // Uploads larger than this are refused before anything reads them.
  int64_t max_bytes = int64_t{100} << 20;
  int max_pages = 2000;
  // Wall-clock limit for the whole screening; the CPU limit is set a second
  // above it, as a backstop should the parent be unable to kill.
  absl::Duration time_limit = absl::Seconds(30);
  // Address space the child may add to what it inherits from the server.
  int64_t memory_bytes = int64_t{1} << 30;
  // RLIMIT_STACK, which bounds the main thread's stack; called from another
  // thread, the child runs on that thread's fixed stack instead. Either way
  // a parser recursing too deep ends the child, never the server.
  int64_t stack_bytes = int64_t{8} << 20;
};

struct ScreenReport {
  // Pages in the page tree, as counted by walking it (not the /Count entry).
  int pages = 0;
  // The document information title, NFC-normalised; empty when absent.
  std::string title;
  bool has_signatures = false;
  // Each page's displayed size and rotation, as "W H R;" per page (points to
  // 0.01): equal strings mean annotations drawn on one fit the other.
  std::string page_geometry;
  // The normalised copy to store instead of the upload, written next to it
  // as `<path>.normalised.pdf`; the caller owns (and removes) it. Empty when
  // the upload carries signatures: such a file must be stored byte for byte,
  // since any rewrite invalidates them.
  std::string normalised_path;
  // What qpdf had to repair while reading (at most the first 10 warnings):
  // the file was accepted, but these are worth a log line.
  std::vector<std::string> warnings;
};

// ScreenUpload
//
// Screens the PDF at `path` as described above. Outcomes:
//   NOT_FOUND           the file does not exist
//   INVALID_ARGUMENT    "the file is not a PDF", "the PDF is damaged: ...",
//                       "the PDF took too long to read (over N s); it may be
//                       malformed", "the PDF crashed the reader (signal N,
//                       ...); ..."
//   FAILED_PRECONDITION "encrypted PDFs are not accepted; remove the password
//                       and upload again"
//   RESOURCE_EXHAUSTED  "the file is over N MB", "the PDF has more than N
//                       pages ...", "reading the PDF needed more than N MB of
//                       memory; ...", "the normalised PDF would be over N MB"
//   INTERNAL            the sandbox itself failed (fork, pipe, limits)
// A too-slow PDF is INVALID_ARGUMENT, not DEADLINE_EXCEEDED: the file is
// at fault, and a client must not retry it.
//
// Example:
//   ASSIGN_OR_RETURN(ScreenReport report, ScreenUpload(upload_path));
//   const std::string& to_store =
//       report.has_signatures ? upload_path : report.normalised_path;
absl::StatusOr<ScreenReport> ScreenUpload(const std::string& path,
                                          const ScreenLimits& limits = {});

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_SCREEN_H_
