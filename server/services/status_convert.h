// The one place absl::Status becomes grpc::Status.
#ifndef HOPSO_SERVER_SERVICES_STATUS_CONVERT_H_
#define HOPSO_SERVER_SERVICES_STATUS_CONVERT_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hopso::server {

// ToGrpcStatus
//
// Same code, same message, truncated to 1 KiB so a status never carries a
// huge echo of bad input back to the caller.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_STATUS_CONVERT_H_
