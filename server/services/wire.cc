#include "server/services/wire.h"

#include <grpcpp/support/slice.h>

#include <vector>

#include "absl/strings/str_cat.h"

namespace hopso::server {

grpc::ByteBuffer ToByteBuffer(const google::protobuf::MessageLite& message) {
  auto* bytes = new std::string(message.SerializeAsString());
  // The slice takes the string without copying it and frees it when done.
  grpc::Slice slice(bytes->data(), bytes->size(),
                    [](void* p) { delete static_cast<std::string*>(p); }, bytes);
  return grpc::ByteBuffer(&slice, 1);
}

absl::Status ParseByteBuffer(const grpc::ByteBuffer& buffer, google::protobuf::MessageLite* message) {
  std::vector<grpc::Slice> slices;
  bool parsed = false;
  if (buffer.Valid() && buffer.Dump(&slices).ok()) {
    if (slices.size() == 1) {
      parsed = message->ParseFromArray(slices[0].begin(), static_cast<int>(slices[0].size()));
    } else {
      std::string joined;
      for (const grpc::Slice& s : slices) joined.append(reinterpret_cast<const char*>(s.begin()), s.size());
      parsed = message->ParseFromString(joined);
    }
  }
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the request is not a valid ", message->GetTypeName(),
        ": a text field is not valid UTF-8, or the message is damaged"));
  }
  return absl::OkStatus();
}

}  // namespace hopso::server
