#include "server/ctl/demo_documents.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pdf/meeting_pdfs.h"
#include "server/ctl/files.h"
#include "server/ctl/transfer.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

extern char** environ;

namespace hopso::ctl {
namespace {

using DocumentStub = v1::DocumentService::Stub;

constexpr char kUbnd[] = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM";
constexpr char kDate[] = "Quảng Nam, ngày 20 tháng 11 năm 2026";

// One generated PDF of the demo and where it goes.
struct DemoPdf {
  const char* file;
  const char* title;  // the document's title in Hopso
  pdf::DemoDocSpec spec;
  absl::string_view item;  // agenda item title; empty: the meeting as a whole
};

DemoPdf ToTrinh() {
  return {"to_trinh_du_toan_ngan_sach_2027.pdf",
          "Tờ trình về dự toán ngân sách tỉnh năm 2027",
          {.header = {.organisation = kUbnd, .number = "Số: 215/TTr-UBND", .place_and_date = kDate},
           .kind = pdf::DemoDocKind::kToTrinh,
           .title = "Về dự toán thu ngân sách nhà nước trên địa bàn, thu, chi ngân sách địa "
                    "phương tỉnh Quảng Nam năm 2027",
           .pages = 6,
           .seed_lines = {},
           .signer_name = "Phan Minh Khoa"},
          kBudgetItem};
}

// The same Tờ trình after the budget committee's review: a new version.
DemoPdf ToTrinhRevised() {
  DemoPdf revised = ToTrinh();
  revised.file = "to_trinh_du_toan_ngan_sach_2027_chinh_ly.pdf";
  revised.spec.header.place_and_date = "Quảng Nam, ngày 28 tháng 11 năm 2026";
  revised.spec.seed_lines = {
      "(Bản chỉnh lý sau khi tiếp thu ý kiến thẩm tra của Ban Kinh tế - Ngân sách Hội đồng nhân "
      "dân tỉnh ngày 27 tháng 11 năm 2026: tổng chi cân đối ngân sách địa phương điều chỉnh "
      "tăng 42,5 tỷ đồng cho sự nghiệp giáo dục và y tế cơ sở.)"};
  return revised;
}

DemoPdf BaoCao() {
  return {"bao_cao_kinh_te_xa_hoi_2026.pdf",
          "Báo cáo tình hình kinh tế – xã hội năm 2026",
          {.header = {.organisation = kUbnd, .number = "Số: 318/BC-UBND", .place_and_date = kDate},
           .kind = pdf::DemoDocKind::kBaoCao,
           .title = "Tình hình kinh tế - xã hội năm 2026, nhiệm vụ và giải pháp năm 2027",
           .pages = 10,
           .seed_lines = {},
           .signer_name = "Phan Minh Khoa"},
          kReportItem};
}

DemoPdf DuThaoNghiQuyet() {
  return {"du_thao_nghi_quyet_sap_xep_don_vi_hanh_chinh.pdf",
          kConfidentialTitle.data(),
          {.header = {.organisation = "HỘI ĐỒNG NHÂN DÂN TỈNH QUẢNG NAM",
                      .number = "Số:      /NQ-HĐND",
                      .place_and_date = "Quảng Nam, ngày      tháng 12 năm 2026"},
           .kind = pdf::DemoDocKind::kDuThaoNghiQuyet,
           .title = "Về việc sắp xếp đơn vị hành chính cấp xã giai đoạn 2026 - 2030 trên địa "
                    "bàn tỉnh Quảng Nam",
           .pages = 4,
           .seed_lines = {},
           .signer_role = "TM. HỘI ĐỒNG NHÂN DÂN\nCHỦ TỊCH",
           .signer_name = "Lê Thị Thu Hà"},
          ""};
}

constexpr char kWordTitle[] = "Kế hoạch tổ chức các hoạt động mừng Đảng, mừng Xuân Đinh Mùi 2027";
constexpr char kWordFile[] = "ke_hoach_mung_dang_mung_xuan_2027.odt";

// A flat OpenDocument text (one XML file), which soffice turns into a
// regular .odt: the kind of file a department sends in.
constexpr char kWordFlatOdt[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text>
<text:p>ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM</text:p>
<text:p>Số: 402/KH-UBND</text:p>
<text:h text:outline-level="1">KẾ HOẠCH</text:h>
<text:p>Tổ chức các hoạt động mừng Đảng, mừng Xuân Đinh Mùi 2027</text:p>
<text:p>I. MỤC ĐÍCH, YÊU CẦU</text:p>
<text:p>Tổ chức chu đáo, tiết kiệm các hoạt động chào mừng kỷ niệm 97 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2027) và đón Tết Nguyên đán Đinh Mùi 2027; bảo đảm mọi người, mọi nhà đều được vui Xuân, đón Tết.</text:p>
<text:p>II. NỘI DUNG HOẠT ĐỘNG</text:p>
<text:p>1. Thăm hỏi, tặng quà gia đình chính sách, người có công, hộ nghèo, hộ cận nghèo trên địa bàn tỉnh.</text:p>
<text:p>2. Tổ chức chương trình nghệ thuật "Mừng Đảng - Mừng Xuân" tại Quảng trường 24 tháng 3, thành phố Tam Kỳ.</text:p>
<text:p>3. Bảo đảm an ninh trật tự, an toàn giao thông, phòng chống cháy nổ trong dịp Tết.</text:p>
<text:p>III. TỔ CHỨC THỰC HIỆN</text:p>
<text:p>Giao Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố triển khai thực hiện Kế hoạch này.</text:p>
</office:text></office:body>
</office:document>
)";

// The installed program `name` found on $PATH, if any.
std::optional<std::string> FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/", name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// Runs soffice to convert `input` to `format` in `dir`, with a profile of its
// own so that it never waits on another LibreOffice (such as the server's).
absl::Status RunSoffice(const std::string& soffice, const std::string& dir,
                        const std::string& input, const std::string& format) {
  const std::string profile = absl::StrCat("-env:UserInstallation=file://", dir, "/profile");
  std::vector<std::string> args = {soffice, "--headless", "--norestore", profile, "--convert-to",
                                   format,  "--outdir",   dir,           input};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // soffice reports on stdout: keep it out of the transcript.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  const int error = posix_spawn(&pid, soffice.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::UnavailableError(absl::StrCat("cannot run ", soffice, ": ", std::strerror(error)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::UnavailableError("waitpid on soffice failed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::UnavailableError(
        absl::StrCat("soffice --convert-to ", format, " ", input, " failed (status ", status, ")"));
  }
  return absl::OkStatus();
}

// A fresh directory for the generated files, removed with everything in it
// when this goes out of scope.
class ScratchDir {
 public:
  static absl::StatusOr<ScratchDir> Create() {
    std::error_code error;
    std::string pattern =
        (std::filesystem::temp_directory_path(error) / "hopso-demo-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("cannot create ", pattern, ": ", std::strerror(errno)));
    }
    return ScratchDir(std::move(pattern));
  }
  ScratchDir(ScratchDir&& other) : path_(std::move(other.path_)) { other.path_.clear(); }
  ~ScratchDir() {
    std::error_code error;
    if (!path_.empty()) std::filesystem::remove_all(path_, error);
  }
  std::string File(absl::string_view name) const { return absl::StrCat(path_, "/", name); }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The demo's view of the meeting: its agenda items by title and id, the
// chair, and the documents already there by title.
struct MeetingView {
  absl::flat_hash_map<std::string, v1::AgendaItem> items_by_title;
  absl::flat_hash_map<std::string, v1::AgendaItem> items_by_id;
  std::string chair_user_id;
  absl::flat_hash_map<std::string, v1::Document> documents;
};

absl::StatusOr<MeetingView> ViewMeeting(const Client& secretary, const std::string& meeting_id) {
  MeetingView view;
  v1::GetAgendaRequest get_agenda;
  get_agenda.set_meeting_id(meeting_id);
  ASSIGN_OR_RETURN(v1::Agenda agenda,
                   secretary.Call(&v1::MeetingService::Stub::GetAgenda, get_agenda));
  for (const v1::AgendaItem& item : agenda.items()) {
    view.items_by_title[item.title()] = item;
    view.items_by_id[item.id()] = item;
  }
  v1::ListParticipantsRequest list;
  list.set_meeting_id(meeting_id);
  RETURN_IF_ERROR(secretary.ForEachPage(&v1::MeetingService::Stub::ListParticipants, list,
                                        [&](const v1::ListParticipantsResponse& page) {
                                          for (const v1::Participant& p : page.participants()) {
                                            if (p.role() == v1::MEETING_ROLE_CHAIR) {
                                              view.chair_user_id = p.user_id();
                                            }
                                          }
                                        }));
  if (view.chair_user_id.empty()) return absl::NotFoundError("the demo meeting has no chair");
  ASSIGN_OR_RETURN(std::vector<v1::Document> documents, ListAllDocuments(secretary, meeting_id));
  for (v1::Document& d : documents) view.documents[d.title()] = std::move(d);
  return view;
}

absl::StatusOr<std::string> ItemId(const MeetingView& view, absl::string_view title) {
  if (title.empty()) return std::string();
  auto it = view.items_by_title.find(title);
  if (it == view.items_by_title.end()) {
    return absl::NotFoundError(absl::StrCat("the demo agenda has no item \"", title, "\""));
  }
  return it->second.id();
}

// "mục 2.2" for an item, "cả phiên họp" for the meeting as a whole.
std::string Where(const MeetingView& view, const std::string& item_id) {
  if (item_id.empty()) return "cả phiên họp / the whole meeting";
  auto it = view.items_by_id.find(item_id);
  return absl::StrCat("mục / item ", it == view.items_by_id.end() ? item_id : it->second.number());
}

// "6 trang, v1, sha256 3fa2c1d0…".
std::string Stored(const v1::Document& d) {
  if (d.versions().empty()) return "no version";
  const v1::DocumentVersion& v = d.versions(0);
  return absl::StrCat(v.page_count(), " trang / pages, v", v.number(), ", sha256 ",
                      server::HexEncode(v.sha256()).substr(0, 16), "…");
}

absl::StatusOr<UploadSpec> SpecFor(const MeetingView& view, const std::string& meeting_id,
                                   const ScratchDir& dir, const DemoPdf& demo) {
  const std::string path = dir.File(demo.file);
  RETURN_IF_ERROR(pdf::WriteDemoDocument(demo.spec, path));
  ASSIGN_OR_RETURN(std::string item_id, ItemId(view, demo.item));
  return UploadSpec{
      .path = path, .meeting_id = meeting_id, .agenda_item_id = item_id, .title = demo.title};
}

// Uploads `demo` in one go unless the meeting already has a document of
// that title (a second run of the demo adds nothing).
absl::Status UploadIfMissing(const Client& secretary, const std::string& meeting_id,
                             MeetingView& view, const ScratchDir& dir, const DemoPdf& demo,
                             Transcript& transcript) {
  if (view.documents.contains(demo.title)) return absl::OkStatus();
  ASSIGN_OR_RETURN(UploadSpec spec, SpecFor(view, meeting_id, dir, demo));
  ASSIGN_OR_RETURN(v1::Document d, UploadFile(secretary, spec));
  transcript.Say(absl::StrCat("Thư ký tải lên / uploads \"", d.title(), "\" → ",
                              Where(view, d.agenda_item_id()), " (", Stored(d), ")"));
  view.documents[d.title()] = d;
  return absl::OkStatus();
}

absl::Status UploadToTrinh(const Client& secretary, const std::string& meeting_id,
                           MeetingView& view, const ScratchDir& dir, Transcript& transcript) {
  const DemoPdf first = ToTrinh();
  RETURN_IF_ERROR(UploadIfMissing(secretary, meeting_id, view, dir, first, transcript));
  const v1::Document& current = view.documents[first.title];
  if (current.versions_size() >= 2) return absl::OkStatus();
  ASSIGN_OR_RETURN(UploadSpec spec, SpecFor(view, meeting_id, dir, ToTrinhRevised()));
  spec.document_id = current.id();
  ASSIGN_OR_RETURN(v1::Document d, UploadFile(secretary, spec));
  transcript.Say(absl::StrCat("Thư ký tải lên bản chỉnh lý / uploads a corrected version of \"",
                              d.title(), "\": ", Stored(d), "; v1 is kept (", d.versions_size(),
                              " versions)"));
  view.documents[d.title()] = d;
  return absl::OkStatus();
}

absl::Status UploadBaoCao(const Client& secretary, const std::string& meeting_id, MeetingView& view,
                          const ScratchDir& dir, Transcript& transcript) {
  const DemoPdf demo = BaoCao();
  if (view.documents.contains(demo.title)) return absl::OkStatus();
  ASSIGN_OR_RETURN(UploadSpec spec, SpecFor(view, meeting_id, dir, demo));
  spec.chunk_bytes = 16 << 10;
  ASSIGN_OR_RETURN(PendingUpload upload, StartFileUpload(secretary, spec));
  if (upload.received_bytes == 0) {
    const int64_t half = upload.size_bytes / 2;
    ASSIGN_OR_RETURN(v1::UploadState state, SendFileBytes(secretary, upload, 0, half));
    transcript.Say(absl::StrCat("Thư ký tải lên / uploads \"", demo.title,
                                "\": the stream stops at ", state.received_bytes(), " of ",
                                upload.size_bytes, " bytes (mất kết nối / connection lost)"));
  }
  int64_t resumed_from = 0;
  ASSIGN_OR_RETURN(v1::Document d, FinishFileUpload(secretary, upload, &resumed_from));
  transcript.Say(absl::StrCat("  tải tiếp / resumes from byte ", resumed_from, " → ",
                              Where(view, d.agenda_item_id()), " (", Stored(d), ")"));
  view.documents[d.title()] = d;
  return absl::OkStatus();
}

absl::Status UploadDuThao(const Client& secretary, const std::string& meeting_id, MeetingView& view,
                          const ScratchDir& dir, Transcript& transcript) {
  const DemoPdf demo = DuThaoNghiQuyet();
  RETURN_IF_ERROR(UploadIfMissing(secretary, meeting_id, view, dir, demo, transcript));
  v1::Document& d = view.documents[demo.title];
  ASSIGN_OR_RETURN(std::string item_id, ItemId(view, kRestructuringItem));
  if (d.agenda_item_id() != item_id) {
    v1::AttachDocumentRequest attach;
    attach.set_document_id(d.id());
    attach.set_agenda_item_id(item_id);
    ASSIGN_OR_RETURN(d, secretary.Call(&DocumentStub::AttachDocument, attach));
    transcript.Say(absl::StrCat("  gắn vào / attaches it to ", Where(view, d.agenda_item_id())));
  }
  if (!d.confidential()) {
    v1::SetConfidentialityRequest secret;
    secret.set_document_id(d.id());
    secret.set_confidential(true);
    secret.add_allowed_user_ids(view.chair_user_id);
    ASSIGN_OR_RETURN(d, secretary.Call(&DocumentStub::SetConfidentiality, secret));
    transcript.Say(
        "  đánh dấu tài liệu mật / marks it confidential: the secretaries and the chair "
        "only");
  }
  return absl::OkStatus();
}

absl::Status UploadWordFile(const Client& secretary, const std::string& meeting_id,
                            MeetingView& view, const ScratchDir& dir, Transcript& transcript) {
  if (view.documents.contains(kWordTitle)) return absl::OkStatus();
  const std::optional<std::string> soffice = FindOnPath("soffice");
  if (!soffice) {
    transcript.Say(absl::StrCat("Bỏ qua tệp Word / Word conversion skipped for \"", kWordTitle,
                                "\": LibreOffice is not installed (soffice is not on PATH; "
                                "package libreoffice-writer-nogui)"));
    return absl::OkStatus();
  }
  const std::string flat = dir.File("ke_hoach_mung_dang_mung_xuan_2027.fodt");
  RETURN_IF_ERROR(WriteFile(flat, kWordFlatOdt));
  RETURN_IF_ERROR(RunSoffice(*soffice, dir.path(), flat, "odt"));
  ASSIGN_OR_RETURN(std::string item_id, ItemId(view, kTetItem));
  absl::StatusOr<v1::Document> uploaded = UploadFile(secretary, {.path = dir.File(kWordFile),
                                                                 .meeting_id = meeting_id,
                                                                 .agenda_item_id = item_id,
                                                                 .title = kWordTitle});
  // LibreOffice here does not mean LibreOffice on the server's machine.
  if (absl::IsFailedPrecondition(uploaded.status())) {
    transcript.Say(absl::StrCat("Bỏ qua tệp Word / Word conversion skipped for \"", kWordTitle,
                                "\": ", uploaded.status().message()));
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(uploaded.status());
  const v1::Document& d = *uploaded;
  transcript.Say(absl::StrCat("Thư ký tải lên tệp văn bản / uploads the word-processor file ",
                              kWordFile, " as \"", d.title(),
                              "\", converted to PDF by the server → ",
                              Where(view, d.agenda_item_id()), " (", Stored(d), ")"));
  view.documents[d.title()] = d;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::Document>> ListAllDocuments(const Client& client,
                                                           const std::string& meeting_id) {
  std::vector<v1::Document> documents;
  v1::ListDocumentsRequest request;
  request.set_meeting_id(meeting_id);
  RETURN_IF_ERROR(client.ForEachPage(&DocumentStub::ListDocuments, request,
                                     [&](const v1::ListDocumentsResponse& page) {
                                       for (const v1::Document& d : page.documents()) {
                                         documents.push_back(d);
                                       }
                                     }));
  return documents;
}

absl::Status UploadDemoDocuments(const Client& secretary, const std::string& meeting_id,
                                 Transcript& transcript) {
  ASSIGN_OR_RETURN(MeetingView view, ViewMeeting(secretary, meeting_id));
  ASSIGN_OR_RETURN(ScratchDir dir, ScratchDir::Create());
  RETURN_IF_ERROR(UploadToTrinh(secretary, meeting_id, view, dir, transcript));
  RETURN_IF_ERROR(UploadBaoCao(secretary, meeting_id, view, dir, transcript));
  RETURN_IF_ERROR(UploadDuThao(secretary, meeting_id, view, dir, transcript));
  return UploadWordFile(secretary, meeting_id, view, dir, transcript);
}

}  // namespace hopso::ctl
