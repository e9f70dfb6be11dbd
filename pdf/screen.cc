#include "pdf/screen.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qpdf/Pl_Discard.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include <podofo/podofo.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "pdf/internal/layout.h"
#include "pdf/internal/podofo_status.h"
#include "pdf/internal/sandbox.h"
#include "pdf/text.h"

namespace hopso::pdf {
namespace {

constexpr size_t kMaxWarnings = 10;
constexpr size_t kMaxTitleBytes = 1000;
// Readers accept "%PDF-" anywhere in the first kilobyte.
constexpr size_t kHeaderWindow = 1024;

// What the child found, sent to the parent as "key=value" lines with
// C-escaped values.
struct ChildResult {
  // ok, damaged, encrypted, too_many_pages, out_of_memory or internal.
  std::string kind = "internal";
  std::string detail;
  int pages = 0;
  bool has_signatures = false;
  std::string title;
  std::string page_geometry;
  std::vector<std::string> warnings;
};

std::string Serialize(const ChildResult& r) {
  std::string out = absl::StrCat("kind=", r.kind, "\ndetail=", absl::CEscape(r.detail),
                                 "\npages=", r.pages, "\nsigned=", r.has_signatures ? 1 : 0,
                                 "\ntitle=", absl::CEscape(r.title),
                                 "\ngeometry=", absl::CEscape(r.page_geometry), "\n");
  for (const std::string& w : r.warnings) absl::StrAppend(&out, "warning=", absl::CEscape(w), "\n");
  // The end marker tells a complete result from one cut short by a crash.
  out += "end=1\n";
  return out;
}

bool Parse(const std::string& text, ChildResult* r) {
  bool complete = false;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) return false;
    const absl::string_view key = line.substr(0, eq);
    std::string value;
    if (!absl::CUnescape(line.substr(eq + 1), &value)) return false;
    if (key == "kind") r->kind = value;
    if (key == "detail") r->detail = value;
    if (key == "pages" && !absl::SimpleAtoi(value, &r->pages)) return false;
    if (key == "signed") r->has_signatures = value == "1";
    if (key == "title") r->title = value;
    if (key == "geometry") r->page_geometry = value;
    if (key == "warning") r->warnings.push_back(value);
    if (key == "end") complete = true;
  }
  return complete;
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string TruncateUtf8(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

// Makes PoDoFo parse every object of a lazily loaded document, which is
// where deep nesting and broken objects bite.
void ParseEveryObject(PoDoFo::PdfMemDocument& doc) {
  for (PoDoFo::PdfObject* object : doc.GetObjects()) {
    if (object != nullptr) object->GetDataType();
  }
}

// "W H R;" per page: the size as displayed (crop box, else media box, in
// points to 0.01; width and height swapped by a quarter turn) and the
// rotation, which is all that annotation coordinates depend on.
std::string PageGeometry(const std::vector<QPDFPageObjectHelper>& pages) {
  std::string out;
  for (QPDFPageObjectHelper page : pages) {
    const QPDFObjectHandle::Rectangle box = page.getCropBox().getArrayAsRectangle();
    QPDFObjectHandle rotate = page.getAttribute("/Rotate", false);
    const int rotation =
        rotate.isInteger() ? ((rotate.getIntValueAsInt() % 360) + 360) % 360 : 0;
    double width = std::abs(box.urx - box.llx);
    double height = std::abs(box.ury - box.lly);
    if (rotation == 90 || rotation == 270) std::swap(width, height);
    absl::StrAppend(&out, absl::StrFormat("%.2f %.2f %d;", width, height, rotation));
  }
  return out;
}

class DiscardContents : public QPDFObjectHandle::ParserCallbacks {
 public:
  void handleObject(QPDFObjectHandle) override {}
  void handleEOF() override {}
};

// The screening itself, in the child. Catches everything: an exception that
// escaped would read as a failure of the sandbox, not as a damaged PDF.
ChildResult Screen(const std::string& path, const std::string& normalised_path,
                   const ScreenLimits& limits) {
  ChildResult r;
  try {
    // qpdf first, as `qpdf --check` does it: open (repairing what it can),
    // write every object to nowhere decoding every stream, parse every page's
    // content. Exceptions are errors; repairs are warnings and tolerated.
    QPDF qpdf;
    qpdf.setSuppressWarnings(true);
    try {
      qpdf.processFile(path.c_str());
    } catch (const QPDFExc& e) {
      if (e.getErrorCode() == qpdf_e_password) {
        r.kind = "encrypted";
        return r;
      }
      throw;
    }
    if (qpdf.isEncrypted()) {
      r.kind = "encrypted";
      return r;
    }
    const std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(qpdf).getAllPages();
    r.pages = static_cast<int>(pages.size());
    if (r.pages > limits.max_pages) {
      r.kind = "too_many_pages";
      return r;
    }
    {
      QPDFWriter check(qpdf);
      Pl_Discard discard;
      check.setOutputPipeline(&discard);
      check.setDecodeLevel(qpdf_dl_all);
      check.write();
    }
    DiscardContents contents;
    for (size_t i = 0; i < pages.size(); ++i) {
      try {
        QPDFPageObjectHelper(pages[i]).parseContents(&contents);
      } catch (const QPDFExc& e) {
        r.kind = "damaged";
        r.detail = absl::StrCat("page ", i + 1, ": ", e.getMessageDetail());
        return r;
      }
    }
    r.page_geometry = PageGeometry(pages);
    for (const QPDFExc& warning : qpdf.getWarnings()) {
      if (r.warnings.size() == kMaxWarnings) break;
      r.warnings.push_back(warning.getMessageDetail());
    }

    // PoDoFo reads the upload as it is: a signed upload is stored byte for
    // byte and later opened by PoDoFo to add signatures, and a file that
    // defeats the reader is refused whether signed or not.
    PoDoFo::PdfMemDocument upload;
    upload.Load(path.c_str());
    ParseEveryObject(upload);
    r.has_signatures = internal::HasSignatures(upload);
    const PoDoFo::PdfString title = upload.GetInfo()->GetTitle();
    if (title.IsValid()) {
      absl::StatusOr<std::string> nfc = NormalizeNfc(title.GetStringUtf8());
      if (nfc.ok()) r.title = TruncateUtf8(*std::move(nfc), kMaxTitleBytes);
    }

    if (!r.has_signatures) {
      QPDFWriter writer(qpdf, normalised_path.c_str());
      writer.setObjectStreamMode(qpdf_o_disable);
      // The same upload must normalise to the same bytes, or the blob store
      // would keep identical documents twice: no time-based /ID.
      writer.setDeterministicID(true);
      writer.write();
      // The server will open this copy in-process (to stamp or sign it):
      // prove here that PoDoFo reads it.
      PoDoFo::PdfMemDocument normalised;
      normalised.Load(normalised_path.c_str());
      ParseEveryObject(normalised);
    }
    r.kind = "ok";
  } catch (const QPDFExc& e) {
    r.kind = "damaged";
    r.detail = e.getMessageDetail();
  } catch (const PoDoFo::PdfError& e) {
    const absl::Status status = internal::PdfErrorToStatus(e, "PoDoFo");
    if (status.code() == absl::StatusCode::kFailedPrecondition) {
      r.kind = "encrypted";
    } else if (status.code() == absl::StatusCode::kResourceExhausted) {
      r.kind = "out_of_memory";
    } else {
      r.kind = "damaged";
      r.detail = PoDoFo::PdfError::ErrorMessage(e.GetError());
    }
  } catch (const std::bad_alloc&) {
    r.kind = "out_of_memory";
  } catch (const std::exception& e) {
    r.kind = "damaged";
    r.detail = e.what();
  } catch (...) {
    r.kind = "damaged";
    r.detail = "unreadable";
  }
  return r;
}

std::string Seconds(absl::Duration d) {
  return absl::StrCat(absl::ToDoubleSeconds(d));
}

}  // namespace

absl::StatusOr<ScreenReport> ScreenUpload(const std::string& path, const ScreenLimits& limits) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no file at ", path));
    return absl::InternalError(absl::StrCat("stat ", path, ": ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError("the upload is not a file");
  if (st.st_size > limits.max_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the file is over ", internal::Megabytes(limits.max_bytes), " MB"));
  }

  // Not-a-PDF is told apart cheaply and safely here: reading bytes is not
  // parsing them.
  {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return absl::InternalError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
    std::string head(kHeaderWindow, '\0');
    const ssize_t n = read(fd, head.data(), head.size());
    close(fd);
    head.resize(n > 0 ? static_cast<size_t>(n) : 0);
    if (head.find("%PDF-") == std::string::npos) {
      return absl::InvalidArgumentError("the file is not a PDF");
    }
  }

  const std::string normalised_path = absl::StrCat(path, ".normalised.pdf");
  unlink(normalised_path.c_str());
  internal::SandboxLimits sandbox;
  sandbox.time_limit = limits.time_limit;
  sandbox.memory_bytes = limits.memory_bytes;
  sandbox.stack_bytes = limits.stack_bytes;
  sandbox.file_bytes = 4 * limits.max_bytes;
  internal::SandboxResult run =
      internal::RunSandboxed(sandbox, [&]() -> absl::StatusOr<std::string> {
        internal::SilencePodofo();
        return Serialize(Screen(path, normalised_path, limits));
      });

  auto fail = [&](absl::Status status) -> absl::StatusOr<ScreenReport> {
    unlink(normalised_path.c_str());
    return status;
  };
  ChildResult r;
  switch (run.end) {
    case internal::SandboxEnd::kFinished:
      if (!run.value.ok() || !Parse(*run.value, &r)) {
        return fail(absl::InternalError("screening ended without a result"));
      }
      break;
    case internal::SandboxEnd::kTimedOut:
      return fail(absl::InvalidArgumentError(absl::StrCat("the PDF took too long to read (over ",
                                                          Seconds(limits.time_limit),
                                                          " s); it may be malformed")));
    case internal::SandboxEnd::kFileTooBig:
      return fail(absl::ResourceExhaustedError(absl::StrCat(
          "the normalised PDF would be over ", internal::Megabytes(sandbox.file_bytes), " MB")));
    case internal::SandboxEnd::kCrashed:
      return fail(absl::InvalidArgumentError(absl::StrCat(
          "the PDF crashed the reader (signal ", run.signal, ", ", sigdescr_np(run.signal),
          "); it is malformed or hostile and was not accepted")));
    case internal::SandboxEnd::kOutOfMemory:
      r.kind = "out_of_memory";
      break;
    case internal::SandboxEnd::kResultTooBig:
    case internal::SandboxEnd::kFailed:
      return fail(
          absl::InternalError(absl::StrCat("screening failed: ", run.value.status().message())));
  }
  if (r.kind == "damaged") {
    return fail(absl::InvalidArgumentError(absl::StrCat("the PDF is damaged: ", r.detail)));
  }
  if (r.kind == "encrypted") {
    return fail(absl::FailedPreconditionError(
        "encrypted PDFs are not accepted; remove the password and upload again"));
  }
  if (r.kind == "too_many_pages") {
    return fail(absl::ResourceExhaustedError(absl::StrCat(
        "the PDF has more than ", limits.max_pages, " pages (it has ", r.pages, ")")));
  }
  if (r.kind == "out_of_memory") {
    return fail(absl::ResourceExhaustedError(absl::StrCat("reading the PDF needed more than ",
                                                          internal::Megabytes(limits.memory_bytes),
                                                          " MB of memory; it may be malformed")));
  }
  if (r.kind != "ok") {
    return fail(absl::InternalError(absl::StrCat("screening failed: ", r.detail)));
  }
  ScreenReport report;
  report.pages = r.pages;
  report.title = std::move(r.title);
  report.has_signatures = r.has_signatures;
  report.page_geometry = std::move(r.page_geometry);
  report.warnings = std::move(r.warnings);
  if (!r.has_signatures) report.normalised_path = normalised_path;
  return report;
}

}  // namespace hopso::pdf
