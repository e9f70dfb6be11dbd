// PAdES B-B signatures: a CMS SignedData (detached, SHA-256, signed
// attributes content-type, message-digest and signing-certificate-v2, no
// signing-time) in a new signature field, appended to a PDF as an
// incremental update with a visible Vietnamese appearance. Signing the
// minutes twice (chair, then secretary) is two calls, each reading the file
// the previous one wrote. See shared/design/SIGNING.md.
#ifndef HOPSO_PDF_SIGN_H_
#define HOPSO_PDF_SIGN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pdf/timestamp.h"

namespace hopso::pdf {

// The "sign these bytes" step. SignPdf hands over the DER encoding of the
// CMS signed attributes (a SET); the key hashes them with SHA-256 and
// returns the raw signature value: RSA PKCS#1 v1.5, or an ECDSA
// Ecdsa-Sig-Value (DER). A local key, a PKCS#11 token or a remote signing
// service implement the same interface.
class SignatureKey {
 public:
  virtual ~SignatureKey() = default;
  virtual absl::StatusOr<std::string> Sign(absl::string_view data_to_sign) = 0;
  // The signer's certificate (its public key must match the signing key).
  virtual X509* certificate() const = 0;
  // Intermediate certificates to embed in the CMS (not the root); may be empty.
  virtual const std::vector<X509*>& chain() const = 0;
};

// A key held in this process: an OpenSSL EVP_PKEY (RSA or EC) and its
// certificate. Takes its own references to everything given.
class LocalKey : public SignatureKey {
 public:
  // INVALID_ARGUMENT when a pointer is null or the key does not match the
  // certificate.
  static absl::StatusOr<std::unique_ptr<LocalKey>> Create(EVP_PKEY* key, X509* certificate,
                                                          const std::vector<X509*>& chain = {});
  ~LocalKey() override;
  LocalKey(const LocalKey&) = delete;
  LocalKey& operator=(const LocalKey&) = delete;

  absl::StatusOr<std::string> Sign(absl::string_view data_to_sign) override;
  X509* certificate() const override { return certificate_; }
  const std::vector<X509*>& chain() const override { return chain_; }

 private:
  LocalKey(EVP_PKEY* key, X509* certificate, std::vector<X509*> chain)
      : key_(key), certificate_(certificate), chain_(std::move(chain)) {}
  EVP_PKEY* key_;
  X509* certificate_;
  std::vector<X509*> chain_;
};

// The visible block of a signature, drawn in Liberation Serif (NFC), e.g.
//   Ký bởi: Phan Minh Khoa
//   Chủ tọa
//   Thời gian: 30/11/2026 14:05
//   Tại: Hà Nội            (only when `place` is set)
// Times are shown, and written to the signature's /M, in Vietnam time
// (UTC+07:00, no daylight saving).
struct SignatureAppearance {
  std::string signer_name;
  std::string role;
  std::string place;
  int64_t time_micros = 0;  // Unix time in microseconds: the claimed signing time
  int page = 0;             // 0-based
  // Bottom-left corner and size in PDF user-space points of the page.
  double x = 0;
  double y = 0;
  double width = 200;
  double height = 60;
};

// The lines SignPdf draws for `appearance` (NFC), in order. For tests and
// previews.
absl::StatusOr<std::vector<std::string>> AppearanceLines(const SignatureAppearance& appearance);

// SignPdf
//
// Writes to `out_path` the PDF at `in_path` with one more signature, in a
// new signature field `field_name` (ASCII), appended as an incremental
// update: earlier signatures stay valid. `out_path` is written whole or not
// at all (a temporary next to it, fsync, rename). Errors: ALREADY_EXISTS
// when the PDF already has a field of that name; NOT_FOUND when the input
// cannot be opened; INVALID_ARGUMENT for an unreadable PDF, a page it does
// not have, an empty or non-ASCII field name or invalid UTF-8;
// FAILED_PRECONDITION for an encrypted PDF or missing fonts; the key's own
// status when signing fails; the authority's status (UNAVAILABLE) when a
// timestamp was asked for and could not be had. Only for files Hopso stored
// (PoDoFo parses them in this process).
//
// With a `timestamp_authority` the signature is PAdES B-T: the signer's
// unsigned attributes carry an RFC 3161 token over its signature value.
absl::Status SignPdf(const std::string& in_path, const std::string& out_path,
                     const std::string& field_name, const SignatureAppearance& appearance,
                     SignatureKey& key, TimestampAuthority* timestamp_authority = nullptr);

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_SIGN_H_
