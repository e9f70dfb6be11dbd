// One gRPC channel to a Hopso server with the session token: the thing every
// other client part calls through.
#ifndef HOPSO_CLIENT_NET_CONNECTION_H_
#define HOPSO_CLIENT_NET_CONNECTION_H_

#include <QString>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/grpcpp.h>

#include "client/net/server_trust.h"
#include "hopso/v1/annotation.grpc.pb.h"
#include "hopso/v1/auth.grpc.pb.h"
#include "hopso/v1/directory.grpc.pb.h"
#include "hopso/v1/document.grpc.pb.h"
#include "hopso/v1/meeting.grpc.pb.h"

namespace hopso::client {

// CallResult
//
// What a blocking call gave: the status and, when ok, the value.
template <class T>
struct CallResult {
  grpc::Status status;
  T value{};

  bool ok() const { return status.ok(); }
};

// isTransient
//
// True for failures that mean "the server was not reached" (UNAVAILABLE,
// DEADLINE_EXCEEDED): retry later, the user is offline.
bool isTransient(const grpc::Status& status);

// statusMessage
//
// A sentence for the user: the server's own (human) message, or a
// translated one for transport failures.
QString statusMessage(const grpc::Status& status);

// Connection
//
// Thread-safe; shared by std::shared_ptr between the GUI and worker threads.
// Example:
//   QString error;
//   std::shared_ptr<Connection> c = Connection::create(trust, &error);
//   CallResult<v1::LoginResponse> r = c->login("lan.nguyen", "…");  // off the GUI thread
//   auto ctx = c->context();
//   c->meetings().ListMeetings(ctx.get(), request, &response);
class Connection {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{15000};

  // create
  //
  // A channel for `trust`; nullptr with `*error` set when the trust cannot be
  // used (insecure to a non-loopback address, unreadable CA file, bad PEM).
  // No network traffic happens here.
  static std::shared_ptr<Connection> create(const ServerTrust& trust, QString* error = nullptr);

  const ServerTrust& trust() const { return m_trust; }

  QString token() const;
  void setToken(const QString& token);

  // context
  //
  // A fresh context with `authorization: Bearer <token>` (when logged in) and
  // a deadline `timeout` from now; a zero timeout means none (streams).
  std::unique_ptr<grpc::ClientContext> context(
      std::chrono::milliseconds timeout = kDefaultTimeout) const;

  v1::AuthService::Stub& auth() const { return *m_auth; }
  v1::DirectoryService::Stub& directory() const { return *m_directory; }
  v1::MeetingService::Stub& meetings() const { return *m_meetings; }
  v1::DocumentService::Stub& documents() const { return *m_documents; }
  v1::AnnotationService::Stub& annotations() const { return *m_annotations; }
  const std::shared_ptr<grpc::Channel>& channel() const { return m_channel; }

  // Blocking calls (run them inside Api::run). login and redeemPairingCode
  // keep the new token on success; logout forgets it whatever the server says.
  CallResult<v1::LoginResponse> login(const QString& username, const QString& password);
  CallResult<v1::LoginResponse> redeemPairingCode(const QString& code);
  CallResult<v1::WhoAmIResponse> whoAmI(
      std::chrono::milliseconds timeout = kDefaultTimeout) const;
  grpc::Status logout();

  // waitForReady
  //
  // Asks the channel to connect now (with `skipBackoff`, without waiting for
  // its reconnect backoff) and waits until it is ready or `timeout` passes.
  bool waitForReady(std::chrono::milliseconds timeout, bool skipBackoff = true) const;

 private:
  explicit Connection(const ServerTrust& trust) : m_trust(trust) {}

  const ServerTrust m_trust;
  mutable std::mutex m_mutex;
  std::string m_token;  // guarded by m_mutex
  std::shared_ptr<grpc::Channel> m_channel;
  std::unique_ptr<v1::AuthService::Stub> m_auth;
  std::unique_ptr<v1::DirectoryService::Stub> m_directory;
  std::unique_ptr<v1::MeetingService::Stub> m_meetings;
  std::unique_ptr<v1::DocumentService::Stub> m_documents;
  std::unique_ptr<v1::AnnotationService::Stub> m_annotations;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_NET_CONNECTION_H_
