// hopsoctl's gRPC plumbing: the channel (TLS by default), the session token
// sent as `authorization: Bearer` metadata, and gRPC statuses turned into
// absl::Status for the exit code and the error line.
#ifndef HOPSO_SERVER_CTL_CLIENT_H_
#define HOPSO_SERVER_CTL_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/grpcpp.h"
#include "hopso/v1/attendance.grpc.pb.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "hopso/v1/document.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"
#include "hopso/v1/signing.grpc.pb.h"
#include "hopso/v1/speaker.grpc.pb.h"
#include "hopso/v1/voting.grpc.pb.h"

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
  // Unary calls are short; a stuck server should not hang a script forever.
  static constexpr std::chrono::seconds kUnaryDeadline{30};

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
  // One unary RPC, e.g. &v1::DirectoryService::Stub::CreateUser, given
  // `deadline` to answer (longer for calls that do heavy work, such as
  // FinishUpload screening a large file).
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request, std::chrono::seconds deadline = kUnaryDeadline) const {
    grpc::ClientContext context;
    PrepareContext(&context, deadline);
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

  // UploadChunks
  //
  // One UploadChunks stream: sends every chunk `next` fills in until it
  // returns false, then returns the server's UploadState. An error from
  // `next` cancels the stream and is returned as is. When the server ends the
  // stream early (a wrong offset, a dropped connection), its status.
  absl::StatusOr<v1::UploadState> UploadChunks(
      const std::function<absl::StatusOr<bool>(v1::UploadChunk*)>& next) const;

  // Download
  //
  // Follows a Download stream, handing each chunk to `on_chunk`. An error
  // from `on_chunk` cancels the stream and is returned; otherwise the
  // stream's final status.
  absl::Status Download(
      const v1::DownloadRequest& request,
      const std::function<absl::Status(const v1::DownloadChunk&)>& on_chunk) const;

 private:
  // Adds the token and, when given (unary calls), a deadline from now.
  void PrepareContext(grpc::ClientContext* context,
                      std::optional<std::chrono::seconds> deadline) const;

  template <typename Stub>
  Stub& StubFor() const {
    if constexpr (std::is_same_v<Stub, v1::AuthService::Stub>) {
      return *auth_;
    } else if constexpr (std::is_same_v<Stub, v1::DirectoryService::Stub>) {
      return *directory_;
    } else if constexpr (std::is_same_v<Stub, v1::DocumentService::Stub>) {
      return *document_;
    } else if constexpr (std::is_same_v<Stub, v1::AttendanceService::Stub>) {
      return *attendance_;
    } else if constexpr (std::is_same_v<Stub, v1::VotingService::Stub>) {
      return *voting_;
    } else if constexpr (std::is_same_v<Stub, v1::SpeakerService::Stub>) {
      return *speaker_;
    } else if constexpr (std::is_same_v<Stub, v1::SigningService::Stub>) {
      return *signing_;
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
  std::shared_ptr<v1::DocumentService::Stub> document_;
  std::shared_ptr<v1::AttendanceService::Stub> attendance_;
  std::shared_ptr<v1::VotingService::Stub> voting_;
  std::shared_ptr<v1::SpeakerService::Stub> speaker_;
  std::shared_ptr<v1::SigningService::Stub> signing_;
};

// The address hopsod is dialled at: --server, else $HOPSO_SERVER, else
// 127.0.0.1:7443.
std::string ServerFromFlags();

// The token file `hopsoctl login` writes: ~/.config/hopso/token, mode 0600.
std::string TokenFilePath();
absl::Status SaveTokenFile(absl::string_view token);
// Removing a file that is not there is fine.
absl::Status RemoveTokenFile();

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_CLIENT_H_
