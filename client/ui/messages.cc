#include "client/ui/messages.h"

#include "client/net/connection.h"

namespace hopso::client {

namespace {

// Transport failures read the same whatever the user was doing.
QString unreachable(const grpc::Status& status, const QString& address) {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return Messages::tr("The server %1 did not answer in time. Check the network and try again.")
        .arg(address);
  }
  const QString detail = QString::fromStdString(status.error_message());
  if (detail.contains(QLatin1String("handshake"), Qt::CaseInsensitive) ||
      detail.contains(QLatin1String("certificate"), Qt::CaseInsensitive) ||
      detail.contains(QLatin1String("ssl"), Qt::CaseInsensitive)) {
    return Messages::tr(
               "The secure connection to %1 failed: the server's certificate is not the one this "
               "tablet trusts. Ask your IT department before trusting a new certificate.")
        .arg(address);
  }
  return Messages::tr("Cannot reach the server %1. Check the address and the Wi-Fi connection.")
      .arg(address);
}

}  // namespace

QString Messages::login(const grpc::Status& status, const QString& address) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return tr("Wrong username or password.");
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return tr("Too many failed attempts: this account is locked for a while. %1")
          .arg(QString::fromStdString(status.error_message()));
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return unreachable(status, address);
    default:
      return general(status);
  }
}

QString Messages::pairing(const grpc::Status& status, const QString& address) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return tr("This pairing code is unknown, already used or expired. Ask the secretary for a "
                "new one.");
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return unreachable(status, address);
    default:
      return general(status);
  }
}

QString Messages::document(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      return tr("This document does not exist or you may not see it. If you think you should, ask "
                "the meeting's secretary.");
    case grpc::StatusCode::PERMISSION_DENIED:
      return tr("You may not open this document. If you think you should, ask the meeting's "
                "secretary.");
    case grpc::StatusCode::UNAUTHENTICATED:
      return tr("Your session has ended. Sign in again.");
    default:
      return general(status);
  }
}

QString Messages::general(const grpc::Status& status) { return statusMessage(status); }

}  // namespace hopso::client
