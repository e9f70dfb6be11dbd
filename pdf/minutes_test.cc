#include "pdf/minutes.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdf/internal/test_tools.h"

namespace hopso::pdf {
namespace {

using ::hopso::pdf::testing::Crop;
using ::hopso::pdf::testing::DecodeQrCodes;
using ::hopso::pdf::testing::FontRow;
using ::hopso::pdf::testing::PageCount;
using ::hopso::pdf::testing::PageSizes;
using ::hopso::pdf::testing::PdfFonts;
using ::hopso::pdf::testing::PdfToText;
using ::hopso::pdf::testing::QpdfCheck;
using ::hopso::pdf::testing::ReadFileOrDie;
using ::hopso::pdf::testing::RunCommand;
using ::hopso::pdf::testing::ScopedTempDir;
using ::hopso::pdf::testing::Words;
using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMeetingTitle[] = "Phiên họp thường kỳ tháng 11 năm 2026";
constexpr char kPayload[] = "https://hopso.example/m/BB-2026-11?h=3f9a1c0e";
constexpr char kRecordNote[] =
    "Lập từ nhật ký phiên họp, sự kiện 1–214, mã 3f9a1c0e; bản gốc điện tử có chữ ký số.";
// "Nguyễn Thị Hồng Nhung" typed with combining marks (NFD), as a macOS
// keyboard may send it; the minutes must carry the precomposed form.
constexpr char kNhungDecomposed[] = "Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Ho\xCC\x82\xCC\x80ng Nhung";
constexpr char kNhung[] = "Nguyễn Thị Hồng Nhung";
// A4 portrait in points.
constexpr double kPageWidthPt = 595.276;
constexpr double kPageHeightPt = 841.89;

MinutesPoll NamedPoll() {
  return {.question = "Biểu quyết thông qua Đề án phòng họp không giấy giai đoạn 2027 - 2030",
          .secret = false,
          .counts = {{"Đồng ý", "12"}, {"Không đồng ý", "5"}, {"Không biểu quyết", "2"}},
          .voted = 19,
          .eligible = 21,
          .rule_text = "Quá 1/2 tổng số thành viên (ít nhất 11/21)",
          .result_text = "Thông qua (12/21 thành viên tán thành)"};
}

MinutesPoll SecretPoll() {
  return {.question = "Lấy phiếu tín nhiệm phương án sắp xếp đơn vị sự nghiệp công lập",
          .secret = true,
          .counts = {{"Đồng ý", "8"}, {"Không đồng ý", "9"}, {"Phiếu không hợp lệ", "1"}},
          .voted = 18,
          .eligible = 21,
          .rule_text = "Quá 1/2 tổng số thành viên (ít nhất 11/21)",
          .result_text = "Không thông qua (8/21 thành viên đồng ý, chưa đạt quá 1/2)"};
}

// UBND tỉnh Quảng Nam, 21 members: 16 in the room, 2 online, 3 absent (one
// of whom gave a proxy), 3 agenda items with an open and a secret poll.
MinutesSpec QuangNam() {
  MinutesSpec spec;
  spec.header = {.organisation = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
                 .number = "Số: 12/BB-UBND",
                 .place_and_date = "Quảng Nam, ngày 30 tháng 11 năm 2026"};
  spec.meeting_title = kMeetingTitle;
  spec.start_text = "08 giờ 00 phút, ngày 30 tháng 11 năm 2026";
  spec.end_text = "11 giờ 15 phút cùng ngày";
  spec.place = "Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh";
  spec.chair = {"Trương Quốc Việt", "Chủ tịch UBND tỉnh"};
  spec.secretary = {"Đặng Thùy Dương", "Chánh Văn phòng UBND tỉnh"};
  MinutesAttendance& a = spec.attendance;
  a.members = 21;
  a.present = {{"Trương Quốc Việt", "Chủ tịch UBND tỉnh"},
               {kNhungDecomposed, "Phó Chủ tịch UBND tỉnh"},
               {"Hồ Quang Bửu", "Phó Chủ tịch UBND tỉnh"},
               {"Phan Thái Bình", "Giám đốc Sở Tài chính"},
               {"Võ Thị Ánh Tuyết", "Giám đốc Sở Kế hoạch và Đầu tư"},
               {"Huỳnh Đức Thơ", "Giám đốc Sở Nội vụ"},
               {"Trần Ngọc Ẩn", "Giám đốc Sở Tư pháp"},
               {"Đỗ Thị Kiều Oanh", "Giám đốc Sở Giáo dục và Đào tạo"},
               {"Phạm Hữu Lộc", "Giám đốc Sở Xây dựng"},
               {"Bùi Xuân Trường", "Giám đốc Sở Giao thông vận tải"},
               {"Dương Mỹ Hạnh", "Giám đốc Sở Văn hóa, Thể thao và Du lịch"},
               {"Lương Thế Khiêm", "Giám đốc Sở Công Thương"},
               {"Tôn Nữ Quỳnh Như", "Giám đốc Sở Thông tin và Truyền thông"},
               {"Lê Văn Dũng", "Giám đốc Công an tỉnh"},
               {"Nguyễn Ỷ Lan", "Chánh Thanh tra tỉnh"},
               {"Hà Thị Ngọc Diễm", "Giám đốc Sở Lao động - Thương binh và Xã hội"}};
  a.online = {{"Ngô Thị Thu Hà", "Giám đốc Sở Y tế"},
              {"Châu Văn Ước", "Chủ tịch UBND thị xã Điện Bàn"}};
  a.absent = {{{"Đinh Văn Sỹ", "Giám đốc Sở Nông nghiệp và Phát triển nông thôn"},
               "đi công tác nước ngoài"},
              {{"Khổng Thị Yến", "Giám đốc Sở Khoa học và Công nghệ"}, "nghỉ ốm"},
              {{"Âu Dương Lãm", "Giám đốc Sở Tài nguyên và Môi trường"}, ""}};
  a.proxies = {{"Đinh Văn Sỹ", "Phan Thái Bình"}};
  a.quorum_text =
      "Đủ điều kiện tiến hành phiên họp (18/21 thành viên có mặt, yêu cầu tối thiểu 11)";

  spec.items.push_back(
      {.number = "1",
       .title = "Tình hình kinh tế - xã hội năm 2026 và kế hoạch năm 2027",
       .presenter = "Võ Thị Ánh Tuyết, Giám đốc Sở Kế hoạch và Đầu tư",
       .document_titles = {"Báo cáo tình hình kinh tế - xã hội năm 2026",
                           "Dự thảo Kế hoạch phát triển kinh tế - xã hội năm 2027"},
       .speeches = {{"Phan Thái Bình", "Đề nghị bổ sung số liệu thu ngân sách tháng 11."},
                    {"Hồ Quang Bửu", ""}},
       .polls = {{.question = "Thông qua chương trình phiên họp",
                  .counts = {{"Đồng ý", "19"}, {"Không đồng ý", "0"}},
                  .voted = 19,
                  .eligible = 21,
                  .rule_text = "Quá 1/2 tổng số thành viên",
                  .result_text = "Thông qua"}},
       .conclusion = "Giao Sở Kế hoạch và Đầu tư hoàn thiện báo cáo trước ngày 05 tháng 12."});
  spec.items.push_back({.number = "2",
                        .title = "Đề án phòng họp không giấy giai đoạn 2027 - 2030",
                        .presenter = "Tôn Nữ Quỳnh Như, Giám đốc Sở Thông tin và Truyền thông",
                        .document_titles = {"Tờ trình số 125/TTr-STTTT", "Dự thảo Đề án"},
                        .speeches = {{"Dương Mỹ Hạnh", "Thống nhất với dự thảo."}},
                        .polls = {NamedPoll()},
                        .conclusion = ""});
  spec.items.push_back({.number = "3",
                        .title = "Phương án sắp xếp đơn vị sự nghiệp công lập",
                        .presenter = "Huỳnh Đức Thơ, Giám đốc Sở Nội vụ",
                        .document_titles = {},
                        .speeches = {},
                        .polls = {SecretPoll()},
                        .conclusion = "Giao Sở Nội vụ tiếp thu ý kiến, trình lại tại phiên họp "
                                      "tháng 12."});
  spec.conclusions = {
      "Ủy ban nhân dân tỉnh thống nhất đánh giá tình hình kinh tế - xã hội năm 2026 cơ bản hoàn "
      "thành các chỉ tiêu chủ yếu; giao các sở, ngành tập trung thực hiện kế hoạch năm 2027.",
      "Thông qua Đề án phòng họp không giấy giai đoạn 2027 - 2030; giao Sở Thông tin và Truyền "
      "thông hoàn chỉnh hồ sơ, trình Hội đồng nhân dân tỉnh tại kỳ họp gần nhất."};
  spec.record_note = kRecordNote;
  spec.qr_payload = kPayload;
  return spec;
}

// The lines of `text` (pdftotext output), form feeds split off.
std::set<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, absl::ByAnyChar("\n\f"), absl::SkipEmpty());
}

// Joined words, so a paragraph that wraps still matches.
std::string Flat(const std::string& text) { return absl::StrJoin(Words(text), " "); }

MinutesLayout WriteOrDie(const MinutesSpec& spec, const std::string& path) {
  absl::StatusOr<MinutesLayout> layout = WriteMinutes(spec, path);
  EXPECT_TRUE(layout.ok()) << layout.status();
  return layout.ok() ? *layout : MinutesLayout{};
}

// A word of `pdftotext -bbox`, in points from the page's top-left corner.
struct WordBox {
  std::string text;
  double x_min = 0, y_min = 0, x_max = 0, y_max = 0;
};

std::vector<WordBox> WordBoxes(const std::string& pdf, int page) {
  // <word xMin="85.04" yMin="71.26" xMax="133.2" yMax="86.01">CỘNG</word>
  const std::string p = absl::StrCat(page);
  const testing::CommandResult result =
      RunCommand({"pdftotext", "-bbox", "-enc", "UTF-8", "-f", p, "-l", p, pdf, "-"});
  EXPECT_EQ(result.exit_code, 0);
  std::vector<WordBox> words;
  for (absl::string_view line : absl::StrSplit(result.output, '\n')) {
    const size_t open = line.find("<word ");
    if (open == absl::string_view::npos) continue;
    WordBox w;
    for (const auto& [key, out] : {std::pair<const char*, double*>{"xMin=\"", &w.x_min},
                                   {"yMin=\"", &w.y_min},
                                   {"xMax=\"", &w.x_max},
                                   {"yMax=\"", &w.y_max}}) {
      const size_t at = line.find(key) + std::string(key).size();
      EXPECT_TRUE(absl::SimpleAtod(line.substr(at, line.find('"', at) - at), out)) << line;
    }
    const size_t text = line.find('>', open) + 1;
    w.text = std::string(line.substr(text, line.find("</word>") - text));
    words.push_back(w);
  }
  return words;
}

// The grey levels of a region of pages `first` to `last` rendered at 72 dpi
// (one pixel per point), row by row, one string per page.
std::vector<std::string> RenderGray(const ScopedTempDir& dir, const std::string& pdf, int first,
                                    int last, const Crop& crop) {
  static int renders = 0;
  const std::string out = dir.File(absl::StrCat("render", ++renders));
  std::filesystem::create_directory(out);
  const testing::CommandResult result =
      RunCommand({"pdftoppm", "-gray", "-r", "72", "-f", absl::StrCat(first), "-l",
                  absl::StrCat(last), "-x", absl::StrCat(crop.x), "-y", absl::StrCat(crop.y), "-W",
                  absl::StrCat(crop.width), "-H", absl::StrCat(crop.height), pdf, out + "/p"},
                 true);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  // pdftoppm numbers the files p-1.pgm or p-01.pgm...: zero-padded, so they
  // sort in page order.
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files.size(), static_cast<size_t>(last - first + 1));
  std::vector<std::string> pages;
  for (const std::string& file : files) {
    const std::string pgm = ReadFileOrDie(file);
    // "P5\nW H\n255\n" then one byte per pixel.
    size_t offset = 0;
    for (int field = 0; field < 4; ++field) offset = pgm.find_first_of(" \n", offset) + 1;
    pages.push_back(pgm.substr(offset));
    EXPECT_EQ(pages.back().size(), static_cast<size_t>(crop.width) * crop.height);
  }
  return pages;
}

// The whole pixels inside a box given in PDF points from the bottom left.
Crop PixelsInside(const SignatureBox& box) {
  const int left = static_cast<int>(std::ceil(box.x));
  const int top = static_cast<int>(std::ceil(kPageHeightPt - box.y - box.height));
  return {.x = left,
          .y = top,
          .width = static_cast<int>(std::floor(box.x + box.width)) - left,
          .height = static_cast<int>(std::floor(kPageHeightPt - box.y)) - top};
}

int DarkPixels(const std::string& gray) {
  return static_cast<int>(std::count_if(
      gray.begin(), gray.end(), [](char c) { return static_cast<unsigned char>(c) < 200; }));
}

// Nothing drawn in the bottom margin (20 mm) of pages `first` to `last`:
// flowed text and the blocks kept together all end above it.
void ExpectBottomMarginsBlank(const ScopedTempDir& dir, const std::string& pdf, int first,
                              int last) {
  constexpr int kMarginPt = 56;  // 20 mm, rounded down
  const int top = static_cast<int>(kPageHeightPt) - kMarginPt;
  const std::vector<std::string> margins =
      RenderGray(dir, pdf, first, last, {.x = 0, .y = top, .width = 595, .height = kMarginPt});
  for (size_t i = 0; i < margins.size(); ++i) {
    EXPECT_EQ(DarkPixels(margins[i]), 0) << "page " << first + i;
  }
}

// pdftotext of each page, in order.
std::vector<std::string> PageTexts(const std::string& pdf) {
  std::vector<std::string> pages = absl::StrSplit(PdfToText(pdf), '\f');
  if (!pages.empty() && pages.back().empty()) pages.pop_back();  // after the last page's \f
  return pages;
}

TEST(WriteMinutes, EverythingRecordedComesBackFromPdfToText) {
  ScopedTempDir dir;
  const std::string path = dir.File("bien_ban.pdf");
  const MinutesSpec spec = QuangNam();
  const MinutesLayout layout = WriteOrDie(spec, path);
  ASSERT_EQ(PageCount(path), layout.pages);

  const std::string text = PdfToText(path);
  const std::set<std::string> lines = Lines(text);
  for (const std::string& expected : std::vector<std::string>{
           "ỦY BAN NHÂN DÂN",
           "TỈNH QUẢNG NAM",
           "Số: 12/BB-UBND",
           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
           "Độc lập - Tự do - Hạnh phúc",
           "Quảng Nam, ngày 30 tháng 11 năm 2026",
           "BIÊN BẢN",
           kMeetingTitle,
           "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN",
           "Thời gian bắt đầu: 08 giờ 00 phút, ngày 30 tháng 11 năm 2026",
           "Địa điểm: Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh",
           "Chủ tọa: Trương Quốc Việt, Chủ tịch UBND tỉnh",
           "Thư ký: Đặng Thùy Dương, Chánh Văn phòng UBND tỉnh",
           "Số thành viên: 21; có mặt: 18 (trực tiếp 16, trực tuyến 2); vắng: 3",
           absl::StrCat("2. ", kNhung, ", Phó Chủ tịch UBND tỉnh"),
           "16. Hà Thị Ngọc Diễm, Giám đốc Sở Lao động - Thương binh và Xã hội",
           "2. Châu Văn Ước, Chủ tịch UBND thị xã Điện Bàn",
           "2. Khổng Thị Yến, Giám đốc Sở Khoa học và Công nghệ (lý do: nghỉ ốm)",
           "3. Âu Dương Lãm, Giám đốc Sở Tài nguyên và Môi trường",
           "- Đinh Văn Sỹ ủy quyền biểu quyết cho Phan Thái Bình",
           "II. NỘI DUNG",
           "1. Tình hình kinh tế - xã hội năm 2026 và kế hoạch năm 2027",
           "Trình bày: Tôn Nữ Quỳnh Như, Giám đốc Sở Thông tin và Truyền thông",
           "- Tờ trình số 125/TTr-STTTT",
           "- Phan Thái Bình: Đề nghị bổ sung số liệu thu ngân "
           "sách tháng 11.",
           "- Hồ Quang Bửu",
           "Số đại biểu biểu quyết: 19/21",
           "Số đại biểu biểu quyết: 18/21",
           "Điều kiện thông qua: Quá 1/2 tổng số thành viên (ít nhất 11/21)",
           "Kết quả: Thông qua (12/21 thành viên tán thành)",
           "Kết quả: Không thông qua (8/21 thành viên đồng ý, chưa đạt quá 1/2)",
           "III. KẾT LUẬN",
           "Phiên họp kết thúc vào hồi 11 giờ 15 phút cùng ngày.",
           "THƯ KÝ",
           "CHỦ TỌA",
           "Trương Quốc Việt",
           "Đặng Thùy Dương"}) {
    EXPECT_THAT(lines, Contains(expected)) << text;
  }
  // Every member present, online or absent, with their number.
  for (const auto* people : {&spec.attendance.present, &spec.attendance.online}) {
    for (size_t i = 0; i < people->size(); ++i) {
      const std::string name = (*people)[i].name == kNhungDecomposed ? kNhung : (*people)[i].name;
      EXPECT_THAT(lines, Contains(absl::StrCat(i + 1, ". ", name, ", ", (*people)[i].title)));
    }
  }
  // Each poll's table: options, counts, and shares of the votes cast.
  for (const char* cell : {"Phương án",
                           "Số phiếu",
                           "Tỷ lệ",
                           "Đồng ý",
                           "Không đồng ý",
                           "Không biểu quyết",
                           "Phiếu không hợp lệ",
                           "12",
                           "5",
                           "2",
                           "8",
                           "9",
                           "1",
                           "63,2%",
                           "26,3%",
                           "10,5%",
                           "44,4%",
                           "50,0%",
                           "5,6%",
                           "100,0%",
                           "0,0%"}) {
    EXPECT_THAT(lines, Contains(cell));
  }
  const std::string flat = Flat(text);
  // The longest absence wraps.
  EXPECT_THAT(flat, HasSubstr("1. Đinh Văn Sỹ, Giám đốc Sở Nông nghiệp và Phát triển nông thôn "
                              "(lý do: đi công tác nước ngoài)"));
  EXPECT_THAT(flat, HasSubstr("Đủ điều kiện tiến hành phiên họp (18/21 thành viên có mặt, yêu "
                              "cầu tối thiểu 11)"));
  EXPECT_THAT(flat, HasSubstr(absl::StrCat(SecretPoll().question, " (bỏ phiếu kín)")));
  EXPECT_THAT(flat, Not(HasSubstr(absl::StrCat(NamedPoll().question, " (bỏ phiếu kín)"))));
  EXPECT_THAT(flat, HasSubstr("Kết luận: Giao Sở Nội vụ tiếp thu ý kiến, trình lại tại phiên "
                              "họp tháng 12."));
  for (const std::string& conclusion : spec.conclusions) EXPECT_THAT(flat, HasSubstr(conclusion));
  EXPECT_THAT(flat, HasSubstr(kRecordNote));

  // The decomposed name was precomposed before drawing: pdftotext's own
  // output, before the helper's NFC, already has it.
  const testing::CommandResult raw = RunCommand({"pdftotext", "-enc", "UTF-8", path, "-"});
  EXPECT_THAT(raw.output, HasSubstr(kNhung));
  EXPECT_THAT(raw.output, Not(HasSubstr("\xCC\x82")));  // no combining circumflex
}

TEST(WriteMinutes, A4WithEmbeddedSubsetFontsAndACleanStructure) {
  ScopedTempDir dir;
  const std::string path = dir.File("bien_ban.pdf");
  const MinutesLayout layout = WriteOrDie(QuangNam(), path);
  const std::vector<std::string> sizes = PageSizes(path);
  EXPECT_EQ(sizes.size(), static_cast<size_t>(layout.pages));
  EXPECT_THAT(sizes, Each(HasSubstr("595.276 x 841.89")));
  const std::vector<FontRow> fonts = PdfFonts(path);
  ASSERT_FALSE(fonts.empty());
  for (const FontRow& font : fonts) {
    SCOPED_TRACE(font.name);
    EXPECT_TRUE(font.embedded);
    EXPECT_TRUE(font.subset);
    EXPECT_TRUE(font.unicode);
  }
  std::string output;
  EXPECT_TRUE(QpdfCheck(path, &output)) << output;
}

TEST(WriteMinutes, QrCodeOnTheLastPageDecodesToThePayload) {
  ScopedTempDir dir;
  const std::string path = dir.File("bien_ban.pdf");
  const MinutesLayout layout = WriteOrDie(QuangNam(), path);
  EXPECT_THAT(DecodeQrCodes(path, layout.pages), ::testing::ElementsAre(kPayload));
}

TEST(WriteMinutes, SignatureBoxesAreBlankAndSitBetweenRoleAndName) {
  ScopedTempDir dir;
  const std::string path = dir.File("bien_ban.pdf");
  const MinutesLayout layout = WriteOrDie(QuangNam(), path);
  const SignatureBox& secretary = layout.secretary;
  const SignatureBox& chair = layout.chair;
  EXPECT_EQ(secretary.page, layout.pages - 1);
  EXPECT_EQ(chair.page, layout.pages - 1);
  for (const SignatureBox* box : {&secretary, &chair}) {
    EXPECT_GE(box->width, 150);
    EXPECT_GE(box->height, 70);
    EXPECT_GE(box->x, 0);
    EXPECT_GE(box->y, 0);
    EXPECT_LE(box->x + box->width, kPageWidthPt);
    EXPECT_LE(box->y + box->height, kPageHeightPt);
  }
  // Side by side, secretary on the left, not overlapping.
  EXPECT_LE(secretary.x + secretary.width, chair.x);
  EXPECT_DOUBLE_EQ(secretary.y, chair.y);

  const std::vector<WordBox> words = WordBoxes(path, layout.pages);
  struct Expected {
    const SignatureBox& box;
    std::vector<std::string> role;
    std::vector<std::string> name;
  };
  for (const Expected& e : {Expected{secretary, {"THƯ", "KÝ"}, {"Đặng", "Thùy", "Dương"}},
                            Expected{chair, {"CHỦ", "TỌA"}, {"Trương", "Quốc", "Việt"}}}) {
    SCOPED_TRACE(e.role[0]);
    const double box_top = kPageHeightPt - e.box.y - e.box.height;
    const double box_bottom = kPageHeightPt - e.box.y;
    auto find = [&](const std::string& text) -> const WordBox* {
      // The last occurrence: names are also listed in section I.
      const WordBox* found = nullptr;
      for (const WordBox& w : words) {
        if (w.text == text && w.x_min >= e.box.x && w.x_max <= e.box.x + e.box.width) found = &w;
      }
      return found;
    };
    for (const std::string& word : e.role) {
      const WordBox* w = find(word);
      ASSERT_NE(w, nullptr) << word;
      EXPECT_LE(w->y_max, box_top) << word;
      EXPECT_GE(w->y_max, box_top - 10) << word;  // the title right above
    }
    for (const std::string& word : e.name) {
      const WordBox* w = find(word);
      ASSERT_NE(w, nullptr) << word;
      EXPECT_GE(w->y_min, box_bottom) << word;
      EXPECT_LE(w->y_min, box_bottom + 10) << word;  // the name right below
    }
    // Nothing at all drawn where the signature goes.
    const Crop inside = PixelsInside(e.box);
    EXPECT_EQ(DarkPixels(RenderGray(dir, path, layout.pages, layout.pages, inside)[0]), 0);
    // ... while the same crop grown by 15 pt down takes in the name.
    Crop grown = inside;
    grown.height += 15;
    EXPECT_GT(DarkPixels(RenderGray(dir, path, layout.pages, layout.pages, grown)[0]), 20);
  }
}

// 40 items with long names, speeches and conclusions.
MinutesSpec LongMeeting() {
  MinutesSpec spec = QuangNam();
  spec.chair = {"Tôn Nữ Thị Phương Thảo Nguyên",
                "Chủ tịch Ủy ban nhân dân tỉnh kiêm Trưởng ban Ban Chỉ đạo chuyển đổi số tỉnh"};
  spec.secretary = {"Nguyễn Hoàng Bảo Khuê", "Phó Chánh Văn phòng Ủy ban nhân dân tỉnh"};
  spec.items.clear();
  for (int i = 1; i <= 40; ++i) {
    MinutesItem item = {
        .number = absl::StrCat(i),
        .title = absl::StrCat("Nội dung số ", i,
                              ": xem xét, cho ý kiến đối với dự thảo nghị quyết "
                              "quy định chính sách hỗ trợ phát triển kinh tế - xã hội vùng đồng "
                              "bào dân tộc thiểu số và miền núi"),
        .presenter = "Giám đốc Sở Kế hoạch và Đầu tư",
        .document_titles = {absl::StrCat("Tờ trình số ", 100 + i, "/TTr-SKHĐT")},
        .speeches = {{"Trương Quốc Việt",
                      "Đề nghị cơ quan soạn thảo rà soát, đánh giá tác động của chính sách, bảo "
                      "đảm nguồn lực thực hiện và tính khả thi trong điều kiện ngân sách tỉnh."}},
        .polls = {},
        .conclusion =
            "Giao cơ quan chủ trì tiếp thu đầy đủ ý kiến của các thành viên, hoàn chỉnh "
            "hồ sơ, gửi Sở Tư pháp thẩm định trước khi trình Hội đồng nhân dân tỉnh."};
    if (i % 10 == 0) item.polls = {NamedPoll()};
    spec.items.push_back(std::move(item));
  }
  for (int i = 0; i < 6; ++i) {
    spec.conclusions.push_back(absl::StrCat(
        "Kết luận chung số ", i + 1,
        ": các sở, ban, ngành và Ủy ban nhân dân các huyện, thị xã, "
        "thành phố khẩn trương triển khai thực hiện các nhiệm vụ được giao, định kỳ báo cáo kết "
        "quả về Văn phòng Ủy ban nhân dân tỉnh để tổng hợp, báo cáo Chủ tịch Ủy ban nhân dân "
        "tỉnh."));
  }
  return spec;
}

TEST(WriteMinutes, LongMeetingFlowsOverNumberedPagesWithTheSignaturesTogether) {
  ScopedTempDir dir;
  const std::string path = dir.File("dai.pdf");
  const MinutesSpec spec = LongMeeting();
  const MinutesLayout layout = WriteOrDie(spec, path);
  ASSERT_GE(layout.pages, 5);
  EXPECT_EQ(PageCount(path), layout.pages);
  // Administrative numbering: none on page 1, the bare number on top of the
  // others (pdftotext reads it first).
  const std::vector<std::string> pages = PageTexts(path);
  ASSERT_EQ(pages.size(), static_cast<size_t>(layout.pages));
  EXPECT_NE(Words(pages[0]).front(), "1");
  for (int page = 2; page <= layout.pages; ++page) {
    EXPECT_EQ(Words(pages[page - 1]).front(), absl::StrCat(page)) << page;
  }
  ExpectBottomMarginsBlank(dir, path, 1, layout.pages);
  EXPECT_EQ(layout.secretary.page, layout.pages - 1);
  EXPECT_EQ(layout.chair.page, layout.pages - 1);
  const std::set<std::string> last = Lines(pages.back());
  for (const char* line :
       {"THƯ KÝ", "CHỦ TỌA", "Tôn Nữ Thị Phương Thảo Nguyên", "Nguyễn Hoàng Bảo Khuê"}) {
    EXPECT_THAT(last, Contains(line));
  }
  const std::string flat = Flat(absl::StrJoin(pages, "\n"));
  EXPECT_THAT(flat, HasSubstr(spec.items.back().title));
  EXPECT_THAT(flat, HasSubstr(spec.conclusions.back()));
  std::string output;
  EXPECT_TRUE(QpdfCheck(path, &output)) << output;
}

TEST(WriteMinutes, SignatureBlocksAreNeverSplitAcrossPages) {
  // Each extra one-line conclusion moves the end of the record down a line,
  // so one of these lengths leaves too little room for the signatures.
  ScopedTempDir dir;
  std::set<int> page_counts;
  for (int extra = 0; extra < 14; ++extra) {
    SCOPED_TRACE(extra);
    MinutesSpec spec = QuangNam();
    for (int i = 0; i < extra; ++i)
      spec.conclusions.push_back(absl::StrCat("Ý kiến số ", i + 1, "."));
    const std::string path = dir.File(absl::StrCat("m", extra, ".pdf"));
    const MinutesLayout layout = WriteOrDie(spec, path);
    page_counts.insert(layout.pages);
    EXPECT_EQ(layout.chair.page, layout.pages - 1);
    EXPECT_EQ(layout.secretary.page, layout.pages - 1);
    const std::vector<std::string> pages = PageTexts(path);
    ASSERT_EQ(pages.size(), static_cast<size_t>(layout.pages));
    const std::string& last = pages.back();
    EXPECT_THAT(Lines(last), ::testing::IsSupersetOf(
                                 {"THƯ KÝ", "CHỦ TỌA", "Trương Quốc Việt", "Đặng Thùy Dương"}));
    // The closing sentence stays with them; the page before has no part of
    // the block.
    EXPECT_THAT(Flat(last), HasSubstr("Phiên họp kết thúc vào hồi 11 giờ 15 phút cùng ngày."));
    EXPECT_THAT(Flat(last), HasSubstr(kRecordNote));
    const std::string& before = pages[pages.size() - 2];
    EXPECT_THAT(before, Not(HasSubstr("THƯ KÝ")));
    EXPECT_THAT(before, Not(HasSubstr("CHỦ TỌA")));
    ExpectBottomMarginsBlank(dir, path, layout.pages, layout.pages);
  }
  // The sweep crossed a page boundary.
  EXPECT_GE(page_counts.size(), 2u);
}

TEST(WriteMinutes, RejectsMissingFieldsAndInvalidUtf8WithoutWritingAFile) {
  ScopedTempDir dir;
  const std::string path = dir.File("khong_ghi.pdf");
  std::vector<std::pair<std::string, MinutesSpec>> cases;
  auto add = [&](const std::string& name, auto change) {
    MinutesSpec spec = QuangNam();
    change(spec);
    cases.emplace_back(name, std::move(spec));
  };
  add("no title", [](MinutesSpec& s) { s.meeting_title.clear(); });
  add("no chair", [](MinutesSpec& s) { s.chair.name.clear(); });
  add("no secretary", [](MinutesSpec& s) { s.secretary.name.clear(); });
  add("no QR payload", [](MinutesSpec& s) { s.qr_payload.clear(); });
  add("QR payload too long", [](MinutesSpec& s) { s.qr_payload = std::string(400, 'x'); });
  add("record note longer than a page", [](MinutesSpec& s) {
    for (int i = 0; i < 600; ++i) absl::StrAppend(&s.record_note, " sự kiện ", i);
  });
  add("bad title", [](MinutesSpec& s) { s.meeting_title = "Phi\xC3\x28n họp"; });
  add("bad member", [](MinutesSpec& s) { s.attendance.present[3].name = "Phan \xE1\xBB"; });
  add("bad count", [](MinutesSpec& s) { s.items[1].polls[0].counts[0].first = "\xFF"; });
  add("bad note", [](MinutesSpec& s) { s.record_note = "mã \xC0\x80"; });
  add("bad closing", [](MinutesSpec& s) { s.end_text = "11 giờ \xED\xA0\x80"; });
  for (const auto& [name, spec] : cases) {
    SCOPED_TRACE(name);
    const absl::StatusOr<MinutesLayout> layout = WriteMinutes(spec, path);
    EXPECT_EQ(layout.status().code(), absl::StatusCode::kInvalidArgument) << layout.status();
    EXPECT_NE(access(path.c_str(), F_OK), 0);
    EXPECT_NE(access((path + ".part").c_str(), F_OK), 0);
  }
}

}  // namespace
}  // namespace hopso::pdf
