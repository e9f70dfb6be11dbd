// The one place where PoDoFo's exceptions become absl::Status: every pdf/
// function that calls PoDoFo wraps the calls in try/catch and returns
// PdfErrorToStatus(e, "what we were doing").
#ifndef HOPSO_PDF_INTERNAL_PODOFO_STATUS_H_
#define HOPSO_PDF_INTERNAL_PODOFO_STATUS_H_

#include <podofo/podofo.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hopso::pdf::internal {

// PdfErrorToStatus
//
// NOT_FOUND for a file that cannot be opened, INVALID_ARGUMENT for a damaged
// or unreadable PDF, FAILED_PRECONDITION for an encrypted one,
// RESOURCE_EXHAUSTED for out of memory, INTERNAL otherwise. The message
// starts with `doing`, e.g. "stamping report.pdf: ...".
absl::Status PdfErrorToStatus(const PoDoFo::PdfError& error, absl::string_view doing);

// SilencePodofo
//
// Turns off PoDoFo's own logging, once per process: with debug output on (its
// default) it prints the trailer of every file it loads, and its warnings
// would land in the server's log with no context. What matters reaches the
// caller as a Status. Called by every pdf/ entry point that uses PoDoFo.
void SilencePodofo();

}  // namespace hopso::pdf::internal

#endif  // HOPSO_PDF_INTERNAL_PODOFO_STATUS_H_
