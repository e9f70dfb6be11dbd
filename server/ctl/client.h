// hopsoctl's gRPC plumbing: the channel (TLS by default), the session token
// sent as `authorization: Bearer` metadata, and gRPC statuses turned into
// absl::Status for the exit code and the error line.
#ifndef HOPSO_SERVER_CTL_CLIENT_H_
#define HOPSO_SERVER_CTL_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/grpcpp.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"

namespace hopso::ctl {

// FromGrpc
//
// The same code and message as an absl::Status.
absl::Status FromGrpc(const grpc::Status& status);

// Client
//
// A channel to hopsod and the token of one user; copies share the channel.
// Example:
//   ASSIGN_OR_RETURN(Client client, Client::FromFlags());
//   v1::GetMeetingRequest request;
//   request.set_id(id);
//   ASSIGN_OR_RETURN(v1::Meeting meeting,
//                    client.Call(&v1::MeetingService::Stub::GetMeeting, request));
class Client {
 public:
  Client(std::shared_ptr<grpc::Channel> channel, std::string token);

  // FromFlags
  //
  // The channel from --server, --ca_file, --data_dir and --insecure; the
  // token from --token, $HOPSO_TOKEN or the token file (none is fine for
  // Login).
  static absl::StatusOr<Client> FromFlags();

  // Login
  //
  // A client on the same channel with the token of `username`.
  absl::StatusOr<Client> Login(absl::string_view username, absl::string_view password,
                               v1::LoginResponse* response = nullptr) const;

  const std::string& token() const { return token_; }

  // Call
  //
  // One unary RPC, e.g. &v1::DirectoryService::Stub::CreateUser.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request) const {
    grpc::ClientContext context;
    PrepareContext(&context, /*unary=*/true);
    Response response;
    grpc::Status status = (StubFor<Stub>().*method)(&context, request, &response);
    if (!status.ok()) return FromGrpc(status);
    return response;
  }

  // ForEachPage
  //
  // Calls a List RPC page after page (following next_page_token) and hands
  // every page to `on_page`.
  template <typename Stub, typename Request, typename Response>
  absl::Status ForEachPage(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      std::type_identity_t<Request> request,
      const std::function<void(const std::type_identity_t<Response>&)>& on_page) const {
    while (true) {
      absl::StatusOr<Response> page = Call(method, request);
      if (!page.ok()) return page.status();
      on_page(*page);
      if (page->next_page_token().empty()) return absl::OkStatus();
      request.set_page_token(page->next_page_token());
    }
  }

  // Watch
  //
  // Follows WatchMeeting, calling `on_event` for each event, until the stream
  // ends or `context` is cancelled (TryCancel from another thread). Returns
  // the stream's final status.
  absl::Status Watch(const v1::WatchMeetingRequest& request, grpc::ClientContext* context,
                     const std::function<void(const v1::MeetingEvent&)>& on_event) const;

 private:
  void PrepareContext(grpc::ClientContext* context, bool unary) const;

  template <typename Stub>
  Stub& StubFor() const {
    if constexpr (std::is_same_v<Stub, v1::AuthService::Stub>) {
      return *auth_;
    } else if constexpr (std::is_same_v<Stub, v1::DirectoryService::Stub>) {
      return *directory_;
    } else {
      static_assert(std::is_same_v<Stub, v1::MeetingService::Stub>);
      return *meeting_;
    }
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  std::shared_ptr<v1::AuthService::Stub> auth_;
  std::shared_ptr<v1::DirectoryService::Stub> directory_;
  std::shared_ptr<v1::MeetingService::Stub> meeting_;
};

// The token file `hopsoctl login` writes: ~/.config/hopso/token, mode 0600.
std::string TokenFilePath();
absl::Status SaveTokenFile(absl::string_view token);
// Removing a file that is not there is fine.
absl::Status RemoveTokenFile();

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_CLIENT_H_
