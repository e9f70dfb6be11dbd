#include "pdf/composer.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"
#include "pdf/text.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::testing::DecodeQrCodes;
using ::hopso::pdf::testing::FontRow;
using ::hopso::pdf::testing::PageCount;
using ::hopso::pdf::testing::PageSizes;
using ::hopso::pdf::testing::PdfFonts;
using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::QpdfCheck;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::Words;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Words that use most of the Vietnamese diacritics, uppercase and lowercase.
constexpr char kVietnamese[] =
    "Hội nghị thường kỳ Ủy ban nhân dân tỉnh quý IV: đánh giá kết quả thực hiện "
    "nhiệm vụ phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh; "
    "ỨNG DỤNG CÔNG NGHỆ THÔNG TIN, CHUYỂN ĐỔI SỐ TRONG CƠ QUAN NHÀ NƯỚC.";

// Compares word sequences and reports only the first difference (the texts
// are long). A lone "-" is skipped: pdftotext removes one that ends a line,
// taking it for a hyphenation.
void ExpectSameWords(const std::string& got_text, const std::string& want_text) {
  std::vector<std::string> got;
  std::vector<std::string> want;
  for (std::string& w : Words(got_text)) if (w != "-") got.push_back(std::move(w));
  for (std::string& w : Words(want_text)) if (w != "-") want.push_back(std::move(w));
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    ASSERT_EQ(got[i], want[i]) << "word " << i;
  }
  EXPECT_EQ(got.size(), want.size());
}

std::unique_ptr<Composer> NewComposer(ComposerOptions options = {}) {
  absl::StatusOr<std::unique_ptr<Composer>> composer = Composer::Create(std::move(options));
  EXPECT_TRUE(composer.ok()) << composer.status();
  return composer.ok() ? *std::move(composer) : nullptr;
}

// Every font embedded, subset and with a ToUnicode map: what makes the text
// both render anywhere and come back out of pdftotext.
void ExpectFontsEmbeddedSubsetUnicode(const std::string& path) {
  std::vector<FontRow> fonts = PdfFonts(path);
  ASSERT_FALSE(fonts.empty());
  for (const FontRow& font : fonts) {
    SCOPED_TRACE(font.name);
    EXPECT_TRUE(font.embedded);
    EXPECT_TRUE(font.subset);
    EXPECT_TRUE(font.unicode);
    EXPECT_THAT(font.name, HasSubstr("LiberationSerif"));
  }
}

TEST(Composer, VietnameseTextComesBackFromPdfToText) {
  ScopedTempDir dir;
  std::unique_ptr<Composer> c = NewComposer({.title = "Thử nghiệm tiếng Việt"});
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->DrawText(c->content_left_mm(), 30, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
                          {.bold = true})
                  .ok());
  // Decomposed input ("Độc lập" with D-stroke + o + circumflex + dot below)
  // must be drawn as the precomposed letters.
  ASSERT_TRUE(c->DrawText(c->content_left_mm(), 40, "\xC4\x90o\xCC\x82\xCC\xA3""c la\xCC\x82\xCC\xA3p",
                          {.italic = true})
                  .ok());
  ASSERT_TRUE(c->DrawTextBox(c->content_left_mm(), 50, 120, kVietnamese, {}).ok());
  const std::string path = dir.File("vi.pdf");
  ASSERT_TRUE(c->Save(path).ok());

  const std::string text = PdfToText(path);
  EXPECT_THAT(text, HasSubstr("ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"));
  EXPECT_THAT(text, HasSubstr("Độc lập"));
  ExpectSameWords(text.substr(text.find("Hội nghị")), kVietnamese);
  ExpectFontsEmbeddedSubsetUnicode(path);
  std::string check;
  EXPECT_TRUE(QpdfCheck(path, &check)) << check;
  // Subsetting keeps a page of text small; the whole face would be ~400 KB.
  EXPECT_LT(ReadFileOrDie(path).size(), 80u * 1024);
}

TEST(Composer, WrapLinesFitsTheWidthAndKeepsEveryWord) {
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  const TextStyle style = {.size_pt = 12};
  const double width = 60;
  absl::StatusOr<std::vector<std::string>> lines = c->WrapLines(kVietnamese, style, width);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_GT(lines->size(), 3u);
  for (const std::string& line : *lines) {
    SCOPED_TRACE(line);
    absl::StatusOr<double> w = c->TextWidthMm(line, style);
    ASSERT_TRUE(w.ok());
    EXPECT_LE(*w, width);
  }
  EXPECT_EQ(absl::StrJoin(*lines, " "), absl::StrJoin(Words(kVietnamese), " "));

  absl::StatusOr<double> height = c->TextHeightMm(kVietnamese, style, width);
  ASSERT_TRUE(height.ok());
  EXPECT_DOUBLE_EQ(*height, lines->size() * Composer::LineHeightMm(style));
}

TEST(Composer, WrapLinesBreaksAtNewlinesAndInsideOverlongWords) {
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  absl::StatusOr<std::vector<std::string>> lines =
      c->WrapLines("Một\nHai  ba\n\nbốn", {}, 100);
  ASSERT_TRUE(lines.ok());
  EXPECT_THAT(*lines, ElementsAre("Một", "Hai ba", "", "bốn"));

  const std::string url = "https://hopso.example/q/" + std::string(80, 'x');
  lines = c->WrapLines(url, {}, 40);
  ASSERT_TRUE(lines.ok());
  EXPECT_GT(lines->size(), 2u);
  EXPECT_EQ(absl::StrJoin(*lines, ""), url);
}

TEST(Composer, ParagraphFlowsOntoNewPages) {
  ScopedTempDir dir;
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  std::string long_text;
  for (int i = 1; i <= 60; ++i) absl::StrAppend(&long_text, kVietnamese, " Đoạn ", i, ". ");
  const TextStyle style = {.align = Align::kJustify};
  absl::StatusOr<std::vector<std::string>> lines =
      c->WrapLines(long_text, style, c->content_width_mm());
  ASSERT_TRUE(lines.ok());

  absl::StatusOr<double> used = c->Paragraph(long_text, style);
  ASSERT_TRUE(used.ok()) << used.status();
  EXPECT_NEAR(*used, lines->size() * Composer::LineHeightMm(style), 1e-6);
  EXPECT_GE(c->page_count(), 3);
  EXPECT_GE(c->SpaceLeftMm(), 0);
  const int pages = c->page_count();
  const std::string path = dir.File("flow.pdf");
  ASSERT_TRUE(c->Save(path).ok());

  EXPECT_EQ(PageCount(path), pages);
  // Justified lines are placed word by word; the words still come back in
  // order, and the last one is on the last page.
  ExpectSameWords(PdfToText(path), long_text);
  EXPECT_THAT(PdfToText(path, pages), HasSubstr("Đoạn 60."));
  EXPECT_THAT(PdfToText(path, 1), HasSubstr("Đoạn 1."));
}

TEST(Composer, NegativeFirstLineIndentHangsTheFirstLine) {
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  const TextStyle style = {};
  const ParagraphLayout hanging = {.indent_mm = 16, .first_line_indent_mm = -6};
  const double rest_width = c->content_width_mm() - hanging.indent_mm;
  // Words until the text is wider than the indented lines but still fits on
  // the hanging first line, which is 6 mm wider.
  std::string text = "1.";
  for (int i = 0;; ++i) {
    const std::string longer = absl::StrCat(text, " từ", i);
    absl::StatusOr<double> width = c->TextWidthMm(longer, style);
    ASSERT_TRUE(width.ok());
    if (*width > rest_width - hanging.first_line_indent_mm) break;
    text = longer;
  }
  absl::StatusOr<double> text_width = c->TextWidthMm(text, style);
  ASSERT_TRUE(text_width.ok());
  ASSERT_GT(*text_width, rest_width);

  absl::StatusOr<double> hung = c->Paragraph(text, style, hanging);
  ASSERT_TRUE(hung.ok()) << hung.status();
  EXPECT_NEAR(*hung, Composer::LineHeightMm(style), 1e-6);
  absl::StatusOr<double> flush = c->Paragraph(text, style, {.indent_mm = 16});
  ASSERT_TRUE(flush.ok()) << flush.status();
  EXPECT_NEAR(*flush, 2 * Composer::LineHeightMm(style), 1e-6);

  // The first line may not start left of the margin.
  EXPECT_EQ(c->Paragraph(text, style, {.indent_mm = 4, .first_line_indent_mm = -6}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Composer, TableWrapsCellsAndRepeatsItsHeaderOnEachPage) {
  ScopedTempDir dir;
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  TableSpec table;
  table.columns = {{.width_mm = 12, .align = Align::kCenter}, {.width_mm = 110}, {.width_mm = 40}};
  table.header = {"TT", "Nội dung", "Cơ quan trình"};
  for (int i = 1; i <= 40; ++i) {
    table.rows.push_back({absl::StrCat(i), absl::StrCat("Nội dung số ", i, ": ", kVietnamese),
                          "Sở Kế hoạch và Đầu tư"});
  }
  absl::StatusOr<double> used = c->Table(table);
  ASSERT_TRUE(used.ok()) << used.status();
  ASSERT_GE(c->page_count(), 2);
  const int pages = c->page_count();
  const std::string path = dir.File("table.pdf");
  ASSERT_TRUE(c->Save(path).ok());

  for (int page = 1; page <= pages; ++page) {
    SCOPED_TRACE(page);
    EXPECT_THAT(PdfToText(path, page), HasSubstr("Cơ quan trình"));
  }
  EXPECT_THAT(PdfToText(path, pages), HasSubstr("Nội dung số 40:"));
  std::string check;
  EXPECT_TRUE(QpdfCheck(path, &check)) << check;
}

TEST(Composer, TableRejectsBadShapes) {
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  TableSpec too_wide;
  too_wide.columns = {{.width_mm = 100}, {.width_mm = 100}};
  too_wide.rows = {{"a", "b"}};
  EXPECT_EQ(c->Table(too_wide).status().code(), absl::StatusCode::kInvalidArgument);

  TableSpec ragged;
  ragged.columns = {{.width_mm = 50}, {.width_mm = 50}};
  ragged.rows = {{"only one cell"}};
  EXPECT_EQ(c->Table(ragged).status().code(), absl::StatusCode::kInvalidArgument);

  TableSpec tall;
  tall.columns = {{.width_mm = 20}};
  tall.rows = {{std::string(3000, 'x')}};
  EXPECT_EQ(c->Table(tall).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(Composer, QrCodesDecodeFromA150DpiRender) {
  ScopedTempDir dir;
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  const std::string screen = "https://hopso.example/q/M7KQ2XW9?h=3f9a01c2";
  const std::string print = "https://hopso.example/q/D4RT8PLZ?h=a1b2c3d4";
  ASSERT_TRUE(c->DrawQr(30, 30, 25, screen, QrLevel::kM).ok());
  ASSERT_TRUE(c->DrawQr(110, 30, 25, print, QrLevel::kQ).ok());
  const std::string path = dir.File("qr.pdf");
  ASSERT_TRUE(c->Save(path).ok());

  std::vector<std::string> found = DecodeQrCodes(path, 1);
  EXPECT_THAT(found, ::testing::UnorderedElementsAre(screen, print));
}

TEST(Composer, QrModuleCountGrowsWithLevelAndPayload) {
  const std::string payload = "https://hopso.example/q/M7KQ2XW9?h=3f9a01c2";
  absl::StatusOr<int> m = QrModuleCount(payload, QrLevel::kM);
  absl::StatusOr<int> q = QrModuleCount(payload, QrLevel::kQ);
  ASSERT_TRUE(m.ok() && q.ok());
  EXPECT_EQ((*m - 21) % 4, 0);
  EXPECT_GE(*q, *m);
  EXPECT_EQ(QrModuleCount("", QrLevel::kM).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(QrModuleCount(std::string(5000, 'a'), QrLevel::kQ).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(QrModuleCount(std::string("a\0b", 3), QrLevel::kQ).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Composer, PagesKeepTheirOrientationAndGetNumbers) {
  ScopedTempDir dir;
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->DrawText(30, 30, "Trang dọc", {}).ok());
  ASSERT_TRUE(c->NewPage(Orientation::kLandscape).ok());
  EXPECT_DOUBLE_EQ(c->page_width_mm(), 297);
  ASSERT_TRUE(c->DrawText(30, 30, "Trang ngang", {}).ok());
  ASSERT_TRUE(c->DrawRule(30, 40, 200).ok());
  ASSERT_TRUE(c->AddPageNumbers().ok());
  const std::string path = dir.File("pages.pdf");
  ASSERT_TRUE(c->Save(path).ok());

  EXPECT_THAT(PageSizes(path), ElementsAre(HasSubstr("595.27"), HasSubstr("841.89")));
  EXPECT_THAT(PdfToText(path, 1), HasSubstr("1/2"));
  EXPECT_THAT(PdfToText(path, 2), HasSubstr("2/2"));
  EXPECT_THAT(PdfToText(path, 2), HasSubstr("Trang ngang"));
}

TEST(Composer, AdministrativePageNumbersStartOnPageTwoAtTheTop) {
  ScopedTempDir dir;
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  for (int page = 1; page <= 3; ++page) {
    if (page > 1) {
      ASSERT_TRUE(c->NewPage().ok());
    }
    ASSERT_TRUE(c->DrawText(30, 30, absl::StrCat("Nội dung trang ", page), {}).ok());
  }
  ASSERT_TRUE(c->AddPageNumbers({.administrative = true}).ok());
  const std::string path = dir.File("numbers.pdf");
  ASSERT_TRUE(c->Save(path).ok());

  EXPECT_THAT(Words(PdfToText(path, 1)), ElementsAre("Nội", "dung", "trang", "1"));
  // pdftotext reads top down: the number comes before the page's text.
  EXPECT_THAT(Words(PdfToText(path, 2)), ElementsAre("2", "Nội", "dung", "trang", "2"));
  EXPECT_THAT(Words(PdfToText(path, 3)), ElementsAre("3", "Nội", "dung", "trang", "3"));
}

TEST(Composer, ReportsBadInputAsStatus) {
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->DrawText(30, 30, "\xC3\x28", {}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c->Paragraph("x", {}, {.indent_mm = 100, .width_mm = 100}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c->DrawQr(30, 30, 20, std::string(5000, 'q'), QrLevel::kQ).code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<std::unique_ptr<Composer>> no_fonts =
      Composer::Create({.font_dir = "/nonexistent/fonts"});
  EXPECT_EQ(no_fonts.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_fonts.status().message(), HasSubstr("fonts-liberation2"));

  ScopedTempDir dir;
  ASSERT_TRUE(c->Save(dir.File("once.pdf")).ok());
  EXPECT_EQ(c->Save(dir.File("twice.pdf")).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c->DrawText(30, 30, "late", {}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c->Save("/nonexistent/dir/x.pdf").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Composer, SaveToAnUnwritablePathIsAnError) {
  std::unique_ptr<Composer> c = NewComposer();
  ASSERT_NE(c, nullptr);
  const absl::Status status = c->Save("/nonexistent/dir/x.pdf");
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace hopso::pdf
