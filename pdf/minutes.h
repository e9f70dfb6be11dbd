// The minutes of a meeting (biên bản), composed from plain structs that the
// server fills from the meeting's event log. Layout of Decree 30/2020/NĐ-CP:
// issuing body and number top left, national title and motto top right,
// place and date, "BIÊN BẢN" and the meeting's name centred, then the record
// and two signature blocks (secretary left, chair right) with room above the
// names for the visible digital signatures. No gRPC or store types.
#ifndef HOPSO_PDF_MINUTES_H_
#define HOPSO_PDF_MINUTES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pdf/meeting_pdfs.h"

namespace hopso::pdf {

struct MinutesPerson {
  std::string name;
  // "Phó Chủ tịch UBND tỉnh", "Giám đốc Sở Tài chính"; optional.
  std::string title;
};

struct MinutesAbsence {
  MinutesPerson person;
  std::string reason;  // optional: "đi công tác"
};

struct MinutesProxy {
  std::string giver;
  std::string holder;
};

struct MinutesAttendance {
  int members = 0;  // who may vote (chair and delegates)
  std::vector<MinutesPerson> present;  // in the room
  std::vector<MinutesPerson> online;   // taking part remotely
  std::vector<MinutesAbsence> absent;
  std::vector<MinutesProxy> proxies;
  // "Đủ điều kiện tiến hành phiên họp (15/21 thành viên có mặt, yêu cầu tối
  // thiểu 11)"; printed as given.
  std::string quorum_text;
};

struct MinutesSpeech {
  std::string speaker;
  std::string summary;  // optional: what the secretary noted
};

struct MinutesPoll {
  std::string question;
  bool secret = false;
  // One row per option in order: label and count, e.g. {"Đồng ý", "12"}.
  std::vector<std::pair<std::string, std::string>> counts;
  int voted = 0;
  int eligible = 0;
  std::string rule_text;    // "Quá 1/2 tổng số thành viên (ít nhất 11/21)"
  std::string result_text;  // "Thông qua" / "Không thông qua", with the reason
};

struct MinutesItem {
  std::string number;  // "1", "1.1"
  std::string title;
  std::string presenter;                   // optional
  std::vector<std::string> document_titles;
  std::vector<MinutesSpeech> speeches;     // in the order they spoke
  std::vector<MinutesPoll> polls;
  std::string conclusion;                  // kết luận of the item; optional
};

struct MinutesSpec {
  DocumentHeader header;    // organisation, "Số: 12/BB-UBND", place and date
  std::string meeting_title;  // "Phiên họp thường kỳ tháng 11 năm 2026"
  std::string start_text;   // "08 giờ 00 phút, ngày 30 tháng 11 năm 2026"
  std::string end_text;     // "11 giờ 15 phút cùng ngày"; optional
  std::string place;
  MinutesPerson chair;
  MinutesPerson secretary;
  MinutesAttendance attendance;
  std::vector<MinutesItem> items;
  // The closing conclusions (kết luận) the secretary writes, one paragraph per
  // entry.
  std::vector<std::string> conclusions;
  // Small print on the last page, e.g. the event log head the minutes were
  // made from: "Lập từ nhật ký phiên họp, sự kiện 1–214, mã 3f9a…".
  std::string record_note;
  // A level-Q QR code (about 22 mm) beside the record note, linking to the
  // digital original; required.
  std::string qr_payload;
};

// Where a signature goes: the empty space above a signer's printed name in
// a signature block, in PDF user-space points (bottom-left origin), 0-based
// page. Exactly what SignatureAppearance's page/x/y/width/height take.
struct SignatureBox {
  int page = 0;
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

struct MinutesLayout {
  int pages = 0;
  SignatureBox secretary;  // left block: "THƯ KÝ"
  SignatureBox chair;      // right block: "CHỦ TỌA"
};

// WriteMinutes
//
// Writes the minutes to `path` (whole or not at all) and says where the two
// signatures go. Liberation Serif 13 pt body, 14 pt title, A4 portrait with
// the decree's margins, pages numbered the administrative way; every string
// is NFC-normalised. Sections, in order: header; "BIÊN BẢN" and the meeting
// title; "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN" (time, place, chair, secretary,
// attendance with present, online, absent with reasons, proxies, quorum);
// "II. NỘI DUNG" (each item: documents, speeches, polls as a small table
// with the rule and the result, the item's conclusion); "III. KẾT LUẬN"; the
// closing sentence with the end time; the signature blocks, kept together
// on one page with at least 28 mm of signing space above each name; the
// record note and QR code. INVALID_ARGUMENT when the meeting title, chair,
// secretary, QR payload or the header's organisation is missing, a string is
// not valid UTF-8, the QR payload needs a code over 30 mm, or the record note
// is too long to share the last page with the signatures.
absl::StatusOr<MinutesLayout> WriteMinutes(const MinutesSpec& spec, const std::string& path);

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_MINUTES_H_
