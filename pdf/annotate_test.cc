// WriteAnnotatedCopy, checked by tools that share no code with PoDoFo: qpdf
// (--check, and --json for the annotation dictionaries) and poppler's
// pdftoppm (where on the rendered page the marks land, rotated pages too).
#include "pdf/annotate.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::testing::QpdfCheck;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::WriteRawPdf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint32_t kRed = 0xFFFF0000;
constexpr char kNote[] = "Đề nghị bổ sung số liệu quý IV — ghi chú của đại biểu 📌";

// A one-page blank PDF with `media_box` and `page_extra` in its page dictionary.
void WriteBlankPdf(const std::string& path, const std::string& media_box,
                   const std::string& page_extra = "") {
  const std::string content = "q Q\n";
  WriteRawPdf(path, {"<< /Type /Catalog /Pages 2 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     absl::StrCat("<< /Type /Page /Parent 2 0 R /MediaBox ", media_box,
                                  " /Contents 4 0 R /Resources << >> ", page_extra, ">>"),
                     absl::StrCat("<< /Length ", content.size(), " >>\nstream\n", content,
                                  "endstream")});
}

// A page (its crop box) rendered by pdftoppm at 72 dpi: one pixel per point.
struct Raster {
  int width = 0;
  int height = 0;
  std::string rgb;

  // True when the pixel is clearly red (poppler draws ink with antialiasing).
  bool Red(int x, int y) const {
    const size_t at = (static_cast<size_t>(y) * width + x) * 3;
    const auto c = [&](int i) { return static_cast<unsigned char>(rgb[at + i]); };
    return c(0) > 180 && c(1) < 100 && c(2) < 100;
  }
  bool White(int x, int y) const {
    const size_t at = (static_cast<size_t>(y) * width + x) * 3;
    for (int i = 0; i < 3; ++i) {
      if (static_cast<unsigned char>(rgb[at + i]) < 240) return false;
    }
    return true;
  }
};

Raster Render(const ScopedTempDir& dir, const std::string& pdf) {
  const std::string stem = dir.File("page");
  const auto result =
      RunCommand({"pdftoppm", "-r", "72", "-cropbox", "-singlefile", "-f", "1", "-l", "1", pdf,
                  stem},
                 true);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const std::string ppm = ReadFileOrDie(stem + ".ppm");
  // "P6\nW H\n255\n" then RGB bytes.
  std::vector<std::string> header = absl::StrSplit(ppm.substr(0, 32), absl::ByAnyChar(" \n"));
  Raster r;
  EXPECT_EQ(header[0], "P6");
  EXPECT_TRUE(absl::SimpleAtoi(header[1], &r.width));
  EXPECT_TRUE(absl::SimpleAtoi(header[2], &r.height));
  size_t offset = 0;
  for (int field = 0; field < 4; ++field) offset = ppm.find_first_of(" \n", offset) + 1;
  r.rgb = ppm.substr(offset);
  EXPECT_EQ(r.rgb.size(), static_cast<size_t>(r.width) * r.height * 3);
  return r;
}

// A thick red horizontal stroke from (100, 120) to (220, 120) as displayed.
PageMark RedStroke() {
  PageMark m;
  m.kind = MarkKind::kInk;
  m.argb = kRed;
  m.width = 6;
  m.points = {{100, 120}, {160, 120}, {220, 120}};
  return m;
}

std::string QpdfJson(const std::string& pdf) {
  const auto result = RunCommand({"qpdf", "--json=2", "--json-key=qpdf", pdf});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

// The first `n` numbers in `json` after `key`.
std::vector<double> NumbersAfter(const std::string& json, const std::string& key, int n) {
  std::vector<double> out;
  size_t at = json.find(key);
  if (at == std::string::npos) return out;
  at += key.size();
  while (static_cast<int>(out.size()) < n && at < json.size()) {
    const size_t start = json.find_first_of("-0123456789", at);
    if (start == std::string::npos) break;
    const size_t end = json.find_first_not_of("-0123456789.", start);
    double v = 0;
    if (!absl::SimpleAtod(json.substr(start, end - start), &v)) break;
    out.push_back(v);
    at = end;
  }
  return out;
}

TEST(WriteAnnotatedCopy, InkHighlightAndNoteAreStandardAnnotations) {
  ScopedTempDir dir;
  const std::string in = dir.File("in.pdf");
  const std::string out = dir.File("out.pdf");
  WriteBlankPdf(in, "[0 0 595 842]");
  PageMark highlight;
  highlight.kind = MarkKind::kHighlight;
  highlight.argb = 0x80FFFF00;
  highlight.rects = {{72, 300, 200, 14}, {72, 316, 120, 14}};
  PageMark note;
  note.kind = MarkKind::kNote;
  note.rects = {{400, 500, 0, 0}};
  note.text = kNote;
  note.author = "Lê Thị Hạnh";
  note.name = "note-0001";
  note.modified_unix_seconds = 1767225600;
  ASSERT_TRUE(WriteAnnotatedCopy(in, out, {RedStroke(), highlight, note}).ok());

  std::string check;
  EXPECT_TRUE(QpdfCheck(out, &check)) << check;
  // An incremental update: the original bytes come first, unchanged.
  const std::string original = ReadFileOrDie(in);
  EXPECT_EQ(ReadFileOrDie(out).substr(0, original.size()), original);

  const std::string json = QpdfJson(out);
  EXPECT_THAT(json, HasSubstr("\"/Subtype\": \"/Ink\""));
  EXPECT_THAT(json, HasSubstr("\"/InkList\""));
  EXPECT_THAT(json, HasSubstr("\"/Subtype\": \"/Highlight\""));
  EXPECT_THAT(json, HasSubstr("\"/QuadPoints\""));
  EXPECT_THAT(json, HasSubstr("\"/Subtype\": \"/Text\""));
  // qpdf decodes the UTF-16BE text strings: Vietnamese and the emoji beyond
  // the BMP come back exactly.
  EXPECT_THAT(json, HasSubstr(absl::StrCat("\"/Contents\": \"u:", kNote, "\"")));
  EXPECT_THAT(json, HasSubstr("\"/T\": \"u:Lê Thị Hạnh\""));
  EXPECT_THAT(json, HasSubstr("\"/NM\": \"u:note-0001\""));
  // The highlighter's alpha becomes the annotation's opacity.
  EXPECT_THAT(json, HasSubstr("\"/CA\": 0.50196"));
  // The first quad's upper left corner, (72, 300) from the top of an
  // 842-point page: y = 542 in PDF user space.
  EXPECT_THAT(NumbersAfter(json, "\"/QuadPoints\"", 4), ::testing::ElementsAre(72, 542, 272, 542));
}

TEST(WriteAnnotatedCopy, InkLandsWhereItWasDrawn) {
  ScopedTempDir dir;
  const std::string in = dir.File("in.pdf");
  const std::string out = dir.File("out.pdf");
  WriteBlankPdf(in, "[0 0 595 842]");
  ASSERT_TRUE(WriteAnnotatedCopy(in, out, {RedStroke()}).ok());
  const Raster page = Render(dir, out);
  ASSERT_EQ(page.width, 595);
  EXPECT_TRUE(page.Red(160, 120));
  EXPECT_TRUE(page.Red(105, 120));
  EXPECT_TRUE(page.White(160, 140));
  EXPECT_TRUE(page.White(160, 842 - 120));  // not mirrored
}

// Coordinates are the displayed page's: on a page turned by /Rotate and with
// a crop box, the stroke still shows where the delegate drew it.
TEST(WriteAnnotatedCopy, FollowsRotationAndCropBox) {
  for (int rotation : {90, 180, 270}) {
    SCOPED_TRACE(rotation);
    ScopedTempDir dir;
    const std::string in = dir.File("in.pdf");
    const std::string out = dir.File("out.pdf");
    WriteBlankPdf(in, "[0 0 700 900]",
                  absl::StrCat("/CropBox [50 40 645 882] /Rotate ", rotation, " "));
    ASSERT_TRUE(WriteAnnotatedCopy(in, out, {RedStroke()}).ok());
    const Raster page = Render(dir, out);
    ASSERT_EQ(page.width, rotation == 180 ? 595 : 842);
    EXPECT_TRUE(page.Red(160, 120));
    EXPECT_TRUE(page.Red(215, 120));
    EXPECT_TRUE(page.White(160, 150));
    EXPECT_TRUE(page.White(120, 160));  // not transposed
  }
}

TEST(WriteAnnotatedCopy, RefusesMarksItCannotPlace) {
  ScopedTempDir dir;
  const std::string in = dir.File("in.pdf");
  WriteBlankPdf(in, "[0 0 595 842]");
  PageMark beyond = RedStroke();
  beyond.page = 1;
  PageMark empty = RedStroke();
  empty.points.clear();
  PageMark bad_text;
  bad_text.kind = MarkKind::kNote;
  bad_text.rects = {{10, 10, 20, 20}};
  bad_text.text = "ghi ch\xC3";
  for (const PageMark& mark : {beyond, empty, bad_text}) {
    const std::string out = dir.File("out.pdf");
    const absl::Status s = WriteAnnotatedCopy(in, out, {RedStroke(), mark});
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_FALSE(std::filesystem::exists(out)) << "nothing is written";
  }
  EXPECT_EQ(WriteAnnotatedCopy(dir.File("missing.pdf"), dir.File("x.pdf"), {}).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hopso::pdf
