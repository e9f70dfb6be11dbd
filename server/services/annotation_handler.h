// AnnotationService logic, gRPC-free: delegates' ink, highlights and notes on
// documents, synced from tablets exactly once, and written into a copy of
// the PDF on request.
#ifndef HOPSO_SERVER_SERVICES_ANNOTATION_HANDLER_H_
#define HOPSO_SERVER_SERVICES_ANNOTATION_HANDLER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hopso/v1/annotation.pb.h"
#include "server/domain/permissions.h"
#include "server/services/document_handler.h"
#include "server/store/blob_store.h"
#include "server/store/store.h"

namespace hopso::server {

class AnnotationHandler {
 public:
  static constexpr int kMaxPerSave = 500;
  static constexpr int kMaxPoints = 10000;
  static constexpr int kMaxRects = 1000;
  static constexpr size_t kMaxTextChars = 10000;

  AnnotationHandler(Store& store, BlobStore& blobs) : store_(store), blobs_(blobs) {}

  // Whoever may read a document may annotate it; an id belongs to the user
  // who first saved it. A revision not above the stored one changes nothing
  // (that is how a tablet's retries stay exactly-once).
  absl::Status SaveAnnotations(const Caller& c, const v1::SaveAnnotationsRequest& req,
                               v1::SaveAnnotationsResponse* out);
  absl::Status ListAnnotations(const Caller& c, const v1::ListAnnotationsRequest& req,
                               v1::ListAnnotationsResponse* out);
  // Writes the copy into the blob store's tmp directory; the download
  // removes it once opened.
  absl::StatusOr<DownloadSource> ExportAnnotatedCopy(const Caller& c,
                                                     const v1::ExportAnnotatedCopyRequest& req);

 private:
  // The caller's view of one version: its own annotations and others'
  // shared ones, including those carried over from earlier versions.
  struct View {
    v1::DocumentVersion version;
    std::vector<v1::Annotation> annotations;
  };
  absl::StatusOr<View> Read(Transaction& tx, const Caller& c, absl::string_view rpc,
                            absl::string_view document_id, int version, bool include_deleted);

  Store& store_;
  BlobStore& blobs_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_ANNOTATION_HANDLER_H_
