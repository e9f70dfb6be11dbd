// RETURN_IF_ERROR and ASSIGN_OR_RETURN for pdf/, which may not include
// server/ (it is a leaf library). Same meaning as server/util/status_macros.h;
// the guards let a translation unit see both.
#ifndef HOPSO_PDF_INTERNAL_STATUS_MACROS_H_
#define HOPSO_PDF_INTERNAL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#ifndef RETURN_IF_ERROR
#define HOPSO_PDF_CONCAT_INNER_(a, b) a##b
#define HOPSO_PDF_CONCAT_(a, b) HOPSO_PDF_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status hopso_status_ = (expr);         \
    if (!hopso_status_.ok()) return hopso_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  HOPSO_PDF_ASSIGN_OR_RETURN_IMPL_(HOPSO_PDF_CONCAT_(hopso_statusor_, __LINE__), lhs, expr)

#define HOPSO_PDF_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = *std::move(statusor)
#endif  // RETURN_IF_ERROR

#endif  // HOPSO_PDF_INTERNAL_STATUS_MACROS_H_
