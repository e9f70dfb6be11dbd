// How the tablet decides to trust a Hopso server: the server's own
// self-signed certificate pinned on first use (the usual case: hopsod makes
// one on its first start), a CA file, or no TLS at all (loopback only).
#ifndef HOPSO_CLIENT_NET_SERVER_TRUST_H_
#define HOPSO_CLIENT_NET_SERVER_TRUST_H_

#include <QByteArray>
#include <QJsonObject>
#include <QSslCertificate>
#include <QString>

#include <optional>

namespace hopso::client {

// ServerTrust
//
// Where the server is and why we believe it is the right one.
// - Pinned: `pinnedCertPem` is the only trusted root; `fingerprintSha256` is
//   the lowercase hex SHA-256 of its DER (what the user compared on screen).
// - CaFile: the PEM bundle at `caFile` is the trusted root set.
// - Insecure: no TLS; refused unless `address` is a loopback address.
struct ServerTrust {
  enum Mode { Pinned, CaFile, Insecure };

  QString address;  // "host:port"
  Mode mode = Pinned;
  QByteArray pinnedCertPem;
  QByteArray fingerprintSha256;
  QString caFile;

  static ServerTrust pinned(const QString& address, const QSslCertificate& certificate);

  QJsonObject toJson() const;
  static std::optional<ServerTrust> fromJson(const QJsonObject& json);
  bool operator==(const ServerTrust&) const = default;
};

// certificateFingerprint
//
// Lowercase hex SHA-256 of the certificate's DER encoding, as hopsoctl and
// the pairing QR code print it.
QByteArray certificateFingerprint(const QSslCertificate& certificate);

// formatFingerprint
//
// "3F:A2:C1:…" in groups, for showing to a person who compares it by eye.
QString formatFingerprint(const QByteArray& hexFingerprint);

// hostOf / isLoopbackAddress
//
// "host" of "host:port", "[::1]:7443" → "::1"; loopback means 127.0.0.0/8,
// ::1 or "localhost".
QString hostOf(const QString& address);
bool isLoopbackAddress(const QString& address);

// fetchServerCertificate
//
// Connects to `address` with QSslSocket, completes a TLS handshake without
// verifying anything and returns the certificate the server presented, for
// pin-on-first-use. Blocks up to `timeoutMs`: call it off the GUI thread
// (e.g. inside Api::run). A null certificate and `*error` set on failure.
QSslCertificate fetchServerCertificate(const QString& address, int timeoutMs = 10000,
                                       QString* error = nullptr);

// pinServer
//
// fetchServerCertificate, then a Pinned ServerTrust for it. With a non-empty
// `expectedFingerprint` (hex, e.g. from a pairing QR code) a different
// certificate is refused with a clear message. Blocks like
// fetchServerCertificate.
std::optional<ServerTrust> pinServer(const QString& address,
                                     const QByteArray& expectedFingerprint = {},
                                     QString* error = nullptr, int timeoutMs = 10000);

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_NET_SERVER_TRUST_H_
