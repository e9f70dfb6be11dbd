#include "pdf/meeting_pdfs.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <podofo/podofo.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "pdf/composer.h"
#include "pdf/internal/files.h"
#include "pdf/internal/layout.h"
#include "pdf/internal/podofo_status.h"
#include "pdf/internal/status_macros.h"

namespace hopso::pdf {
namespace {

using internal::BreakOrganisation;
using internal::DrawDocumentHeader;
using internal::MmToPt;
using internal::PrintedQrSizeMm;
using internal::Required;

// Body text of administrative documents: 13 pt, justified, first line
// indented 1 cm, 6 pt between paragraphs (Decree 30/2020/NĐ-CP, Appendix I).
constexpr TextStyle kBody = {.size_pt = 13, .align = Align::kJustify};
constexpr ParagraphLayout kBodyLayout = {.first_line_indent_mm = 10, .space_after_mm = 2};
constexpr TextStyle kTitle = {.size_pt = 14, .bold = true, .align = Align::kCenter};

constexpr double kMaxHandoutQrMm = 45;

int Depth(const std::string& number) {
  return static_cast<int>(std::count(number.begin(), number.end(), '.'));
}

}  // namespace

absl::Status WriteHandout(const HandoutSpec& spec, const std::string& path) {
  RETURN_IF_ERROR(Required("meeting title", spec.meeting_title));
  for (const HandoutItem& item : spec.items) {
    RETURN_IF_ERROR(Required("agenda item title", item.title));
    if (item.minutes < 0) return absl::InvalidArgumentError("agenda item minutes are negative");
    for (const HandoutDocument& doc : item.documents) {
      RETURN_IF_ERROR(Required("document title", doc.title));
      RETURN_IF_ERROR(Required("document QR payload", doc.qr_payload));
      if (doc.pages < 0) return absl::InvalidArgumentError("document page count is negative");
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Composer> c,
                   Composer::Create({.title = absl::StrCat("Chương trình phiên họp: ",
                                                           spec.meeting_title)}));
  RETURN_IF_ERROR(DrawDocumentHeader(*c, spec.header));
  RETURN_IF_ERROR(c->Paragraph("CHƯƠNG TRÌNH PHIÊN HỌP", kTitle, {.space_after_mm = 1}).status());
  RETURN_IF_ERROR(c->Paragraph(spec.meeting_title, kTitle, {.space_after_mm = 5}).status());

  // Time and place, with the meeting's own QR code to their right.
  const double left = c->content_left_mm();
  const double width = c->content_width_mm();
  const TextStyle info = {.size_pt = 13};
  double qr_size = 0;
  if (!spec.meeting_qr_payload.empty()) {
    ASSIGN_OR_RETURN(qr_size,
                     PrintedQrSizeMm(spec.meeting_qr_payload, kHandoutQrMinMm, kMaxHandoutQrMm));
  }
  const double info_width = qr_size > 0 ? width - qr_size - 5 : width;
  std::string info_text;
  if (!spec.time_text.empty()) absl::StrAppend(&info_text, "Thời gian: ", spec.time_text);
  if (!spec.place.empty()) {
    absl::StrAppend(&info_text, info_text.empty() ? "" : "\n", "Địa điểm: ", spec.place);
  }
  const TextStyle caption = {.size_pt = 9, .italic = true, .align = Align::kCenter};
  double block = 0;
  if (!info_text.empty()) {
    ASSIGN_OR_RETURN(block, c->DrawTextBox(left, c->cursor_mm() + (qr_size > 0 ? 4 : 0),
                                           info_width, info_text, info));
  }
  if (qr_size > 0) {
    const double qr_left = left + width - qr_size;
    RETURN_IF_ERROR(c->DrawQr(qr_left, c->cursor_mm(), qr_size, spec.meeting_qr_payload,
                              QrLevel::kQ));
    RETURN_IF_ERROR(c->DrawText(qr_left + qr_size / 2, c->cursor_mm() + qr_size, "Mã phiên họp",
                                caption));
    block = std::max(block, qr_size + Composer::LineHeightMm(caption));
  }
  c->MoveCursor(block + 3);
  RETURN_IF_ERROR(c->DrawRule(left, c->cursor_mm(), width, 0.5));
  c->MoveCursor(5);

  const TextStyle heading = {.size_pt = 13, .bold = true};
  const TextStyle detail = {.size_pt = 12, .italic = true};
  const TextStyle doc_title = {.size_pt = 12};
  const TextStyle doc_pages = {.size_pt = 11, .italic = true};
  for (const HandoutItem& item : spec.items) {
    const double indent = std::min(Depth(item.number), 3) * 8.0;
    const std::string title =
        item.number.empty() ? item.title : absl::StrCat(item.number, ". ", item.title);
    std::string details;
    if (!item.presenter.empty()) absl::StrAppend(&details, "Trình bày: ", item.presenter);
    if (item.minutes > 0) {
      absl::StrAppend(&details, details.empty() ? "Thời lượng: " : "; thời lượng: ",
                      item.minutes, " phút");
    }

    // Each document row: QR code, and beside it the title and page count.
    const double qr_left = left + indent + 6;
    struct Row {
      double qr = 0;
      double text = 0;
      double height = 0;
    };
    std::vector<Row> rows;
    for (const HandoutDocument& doc : item.documents) {
      Row row;
      ASSIGN_OR_RETURN(row.qr, PrintedQrSizeMm(doc.qr_payload, kHandoutQrMinMm, kMaxHandoutQrMm));
      const double text_width = left + width - (qr_left + row.qr + 4);
      ASSIGN_OR_RETURN(row.text, c->TextHeightMm(doc.title, doc_title, text_width));
      if (doc.pages > 0) row.text += Composer::LineHeightMm(doc_pages);
      row.height = std::max(row.qr, row.text) + 2;
      rows.push_back(row);
    }

    // Keep the item's heading with its first document.
    ASSIGN_OR_RETURN(double heading_height,
                     c->TextHeightMm(title, heading, width - indent));
    double details_height = 0;
    if (!details.empty()) {
      ASSIGN_OR_RETURN(details_height, c->TextHeightMm(details, detail, width - indent));
    }
    RETURN_IF_ERROR(c->EnsureSpace(heading_height + details_height + 2 +
                                   (rows.empty() ? 0 : rows.front().height)));
    RETURN_IF_ERROR(c->Paragraph(title, heading, {.indent_mm = indent, .space_after_mm = 0.5})
                        .status());
    if (!details.empty()) {
      RETURN_IF_ERROR(
          c->Paragraph(details, detail, {.indent_mm = indent, .space_after_mm = 1.5}).status());
    }
    for (size_t i = 0; i < item.documents.size(); ++i) {
      const HandoutDocument& doc = item.documents[i];
      const Row& row = rows[i];
      RETURN_IF_ERROR(c->EnsureSpace(row.height));
      const double top = c->cursor_mm();
      RETURN_IF_ERROR(c->DrawQr(qr_left, top, row.qr, doc.qr_payload, QrLevel::kQ));
      const double text_left = qr_left + row.qr + 4;
      const double text_width = left + width - text_left;
      double y = top + std::max(0.0, (row.qr - row.text) / 2);
      ASSIGN_OR_RETURN(double used, c->DrawTextBox(text_left, y, text_width, doc.title, doc_title));
      y += used;
      if (doc.pages > 0) {
        RETURN_IF_ERROR(c->DrawText(text_left, y, absl::StrCat("Số trang: ", doc.pages), doc_pages));
      }
      c->MoveCursor(row.height);
    }
    if (item.documents.empty()) {
      RETURN_IF_ERROR(c->Paragraph("Không có tài liệu kèm theo.", doc_pages,
                                   {.indent_mm = indent + 6})
                          .status());
    }
    c->MoveCursor(3);
  }
  RETURN_IF_ERROR(c->AddPageNumbers());
  return c->Save(path);
}

absl::Status WritePoster(const PosterSpec& spec, const std::string& path) {
  RETURN_IF_ERROR(Required("organisation", spec.organisation));
  RETURN_IF_ERROR(Required("meeting title", spec.meeting_title));
  RETURN_IF_ERROR(Required("QR payload", spec.qr_payload));
  ASSIGN_OR_RETURN(std::unique_ptr<Composer> c,
                   Composer::Create({.margins = {.top_mm = 20,
                                                 .bottom_mm = 20,
                                                 .left_mm = 20,
                                                 .right_mm = 20},
                                     .title = spec.meeting_title}));
  const double width = c->content_width_mm();
  const TextStyle org = {.size_pt = 15, .bold = true, .align = Align::kCenter};
  const TextStyle info = {.size_pt = 17, .align = Align::kCenter};
  const TextStyle caption = {.size_pt = 17, .bold = true, .align = Align::kCenter};
  std::string info_text;
  if (!spec.time_text.empty()) absl::StrAppend(&info_text, "Thời gian: ", spec.time_text);
  if (!spec.place.empty()) {
    absl::StrAppend(&info_text, info_text.empty() ? "" : "\n", "Địa điểm: ", spec.place);
  }

  // Everything but the title has a fixed height; the title gets the largest
  // size that keeps the poster on one page.
  const std::string organisation = BreakOrganisation(spec.organisation);
  ASSIGN_OR_RETURN(double org_height, c->TextHeightMm(organisation, org, width));
  double info_height = 0;
  if (!info_text.empty()) {
    ASSIGN_OR_RETURN(info_height, c->TextHeightMm(info_text, info, width));
  }
  constexpr double kGaps = 4 + 14 + 10 + 12 + 3;
  const double fixed = org_height + info_height + kPosterQrMm +
                       Composer::LineHeightMm(caption) + kGaps;
  const double room = c->SpaceLeftMm();
  TextStyle title = {.size_pt = 30, .bold = true, .align = Align::kCenter, .line_spacing = 1.15};
  double title_height = 0;
  for (;; title.size_pt -= 2) {
    ASSIGN_OR_RETURN(title_height, c->TextHeightMm(spec.meeting_title, title, width));
    if (fixed + title_height <= room) break;
    if (title.size_pt <= 16) {
      return absl::InvalidArgumentError("the meeting title is too long for a one-page poster");
    }
  }
  // Spread the slack evenly above and below the title block.
  const double slack = (room - fixed - title_height) / 3;

  RETURN_IF_ERROR(c->Paragraph(organisation, org).status());
  const double rule = 40;
  RETURN_IF_ERROR(c->DrawRule(c->content_left_mm() + (width - rule) / 2, c->cursor_mm() + 1,
                              rule, 0.6));
  c->MoveCursor(4 + 14 + slack);
  RETURN_IF_ERROR(c->Paragraph(spec.meeting_title, title).status());
  c->MoveCursor(10);
  if (!info_text.empty()) RETURN_IF_ERROR(c->Paragraph(info_text, info).status());
  c->MoveCursor(12 + slack);
  const double qr_left = (c->page_width_mm() - kPosterQrMm) / 2;
  RETURN_IF_ERROR(c->DrawQr(qr_left, c->cursor_mm(), kPosterQrMm, spec.qr_payload, QrLevel::kQ));
  c->MoveCursor(kPosterQrMm + 3);
  RETURN_IF_ERROR(c->Paragraph(kPosterCaption, caption).status());
  return c->Save(path);
}

namespace {

// Deterministic choice of demo text: FNV-1a of the title seeds a 64-bit LCG,
// so a spec always produces the same document.
class TextPicker {
 public:
  explicit TextPicker(absl::string_view seed) {
    for (unsigned char ch : seed) {
      state_ ^= ch;
      state_ *= 1099511628211ULL;
    }
  }
  size_t Next(size_t n) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>((state_ >> 33) % n);
  }

 private:
  uint64_t state_ = 1469598103934665603ULL;
};

constexpr const char* kRoman[] = {"I",   "II",   "III", "IV", "V",   "VI",  "VII",
                                  "VIII", "IX",  "X",   "XI", "XII", "XIII", "XIV"};

const std::vector<std::string>& Headings(DemoDocKind kind) {
  static const auto* const kToTrinh = new std::vector<std::string>{
      "SỰ CẦN THIẾT", "MỤC ĐÍCH, QUAN ĐIỂM XÂY DỰNG", "PHẠM VI, ĐỐI TƯỢNG ÁP DỤNG",
      "NỘI DUNG CHỦ YẾU", "KINH PHÍ THỰC HIỆN", "TỔ CHỨC THỰC HIỆN",
      "ĐÁNH GIÁ TÁC ĐỘNG", "Ý KIẾN CỦA CÁC CƠ QUAN, ĐƠN VỊ"};
  static const auto* const kBaoCao = new std::vector<std::string>{
      "KẾT QUẢ ĐẠT ĐƯỢC", "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "BÀI HỌC KINH NGHIỆM",
      "PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "GIẢI PHÁP CHỦ YẾU", "KIẾN NGHỊ, ĐỀ XUẤT"};
  static const auto* const kNghiQuyet = new std::vector<std::string>{
      "Phạm vi điều chỉnh và đối tượng áp dụng", "Mục tiêu", "Nhiệm vụ và giải pháp",
      "Kinh phí thực hiện", "Chế độ báo cáo", "Trách nhiệm của các cơ quan, đơn vị"};
  switch (kind) {
    case DemoDocKind::kToTrinh:
      return *kToTrinh;
    case DemoDocKind::kBaoCao:
      return *kBaoCao;
    case DemoDocKind::kDuThaoNghiQuyet:
      return *kNghiQuyet;
  }
  return *kToTrinh;
}

const std::vector<std::string>& Sentences() {
  static const auto* const kSentences = new std::vector<std::string>{
      "Thực hiện Quyết định số 749/QĐ-TTg ngày 03 tháng 6 năm 2020 của Thủ tướng Chính phủ phê "
      "duyệt Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030, các cơ "
      "quan, đơn vị trên địa bàn tỉnh đã tích cực ứng dụng công nghệ thông tin trong quản lý, "
      "điều hành.",
      "Việc tổ chức các cuộc họp, hội nghị vẫn chủ yếu sử dụng tài liệu giấy, tốn kém chi phí in "
      "ấn, mất nhiều thời gian chuẩn bị và khó bảo đảm tính bảo mật của tài liệu.",
      "Hệ thống phòng họp không giấy giúp đại biểu nhận tài liệu đầy đủ, kịp thời, đúng đối tượng "
      "và tra cứu lại khi cần.",
      "Các sở, ban, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố chủ động rà soát, bố "
      "trí nguồn lực để triển khai tại cơ quan, đơn vị mình.",
      "Sở Thông tin và Truyền thông chủ trì, phối hợp với Văn phòng Ủy ban nhân dân tỉnh hướng "
      "dẫn, kiểm tra việc thực hiện; định kỳ hằng quý tổng hợp, báo cáo kết quả.",
      "Sở Tài chính tham mưu bố trí kinh phí từ nguồn ngân sách tỉnh trong dự toán chi thường "
      "xuyên hằng năm của các cơ quan, đơn vị theo quy định.",
      "Việc triển khai phải bảo đảm tuân thủ các quy định của pháp luật về bảo vệ bí mật nhà "
      "nước và an toàn thông tin mạng.",
      "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn đạt 98,6%; tỷ lệ văn bản đi, đến "
      "được xử lý trên môi trường mạng đạt trên 95%.",
      "Hạ tầng mạng nội bộ tại một số cơ quan còn hạn chế, thiết bị đầu cuối chưa đồng bộ; kỹ "
      "năng sử dụng của một bộ phận cán bộ, công chức chưa đáp ứng yêu cầu.",
      "Nguyên nhân chủ yếu là nguồn lực đầu tư còn hạn chế, công tác phối hợp giữa các cơ quan có "
      "lúc chưa chặt chẽ, việc tuyên truyền chưa thường xuyên.",
      "Trong thời gian tới, tiếp tục hoàn thiện thể chế, quy chế sử dụng hệ thống; tổ chức tập "
      "huấn cho cán bộ, công chức, viên chức; số hóa tài liệu họp và lưu trữ tập trung.",
      "Tài liệu được phân quyền theo từng đại biểu; tài liệu mật chỉ những người được chỉ định "
      "mới được xem, không được sao chép ra ngoài hệ thống.",
      "Mỗi tài liệu có mã QR riêng để đại biểu và khách mời tra cứu nhanh bản điện tử, đối chiếu "
      "với bản gốc đã phát hành.",
      "Kết quả biểu quyết được ghi nhận tự động, công khai ngay tại phiên họp và lưu vào biên bản "
      "để các thành viên ký số.",
      "Tổng kinh phí dự kiến khoảng 4,8 tỷ đồng, trong đó năm 2025 bố trí 2,1 tỷ đồng để đầu tư "
      "thiết bị và đào tạo người sử dụng.",
      "Giao Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc; kịp thời báo cáo, đề xuất Ủy ban "
      "nhân dân tỉnh xử lý những khó khăn, vướng mắc phát sinh.",
      "Qua 06 tháng thí điểm, đã tổ chức 42 cuộc họp không giấy, tiết kiệm khoảng 180.000 trang "
      "tài liệu in.",
      "Các đại biểu đánh giá cao tính tiện lợi, dễ sử dụng của hệ thống, đồng thời đề nghị bổ "
      "sung tính năng ghi chú trực tiếp trên tài liệu.",
  };
  return *kSentences;
}

// Deals sentences from a shuffled deck, reshuffling when it runs out, so a
// sentence comes back only after all the others were used.
class SentenceDeck {
 public:
  explicit SentenceDeck(TextPicker& picker) : picker_(picker) {}

  std::string Paragraph() {
    const size_t count = 2 + picker_.Next(3);
    std::vector<std::string> chosen;
    for (size_t i = 0; i < count; ++i) chosen.push_back(Deal());
    return absl::StrJoin(chosen, " ");
  }

 private:
  const std::string& Deal() {
    const std::vector<std::string>& sentences = Sentences();
    if (next_ == order_.size()) {
      order_.resize(sentences.size());
      for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
      for (size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[picker_.Next(i + 1)]);
      next_ = 0;
    }
    return sentences[order_[next_++]];
  }

  TextPicker& picker_;
  std::vector<size_t> order_;
  size_t next_ = 0;
};

struct KindText {
  const char* name;        // the title above the subject
  const char* addressee;   // "Kính gửi: ..." or empty
  const char* closing;     // the last body line
  std::vector<std::string> recipients;
};

KindText TextsFor(DemoDocKind kind) {
  switch (kind) {
    case DemoDocKind::kToTrinh:
      return {"TỜ TRÌNH",
              "Kính gửi: Hội đồng nhân dân tỉnh",
              "Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, quyết định./.",
              {"- Như trên;", "- Thường trực Tỉnh ủy;", "- Thường trực HĐND tỉnh;",
               "- Chủ tịch, các PCT UBND tỉnh;", "- Các đại biểu HĐND tỉnh;", "- Lưu: VT, KGVX."}};
    case DemoDocKind::kBaoCao:
      return {"BÁO CÁO",
              "",
              "Trên đây là báo cáo kết quả thực hiện, Ủy ban nhân dân tỉnh báo cáo Hội đồng nhân "
              "dân tỉnh theo quy định./.",
              {"- Thường trực HĐND tỉnh;", "- Các Ban của HĐND tỉnh;", "- Đại biểu HĐND tỉnh;",
               "- Lưu: VT, TH."}};
    case DemoDocKind::kDuThaoNghiQuyet:
      return {"NGHỊ QUYẾT",
              "",
              "Nghị quyết này đã được Hội đồng nhân dân tỉnh khóa X, kỳ họp thứ ... thông qua "
              "ngày ... tháng ... năm 2025 và có hiệu lực từ ngày ký./.",
              {"- Ủy ban Thường vụ Quốc hội;", "- Chính phủ;", "- Thường trực Tỉnh ủy;",
               "- Đại biểu HĐND tỉnh;", "- Lưu: VT."}};
  }
  return TextsFor(DemoDocKind::kToTrinh);
}

// "Nơi nhận" on the left, the signer's role, space to sign and name on the
// right. Draws at the cursor when `draw`; returns the height either way.
absl::StatusOr<double> SignatureBlock(Composer& c, const DemoDocSpec& spec,
                                      const KindText& text, bool draw) {
  const double left = c.content_left_mm();
  const double left_width = c.content_width_mm() * 0.45;
  const double right = left + left_width;
  const double right_width = c.content_width_mm() - left_width;
  const TextStyle recipients_title = {.size_pt = 12, .bold = true, .italic = true};
  const TextStyle recipients = {.size_pt = 11, .line_spacing = 1.1};
  const TextStyle role = {.size_pt = 13, .bold = true, .align = Align::kCenter};
  constexpr double kSignatureSpace = 25;
  const std::string list = absl::StrJoin(text.recipients, "\n");
  double left_height = Composer::LineHeightMm(recipients_title);
  ASSIGN_OR_RETURN(double list_height, c.TextHeightMm(list, recipients, left_width));
  left_height += list_height;
  ASSIGN_OR_RETURN(double role_height, c.TextHeightMm(spec.signer_role, role, right_width));
  const double right_height = role_height + kSignatureSpace + Composer::LineHeightMm(role);
  if (draw) {
    const double top = c.cursor_mm();
    RETURN_IF_ERROR(c.DrawText(left, top, "Nơi nhận:", recipients_title));
    RETURN_IF_ERROR(c.DrawTextBox(left, top + Composer::LineHeightMm(recipients_title),
                                  left_width, list, recipients)
                        .status());
    RETURN_IF_ERROR(c.DrawTextBox(right, top, right_width, spec.signer_role, role).status());
    RETURN_IF_ERROR(c.DrawTextBox(right, top + role_height + kSignatureSpace, right_width,
                                  spec.signer_name, role)
                        .status());
    c.MoveCursor(std::max(left_height, right_height));
  }
  return std::max(left_height, right_height);
}

}  // namespace

absl::Status WriteDemoDocument(const DemoDocSpec& spec, const std::string& path) {
  RETURN_IF_ERROR(Required("title", spec.title));
  RETURN_IF_ERROR(Required("signer name", spec.signer_name));
  if (spec.pages < 1 || spec.pages > 50) {
    return absl::InvalidArgumentError("a demo document has 1 to 50 pages");
  }
  const KindText text = TextsFor(spec.kind);
  // The top margin's upper limit (25 mm) leaves room for a "bản điện tử"
  // stamp above the header.
  ASSIGN_OR_RETURN(std::unique_ptr<Composer> c,
                   Composer::Create({.margins = {.top_mm = 25}, .title = spec.title}));
  if (spec.kind == DemoDocKind::kDuThaoNghiQuyet) {
    RETURN_IF_ERROR(c->DrawText(c->page_width_mm() - c->margins().right_mm, 8, "DỰ THẢO",
                                {.size_pt = 13, .bold = true, .align = Align::kRight}));
  }
  RETURN_IF_ERROR(DrawDocumentHeader(*c, spec.header));
  RETURN_IF_ERROR(c->Paragraph(text.name, kTitle).status());
  RETURN_IF_ERROR(c->Paragraph(spec.title, kTitle, {.space_after_mm = 2}).status());
  const double rule = 50;
  RETURN_IF_ERROR(c->DrawRule(c->content_left_mm() + (c->content_width_mm() - rule) / 2,
                              c->cursor_mm(), rule, 0.5));
  c->MoveCursor(6);
  if (*text.addressee != '\0') {
    RETURN_IF_ERROR(
        c->Paragraph(text.addressee, {.size_pt = 13, .align = Align::kCenter}, {.space_after_mm = 4})
            .status());
  }
  if (spec.kind == DemoDocKind::kDuThaoNghiQuyet) {
    const TextStyle legal = {.size_pt = 13, .italic = true, .align = Align::kJustify};
    for (const char* basis :
         {"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ "
          "sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày "
          "22 tháng 11 năm 2019;",
          "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;",
          "Xét Tờ trình của Ủy ban nhân dân tỉnh; Báo cáo thẩm tra của Ban Kinh tế - Ngân sách "
          "Hội đồng nhân dân tỉnh; ý kiến thảo luận của đại biểu Hội đồng nhân dân tỉnh tại kỳ "
          "họp."}) {
      RETURN_IF_ERROR(c->Paragraph(basis, legal, kBodyLayout).status());
    }
    RETURN_IF_ERROR(c->Paragraph("QUYẾT NGHỊ:", kTitle, {.space_after_mm = 3}).status());
  }
  for (const std::string& line : spec.seed_lines) {
    RETURN_IF_ERROR(c->Paragraph(line, kBody, kBodyLayout).status());
  }

  // Generated sections until the last wanted page is full enough that the
  // closing line and the signature block just fit.
  ASSIGN_OR_RETURN(double closing_height,
                   c->TextHeightMm(text.closing, kBody, c->content_width_mm() - 10));
  ASSIGN_OR_RETURN(double signature_height, SignatureBlock(*c, spec, text, false));
  const double reserve = closing_height + kBodyLayout.space_after_mm + 6 + signature_height;
  const TextStyle section_style = {.size_pt = 13, .bold = true, .align = Align::kJustify};
  TextPicker picker(spec.title);
  SentenceDeck deck(picker);
  const std::vector<std::string>& headings = Headings(spec.kind);
  int section = 0;
  int in_section = 0;
  for (;;) {
    std::string block;
    TextStyle style = kBody;
    ParagraphLayout layout = kBodyLayout;
    if (in_section == 0 || (in_section >= 2 && picker.Next(3) == 0)) {
      const std::string& name = headings[section % headings.size()];
      block = spec.kind == DemoDocKind::kDuThaoNghiQuyet
                  ? absl::StrCat("Điều ", section + 1, ". ", name)
                  : absl::StrCat(kRoman[section % std::size(kRoman)], ". ", name);
      style = section_style;
      layout.first_line_indent_mm = spec.kind == DemoDocKind::kDuThaoNghiQuyet ? 10 : 0;
      ++section;
      in_section = 0;
    } else {
      block = deck.Paragraph();
    }
    ASSIGN_OR_RETURN(double height, c->TextHeightMm(block, style, c->content_width_mm() - 10));
    // A heading must leave room for at least two lines under it.
    const double needed =
        height + layout.space_after_mm + (in_section == 0 ? 2 * Composer::LineHeightMm(kBody) : 0);
    if (c->page_count() > spec.pages ||
        (c->page_count() == spec.pages && c->SpaceLeftMm() < needed + reserve)) {
      break;
    }
    if (in_section == 0) RETURN_IF_ERROR(c->EnsureSpace(needed));
    RETURN_IF_ERROR(c->Paragraph(block, style, layout).status());
    ++in_section;
  }
  RETURN_IF_ERROR(c->Paragraph(text.closing, kBody, kBodyLayout).status());
  c->MoveCursor(6);
  RETURN_IF_ERROR(c->EnsureSpace(signature_height));
  RETURN_IF_ERROR(SignatureBlock(*c, spec, text, true).status());
  RETURN_IF_ERROR(c->AddPageNumbers({.style = {.size_pt = 13}, .administrative = true}));
  return c->Save(path);
}

namespace {

// The QR code's own quiet zone is the stamp's margin on three sides, so the
// stamp is no taller than the code and fits in a 25 mm top margin.
constexpr double kStampQrMm = 20;
constexpr double kStampLabelMm = 30;
constexpr double kStampPaddingMm = 2;
constexpr double kStampInsetMm = 3;
constexpr double kStampLabelPt = 8.5;

// The cm matrix that puts the stamp's top-right corner kStampInsetMm inside
// the visible top-right corner of a page shown rotated `rotation` degrees
// clockwise, upright to the reader.
std::string StampMatrix(const PoDoFo::PdfRect& box, int rotation, double w, double h) {
  const double m = MmToPt(kStampInsetMm);
  const double x0 = box.GetLeft();
  const double y0 = box.GetBottom();
  const double x1 = x0 + box.GetWidth();
  const double y1 = y0 + box.GetHeight();
  double a = 1, b = 0, c = 0, d = 1, e = x1 - m - w, f = y1 - m - h;
  switch (rotation) {
    case 90:  // Shown top right: the page's top-left corner.
      a = 0, b = 1, c = -1, d = 0, e = x0 + m + h, f = y1 - m - w;
      break;
    case 180:
      a = -1, b = 0, c = 0, d = -1, e = x0 + m + w, f = y0 + m + h;
      break;
    case 270:
      a = 0, b = -1, c = 1, d = 0, e = x1 - m - h, f = y0 + m + w;
      break;
    default:
      break;
  }
  return absl::StrFormat("%.4f %.4f %.4f %.4f %.3f %.3f cm", a, b, c, d, e, f);
}

PoDoFo::PdfObject* NewContentStream(PoDoFo::PdfMemDocument& doc, const std::string& content) {
  PoDoFo::PdfObject* object = doc.GetObjects().CreateObject();
  object->GetStream()->Set(content.data(), static_cast<PoDoFo::pdf_long>(content.size()));
  return object;
}

}  // namespace

absl::Status StampFirstPage(const std::string& input_path, const std::string& output_path,
                            absl::string_view qr_payload, absl::string_view label) {
  internal::SilencePodofo();
  RETURN_IF_ERROR(QrModuleCount(qr_payload, QrLevel::kQ).status());
  ASSIGN_OR_RETURN(std::string prepared_label, internal::PrepareText(label));
  const std::string doing = absl::StrCat("stamping ", input_path);
  const std::string temp = absl::StrCat(output_path, ".part");
  try {
    PoDoFo::PdfMemDocument doc;
    doc.Load(input_path.c_str(), /*bForUpdate=*/true);
    if (doc.GetEncrypted()) {
      return absl::FailedPreconditionError(absl::StrCat(doing, ": the PDF is encrypted"));
    }
    if (internal::HasSignatures(doc)) {
      return absl::FailedPreconditionError(absl::StrCat(
          doing, ": the PDF carries signatures, which a stamp would invalidate"));
    }
    if (doc.GetPageCount() < 1) {
      return absl::InvalidArgumentError(absl::StrCat(doing, ": the PDF has no pages"));
    }
    PoDoFo::PdfPage* page = doc.GetPage(0);
    PoDoFo::PdfRect box = page->GetCropBox();
    if (box.GetWidth() <= 0 || box.GetHeight() <= 0) box = page->GetMediaBox();
    const int rotation = ((page->GetRotation() % 360) + 360) % 360;

    // The stamp is a form XObject: its own resources and coordinates, placed
    // on the page by one matrix.
    const double qr = MmToPt(kStampQrMm);
    const double pad = MmToPt(kStampPaddingMm);
    const double label_width = MmToPt(kStampLabelMm);
    const double w = pad + label_width + qr;
    const double h = qr;
    PoDoFo::PdfXObject stamp(PoDoFo::PdfRect(0, 0, w, h), &doc, "HopsoStamp");
    PoDoFo::PdfPainter painter;
    internal::FinishPainter finish(painter);
    painter.SetPage(&stamp);
    painter.SetColor(1, 1, 1);
    painter.Rectangle(0, 0, w, h);
    painter.Fill();
    RETURN_IF_ERROR(internal::PaintQr(painter, w - qr, h, qr, qr_payload, QrLevel::kQ));
    painter.SetStrokingColor(0.45, 0.45, 0.45);
    painter.SetStrokeWidth(0.6);
    painter.Rectangle(0.3, 0.3, w - 0.6, h - 0.6);
    painter.Stroke();
    ASSIGN_OR_RETURN(PoDoFo::PdfFont * font,
                     internal::LoadFont(doc, kDefaultFontDir, /*bold=*/false, /*italic=*/false));
    // Balanced lines: the narrowest width that needs no more lines than the
    // full width does, so "gốc" is not left alone on the last line.
    std::vector<internal::Line> lines =
        internal::WrapPrepared(font, kStampLabelPt, prepared_label, label_width, label_width);
    for (double narrower = label_width - 1; narrower > label_width / 3; narrower -= 1) {
      std::vector<internal::Line> tried =
          internal::WrapPrepared(font, kStampLabelPt, prepared_label, narrower, narrower);
      if (tried.size() > lines.size()) break;
      lines = std::move(tried);
    }
    const double line_pt = kStampLabelPt * 1.2;
    const double baseline_offset = internal::BaselineOffsetPt(font, kStampLabelPt, line_pt);
    double top = (h + line_pt * static_cast<double>(lines.size())) / 2;
    for (const internal::Line& line : lines) {
      internal::PaintLine(painter, font, kStampLabelPt, pad, top - baseline_offset, label_width,
                          line, Align::kCenter);
      top -= line_pt;
    }
    painter.FinishPage();

    // Give the page its own /Resources (a copy of inherited ones) and name
    // the stamp there.
    PoDoFo::PdfObject* page_object = page->GetObject();
    PoDoFo::PdfDictionary& page_dict = page_object->GetDictionary();
    if (!page_dict.HasKey("Resources")) {
      const PoDoFo::PdfObject* inherited = page->GetResources();
      page_dict.AddKey("Resources", inherited != nullptr && inherited->IsDictionary()
                                        ? PoDoFo::PdfObject(inherited->GetDictionary())
                                        : PoDoFo::PdfObject(PoDoFo::PdfDictionary()));
    }
    PoDoFo::PdfObject* resources = page_object->GetIndirectKey("Resources");
    if (resources == nullptr || !resources->IsDictionary()) {
      return absl::InvalidArgumentError(absl::StrCat(doing, ": page 1 has broken resources"));
    }
    if (resources->GetIndirectKey("XObject") == nullptr) {
      resources->GetDictionary().AddKey("XObject", PoDoFo::PdfDictionary());
    }
    PoDoFo::PdfObject* xobjects = resources->GetIndirectKey("XObject");
    if (!xobjects->IsDictionary()) {
      return absl::InvalidArgumentError(absl::StrCat(doing, ": page 1 has broken resources"));
    }
    xobjects->GetDictionary().AddKey(stamp.GetIdentifier(), stamp.GetObject()->Reference());

    // Wrap the existing content in q/Q so a graphics state it leaves behind
    // (a scale, a clip, a colour) cannot distort the stamp drawn after it.
    PoDoFo::PdfArray contents;
    contents.push_back(NewContentStream(doc, "q\n")->Reference());
    if (const PoDoFo::PdfObject* old = page_dict.GetKey("Contents"); old != nullptr) {
      const PoDoFo::PdfObject* target =
          old->IsReference() ? doc.GetObjects().GetObject(old->GetReference()) : old;
      if (target != nullptr && target->IsArray()) {
        for (const PoDoFo::PdfObject& part : target->GetArray()) contents.push_back(part);
      } else if (old->IsReference()) {
        contents.push_back(*old);
      }
    }
    contents.push_back(
        NewContentStream(doc, absl::StrCat("Q\nq ", StampMatrix(box, rotation, w, h), " /",
                                           stamp.GetIdentifier().GetName(), " Do Q\n"))
            ->Reference());
    page_dict.AddKey("Contents", contents);

    doc.WriteUpdate(temp.c_str());
  } catch (const PoDoFo::PdfError& e) {
    std::remove(temp.c_str());
    return internal::PdfErrorToStatus(e, doing);
  }
  return internal::MoveIntoPlace(temp, output_path);
}

}  // namespace hopso::pdf
