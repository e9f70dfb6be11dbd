// SignPdf checked by oracles that share no code with it: poppler's pdfsig
// (signature validity, whole-document coverage), `openssl cms -verify` and
// `-cmsout -print` on the CMS cut out of the file by its /ByteRange, and
// pdftotext for the visible block; for B-T, `openssl ts -verify` of the
// token against the signature value. Keys come from pdf/internal/test_keys.h.
#include "pdf/sign.h"

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "absl/strings/numbers.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_keys.h"
#include "pdf/internal/test_tools.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::testing::InProcessTsa;
using ::hopso::pdf::testing::MakeCaCert;
using ::hopso::pdf::testing::MakeEcKey;
using ::hopso::pdf::testing::MakeRsaKey;
using ::hopso::pdf::testing::MakeSignerCert;
using ::hopso::pdf::testing::MakeTestPki;
using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::Pem;
using ::hopso::pdf::testing::PkeyPtr;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::TestPki;
using ::hopso::pdf::testing::WriteFileOrDie;
using ::hopso::pdf::testing::WriteSimplePdf;
using ::hopso::pdf::testing::X509Ptr;
using ::testing::HasSubstr;
using ::testing::Not;

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

// A signer's signature value and the id-aa-signatureTimeStampToken values
// in its unsigned attributes (DER), read from the CMS with OpenSSL.
struct SignerTimestamps {
  std::string signature_value;
  std::vector<std::string> tokens;
};

SignerTimestamps ReadSignerTimestamps(const std::string& cms_der) {
  SignerTimestamps out;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(cms_der.data());
  std::unique_ptr<CMS_ContentInfo, decltype(&CMS_ContentInfo_free)> cms(
      d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(cms_der.size())), &CMS_ContentInfo_free);
  if (cms == nullptr) return out;
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) return out;
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
  const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
  out.signature_value.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                             static_cast<size_t>(ASN1_STRING_length(value)));
  for (int loc = -1;
       (loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, loc)) >= 0;) {
    X509_ATTRIBUTE* attr = CMS_unsigned_get_attr(si, loc);
    for (int i = 0; i < X509_ATTRIBUTE_count(attr); ++i) {
      const ASN1_TYPE* type = X509_ATTRIBUTE_get0_type(attr, i);
      if (type->type != V_ASN1_SEQUENCE) continue;
      out.tokens.emplace_back(reinterpret_cast<const char*>(type->value.sequence->data),
                              static_cast<size_t>(type->value.sequence->length));
    }
  }
  return out;
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), len));
}

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

int64_t VietnamMicros(int y, int mo, int d, int h, int mi) {
  return absl::ToUnixMicros(
      absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::FixedTimeZone(7 * 3600)));
}

class SignPdfTest : public ::testing::Test {
 protected:
  // Made once for the suite: RSA key generation is slow.
  struct Keys {
    TestPki pki = MakeTestPki();  // the CA and a TSA under it
    PkeyPtr chair_key = MakeRsaKey();
    X509Ptr chair_cert =
        MakeSignerCert("Phan Minh Khoa", chair_key.get(), pki.ca.get(), pki.ca_key.get());
    PkeyPtr secretary_key = MakeEcKey();
    X509Ptr secretary_cert =
        MakeSignerCert("Lê Thị Hồng", secretary_key.get(), pki.ca.get(), pki.ca_key.get());
  };
  static void SetUpTestSuite() { keys_ = new Keys; }
  static void TearDownTestSuite() {
    delete keys_;
    keys_ = nullptr;
  }
  static X509* ca() { return keys_->pki.ca.get(); }
  static EVP_PKEY* ca_key() { return keys_->pki.ca_key.get(); }

  void SetUp() override {
    WriteFileOrDie(dir_.File("ca.pem"), Pem(ca()));
    auto chair = LocalKey::Create(keys_->chair_key.get(), keys_->chair_cert.get());
    ASSERT_TRUE(chair.ok()) << chair.status();
    chair_ = std::move(*chair);
    auto secretary = LocalKey::Create(keys_->secretary_key.get(), keys_->secretary_cert.get());
    ASSERT_TRUE(secretary.ok()) << secretary.status();
    secretary_ = std::move(*secretary);
    input_ = dir_.File("minutes.pdf");
    WriteSimplePdf(input_, "Bien ban hop Hoi dong");
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

  // `openssl ts -verify` of `token` against SHA-256(`data`) (the digest
  // given in hex), trusting only the test CA; its output in *output.
  bool TimestampVerifies(const std::string& token, absl::string_view data, int index,
                         std::string* output) {
    const std::string file = dir_.File(absl::StrCat("token", index, ".der"));
    WriteFileOrDie(file, token);
    const auto r = RunCommand({"openssl", "ts", "-verify", "-digest", Sha256Hex(data), "-in", file,
                               "-token_in", "-CAfile", dir_.File("ca.pem")},
                              true);
    *output = r.output;
    return r.exit_code == 0 && r.output.find("Verification: OK") != std::string::npos;
  }

  ScopedTempDir dir_;
  static Keys* keys_;
  std::unique_ptr<LocalKey> chair_;
  std::unique_ptr<LocalKey> secretary_;
  std::string input_;
};

SignPdfTest::Keys* SignPdfTest::keys_ = nullptr;

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
  const PkeyPtr sub_key = MakeEcKey();
  const X509Ptr sub = MakeCaCert("Hopso Test Sub CA", sub_key.get(), ca(), ca_key());
  const PkeyPtr key = MakeEcKey();
  const X509Ptr cert = MakeSignerCert("Lê Thị Hồng", key.get(), sub.get(), sub_key.get());
  auto local = LocalKey::Create(key.get(), cert.get(), {sub.get()});
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
}

TEST_F(SignPdfTest, BaselineTCarriesATokenOverTheSignatureValue) {
  InProcessTsa tsa(keys_->pki.tsa.get(), keys_->pki.tsa_key.get());
  const std::string out = dir_.File("signed1.pdf");
  const absl::Status status = SignPdf(input_, out, "ChuToa", Chair(), *chair_, &tsa);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(tsa.issued(), 1);
  const auto pdfsig = RunCommand({"pdfsig", out}, true);
  EXPECT_EQ(Count(pdfsig.output, "Signature is Valid."), 1) << pdfsig.output;
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
  InProcessTsa tsa(keys_->pki.tsa.get(), keys_->pki.tsa_key.get());
  const std::string once = dir_.File("signed1.pdf");
  const std::string twice = dir_.File("signed2.pdf");
  ASSERT_TRUE(SignPdf(input_, once, "ChuToa", Chair(), *chair_, &tsa).ok());
  const absl::Status status = SignPdf(once, twice, "ThuKy", Secretary(), *secretary_, &tsa);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(tsa.issued(), 2);
  const auto pdfsig = RunCommand({"pdfsig", twice}, true);
  EXPECT_EQ(Count(pdfsig.output, "Signature is Valid."), 2) << pdfsig.output;
  EXPECT_EQ(Count(pdfsig.output, "ETSI.CAdES.detached"), 2) << pdfsig.output;
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
  EXPECT_TRUE(::hopso::pdf::testing::QpdfCheck(twice, &check)) << check;
}

TEST_F(SignPdfTest, WithoutAuthorityThereIsNoToken) {
  const std::string out = dir_.File("signed1.pdf");
  ASSERT_TRUE(SignPdf(input_, out, "ChuToa", Chair(), *chair_).ok());
  const std::vector<FoundSignature> sigs = FindSignatures(ReadFileOrDie(out));
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_THAT(CmsPrint(sigs[0], 0), Not(HasSubstr("id-smime-aa-timeStampToken")));
  EXPECT_TRUE(ReadSignerTimestamps(sigs[0].cms_der).tokens.empty());
}

TEST_F(SignPdfTest, AuthorityFailureIsReturnedWithoutOutput) {
  InProcessTsa tsa(keys_->pki.tsa.get(), keys_->pki.tsa_key.get());
  tsa.set_failing(true);
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(input_, out, "ChuToa", Chair(), *chair_, &tsa);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(tsa.issued(), 0);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".part"));
}

TEST_F(SignPdfTest, TokenTooBigForTheReserveIsResourceExhausted) {
  HugeTokenAuthority tsa;
  const std::string out = dir_.File("out.pdf");
  const absl::Status status = SignPdf(input_, out, "ChuToa", Chair(), *chair_, &tsa);
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
  FailingKey key(keys_->chair_cert.get());
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
  const PkeyPtr a = MakeEcKey();
  const PkeyPtr b = MakeEcKey();
  const X509Ptr cert = MakeCaCert("A", a.get());
  EXPECT_EQ(LocalKey::Create(b.get(), cert.get()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(LocalKey::Create(a.get(), cert.get()).ok());
}

}  // namespace
}  // namespace hopso::pdf
