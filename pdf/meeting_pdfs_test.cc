#include "pdf/meeting_pdfs.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::testing::Crop;
using ::hopso::pdf::testing::DecodeQrCodes;
using ::hopso::pdf::testing::FontRow;
using ::hopso::pdf::testing::PageCount;
using ::hopso::pdf::testing::PdfFonts;
using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::QpdfCheck;
using ::hopso::pdf::testing::QrOrientation;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::Words;
using ::hopso::pdf::testing::WriteSignedLookingPdf;
using ::hopso::pdf::testing::WriteSimplePdf;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

constexpr char kOrganisation[] = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM";
constexpr char kMeetingTitle[] =
    "Phiên họp thường kỳ tháng 3 năm 2025 của Ủy ban nhân dân tỉnh Quảng Nam";
// The same title typed with combining marks ("ờ" as o + horn + grave, "ỳ" as
// y + grave, "ỉ" as i + hook): what a macOS keyboard may send.
constexpr char kMeetingTitleDecomposed[] =
    "Phie\xCC\x82n ho\xCC\xA3p thu\xCC\x9Bo\xCC\x9B\xCC\x80ng ky\xCC\x80 tha\xCC\x81ng 3 "
    "na\xCC\x86m 2025 cu\xCC\x89\x61 U\xCC\x89y ban nha\xCC\x82n da\xCC\x82n ti\xCC\x89nh "
    "Qua\xCC\x89ng Nam";

std::string Payload(int n) {
  return absl::StrCat("https://hopso.example/q/D", 1000 + n, "KX7?h=", 10000000 + 7 * n);
}

// Joined words, so a title that wraps still matches.
std::string Flat(const std::string& text) { return absl::StrJoin(Words(text), " "); }

void ExpectFontsEmbeddedSubsetUnicode(const std::string& path) {
  std::vector<FontRow> fonts = PdfFonts(path);
  ASSERT_FALSE(fonts.empty());
  for (const FontRow& font : fonts) {
    SCOPED_TRACE(font.name);
    EXPECT_TRUE(font.embedded);
    EXPECT_TRUE(font.subset);
    EXPECT_TRUE(font.unicode);
  }
}

void ExpectQpdfCheckPasses(const std::string& path) {
  std::string output;
  EXPECT_TRUE(QpdfCheck(path, &output)) << output;
}

// QR payloads decoded from every page of `path`.
std::vector<std::string> AllQrCodes(const std::string& path) {
  std::vector<std::string> all;
  const int pages = PageCount(path);
  for (int page = 1; page <= pages; ++page) {
    for (std::string& payload : DecodeQrCodes(path, page)) all.push_back(std::move(payload));
  }
  return all;
}

HandoutSpec Handout() {
  HandoutSpec spec;
  spec.header = {.organisation = kOrganisation,
                 .number = "",
                 .place_and_date = "Quảng Nam, ngày 10 tháng 3 năm 2025"};
  spec.meeting_title = kMeetingTitleDecomposed;
  spec.time_text = "08 giờ 00, thứ Tư, ngày 12 tháng 3 năm 2025";
  spec.place = "Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh";
  spec.meeting_qr_payload = Payload(0);
  const char* kItems[] = {"Tình hình kinh tế - xã hội quý I năm 2025",
                          "Đề án phòng họp không giấy giai đoạn 2025 - 2030",
                          "Kế hoạch chuyển đổi số năm 2025"};
  int n = 1;
  for (int i = 0; i < 3; ++i) {
    HandoutItem item = {.number = absl::StrCat(i + 1),
                        .title = kItems[i],
                        .presenter = "Giám đốc Sở Kế hoạch và Đầu tư",
                        .minutes = 30,
                        .documents = {}};
    for (int d = 0; d < 3; ++d, ++n) {
      item.documents.push_back({.title = absl::StrCat("Tài liệu số ", n, ": Báo cáo đánh giá ",
                                                      "kết quả thực hiện nhiệm vụ"),
                                .pages = 3 + n,
                                .qr_payload = Payload(n)});
    }
    spec.items.push_back(item);
    HandoutItem sub = {.number = absl::StrCat(i + 1, ".1"),
                       .title = "Ý kiến thẩm định của Sở Tư pháp",
                       .presenter = "Sở Tư pháp",
                       .minutes = 0,
                       .documents = {}};
    sub.documents.push_back(
        {.title = "Báo cáo thẩm định", .pages = 2, .qr_payload = Payload(n++)});
    spec.items.push_back(sub);
  }
  return spec;
}

TEST(WriteHandout, VietnameseTextFontsAndEveryQrCode) {
  ScopedTempDir dir;
  const HandoutSpec spec = Handout();
  const std::string path = dir.File("handout.pdf");
  absl::Status status = WriteHandout(spec, path);
  ASSERT_TRUE(status.ok()) << status;

  EXPECT_GE(PageCount(path), 2);
  const std::string text = PdfToText(path);
  for (const char* expected :
       {"ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "CHƯƠNG TRÌNH PHIÊN HỌP",
        "Quảng Nam, ngày 10 tháng 3 năm 2025", "Trình bày: Giám đốc Sở Kế hoạch và Đầu tư",
        "thời lượng: 30 phút", "Số trang: 4", "1.1. Ý kiến thẩm định của Sở Tư pháp"}) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
  // The decomposed title comes back precomposed (NFC).
  EXPECT_THAT(Flat(text), HasSubstr(kMeetingTitle));
  for (const HandoutItem& item : spec.items) {
    EXPECT_THAT(Flat(text), HasSubstr(item.title));
    for (const HandoutDocument& doc : item.documents) EXPECT_THAT(Flat(text), HasSubstr(doc.title));
  }
  ExpectFontsEmbeddedSubsetUnicode(path);
  ExpectQpdfCheckPasses(path);

  std::vector<std::string> want = {spec.meeting_qr_payload};
  for (const HandoutItem& item : spec.items) {
    for (const HandoutDocument& doc : item.documents) want.push_back(doc.qr_payload);
  }
  EXPECT_THAT(AllQrCodes(path), UnorderedElementsAreArray(want));
}

TEST(WriteHandout, RejectsMissingFields) {
  ScopedTempDir dir;
  HandoutSpec no_payload = Handout();
  no_payload.items[0].documents[0].qr_payload.clear();
  EXPECT_EQ(WriteHandout(no_payload, dir.File("a.pdf")).code(),
            absl::StatusCode::kInvalidArgument);
  HandoutSpec no_title = Handout();
  no_title.meeting_title.clear();
  EXPECT_EQ(WriteHandout(no_title, dir.File("b.pdf")).code(), absl::StatusCode::kInvalidArgument);
  HandoutSpec no_org = Handout();
  no_org.header.organisation.clear();
  EXPECT_EQ(WriteHandout(no_org, dir.File("c.pdf")).code(), absl::StatusCode::kInvalidArgument);
  HandoutSpec huge_payload = Handout();
  huge_payload.items[0].documents[0].qr_payload = std::string(600, 'x');
  EXPECT_EQ(WriteHandout(huge_payload, dir.File("d.pdf")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(WritePoster, OnePageWithTitleAndALargeQrCode) {
  ScopedTempDir dir;
  const PosterSpec spec = {.organisation = kOrganisation,
                           .meeting_title = kMeetingTitle,
                           .time_text = "08 giờ 00, thứ Tư, ngày 12 tháng 3 năm 2025",
                           .place = "Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh",
                           .qr_payload = Payload(0)};
  const std::string path = dir.File("poster.pdf");
  absl::Status status = WritePoster(spec, path);
  ASSERT_TRUE(status.ok()) << status;

  EXPECT_EQ(PageCount(path), 1);
  const std::string text = Flat(PdfToText(path));
  EXPECT_THAT(text, HasSubstr(kMeetingTitle));
  EXPECT_THAT(text, HasSubstr("TỈNH QUẢNG NAM"));
  EXPECT_THAT(text, HasSubstr("Địa điểm: Phòng họp số 1"));
  EXPECT_THAT(text, HasSubstr(kPosterCaption));
  ExpectFontsEmbeddedSubsetUnicode(path);
  ExpectQpdfCheckPasses(path);
  EXPECT_THAT(DecodeQrCodes(path, 1), ::testing::ElementsAre(spec.qr_payload));
  // Size, checked physically: at 20 dpi a module must span ~1.5 mm to give
  // zbar the ~1.2 pixels it needs, which only a code of 60 mm or more has
  // for this payload (a 45 mm one fails to decode there).
  EXPECT_THAT(DecodeQrCodes(path, 1, 20), ::testing::ElementsAre(spec.qr_payload));
}

TEST(WritePoster, ShrinksALongTitleOrRefusesOne) {
  ScopedTempDir dir;
  PosterSpec spec = {.organisation = kOrganisation,
                     .meeting_title = absl::StrCat(kMeetingTitle, " ", kMeetingTitle, " ",
                                                   kMeetingTitle),
                     .time_text = "08 giờ 00",
                     .place = "Phòng họp số 1",
                     .qr_payload = Payload(0)};
  ASSERT_TRUE(WritePoster(spec, dir.File("long.pdf")).ok());
  EXPECT_EQ(PageCount(dir.File("long.pdf")), 1);
  EXPECT_THAT(Flat(PdfToText(dir.File("long.pdf"))), HasSubstr(spec.meeting_title));

  std::string very_long;
  for (int i = 0; i < 12; ++i) absl::StrAppend(&very_long, kMeetingTitle, " ");
  spec.meeting_title = very_long;
  EXPECT_EQ(WritePoster(spec, dir.File("too_long.pdf")).code(),
            absl::StatusCode::kInvalidArgument);
}

DemoDocSpec Demo(DemoDocKind kind, int pages) {
  return {.header = {.organisation = kOrganisation,
                     .number = "Số: 125/TTr-UBND",
                     .place_and_date = "Quảng Nam, ngày 05 tháng 3 năm 2025"},
          .kind = kind,
          .title = "Về việc thông qua Đề án phòng họp không giấy giai đoạn 2025 - 2030",
          .pages = pages,
          .seed_lines = {"Căn cứ Kế hoạch số 15/KH-UBND ngày 10 tháng 01 năm 2025 của Ủy ban "
                         "nhân dân tỉnh về chuyển đổi số năm 2025."}};
}

TEST(WriteDemoDocument, EveryKindHasTheWantedPagesAndItsParts) {
  ScopedTempDir dir;
  const struct {
    DemoDocKind kind;
    const char* name;
  } kinds[] = {{DemoDocKind::kToTrinh, "TỜ TRÌNH"},
               {DemoDocKind::kBaoCao, "BÁO CÁO"},
               {DemoDocKind::kDuThaoNghiQuyet, "NGHỊ QUYẾT"}};
  for (const auto& kind : kinds) {
    for (int pages : {1, 2, 4}) {
      SCOPED_TRACE(absl::StrCat(kind.name, ", ", pages, " pages"));
      const DemoDocSpec spec = Demo(kind.kind, pages);
      const std::string path = dir.File(absl::StrCat(static_cast<int>(kind.kind), "_", pages, ".pdf"));
      absl::Status status = WriteDemoDocument(spec, path);
      ASSERT_TRUE(status.ok()) << status;
      EXPECT_EQ(PageCount(path), pages);
      const std::string text = PdfToText(path);
      EXPECT_THAT(text, HasSubstr(kind.name));
      EXPECT_THAT(text, HasSubstr("Số: 125/TTr-UBND"));
      EXPECT_THAT(Flat(text), HasSubstr(spec.title));
      EXPECT_THAT(Flat(text), HasSubstr("Căn cứ Kế hoạch số 15/KH-UBND"));
      EXPECT_THAT(text, HasSubstr("Nơi nhận:"));
      // The signature block ends the last page.
      EXPECT_THAT(PdfToText(path, pages), HasSubstr(spec.signer_name));
      ExpectFontsEmbeddedSubsetUnicode(path);
      ExpectQpdfCheckPasses(path);
    }
  }
}

TEST(WriteDemoDocument, SameSpecSameText) {
  ScopedTempDir dir;
  const DemoDocSpec spec = Demo(DemoDocKind::kBaoCao, 3);
  ASSERT_TRUE(WriteDemoDocument(spec, dir.File("a.pdf")).ok());
  ASSERT_TRUE(WriteDemoDocument(spec, dir.File("b.pdf")).ok());
  EXPECT_EQ(PdfToText(dir.File("a.pdf")), PdfToText(dir.File("b.pdf")));

  DemoDocSpec other = spec;
  other.title = "Về việc phê duyệt Kế hoạch chuyển đổi số năm 2025";
  ASSERT_TRUE(WriteDemoDocument(other, dir.File("c.pdf")).ok());
  EXPECT_NE(PdfToText(dir.File("a.pdf")), PdfToText(dir.File("c.pdf")));
}

TEST(WriteDemoDocument, RejectsBadSpecs) {
  ScopedTempDir dir;
  DemoDocSpec spec = Demo(DemoDocKind::kToTrinh, 0);
  EXPECT_EQ(WriteDemoDocument(spec, dir.File("a.pdf")).code(), absl::StatusCode::kInvalidArgument);
  spec = Demo(DemoDocKind::kToTrinh, 1);
  spec.title.clear();
  EXPECT_EQ(WriteDemoDocument(spec, dir.File("b.pdf")).code(), absl::StatusCode::kInvalidArgument);
}

// At 150 dpi an A4 portrait page is 1240 x 1754 px; the stamp sits in the
// top-right 80 x 40 mm.
constexpr Crop kTopRight = {.x = 1240 - 472, .y = 0, .width = 472, .height = 236};
// The same region of a landscape rendering (a page with /Rotate 90).
constexpr Crop kTopRightLandscape = {.x = 1754 - 472, .y = 0, .width = 472, .height = 236};

TEST(StampFirstPage, AddsAQrCodeTopRightAsAnIncrementalUpdate) {
  ScopedTempDir dir;
  const std::string original = dir.File("original.pdf");
  ASSERT_TRUE(WriteDemoDocument(Demo(DemoDocKind::kToTrinh, 2), original).ok());
  const std::string stamped = dir.File("stamped.pdf");
  const std::string payload = Payload(42);
  absl::Status status = StampFirstPage(original, stamped, payload);
  ASSERT_TRUE(status.ok()) << status;

  const std::string before = ReadFileOrDie(original);
  const std::string after = ReadFileOrDie(stamped);
  EXPECT_GT(after.size(), before.size());
  EXPECT_TRUE(absl::StartsWith(after, before)) << "not an incremental update";
  EXPECT_EQ(PageCount(stamped), 2);
  ExpectQpdfCheckPasses(stamped);
  ExpectFontsEmbeddedSubsetUnicode(stamped);
  const std::string page1 = Flat(PdfToText(stamped, 1));
  EXPECT_THAT(page1, HasSubstr("Bản điện tử – quét để xem bản gốc"));
  EXPECT_THAT(page1, HasSubstr("TỜ TRÌNH"));
  EXPECT_THAT(DecodeQrCodes(stamped, 1, 150, kTopRight), ::testing::ElementsAre(payload));
  EXPECT_EQ(QrOrientation(stamped, 1, 150, kTopRight), "UP");
  EXPECT_TRUE(DecodeQrCodes(stamped, 2).empty());
}

TEST(StampFirstPage, IsNotDistortedByContentThatLeavesItsGraphicsStateChanged) {
  ScopedTempDir dir;
  const std::string original = dir.File("scaled.pdf");
  // Scales everything after it by 3 and never restores the state.
  WriteSimplePdf(original, "Someone else's PDF", "3 0 0 3 0 0 cm 0.8 g\n");
  const std::string stamped = dir.File("stamped.pdf");
  ASSERT_TRUE(StampFirstPage(original, stamped, Payload(7)).ok());
  ExpectQpdfCheckPasses(stamped);
  EXPECT_THAT(DecodeQrCodes(stamped, 1, 150, kTopRight), ::testing::ElementsAre(Payload(7)));
}

TEST(StampFirstPage, FollowsThePageRotation) {
  ScopedTempDir dir;
  const std::string portrait = dir.File("portrait.pdf");
  WriteSimplePdf(portrait, "Rotated page");
  const std::string rotated = dir.File("rotated.pdf");
  ASSERT_EQ(RunCommand({"qpdf", "--rotate=+90:1", portrait, rotated}).exit_code, 0);
  const std::string stamped = dir.File("stamped.pdf");
  ASSERT_TRUE(StampFirstPage(rotated, stamped, Payload(9)).ok());
  EXPECT_THAT(DecodeQrCodes(stamped, 1, 150, kTopRightLandscape),
              ::testing::ElementsAre(Payload(9)));
  // Upright for the reader of the rotated page.
  EXPECT_EQ(QrOrientation(stamped, 1, 150, kTopRightLandscape), "UP");
  EXPECT_THAT(Flat(PdfToText(stamped, 1)), HasSubstr("Bản điện tử"));
}

TEST(StampFirstPage, CanReplaceItsInput) {
  ScopedTempDir dir;
  const std::string path = dir.File("in_place.pdf");
  WriteSimplePdf(path, "In place");
  ASSERT_TRUE(StampFirstPage(path, path, Payload(3)).ok());
  ExpectQpdfCheckPasses(path);
  EXPECT_THAT(DecodeQrCodes(path, 1, 150, kTopRight), ::testing::ElementsAre(Payload(3)));
}

TEST(StampFirstPage, RefusesSignedEncryptedAndBrokenFiles) {
  ScopedTempDir dir;
  const std::string signed_pdf = dir.File("signed.pdf");
  WriteSignedLookingPdf(signed_pdf);
  const std::string out = dir.File("out.pdf");
  absl::Status status = StampFirstPage(signed_pdf, out, Payload(1));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr("signatures"));

  const std::string plain = dir.File("plain.pdf");
  WriteSimplePdf(plain, "Secret");
  const std::string encrypted = dir.File("encrypted.pdf");
  ASSERT_EQ(RunCommand({"qpdf", "--encrypt", "", "owner", "256", "--", plain, encrypted})
                .exit_code,
            0);
  EXPECT_EQ(StampFirstPage(encrypted, out, Payload(1)).code(),
            absl::StatusCode::kFailedPrecondition);

  const std::string not_pdf = dir.File("not.pdf");
  testing::WriteFileOrDie(not_pdf, "just some text, not a PDF\n");
  EXPECT_EQ(StampFirstPage(not_pdf, out, Payload(1)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StampFirstPage(dir.File("missing.pdf"), out, Payload(1)).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(StampFirstPage(plain, out, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::ifstream(out).good()) << "a refused stamp must not leave a file";
}

}  // namespace
}  // namespace hopso::pdf
