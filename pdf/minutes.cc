#include "pdf/minutes.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "pdf/composer.h"
#include "pdf/internal/layout.h"
#include "pdf/internal/status_macros.h"

namespace hopso::pdf {
namespace {

using internal::DrawDocumentHeader;
using internal::MmToPt;
using internal::PrintedQrSizeMm;
using internal::Required;

// Body text as in the other administrative documents: 13 pt, justified,
// first line indented 1 cm (Decree 30/2020/NĐ-CP, Appendix I).
constexpr TextStyle kBody = {.size_pt = 13, .align = Align::kJustify};
constexpr ParagraphLayout kBodyLayout = {.first_line_indent_mm = 10, .space_after_mm = 1.5};
constexpr TextStyle kTitle = {.size_pt = 14, .bold = true, .align = Align::kCenter};
constexpr TextStyle kHeading = {.size_pt = 13, .bold = true};
constexpr TextStyle kBold = {.size_pt = 13, .bold = true, .align = Align::kJustify};
// Lists (names, documents, speeches) are set a little smaller and tighter so
// a council's attendance does not take a page.
constexpr TextStyle kList = {.size_pt = 12, .align = Align::kJustify, .line_spacing = 1.15};
// Numbered and dashed entries hang: wrapped lines align with the text, not
// the number.
constexpr double kListIndentMm = 10;
constexpr double kListHangMm = 6;
constexpr ParagraphLayout kListLayout = {.indent_mm = kListIndentMm + kListHangMm,
                                         .first_line_indent_mm = -kListHangMm,
                                         .space_after_mm = 0.5};

// The signature blocks: role title, blank space for the visible signature,
// then the name. The returned box leaves a millimetre clear of each text
// line so a signature appearance never touches the print.
constexpr TextStyle kRole = {.size_pt = 13, .bold = true, .align = Align::kCenter};
constexpr double kSigningSpaceMm = 30;
constexpr double kBoxClearanceMm = 1;
constexpr double kBoxInsetMm = 2;
constexpr double kSpaceBeforeSignaturesMm = 6;

// The record note under the signatures and its QR code.
constexpr TextStyle kNote = {.size_pt = 10.5, .italic = true, .align = Align::kJustify};
constexpr double kRecordQrMinMm = 22;
constexpr double kRecordQrMaxMm = 30;
constexpr double kSpaceBeforeNoteMm = 4;
constexpr double kQrGapMm = 4;

// "Nguyễn Văn An, Chủ tịch UBND tỉnh", or the bare name without a title.
std::string WithTitle(const MinutesPerson& person) {
  return person.title.empty() ? person.name : absl::StrCat(person.name, ", ", person.title);
}

// "63,2%": `count` as a share of the votes cast, rounded half up to one
// decimal, with the Vietnamese decimal comma. Empty when it is no number.
std::string Percent(const std::string& count, int voted) {
  int n = 0;
  if (voted <= 0 || !absl::SimpleAtoi(count, &n) || n < 0) return "";
  const int64_t tenths =
      (2000 * static_cast<int64_t>(n) + voted) / (2 * static_cast<int64_t>(voted));
  return absl::StrCat(tenths / 10, ",", tenths % 10, "%");
}

std::string ItemHeading(const MinutesItem& item) {
  return item.number.empty() ? item.title : absl::StrCat(item.number, ". ", item.title);
}

// Writes the record at the flow cursor, starting new pages as it fills them.
class MinutesWriter {
 public:
  MinutesWriter(Composer& c, const MinutesSpec& spec) : c_(c), spec_(spec) {}

  absl::Status Body() {
    RETURN_IF_ERROR(DrawDocumentHeader(c_, spec_.header));
    RETURN_IF_ERROR(c_.Paragraph("BIÊN BẢN", kTitle, {.space_after_mm = 1}).status());
    RETURN_IF_ERROR(c_.Paragraph(spec_.meeting_title, kTitle, {.space_after_mm = 2}).status());
    const double rule = 50;
    RETURN_IF_ERROR(c_.DrawRule(c_.content_left_mm() + (c_.content_width_mm() - rule) / 2,
                                c_.cursor_mm(), rule, 0.5));
    c_.MoveCursor(6);
    RETURN_IF_ERROR(TimePlaceAttendance());
    RETURN_IF_ERROR(Items());
    if (!spec_.conclusions.empty()) {
      RETURN_IF_ERROR(Heading("III. KẾT LUẬN"));
      for (const std::string& conclusion : spec_.conclusions) {
        RETURN_IF_ERROR(Text(conclusion));
      }
    }
    return absl::OkStatus();
  }

  // The closing sentence, the two signature blocks and the record note, kept
  // on one page so the signatures sit on the last page with text above them.
  absl::StatusOr<MinutesLayout> Ending() {
    const std::string closing =
        spec_.end_text.empty() ? ""
                               : absl::StrCat("Phiên họp kết thúc vào hồi ", spec_.end_text, ".");
    double closing_height = 0;
    if (!closing.empty()) {
      ASSIGN_OR_RETURN(closing_height,
                       c_.TextHeightMm(closing, kBody,
                                       c_.content_width_mm() - kBodyLayout.first_line_indent_mm));
      closing_height += kBodyLayout.space_after_mm;
    }
    ASSIGN_OR_RETURN(const double signatures_height, Signatures(/*draw=*/false));
    ASSIGN_OR_RETURN(const double note_height, RecordNote(/*draw=*/false));
    if (signatures_height + note_height > PageBodyMm()) {
      return absl::InvalidArgumentError(
          "the record note is too long to share the last page with the signatures");
    }
    RETURN_IF_ERROR(c_.EnsureSpace(closing_height + kSpaceBeforeSignaturesMm + signatures_height +
                                   note_height));
    if (!closing.empty()) RETURN_IF_ERROR(Text(closing));
    c_.MoveCursor(kSpaceBeforeSignaturesMm);
    RETURN_IF_ERROR(Signatures(/*draw=*/true).status());
    RETURN_IF_ERROR(RecordNote(/*draw=*/true).status());
    layout_.pages = c_.page_count();
    return layout_;
  }

 private:
  absl::Status TimePlaceAttendance() {
    RETURN_IF_ERROR(Heading("I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN"));
    if (!spec_.start_text.empty()) {
      RETURN_IF_ERROR(Text(absl::StrCat("Thời gian bắt đầu: ", spec_.start_text)));
    }
    if (!spec_.place.empty()) RETURN_IF_ERROR(Text(absl::StrCat("Địa điểm: ", spec_.place)));
    RETURN_IF_ERROR(Text(absl::StrCat("Chủ tọa: ", WithTitle(spec_.chair))));
    RETURN_IF_ERROR(Text(absl::StrCat("Thư ký: ", WithTitle(spec_.secretary))));

    const MinutesAttendance& a = spec_.attendance;
    const size_t present = a.present.size() + a.online.size();
    std::string counts = absl::StrCat("Số thành viên: ", a.members, "; có mặt: ", present);
    if (!a.online.empty()) {
      absl::StrAppend(&counts, " (trực tiếp ", a.present.size(), ", trực tuyến ", a.online.size(),
                      ")");
    }
    absl::StrAppend(&counts, "; vắng: ", a.absent.size());
    RETURN_IF_ERROR(Text(counts));

    std::vector<std::string> entries;
    for (const MinutesPerson& person : a.present) entries.push_back(WithTitle(person));
    RETURN_IF_ERROR(NumberedList("Thành viên dự họp trực tiếp:", entries));
    entries.clear();
    for (const MinutesPerson& person : a.online) entries.push_back(WithTitle(person));
    RETURN_IF_ERROR(NumberedList("Thành viên dự họp trực tuyến:", entries));
    entries.clear();
    for (const MinutesAbsence& absence : a.absent) {
      entries.push_back(absence.reason.empty() ? WithTitle(absence.person)
                                               : absl::StrCat(WithTitle(absence.person),
                                                              " (lý do: ", absence.reason, ")"));
    }
    RETURN_IF_ERROR(NumberedList("Thành viên vắng mặt:", entries));
    entries.clear();
    for (const MinutesProxy& proxy : a.proxies) {
      entries.push_back(absl::StrCat(proxy.giver, " ủy quyền biểu quyết cho ", proxy.holder));
    }
    RETURN_IF_ERROR(DashedList("Ủy quyền biểu quyết:", entries));
    if (!a.quorum_text.empty()) RETURN_IF_ERROR(Text(a.quorum_text));
    c_.MoveCursor(2);
    return absl::OkStatus();
  }

  absl::Status Items() {
    if (spec_.items.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(Heading("II. NỘI DUNG"));
    for (const MinutesItem& item : spec_.items) {
      RETURN_IF_ERROR(KeepWithNext(ItemHeading(item), kBold, kBodyLayout));
      RETURN_IF_ERROR(c_.Paragraph(ItemHeading(item), kBold, kBodyLayout).status());
      if (!item.presenter.empty()) {
        RETURN_IF_ERROR(Text(absl::StrCat("Trình bày: ", item.presenter)));
      }
      RETURN_IF_ERROR(DashedList("Tài liệu:", item.document_titles));
      std::vector<std::string> speeches;
      for (const MinutesSpeech& speech : item.speeches) {
        speeches.push_back(speech.summary.empty()
                               ? speech.speaker
                               : absl::StrCat(speech.speaker, ": ", speech.summary));
      }
      RETURN_IF_ERROR(DashedList("Ý kiến phát biểu:", speeches));
      for (const MinutesPoll& poll : item.polls) RETURN_IF_ERROR(Poll(poll));
      if (!item.conclusion.empty()) {
        RETURN_IF_ERROR(Text(absl::StrCat("Kết luận: ", item.conclusion)));
      }
      c_.MoveCursor(1.5);
    }
    return absl::OkStatus();
  }

  // The question, a table of the options with their counts and shares, the
  // turnout, the rule and the result. Kept on one page when it fits on one.
  absl::Status Poll(const MinutesPoll& poll) {
    const std::string question =
        poll.secret ? absl::StrCat(poll.question, " (bỏ phiếu kín)") : poll.question;
    TableSpec table = {
        .columns = {{.width_mm = 85},
                    {.width_mm = 28, .align = Align::kCenter},
                    {.width_mm = 28, .align = Align::kCenter}},
        .header = {"Phương án", "Số phiếu", "Tỷ lệ"},
        .rows = {},
        .indent_mm = kListIndentMm,
    };
    for (const auto& [label, count] : poll.counts) {
      table.rows.push_back({label, count, Percent(count, poll.voted)});
    }
    const std::vector<std::pair<std::string, TextStyle>> lines = {
        {absl::StrCat("Số đại biểu biểu quyết: ", poll.voted, "/", poll.eligible), kBody},
        {poll.rule_text.empty() ? "" : absl::StrCat("Điều kiện thông qua: ", poll.rule_text),
         kBody},
        {poll.result_text.empty() ? "" : absl::StrCat("Kết quả: ", poll.result_text), kBold},
    };

    // Measure the whole poll; the table's rows are a line or two each.
    const double text_width = c_.content_width_mm() - kBodyLayout.first_line_indent_mm;
    double height = 0;
    if (!question.empty()) {
      ASSIGN_OR_RETURN(double h, c_.TextHeightMm(question, kBody, text_width));
      height += h + kBodyLayout.space_after_mm;
    }
    ASSIGN_OR_RETURN(const double header_height,
                     RowHeightMm(table, table.header, table.header_style));
    height += header_height;
    for (const std::vector<std::string>& row : table.rows) {
      ASSIGN_OR_RETURN(double h, RowHeightMm(table, row, table.body_style));
      height += h;
    }
    for (const auto& [text, style] : lines) {
      if (text.empty()) continue;
      ASSIGN_OR_RETURN(double h, c_.TextHeightMm(text, style, text_width));
      height += h + kBodyLayout.space_after_mm;
    }
    if (height <= PageBodyMm()) RETURN_IF_ERROR(c_.EnsureSpace(height));

    if (!question.empty()) RETURN_IF_ERROR(Text(question));
    if (!table.rows.empty()) {
      RETURN_IF_ERROR(c_.Table(table).status());
      c_.MoveCursor(1.5);
    }
    for (const auto& [text, style] : lines) {
      if (!text.empty()) RETURN_IF_ERROR(c_.Paragraph(text, style, kBodyLayout).status());
    }
    return absl::OkStatus();
  }

  absl::StatusOr<double> RowHeightMm(const TableSpec& table, const std::vector<std::string>& row,
                                     const TextStyle& style) {
    double tallest = 0;
    for (size_t i = 0; i < row.size(); ++i) {
      ASSIGN_OR_RETURN(double h, c_.TextHeightMm(row[i], style,
                                                 table.columns[i].width_mm - 2 * table.padding_mm));
      tallest = std::max(tallest, h);
    }
    return tallest + 2 * table.padding_mm;
  }

  // "THƯ KÝ" left and "CHỦ TỌA" right, kSigningSpaceMm of blank paper, then
  // the names. Records the signature boxes when `draw`; returns the height.
  absl::StatusOr<double> Signatures(bool draw) {
    const double width = c_.content_width_mm() / 2;
    const double role_height = Composer::LineHeightMm(kRole);
    double names_height = 0;
    for (const MinutesPerson* person : {&spec_.secretary, &spec_.chair}) {
      ASSIGN_OR_RETURN(double h, c_.TextHeightMm(person->name, kRole, width));
      names_height = std::max(names_height, h);
    }
    const double height = role_height + kSigningSpaceMm + names_height;
    if (!draw) return height;

    const double top = c_.cursor_mm();
    // Flowed content only ever appends pages, so the current page is the last.
    const int page = c_.page_count() - 1;
    const double page_height_pt = MmToPt(c_.page_height_mm());
    struct Block {
      const char* role;
      const MinutesPerson& person;
      SignatureBox& box;
    };
    double x = c_.content_left_mm();
    for (const Block& block : {Block{"THƯ KÝ", spec_.secretary, layout_.secretary},
                               Block{"CHỦ TỌA", spec_.chair, layout_.chair}}) {
      RETURN_IF_ERROR(c_.DrawText(x + width / 2, top, block.role, kRole));
      const double name_top = top + role_height + kSigningSpaceMm;
      RETURN_IF_ERROR(c_.DrawTextBox(x, name_top, width, block.person.name, kRole).status());
      // Millimetres from the top left to PDF points from the bottom left.
      const double box_top = top + role_height + kBoxClearanceMm;
      const double box_bottom = name_top - kBoxClearanceMm;
      block.box = {.page = page,
                   .x = MmToPt(x + kBoxInsetMm),
                   .y = page_height_pt - MmToPt(box_bottom),
                   .width = MmToPt(width - 2 * kBoxInsetMm),
                   .height = MmToPt(box_bottom - box_top)};
      x += width;
    }
    c_.MoveCursor(height);
    return height;
  }

  // The record note in small italics with the QR code to the digital
  // original beside it, right-aligned. Returns the height either way.
  absl::StatusOr<double> RecordNote(bool draw) {
    ASSIGN_OR_RETURN(const double qr_size,
                     PrintedQrSizeMm(spec_.qr_payload, kRecordQrMinMm, kRecordQrMaxMm));
    const double note_width = c_.content_width_mm() - qr_size - kQrGapMm;
    double note_height = 0;
    if (!spec_.record_note.empty()) {
      ASSIGN_OR_RETURN(note_height, c_.TextHeightMm(spec_.record_note, kNote, note_width));
    }
    const double height = kSpaceBeforeNoteMm + std::max(qr_size, note_height);
    if (!draw) return height;
    const double top = c_.cursor_mm() + kSpaceBeforeNoteMm;
    if (!spec_.record_note.empty()) {
      // Centred on the code's height when shorter than it.
      const double note_top = top + std::max(0.0, (qr_size - note_height) / 2);
      RETURN_IF_ERROR(
          c_.DrawTextBox(c_.content_left_mm(), note_top, note_width, spec_.record_note, kNote)
              .status());
    }
    RETURN_IF_ERROR(c_.DrawQr(c_.content_left_mm() + c_.content_width_mm() - qr_size, top, qr_size,
                              spec_.qr_payload, QrLevel::kQ));
    c_.MoveCursor(height);
    return height;
  }

  // A section heading, kept with two lines of what follows.
  absl::Status Heading(const std::string& text) {
    RETURN_IF_ERROR(KeepWithNext(text, kHeading, {}));
    return c_.Paragraph(text, kHeading, {.space_after_mm = 1.5}).status();
  }

  absl::Status Text(const std::string& text) {
    return c_.Paragraph(text, kBody, kBodyLayout).status();
  }

  // Starts a new page unless `text` and two body lines after it fit.
  absl::Status KeepWithNext(const std::string& text, const TextStyle& style,
                            const ParagraphLayout& layout) {
    ASSIGN_OR_RETURN(double height,
                     c_.TextHeightMm(text, style,
                                     c_.content_width_mm() - layout.indent_mm -
                                         std::max(0.0, layout.first_line_indent_mm)));
    return c_.EnsureSpace(height + layout.space_after_mm + 2 * Composer::LineHeightMm(kBody));
  }

  // A label line and "1. entry" lines; nothing when there are no entries.
  absl::Status NumberedList(const std::string& label, const std::vector<std::string>& entries) {
    std::vector<std::string> numbered;
    for (size_t i = 0; i < entries.size(); ++i) {
      numbered.push_back(absl::StrCat(i + 1, ". ", entries[i]));
    }
    return List(label, numbered);
  }

  absl::Status DashedList(const std::string& label, const std::vector<std::string>& entries) {
    std::vector<std::string> dashed;
    for (const std::string& entry : entries) dashed.push_back(absl::StrCat("- ", entry));
    return List(label, dashed);
  }

  absl::Status List(const std::string& label, const std::vector<std::string>& entries) {
    if (entries.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(KeepWithNext(label, kBody, kBodyLayout));
    RETURN_IF_ERROR(c_.Paragraph(label, kBody, {.first_line_indent_mm = 10}).status());
    for (const std::string& entry : entries) {
      RETURN_IF_ERROR(c_.Paragraph(entry, kList, kListLayout).status());
    }
    c_.MoveCursor(1);
    return absl::OkStatus();
  }

  double PageBodyMm() const {
    return c_.page_height_mm() - c_.margins().top_mm - c_.margins().bottom_mm;
  }

  Composer& c_;
  const MinutesSpec& spec_;
  MinutesLayout layout_;
};

}  // namespace

absl::StatusOr<MinutesLayout> WriteMinutes(const MinutesSpec& spec, const std::string& path) {
  RETURN_IF_ERROR(Required("meeting title", spec.meeting_title));
  RETURN_IF_ERROR(Required("chair's name", spec.chair.name));
  RETURN_IF_ERROR(Required("secretary's name", spec.secretary.name));
  RETURN_IF_ERROR(Required("QR payload", spec.qr_payload));
  RETURN_IF_ERROR(PrintedQrSizeMm(spec.qr_payload, kRecordQrMinMm, kRecordQrMaxMm).status());
  // Nothing is written before Save, so any error below (invalid UTF-8 in a
  // string, found as it is drawn) leaves `path` untouched.
  ASSIGN_OR_RETURN(std::unique_ptr<Composer> c,
                   Composer::Create({.title = absl::StrCat("Biên bản: ", spec.meeting_title)}));
  MinutesWriter writer(*c, spec);
  RETURN_IF_ERROR(writer.Body());
  ASSIGN_OR_RETURN(MinutesLayout layout, writer.Ending());
  RETURN_IF_ERROR(c->AddPageNumbers({.style = {.size_pt = 13}, .administrative = true}));
  RETURN_IF_ERROR(c->Save(path));
  return layout;
}

}  // namespace hopso::pdf
