// VerifyPdf on real files: PDFs made by the Composer and signed by SignPdf
// (with and without an in-process timestamp authority), by Debian's
// podofosign (someone else's signer), then changed, truncated, encrypted or
// made hostile. poppler's pdfsig is the independent oracle for validity and
// digest mismatches. RunSandboxed, which VerifyPdf and ScreenUpload read
// untrusted files in, is tested here too.
#include "pdf/verify.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/composer.h"
#include "pdf/internal/sandbox.h"
#include "pdf/internal/test_keys.h"
#include "pdf/internal/test_tools.h"
#include "pdf/sign.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::internal::RunSandboxed;
using ::hopso::pdf::internal::SandboxEnd;
using ::hopso::pdf::internal::SandboxLimits;
using ::hopso::pdf::internal::SandboxResult;
using ::hopso::pdf::testing::ChairAppearance;
using ::hopso::pdf::testing::Der;
using ::hopso::pdf::testing::InProcessTsa;
using ::hopso::pdf::testing::MakeEcKey;
using ::hopso::pdf::testing::MakeSignerCertValid;
using ::hopso::pdf::testing::MakeTestPki;
using ::hopso::pdf::testing::MakeTestSigners;
using ::hopso::pdf::testing::NoChildrenLeft;
using ::hopso::pdf::testing::Pem;
using ::hopso::pdf::testing::PkeyPtr;
using ::hopso::pdf::testing::PrivateKeyPem;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::SecretaryAppearance;
using ::hopso::pdf::testing::TestPki;
using ::hopso::pdf::testing::TestSigners;
using ::hopso::pdf::testing::VietnamMicros;
using ::hopso::pdf::testing::WriteFileOrDie;
using ::hopso::pdf::testing::WriteRawPdf;
using ::hopso::pdf::testing::WriteSignedLookingPdf;
using ::hopso::pdf::testing::X509Ptr;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kDigestMismatch[] = "The signed bytes were changed after signing (digest mismatch).";
constexpr char kUnsignedChanges[] =
    "The file was changed after this signature: bytes were added that no valid later signature "
    "covers.";

// The keys every test signs with, made once: RSA key generation is slow.
TestSigners& TheKeys() {
  static TestSigners* keys = new TestSigners(MakeTestSigners());
  return *keys;
}

VerifyOptions TrustingTheCa() {
  VerifyOptions options;
  options.trusted_roots_der = {Der(TheKeys().pki.ca.get())};
  return options;
}

// Minutes of our own, unsigned.
std::string Minutes(const ScopedTempDir& dir) {
  const std::string path = dir.File("minutes.pdf");
  absl::StatusOr<std::unique_ptr<Composer>> composer = Composer::Create({.title = "Biên bản họp"});
  EXPECT_TRUE(composer.ok()) << composer.status();
  EXPECT_TRUE((*composer)->Paragraph("Biên bản họp Hội đồng nhân dân tỉnh Quảng Nam", {}).ok());
  EXPECT_TRUE((*composer)->Save(path).ok());
  return path;
}

// The minutes signed by the chair, then by the secretary; the second path
// holds both signatures.
std::string SignedTwice(const ScopedTempDir& dir, std::string* once_path = nullptr) {
  const std::string once = dir.File("signed1.pdf");
  const std::string twice = dir.File("signed2.pdf");
  absl::Status status = SignPdf(Minutes(dir), once, "ChuToa", ChairAppearance(), *TheKeys().chair);
  EXPECT_TRUE(status.ok()) << status;
  status = SignPdf(once, twice, "ThuKy", SecretaryAppearance(), *TheKeys().secretary);
  EXPECT_TRUE(status.ok()) << status;
  if (once_path != nullptr) *once_path = once;
  return twice;
}

// pdfsig's "Signature Validation" verdict for each signature, in its order
// (file order), e.g. "Signature is Valid." or "Digest Mismatch.".
std::vector<std::string> PdfSigVerdicts(const std::string& path) {
  std::vector<std::string> verdicts;
  const auto pdfsig = RunCommand({"pdfsig", path}, true);
  for (absl::string_view line : absl::StrSplit(pdfsig.output, '\n')) {
    const size_t at = line.find("Signature Validation: ");
    if (at != absl::string_view::npos) {
      verdicts.emplace_back(line.substr(at + strlen("Signature Validation: ")));
    }
  }
  return verdicts;
}

// `path` with the first `from` after `after` replaced by `to` (same length,
// so no offset moves).
std::string Patched(const ScopedTempDir& dir, const std::string& path, size_t after,
                    const std::string& from, const std::string& to) {
  EXPECT_EQ(from.size(), to.size());
  std::string bytes = ReadFileOrDie(path);
  const size_t at = bytes.find(from, after);
  EXPECT_NE(at, std::string::npos) << from;
  bytes.replace(at, from.size(), to);
  const std::string out = dir.File("patched.pdf");
  WriteFileOrDie(out, bytes);
  return out;
}

// An incremental update that adds one object and no signature, as an
// editor saving a change after the last signature would write it.
void AppendUnsignedUpdate(const std::string& path) {
  std::string pdf = ReadFileOrDie(path);
  const std::regex root_re(R"(/Root\s*(\d+)\s+(\d+)\s+R)");
  const std::regex size_re(R"(/Size\s+(\d+))");
  std::string root;
  int size = 0;
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), root_re);
       it != std::sregex_iterator(); ++it) {
    root = absl::StrCat((*it)[1].str(), " ", (*it)[2].str(), " R");
  }
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), size_re);
       it != std::sregex_iterator(); ++it) {
    size = std::max(size, std::stoi((*it)[1].str()));
  }
  const size_t startxref = pdf.rfind("startxref");
  ASSERT_NE(startxref, std::string::npos);
  ASSERT_FALSE(root.empty());
  ASSERT_GT(size, 0);
  const long prev = std::stol(pdf.substr(startxref + strlen("startxref")));
  if (pdf.back() != '\n') pdf += '\n';
  const size_t object = pdf.size();
  absl::StrAppend(&pdf, size, " 0 obj\n(an unsigned change)\nendobj\n");
  const size_t xref = pdf.size();
  absl::StrAppend(&pdf, "xref\n", size, " 1\n", absl::StrFormat("%010d 00000 n \n", object),
                  "trailer\n<< /Size ", size + 1, " /Root ", root, " /Prev ", prev,
                  " >>\nstartxref\n", xref, "\n%%EOF\n");
  WriteFileOrDie(path, pdf);
}

void ExpectValid(const SignatureReport& s) {
  EXPECT_TRUE(s.digest_matches) << s.field_name;
  EXPECT_TRUE(s.signature_valid) << s.field_name;
}

TEST(VerifyPdf, ChairThenSecretaryAreBothValidAndTrusted) {
  ScopedTempDir dir;
  const std::string path = SignedTwice(dir);
  absl::StatusOr<VerifyReport> report = VerifyPdf(path, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->file_size, static_cast<int64_t>(ReadFileOrDie(path).size()));
  ASSERT_EQ(report->signatures.size(), 2u);
  const SignatureReport& chair = report->signatures[0];
  const SignatureReport& secretary = report->signatures[1];

  EXPECT_EQ(chair.field_name, "ChuToa");
  EXPECT_EQ(chair.sub_filter, "ETSI.CAdES.detached");
  EXPECT_EQ(chair.signer_name, "Phan Minh Khoa");
  EXPECT_EQ(chair.signer_subject, "CN=Phan Minh Khoa,C=VN");
  EXPECT_EQ(chair.issuer_subject, "CN=Hopso Test CA,C=VN");
  EXPECT_EQ(chair.claimed_time_micros, ChairAppearance().time_micros);
  ExpectValid(chair);
  EXPECT_TRUE(chair.has_signing_certificate_v2);
  EXPECT_FALSE(chair.has_signing_time_attribute);
  EXPECT_TRUE(chair.chain_trusted) << chair.chain_error;
  EXPECT_FALSE(chair.covers_whole_file);
  EXPECT_EQ(chair.changes_after, ChangesAfter::kSignedRevisions);
  EXPECT_FALSE(chair.has_timestamp);
  EXPECT_THAT(chair.problems, IsEmpty());

  EXPECT_EQ(secretary.field_name, "ThuKy");
  EXPECT_EQ(secretary.signer_name, "Lê Thị Hồng");
  EXPECT_EQ(secretary.signer_subject, "CN=Lê Thị Hồng,C=VN");
  EXPECT_EQ(secretary.claimed_time_micros, SecretaryAppearance().time_micros);
  ExpectValid(secretary);
  EXPECT_TRUE(secretary.chain_trusted) << secretary.chain_error;
  EXPECT_TRUE(secretary.covers_whole_file);
  EXPECT_EQ(secretary.changes_after, ChangesAfter::kNone);
  EXPECT_THAT(secretary.problems, IsEmpty());

  EXPECT_THAT(PdfSigVerdicts(path), ElementsAre("Signature is Valid.", "Signature is Valid."));
}

TEST(VerifyPdf, WithoutTrustedRootsTheChainIsNotTrusted) {
  ScopedTempDir dir;
  absl::StatusOr<VerifyReport> report = VerifyPdf(SignedTwice(dir));
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->signatures.size(), 2u);
  for (const SignatureReport& s : report->signatures) {
    ExpectValid(s);
    EXPECT_FALSE(s.chain_trusted);
    EXPECT_EQ(s.chain_error, "unable to get local issuer certificate");
    EXPECT_THAT(s.problems,
                ElementsAre("The signer's certificate is not trusted: unable to get local "
                            "issuer certificate."));
  }
  // Another CA is no better.
  VerifyOptions other;
  TestPki stranger = MakeTestPki();
  other.trusted_roots_der = {Der(stranger.ca.get())};
  report = VerifyPdf(SignedTwice(dir), other);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->signatures[0].chain_trusted);

  other.trusted_roots_der = {"not a certificate"};
  EXPECT_EQ(VerifyPdf(SignedTwice(dir), other).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(VerifyPdf, AChangedByteIsADigestMismatch) {
  ScopedTempDir dir;
  const std::string signed_path = dir.File("signed.pdf");
  ASSERT_TRUE(
      SignPdf(Minutes(dir), signed_path, "ChuToa", ChairAppearance(), *TheKeys().chair).ok());
  // The info dictionary's title, inside the signed range.
  const std::string path = Patched(dir, signed_path, 0, "/Producer", "/Pro_ucer");
  absl::StatusOr<VerifyReport> report = VerifyPdf(path, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->signatures.size(), 1u);
  const SignatureReport& s = report->signatures[0];
  EXPECT_FALSE(s.digest_matches);
  EXPECT_TRUE(s.signature_valid) << "the signed attributes themselves are intact";
  EXPECT_TRUE(s.chain_trusted);
  EXPECT_TRUE(s.covers_whole_file);
  EXPECT_THAT(s.problems, ElementsAre(kDigestMismatch));
  EXPECT_THAT(PdfSigVerdicts(path), ElementsAre("Digest Mismatch."));
}

TEST(VerifyPdf, AChangeInTheLastRevisionFailsOnlyTheLastSignature) {
  ScopedTempDir dir;
  std::string once;
  const std::string twice = SignedTwice(dir, &once);
  // The secretary's claimed time, which only the second signature covers.
  const size_t second_revision = ReadFileOrDie(once).size();
  const std::string path =
      Patched(dir, twice, second_revision, "/M(D:20261130140900+07'00')/SubFilter",
              "/M(D:20261130140800+07'00')/SubFilter");
  absl::StatusOr<VerifyReport> report = VerifyPdf(path, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->signatures.size(), 2u);
  const SignatureReport& chair = report->signatures[0];
  const SignatureReport& secretary = report->signatures[1];
  ExpectValid(chair);
  EXPECT_EQ(chair.changes_after, ChangesAfter::kUnsignedChanges);
  EXPECT_THAT(chair.problems, ElementsAre(kUnsignedChanges));
  EXPECT_FALSE(secretary.digest_matches);
  EXPECT_EQ(secretary.claimed_time_micros, VietnamMicros(2026, 11, 30, 14, 8));
  EXPECT_THAT(secretary.problems, ElementsAre(kDigestMismatch));
  EXPECT_THAT(PdfSigVerdicts(path), ElementsAre("Signature is Valid.", "Digest Mismatch."));
}

TEST(VerifyPdf, BytesAppendedAfterTheLastSignatureAreUnsignedChanges) {
  ScopedTempDir dir;
  const std::string signed_path = SignedTwice(dir);
  const std::string garbage = dir.File("garbage.pdf");
  WriteFileOrDie(garbage, ReadFileOrDie(signed_path) + "%comment\n");
  const std::string update = dir.File("update.pdf");
  WriteFileOrDie(update, ReadFileOrDie(signed_path));
  AppendUnsignedUpdate(update);
  std::string check;
  ASSERT_TRUE(::hopso::pdf::testing::QpdfCheck(update, &check)) << check;

  for (const std::string& path : {garbage, update}) {
    SCOPED_TRACE(path);
    absl::StatusOr<VerifyReport> report = VerifyPdf(path, TrustingTheCa());
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_EQ(report->signatures.size(), 2u);
    for (const SignatureReport& s : report->signatures) {
      ExpectValid(s);
      EXPECT_TRUE(s.chain_trusted);
      EXPECT_FALSE(s.covers_whole_file);
      EXPECT_EQ(s.changes_after, ChangesAfter::kUnsignedChanges);
      EXPECT_THAT(s.problems, ElementsAre(kUnsignedChanges));
    }
  }
  // pdfsig agrees: both valid, neither covering the whole document.
  const auto pdfsig = RunCommand({"pdfsig", update}, true);
  EXPECT_THAT(pdfsig.output, ::testing::Not(HasSubstr("Total document signed")));
}

TEST(VerifyPdf, AByteRangeThatDoesNotStartAtZeroIsInvalid) {
  ScopedTempDir dir;
  const std::string signed_path = dir.File("signed.pdf");
  ASSERT_TRUE(
      SignPdf(Minutes(dir), signed_path, "ChuToa", ChairAppearance(), *TheKeys().chair).ok());
  const std::string path = Patched(dir, signed_path, 0, "/ByteRange[ 0 ", "/ByteRange[ 1 ");
  absl::StatusOr<VerifyReport> report = VerifyPdf(path, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->signatures.size(), 1u);
  const SignatureReport& s = report->signatures[0];
  EXPECT_FALSE(s.digest_matches);
  EXPECT_FALSE(s.covers_whole_file);
  EXPECT_THAT(s.problems, Contains("The /ByteRange is invalid: it does not start at the "
                                   "beginning of the file."));
  // The CMS itself is still read: who signed is known.
  EXPECT_EQ(s.signer_name, "Phan Minh Khoa");
}

TEST(VerifyPdf, AnUnsignedPdfHasNoSignatures) {
  ScopedTempDir dir;
  const std::string path = Minutes(dir);
  absl::StatusOr<VerifyReport> report = VerifyPdf(path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->signatures, IsEmpty());
  EXPECT_EQ(report->file_size, static_cast<int64_t>(ReadFileOrDie(path).size()));
}

TEST(VerifyPdf, ASignatureFieldWithoutARealSignatureIsReportedBroken) {
  ScopedTempDir dir;
  const std::string path = dir.File("looks_signed.pdf");
  WriteSignedLookingPdf(path);
  absl::StatusOr<VerifyReport> report = VerifyPdf(path, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->signatures.size(), 1u);
  const SignatureReport& s = report->signatures[0];
  EXPECT_EQ(s.field_name, "Signature1");
  EXPECT_EQ(s.claimed_time_micros, VietnamMicros(2025, 3, 12, 9, 0));
  EXPECT_FALSE(s.digest_matches);
  EXPECT_FALSE(s.signature_valid);
  EXPECT_FALSE(s.chain_trusted);
  EXPECT_THAT(s.problems,
              Contains("The /ByteRange is invalid: the gap between its ranges is not a hex "
                       "string."));
  EXPECT_THAT(s.problems, Contains("The signature value is not a CMS SignedData (its /SubFilter "
                                   "is ETSI.CAdES.detached)."));
}

TEST(VerifyPdf, EncryptedPdfsAreFailedPrecondition) {
  ScopedTempDir dir;
  const std::string signed_path = SignedTwice(dir);
  const std::string with_password = dir.File("password.pdf");
  const std::string owner_only = dir.File("owner_only.pdf");
  ASSERT_EQ(
      RunCommand({"qpdf", "--encrypt", "user", "owner", "256", "--", signed_path, with_password})
          .exit_code,
      0);
  ASSERT_EQ(RunCommand({"qpdf", "--encrypt", "", "owner", "256", "--", signed_path, owner_only})
                .exit_code,
            0);
  for (const std::string& path : {with_password, owner_only}) {
    SCOPED_TRACE(path);
    absl::StatusOr<VerifyReport> report = VerifyPdf(path);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition) << report.status();
    EXPECT_EQ(report.status().message(), "the PDF is encrypted; its signatures cannot be checked");
  }
}

TEST(VerifyPdf, WhatIsNotAPdfOrIsTruncatedIsInvalidArgument) {
  ScopedTempDir dir;
  const std::string text = dir.File("notes.pdf");
  WriteFileOrDie(text, "Biên bản cuộc họp\nKhông phải PDF.\n");
  absl::StatusOr<VerifyReport> report = VerifyPdf(text);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(report.status().message(), "the file is not a PDF");

  const std::string good = ReadFileOrDie(SignedTwice(dir));
  const std::string truncated = dir.File("truncated.pdf");
  WriteFileOrDie(truncated, good.substr(0, good.size() * 6 / 10));
  report = VerifyPdf(truncated);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << report.status();
  EXPECT_THAT(report.status().message(), HasSubstr("the PDF is damaged"));

  EXPECT_EQ(VerifyPdf(dir.File("missing.pdf")).status().code(), absl::StatusCode::kNotFound);
}

TEST(VerifyPdf, DeeplyNestedArraysGiveACleanError) {
  ScopedTempDir dir;
  // 50,000 nested arrays where the reader must look: the form's /Fields.
  constexpr int kDepth = 50000;
  const std::string nested = std::string(kDepth, '[') + std::string(kDepth, ']');
  const std::string path = dir.File("nested.pdf");
  WriteRawPdf(path, {"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields 4 0 R >> >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", nested});
  VerifyOptions options;
  options.time_limit = absl::Seconds(5);
  const absl::Time start = absl::Now();
  absl::StatusOr<VerifyReport> report = VerifyPdf(path, options);
  EXPECT_LT(absl::Now() - start, absl::Seconds(6));
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << report.status();
  EXPECT_THAT(report.status().message(), HasSubstr("the PDF is damaged"));
  EXPECT_TRUE(NoChildrenLeft());
  // Still here, and still verifying.
  EXPECT_TRUE(VerifyPdf(Minutes(dir)).ok());
}

TEST(VerifyPdf, AnOversizeFileIsResourceExhaustedWithoutReadingIt) {
  ScopedTempDir dir;
  // Sparse: 100 MB + 1 byte that cost no disk.
  const std::string path = dir.File("huge.pdf");
  WriteFileOrDie(path, "%PDF-1.7\n");
  ASSERT_EQ(truncate(path.c_str(), (int64_t{100} << 20) + 1), 0);
  absl::StatusOr<VerifyReport> report = VerifyPdf(path);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(report.status().message(), "the file is over 100 MB");

  VerifyOptions small;
  small.max_bytes = 1000;
  EXPECT_EQ(VerifyPdf(Minutes(dir), small).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(VerifyPdf, ATimestampIsValidAndTrustedWhenItsAuthorityIs) {
  ScopedTempDir dir;
  TestSigners& keys = TheKeys();
  InProcessTsa tsa(keys.pki.tsa.get(), keys.pki.tsa_key.get());
  const std::string path = dir.File("timestamped.pdf");
  const absl::Status status =
      SignPdf(Minutes(dir), path, "ChuToa", ChairAppearance(), *keys.chair, &tsa);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(tsa.issued(), 1);

  absl::StatusOr<VerifyReport> report = VerifyPdf(path, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->signatures.size(), 1u);
  const SignatureReport& s = report->signatures[0];
  ExpectValid(s);
  EXPECT_TRUE(s.chain_trusted);
  EXPECT_TRUE(s.has_timestamp);
  EXPECT_TRUE(s.timestamp_valid);
  EXPECT_TRUE(s.timestamp_trusted);
  EXPECT_LT(absl::AbsDuration(absl::FromUnixMicros(s.timestamp_micros) - absl::Now()),
            absl::Minutes(1));
  EXPECT_THAT(s.problems, IsEmpty());
  EXPECT_THAT(PdfSigVerdicts(path), ElementsAre("Signature is Valid."));

  // Without roots the token is still sound, but proves nothing.
  report = VerifyPdf(path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->signatures[0].timestamp_valid);
  EXPECT_FALSE(report->signatures[0].timestamp_trusted);
  EXPECT_THAT(report->signatures[0].problems,
              Contains("The timestamp authority is not trusted: unable to get local issuer "
                       "certificate."));
}

TEST(VerifyPdf, AnExpiredCertificateStillVerifiesAtItsTimestamp) {
  ScopedTempDir dir;
  TestSigners& keys = TheKeys();
  const absl::Time now = absl::Now();
  // Valid for most of yesterday (the test CA is valid from a day ago), and
  // timestamped then.
  PkeyPtr key = MakeEcKey();
  X509Ptr cert =
      MakeSignerCertValid("Phan Minh Khoa", key.get(), keys.pki.ca.get(), keys.pki.ca_key.get(),
                          now - absl::Hours(20), now - absl::Hours(2));
  absl::StatusOr<std::unique_ptr<LocalKey>> expired = LocalKey::Create(key.get(), cert.get());
  ASSERT_TRUE(expired.ok()) << expired.status();
  InProcessTsa tsa(keys.pki.tsa.get(), keys.pki.tsa_key.get());
  tsa.set_time(now - absl::Hours(10));
  const std::string stamped = dir.File("stamped.pdf");
  const std::string plain = dir.File("plain.pdf");
  ASSERT_TRUE(SignPdf(Minutes(dir), stamped, "ChuToa", ChairAppearance(), **expired, &tsa).ok());
  ASSERT_TRUE(SignPdf(Minutes(dir), plain, "ChuToa", ChairAppearance(), **expired).ok());

  absl::StatusOr<VerifyReport> report = VerifyPdf(stamped, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  const SignatureReport& s = report->signatures[0];
  EXPECT_TRUE(s.timestamp_trusted);
  EXPECT_EQ(s.timestamp_micros, absl::ToUnixSeconds(now - absl::Hours(10)) * 1000000);
  EXPECT_TRUE(s.chain_trusted) << s.chain_error;
  EXPECT_THAT(s.problems, IsEmpty());

  report = VerifyPdf(plain, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->signatures[0].chain_trusted);
  EXPECT_EQ(report->signatures[0].chain_error, "certificate has expired");
  // Asked about a time when it was valid, it is.
  VerifyOptions then = TrustingTheCa();
  then.at_micros = absl::ToUnixMicros(now - absl::Hours(10));
  report = VerifyPdf(plain, then);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->signatures[0].chain_trusted) << report->signatures[0].chain_error;
}

TEST(VerifyPdf, APodofosignSignatureIsValid) {
  ScopedTempDir dir;
  TestSigners& keys = TheKeys();
  WriteFileOrDie(dir.File("cert.pem"), Pem(keys.chair_cert.get()));
  WriteFileOrDie(dir.File("key.pem"), PrivateKeyPem(keys.chair_key.get()));
  const std::string path = dir.File("podofosign.pdf");
  const auto signer = RunCommand({"podofosign", "-in", Minutes(dir), "-out", path, "-cert",
                                  dir.File("cert.pem"), "-pkey", dir.File("key.pem")},
                                 true);
  ASSERT_EQ(signer.exit_code, 0) << signer.output;

  absl::StatusOr<VerifyReport> report = VerifyPdf(path, TrustingTheCa());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->signatures.size(), 1u);
  const SignatureReport& s = report->signatures[0];
  EXPECT_EQ(s.sub_filter, "adbe.pkcs7.detached");
  EXPECT_EQ(s.signer_name, "Phan Minh Khoa");
  ExpectValid(s);
  EXPECT_TRUE(s.chain_trusted) << s.chain_error;
  EXPECT_TRUE(s.covers_whole_file);
  EXPECT_EQ(s.changes_after, ChangesAfter::kNone);
  EXPECT_THAT(s.problems, IsEmpty());
  EXPECT_THAT(PdfSigVerdicts(path), ElementsAre("Signature is Valid."));
}

// --- The sandbox -----------------------------------------------------------

TEST(RunSandboxed, BringsBackAnyBytesOrTheWorksStatus) {
  const std::string bytes(
      "a\0b\n\xff"
      "Biên bản",
      16);
  SandboxResult r = RunSandboxed({}, [&]() -> absl::StatusOr<std::string> { return bytes; });
  EXPECT_EQ(r.end, SandboxEnd::kFinished);
  ASSERT_TRUE(r.value.ok()) << r.value.status();
  EXPECT_EQ(*r.value, bytes);

  r = RunSandboxed({}, []() -> absl::StatusOr<std::string> {
    return absl::FailedPreconditionError("encrypted");
  });
  EXPECT_EQ(r.end, SandboxEnd::kFinished);
  EXPECT_EQ(r.value.status(), absl::FailedPreconditionError("encrypted"));
  EXPECT_TRUE(NoChildrenLeft());
}

TEST(RunSandboxed, ACrashEndsOnlyTheChild) {
  SandboxResult r = RunSandboxed({}, []() -> absl::StatusOr<std::string> {
    raise(SIGSEGV);
    return "unreachable";
  });
  EXPECT_EQ(r.end, SandboxEnd::kCrashed);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_EQ(r.value.status(), absl::AbortedError("crashed (signal 11, Segmentation fault)"));
  EXPECT_TRUE(NoChildrenLeft());
}

TEST(RunSandboxed, AHangIsKilledAtTheTimeLimit) {
  SandboxLimits limits;
  limits.time_limit = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  SandboxResult r = RunSandboxed(limits, []() -> absl::StatusOr<std::string> {
    for (;;) pause();
  });
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(r.end, SandboxEnd::kTimedOut);
  EXPECT_EQ(r.value.status(), absl::DeadlineExceededError("took longer than 0.3 s"));
  EXPECT_TRUE(NoChildrenLeft());
}

TEST(RunSandboxed, MemoryAndResultSizeAreLimited) {
  SandboxLimits limits;
  limits.memory_bytes = int64_t{64} << 20;
  SandboxResult r = RunSandboxed(
      limits, []() -> absl::StatusOr<std::string> { return std::string(size_t{256} << 20, 'x'); });
  EXPECT_EQ(r.end, SandboxEnd::kOutOfMemory);
  EXPECT_EQ(r.value.status(), absl::ResourceExhaustedError("needed more than 64 MB of memory"));

  limits = {};
  limits.result_bytes = 1000;
  r = RunSandboxed(limits,
                   []() -> absl::StatusOr<std::string> { return std::string(100000, 'x'); });
  EXPECT_EQ(r.end, SandboxEnd::kResultTooBig);
  EXPECT_EQ(r.value.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(NoChildrenLeft());
}

}  // namespace
}  // namespace hopso::pdf
