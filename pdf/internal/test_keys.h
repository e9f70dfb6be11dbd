// Test support for pdf/: keys, certificates and an in-process RFC 3161
// timestamp authority, made with OpenSSL for signing and verification tests.
// Test-only; never linked into the server. Failures throw std::runtime_error
// (gtest reports it as a test failure).
#ifndef HOPSO_PDF_INTERNAL_TEST_KEYS_H_
#define HOPSO_PDF_INTERNAL_TEST_KEYS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pdf/timestamp.h"

namespace hopso::pdf::testing {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

PkeyPtr MakeRsaKey(int bits = 2048);
PkeyPtr MakeEcKey();  // P-256

// Certificates with subject C=VN, CN=`cn` (UTF-8), a random serial, subject
// and authority key identifiers, valid from a day ago for a year (unless
// said otherwise), signed with SHA-256 by `issuer_key`.

// A CA (basicConstraints critical CA:TRUE, keyCertSign, cRLSign):
// self-signed when `issuer` is null (then `issuer_key` is ignored and `key`
// signs), else a sub-CA of `issuer`.
X509Ptr MakeCaCert(const std::string& cn, EVP_PKEY* key, X509* issuer = nullptr,
                   EVP_PKEY* issuer_key = nullptr);
// An end-entity signing certificate (CA:FALSE, digitalSignature,
// nonRepudiation).
X509Ptr MakeSignerCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key);
// A timestamping certificate (CA:FALSE, digitalSignature, extendedKeyUsage
// critical timeStamping), as RFC 3161 requires of a TSA.
X509Ptr MakeTsaCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key);
// Like MakeSignerCert with its own validity window, e.g. a certificate that
// has expired since a timestamp was taken.
X509Ptr MakeSignerCertValid(const std::string& cn, EVP_PKEY* key, X509* issuer,
                            EVP_PKEY* issuer_key, absl::Time not_before, absl::Time not_after);

std::string Pem(X509* cert);
std::string Der(X509* cert);

// A root CA and a TSA under it: with signer certificates from MakeSignerCert,
// what most signing tests need.
struct TestPki {
  PkeyPtr ca_key;   // RSA 2048
  X509Ptr ca;       // "Hopso Test CA"
  PkeyPtr tsa_key;  // P-256
  X509Ptr tsa;      // "Hopso Test TSA"
};
TestPki MakeTestPki();

// InProcessTsa
//
// An RFC 3161 authority in this process (OpenSSL's TS_RESP_CTX): policy
// 1.2.3.4.1, SHA-256 imprints, signed with SHA-256 and an ESSCertIDv2, the
// TSA certificate included in the token. Tokens are not checked the way
// HttpTimestampAuthority checks them: it is the authority, not a client.
class InProcessTsa : public TimestampAuthority {
 public:
  // Takes its own references to `cert` (which must allow timeStamping, see
  // MakeTsaCert) and `key`.
  InProcessTsa(X509* cert, EVP_PKEY* key);
  absl::StatusOr<std::string> Timestamp(absl::string_view data) override;

  // While failing, Timestamp returns UNAVAILABLE and issues nothing.
  void set_failing(bool failing) { failing_ = failing; }
  // The genTime of the tokens issued from now on (whole seconds); the
  // current time unless set.
  void set_time(absl::Time time) { time_ = absl::ToUnixSeconds(time); }
  // Tokens issued so far.
  int issued() const { return issued_; }

 private:
  X509Ptr cert_;
  PkeyPtr key_;
  std::atomic<bool> failing_{false};
  std::atomic<int> issued_{0};
  std::atomic<int64_t> time_{-1};  // Unix seconds; -1: now
};

}  // namespace hopso::pdf::testing

#endif  // HOPSO_PDF_INTERNAL_TEST_KEYS_H_
