#include "client/net/connection.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QSslCertificate>

#include <grpcpp/channel.h>

namespace hopso::client {
namespace {

class ConnectionText {
  Q_DECLARE_TR_FUNCTIONS(Connection)
};

// The name to check the certificate against when `host` is not among its
// names: pinning already fixed the exact certificate, so the hostname check
// adds nothing, and the server's self-signed certificate names "localhost".
std::string targetNameOverride(const QString& host, const QByteArray& pem) {
  const QList<QSslCertificate> certs = QSslCertificate::fromData(pem);
  if (certs.isEmpty()) return {};
  const QMultiMap<QSsl::AlternativeNameEntryType, QString> names =
      certs.front().subjectAlternativeNames();
  const QHostAddress ip(host);
  for (const QString& ipName : names.values(QSsl::IpAddressEntry)) {
    if (!ip.isNull() && QHostAddress(ipName) == ip) return {};
  }
  // gRPC's own check ignores IP SANs in some versions: prefer a DNS name.
  const QStringList dns = names.values(QSsl::DnsEntry);
  if (dns.contains(host, Qt::CaseInsensitive)) return {};
  if (dns.contains(QStringLiteral("localhost"))) return "localhost";
  return dns.isEmpty() ? std::string() : dns.front().toStdString();
}

}  // namespace

bool isTransient(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

QString statusMessage(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return {};
    case grpc::StatusCode::UNAVAILABLE:
      return ConnectionText::tr("The server cannot be reached. Check the network; Hopso keeps "
                                "trying and carries on by itself.");
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return ConnectionText::tr("The server did not answer in time. Hopso will try again.");
    case grpc::StatusCode::UNAUTHENTICATED:
      if (status.error_message().empty()) {
        return ConnectionText::tr("Your session has ended. Please log in again.");
      }
      break;
    case grpc::StatusCode::CANCELLED:
      return ConnectionText::tr("Cancelled.");
    default:
      break;
  }
  if (!status.error_message().empty()) return QString::fromStdString(status.error_message());
  return ConnectionText::tr("The server reported an error (code %1).")
      .arg(int(status.error_code()));
}

std::shared_ptr<Connection> Connection::create(const ServerTrust& trust, QString* error) {
  const QString host = hostOf(trust.address);
  if (host.isEmpty()) {
    if (error) *error = ConnectionText::tr("Enter the server address as host:port.");
    return nullptr;
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  grpc::ChannelArguments args;
  switch (trust.mode) {
    case ServerTrust::Insecure:
      if (!isLoopbackAddress(trust.address)) {
        if (error) {
          *error = ConnectionText::tr("A connection without TLS is only allowed to this "
                                      "device itself (localhost).");
        }
        return nullptr;
      }
      credentials = grpc::InsecureChannelCredentials();
      break;
    case ServerTrust::Pinned: {
      const QList<QSslCertificate> certs = QSslCertificate::fromData(trust.pinnedCertPem);
      if (certs.size() != 1) {
        if (error) *error = ConnectionText::tr("The pinned server certificate cannot be read.");
        return nullptr;
      }
      grpc::SslCredentialsOptions tls;
      tls.pem_root_certs = trust.pinnedCertPem.toStdString();
      credentials = grpc::SslCredentials(tls);
      const std::string override = targetNameOverride(host, trust.pinnedCertPem);
      if (!override.empty()) args.SetSslTargetNameOverride(override);
      break;
    }
    case ServerTrust::CaFile: {
      QFile file(trust.caFile);
      if (!file.open(QIODevice::ReadOnly)) {
        if (error) {
          *error = ConnectionText::tr("The CA file %1 cannot be read: %2")
                       .arg(trust.caFile, file.errorString());
        }
        return nullptr;
      }
      const QByteArray pem = file.readAll();
      if (QSslCertificate::fromData(pem).isEmpty()) {
        if (error) {
          *error = ConnectionText::tr("The CA file %1 holds no PEM certificate.").arg(trust.caFile);
        }
        return nullptr;
      }
      grpc::SslCredentialsOptions tls;
      tls.pem_root_certs = pem.toStdString();
      credentials = grpc::SslCredentials(tls);
      break;
    }
  }
  // Tablets on flaky Wi-Fi: notice a dead connection within half a minute
  // (hopsod permits pings every 10 s) and reconnect quickly once the network
  // is back instead of gRPC's default two-minute backoff ceiling.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 20000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 10000);
  // Documents come in 1 MiB chunks.
  args.SetMaxReceiveMessageSize(16 << 20);

  std::shared_ptr<Connection> connection(new Connection(trust));
  connection->m_channel = grpc::CreateCustomChannel(trust.address.trimmed().toStdString(),
                                                    credentials, args);
  connection->m_auth = v1::AuthService::NewStub(connection->m_channel);
  connection->m_directory = v1::DirectoryService::NewStub(connection->m_channel);
  connection->m_meetings = v1::MeetingService::NewStub(connection->m_channel);
  connection->m_documents = v1::DocumentService::NewStub(connection->m_channel);
  connection->m_annotations = v1::AnnotationService::NewStub(connection->m_channel);
  return connection;
}

QString Connection::token() const {
  std::lock_guard lock(m_mutex);
  return QString::fromStdString(m_token);
}

void Connection::setToken(const QString& token) {
  std::lock_guard lock(m_mutex);
  m_token = token.toStdString();
}

std::unique_ptr<grpc::ClientContext> Connection::context(std::chrono::milliseconds timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (timeout.count() > 0) context->set_deadline(std::chrono::system_clock::now() + timeout);
  std::lock_guard lock(m_mutex);
  if (!m_token.empty()) context->AddMetadata("authorization", "Bearer " + m_token);
  return context;
}

CallResult<v1::LoginResponse> Connection::login(const QString& username, const QString& password) {
  v1::LoginRequest request;
  request.set_username(username.trimmed().toStdString());
  request.set_password(password.toStdString());
  CallResult<v1::LoginResponse> result;
  std::unique_ptr<grpc::ClientContext> ctx = context();
  result.status = m_auth->Login(ctx.get(), request, &result.value);
  if (result.ok()) setToken(QString::fromStdString(result.value.token()));
  return result;
}

CallResult<v1::LoginResponse> Connection::redeemPairingCode(const QString& code) {
  v1::RedeemPairingCodeRequest request;
  request.set_code(code.trimmed().toStdString());
  CallResult<v1::LoginResponse> result;
  std::unique_ptr<grpc::ClientContext> ctx = context();
  result.status = m_auth->RedeemPairingCode(ctx.get(), request, &result.value);
  if (result.ok()) setToken(QString::fromStdString(result.value.token()));
  return result;
}

CallResult<v1::WhoAmIResponse> Connection::whoAmI(std::chrono::milliseconds timeout) const {
  CallResult<v1::WhoAmIResponse> result;
  std::unique_ptr<grpc::ClientContext> ctx = context(timeout);
  result.status = m_auth->WhoAmI(ctx.get(), v1::WhoAmIRequest(), &result.value);
  return result;
}

grpc::Status Connection::logout() {
  v1::LogoutResponse response;
  std::unique_ptr<grpc::ClientContext> ctx = context();
  const grpc::Status status = m_auth->Logout(ctx.get(), v1::LogoutRequest(), &response);
  setToken({});
  return status;
}

bool Connection::waitForReady(std::chrono::milliseconds timeout, bool skipBackoff) const {
  if (m_channel->GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY) return true;
  if (skipBackoff) grpc::experimental::ChannelResetConnectionBackoff(m_channel.get());
  return m_channel->WaitForConnected(std::chrono::system_clock::now() + timeout);
}

}  // namespace hopso::client
