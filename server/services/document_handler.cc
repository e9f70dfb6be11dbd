#include "server/services/document_handler.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "pdf/meeting_pdfs.h"
#include "server/domain/agenda.h"
#include "server/services/meeting_handler.h"
#include "server/services/paging.h"
#include "server/services/vietnamese_dates.h"
#include "server/util/random_id.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

extern char** environ;

namespace hopso::server {
namespace {

constexpr absl::string_view kQrPrefix = "HOPSO:";
constexpr size_t kQrCodeChars = 12;
constexpr size_t kQrHashHexChars = 8;

bool CanSee(const v1::Document& d, const Caller& c, v1::MeetingRole role) {
  if (!d.confidential() || role == v1::MEETING_ROLE_SECRETARY) return true;
  return std::find(d.allowed_user_ids().begin(), d.allowed_user_ids().end(), c.user_id) !=
         d.allowed_user_ids().end();
}

// The same answer whether the document is missing or hidden from the caller.
absl::Status DocumentNotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("document ", id, " was not found"));
}

absl::Status QrNotFound() {
  return absl::NotFoundError("this QR code was not found, or you may not see what it points to");
}

absl::Status CheckAgendaItem(Transaction& tx, absl::string_view meeting_id,
                             absl::string_view item_id) {
  if (item_id.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, tx.ListAgendaItems(meeting_id));
  for (const v1::AgendaItem& item : items) {
    if (item.id() == item_id) return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("agenda item ", item_id, " is not in this meeting"));
}

absl::Status RecordDocumentEvent(Transaction& tx, const Caller& c, const v1::Document& d,
                                 v1::DocumentChanged::Change change) {
  v1::EventBody body;
  v1::DocumentChanged* changed = body.mutable_document_changed();
  changed->set_change(change);
  changed->set_document_id(d.id());
  changed->set_confidential(d.confidential());
  // A confidential document shows in the shared log only as its id.
  if (!d.confidential()) {
    changed->set_agenda_item_id(d.agenda_item_id());
    changed->set_title(d.title());
    if (d.versions_size() > 0) changed->set_sha256(d.versions(0).sha256());
  }
  return tx.AppendEvent(d.meeting_id(), c.user_id, absl::ToUnixMicros(absl::Now()), body).status();
}

bool ValidUploadId(absl::string_view id) {
  return id.size() >= 16 && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char ch) {
           return absl::ascii_isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
         });
}

bool IsWordFile(absl::string_view filename) {
  const std::string lower = absl::AsciiStrToLower(filename);
  for (absl::string_view ext : {".docx", ".doc", ".odt", ".rtf"}) {
    if (absl::EndsWith(lower, ext)) return true;
  }
  return false;
}

std::string FindOnPath(absl::string_view program) {
  const char* path = getenv("PATH");
  if (path == nullptr) return "";
  for (absl::string_view dir : absl::StrSplit(path, ':')) {
    std::string candidate = absl::StrCat(dir, "/", program);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Converts a Word or OpenDocument file to PDF with LibreOffice, in its own
// process with its own profile, under coreutils' timeout.
absl::StatusOr<std::string> ConvertToPdf(const std::string& input, absl::string_view filename,
                                         absl::Duration timeout) {
  const std::string soffice = FindOnPath("soffice");
  if (soffice.empty()) {
    return absl::FailedPreconditionError(
        "Word and OpenDocument files need LibreOffice on the server: install the Debian package "
        "libreoffice-writer-nogui, or upload a PDF");
  }
  const std::string work = input + ".convert";
  std::error_code ec;
  std::filesystem::create_directories(work + "/profile", ec);
  const std::string ext = std::string(filename.substr(filename.rfind('.')));
  const std::string source = work + "/document" + absl::AsciiStrToLower(ext);
  std::filesystem::copy_file(input, source, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot prepare the conversion: ", ec.message()));
  const std::string seconds = absl::StrCat(absl::ToInt64Seconds(timeout));
  const std::string profile = "-env:UserInstallation=file://" + work + "/profile";
  std::vector<std::string> args = {"timeout", "-s", "KILL", seconds, soffice, "--headless",
                                   "--norestore", profile, "--convert-to", "pdf", "--outdir",
                                   work, source};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, "timeout", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return absl::UnavailableError(absl::StrCat("cannot start LibreOffice: ", std::strerror(rc)));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string output = work + "/document.pdf";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !std::filesystem::exists(output)) {
    return absl::InvalidArgumentError(
        "LibreOffice could not convert the file to PDF (damaged, or it took too long)");
  }
  return output;
}

void RemoveQuietly(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace

absl::StatusOr<std::pair<v1::Document, MeetingAccess>> VisibleDocument(
    Transaction& tx, const Caller& c, absl::string_view rpc, absl::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("document_id is required");
  absl::StatusOr<v1::Document> doc = tx.GetDocument(id);
  if (absl::IsNotFound(doc.status())) return DocumentNotFound(id);
  RETURN_IF_ERROR(doc.status());
  // Who may see it is decided first, so that PERMISSION_DENIED below never
  // tells an outsider that the document exists.
  ASSIGN_OR_RETURN(MeetingAccess access, LoadMeetingAccess(tx, c, doc->meeting_id()));
  if (!CheckMeetingAction("GetDocument", access.role, access.meeting.state()).ok() ||
      !CanSee(*doc, c, access.role)) {
    return DocumentNotFound(id);
  }
  RETURN_IF_ERROR(CheckMeetingAction(rpc, access.role, access.meeting.state()));
  return std::make_pair(*std::move(doc), std::move(access));
}

DocumentHandler::DocumentHandler(Store& store, BlobStore& blobs, DocumentOptions options)
    : store_(store), blobs_(blobs), options_(std::move(options)) {}

std::string DocumentHandler::UploadPath(absl::string_view upload_id) const {
  return absl::StrCat(blobs_.dir(), "/tmp/upload-", upload_id);
}

absl::Status DocumentHandler::Claim(const std::string& upload_id) {
  absl::MutexLock lock(&busy_mu_);
  if (!busy_.insert(upload_id).second) {
    return absl::FailedPreconditionError(
        absl::StrCat("upload ", upload_id, " is busy: another stream is sending or finishing it"));
  }
  return absl::OkStatus();
}

void DocumentHandler::Release(const std::string& upload_id) {
  absl::MutexLock lock(&busy_mu_);
  busy_.erase(upload_id);
}

absl::StatusOr<UploadRecord> DocumentHandler::OwnUpload(const Caller& c, absl::string_view rpc,
                                                        absl::string_view upload_id) {
  if (!ValidUploadId(upload_id)) {
    return absl::InvalidArgumentError(
        "upload_id must be 16 to 64 characters of A-Z, a-z, 0-9, '-' or '_'");
  }
  UploadRecord upload;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<UploadRecord> found = tx.GetUpload(upload_id);
    if (!found.ok() || found->user_id != c.user_id) {
      return absl::NotFoundError(absl::StrCat("upload ", upload_id, " was not found"));
    }
    upload = *std::move(found);
    return CheckedMeetingAccess(tx, c, rpc, upload.meeting_id).status();
  }));
  return upload;
}

absl::Status DocumentHandler::StartUpload(const Caller& c, const v1::StartUploadRequest& req,
                                          v1::UploadState* out) {
  if (!ValidUploadId(req.upload_id())) {
    return absl::InvalidArgumentError(
        "upload_id must be 16 to 64 characters of A-Z, a-z, 0-9, '-' or '_'");
  }
  // A new version may keep the document's title.
  if (req.document_id().empty() || !req.title().empty()) {
    RETURN_IF_ERROR(ValidateText("title", req.title(), {.max_chars = 500}));
  }
  RETURN_IF_ERROR(ValidateText("filename", req.filename(), {.max_chars = 255}));
  if (absl::StrContains(req.filename(), "/")) {
    return absl::InvalidArgumentError("filename must not contain '/'");
  }
  if (req.size_bytes() <= 0) return absl::InvalidArgumentError("size_bytes must be positive");
  if (req.size_bytes() > options_.screen.max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the file is over ", options_.screen.max_bytes >> 20, " MB; documents may be at most that"));
  }
  if (req.sha256().size() != 32) return absl::InvalidArgumentError("sha256 must be 32 bytes");
  const std::string path = UploadPath(req.upload_id());
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "StartUpload", req.meeting_id()).status());
    RETURN_IF_ERROR(CheckAgendaItem(tx, req.meeting_id(), req.agenda_item_id()));
    if (!req.document_id().empty()) {
      absl::StatusOr<v1::Document> doc = tx.GetDocument(req.document_id());
      if (!doc.ok() || doc->meeting_id() != req.meeting_id()) return DocumentNotFound(req.document_id());
    }
    absl::StatusOr<UploadRecord> existing = tx.GetUpload(req.upload_id());
    if (existing.ok()) {
      if (existing->user_id != c.user_id || existing->meeting_id != req.meeting_id() ||
          existing->sha256 != req.sha256() || existing->size_bytes != req.size_bytes() ||
          existing->document_id != req.document_id()) {
        return absl::AlreadyExistsError(
            absl::StrCat("upload_id ", req.upload_id(), " is already used for another file"));
      }
      return absl::OkStatus();  // resuming
    }
    RETURN_IF_ERROR(tx.InsertUpload(UploadRecord{
        req.upload_id(), c.user_id, req.meeting_id(), req.agenda_item_id(), req.document_id(),
        req.title(), req.filename(), req.size_bytes(), req.sha256(),
        absl::ToUnixMicros(absl::Now())}));
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot create ", path));
    close(fd);
    return absl::OkStatus();
  }));
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  out->set_upload_id(req.upload_id());
  out->set_received_bytes(ec ? 0 : static_cast<int64_t>(size));
  out->set_size_bytes(req.size_bytes());
  return absl::OkStatus();
}

absl::Status DocumentHandler::GetUpload(const Caller& c, const v1::GetUploadRequest& req,
                                        v1::UploadState* out) {
  ASSIGN_OR_RETURN(UploadRecord upload, OwnUpload(c, "GetUpload", req.upload_id()));
  std::error_code ec;
  const auto size = std::filesystem::file_size(UploadPath(upload.id), ec);
  out->set_upload_id(upload.id);
  out->set_received_bytes(ec ? 0 : static_cast<int64_t>(size));
  out->set_size_bytes(upload.size_bytes);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DocumentHandler::UploadStream>> DocumentHandler::OpenUploadStream(
    const Caller& c, absl::string_view upload_id) {
  ASSIGN_OR_RETURN(UploadRecord upload, OwnUpload(c, "UploadChunks", upload_id));
  RETURN_IF_ERROR(Claim(upload.id));
  const std::string path = UploadPath(upload.id);
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (fd >= 0) close(fd);
    Release(upload.id);
    return absl::UnavailableError(absl::StrCat("cannot open upload ", upload.id));
  }
  return std::unique_ptr<UploadStream>(new UploadStream(*this, std::move(upload), fd, st.st_size));
}

DocumentHandler::UploadStream::~UploadStream() {
  close(fd_);
  owner_.Release(upload_.id);
}

absl::Status DocumentHandler::UploadStream::Append(const v1::UploadChunk& chunk) {
  if (!chunk.upload_id().empty() && chunk.upload_id() != upload_.id) {
    return absl::InvalidArgumentError("one stream sends one upload");
  }
  if (chunk.offset() != received_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "upload ", upload_.id, " has ", received_, " bytes; send from offset ", received_,
        ", not ", chunk.offset()));
  }
  if (static_cast<int64_t>(chunk.data().size()) > owner_.options_.max_chunk_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a chunk may carry at most ", owner_.options_.max_chunk_bytes, " bytes"));
  }
  if (received_ + static_cast<int64_t>(chunk.data().size()) > upload_.size_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "more bytes than declared: the upload was started for ", upload_.size_bytes, " bytes"));
  }
  const char* p = chunk.data().data();
  size_t left = chunk.data().size();
  int64_t at = received_;
  while (left > 0) {
    ssize_t n = pwrite(fd_, p, left, at);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("cannot write the upload: ", std::strerror(errno)));
    }
    p += n;
    left -= n;
    at += n;
  }
  received_ = at;
  return absl::OkStatus();
}

absl::StatusOr<v1::UploadState> DocumentHandler::UploadStream::Close() {
  if (fsync(fd_) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot sync the upload: ", std::strerror(errno)));
  }
  v1::UploadState state;
  state.set_upload_id(upload_.id);
  state.set_received_bytes(received_);
  state.set_size_bytes(upload_.size_bytes);
  return state;
}

absl::Status DocumentHandler::FinishUpload(const Caller& c, const v1::FinishUploadRequest& req,
                                           v1::Document* out) {
  ASSIGN_OR_RETURN(UploadRecord upload, OwnUpload(c, "FinishUpload", req.upload_id()));
  RETURN_IF_ERROR(Claim(upload.id));
  const std::string path = UploadPath(upload.id);
  const std::string work = blobs_.TempPath("finish");
  auto cleanup = [&] {
    Release(upload.id);
    RemoveQuietly(work);
  };
  // Forgets the upload: used once the bytes are known to be unusable.
  auto discard = [&](absl::Status status) {
    (void)store_.Write([&](Transaction& tx) { return tx.DeleteUpload(upload.id); });
    RemoveQuietly(path);
    RemoveQuietly(path + ".normalised.pdf");
    RemoveQuietly(path + ".convert");
    cleanup();
    return absl::Status(status.code(), absl::StrCat(status.message(), "; nothing was stored"));
  };
  absl::StatusOr<std::pair<std::string, int64_t>> hashed = BlobStore::HashFile(path);
  if (!hashed.ok()) {
    cleanup();
    return hashed.status();
  }
  if (hashed->second != upload.size_bytes) {
    cleanup();
    return absl::FailedPreconditionError(absl::StrCat(
        "upload ", upload.id, " has ", hashed->second, " of ", upload.size_bytes,
        " bytes; send the rest (from offset ", hashed->second, ") before finishing"));
  }
  if (hashed->first != upload.sha256) {
    return discard(absl::InvalidArgumentError(absl::StrCat(
        "the file's SHA-256 ", HexEncode(hashed->first), " does not match the declared ",
        HexEncode(upload.sha256))));
  }
  std::string pdf_path = path;
  if (IsWordFile(upload.filename)) {
    absl::StatusOr<std::string> converted =
        ConvertToPdf(path, upload.filename, options_.convert_timeout);
    if (!converted.ok()) {
      if (absl::IsFailedPrecondition(converted.status())) {
        cleanup();  // kept: it can be finished once LibreOffice is installed
        return converted.status();
      }
      return discard(converted.status());
    }
    pdf_path = *converted;
  }
  absl::StatusOr<v1::Document> document = Ingest(c, "FinishUpload", pdf_path, upload);
  if (!document.ok()) return discard(document.status());
  (void)store_.Write([&](Transaction& tx) { return tx.DeleteUpload(upload.id); });
  RemoveQuietly(path);
  RemoveQuietly(path + ".convert");
  cleanup();
  *out = *std::move(document);
  return absl::OkStatus();
}

absl::StatusOr<v1::Document> DocumentHandler::Ingest(const Caller& c, absl::string_view rpc,
                                                     const std::string& pdf_path,
                                                     const UploadRecord& meta,
                                                     const StoreStep& also) {
  pdf::ScreenLimits limits = options_.screen;
  std::error_code size_error;
  const double mib =
      static_cast<double>(std::filesystem::file_size(pdf_path, size_error)) / (1 << 20);
  limits.time_limit = std::min(limits.time_limit, options_.screen_time_base +
                                                      options_.screen_time_per_mib * mib);
  ASSIGN_OR_RETURN(pdf::ScreenReport report, pdf::ScreenUpload(pdf_path, limits));
  // Signed files are kept byte for byte; others as normalised, so that later
  // signatures append cleanly.
  const std::string keep = report.normalised_path.empty() ? pdf_path : report.normalised_path;
  const std::string staged = blobs_.TempPath("ingest");
  if (rename(keep.c_str(), staged.c_str()) != 0) {
    return absl::UnavailableError("cannot stage the document");
  }
  ASSIGN_OR_RETURN(std::string sha, blobs_.Adopt(staged));
  ASSIGN_OR_RETURN(std::string blob_path, blobs_.PathOf(sha));
  std::error_code ec;
  const int64_t size = static_cast<int64_t>(std::filesystem::file_size(blob_path, ec));

  v1::Document document;
  RETURN_IF_ERROR(store_.Write([&](Transaction& tx) -> absl::Status {
    // Checked again: the meeting may have changed since the upload began.
    RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, rpc, meta.meeting_id).status());
    v1::DocumentVersion version;
    version.set_sha256(sha);
    version.set_size_bytes(size);
    version.set_page_count(report.pages);
    version.set_filename(meta.filename);
    version.set_content_type("application/pdf");
    version.set_signed_(report.has_signatures);
    version.set_uploaded_by(c.user_id);
    version.mutable_create_time()->set_unix_micros(absl::ToUnixMicros(absl::Now()));
    v1::DocumentChanged::Change change = v1::DocumentChanged::CHANGE_NEW_VERSION;
    std::string id = meta.document_id;
    // Generated documents (the minutes) may come with the id they are to have.
    const bool create = id.empty() || (also != nullptr && absl::IsNotFound(tx.GetDocument(id).status()));
    if (create) {
      v1::Document fresh;
      fresh.set_id(id.empty() ? NewId() : id);
      fresh.set_meeting_id(meta.meeting_id);
      fresh.set_agenda_item_id(meta.agenda_item_id);
      fresh.set_title(meta.title);
      *fresh.mutable_create_time() = version.create_time();
      RETURN_IF_ERROR(tx.InsertDocument(fresh));
      id = fresh.id();
      version.set_number(1);
      change = v1::DocumentChanged::CHANGE_ADDED;
    } else {
      ASSIGN_OR_RETURN(v1::Document existing, tx.GetDocument(id));
      if (existing.versions_size() > 0 && existing.versions(0).sha256() == sha) {
        // The same bytes again (a retried upload, a poster regenerated within
        // the same second): nothing changes, and that is not an error.
        document = std::move(existing);
        return also ? also(tx, document) : absl::OkStatus();
      }
      version.set_number(existing.versions_size() == 0 ? 1 : existing.versions(0).number() + 1);
      if (!meta.title.empty() && meta.title != existing.title()) {
        existing.set_title(meta.title);
        RETURN_IF_ERROR(tx.UpdateDocument(existing));
      }
    }
    // A digest is enough: geometries are only ever compared.
    RETURN_IF_ERROR(tx.InsertDocumentVersion(
        id, version, report.page_geometry.empty() ? "" : Sha256(report.page_geometry)));
    ASSIGN_OR_RETURN(document, tx.GetDocument(id));
    RETURN_IF_ERROR(RecordDocumentEvent(tx, c, document, change));
    return also ? also(tx, document) : absl::OkStatus();
  }));
  return document;
}

absl::StatusOr<v1::Document> DocumentHandler::StoreGeneratedPdf(const Caller& c,
                                                                absl::string_view rpc,
                                                                const std::string& path,
                                                                const UploadRecord& meta,
                                                                const StoreStep& also) {
  return Ingest(c, rpc, path, meta, also ? also : [](Transaction&, const v1::Document&) {
    return absl::OkStatus();
  });
}

absl::Status DocumentHandler::GetDocument(const Caller& c, const v1::GetDocumentRequest& req,
                                          v1::Document* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, VisibleDocument(tx, c, "GetDocument", req.id()));
    *out = std::move(found.first);
    return absl::OkStatus();
  });
}

absl::Status DocumentHandler::ListDocuments(const Caller& c, const v1::ListDocumentsRequest& req,
                                            v1::ListDocumentsResponse* out) {
  ASSIGN_OR_RETURN(PageQuery page, ParsePage(req.page_size(), req.page_token()));
  return store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access,
                     CheckedMeetingAccess(tx, c, "ListDocuments", req.meeting_id()));
    ASSIGN_OR_RETURN(Page<v1::Document> result, tx.ListDocuments(req.meeting_id(), page));
    for (v1::Document& d : result.items) {
      if (CanSee(d, c, access.role)) *out->add_documents() = std::move(d);
    }
    out->set_next_page_token(PageToken(result.next));
    return absl::OkStatus();
  });
}

absl::Status DocumentHandler::AttachDocument(const Caller& c, const v1::AttachDocumentRequest& req,
                                             v1::Document* out) {
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, VisibleDocument(tx, c, "AttachDocument", req.document_id()));
    v1::Document& d = found.first;
    RETURN_IF_ERROR(CheckAgendaItem(tx, d.meeting_id(), req.agenda_item_id()));
    d.set_agenda_item_id(req.agenda_item_id());
    RETURN_IF_ERROR(tx.UpdateDocument(d));
    RETURN_IF_ERROR(RecordDocumentEvent(tx, c, d, v1::DocumentChanged::CHANGE_ATTACHED));
    *out = d;
    return absl::OkStatus();
  });
}

absl::Status DocumentHandler::SetConfidentiality(const Caller& c,
                                                 const v1::SetConfidentialityRequest& req,
                                                 v1::Document* out) {
  return store_.Write([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, VisibleDocument(tx, c, "SetConfidentiality", req.document_id()));
    v1::Document& d = found.first;
    d.set_confidential(req.confidential());
    d.clear_allowed_user_ids();
    if (req.confidential()) {
      for (const std::string& user : req.allowed_user_ids()) {
        ASSIGN_OR_RETURN(v1::MeetingRole role, tx.GetParticipantRole(d.meeting_id(), user));
        if (role == v1::MEETING_ROLE_UNSPECIFIED) {
          return absl::InvalidArgumentError(
              absl::StrCat("user ", user, " is not a participant of this meeting"));
        }
        d.add_allowed_user_ids(user);
      }
    }
    RETURN_IF_ERROR(tx.UpdateDocument(d));
    RETURN_IF_ERROR(RecordDocumentEvent(tx, c, d, v1::DocumentChanged::CHANGE_CONFIDENTIALITY));
    ASSIGN_OR_RETURN(*out, tx.GetDocument(d.id()));
    return absl::OkStatus();
  });
}

absl::StatusOr<DownloadSource> DocumentHandler::OpenDownload(const Caller& c,
                                                            const v1::DownloadRequest& req) {
  DownloadSource source;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, VisibleDocument(tx, c, "Download", req.document_id()));
    const v1::Document& d = found.first;
    const v1::DocumentVersion* version = nullptr;
    for (const v1::DocumentVersion& v : d.versions()) {
      if (req.sha256().empty() || v.sha256() == req.sha256()) {
        version = &v;
        break;
      }
    }
    if (version == nullptr) {
      return absl::NotFoundError(absl::StrCat("document ", d.id(), " has no version ",
                                              HexEncode(req.sha256())));
    }
    source.sha256 = version->sha256();
    source.size_bytes = version->size_bytes();
    return absl::OkStatus();
  }));
  if (req.offset() < 0 || req.offset() > source.size_bytes) {
    return absl::OutOfRangeError(absl::StrCat("offset ", req.offset(), " is outside 0..",
                                              source.size_bytes));
  }
  source.offset = req.offset();
  ASSIGN_OR_RETURN(source.path, blobs_.PathOf(source.sha256));
  return source;
}

namespace {

// The code already given to `target`, or a new one.
absl::StatusOr<QrRecord> FindOrInsertQr(Transaction& tx, QrRecord target) {
  absl::StatusOr<QrRecord> existing = tx.FindQrCode(target);
  if (existing.ok()) return existing;
  RETURN_IF_ERROR(absl::IsNotFound(existing.status()) ? absl::OkStatus() : existing.status());
  target.code = NewId().substr(0, kQrCodeChars);
  RETURN_IF_ERROR(tx.InsertQrCode(target));
  return target;
}

}  // namespace

absl::StatusOr<std::string> DocumentHandler::ReserveDocumentQr(Transaction& tx,
                                                               absl::string_view meeting_id,
                                                               absl::string_view document_id) {
  ASSIGN_OR_RETURN(QrRecord qr,
                   FindOrInsertQr(tx, QrRecord{"", std::string(meeting_id), "",
                                               std::string(document_id), "", 0}));
  return absl::StrCat(kQrPrefix, qr.code);
}

absl::Status DocumentHandler::GetQrCode(const Caller& c, const v1::GetQrCodeRequest& req,
                                        v1::QrCode* out) {
  return store_.Write([&](Transaction& tx) -> absl::Status {
    QrRecord target{"", req.meeting_id(), req.agenda_item_id(), req.document_id(), "",
                    req.page()};
    if (req.page() < 0) return absl::InvalidArgumentError("page must not be negative");
    if (req.page() > 0 && req.document_id().empty()) {
      return absl::InvalidArgumentError("page needs a document: meetings and items have no pages");
    }
    if (!req.document_id().empty()) {
      ASSIGN_OR_RETURN(auto found, VisibleDocument(tx, c, "GetQrCode", req.document_id()));
      const v1::Document& d = found.first;
      if (d.meeting_id() != req.meeting_id() && !req.meeting_id().empty()) {
        return DocumentNotFound(req.document_id());
      }
      target.meeting_id = d.meeting_id();
      target.agenda_item_id = "";
      for (const v1::DocumentVersion& v : d.versions()) {
        if (req.sha256().empty() || v.sha256() == req.sha256()) {
          target.sha256 = v.sha256();
          if (req.page() > v.page_count()) {
            return absl::InvalidArgumentError(absl::StrCat(
                "page ", req.page(), " is beyond the document's ", v.page_count(), " pages"));
          }
          break;
        }
      }
      if (target.sha256.empty()) {
        return absl::NotFoundError(absl::StrCat("document ", d.id(), " has no such version"));
      }
    } else {
      RETURN_IF_ERROR(CheckedMeetingAccess(tx, c, "GetQrCode", req.meeting_id()).status());
      RETURN_IF_ERROR(CheckAgendaItem(tx, req.meeting_id(), req.agenda_item_id()));
    }
    ASSIGN_OR_RETURN(target, FindOrInsertQr(tx, std::move(target)));
    out->set_code(target.code);
    out->set_payload(absl::StrCat(kQrPrefix, target.code));
    if (!target.sha256.empty()) {
      absl::StrAppend(out->mutable_payload(), ".",
                      HexEncode(target.sha256).substr(0, kQrHashHexChars));
    }
    return absl::OkStatus();
  });
}

absl::Status DocumentHandler::ResolveQr(const Caller& c, const v1::ResolveQrRequest& req,
                                        v1::QrTarget* out) {
  absl::string_view payload = absl::StripAsciiWhitespace(req.payload());
  if (absl::StartsWithIgnoreCase(payload, kQrPrefix)) payload.remove_prefix(kQrPrefix.size());
  absl::string_view code = payload.substr(0, payload.find('.'));
  absl::string_view hash_prefix =
      code.size() < payload.size() ? payload.substr(code.size() + 1) : absl::string_view();
  if (code.size() != kQrCodeChars || hash_prefix.size() > 64) return QrNotFound();
  return store_.Read([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<QrRecord> qr = tx.GetQrCode(code);
    if (!qr.ok()) return QrNotFound();
    if (!hash_prefix.empty() && !absl::StartsWith(HexEncode(qr->sha256), absl::AsciiStrToLower(hash_prefix))) {
      return QrNotFound();
    }
    absl::StatusOr<MeetingAccess> access =
        CheckedMeetingAccess(tx, c, "ResolveQr", qr->meeting_id);
    if (!access.ok()) return QrNotFound();
    out->set_meeting_id(qr->meeting_id);
    out->set_agenda_item_id(qr->agenda_item_id);
    out->set_document_id(qr->document_id);
    out->set_sha256(qr->sha256);
    out->set_page(qr->page);
    out->set_title(access->meeting.title());
    if (!qr->document_id.empty()) {
      absl::StatusOr<v1::Document> d = tx.GetDocument(qr->document_id);
      if (!d.ok() || !CanSee(*d, c, access->role)) return QrNotFound();
      out->set_title(d->title());
    } else if (!qr->agenda_item_id.empty()) {
      ASSIGN_OR_RETURN(std::vector<v1::AgendaItem> items, tx.ListAgendaItems(qr->meeting_id));
      Agenda agenda(std::move(items));
      if (const v1::AgendaItem* item = agenda.Find(qr->agenda_item_id)) {
        out->set_title(absl::StrCat(item->number(), ". ", item->title()));
      }
    }
    return absl::OkStatus();
  });
}

absl::Status DocumentHandler::StampDocument(const Caller& c, const v1::StampDocumentRequest& req,
                                            v1::Document* out) {
  v1::Document original;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, VisibleDocument(tx, c, "StampDocument", req.document_id()));
    original = std::move(found.first);
    return absl::OkStatus();
  }));
  if (original.versions_size() == 0) {
    return absl::FailedPreconditionError("the document has no version to stamp");
  }
  const v1::DocumentVersion& current = original.versions(0);
  if (current.signed_()) {
    return absl::FailedPreconditionError(
        "a signed PDF cannot be stamped: any change would invalidate its signatures");
  }
  v1::GetQrCodeRequest qr_req;
  qr_req.set_meeting_id(original.meeting_id());
  qr_req.set_document_id(original.id());
  qr_req.set_sha256(current.sha256());
  v1::QrCode qr;
  RETURN_IF_ERROR(GetQrCode(c, qr_req, &qr));
  ASSIGN_OR_RETURN(std::string source, blobs_.PathOf(current.sha256()));
  const std::string stamped = blobs_.TempPath("stamped") + ".pdf";
  RETURN_IF_ERROR(pdf::StampFirstPage(source, stamped, qr.payload()));
  UploadRecord meta;
  meta.meeting_id = original.meeting_id();
  meta.document_id = original.id();
  meta.filename = current.filename();
  absl::StatusOr<v1::Document> document = Ingest(c, "StampDocument", stamped, meta);
  RemoveQuietly(stamped);
  RETURN_IF_ERROR(document.status());
  *out = *std::move(document);
  return absl::OkStatus();
}

absl::Status DocumentHandler::GenerateHandout(const Caller& c,
                                              const v1::GenerateMeetingPdfRequest& req,
                                              v1::Document* out) {
  return GenerateMeetingPdf(c, "GenerateHandout", req.meeting_id(), /*handout=*/true, out);
}

absl::Status DocumentHandler::GeneratePoster(const Caller& c,
                                             const v1::GenerateMeetingPdfRequest& req,
                                             v1::Document* out) {
  return GenerateMeetingPdf(c, "GeneratePoster", req.meeting_id(), /*handout=*/false, out);
}

absl::Status DocumentHandler::GenerateMeetingPdf(const Caller& c, absl::string_view rpc,
                                                 absl::string_view meeting_id, bool handout,
                                                 v1::Document* out) {
  // Gather what the page shows, with a QR code for the meeting and each
  // document that everyone may see (confidential ones are left off).
  v1::Meeting meeting;
  std::string organisation;
  std::vector<v1::AgendaItem> items;
  std::vector<v1::Document> documents;
  std::string existing_id;
  const std::string title = handout ? kHandoutTitle : kPosterTitle;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(MeetingAccess access, CheckedMeetingAccess(tx, c, rpc, meeting_id));
    meeting = access.meeting;
    ASSIGN_OR_RETURN(v1::Organization org, tx.GetOrganization(meeting.organization_id()));
    organisation = org.name();
    ASSIGN_OR_RETURN(items, tx.ListAgendaItems(meeting_id));
    PageQuery page{.after = "", .limit = kMaxPageSize};
    do {
      ASSIGN_OR_RETURN(Page<v1::Document> result, tx.ListDocuments(meeting_id, page));
      for (v1::Document& d : result.items) {
        if (d.title() == title) existing_id = d.id();
        if (d.title() == kHandoutTitle || d.title() == kPosterTitle) continue;
        if (!d.confidential() && d.versions_size() > 0) documents.push_back(std::move(d));
      }
      page.after = result.next;
    } while (!page.after.empty());
    return absl::OkStatus();
  }));
  auto qr_for = [&](const std::string& document_id) -> absl::StatusOr<std::string> {
    v1::GetQrCodeRequest req;
    req.set_meeting_id(std::string(meeting_id));
    req.set_document_id(document_id);
    v1::QrCode qr;
    RETURN_IF_ERROR(GetQrCode(c, req, &qr));
    return qr.payload();
  };
  ASSIGN_OR_RETURN(std::string meeting_qr, qr_for(""));
  const std::string time_text = VietnameseWeekdayTime(meeting.start_time().unix_micros());
  const std::string path = blobs_.TempPath(handout ? "handout" : "poster") + ".pdf";
  if (handout) {
    pdf::HandoutSpec spec;
    spec.header.organisation = organisation;
    spec.meeting_title = meeting.title();
    spec.time_text = time_text;
    spec.place = meeting.place();
    spec.meeting_qr_payload = meeting_qr;
    const Agenda agenda(std::move(items));
    for (const v1::AgendaItem& item : agenda.items()) {
      pdf::HandoutItem& h = spec.items.emplace_back();
      h.number = item.number();
      h.title = item.title();
      h.presenter = item.presenter();
      h.minutes = item.planned_minutes();
      for (const v1::Document& d : documents) {
        if (d.agenda_item_id() != item.id()) continue;
        ASSIGN_OR_RETURN(std::string payload, qr_for(d.id()));
        h.documents.push_back({d.title(), d.versions(0).page_count(), payload});
      }
    }
    // Documents of the meeting as a whole come under their own heading.
    pdf::HandoutItem general;
    general.title = "Tài liệu chung của phiên họp";
    for (const v1::Document& d : documents) {
      if (!d.agenda_item_id().empty()) continue;
      ASSIGN_OR_RETURN(std::string payload, qr_for(d.id()));
      general.documents.push_back({d.title(), d.versions(0).page_count(), payload});
    }
    if (!general.documents.empty()) spec.items.push_back(std::move(general));
    RETURN_IF_ERROR(pdf::WriteHandout(spec, path));
  } else {
    RETURN_IF_ERROR(pdf::WritePoster({organisation, meeting.title(), time_text, meeting.place(),
                                      meeting_qr},
                                     path));
  }
  UploadRecord meta;
  meta.meeting_id = std::string(meeting_id);
  meta.document_id = existing_id;
  meta.title = title;
  meta.filename = handout ? "chuong-trinh-phien-hop.pdf" : "ap-phich-phong-hop.pdf";
  absl::StatusOr<v1::Document> document = Ingest(c, rpc, path, meta);
  RemoveQuietly(path);
  RETURN_IF_ERROR(document.status());
  *out = *std::move(document);
  return absl::OkStatus();
}

absl::Status DocumentHandler::RemoveAbandonedUploads(absl::Duration age) {
  std::vector<UploadRecord> old;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(old, tx.ListUploadsBefore(absl::ToUnixMicros(absl::Now() - age)));
    return absl::OkStatus();
  }));
  for (const UploadRecord& upload : old) {
    if (!Claim(upload.id).ok()) continue;  // in use right now
    RETURN_IF_ERROR(store_.Write([&](Transaction& tx) { return tx.DeleteUpload(upload.id); }));
    RemoveQuietly(UploadPath(upload.id));
    Release(upload.id);
  }
  return absl::OkStatus();
}

}  // namespace hopso::server
