// Putting a written PDF in place: whole or not at all.
#ifndef HOPSO_PDF_INTERNAL_FILES_H_
#define HOPSO_PDF_INTERNAL_FILES_H_

#include <string>

#include "absl/status/status.h"

namespace hopso::pdf::internal {

// MoveIntoPlace
//
// Syncs `temp` to disk and renames it onto `path`; on failure removes `temp`
// and leaves `path` as it was. INTERNAL naming the step that failed.
absl::Status MoveIntoPlace(const std::string& temp, const std::string& path);

}  // namespace hopso::pdf::internal

#endif  // HOPSO_PDF_INTERNAL_FILES_H_
