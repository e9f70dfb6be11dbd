// Protobuf messages to and from gRPC byte buffers. Hopso parses requests
// itself so that a malformed one (a text field that is not UTF-8, say) gets
// INVALID_ARGUMENT with a reason instead of gRPC's bare UNIMPLEMENTED.
#ifndef HOPSO_SERVER_SERVICES_WIRE_H_
#define HOPSO_SERVER_SERVICES_WIRE_H_

#include <grpcpp/support/byte_buffer.h>

#include "absl/status/status.h"
#include "google/protobuf/message_lite.h"

namespace hopso::server {

grpc::ByteBuffer ToByteBuffer(const google::protobuf::MessageLite& message);

// ParseByteBuffer
//
// INVALID_ARGUMENT naming the message type when `buffer` does not parse.
absl::Status ParseByteBuffer(const grpc::ByteBuffer& buffer, google::protobuf::MessageLite* message);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_WIRE_H_
