// Test support for pdf/: keys, certificates and an in-process RFC 3161
// timestamp authority, made with OpenSSL for signing and verification tests;
// the chair and the secretary who sign in those tests; and a reader for the
// timestamps in a CMS. Test-only; never linked into the server. Failures
// throw std::runtime_error (gtest reports it as a test failure).
#ifndef HOPSO_PDF_INTERNAL_TEST_KEYS_H_
#define HOPSO_PDF_INTERNAL_TEST_KEYS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pdf/internal/openssl_util.h"
#include "pdf/sign.h"
#include "pdf/timestamp.h"

namespace hopso::pdf::testing {

using ::hopso::pdf::internal::PkeyPtr;
using ::hopso::pdf::internal::X509Ptr;

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
// Unencrypted PKCS#8 PEM, for tools that sign with a key file (podofosign).
std::string PrivateKeyPem(EVP_PKEY* key);

// A root CA and a TSA under it: with signer certificates from MakeSignerCert,
// what most signing tests need.
struct TestPki {
  PkeyPtr ca_key;   // RSA 2048
  X509Ptr ca;       // "Hopso Test CA"
  PkeyPtr tsa_key;  // P-256
  X509Ptr tsa;      // "Hopso Test TSA"
};
TestPki MakeTestPki();

// TestSigners
//
// The chair (RSA 2048, "Phan Minh Khoa") and the secretary (P-256, "Lê Thị
// Hồng") who sign the minutes in the signing and verification tests: their
// keys, certificates from the CA of `pki`, and LocalKeys over them. RSA key
// generation is slow: make them once per test suite.
struct TestSigners {
  TestPki pki;
  PkeyPtr chair_key;
  X509Ptr chair_cert;
  std::unique_ptr<LocalKey> chair;
  PkeyPtr secretary_key;
  X509Ptr secretary_cert;
  std::unique_ptr<LocalKey> secretary;
};
TestSigners MakeTestSigners();

// Unix microseconds of a minute in Vietnam time (UTC+07:00).
int64_t VietnamMicros(int year, int month, int day, int hour, int minute);

// Where and when they sign: the chair's block at the foot of page 1 on the
// left, claimed at 30/11/2026 14:05; the secretary's on the right, with a
// place, at 14:09 (Vietnam time).
SignatureAppearance ChairAppearance();
SignatureAppearance SecretaryAppearance();

// A CMS signer's signature value and the id-aa-signatureTimeStampToken
// values (DER) among its unsigned attributes; both empty when `cms_der` is
// not a CMS with exactly one signer.
struct SignerTimestamps {
  std::string signature_value;
  std::vector<std::string> tokens;
};
SignerTimestamps ReadSignerTimestamps(const std::string& cms_der);

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
