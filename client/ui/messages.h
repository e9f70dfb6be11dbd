// Sentences for the user about failed calls, by what the user was doing:
// the same gRPC code means different things at login and when opening a
// document.
#ifndef HOPSO_CLIENT_UI_MESSAGES_H_
#define HOPSO_CLIENT_UI_MESSAGES_H_

#include <QCoreApplication>
#include <QString>

#include <grpcpp/support/status.h>

namespace hopso::client {

class Messages {
  Q_DECLARE_TR_FUNCTIONS(hopso::client::Messages)

 public:
  // Login with username and password.
  static QString login(const grpc::Status& status, const QString& address);
  // Redeeming a pairing code.
  static QString pairing(const grpc::Status& status, const QString& address);
  // Resolving a QR code or opening/downloading a document.
  static QString document(const grpc::Status& status);
  // Anything else: the net layer's sentence.
  static QString general(const grpc::Status& status);
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_MESSAGES_H_
