// What a Hopso QR code says: a document (or meeting, agenda item) locator, or
// a one-time pairing code for a tablet.
#ifndef HOPSO_CLIENT_SCAN_QR_PAYLOAD_H_
#define HOPSO_CLIENT_SCAN_QR_PAYLOAD_H_

#include <QString>

namespace hopso::client {

// QrPayload
//
// The parsed text of a scanned code. Two forms exist (see document.proto
// and auth.proto):
//   "HOPSO:k3xq7m2pa9dt.3fa2c1d0"  kind Document: code, hashPrefix (the first
//                                  8 hex digits of the content's SHA-256;
//                                  empty for a meeting's or an item's code)
//   "HOPSO-PAIR:CODE@host:7443#<64 hex>"  kind Pairing: code, address,
//                                  fingerprint (lowercase hex SHA-256 of the
//                                  server certificate's DER; empty without TLS)
// Anything else is kind Unknown. The text is kept in `text` as scanned, so
// that it can be handed to ResolveQr unchanged.
//
//   const QrPayload p = QrPayload::parse(scanned);
//   if (p.kind == QrPayload::Kind::Document) resolve(p.text);
struct QrPayload {
  enum class Kind { Unknown, Document, Pairing };

  Kind kind = Kind::Unknown;
  QString text;
  QString code;
  QString hashPrefix;   // Document: lowercase hex, may be empty
  QString address;      // Pairing: host:port as the server announced it
  QString fingerprint;  // Pairing: lowercase hex, may be empty

  static QrPayload parse(const QString& text);

  // Whether `sha256Hex` (the full content hash the server reports) agrees
  // with the code's hash prefix; true when the code carries none.
  bool matchesHash(const QString& sha256Hex) const;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_SCAN_QR_PAYLOAD_H_
