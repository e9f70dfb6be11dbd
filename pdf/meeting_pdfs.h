// The PDFs a meeting needs, from plain structs: the agenda handout with one
// QR code per document, the room poster, demo documents in the style of
// Vietnamese administrative papers, and the "bản điện tử" stamp on a
// distributed document. No gRPC or store types: services fill the structs.
//
// Layout follows Decree 30/2020/NĐ-CP on administrative documents: the
// issuing body top left, the national title and motto top right, the title
// centred in bold capitals, Liberation Serif 13-14 pt.
#ifndef HOPSO_PDF_MEETING_PDFS_H_
#define HOPSO_PDF_MEETING_PDFS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hopso::pdf {

// Sizes of printed QR codes, quiet zone included. A handout code grows
// beyond the minimum when its payload needs so many modules that they would
// be smaller than 0.6 mm.
inline constexpr double kHandoutQrMinMm = 24;
inline constexpr double kPosterQrMm = 100;

// The issuing body as printed top left. A name such as "ỦY BAN NHÂN DÂN TỈNH
// QUẢNG NAM" is broken after "ỦY BAN NHÂN DÂN" / "HỘI ĐỒNG NHÂN DÂN" as
// custom requires; a '\n' in the name sets the break explicitly.
struct DocumentHeader {
  std::string organisation;
  // Optional: "Số: 125/TTr-UBND" under the issuing body.
  std::string number;
  // Optional: "Quảng Nam, ngày 12 tháng 3 năm 2025" under the motto.
  std::string place_and_date;
};

struct HandoutDocument {
  std::string title;
  int pages = 0;
  // What the QR code encodes (a short locator URL); required.
  std::string qr_payload;
};

struct HandoutItem {
  // "1", "1.1", ... as the server numbers agenda items; sub-items are
  // indented by their depth.
  std::string number;
  std::string title;
  std::string presenter;  // optional
  int minutes = 0;        // 0: not shown
  std::vector<HandoutDocument> documents;
};

struct HandoutSpec {
  DocumentHeader header;
  std::string meeting_title;
  std::string time_text;  // "08 giờ 00, thứ Tư, ngày 12 tháng 3 năm 2025"
  std::string place;
  // Optional: a QR code for the meeting itself, next to time and place.
  std::string meeting_qr_payload;
  std::vector<HandoutItem> items;
};

// WriteHandout
//
// The agenda handout ("CHƯƠNG TRÌNH PHIÊN HỌP"): header, meeting title, time
// and place, then each agenda item (number, title, presenter, minutes) with
// its documents, each a level-Q QR code of at least kHandoutQrMinMm with the
// title and page count beside it. Flows over as many A4 pages as needed,
// numbered. INVALID_ARGUMENT for a missing title or QR payload.
absl::Status WriteHandout(const HandoutSpec& spec, const std::string& path);

struct PosterSpec {
  std::string organisation;
  std::string meeting_title;
  std::string time_text;
  std::string place;
  std::string qr_payload;
};

// The caption under the poster's QR code.
inline constexpr char kPosterCaption[] = "Quét mã để nhận tài liệu phiên họp";

// WritePoster
//
// One A4 portrait page for the meeting room door: organisation, the meeting
// title in large bold type, time, place, and a kPosterQrMm level-Q QR code
// with kPosterCaption under it. The title's size shrinks (down to 16 pt) to
// keep everything on one page; INVALID_ARGUMENT when it still does not fit.
absl::Status WritePoster(const PosterSpec& spec, const std::string& path);

enum class DemoDocKind {
  kToTrinh,          // Tờ trình: a proposal to a council
  kBaoCao,           // Báo cáo: a report
  kDuThaoNghiQuyet,  // Dự thảo nghị quyết: a draft resolution
};

struct DemoDocSpec {
  DocumentHeader header;
  DemoDocKind kind = DemoDocKind::kToTrinh;
  // The subject under the kind's name, e.g. "Về việc thông qua Đề án phòng
  // họp không giấy giai đoạn 2025 - 2030".
  std::string title;
  // Pages wanted; the document has exactly this many unless the header and
  // the seed lines alone need more.
  int pages = 2;
  // Paragraphs placed first in the body, before the generated text.
  std::vector<std::string> seed_lines;
  // The signature block: role lines (e.g. "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
  // and the signer's name.
  std::string signer_role = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH";
  std::string signer_name = "Nguyễn Văn An";
};

// WriteDemoDocument
//
// A realistic multi-page Vietnamese administrative document for the demo
// meeting: header with number and date, title, body paragraphs (the seed
// lines, then generated text chosen deterministically from `title`, so the
// same spec always gives the same text), recipients and signature block.
absl::Status WriteDemoDocument(const DemoDocSpec& spec, const std::string& path);

inline constexpr char kStampLabel[] = "Bản điện tử – quét để xem bản gốc";

// StampFirstPage
//
// Writes to `output_path` a copy of the PDF at `input_path` with a "bản điện
// tử" stamp at the top right of page 1 (as the page is displayed, whatever
// its /Rotate): a ~20 mm QR code of `qr_payload` and `label` beside it, on a
// white box. The stamp is an incremental update: `output_path` starts with
// the bytes of `input_path` unchanged. `output_path` may equal `input_path`.
//
// Only for files Hopso generated or normalised with ScreenUpload (PoDoFo
// parses them in this process). FAILED_PRECONDITION when the PDF carries
// signatures (stamping would invalidate them) or is encrypted;
// INVALID_ARGUMENT when it is damaged or has no pages; NOT_FOUND when it
// cannot be opened.
absl::Status StampFirstPage(const std::string& input_path, const std::string& output_path,
                            absl::string_view qr_payload, absl::string_view label = kStampLabel);

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_MEETING_PDFS_H_
