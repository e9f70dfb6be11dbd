#include "client/net/server_trust.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QSslSocket>

namespace hopso::client {
namespace {

// User-visible messages of the free functions below.
class TrustText {
  Q_DECLARE_TR_FUNCTIONS(ServerTrust)
};

const char* modeName(ServerTrust::Mode mode) {
  switch (mode) {
    case ServerTrust::Pinned: return "pinned";
    case ServerTrust::CaFile: return "ca_file";
    case ServerTrust::Insecure: return "insecure";
  }
  return "pinned";
}

// Splits "host:port" / "[v6]:port"; port 0 when missing or bad.
std::pair<QString, quint16> splitAddress(const QString& address) {
  QString host = address.trimmed();
  QString port;
  if (host.startsWith(u'[')) {
    const qsizetype close = host.indexOf(u']');
    if (close < 0) return {host, 0};
    port = host.mid(close + 1).startsWith(u':') ? host.mid(close + 2) : QString();
    host = host.mid(1, close - 1);
  } else if (host.count(u':') == 1) {
    const qsizetype colon = host.indexOf(u':');
    port = host.mid(colon + 1);
    host = host.left(colon);
  }
  bool ok = false;
  const uint value = port.toUInt(&ok);
  return {host, ok && value > 0 && value <= 65535 ? quint16(value) : quint16(0)};
}

}  // namespace

ServerTrust ServerTrust::pinned(const QString& address, const QSslCertificate& certificate) {
  ServerTrust trust;
  trust.address = address;
  trust.mode = Pinned;
  trust.pinnedCertPem = certificate.toPem();
  trust.fingerprintSha256 = certificateFingerprint(certificate);
  return trust;
}

QJsonObject ServerTrust::toJson() const {
  QJsonObject json;
  json["address"] = address;
  json["mode"] = QString::fromLatin1(modeName(mode));
  if (mode == Pinned) {
    json["pinned_cert_pem"] = QString::fromLatin1(pinnedCertPem);
    json["fingerprint_sha256"] = QString::fromLatin1(fingerprintSha256);
  }
  if (mode == CaFile) json["ca_file"] = caFile;
  return json;
}

std::optional<ServerTrust> ServerTrust::fromJson(const QJsonObject& json) {
  ServerTrust trust;
  trust.address = json["address"].toString();
  const QString mode = json["mode"].toString();
  if (mode == QLatin1String("pinned")) {
    trust.mode = Pinned;
    trust.pinnedCertPem = json["pinned_cert_pem"].toString().toLatin1();
    trust.fingerprintSha256 = json["fingerprint_sha256"].toString().toLatin1();
    const QList<QSslCertificate> certs = QSslCertificate::fromData(trust.pinnedCertPem);
    // A pin that no longer matches its fingerprint was edited: distrust it.
    if (certs.size() != 1 || certificateFingerprint(certs.front()) != trust.fingerprintSha256) {
      return std::nullopt;
    }
  } else if (mode == QLatin1String("ca_file")) {
    trust.mode = CaFile;
    trust.caFile = json["ca_file"].toString();
  } else if (mode == QLatin1String("insecure")) {
    trust.mode = Insecure;
  } else {
    return std::nullopt;
  }
  if (trust.address.isEmpty()) return std::nullopt;
  return trust;
}

QByteArray certificateFingerprint(const QSslCertificate& certificate) {
  return certificate.digest(QCryptographicHash::Sha256).toHex();
}

QString formatFingerprint(const QByteArray& hexFingerprint) {
  const QString upper = QString::fromLatin1(hexFingerprint).toUpper();
  QStringList pairs;
  for (qsizetype i = 0; i < upper.size(); i += 2) pairs << upper.mid(i, 2);
  return pairs.join(u':');
}

QString hostOf(const QString& address) { return splitAddress(address).first; }

bool isLoopbackAddress(const QString& address) {
  const QString host = hostOf(address);
  if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) return true;
  const QHostAddress ip(host);
  return !ip.isNull() && ip.isLoopback();
}

QSslCertificate fetchServerCertificate(const QString& address, int timeoutMs, QString* error) {
  const auto [host, port] = splitAddress(address);
  if (host.isEmpty() || port == 0) {
    if (error) *error = TrustText::tr("“%1” is not a server address of the form host:port.").arg(address);
    return QSslCertificate();
  }
  QSslSocket socket;
  QSslConfiguration config = socket.sslConfiguration();
  // We only look at the certificate; the person compares its fingerprint.
  config.setPeerVerifyMode(QSslSocket::VerifyNone);
  config.setAllowedNextProtocols({QByteArrayLiteral("h2")});
  socket.setSslConfiguration(config);
  QElapsedTimer timer;
  timer.start();
  socket.connectToHostEncrypted(host, port);
  const int left = [&] { return std::max(1, timeoutMs - int(timer.elapsed())); }();
  if (!socket.waitForEncrypted(left)) {
    const QSslCertificate peer = socket.peerCertificate();
    if (!peer.isNull()) return peer;
    if (error) {
      *error = TrustText::tr("No TLS connection to %1: %2").arg(address, socket.errorString());
    }
    return QSslCertificate();
  }
  const QSslCertificate peer = socket.peerCertificate();
  socket.abort();
  if (peer.isNull() && error) *error = TrustText::tr("The server at %1 sent no certificate.").arg(address);
  return peer;
}

std::optional<ServerTrust> pinServer(const QString& address, const QByteArray& expectedFingerprint,
                                     QString* error, int timeoutMs) {
  const QSslCertificate cert = fetchServerCertificate(address, timeoutMs, error);
  if (cert.isNull()) return std::nullopt;
  ServerTrust trust = ServerTrust::pinned(address, cert);
  if (!expectedFingerprint.isEmpty() &&
      trust.fingerprintSha256 != expectedFingerprint.trimmed().toLower()) {
    if (error) {
      *error = TrustText::tr("The server at %1 presented a certificate with fingerprint %2, not the "
                  "expected %3. Do not connect: this may not be your server.")
                   .arg(address, formatFingerprint(trust.fingerprintSha256),
                        formatFingerprint(expectedFingerprint.trimmed().toLower()));
    }
    return std::nullopt;
  }
  return trust;
}

}  // namespace hopso::client
