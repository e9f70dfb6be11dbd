#include "pdf/screen.h"

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"
#include "pdf/meeting_pdfs.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::testing::NoChildrenLeft;
using ::hopso::pdf::testing::PageCount;
using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::QpdfCheck;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::WriteFileOrDie;
using ::hopso::pdf::testing::WriteRawPdf;
using ::hopso::pdf::testing::WriteSignedLookingPdf;
using ::hopso::pdf::testing::WriteSimplePdf;
using ::testing::HasSubstr;

constexpr char kTitle[] = "Báo cáo tình hình kinh tế - xã hội quý I năm 2025";

// A three-page Vietnamese PDF of our own, its info title set to kTitle.
std::string GoodPdf(const ScopedTempDir& dir, int pages = 3) {
  const std::string path = dir.File("good.pdf");
  DemoDocSpec spec;
  spec.header.organisation = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM";
  spec.kind = DemoDocKind::kBaoCao;
  spec.title = kTitle;
  spec.pages = pages;
  EXPECT_TRUE(WriteDemoDocument(spec, path).ok());
  return path;
}

// One page whose /Foo is a dictionary nested `depth` deep: a few kilobytes
// that cost PoDoFo 0.9.8 seconds (700) or its whole stack (20,000).
std::string NestedPdf(const ScopedTempDir& dir, int depth) {
  std::string nested;
  nested.reserve(static_cast<size_t>(depth) * 9 + 1);
  for (int i = 0; i < depth; ++i) nested += "<< /A ";
  nested += "1";
  for (int i = 0; i < depth; ++i) nested += " >>";
  const std::string path = dir.File(absl::StrCat("nested_", depth, ".pdf"));
  WriteRawPdf(path, {"<< /Type /Catalog /Pages 2 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Foo 4 0 R >>",
                     nested});
  return path;
}

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

TEST(ScreenUpload, AcceptsAGoodVietnamesePdfAndNormalisesIt) {
  ScopedTempDir dir;
  const std::string path = GoodPdf(dir);
  absl::StatusOr<ScreenReport> report = ScreenUpload(path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->pages, 3);
  EXPECT_EQ(report->title, kTitle);
  EXPECT_FALSE(report->has_signatures);
  EXPECT_TRUE(report->warnings.empty());
  ASSERT_EQ(report->normalised_path, path + ".normalised.pdf");

  std::string check;
  EXPECT_TRUE(QpdfCheck(report->normalised_path, &check)) << check;
  EXPECT_EQ(PageCount(report->normalised_path), 3);
  EXPECT_EQ(PdfToText(report->normalised_path), PdfToText(path));
  EXPECT_TRUE(NoChildrenLeft());
}

// What annotations depend on: each page as displayed (crop box, turned by an
// inherited /Rotate), so a landscape page turned upright equals a portrait one.
TEST(ScreenUpload, ReportsEachPagesDisplayedSizeAndRotation) {
  ScopedTempDir dir;
  const std::string path = dir.File("geometry.pdf");
  WriteRawPdf(path, {"<< /Type /Catalog /Pages 2 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 /Rotate 90 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Rotate 0 >>",
                     "<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 >>",
                     "<< /Type /Page /Parent 4 0 R /MediaBox [0 0 842 595.3] >>",
                     "<< /Type /Page /Parent 4 0 R /MediaBox [0 0 700 900] "
                     "/CropBox [50 40 645 882] /Rotate -360 >>"});
  absl::StatusOr<ScreenReport> report = ScreenUpload(path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->page_geometry, "595.00 842.00 0;595.30 842.00 90;595.00 842.00 0;");
}

TEST(ScreenUpload, NormalisingRemovesObjectStreams) {
  ScopedTempDir dir;
  const std::string compact = dir.File("compact.pdf");
  ASSERT_EQ(RunCommand({"qpdf", "--object-streams=generate", GoodPdf(dir), compact}).exit_code,
            0);
  ASSERT_THAT(ReadFileOrDie(compact), HasSubstr("/ObjStm"));

  absl::StatusOr<ScreenReport> report = ScreenUpload(compact);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string normalised = ReadFileOrDie(report->normalised_path);
  EXPECT_THAT(normalised, ::testing::Not(HasSubstr("/ObjStm")));
  EXPECT_THAT(normalised, HasSubstr("\nxref\n")) << "a classic cross-reference table";
  EXPECT_EQ(PageCount(report->normalised_path), 3);
}

TEST(ScreenUpload, NormalisesTheSameFileToTheSameBytes) {
  // The blob store keeps content once only if normalising is deterministic.
  ScopedTempDir dir;
  const std::string path = GoodPdf(dir);
  absl::StatusOr<ScreenReport> first = ScreenUpload(path);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string first_bytes = ReadFileOrDie(first->normalised_path);
  absl::StatusOr<ScreenReport> second = ScreenUpload(path);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(ReadFileOrDie(second->normalised_path) == first_bytes);
}

TEST(ScreenUpload, LeavesASignedPdfByteForByte) {
  ScopedTempDir dir;
  const std::string path = dir.File("signed.pdf");
  WriteSignedLookingPdf(path);
  const std::string before = ReadFileOrDie(path);
  absl::StatusOr<ScreenReport> report = ScreenUpload(path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->has_signatures);
  EXPECT_EQ(report->pages, 1);
  EXPECT_TRUE(report->normalised_path.empty());
  EXPECT_FALSE(Exists(path + ".normalised.pdf"));
  EXPECT_EQ(ReadFileOrDie(path), before);
}

TEST(ScreenUpload, RefusesWhatIsNotAPdf) {
  ScopedTempDir dir;
  const std::string text = dir.File("notes.pdf");
  WriteFileOrDie(text, "Biên bản cuộc họp\nKhông phải PDF.\n");
  const std::string empty = dir.File("empty.pdf");
  WriteFileOrDie(empty, "");
  for (const std::string& path : {text, empty}) {
    SCOPED_TRACE(path);
    absl::StatusOr<ScreenReport> report = ScreenUpload(path);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(report.status().message(), "the file is not a PDF");
  }
  EXPECT_EQ(ScreenUpload(dir.File("missing.pdf")).status().code(), absl::StatusCode::kNotFound);
}

TEST(ScreenUpload, RefusesATruncatedPdf) {
  ScopedTempDir dir;
  const std::string good = ReadFileOrDie(GoodPdf(dir));
  const std::string path = dir.File("truncated.pdf");
  WriteFileOrDie(path, good.substr(0, good.size() * 6 / 10));
  absl::StatusOr<ScreenReport> report = ScreenUpload(path);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << report.status();
  EXPECT_THAT(report.status().message(), HasSubstr("the PDF is damaged"));
  EXPECT_FALSE(Exists(path + ".normalised.pdf"));
}

TEST(ScreenUpload, RefusesEncryptedPdfs) {
  ScopedTempDir dir;
  const std::string plain = dir.File("plain.pdf");
  WriteSimplePdf(plain, "Tai lieu mat");
  const std::string with_password = dir.File("password.pdf");
  const std::string owner_only = dir.File("owner_only.pdf");
  ASSERT_EQ(RunCommand({"qpdf", "--encrypt", "user", "owner", "256", "--", plain, with_password})
                .exit_code,
            0);
  ASSERT_EQ(RunCommand({"qpdf", "--encrypt", "", "owner", "256", "--", plain, owner_only})
                .exit_code,
            0);
  for (const std::string& path : {with_password, owner_only}) {
    SCOPED_TRACE(path);
    absl::StatusOr<ScreenReport> report = ScreenUpload(path);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(report.status().message(),
              "encrypted PDFs are not accepted; remove the password and upload again");
  }
}

TEST(ScreenUpload, ADeeplyNestedPdfCrashesOnlyTheChild) {
  ScopedTempDir dir;
  const std::string path = NestedPdf(dir, 20000);
  absl::StatusOr<ScreenReport> report = ScreenUpload(path);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << report.status();
  EXPECT_THAT(report.status().message(), HasSubstr("the PDF crashed the reader (signal 11"));
  EXPECT_TRUE(NoChildrenLeft());
  // Still here, and still screening.
  EXPECT_TRUE(ScreenUpload(GoodPdf(dir, 1)).ok());
}

TEST(ScreenUpload, ASlowPdfIsStoppedByTheTimeLimit) {
  ScopedTempDir dir;
  const std::string path = NestedPdf(dir, 700);
  ScreenLimits limits;
  limits.time_limit = absl::Seconds(2);
  const absl::Time start = absl::Now();
  absl::StatusOr<ScreenReport> report = ScreenUpload(path, limits);
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << report.status();
  EXPECT_EQ(report.status().message(),
            "the PDF took too long to read (over 2 s); it may be malformed");
  EXPECT_LT(took, absl::Seconds(4));
  EXPECT_TRUE(NoChildrenLeft());
}

TEST(ScreenUpload, RefusesAnOversizeFileWithoutReadingIt) {
  ScopedTempDir dir;
  // Sparse: 100 MB + 1 byte that cost no disk.
  const std::string path = dir.File("huge.pdf");
  WriteFileOrDie(path, "%PDF-1.7\n");
  ASSERT_EQ(truncate(path.c_str(), (int64_t{100} << 20) + 1), 0);
  absl::StatusOr<ScreenReport> report = ScreenUpload(path);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(report.status().message(), "the file is over 100 MB");

  ScreenLimits small;
  small.max_bytes = 1000;
  EXPECT_EQ(ScreenUpload(GoodPdf(dir), small).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(ScreenUpload, RefusesTooManyPages) {
  ScopedTempDir dir;
  ScreenLimits limits;
  limits.max_pages = 2;
  absl::StatusOr<ScreenReport> report = ScreenUpload(GoodPdf(dir), limits);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(report.status().message(), "the PDF has more than 2 pages (it has 3)");
}

TEST(ScreenUpload, AMemoryBombHitsTheMemoryLimit) {
  ScopedTempDir dir;
  // 1 MB of "0 " in one array: half a million objects, over 100 MB once
  // parsed by qpdf.
  std::string array = "[";
  for (int i = 0; i < 500000; ++i) array += "0 ";
  array += "]";
  const std::string path = dir.File("bomb.pdf");
  WriteRawPdf(path, {"<< /Type /Catalog /Pages 2 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Foo 4 0 R >>",
                     array});
  ScreenLimits limits;
  limits.memory_bytes = int64_t{64} << 20;
  absl::StatusOr<ScreenReport> report = ScreenUpload(path, limits);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kResourceExhausted) << report.status();
  EXPECT_EQ(report.status().message(),
            "reading the PDF needed more than 64 MB of memory; it may be malformed");
  EXPECT_TRUE(NoChildrenLeft());
}

}  // namespace
}  // namespace hopso::pdf
