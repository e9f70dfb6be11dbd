// RETURN_IF_ERROR and ASSIGN_OR_RETURN, which Abseil 20220623 does not ship.
#ifndef HOPSO_SERVER_UTIL_STATUS_MACROS_H_
#define HOPSO_SERVER_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HOPSO_CONCAT_INNER_(a, b) a##b
#define HOPSO_CONCAT_(a, b) HOPSO_CONCAT_INNER_(a, b)

// RETURN_IF_ERROR(expr): returns the status of `expr` from the enclosing
// function when it is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::absl::Status hopso_status_ = (expr);             \
    if (!hopso_status_.ok()) return hopso_status_;     \
  } while (0)

// ASSIGN_OR_RETURN(lhs, expr): evaluates the StatusOr `expr`; returns its
// status when it is not OK, else assigns (or declares) `lhs` from its value.
#define ASSIGN_OR_RETURN(lhs, expr) \
  HOPSO_ASSIGN_OR_RETURN_IMPL_(HOPSO_CONCAT_(hopso_statusor_, __LINE__), lhs, expr)

#define HOPSO_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#endif  // HOPSO_SERVER_UTIL_STATUS_MACROS_H_
