// DocumentService logic, gRPC-free: resumable uploads screened in a sandbox,
// immutable versions in the blob store, downloads, confidentiality, QR codes,
// and the printed handout and poster.
#ifndef HOPSO_SERVER_SERVICES_DOCUMENT_HANDLER_H_
#define HOPSO_SERVER_SERVICES_DOCUMENT_HANDLER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hopso/v1/document.pb.h"
#include "pdf/screen.h"
#include "server/domain/permissions.h"
#include "server/services/meeting_handler.h"
#include "server/store/blob_store.h"
#include "server/store/store.h"

namespace hopso::server {

// Titles of the PDFs the server generates for a meeting (GenerateHandout,
// GeneratePoster): they are regenerated as new versions, and left out of the
// handout's own list and of the minutes.
inline constexpr char kHandoutTitle[] = "Chương trình phiên họp kèm mã QR (bản in)";
inline constexpr char kPosterTitle[] = "Áp phích phòng họp (mã QR)";

struct DocumentOptions {
  // Limits for reading an upload; max_bytes is also the largest upload taken,
  // time_limit the most any file gets.
  pdf::ScreenLimits screen;
  // A file's own time limit grows with its size, so that a small file built
  // to be slow (deeply nested dictionaries) is stopped early while a large,
  // honest one has time: base + per MiB, at most screen.time_limit.
  absl::Duration screen_time_base = absl::Seconds(4);
  absl::Duration screen_time_per_mib = absl::Milliseconds(150);
  // How long LibreOffice may take to convert a Word file.
  absl::Duration convert_timeout = absl::Minutes(2);
  // Largest chunk one UploadChunk message may carry.
  int64_t max_chunk_bytes = 4 << 20;
};

// VisibleDocument
//
// Loads document `id` and checks `rpc` on its meeting. Whatever the caller
// may not see (another meeting, a confidential document they are not a
// reader of) is NOT_FOUND, as if it did not exist.
absl::StatusOr<std::pair<v1::Document, MeetingAccess>> VisibleDocument(
    Transaction& tx, const Caller& c, absl::string_view rpc, absl::string_view id);

// Where a download reads from.
struct DownloadSource {
  std::string path;
  int64_t size_bytes = 0;
  std::string sha256;
  int64_t offset = 0;
  // A file made for this one download: removed once opened.
  bool temporary = false;
};

class DocumentHandler {
 public:
  DocumentHandler(Store& store, BlobStore& blobs, DocumentOptions options = {});

  absl::Status StartUpload(const Caller& c, const v1::StartUploadRequest& req, v1::UploadState* out);
  absl::Status GetUpload(const Caller& c, const v1::GetUploadRequest& req, v1::UploadState* out);
  absl::Status FinishUpload(const Caller& c, const v1::FinishUploadRequest& req, v1::Document* out);
  absl::Status GetDocument(const Caller& c, const v1::GetDocumentRequest& req, v1::Document* out);
  absl::Status ListDocuments(const Caller& c, const v1::ListDocumentsRequest& req,
                             v1::ListDocumentsResponse* out);
  absl::Status AttachDocument(const Caller& c, const v1::AttachDocumentRequest& req,
                              v1::Document* out);
  absl::Status SetConfidentiality(const Caller& c, const v1::SetConfidentialityRequest& req,
                                  v1::Document* out);
  absl::Status GetQrCode(const Caller& c, const v1::GetQrCodeRequest& req, v1::QrCode* out);
  absl::Status ResolveQr(const Caller& c, const v1::ResolveQrRequest& req, v1::QrTarget* out);
  absl::Status StampDocument(const Caller& c, const v1::StampDocumentRequest& req,
                             v1::Document* out);
  absl::Status GenerateHandout(const Caller& c, const v1::GenerateMeetingPdfRequest& req,
                               v1::Document* out);
  absl::Status GeneratePoster(const Caller& c, const v1::GenerateMeetingPdfRequest& req,
                              v1::Document* out);

  // UploadStream
  //
  // The receiving end of one UploadChunks stream. Only one stream may write
  // an upload at a time; bytes count as received once Close() has synced them.
  class UploadStream {
   public:
    ~UploadStream();
    absl::Status Append(const v1::UploadChunk& chunk);
    absl::StatusOr<v1::UploadState> Close();

   private:
    friend class DocumentHandler;
    UploadStream(DocumentHandler& owner, UploadRecord upload, int fd, int64_t received)
        : owner_(owner), upload_(std::move(upload)), fd_(fd), received_(received) {}
    DocumentHandler& owner_;
    UploadRecord upload_;
    int fd_;
    int64_t received_;
  };
  absl::StatusOr<std::unique_ptr<UploadStream>> OpenUploadStream(const Caller& c,
                                                                 absl::string_view upload_id);

  absl::StatusOr<DownloadSource> OpenDownload(const Caller& c, const v1::DownloadRequest& req);

  // StoreGeneratedPdf
  //
  // Keeps a PDF the server made (the minutes, a signed copy) as a new version
  // of meta.document_id, creating the document under that id when there is
  // none yet, the way an upload is kept (screened; files with signatures
  // byte for byte). The file at `path` is consumed. `also` runs in the same
  // transaction once the version is recorded, so what it writes lands with
  // the version or not at all. `rpc` is checked on the meeting again.
  using StoreStep = std::function<absl::Status(Transaction&, const v1::Document&)>;
  absl::StatusOr<v1::Document> StoreGeneratedPdf(const Caller& c, absl::string_view rpc,
                                                 const std::string& path,
                                                 const UploadRecord& meta, const StoreStep& also);

  // ReserveDocumentQr
  //
  // The payload of a QR code that names document `document_id` of the
  // meeting as a whole (it resolves to the current version), which may not
  // have been stored yet: the minutes print their own code.
  absl::StatusOr<std::string> ReserveDocumentQr(Transaction& tx, absl::string_view meeting_id,
                                                absl::string_view document_id);

  // Removes uploads started more than `age` ago and never finished.
  absl::Status RemoveAbandonedUploads(absl::Duration age);

 private:
  std::string UploadPath(absl::string_view upload_id) const;
  // Marks an upload busy (one writer or finisher at a time).
  absl::Status Claim(const std::string& upload_id);
  void Release(const std::string& upload_id);
  absl::StatusOr<UploadRecord> OwnUpload(const Caller& c, absl::string_view rpc,
                                         absl::string_view upload_id);
  // Screens `pdf_path`, moves what is to be kept into the blob store and
  // records it as a new document or a new version of `document_id`. The file
  // at `pdf_path` is consumed: every caller's copy is disposable. Bytes equal to
  // the current version leave the document as it is.
  absl::StatusOr<v1::Document> Ingest(const Caller& c, absl::string_view rpc,
                                      const std::string& pdf_path, const UploadRecord& meta,
                                      const StoreStep& also = nullptr);
  absl::Status GenerateMeetingPdf(const Caller& c, absl::string_view rpc,
                                  absl::string_view meeting_id, bool handout, v1::Document* out);

  Store& store_;
  BlobStore& blobs_;
  const DocumentOptions options_;
  absl::Mutex busy_mu_;
  absl::flat_hash_set<std::string> busy_ ABSL_GUARDED_BY(busy_mu_);
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_DOCUMENT_HANDLER_H_
