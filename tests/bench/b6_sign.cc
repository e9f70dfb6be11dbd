// Benchmark B6 (shared/design/BENCHMARKS.md): a 100-page, 10 MB PDF signed
// twice, chair then secretary, as SignDocument does it: pdf::SignPdf (PAdES
// B-B, a visible Vietnamese block, an incremental update written through a
// temporary file, fsync and rename) on the stored file, then again on the
// chair's output. The ceiling is Debian's podofosign making the same two
// signatures (SHA-256, the same keys and certificates, the same field names,
// 16 KB reserved, a printed block with the same lines in the same rectangle)
// as two processes. podofosign cannot draw Vietnamese (it encodes the block
// in WinAnsi and drops ư, ơ, đ, ạ, ...), so its block uses Base-14
// Times-Roman and embeds no font; its CMS is adbe.pkcs7.detached with a
// signing-time attribute.
//
// The PDF is a dossier as a secretary uploads it: Vietnamese text on every
// page (pdf::Composer) over a photograph of incompressible noise per page,
// sized so that the file is about --pdf_mb, then screened and normalised
// with pdf::ScreenUpload, since Hopso signs the stored copy.
//
// Beside the ratio: the same pair signed with SoftHSM2 token keys (each
// signature opens the key with its PIN first, as the server does; the
// certificates come from server/signing's CA code and the same test CA), and
// the time pdf::WriteMinutes takes for the minutes of a 21-member meeting
// with 8 items, 2 polls and 4 speeches each.
//
// Everything measured runs on --server_cpu: this thread pins itself there
// and podofosign inherits the pinning. Each round runs Hopso's pair, then
// podofosign's, then the token pair and the minutes; each round's outputs
// are checked to be two incremental updates of their input, and pdfsig and
// qpdf --check judge the last round's files.
//
//   taskset -c 0 bench_b6 --server_cpu 1
#include <openssl/pem.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bench_support.h"
#include "pdf/composer.h"
#include "pdf/internal/test_keys.h"
#include "pdf/internal/test_tools.h"
#include "pdf/minutes.h"
#include "pdf/screen.h"
#include "pdf/sign.h"
#include "server/signing/ca.h"
#include "server/signing/token.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

ABSL_FLAG(int, rounds, 7, "measured rounds (Hopso pair, podofosign pair, token pair, minutes)");
ABSL_FLAG(int, pages, 100, "pages of the PDF to sign");
ABSL_FLAG(int, pdf_mb, 10, "size of the PDF to sign, in MB (10^6 bytes)");
ABSL_FLAG(std::string, podofosign, "/usr/bin/podofosign", "the ceiling: Debian's podofosign");

namespace hopso::bench {
namespace {

using pdf::testing::MakeCaCert;
using pdf::testing::MakeRsaKey;
using pdf::testing::MakeSignerCert;
using pdf::testing::PkeyPtr;
using pdf::testing::RunCommand;
using pdf::testing::X509Ptr;

constexpr double kMB = 1e6;
constexpr double kPageWidthPt = 595.276;
constexpr double kPageHeightPt = 841.89;
constexpr double kPtPerMm = 72 / 25.4;
// The photograph on every page (PDF points, bottom-left origin), below the
// text and above the signatures.
constexpr double kPhotoX = 85;
constexpr double kPhotoY = 150;
constexpr double kPhotoWidth = 425;
constexpr double kPhotoHeight = 240;
constexpr int kPhotoColumns = 320;
// Pixels of noise are RGB, 3 bytes each.
constexpr int kBytesPerPixel = 3;

constexpr char kChairField[] = "ChuKy1";
constexpr char kSecretaryField[] = "ChuKy2";
constexpr char kSoPin[] = "b6-so-pin-0000";

// One signer, both ways: in memory (LocalKey, PEM files for podofosign) and
// in a SoftHSM2 token.
struct Signer {
  std::string name;
  std::string role;
  pdf::SignatureAppearance box;  // where the block goes; time set per signature
  PkeyPtr key;
  X509Ptr certificate;
  std::unique_ptr<pdf::LocalKey> local_key;
  std::string cert_pem_path;
  std::string key_pem_path;
  std::string token_label;
  std::string token_pin;
  server::signing::X509Ptr token_certificate;
};

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

absl::Status PinThisThread(int cpu) {
  if (cpu < 0) return absl::OkStatus();
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    return absl::InternalError(absl::StrCat("cannot pin to cpu ", cpu));
  }
  return absl::OkStatus();
}

// The dossier's text: a heading and three justified paragraphs per page,
// ending well above the photograph.
absl::Status ComposeText(int pages, const std::string& path) {
  static constexpr const char* kParagraphs[] = {
      "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật Giao dịch "
      "điện tử ngày 22 tháng 6 năm 2023; Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 "
      "của Chính phủ về công tác văn thư, Sở Thông tin và Truyền thông trình Ủy ban nhân dân "
      "tỉnh xem xét, phê duyệt Đề án phòng họp không giấy giai đoạn 2027 - 2030.",
      "Hiện trạng: mỗi phiên họp thường kỳ sử dụng bình quân 4.200 trang tài liệu in, thời "
      "gian chuẩn bị kéo dài từ ba đến năm ngày làm việc; việc biểu quyết, điểm danh và lập "
      "biên bản còn thực hiện thủ công, khó tra cứu, khó bảo đảm tính toàn vẹn của hồ sơ.",
      "Giải pháp đề xuất: tài liệu được phát hành điện tử tới máy tính bảng của đại biểu, "
      "biểu quyết và điểm danh trực tuyến, biên bản được lập tự động từ nhật ký phiên họp và "
      "ký số bởi chủ tọa và thư ký bằng chứng thư số do tổ chức cung cấp dịch vụ cấp.",
  };
  ASSIGN_OR_RETURN(std::unique_ptr<pdf::Composer> composer,
                   pdf::Composer::Create({.title = "Hồ sơ Đề án phòng họp không giấy"}));
  const double photo_top_mm = (kPageHeightPt - kPhotoY - kPhotoHeight) / kPtPerMm;
  for (int page = 1; page <= pages; ++page) {
    if (page > 1) RETURN_IF_ERROR(composer->NewPage());
    RETURN_IF_ERROR(composer
                        ->Paragraph(absl::StrCat("Phụ lục ", page,
                                                 ". Thuyết minh chi tiết Đề án "
                                                 "phòng họp không giấy, phần ",
                                                 page),
                                    {.size_pt = 14, .bold = true}, {.space_after_mm = 4})
                        .status());
    for (const char* text : kParagraphs) {
      RETURN_IF_ERROR(composer
                          ->Paragraph(text, {.align = pdf::Align::kJustify},
                                      {.first_line_indent_mm = 10, .space_after_mm = 3})
                          .status());
    }
    if (composer->cursor_mm() > photo_top_mm || composer->page_count() != page) {
      return absl::InternalError("the dossier's text runs into the photograph");
    }
  }
  RETURN_IF_ERROR(composer->AddPageNumbers({.administrative = true}));
  return composer->Save(path);
}

// One page per page of the dossier, each a photograph of RGB noise of about
// `photo_bytes`.
void WriteNoisePdf(int pages, int64_t photo_bytes, const std::string& path) {
  const int rows = static_cast<int>(
      std::max<int64_t>(1, photo_bytes / (int64_t{kPhotoColumns} * kBytesPerPixel)));
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", ""};
  std::vector<std::string> kids;
  const std::string content = absl::StrFormat("q %.2f 0 0 %.2f %.2f %.2f cm /Photo Do Q\n",
                                              kPhotoWidth, kPhotoHeight, kPhotoX, kPhotoY);
  for (int page = 0; page < pages; ++page) {
    const size_t first = objects.size() + 1;  // the page's object number
    kids.push_back(absl::StrCat(first, " 0 R"));
    objects.push_back(
        absl::StrFormat("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f] /Contents %d 0 R "
                        "/Resources << /XObject << /Photo %d 0 R >> >> >>",
                        kPageWidthPt, kPageHeightPt, first + 1, first + 2));
    objects.push_back(
        absl::StrCat("<< /Length ", content.size(), " >>\nstream\n", content, "\nendstream"));
    const std::string pixels =
        server::RandomBytes(static_cast<size_t>(rows) * kPhotoColumns * kBytesPerPixel);
    objects.push_back(absl::StrCat("<< /Type /XObject /Subtype /Image /Width ", kPhotoColumns,
                                   " /Height ", rows,
                                   " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ",
                                   pixels.size(), " >>\nstream\n", pixels, "\nendstream"));
  }
  objects[1] =
      absl::StrCat("<< /Type /Pages /Kids [", absl::StrJoin(kids, " "), "] /Count ", pages, " >>");
  pdf::testing::WriteRawPdf(path, objects);
}

// The stored copy of the dossier, as ScreenUpload normalises it.
absl::StatusOr<std::string> MakeStoredPdf(const std::string& tmp, int pages, int64_t bytes) {
  const std::string text = tmp + "/text.pdf";
  const std::string noise = tmp + "/noise.pdf";
  const std::string upload = tmp + "/upload.pdf";
  RETURN_IF_ERROR(ComposeText(pages, text));
  const int64_t text_bytes = static_cast<int64_t>(std::filesystem::file_size(text));
  // Less a few hundred bytes per page for the image's dictionary and page.
  WriteNoisePdf(pages, std::max<int64_t>(0, (bytes - text_bytes) / pages - 400), noise);
  const pdf::testing::CommandResult underlay =
      RunCommand({"qpdf", text, "--underlay", noise, "--", upload}, /*merge_stderr=*/true);
  if (underlay.exit_code != 0) {
    return absl::InternalError(absl::StrCat("qpdf --underlay failed: ", underlay.output));
  }
  ASSIGN_OR_RETURN(pdf::ScreenReport report, pdf::ScreenUpload(upload));
  if (report.normalised_path.empty() || report.pages != pages) {
    return absl::InternalError(absl::StrCat("screening gave ", report.pages, " pages"));
  }
  const std::string stored = tmp + "/stored.pdf";
  std::filesystem::rename(report.normalised_path, stored);
  std::string check;
  if (!pdf::testing::QpdfCheck(stored, &check)) {
    return absl::InternalError(absl::StrCat("qpdf --check of the stored PDF: ", check));
  }
  return stored;
}

// The minutes of a meeting of 21 members with 8 items, each with 4
// speeches and 2 polls (one named, one secret).
pdf::MinutesSpec MinutesOf21() {
  static constexpr const char* kMembers[][2] = {
      {"Trương Quốc Việt", "Chủ tịch UBND tỉnh"},
      {"Nguyễn Thị Hồng Nhung", "Phó Chủ tịch UBND tỉnh"},
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
      {"Hà Thị Ngọc Diễm", "Giám đốc Sở Lao động - Thương binh và Xã hội"},
      {"Ngô Thị Thu Hà", "Giám đốc Sở Y tế"},
      {"Châu Văn Ước", "Chủ tịch UBND thị xã Điện Bàn"},
      {"Đinh Văn Sỹ", "Giám đốc Sở Nông nghiệp và Phát triển nông thôn"},
      {"Khổng Thị Yến", "Giám đốc Sở Khoa học và Công nghệ"},
      {"Âu Dương Lãm", "Giám đốc Sở Tài nguyên và Môi trường"},
  };
  static constexpr const char* kItems[] = {
      "Tình hình kinh tế - xã hội năm 2026 và kế hoạch năm 2027",
      "Dự toán thu, chi ngân sách địa phương năm 2027",
      "Đề án phòng họp không giấy giai đoạn 2027 - 2030",
      "Phương án sắp xếp đơn vị sự nghiệp công lập",
      "Kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030",
      "Quy hoạch chung đô thị Điện Bàn đến năm 2045",
      "Chương trình chuyển đổi số tỉnh năm 2027",
      "Báo cáo công tác phòng, chống thiên tai năm 2026",
  };
  pdf::MinutesSpec spec;
  spec.header = {.organisation = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
                 .number = "Số: 12/BB-UBND",
                 .place_and_date = "Quảng Nam, ngày 30 tháng 11 năm 2026"};
  spec.meeting_title = "Phiên họp thường kỳ tháng 11 năm 2026";
  spec.start_text = "08 giờ 00 phút, ngày 30 tháng 11 năm 2026";
  spec.end_text = "17 giờ 30 phút cùng ngày";
  spec.place = "Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh";
  spec.chair = {kMembers[0][0], kMembers[0][1]};
  spec.secretary = {"Đặng Thùy Dương", "Chánh Văn phòng UBND tỉnh"};
  pdf::MinutesAttendance& attendance = spec.attendance;
  attendance.members = 21;
  for (int i = 0; i < 16; ++i) attendance.present.push_back({kMembers[i][0], kMembers[i][1]});
  for (int i = 16; i < 18; ++i) attendance.online.push_back({kMembers[i][0], kMembers[i][1]});
  attendance.absent = {{{kMembers[18][0], kMembers[18][1]}, "đi công tác nước ngoài"},
                       {{kMembers[19][0], kMembers[19][1]}, "nghỉ ốm"},
                       {{kMembers[20][0], kMembers[20][1]}, ""}};
  attendance.proxies = {{kMembers[18][0], kMembers[3][0]}};
  attendance.quorum_text =
      "Đủ điều kiện tiến hành phiên họp (18/21 thành viên có mặt, yêu cầu tối thiểu 11)";
  for (int item = 0; item < 8; ++item) {
    pdf::MinutesItem& out = spec.items.emplace_back();
    out.number = absl::StrCat(item + 1);
    out.title = kItems[item];
    out.presenter = absl::StrCat(kMembers[3 + item][0], ", ", kMembers[3 + item][1]);
    out.document_titles = {absl::StrCat("Tờ trình số ", 120 + item, "/TTr-UBND"),
                           absl::StrCat("Dự thảo Nghị quyết về ", kItems[item])};
    for (int s = 0; s < 4; ++s) {
      out.speeches.push_back(
          {kMembers[(item * 4 + s) % 18][0],
           "Thống nhất với dự thảo; đề nghị bổ sung số liệu thực hiện đến hết tháng 11, làm rõ "
           "nguồn kinh phí và trách nhiệm của các sở, ngành trong tổ chức thực hiện."});
    }
    out.polls.push_back(
        {.question = absl::StrCat("Biểu quyết thông qua ", kItems[item]),
         .secret = false,
         .counts = {{"Đồng ý", "15"}, {"Không đồng ý", "2"}, {"Không biểu quyết", "1"}},
         .voted = 18,
         .eligible = 21,
         .rule_text = "Quá 1/2 tổng số thành viên (ít nhất 11/21)",
         .result_text = "Thông qua (15/21 thành viên tán thành)"});
    out.polls.push_back(
        {.question = absl::StrCat("Lấy phiếu kín về phương án ", item + 1),
         .secret = true,
         .counts = {{"Đồng ý", "9"}, {"Không đồng ý", "8"}, {"Phiếu không hợp lệ", "1"}},
         .voted = 18,
         .eligible = 21,
         .rule_text = "Quá 1/2 tổng số thành viên (ít nhất 11/21)",
         .result_text = "Không thông qua (9/21 thành viên đồng ý)"});
    out.conclusion = "Giao cơ quan chủ trì tiếp thu ý kiến, hoàn thiện hồ sơ trước ngày 10/12.";
  }
  spec.conclusions = {
      "Ủy ban nhân dân tỉnh thống nhất các nội dung đã được biểu quyết thông qua.",
      "Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện các kết luận của phiên họp."};
  spec.record_note = "Lập từ nhật ký phiên họp, sự kiện 1–1.214, mã 3f9a1c0e.";
  spec.qr_payload = "https://hopso.example/m/BB-2026-11?h=3f9a1c0e";
  return spec;
}

// Writes a signer's key and certificate for podofosign and makes its
// LocalKey.
absl::Status PrepareLocalKey(const std::string& tmp, const std::string& name, Signer& signer) {
  signer.cert_pem_path = absl::StrCat(tmp, "/", name, ".crt");
  signer.key_pem_path = absl::StrCat(tmp, "/", name, ".key");
  pdf::testing::WriteFileOrDie(signer.cert_pem_path, pdf::testing::Pem(signer.certificate.get()));
  pdf::testing::WriteFileOrDie(signer.key_pem_path, pdf::testing::PrivateKeyPem(signer.key.get()));
  ASSIGN_OR_RETURN(signer.local_key,
                   pdf::LocalKey::Create(signer.key.get(), signer.certificate.get()));
  return absl::OkStatus();
}

// A token for the signer with a key generated inside it, certified by the
// test CA the way Hopso's CA code issues signer certificates.
absl::Status PrepareToken(server::signing::Pkcs11Module& module, EVP_PKEY* ca_key, X509* ca,
                          const std::string& label, Signer& signer) {
  signer.token_label = label;
  signer.token_pin = absl::StrCat(label, "-pin");
  ASSIGN_OR_RETURN(server::signing::EvpPkeyPtr public_key,
                   module.CreateTokenWithKey(label, kSoPin, signer.token_pin, 2048));
  ASSIGN_OR_RETURN(signer.token_certificate,
                   server::signing::IssueSignerCertificate(
                       ca_key, ca, public_key.get(),
                       {.full_name = signer.name, .organisation = "UBND tỉnh Quảng Nam"}));
  return absl::OkStatus();
}

pdf::SignatureAppearance AppearanceNow(const Signer& signer) {
  pdf::SignatureAppearance appearance = signer.box;
  appearance.time_micros = absl::ToUnixMicros(absl::Now());
  return appearance;
}

// Hopso's pair with keys in this process; returns milliseconds.
absl::StatusOr<double> HopsoPair(const std::string& stored, const std::string& out,
                                 const Signer& chair, const Signer& secretary) {
  const std::string chair_out = out + ".chair.pdf";
  const Clock::time_point start = Clock::now();
  RETURN_IF_ERROR(
      pdf::SignPdf(stored, chair_out, kChairField, AppearanceNow(chair), *chair.local_key));
  RETURN_IF_ERROR(pdf::SignPdf(chair_out, out, kSecretaryField, AppearanceNow(secretary),
                               *secretary.local_key));
  return MsSince(start);
}

// One signature with a token key, opened with its PIN first.
absl::Status TokenSign(server::signing::Pkcs11Module& module, const std::string& in,
                       const std::string& out, const char* field, const Signer& signer) {
  X509_up_ref(signer.token_certificate.get());
  ASSIGN_OR_RETURN(std::unique_ptr<server::signing::TokenKey> key,
                   module.OpenKey(signer.token_label, signer.token_pin,
                                  server::signing::X509Ptr(signer.token_certificate.get()), {}));
  return pdf::SignPdf(in, out, field, AppearanceNow(signer), *key);
}

// Hopso's pair with the token keys; returns milliseconds.
absl::StatusOr<double> TokenPair(server::signing::Pkcs11Module& module, const std::string& stored,
                                 const std::string& out, const Signer& chair,
                                 const Signer& secretary) {
  const std::string chair_out = out + ".chair.pdf";
  const Clock::time_point start = Clock::now();
  RETURN_IF_ERROR(TokenSign(module, stored, chair_out, kChairField, chair));
  RETURN_IF_ERROR(TokenSign(module, chair_out, out, kSecretaryField, secretary));
  return MsSince(start);
}

// podofosign's arguments for one signature: the block in the signer's
// rectangle (millimetres from the top-left corner, 1-based page) with the
// lines Hopso draws, 10 pt.
absl::StatusOr<std::vector<std::string>> PodofosignArgs(const std::string& in,
                                                        const std::string& out,
                                                        const std::string& field,
                                                        const Signer& signer) {
  const pdf::SignatureAppearance box = AppearanceNow(signer);
  ASSIGN_OR_RETURN(std::vector<std::string> lines, pdf::AppearanceLines(box));
  std::vector<std::string> args = {absl::GetFlag(FLAGS_podofosign), "-in", in, "-out", out};
  args.insert(args.end(), {"-cert", signer.cert_pem_path, "-pkey", signer.key_pem_path});
  args.insert(args.end(), {"-digest", "sha256", "-sigsize", "16384", "-field-name", field});
  args.insert(args.end(), {"-annot-units", "mm", "-annot-position",
                           absl::StrFormat("%d,%.2f,%.2f,%.2f,%.2f", box.page + 1, box.x / kPtPerMm,
                                           (kPageHeightPt - box.y - box.height) / kPtPerMm,
                                           box.width / kPtPerMm, box.height / kPtPerMm),
                           "-annot-print", "-annot-font",
                           absl::StrFormat("%.2f,000000,Times-Roman", 10 / kPtPerMm)});
  for (size_t i = 0; i < lines.size(); ++i) {
    args.push_back("-annot-text");
    args.push_back(
        absl::StrFormat("%.2f,%.2f,%s", 4 / kPtPerMm, (4 + 12.0 * i) / kPtPerMm, lines[i]));
  }
  return args;
}

absl::Status RunPodofosign(std::vector<std::string> args, const std::string& log_path) {
  // Unpinned here: the child inherits this thread's cpu.
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child,
                   ChildProcess::Spawn(std::move(args), -1, log_path));
  return child->Wait();
}

// The ceiling's pair as two processes; returns milliseconds. The argument
// lists are made before the clock starts.
absl::StatusOr<double> PodofosignPair(const std::string& stored, const std::string& out,
                                      const std::string& log_path, const Signer& chair,
                                      const Signer& secretary) {
  const std::string chair_out = out + ".chair.pdf";
  std::filesystem::remove(chair_out);
  std::filesystem::remove(out);
  ASSIGN_OR_RETURN(std::vector<std::string> first,
                   PodofosignArgs(stored, chair_out, kChairField, chair));
  ASSIGN_OR_RETURN(std::vector<std::string> second,
                   PodofosignArgs(chair_out, out, kSecretaryField, secretary));
  const Clock::time_point start = Clock::now();
  RETURN_IF_ERROR(RunPodofosign(std::move(first), log_path));
  RETURN_IF_ERROR(RunPodofosign(std::move(second), log_path));
  return MsSince(start);
}

// A pair's output must be `stored` with two updates appended, each with a
// signature: garbage or a rewritten file fails the benchmark.
absl::Status CheckPair(const std::string& stored_bytes, const std::string& out,
                       absl::string_view who) {
  ASSIGN_OR_RETURN(std::string chair, ReadFile(out + ".chair.pdf"));
  ASSIGN_OR_RETURN(std::string both, ReadFile(out));
  if (!absl::StartsWith(chair, stored_bytes) || !absl::StartsWith(both, chair) ||
      !absl::StrContains(chair.substr(stored_bytes.size()), "/ByteRange") ||
      !absl::StrContains(both.substr(chair.size()), "/ByteRange")) {
    return absl::InternalError(
        absl::StrCat(who, "'s signed files are not the stored PDF with two signed updates: ", out));
  }
  return absl::OkStatus();
}

// pdfsig's and qpdf's verdict on a pair's output, e.g. "2 of 2 valid,
// qpdf ok"; an error for Hopso's files unless both signatures are valid
// PAdES (ETSI.CAdES.detached) covering the whole document in the end.
absl::StatusOr<std::string> Verdict(const std::string& path, bool must_be_pades) {
  const pdf::testing::CommandResult pdfsig = RunCommand({"pdfsig", path}, true);
  const int valid = pdf::testing::CountOccurrences(pdfsig.output, "Signature is Valid.");
  std::string qpdf_output;
  const bool qpdf_ok = pdf::testing::QpdfCheck(path, &qpdf_output);
  if (must_be_pades && (valid != 2 || pdf::testing::CountOccurrences(pdfsig.output, "ETSI.CAdES.detached") != 2 ||
                        !absl::StrContains(pdfsig.output, "Total document signed") || !qpdf_ok)) {
    return absl::InternalError(
        absl::StrCat("the signatures of ", path, " do not hold:\n", pdfsig.output, qpdf_output));
  }
  return absl::StrCat(valid, " of 2 valid, qpdf ", qpdf_ok ? "ok" : "complains");
}

absl::Status RunBenchmark() {
  absl::StatusOr<std::string> scratch = MakeScratchDir("b6");
  if (!scratch.ok()) return scratch.status();
  const std::string tmp = *scratch;
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const int pages = absl::GetFlag(FLAGS_pages);
  const int cpu = absl::GetFlag(FLAGS_server_cpu);
  const std::string pinning =
      cpu >= 0 ? absl::StrCat("signers pinned to cpu ", cpu) : std::string("signers not pinned");

  absl::Status status = [&]() -> absl::Status {
    const Clock::time_point setup_start = Clock::now();
    ASSIGN_OR_RETURN(std::string stored,
                     MakeStoredPdf(tmp, pages, int64_t{absl::GetFlag(FLAGS_pdf_mb)} * 1'000'000));
    ASSIGN_OR_RETURN(std::string stored_bytes, ReadFile(stored));

    PkeyPtr ca_key = MakeRsaKey();
    X509Ptr ca = MakeCaCert("Hopso B6 Test CA", ca_key.get());
    // The signature blocks of the minutes' last page: chair right, secretary
    // left, below the photograph.
    Signer chair, secretary;
    chair.name = "Trương Quốc Việt";
    chair.role = "Chủ tọa";
    secretary.name = "Đặng Thùy Dương";
    secretary.role = "Thư ký";
    for (Signer* signer : {&chair, &secretary}) {
      signer->box.signer_name = signer->name;
      signer->box.role = signer->role;
      signer->box.place = "Quảng Nam";
      signer->box.page = pages - 1;
      signer->box.x = signer == &chair ? 330 : 85;
      signer->box.y = 70;
      signer->key = MakeRsaKey();
      signer->certificate = MakeSignerCert(signer->name, signer->key.get(), ca.get(), ca_key.get());
    }
    RETURN_IF_ERROR(PrepareLocalKey(tmp, "chair", chair));
    RETURN_IF_ERROR(PrepareLocalKey(tmp, "secretary", secretary));
    RETURN_IF_ERROR(server::signing::PrepareSoftHsm(tmp + "/tokens"));
    ASSIGN_OR_RETURN(std::unique_ptr<server::signing::Pkcs11Module> module,
                     server::signing::Pkcs11Module::Open(server::signing::kSoftHsmModule));
    RETURN_IF_ERROR(PrepareToken(*module, ca_key.get(), ca.get(), "b6-chair", chair));
    RETURN_IF_ERROR(PrepareToken(*module, ca_key.get(), ca.get(), "b6-secretary", secretary));
    const pdf::MinutesSpec minutes = MinutesOf21();

    absl::PrintF(
        "B6: a %d-page PDF of %.1f MB (text over a noise photograph per page, stored as "
        "ScreenUpload normalises it) signed by the chair, then the secretary, %d x (Hopso "
        "SignPdf, podofosign, SoftHSM2 token keys, minutes); set up in %.1f s; %s; files in %s\n",
        pages, stored_bytes.size() / kMB, rounds, MsSince(setup_start) / 1000, pinning, tmp);
    fflush(stdout);
    RETURN_IF_ERROR(PinThisThread(cpu));

    const std::string hopso_out = tmp + "/hopso.pdf";
    const std::string podofo_out = tmp + "/podofosign.pdf";
    const std::string token_out = tmp + "/token.pdf";
    const std::string minutes_out = tmp + "/minutes.pdf";
    const std::string podofo_log = tmp + "/podofosign.log";
    // Warm-up: page cache, fonts, the token's first login.
    RETURN_IF_ERROR(HopsoPair(stored, hopso_out, chair, secretary).status());
    RETURN_IF_ERROR(PodofosignPair(stored, podofo_out, podofo_log, chair, secretary).status());
    RETURN_IF_ERROR(TokenPair(*module, stored, token_out, chair, secretary).status());
    int minutes_pages = 0;
    {
      ASSIGN_OR_RETURN(pdf::MinutesLayout layout, pdf::WriteMinutes(minutes, minutes_out));
      minutes_pages = layout.pages;
    }

    std::vector<double> ratios, hopso_ms, podofo_ms, token_ms, minutes_ms;
    for (int round = 1; round <= rounds; ++round) {
      ASSIGN_OR_RETURN(double hopso, HopsoPair(stored, hopso_out, chair, secretary));
      ASSIGN_OR_RETURN(double podofo,
                       PodofosignPair(stored, podofo_out, podofo_log, chair, secretary));
      ASSIGN_OR_RETURN(double token, TokenPair(*module, stored, token_out, chair, secretary));
      const Clock::time_point minutes_start = Clock::now();
      RETURN_IF_ERROR(pdf::WriteMinutes(minutes, minutes_out).status());
      const double minutes_time = MsSince(minutes_start);
      RETURN_IF_ERROR(CheckPair(stored_bytes, hopso_out, "Hopso"));
      RETURN_IF_ERROR(CheckPair(stored_bytes, podofo_out, "podofosign"));
      RETURN_IF_ERROR(CheckPair(stored_bytes, token_out, "the token pair"));
      const double ratio = hopso / podofo;
      absl::PrintF(
          "B6 round %d: Hopso %.0f ms per pair | podofosign %.0f ms | ratio %.2f | token keys "
          "%.0f ms | minutes %.1f ms\n",
          round, hopso, podofo, ratio, token, minutes_time);
      fflush(stdout);
      ratios.push_back(ratio);
      hopso_ms.push_back(hopso);
      podofo_ms.push_back(podofo);
      token_ms.push_back(token);
      minutes_ms.push_back(minutes_time);
    }

    ASSIGN_OR_RETURN(std::string hopso_verdict, Verdict(hopso_out, true));
    ASSIGN_OR_RETURN(std::string token_verdict, Verdict(token_out, true));
    ASSIGN_OR_RETURN(std::string podofo_verdict, Verdict(podofo_out, false));
    absl::PrintF("B6 checks (pdfsig, qpdf --check): Hopso %s; token keys %s; podofosign %s\n",
                 hopso_verdict, token_verdict, podofo_verdict);
    absl::PrintF(
        "B6 ratio=%.2f min=%.2f max=%.2f minutes_ms=%.1f | a %d-page %.1f MB PDF signed by the "
        "chair, then the secretary (PAdES B-B, visible Vietnamese blocks, RSA-2048): %.0f ms "
        "per pair vs podofosign %.0f ms (two processes); with SoftHSM2 token keys %.0f ms "
        "(ratio %.2f); minutes of 21 members, 8 items, 16 polls (%d pages) in %.1f ms (%s)\n",
        Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
        *std::max_element(ratios.begin(), ratios.end()), Median(minutes_ms), pages,
        stored_bytes.size() / kMB, Median(hopso_ms), Median(podofo_ms), Median(token_ms),
        Median(token_ms) / Median(podofo_ms), minutes_pages, Median(minutes_ms), pinning);
    return absl::OkStatus();
  }();
  if (status.ok() && !absl::GetFlag(FLAGS_keep_data)) std::filesystem::remove_all(tmp);
  return status;
}

}  // namespace
}  // namespace hopso::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return hopso::bench::ExitCode("bench_b6", hopso::bench::RunBenchmark());
}
