// Document and QR code commands: upload, download, documents, versions,
// attach, confidential, qr, resolve, handout, poster.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/ctl/client.h"
#include "server/ctl/command.h"
#include "server/ctl/exit_status.h"
#include "server/ctl/flags.h"
#include "server/ctl/format.h"
#include "server/ctl/transfer.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"

namespace hopso::ctl {
namespace {

using DocumentStub = v1::DocumentService::Stub;

constexpr int kMaxChunkKib = 4096;  // the server takes chunks up to 4 MiB

// The raw SHA-256 named by --version (64 hex digits), empty when not given.
absl::StatusOr<std::string> VersionFlag() {
  const std::string hex = absl::GetFlag(FLAGS_version);
  if (hex.empty()) return std::string();
  if (hex.size() != 64 || !std::all_of(hex.begin(), hex.end(), absl::ascii_isxdigit)) {
    return UsageError(
        absl::StrCat("--version: \"", hex, "\" is not a SHA-256 (64 hex digits, see `versions`)"));
  }
  return absl::HexStringToBytes(hex);
}

// "v2<TAB>sha256<TAB>N bytes<TAB>P pages<TAB>file<TAB>time[<TAB>signed][<TAB>(current)]".
std::string VersionLine(const v1::DocumentVersion& v, bool current) {
  std::vector<std::string> fields = {absl::StrCat("v", v.number()),
                                     server::HexEncode(v.sha256()),
                                     absl::StrCat(v.size_bytes(), " bytes"),
                                     absl::StrCat(v.page_count(), " pages"),
                                     v.filename(),
                                     FormatMeetingTime(v.create_time().unix_micros())};
  if (v.signed_()) fields.push_back("signed");
  if (current) fields.push_back("(current)");
  return absl::StrJoin(fields, "\t");
}

// A header line "id<TAB>title<TAB>item or -<TAB>confidential" and, when
// `with_versions`, one indented line per version, newest first.
std::string DocumentText(const v1::Document& d, bool with_versions) {
  std::string text = absl::StrCat(
      absl::StrJoin({d.id(), d.title(), d.agenda_item_id().empty() ? "-" : d.agenda_item_id(),
                     d.confidential() ? absl::StrCat("confidential (mật): ",
                                                     absl::StrJoin(d.allowed_user_ids(), ","))
                                      : std::string("open")},
                    "\t"),
      "\n");
  if (!with_versions) return text;
  for (int i = 0; i < d.versions_size(); ++i) {
    absl::StrAppend(&text, "  ", VersionLine(d.versions(i), i == 0), "\n");
  }
  return text;
}

// What `upload`, `handout` and `poster` print: "id<TAB>vN<TAB>P pages<TAB>sha256".
std::string StoredLine(const v1::Document& d) {
  if (d.versions().empty()) return absl::StrCat(d.id(), "\n");
  const v1::DocumentVersion& v = d.versions(0);
  return absl::StrCat(d.id(), "\tv", v.number(), "\t", v.page_count(), " pages\t",
                      server::HexEncode(v.sha256()), "\n");
}

absl::Status Upload() {
  const int chunk_kib = absl::GetFlag(FLAGS_chunk_kib);
  if (chunk_kib < 1 || chunk_kib > kMaxChunkKib) {
    return UsageError(absl::StrCat("--chunk_kib: 1 to ", kMaxChunkKib));
  }
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  const UploadSpec spec{.path = absl::GetFlag(FLAGS_file),
                        .meeting_id = absl::GetFlag(FLAGS_meeting),
                        .agenda_item_id = absl::GetFlag(FLAGS_item),
                        .document_id = absl::GetFlag(FLAGS_document),
                        .title = absl::GetFlag(FLAGS_title),
                        .chunk_bytes = int64_t{chunk_kib} << 10,
                        .show_progress = true};
  ASSIGN_OR_RETURN(v1::Document document, UploadFile(client, spec));
  std::cout << StoredLine(document);
  return absl::OkStatus();
}

absl::Status DownloadTo(const Client& client, const std::string& document_id,
                        const std::string& sha256, const std::string& path) {
  ASSIGN_OR_RETURN(DownloadedFile file,
                   DownloadFile(client, document_id, sha256, path, /*show_progress=*/true));
  std::cout << path << "\t" << file.size_bytes << " bytes\t" << server::HexEncode(file.sha256)
            << "\n";
  return absl::OkStatus();
}

absl::Status Download() {
  ASSIGN_OR_RETURN(std::string sha256, VersionFlag());
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  return DownloadTo(client, absl::GetFlag(FLAGS_document), sha256, absl::GetFlag(FLAGS_out));
}

absl::Status ListDocuments() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ListDocumentsRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  return client.ForEachPage(&DocumentStub::ListDocuments, request,
                            [](const v1::ListDocumentsResponse& page) {
                              for (const v1::Document& d : page.documents()) {
                                std::cout << DocumentText(d, /*with_versions=*/true);
                              }
                            });
}

absl::Status ListVersions() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetDocumentRequest request;
  request.set_id(absl::GetFlag(FLAGS_document));
  ASSIGN_OR_RETURN(v1::Document d, client.Call(&DocumentStub::GetDocument, request));
  for (int i = 0; i < d.versions_size(); ++i) {
    std::cout << VersionLine(d.versions(i), i == 0) << "\n";
  }
  return absl::OkStatus();
}

absl::Status Attach() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::AttachDocumentRequest request;
  request.set_document_id(absl::GetFlag(FLAGS_document));
  request.set_agenda_item_id(absl::GetFlag(FLAGS_item));
  ASSIGN_OR_RETURN(v1::Document d, client.Call(&DocumentStub::AttachDocument, request));
  std::cout << DocumentText(d, /*with_versions=*/false);
  return absl::OkStatus();
}

absl::Status SetConfidential() {
  const bool off = absl::GetFlag(FLAGS_off);
  const std::string allow = absl::GetFlag(FLAGS_allow);
  if (off && !allow.empty()) return UsageError("--off and --allow exclude each other");
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::SetConfidentialityRequest request;
  request.set_document_id(absl::GetFlag(FLAGS_document));
  request.set_confidential(!off);
  for (absl::string_view user : absl::StrSplit(allow, ',', absl::SkipWhitespace())) {
    request.add_allowed_user_ids(std::string(absl::StripAsciiWhitespace(user)));
  }
  ASSIGN_OR_RETURN(v1::Document d, client.Call(&DocumentStub::SetConfidentiality, request));
  std::cout << DocumentText(d, /*with_versions=*/false);
  return absl::OkStatus();
}

absl::Status QrCode() {
  ASSIGN_OR_RETURN(std::string sha256, VersionFlag());
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::GetQrCodeRequest request;
  request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
  request.set_agenda_item_id(absl::GetFlag(FLAGS_item));
  request.set_document_id(absl::GetFlag(FLAGS_document));
  request.set_sha256(sha256);
  request.set_page(absl::GetFlag(FLAGS_page));
  ASSIGN_OR_RETURN(v1::QrCode qr, client.Call(&DocumentStub::GetQrCode, request));
  std::cout << qr.code() << "\t" << qr.payload() << "\n";
  return absl::OkStatus();
}

absl::Status Resolve() {
  ASSIGN_OR_RETURN(Client client, Client::FromFlags());
  v1::ResolveQrRequest request;
  request.set_payload(absl::GetFlag(FLAGS_payload));
  ASSIGN_OR_RETURN(v1::QrTarget target, client.Call(&DocumentStub::ResolveQr, request));
  std::cout << "meeting:  " << target.meeting_id() << "\n";
  if (!target.agenda_item_id().empty()) {
    std::cout << "item:     " << target.agenda_item_id() << "\n";
  }
  if (!target.document_id().empty()) std::cout << "document: " << target.document_id() << "\n";
  if (!target.sha256().empty()) {
    std::cout << "version:  " << server::HexEncode(target.sha256()) << "\n";
  }
  if (target.page() > 0) std::cout << "page:     " << target.page() << "\n";
  std::cout << "title:    " << target.title() << "\n";
  return absl::OkStatus();
}

using GenerateMethod = grpc::Status (DocumentStub::*)(grpc::ClientContext*,
                                                      const v1::GenerateMeetingPdfRequest&,
                                                      v1::Document*);

std::function<absl::Status()> GenerateAndDownload(GenerateMethod method) {
  return [method]() -> absl::Status {
    ASSIGN_OR_RETURN(Client client, Client::FromFlags());
    v1::GenerateMeetingPdfRequest request;
    request.set_meeting_id(absl::GetFlag(FLAGS_meeting));
    ASSIGN_OR_RETURN(v1::Document d, client.Call(method, request));
    if (d.versions().empty()) return absl::InternalError("the generated document has no version");
    std::cout << StoredLine(d);
    return DownloadTo(client, d.id(), d.versions(0).sha256(), absl::GetFlag(FLAGS_out));
  };
}

}  // namespace

std::vector<Command> DocumentCommands() {
  return {
      {.name = "upload",
       .summary = "upload a document to a meeting or agenda item, or a new version with "
                  "--document (secretary); the same command again resumes an interrupted "
                  "upload; prints id, version, pages, sha256",
       .required = {"meeting", "title", "file"},
       .optional = {"item", "document", "chunk_kib"},
       .run = Upload},
      {.name = "download",
       .summary = "download a document (its current version, or --version) to --out, "
                  "resuming from --out.part and checking the SHA-256",
       .required = {"document", "out"},
       .optional = {"version"},
       .run = Download},
      {.name = "documents",
       .summary = "a meeting's documents you may see, each with its versions (newest first)",
       .required = {"meeting"},
       .run = ListDocuments},
      {.name = "versions",
       .summary = "a document's versions: number, sha256, size, pages, file, time",
       .required = {"document"},
       .run = ListVersions},
      {.name = "attach",
       .summary = "attach a document to an agenda item (--item= : the meeting as a whole; "
                  "secretary)",
       .required = {"document", "item"},
       .run = Attach},
      {.name = "confidential",
       .summary = "make a document confidential (tài liệu mật), visible to the secretaries "
                  "and --allow users only, or visible to all again with --off (secretary)",
       .required = {"document"},
       .optional = {"allow", "off"},
       .run = SetConfidential},
      {.name = "qr",
       .summary = "the QR code of a meeting, agenda item or document version (at --page): "
                  "code, payload",
       .required = {"meeting"},
       .optional = {"item", "document", "version", "page"},
       .run = QrCode},
      {.name = "resolve",
       .summary = "what a scanned QR payload (or bare code) points to",
       .required = {"payload"},
       .run = Resolve,
       .arguments = {"payload"}},
      {.name = "handout",
       .summary = "generate the meeting's agenda handout with QR codes and download it to "
                  "--out (secretary)",
       .required = {"meeting", "out"},
       .run = GenerateAndDownload(&DocumentStub::GenerateHandout)},
      {.name = "poster",
       .summary = "generate the meeting room's poster with its QR code and download it to "
                  "--out (secretary)",
       .required = {"meeting", "out"},
       .run = GenerateAndDownload(&DocumentStub::GeneratePoster)},
  };
}

}  // namespace hopso::ctl
