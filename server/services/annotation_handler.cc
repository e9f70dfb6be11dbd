#include "server/services/annotation_handler.h"

#include <cmath>
#include <filesystem>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "pdf/annotate.h"
#include "server/util/status_macros.h"
#include "server/util/text.h"

namespace hopso::server {
namespace {

// Coordinates beyond this are no page's (PDF pages end at 14,400 points).
constexpr float kMaxCoordinate = 100000;
constexpr float kMaxWidth = 500;

bool ValidAnnotationId(absl::string_view id) {
  return id.size() >= 8 && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char ch) {
           return absl::ascii_isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
         });
}

bool Finite(float v) { return std::isfinite(v) && std::fabs(v) <= kMaxCoordinate; }

// What can be checked without the store; the message names the annotation.
absl::Status CheckShape(const v1::Annotation& a) {
  if (!ValidAnnotationId(a.id())) {
    return absl::InvalidArgumentError("id must be 8 to 64 characters of A-Z, a-z, 0-9, '-' or '_'");
  }
  if (a.document_id().empty()) return absl::InvalidArgumentError("document_id is required");
  if (a.version() < 1) return absl::InvalidArgumentError("version must be 1 or more");
  if (a.page() < 0) return absl::InvalidArgumentError("page must not be negative");
  if (a.revision() < 1) return absl::InvalidArgumentError("revision must be 1 or more");
  if (!v1::AnnotationVisibility_IsValid(a.visibility())) {
    return absl::InvalidArgumentError("visibility is not PRIVATE or SHARED");
  }
  const bool known_kind =
      a.kind() != v1::ANNOTATION_KIND_UNSPECIFIED && v1::AnnotationKind_IsValid(a.kind());
  // A tombstone only has to say which annotation it ends.
  if (!known_kind && !(a.deleted() && a.kind() == v1::ANNOTATION_KIND_UNSPECIFIED)) {
    return absl::InvalidArgumentError("kind must be INK, HIGHLIGHT or NOTE");
  }
  if (a.points_size() > AnnotationHandler::kMaxPoints) {
    return absl::InvalidArgumentError(absl::StrCat("an ink stroke may have at most ",
                                                   AnnotationHandler::kMaxPoints, " points"));
  }
  if (a.rects_size() > AnnotationHandler::kMaxRects) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", AnnotationHandler::kMaxRects, " rects"));
  }
  if (!std::isfinite(a.width()) || a.width() < 0 || a.width() > kMaxWidth) {
    return absl::InvalidArgumentError(absl::StrCat("width must be 0 to ", kMaxWidth, " points"));
  }
  for (const v1::InkPoint& p : a.points()) {
    if (!Finite(p.x()) || !Finite(p.y()) || !std::isfinite(p.pressure()) || p.pressure() < 0 ||
        p.pressure() > 1) {
      return absl::InvalidArgumentError("a point has a coordinate or pressure out of range");
    }
  }
  for (const v1::PageRect& r : a.rects()) {
    if (!Finite(r.x()) || !Finite(r.y()) || !Finite(r.width()) || !Finite(r.height()) ||
        r.width() < 0 || r.height() < 0) {
      return absl::InvalidArgumentError("a rect has a coordinate or size out of range");
    }
  }
  if (!IsValidUtf8(a.text())) return absl::InvalidArgumentError("text is not valid UTF-8");
  if (CodePointCount(a.text()) > AnnotationHandler::kMaxTextChars) {
    return absl::InvalidArgumentError(absl::StrCat(
        "text may have at most ", AnnotationHandler::kMaxTextChars, " characters"));
  }
  if (!a.deleted()) {
    if (a.kind() == v1::ANNOTATION_KIND_INK && a.points_size() == 0) {
      return absl::InvalidArgumentError("an ink stroke needs at least one point");
    }
    if (a.kind() != v1::ANNOTATION_KIND_INK && a.rects_size() == 0) {
      return absl::InvalidArgumentError("a highlight or note needs at least one rect");
    }
  }
  return absl::OkStatus();
}

absl::Status AnnotationError(int index, const v1::Annotation& a, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat("annotations[", index, "]",
                                   a.id().empty() || !ValidAnnotationId(a.id())
                                       ? ""
                                       : absl::StrCat(" (", a.id(), ")"),
                                   ": ", status.message(), "; nothing was saved"));
}

const v1::DocumentVersion* FindVersion(const v1::Document& d, int number) {
  for (const v1::DocumentVersion& v : d.versions()) {
    if (v.number() == number) return &v;
  }
  return nullptr;
}

pdf::PageMark ToMark(const v1::Annotation& a) {
  pdf::PageMark m;
  m.page = a.page();
  switch (a.kind()) {
    case v1::ANNOTATION_KIND_HIGHLIGHT: m.kind = pdf::MarkKind::kHighlight; break;
    case v1::ANNOTATION_KIND_NOTE: m.kind = pdf::MarkKind::kNote; break;
    default: m.kind = pdf::MarkKind::kInk; break;
  }
  m.argb = a.color();
  m.width = a.width();
  for (const v1::InkPoint& p : a.points()) m.points.push_back({p.x(), p.y()});
  for (const v1::PageRect& r : a.rects()) m.rects.push_back({r.x(), r.y(), r.width(), r.height()});
  m.text = a.text();
  m.author = a.author_name();
  m.name = a.id();
  m.modified_unix_seconds = a.update_time().unix_micros() / 1000000;
  return m;
}

}  // namespace

absl::Status AnnotationHandler::SaveAnnotations(const Caller& c,
                                                const v1::SaveAnnotationsRequest& req,
                                                v1::SaveAnnotationsResponse* out) {
  if (req.annotations_size() > kMaxPerSave) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at most ", kMaxPerSave, " annotations per call (got ", req.annotations_size(),
        "); send them in several calls"));
  }
  for (int i = 0; i < req.annotations_size(); ++i) {
    if (absl::Status s = CheckShape(req.annotations(i)); !s.ok()) {
      return AnnotationError(i, req.annotations(i), s);
    }
  }
  const int64_t now = absl::ToUnixMicros(absl::Now());
  return store_.Write([&](Transaction& tx) -> absl::Status {
    // Documents are read once per call, however many annotations they carry.
    absl::flat_hash_map<std::string, v1::Document> documents;
    for (int i = 0; i < req.annotations_size(); ++i) {
      const v1::Annotation& a = req.annotations(i);
      auto fail = [&](const absl::Status& s) { return AnnotationError(i, a, s); };
      auto it = documents.find(a.document_id());
      if (it == documents.end()) {
        absl::StatusOr<std::pair<v1::Document, MeetingAccess>> found =
            VisibleDocument(tx, c, "SaveAnnotations", a.document_id());
        if (!found.ok()) return fail(found.status());
        it = documents.emplace(a.document_id(), std::move(found->first)).first;
      }
      const v1::DocumentVersion* version = FindVersion(it->second, a.version());
      if (version == nullptr) {
        return fail(absl::NotFoundError(
            absl::StrCat("document ", a.document_id(), " has no version ", a.version())));
      }
      if (a.page() >= version->page_count()) {
        return fail(absl::InvalidArgumentError(absl::StrCat(
            "page ", a.page(), " is beyond version ", a.version(), "'s ", version->page_count(),
            " pages (pages count from 0)")));
      }
      absl::StatusOr<v1::Annotation> stored = tx.GetAnnotation(a.id());
      if (stored.ok()) {
        if (stored->author_user_id() != c.user_id) {
          return fail(absl::PermissionDeniedError("this id belongs to another user's annotation"));
        }
        if (stored->document_id() != a.document_id()) {
          return fail(absl::InvalidArgumentError(absl::StrCat(
              "this id belongs to an annotation on document ", stored->document_id())));
        }
        if (stored->revision() >= a.revision()) {
          *out->add_annotations() = *std::move(stored);  // a retry or an older edit
          continue;
        }
      } else if (!absl::IsNotFound(stored.status())) {
        return stored.status();
      }
      v1::Annotation keep = a;
      keep.set_author_user_id(c.user_id);
      if (keep.visibility() == v1::ANNOTATION_VISIBILITY_UNSPECIFIED) {
        keep.set_visibility(v1::ANNOTATION_VISIBILITY_PRIVATE);
      }
      keep.mutable_update_time()->set_unix_micros(now);
      RETURN_IF_ERROR(tx.PutAnnotation(keep));
      ASSIGN_OR_RETURN(*out->add_annotations(), tx.GetAnnotation(a.id()));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<AnnotationHandler::View> AnnotationHandler::Read(
    Transaction& tx, const Caller& c, absl::string_view rpc, absl::string_view document_id,
    int version, bool include_deleted) {
  if (version < 0) return absl::InvalidArgumentError("version must not be negative");
  ASSIGN_OR_RETURN(auto found, VisibleDocument(tx, c, rpc, document_id));
  const v1::Document& d = found.first;
  if (d.versions_size() == 0) {
    return absl::FailedPreconditionError(absl::StrCat("document ", d.id(), " has no version"));
  }
  // Versions come newest first; annotations of the versions below the
  // wanted one come along for as long as each keeps the pages of the next.
  int index = 0;
  if (version != 0) {
    while (index < d.versions_size() && d.versions(index).number() != version) ++index;
    if (index == d.versions_size()) {
      return absl::NotFoundError(absl::StrCat("document ", d.id(), " has no version ", version));
    }
  }
  View view;
  view.version = d.versions(index);
  std::vector<int> numbers = {view.version.number()};
  ASSIGN_OR_RETURN(std::string geometry, tx.GetPageGeometry(d.id(), view.version.number()));
  for (int i = index + 1; i < d.versions_size(); ++i) {
    const v1::DocumentVersion& older = d.versions(i);
    if (older.page_count() != d.versions(i - 1).page_count()) break;
    ASSIGN_OR_RETURN(std::string older_geometry, tx.GetPageGeometry(d.id(), older.number()));
    // Versions stored before page sizes were recorded compare by page count.
    if (!geometry.empty() && !older_geometry.empty() && geometry != older_geometry) break;
    numbers.push_back(older.number());
    geometry = older_geometry;
  }
  ASSIGN_OR_RETURN(view.annotations,
                   tx.ListAnnotations(d.id(), numbers, c.user_id, include_deleted));
  return view;
}

absl::Status AnnotationHandler::ListAnnotations(const Caller& c,
                                                const v1::ListAnnotationsRequest& req,
                                                v1::ListAnnotationsResponse* out) {
  return store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(View view, Read(tx, c, "ListAnnotations", req.document_id(), req.version(),
                                     req.include_deleted()));
    out->set_version(view.version.number());
    for (v1::Annotation& a : view.annotations) *out->add_annotations() = std::move(a);
    return absl::OkStatus();
  });
}

absl::StatusOr<DownloadSource> AnnotationHandler::ExportAnnotatedCopy(
    const Caller& c, const v1::ExportAnnotatedCopyRequest& req) {
  View view;
  RETURN_IF_ERROR(store_.Read([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(view, Read(tx, c, "ExportAnnotatedCopy", req.document_id(), req.version(),
                                /*include_deleted=*/false));
    return absl::OkStatus();
  }));
  std::vector<pdf::PageMark> marks;
  for (const v1::Annotation& a : view.annotations) {
    if (a.author_user_id() == c.user_id || req.include_shared()) marks.push_back(ToMark(a));
  }
  ASSIGN_OR_RETURN(std::string source, blobs_.PathOf(view.version.sha256()));
  const std::string path = blobs_.TempPath("annotated") + ".pdf";
  const absl::Status written = pdf::WriteAnnotatedCopy(source, path, marks);
  absl::StatusOr<std::pair<std::string, int64_t>> hashed =
      written.ok() ? BlobStore::HashFile(path) : written;
  if (!hashed.ok()) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    // The annotations were checked when saved: a failure here is ours.
    return absl::InternalError(
        absl::StrCat("cannot write the annotated copy: ", hashed.status().message()));
  }
  DownloadSource out;
  out.path = path;
  out.sha256 = hashed->first;
  out.size_bytes = hashed->second;
  out.temporary = true;
  return out;
}

}  // namespace hopso::server
