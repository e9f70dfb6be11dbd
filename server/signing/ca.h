// The organisation CA and signer certificates: a self-signed CA certificate
// for a key held in a PKCS#11 token (token.h), signer certificates it
// issues, certificate requests for an outside CA, and the checks made before
// an outside CA's certificate is attached to a token key. Every key here is
// an EVP_PKEY, so a token key (TokenKey::private_key()) and a key held in
// memory work alike. Names are UTF8String and keep their bytes exactly.
// See shared/design/SIGNING.md.
#ifndef HOPSO_SERVER_SIGNING_CA_H_
#define HOPSO_SERVER_SIGNING_CA_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hopso::server::signing {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

// X.509 caps these names at 64 characters (RFC 5280 ub-common-name,
// ub-organization-name).
inline constexpr size_t kMaxNameChars = 64;

// Designated initializers name only the fields they set; the {} keep GCC's
// -Wmissing-field-initializers quiet about the others.
struct CaSubject {
  std::string organisation{};  // O and CN prefix: "UBND tỉnh Quảng Nam"
  std::string country = "VN";
  int validity_days = 3650;
};

// MakeCaCertificate
//
// A self-signed CA certificate for `ca_key` (a token key): CN "<organisation>
// - Hopso CA", O, C; basicConstraints CA:TRUE critical, keyUsage keyCertSign
// and cRLSign critical, subject key identifier; random 128-bit serial;
// SHA-256; valid from now for `validity_days`. INVALID_ARGUMENT for a null
// key, invalid UTF-8 or control characters, an empty organisation or a CN
// longer than 64 characters, a country that is not two letters, or
// validity_days < 1; a token key's status when it cannot sign (e.g.
// UNAVAILABLE); INTERNAL for other OpenSSL failures.
absl::StatusOr<X509Ptr> MakeCaCertificate(EVP_PKEY* ca_key, const CaSubject& subject);

struct SignerSubject {
  std::string full_name{};     // CN (required)
  std::string organisation{};  // O (left out when empty)
  std::string user_id{};       // UID, so a certificate names its Hopso user (left out when empty)
  std::string country = "VN";
  int validity_days = 3 * 365;
};

// IssueSignerCertificate
//
// A signer certificate for `public_key`, issued by `ca_cert`/`ca_key`: random
// 128-bit serial, basicConstraints CA:FALSE, keyUsage digitalSignature and
// nonRepudiation critical, extendedKeyUsage emailProtection and
// documentSigning (1.3.6.1.5.5.7.3.36), authority and subject key
// identifiers; SHA-256. Valid from now for `validity_days`, but never past
// the CA certificate. INVALID_ARGUMENT for bad names (as MakeCaCertificate),
// when `ca_key` does not match `ca_cert`, or `ca_cert` is not a CA or has
// expired; signing failures as MakeCaCertificate.
absl::StatusOr<X509Ptr> IssueSignerCertificate(EVP_PKEY* ca_key, X509* ca_cert,
                                               EVP_PKEY* public_key, const SignerSubject& subject);

// MakeCertificateRequestPem
//
// A PKCS#10 request (PEM) for an outside CA, signed by `key` (a token key),
// asking for the signer certificate's key usages and extended key usages.
absl::StatusOr<std::string> MakeCertificateRequestPem(EVP_PKEY* key, const SignerSubject& subject);

// CheckSignerCertificate
//
// Checks an outside CA's certificate before it is attached to a token's key:
// its public key equals `public_key`, it is valid at `now_micros` (Unix time
// in microseconds), and its key usage (if present) allows digitalSignature
// or nonRepudiation. INVALID_ARGUMENT with the reason otherwise.
absl::Status CheckSignerCertificate(X509* certificate, EVP_PKEY* public_key, int64_t now_micros);

// DER and PEM helpers. ParseCertificate takes one certificate, DER or PEM;
// INVALID_ARGUMENT for unreadable input.
absl::StatusOr<X509Ptr> ParseCertificate(absl::string_view der_or_pem);
std::string CertificateDer(X509* certificate);
std::string CertificatePem(X509* certificate);
// Subject CN as UTF-8 (empty when none).
std::string CommonName(X509* certificate);
// notAfter as Unix microseconds.
int64_t NotAfterMicros(X509* certificate);

// The certificates of a PEM file (one or more), DER each. INVALID_ARGUMENT
// naming the file when it holds none or cannot be read.
absl::StatusOr<std::vector<std::string>> ReadCertificateBundle(const std::string& path);

}  // namespace hopso::server::signing

#endif  // HOPSO_SERVER_SIGNING_CA_H_
