// The certificate functions with keys held in memory (token_test.cc runs
// them with token keys): what they refuse, validity, names, serials, parsing,
// checks on outside certificates and certificate requests, read back with
// OpenSSL's API and the `openssl` tool.
#include "server/signing/ca.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"

namespace hopso::server::signing {
namespace {

using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::WriteFileOrDie;
using ::testing::HasSubstr;

constexpr char kOrganisation[] = "Sở Tư pháp tỉnh Thừa Thiên Huế";
constexpr char kSignerName[] = "Phan Minh Khoa";

// RSA keys are slow to make; the tests share three, each made when first
// needed (ctest runs every test in a process of its own).
EVP_PKEY* Key(int i) {
  static EvpPkeyPtr* const keys = new EvpPkeyPtr[3];
  if (keys[i] == nullptr) keys[i].reset(EVP_RSA_gen(2048));
  return keys[i].get();
}

X509Ptr Ca(int validity_days = 3650) {
  absl::StatusOr<X509Ptr> ca =
      MakeCaCertificate(Key(0), {.organisation = kOrganisation, .validity_days = validity_days});
  EXPECT_TRUE(ca.ok()) << ca.status();
  return ca.ok() ? *std::move(ca) : nullptr;
}

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

int64_t Seconds(const ASN1_TIME* from, const ASN1_TIME* to) {
  int days = 0;
  int seconds = 0;
  EXPECT_EQ(ASN1_TIME_diff(&days, &seconds, from, to), 1);
  return int64_t{days} * 86400 + seconds;
}

// The ASN.1 string type of the first `nid` entry of the subject.
int EntryType(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return -1;
  return ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
}

TEST(CaTest, RefusesBadCaSubjects) {
  const auto code = [](EVP_PKEY* key, const CaSubject& subject) {
    return MakeCaCertificate(key, subject).status().code();
  };
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code(nullptr, {.organisation = "A"}), kInvalid);
  EXPECT_EQ(code(Key(0), {.organisation = ""}), kInvalid);
  EXPECT_EQ(code(Key(0), {.organisation = "  "}), kInvalid);
  EXPECT_EQ(code(Key(0), {.organisation = "UBND \xC3\x28"}), kInvalid);  // invalid UTF-8
  EXPECT_EQ(code(Key(0), {.organisation = "UBND\ntỉnh"}), kInvalid);
  // 53 characters and " - Hopso CA" fill the 64 a CN may have; 54 do not.
  std::string org;
  for (int i = 0; i < 53; ++i) org += "ệ";
  EXPECT_TRUE(MakeCaCertificate(Key(0), {.organisation = org}).ok());
  EXPECT_EQ(code(Key(0), {.organisation = org + "a"}), kInvalid);
  EXPECT_EQ(code(Key(0), {.organisation = "A", .country = "vn"}), kInvalid);
  EXPECT_EQ(code(Key(0), {.organisation = "A", .country = "VNM"}), kInvalid);
  EXPECT_EQ(code(Key(0), {.organisation = "A", .validity_days = 0}), kInvalid);
}

TEST(CaTest, CaCertificateIsASelfSignedCa) {
  X509Ptr ca = Ca(/*validity_days=*/30);
  ASSERT_NE(ca, nullptr);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(ca.get()), X509_get_issuer_name(ca.get())), 0);
  EXPECT_EQ(X509_verify(ca.get(), Key(0)), 1);
  EXPECT_EQ(X509_get_key_usage(ca.get()), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NE(X509_get0_subject_key_id(ca.get()), nullptr);
  // Thirty days, starting ten minutes back.
  EXPECT_EQ(Seconds(X509_get0_notBefore(ca.get()), X509_get0_notAfter(ca.get())), 30 * 86400 + 600);

  ScopedTempDir dir;
  WriteFileOrDie(dir.File("ca.pem"), CertificatePem(ca.get()));
  const auto verify =
      RunCommand({"openssl", "verify", "-CAfile", dir.File("ca.pem"), dir.File("ca.pem")}, true);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST(CaTest, SerialsAreRandomPositive128BitNumbers) {
  X509Ptr a = Ca();
  X509Ptr b = Ca();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())), 0);
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(a.get()), nullptr);
  EXPECT_FALSE(BN_is_negative(serial));
  EXPECT_LE(BN_num_bits(serial), 127);
  EXPECT_GE(BN_num_bits(serial), 64);  // fails by chance with probability 2^-63
  BN_free(serial);
}

TEST(CaTest, NamesAreUtf8StringsAndKeepTheirBytes) {
  X509Ptr ca = Ca();
  ASSERT_NE(ca, nullptr);
  // "Nguyễn" with the tilde and circumflex as combining marks (NFD): the
  // bytes are kept as given, not normalised.
  const std::string decomposed = "Nguye\xCC\x82\xCC\x83n Va\xCC\x86n A";
  for (const std::string& name :
       {std::string(kSignerName), std::string("Đặng Thị Hồng Nhung"), decomposed}) {
    absl::StatusOr<X509Ptr> cert = IssueSignerCertificate(
        Key(0), ca.get(), Key(1),
        {.full_name = name, .organisation = kOrganisation, .user_id = "k3xq7m2pa9dtw4ns"});
    ASSERT_TRUE(cert.ok()) << cert.status();
    EXPECT_EQ(CommonName(cert->get()), name);
    EXPECT_EQ(EntryType(cert->get(), NID_commonName), V_ASN1_UTF8STRING);
    EXPECT_EQ(EntryType(cert->get(), NID_organizationName), V_ASN1_UTF8STRING);
    EXPECT_EQ(EntryType(cert->get(), NID_userId), V_ASN1_UTF8STRING);
    EXPECT_EQ(EntryType(cert->get(), NID_countryName), V_ASN1_PRINTABLESTRING);
  }
  EXPECT_EQ(CommonName(ca.get()), std::string(kOrganisation) + " - Hopso CA");
  EXPECT_EQ(CommonName(nullptr), "");
}

TEST(CaTest, OptionalSignerNamesAreLeftOut) {
  X509Ptr ca = Ca();
  ASSERT_NE(ca, nullptr);
  absl::StatusOr<X509Ptr> cert =
      IssueSignerCertificate(Key(0), ca.get(), Key(1), {.full_name = kSignerName});
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(cert->get())), 2);  // C and CN
  EXPECT_EQ(EntryType(cert->get(), NID_organizationName), -1);
  EXPECT_EQ(EntryType(cert->get(), NID_userId), -1);
}

TEST(CaTest, IssuingRefusesAMismatchedOrNonCaIssuerAndBadNames) {
  X509Ptr ca = Ca();
  ASSERT_NE(ca, nullptr);
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  const SignerSubject subject = {.full_name = kSignerName};
  EXPECT_EQ(IssueSignerCertificate(Key(2), ca.get(), Key(1), subject).status().code(), kInvalid);
  absl::StatusOr<X509Ptr> signer = IssueSignerCertificate(Key(0), ca.get(), Key(1), subject);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(X509_check_ca(signer->get()), 0);
  EXPECT_EQ(IssueSignerCertificate(Key(1), signer->get(), Key(2), subject).status().code(),
            kInvalid);
  EXPECT_EQ(IssueSignerCertificate(Key(0), ca.get(), Key(1), {.full_name = ""}).status().code(),
            kInvalid);
  EXPECT_EQ(IssueSignerCertificate(Key(0), ca.get(), Key(1),
                                   {.full_name = kSignerName, .user_id = std::string(65, 'u')})
                .status()
                .code(),
            kInvalid);
  EXPECT_EQ(IssueSignerCertificate(Key(0), ca.get(), nullptr, subject).status().code(), kInvalid);
}

TEST(CaTest, SignerCertificateEndsNoLaterThanItsCa) {
  X509Ptr ca = Ca(/*validity_days=*/30);
  ASSERT_NE(ca, nullptr);
  absl::StatusOr<X509Ptr> cert = IssueSignerCertificate(
      Key(0), ca.get(), Key(1), {.full_name = kSignerName, .validity_days = 3 * 365});
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(cert->get()), X509_get0_notAfter(ca.get())), 0);
  absl::StatusOr<X509Ptr> shorter = IssueSignerCertificate(
      Key(0), ca.get(), Key(1), {.full_name = kSignerName, .validity_days = 7});
  ASSERT_TRUE(shorter.ok()) << shorter.status();
  EXPECT_EQ(Seconds(X509_get0_notBefore(shorter->get()), X509_get0_notAfter(shorter->get())),
            7 * 86400 + 600);
}

// A bare certificate from "an outside CA": no extensions at all.
X509Ptr BareCertificate(EVP_PKEY* key) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Outside"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key);
  X509_sign(cert.get(), key, EVP_sha256());
  return cert;
}

TEST(CaTest, CheckSignerCertificateChecksKeyTimeAndUsage) {
  X509Ptr ca = Ca();
  ASSERT_NE(ca, nullptr);
  absl::StatusOr<X509Ptr> cert = IssueSignerCertificate(
      Key(0), ca.get(), Key(1), {.full_name = kSignerName, .validity_days = 10});
  ASSERT_TRUE(cert.ok()) << cert.status();
  const int64_t now = NowMicros();
  const int64_t day = absl::ToInt64Microseconds(absl::Hours(24));
  EXPECT_TRUE(CheckSignerCertificate(cert->get(), Key(1), now).ok());
  EXPECT_TRUE(CheckSignerCertificate(cert->get(), Key(1), now + 9 * day).ok());

  const auto message = [&](X509* c, EVP_PKEY* k, int64_t at) {
    const absl::Status status = CheckSignerCertificate(c, k, at);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    return std::string(status.message());
  };
  EXPECT_THAT(message(cert->get(), Key(2), now), HasSubstr("another key"));
  EXPECT_THAT(message(cert->get(), Key(1), now + 11 * day), HasSubstr("expired"));
  EXPECT_THAT(message(cert->get(), Key(1), now - day), HasSubstr("not valid yet"));
  // The CA's own certificate may sign certificates, not documents.
  EXPECT_THAT(message(ca.get(), Key(0), now), HasSubstr("key usage"));
  // No keyUsage at all allows everything.
  X509Ptr bare = BareCertificate(Key(2));
  EXPECT_TRUE(CheckSignerCertificate(bare.get(), Key(2), now).ok());
}

TEST(CaTest, ParsesDerAndPemAndRefusesTheRest) {
  X509Ptr ca = Ca();
  ASSERT_NE(ca, nullptr);
  const std::string der = CertificateDer(ca.get());
  const std::string pem = CertificatePem(ca.get());
  EXPECT_THAT(pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  for (const std::string& input : {der, pem, "\n" + pem}) {
    absl::StatusOr<X509Ptr> parsed = ParseCertificate(input);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(X509_cmp(parsed->get(), ca.get()), 0);
  }
  for (const std::string& bad :
       {std::string(), std::string("not a certificate"), der + "x", der.substr(0, der.size() - 1),
        std::string("-----BEGIN CERTIFICATE-----\nAAAA\n")}) {
    EXPECT_EQ(ParseCertificate(bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(CaTest, CertificateRequestAsksForSigningUsages) {
  absl::StatusOr<std::string> pem = MakeCertificateRequestPem(
      Key(1), {.full_name = kSignerName, .organisation = kOrganisation, .user_id = "u1"});
  ASSERT_TRUE(pem.ok()) << pem.status();
  ScopedTempDir dir;
  WriteFileOrDie(dir.File("req.pem"), *pem);
  const auto verify =
      RunCommand({"openssl", "req", "-verify", "-noout", "-in", dir.File("req.pem")}, true);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_THAT(verify.output, HasSubstr("verify OK"));
  const auto text = RunCommand({"openssl", "req", "-noout", "-text", "-nameopt", "RFC2253,-esc_msb",
                                "-in", dir.File("req.pem")},
                               true);
  EXPECT_THAT(text.output, HasSubstr(std::string("CN=") + kSignerName));
  EXPECT_THAT(text.output, HasSubstr(std::string("O=") + kOrganisation));
  EXPECT_THAT(text.output, HasSubstr("Requested Extensions"));
  EXPECT_THAT(text.output, HasSubstr("Digital Signature, Non Repudiation"));
  EXPECT_THAT(text.output, HasSubstr("E-mail Protection"));
  EXPECT_THAT(text.output,
              testing::AnyOf(HasSubstr("1.3.6.1.5.5.7.3.36"), HasSubstr("Document Signing")));
  EXPECT_EQ(MakeCertificateRequestPem(nullptr, {.full_name = "A"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeCertificateRequestPem(Key(1), {.full_name = ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hopso::server::signing
