// SignPdf checked by oracles that share no code with it: poppler's pdfsig
// (signature validity, whole-document coverage), `openssl cms -verify` and
// `-cmsout -print` on the CMS cut out of the file by its /ByteRange, and
// pdftotext for the visible block. The CA and keys are made here.
#include "pdf/sign.h"

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::WriteFileOrDie;
using ::hopso::pdf::testing::WriteSimplePdf;
using ::testing::HasSubstr;
using ::testing::Not;

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` signed by `issuer_key` (self-signed when `issuer`
// is null), valid from a day ago for a year.
X509* MakeCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
               bool ca, long serial) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("VN"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(signer));
  AddExt(cert, signer, NID_subject_key_identifier, "hash");
  AddExt(cert, signer, NID_authority_key_identifier, "keyid:always");
  if (ca) {
    AddExt(cert, signer, NID_basic_constraints, "critical,CA:TRUE");
    AddExt(cert, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExt(cert, signer, NID_basic_constraints, "critical,CA:FALSE");
    AddExt(cert, signer, NID_key_usage, "critical,digitalSignature,nonRepudiation");
  }
  EXPECT_GT(X509_sign(cert, issuer_key, EVP_sha256()), 0);
  return cert;
}

std::string Pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

// One signature as written in the file.
struct FoundSignature {
  long range[4] = {0, 0, 0, 0};
  std::string signed_bytes;
  std::string cms_der;
};

std::vector<FoundSignature> FindSignatures(const std::string& pdf) {
  std::vector<FoundSignature> out;
  static const std::regex kByteRange(
      R"(/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\])");
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), kByteRange);
       it != std::sregex_iterator(); ++it) {
    FoundSignature s;
    for (int i = 0; i < 4; ++i) s.range[i] = std::stol((*it)[i + 1].str());
    if (s.range[1] == 0) continue;  // a placeholder
    s.signed_bytes = pdf.substr(s.range[0], s.range[1]) + pdf.substr(s.range[2], s.range[3]);
    // Between the ranges: <hex>, zero-padded.
    const std::string hex = pdf.substr(s.range[0] + s.range[1] + 1,
                                       s.range[2] - (s.range[0] + s.range[1]) - 2);
    std::string der;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      der.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    // Cut the trailing zeros: the outer SEQUENCE's own length.
    if (der.size() > 4 && static_cast<unsigned char>(der[0]) == 0x30) {
      const unsigned char l = static_cast<unsigned char>(der[1]);
      size_t total = 0;
      if (l < 0x80) {
        total = 2 + l;
      } else {
        const int n = l & 0x7f;
        size_t len = 0;
        for (int i = 0; i < n; ++i) len = (len << 8) | static_cast<unsigned char>(der[2 + i]);
        total = 2 + n + len;
      }
      der.resize(std::min(total, der.size()));
    }
    s.cms_der = der;
    out.push_back(std::move(s));
  }
  return out;
}

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

int64_t VietnamMicros(int y, int mo, int d, int h, int mi) {
  return absl::ToUnixMicros(
      absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::FixedTimeZone(7 * 3600)));
}

class SignPdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_key_ = EVP_RSA_gen(2048);
    ca_ = MakeCert("Hopso Test CA", ca_key_, nullptr, ca_key_, true, 1);
    chair_key_ = EVP_RSA_gen(2048);
    chair_cert_ = MakeCert("Phan Minh Khoa", chair_key_, ca_, ca_key_, false, 2);
    secretary_key_ = EVP_EC_gen("P-256");
    secretary_cert_ = MakeCert("Lê Thị Hồng", secretary_key_, ca_, ca_key_, false, 3);
    ASSERT_NE(secretary_key_, nullptr);
    WriteFileOrDie(dir_.File("ca.pem"), Pem(ca_));
    auto chair = LocalKey::Create(chair_key_, chair_cert_);
    ASSERT_TRUE(chair.ok()) << chair.status();
    chair_ = std::move(*chair);
    auto secretary = LocalKey::Create(secretary_key_, secretary_cert_);
    ASSERT_TRUE(secretary.ok()) << secretary.status();
    secretary_ = std::move(*secretary);
    input_ = dir_.File("minutes.pdf");
    WriteSimplePdf(input_, "Bien ban hop Hoi dong");
  }
  void TearDown() override {
    chair_.reset();
    secretary_.reset();
    for (X509* c : {ca_, chair_cert_, secretary_cert_}) X509_free(c);
    for (EVP_PKEY* k : {ca_key_, chair_key_, secretary_key_}) EVP_PKEY_free(k);
  }

  SignatureAppearance Chair() const {
    SignatureAppearance a;
    a.signer_name = "Phan Minh Khoa";
    a.role = "Chủ tọa";
    a.time_micros = VietnamMicros(2026, 11, 30, 14, 5);
    a.x = 40;
    a.y = 40;
    a.width = 220;
    a.height = 60;
    return a;
  }
  SignatureAppearance Secretary() const {
    SignatureAppearance a;
    a.signer_name = "Lê Thị Hồng";
    a.role = "Thư ký";
    a.place = "Hà Nội";
    a.time_micros = VietnamMicros(2026, 11, 30, 14, 9);
    a.x = 300;
    a.y = 40;
    a.width = 220;
    a.height = 70;
    return a;
  }

  // `openssl cms -verify` of one signature; its output in *output.
  bool OpenSslVerify(const FoundSignature& s, int index, std::string* output) {
    const std::string der = dir_.File(absl::StrCat("sig", index, ".der"));
    const std::string content = dir_.File(absl::StrCat("content", index, ".bin"));
    WriteFileOrDie(der, s.cms_der);
    WriteFileOrDie(content, s.signed_bytes);
    const auto r = RunCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                               der, "-content", content, "-CAfile", dir_.File("ca.pem"),
                               "-cades", "-purpose", "any", "-out", "/dev/null"},
                              true);
    *output = r.output;
    return r.exit_code == 0;
  }
  std::string CmsPrint(const FoundSignature& s, int index) {
    const std::string der = dir_.File(absl::StrCat("print", index, ".der"));
    WriteFileOrDie(der, s.cms_der);
    return RunCommand({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", der}, true)
        .output;
  }

  ScopedTempDir dir_;
  EVP_PKEY* ca_key_ = nullptr;
  X509* ca_ = nullptr;
  EVP_PKEY* chair_key_ = nullptr;
  X509* chair_cert_ = nullptr;
  EVP_PKEY* secretary_key_ = nullptr;
  X509* secretary_cert_ = nullptr;
  std::unique_ptr<LocalKey> chair_;
  std::unique_ptr<LocalKey> secretary_;
  std::string input_;
};

TEST_F(SignPdfTest, OneSignatureIsValidPadesBaselineB) {
  const std::string out = dir_.File("signed1.pdf");
  ASSERT_TRUE(SignPdf(input_, out, "ChuToa", Chair(), *chair_).ok());
  const auto pdfsig = RunCommand({"pdfsig", out}, true);
  EXPECT_EQ(Count(pdfsig.output, "Signature is Valid."), 1) << pdfsig.output;
  EXPECT_THAT(pdfsig.output, HasSubstr("ETSI.CAdES.detached"));
  EXPECT_THAT(pdfsig.output, HasSubstr("Total document signed"));
  const std::vector<FoundSignature> sigs = FindSignatures(ReadFileOrDie(out));
  ASSERT_EQ(sigs.size(), 1u);
  std::string output;
  EXPECT_TRUE(OpenSslVerify(sigs[0], 0, &output)) << output;
  const std::string printed = CmsPrint(sigs[0], 0);
  EXPECT_THAT(printed, HasSubstr("id-smime-aa-signingCertificateV2"));
  EXPECT_THAT(printed, HasSubstr("messageDigest"));
  EXPECT_THAT(printed, HasSubstr("contentType"));
  EXPECT_THAT(printed, Not(HasSubstr("signingTime")));
  // The original bytes come first, unchanged.
  const std::string original = ReadFileOrDie(input_);
  EXPECT_TRUE(ReadFileOrDie(out).substr(0, original.size()) == original);
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));
}

TEST_F(SignPdfTest, ChairThenSecretaryBothValid) {
  const std::string once = dir_.File("signed1.pdf");
  const std::string twice = dir_.File("signed2.pdf");
  ASSERT_TRUE(SignPdf(input_, once, "ChuToa", Chair(), *chair_).ok());
  const absl::Status status = SignPdf(once, twice, "ThuKy", Secretary(), *secretary_);
  ASSERT_TRUE(status.ok()) << status;
  const auto pdfsig = RunCommand({"pdfsig", twice}, true);
  EXPECT_EQ(Count(pdfsig.output, "Signature is Valid."), 2) << pdfsig.output;
  EXPECT_EQ(Count(pdfsig.output, "ETSI.CAdES.detached"), 2) << pdfsig.output;
  EXPECT_EQ(Count(pdfsig.output, "Total document signed"), 1) << pdfsig.output;
  // The last signature is the one that covers the whole document.
  const size_t sig2 = pdfsig.output.find("Signature #2");
  ASSERT_NE(sig2, std::string::npos) << pdfsig.output;
  EXPECT_THAT(pdfsig.output.substr(sig2), HasSubstr("Total document signed"));
  const std::vector<FoundSignature> sigs = FindSignatures(ReadFileOrDie(twice));
  ASSERT_EQ(sigs.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    std::string output;
    EXPECT_TRUE(OpenSslVerify(sigs[i], i, &output)) << i << ": " << output;
    const std::string printed = CmsPrint(sigs[i], i);
    EXPECT_THAT(printed, HasSubstr("id-smime-aa-signingCertificateV2")) << i;
    EXPECT_THAT(printed, Not(HasSubstr("signingTime"))) << i;
  }
  EXPECT_THAT(CmsPrint(sigs[1], 1), HasSubstr("ecdsa-with-SHA256"));
  // The first revision is a prefix of the second.
  const std::string first = ReadFileOrDie(once);
  EXPECT_TRUE(ReadFileOrDie(twice).substr(0, first.size()) == first);
  std::string check;
  EXPECT_TRUE(::hopso::pdf::testing::QpdfCheck(twice, &check)) << check;
}

TEST_F(SignPdfTest, AppearanceTextComesBackFromPdfToText) {
  const std::string once = dir_.File("signed1.pdf");
  const std::string twice = dir_.File("signed2.pdf");
  ASSERT_TRUE(SignPdf(input_, once, "ChuToa", Chair(), *chair_).ok());
  ASSERT_TRUE(SignPdf(once, twice, "ThuKy", Secretary(), *secretary_).ok());
  const std::string text = PdfToText(twice);
  EXPECT_THAT(text, HasSubstr("Ký bởi: Phan Minh Khoa")) << text;
  EXPECT_THAT(text, HasSubstr("Chủ tọa")) << text;
  EXPECT_THAT(text, HasSubstr("Thời gian: 30/11/2026 14:05")) << text;
  EXPECT_THAT(text, HasSubstr("Ký bởi: Lê Thị Hồng")) << text;
  EXPECT_THAT(text, HasSubstr("Thư ký")) << text;
  EXPECT_THAT(text, HasSubstr("Thời gian: 30/11/2026 14:09")) << text;
  EXPECT_THAT(text, HasSubstr("Tại: Hà Nội")) << text;
  // /M carries the claimed time in Vietnam time.
  // (PoDoFo writes the signature dictionary compactly, keys sorted.)
  EXPECT_NE(ReadFileOrDie(once).find("/M(D:20261130140500+07'00')/SubFilter/ETSI.CAdES.detached"),
            std::string::npos);
}

TEST_F(SignPdfTest, TamperedByteIsDigestMismatch) {
  const std::string out = dir_.File("signed1.pdf");
  ASSERT_TRUE(SignPdf(input_, out, "ChuToa", Chair(), *chair_).ok());
  std::string bytes = ReadFileOrDie(out);
  const size_t at = bytes.find("Bien ban");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'X';
  const std::string tampered = dir_.File("tampered.pdf");
  WriteFileOrDie(tampered, bytes);
  const auto pdfsig = RunCommand({"pdfsig", tampered}, true);
  EXPECT_THAT(pdfsig.output, HasSubstr("Digest Mismatch")) << pdfsig.output;
  EXPECT_THAT(pdfsig.output, Not(HasSubstr("Signature is Valid.")));
}

TEST_F(SignPdfTest, ExistingFieldNameIsAlreadyExists) {
  const std::string once = dir_.File("signed1.pdf");
  const std::string twice = dir_.File("signed2.pdf");
  ASSERT_TRUE(SignPdf(input_, once, "ChuToa", Chair(), *chair_).ok());
  const absl::Status status = SignPdf(once, twice, "ChuToa", Secretary(), *secretary_);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_FALSE(std::filesystem::exists(twice));
  EXPECT_FALSE(std::filesystem::exists(twice + ".part"));
}

TEST_F(SignPdfTest, UnreadableInputIsRefusedWithoutOutput) {
  const std::string garbage = dir_.File("garbage.pdf");
  WriteFileOrDie(garbage, "%PDF-1.7\nthis is not a pdf\n");
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(garbage, out, "ChuToa", Chair(), *chair_);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(SignPdf(dir_.File("missing.pdf"), out, "ChuToa", Chair(), *chair_).code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(SignPdfTest, EncryptedInputIsFailedPrecondition) {
  const std::string encrypted = dir_.File("encrypted.pdf");
  const auto r = RunCommand({"qpdf", "--encrypt", "user", "owner", "256", "--", input_, encrypted},
                            true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(encrypted, out, "ChuToa", Chair(), *chair_);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(SignPdfTest, ChainCertificatesAreEmbedded) {
  EVP_PKEY* sub_key = EVP_EC_gen("P-256");
  X509* sub = MakeCert("Hopso Test Sub CA", sub_key, ca_, ca_key_, true, 10);
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = MakeCert("Lê Thị Hồng", key, sub, sub_key, false, 11);
  auto local = LocalKey::Create(key, cert, {sub});
  ASSERT_TRUE(local.ok()) << local.status();
  const std::string out = dir_.File("chain.pdf");
  const absl::Status status = SignPdf(input_, out, "ThuKy", Secretary(), **local);
  ASSERT_TRUE(status.ok()) << status;
  const std::vector<FoundSignature> sigs = FindSignatures(ReadFileOrDie(out));
  ASSERT_EQ(sigs.size(), 1u);
  // Only the root is given to openssl: the sub-CA must come from the CMS.
  std::string output;
  EXPECT_TRUE(OpenSslVerify(sigs[0], 0, &output)) << output;
  const auto pdfsig = RunCommand({"pdfsig", out}, true);
  EXPECT_EQ(Count(pdfsig.output, "Signature is Valid."), 1) << pdfsig.output;
  local->reset();
  X509_free(cert);
  X509_free(sub);
  EVP_PKEY_free(key);
  EVP_PKEY_free(sub_key);
}

// A key whose signing step fails, as a token that refuses would.
class FailingKey : public SignatureKey {
 public:
  explicit FailingKey(X509* cert) : cert_(cert) {}
  absl::StatusOr<std::string> Sign(absl::string_view) override {
    return absl::UnavailableError("token removed");
  }
  X509* certificate() const override { return cert_; }
  const std::vector<X509*>& chain() const override { return chain_; }

 private:
  X509* cert_;
  std::vector<X509*> chain_;
};

TEST_F(SignPdfTest, KeyFailureIsReturnedWithoutOutput) {
  FailingKey key(chair_cert_);
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(input_, out, "ChuToa", Chair(), key);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));
}

TEST_F(SignPdfTest, BadFieldNameOrPageIsInvalidArgument) {
  const std::string out = dir_.File("out.pdf");
  EXPECT_EQ(SignPdf(input_, out, "", Chair(), *chair_).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignPdf(input_, out, "Chủ tọa", Chair(), *chair_).code(),
            absl::StatusCode::kInvalidArgument);
  SignatureAppearance far = Chair();
  far.page = 3;
  EXPECT_EQ(SignPdf(input_, out, "ChuToa", far, *chair_).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(LocalKeyTest, MismatchedKeyIsInvalidArgument) {
  EVP_PKEY* a = EVP_EC_gen("P-256");
  EVP_PKEY* b = EVP_EC_gen("P-256");
  X509* cert = MakeCert("A", a, nullptr, a, true, 1);
  EXPECT_EQ(LocalKey::Create(b, cert).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(LocalKey::Create(a, cert).ok());
  X509_free(cert);
  EVP_PKEY_free(a);
  EVP_PKEY_free(b);
}

}  // namespace
}  // namespace hopso::pdf
