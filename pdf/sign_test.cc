// SignPdf checked by oracles that share no code with it: poppler's pdfsig
// (signature validity, whole-document coverage), `openssl cms -verify` and
// `-cmsout -print` on the CMS cut out of the file by its /ByteRange, and
// pdftotext for the visible block; for B-T, `openssl ts -verify` of the
// token against the signature value. Keys come from pdf/internal/test_keys.h.
#include "pdf/sign.h"

#include <filesystem>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_keys.h"
#include "pdf/internal/test_tools.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::testing::ChairAppearance;
using ::hopso::pdf::testing::CountOccurrences;
using ::hopso::pdf::testing::FindSignatures;
using ::hopso::pdf::testing::FoundSignature;
using ::hopso::pdf::testing::InProcessTsa;
using ::hopso::pdf::testing::MakeCaCert;
using ::hopso::pdf::testing::MakeEcKey;
using ::hopso::pdf::testing::MakeSignerCert;
using ::hopso::pdf::testing::MakeTestSigners;
using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::Pem;
using ::hopso::pdf::testing::PkeyPtr;
using ::hopso::pdf::testing::QpdfCheck;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::ReadSignerTimestamps;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::SecretaryAppearance;
using ::hopso::pdf::testing::SignerTimestamps;
using ::hopso::pdf::testing::TestSigners;
using ::hopso::pdf::testing::WriteFileOrDie;
using ::hopso::pdf::testing::WriteSimplePdf;
using ::hopso::pdf::testing::X509Ptr;
using ::testing::HasSubstr;
using ::testing::Not;

// An authority whose token is too big for the space reserved in the PDF.
class HugeTokenAuthority : public TimestampAuthority {
 public:
  absl::StatusOr<std::string> Timestamp(absl::string_view) override {
    // SEQUENCE { OCTET STRING of 20000 bytes }
    std::string token = "\x30\x82\x4e\x24\x04\x82\x4e\x20";
    token.append(20000, 'x');
    return token;
  }
};

class SignPdfTest : public ::testing::Test {
 protected:
  // Made once for the suite: RSA key generation is slow.
  static void SetUpTestSuite() { signers_ = new TestSigners(MakeTestSigners()); }
  static void TearDownTestSuite() {
    delete signers_;
    signers_ = nullptr;
  }
  static X509* ca() { return signers_->pki.ca.get(); }
  static EVP_PKEY* ca_key() { return signers_->pki.ca_key.get(); }
  static LocalKey& chair() { return *signers_->chair; }
  static LocalKey& secretary() { return *signers_->secretary; }

  void SetUp() override {
    WriteFileOrDie(dir_.File("ca.pem"), Pem(ca()));
    input_ = dir_.File("minutes.pdf");
    WriteSimplePdf(input_, "Bien ban hop Hoi dong");
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

  // `openssl ts -verify` of `token` against `data` (openssl hashes it),
  // trusting only the test CA; its output in *output.
  bool TimestampVerifies(const std::string& token, const std::string& data, int index,
                         std::string* output) {
    const std::string file = dir_.File(absl::StrCat("token", index, ".der"));
    const std::string data_file = dir_.File(absl::StrCat("stamped", index, ".bin"));
    WriteFileOrDie(file, token);
    WriteFileOrDie(data_file, data);
    const auto r = RunCommand({"openssl", "ts", "-verify", "-data", data_file, "-in", file,
                               "-token_in", "-CAfile", dir_.File("ca.pem")},
                              true);
    *output = r.output;
    return r.exit_code == 0 && r.output.find("Verification: OK") != std::string::npos;
  }

  static TestSigners* signers_;
  ScopedTempDir dir_;
  std::string input_;
};

TestSigners* SignPdfTest::signers_ = nullptr;

TEST_F(SignPdfTest, OneSignatureIsValidPadesBaselineB) {
  const std::string out = dir_.File("signed1.pdf");
  ASSERT_TRUE(SignPdf(input_, out, "ChuToa", ChairAppearance(), chair()).ok());
  const auto pdfsig = RunCommand({"pdfsig", out}, true);
  EXPECT_EQ(CountOccurrences(pdfsig.output, "Signature is Valid."), 1) << pdfsig.output;
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
  ASSERT_TRUE(SignPdf(input_, once, "ChuToa", ChairAppearance(), chair()).ok());
  const absl::Status status = SignPdf(once, twice, "ThuKy", SecretaryAppearance(), secretary());
  ASSERT_TRUE(status.ok()) << status;
  const auto pdfsig = RunCommand({"pdfsig", twice}, true);
  EXPECT_EQ(CountOccurrences(pdfsig.output, "Signature is Valid."), 2) << pdfsig.output;
  EXPECT_EQ(CountOccurrences(pdfsig.output, "ETSI.CAdES.detached"), 2) << pdfsig.output;
  EXPECT_EQ(CountOccurrences(pdfsig.output, "Total document signed"), 1) << pdfsig.output;
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
  EXPECT_TRUE(QpdfCheck(twice, &check)) << check;
}

TEST_F(SignPdfTest, AppearanceTextComesBackFromPdfToText) {
  const std::string once = dir_.File("signed1.pdf");
  const std::string twice = dir_.File("signed2.pdf");
  ASSERT_TRUE(SignPdf(input_, once, "ChuToa", ChairAppearance(), chair()).ok());
  ASSERT_TRUE(SignPdf(once, twice, "ThuKy", SecretaryAppearance(), secretary()).ok());
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
  ASSERT_TRUE(SignPdf(input_, out, "ChuToa", ChairAppearance(), chair()).ok());
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
  ASSERT_TRUE(SignPdf(input_, once, "ChuToa", ChairAppearance(), chair()).ok());
  const absl::Status status = SignPdf(once, twice, "ChuToa", SecretaryAppearance(), secretary());
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_FALSE(std::filesystem::exists(twice));
  EXPECT_FALSE(std::filesystem::exists(twice + ".part"));
}

TEST_F(SignPdfTest, UnreadableInputIsRefusedWithoutOutput) {
  const std::string garbage = dir_.File("garbage.pdf");
  WriteFileOrDie(garbage, "%PDF-1.7\nthis is not a pdf\n");
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(garbage, out, "ChuToa", ChairAppearance(), chair());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(SignPdf(dir_.File("missing.pdf"), out, "ChuToa", ChairAppearance(), chair()).code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(SignPdfTest, EncryptedInputIsFailedPrecondition) {
  const std::string encrypted = dir_.File("encrypted.pdf");
  const auto r = RunCommand({"qpdf", "--encrypt", "user", "owner", "256", "--", input_, encrypted},
                            true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(encrypted, out, "ChuToa", ChairAppearance(), chair());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(SignPdfTest, ChainCertificatesAreEmbedded) {
  const PkeyPtr sub_key = MakeEcKey();
  const X509Ptr sub = MakeCaCert("Hopso Test Sub CA", sub_key.get(), ca(), ca_key());
  const PkeyPtr key = MakeEcKey();
  const X509Ptr cert = MakeSignerCert("Lê Thị Hồng", key.get(), sub.get(), sub_key.get());
  auto local = LocalKey::Create(key.get(), cert.get(), {sub.get()});
  ASSERT_TRUE(local.ok()) << local.status();
  const std::string out = dir_.File("chain.pdf");
  const absl::Status status = SignPdf(input_, out, "ThuKy", SecretaryAppearance(), **local);
  ASSERT_TRUE(status.ok()) << status;
  const std::vector<FoundSignature> sigs = FindSignatures(ReadFileOrDie(out));
  ASSERT_EQ(sigs.size(), 1u);
  // Only the root is given to openssl: the sub-CA must come from the CMS.
  std::string output;
  EXPECT_TRUE(OpenSslVerify(sigs[0], 0, &output)) << output;
  const auto pdfsig = RunCommand({"pdfsig", out}, true);
  EXPECT_EQ(CountOccurrences(pdfsig.output, "Signature is Valid."), 1) << pdfsig.output;
}

TEST_F(SignPdfTest, BaselineTCarriesATokenOverTheSignatureValue) {
  InProcessTsa tsa(signers_->pki.tsa.get(), signers_->pki.tsa_key.get());
  const std::string out = dir_.File("signed1.pdf");
  const absl::Status status = SignPdf(input_, out, "ChuToa", ChairAppearance(), chair(), &tsa);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(tsa.issued(), 1);
  const auto pdfsig = RunCommand({"pdfsig", out}, true);
  EXPECT_EQ(CountOccurrences(pdfsig.output, "Signature is Valid."), 1) << pdfsig.output;
  EXPECT_THAT(pdfsig.output, HasSubstr("ETSI.CAdES.detached"));
  EXPECT_THAT(pdfsig.output, HasSubstr("Total document signed"));
  const std::vector<FoundSignature> sigs = FindSignatures(ReadFileOrDie(out));
  ASSERT_EQ(sigs.size(), 1u);
  std::string output;
  EXPECT_TRUE(OpenSslVerify(sigs[0], 0, &output)) << output;
  const std::string printed = CmsPrint(sigs[0], 0);
  const size_t unsigned_attrs = printed.find("unsignedAttrs");
  ASSERT_NE(unsigned_attrs, std::string::npos) << printed;
  EXPECT_THAT(printed.substr(unsigned_attrs), HasSubstr("id-smime-aa-timeStampToken"));
  // The token's own SignerInfo may have a signing time; ours still has none.
  EXPECT_THAT(printed.substr(0, unsigned_attrs), Not(HasSubstr("signingTime")));
  const SignerTimestamps found = ReadSignerTimestamps(sigs[0].cms_der);
  ASSERT_EQ(found.tokens.size(), 1u);
  ASSERT_FALSE(found.signature_value.empty());
  EXPECT_TRUE(TimestampVerifies(found.tokens[0], found.signature_value, 0, &output)) << output;
  // The oracle does look at the imprint: the signed bytes are not what was stamped.
  EXPECT_FALSE(TimestampVerifies(found.tokens[0], sigs[0].signed_bytes, 1, &output)) << output;
}

TEST_F(SignPdfTest, ChairThenSecretaryBaselineTBothValid) {
  InProcessTsa tsa(signers_->pki.tsa.get(), signers_->pki.tsa_key.get());
  const std::string once = dir_.File("signed1.pdf");
  const std::string twice = dir_.File("signed2.pdf");
  ASSERT_TRUE(SignPdf(input_, once, "ChuToa", ChairAppearance(), chair(), &tsa).ok());
  const absl::Status status =
      SignPdf(once, twice, "ThuKy", SecretaryAppearance(), secretary(), &tsa);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(tsa.issued(), 2);
  const auto pdfsig = RunCommand({"pdfsig", twice}, true);
  EXPECT_EQ(CountOccurrences(pdfsig.output, "Signature is Valid."), 2) << pdfsig.output;
  EXPECT_EQ(CountOccurrences(pdfsig.output, "ETSI.CAdES.detached"), 2) << pdfsig.output;
  const std::vector<FoundSignature> sigs = FindSignatures(ReadFileOrDie(twice));
  ASSERT_EQ(sigs.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    std::string output;
    EXPECT_TRUE(OpenSslVerify(sigs[i], i, &output)) << i << ": " << output;
    const SignerTimestamps found = ReadSignerTimestamps(sigs[i].cms_der);
    ASSERT_EQ(found.tokens.size(), 1u) << i;
    EXPECT_TRUE(TimestampVerifies(found.tokens[0], found.signature_value, i, &output))
        << i << ": " << output;
  }
  std::string check;
  EXPECT_TRUE(QpdfCheck(twice, &check)) << check;
}

TEST_F(SignPdfTest, WithoutAuthorityThereIsNoToken) {
  const std::string out = dir_.File("signed1.pdf");
  ASSERT_TRUE(SignPdf(input_, out, "ChuToa", ChairAppearance(), chair()).ok());
  const std::vector<FoundSignature> sigs = FindSignatures(ReadFileOrDie(out));
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_THAT(CmsPrint(sigs[0], 0), Not(HasSubstr("id-smime-aa-timeStampToken")));
  EXPECT_TRUE(ReadSignerTimestamps(sigs[0].cms_der).tokens.empty());
}

TEST_F(SignPdfTest, AuthorityFailureIsReturnedWithoutOutput) {
  InProcessTsa tsa(signers_->pki.tsa.get(), signers_->pki.tsa_key.get());
  tsa.set_failing(true);
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(input_, out, "ChuToa", ChairAppearance(), chair(), &tsa);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(tsa.issued(), 0);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));
}

TEST_F(SignPdfTest, TokenTooBigForTheReserveIsResourceExhausted) {
  HugeTokenAuthority tsa;
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(input_, out, "ChuToa", ChairAppearance(), chair(), &tsa);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(status.message(), HasSubstr("timestamp"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));
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
  FailingKey key(signers_->chair_cert.get());
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(input_, out, "ChuToa", ChairAppearance(), key);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));
}

TEST_F(SignPdfTest, BadFieldNameOrPageIsInvalidArgument) {
  const std::string out = dir_.File("out.pdf");
  EXPECT_EQ(SignPdf(input_, out, "", ChairAppearance(), chair()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignPdf(input_, out, "Chủ tọa", ChairAppearance(), chair()).code(),
            absl::StatusCode::kInvalidArgument);
  SignatureAppearance far = ChairAppearance();
  far.page = 3;
  EXPECT_EQ(SignPdf(input_, out, "ChuToa", far, chair()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(LocalKeyTest, MismatchedKeyIsInvalidArgument) {
  const PkeyPtr a = MakeEcKey();
  const PkeyPtr b = MakeEcKey();
  const X509Ptr cert = MakeCaCert("A", a.get());
  EXPECT_EQ(LocalKey::Create(b.get(), cert.get()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(LocalKey::Create(a.get(), cert.get()).ok());
}

}  // namespace
}  // namespace hopso::pdf
