#include "client/scan/qr_payload.h"

#include <QRegularExpression>

namespace hopso::client {

QrPayload QrPayload::parse(const QString& text) {
  QrPayload payload;
  payload.text = text.trimmed();

  // Locators are the server's 12-character ids; the prefix is matched as
  // the server does it, without regard to case.
  static const QRegularExpression kDocument(
      QStringLiteral("^HOPSO:([a-z0-9]{12})(?:\\.([0-9a-f]{8,64}))?$"),
      QRegularExpression::CaseInsensitiveOption);
  // The address runs up to the last '#', so IPv6 literals ("[::1]:7443") and
  // ports survive; it may not contain blanks or another '@'.
  static const QRegularExpression kPairing(
      QStringLiteral("^HOPSO-PAIR:([A-Za-z0-9_-]{4,128})@([^\\s@#]+)#([0-9a-fA-F]{64})?$"));

  if (const auto m = kDocument.match(payload.text); m.hasMatch()) {
    payload.kind = Kind::Document;
    payload.code = m.captured(1).toLower();
    payload.hashPrefix = m.captured(2).toLower();
  } else if (const auto p = kPairing.match(payload.text); p.hasMatch()) {
    payload.kind = Kind::Pairing;
    payload.code = p.captured(1);
    payload.address = p.captured(2);
    payload.fingerprint = p.captured(3).toLower();
  }
  return payload;
}

bool QrPayload::matchesHash(const QString& sha256Hex) const {
  return hashPrefix.isEmpty() || sha256Hex.toLower().startsWith(hashPrefix);
}

}  // namespace hopso::client
