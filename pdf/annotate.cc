#include "pdf/annotate.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <podofo/podofo.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "pdf/internal/files.h"
#include "pdf/internal/podofo_status.h"
#include "pdf/internal/status_macros.h"

namespace hopso::pdf {
namespace {

// A note's icon is this many points square when its rect gives no size.
constexpr double kNoteIconPt = 20;

struct UserPoint {
  double x;
  double y;
};

// The page's displayed frame: the crop box (else the media box) in user
// space and the /Rotate that turns it for display.
struct PageFrame {
  double left;
  double bottom;
  double right;
  double top;
  int rotation;  // 0, 90, 180 or 270, clockwise

  static PageFrame Of(PoDoFo::PdfPage& page) {
    PoDoFo::PdfRect box = page.GetCropBox();
    if (box.GetWidth() <= 0 || box.GetHeight() <= 0) box = page.GetMediaBox();
    return {box.GetLeft(), box.GetBottom(), box.GetLeft() + box.GetWidth(),
            box.GetBottom() + box.GetHeight(), ((page.GetRotation() % 360) + 360) % 360};
  }

  // From the displayed page (top-left origin, y down) to user space.
  UserPoint ToUser(double x, double y) const {
    switch (rotation) {
      case 90: return {left + y, bottom + x};
      case 180: return {right - x, bottom + y};
      case 270: return {right - y, top - x};
      default: return {left + x, top - y};
    }
  }
};

// The smallest PdfRect holding `points`, grown by `margin` on every side.
PoDoFo::PdfRect Bounds(const std::vector<UserPoint>& points, double margin) {
  double x0 = points[0].x, x1 = points[0].x, y0 = points[0].y, y1 = points[0].y;
  for (const UserPoint& p : points) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  return PoDoFo::PdfRect(x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin);
}

// The four corners of a displayed rect in user space, in /QuadPoints order:
// upper left, upper right, lower left, lower right (as displayed, so that a
// rotated page's highlight still reads along its text).
std::vector<UserPoint> Corners(const PageFrame& frame, const DisplayRect& r) {
  return {frame.ToUser(r.x, r.y), frame.ToUser(r.x + r.width, r.y),
          frame.ToUser(r.x, r.y + r.height), frame.ToUser(r.x + r.width, r.y + r.height)};
}

// A PDF text string in UTF-16BE: PoDoFo's UTF-8 constructor would drop
// characters beyond the Basic Multilingual Plane; these become surrogate
// pairs here.
absl::StatusOr<PoDoFo::PdfString> TextString(const std::string& utf8) {
  std::string be;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(utf8.size());
  auto put = [&be](uint32_t unit) {
    be.push_back(static_cast<char>(unit >> 8));
    be.push_back(static_cast<char>(unit & 0xff));
  };
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp < 0) return absl::InvalidArgumentError("note text is not valid UTF-8");
    if (cp > 0xffff) {
      const uint32_t v = static_cast<uint32_t>(cp) - 0x10000;
      put(0xd800 + (v >> 10));
      put(0xdc00 + (v & 0x3ff));
    } else {
      put(static_cast<uint32_t>(cp));
    }
    p += n;
    left -= n;
  }
  // Words in big-endian byte order, as PoDoFo's UTF-16BE constructor takes them.
  std::vector<PoDoFo::pdf_utf16be> words(be.size() / 2 + 1, 0);
  std::memcpy(words.data(), be.data(), be.size());
  return PoDoFo::PdfString(words.data(), static_cast<PoDoFo::pdf_long>(be.size() / 2));
}

PoDoFo::PdfString AsciiString(const std::string& text) { return PoDoFo::PdfString(text.c_str()); }

absl::Status AddMark(PoDoFo::PdfMemDocument& doc, const PageMark& mark) {
  if (mark.page < 0 || mark.page >= doc.GetPageCount()) {
    return absl::InvalidArgumentError(absl::StrCat("the PDF has no page ", mark.page + 1));
  }
  PoDoFo::PdfPage* page = doc.GetPage(mark.page);
  const PageFrame frame = PageFrame::Of(*page);
  PoDoFo::PdfAnnotation* annotation = nullptr;
  switch (mark.kind) {
    case MarkKind::kInk: {
      if (mark.points.empty()) return absl::InvalidArgumentError("an ink stroke needs a point");
      std::vector<UserPoint> points;
      PoDoFo::PdfArray stroke;
      for (const DisplayPoint& d : mark.points) {
        const UserPoint& p = points.emplace_back(frame.ToUser(d.x, d.y));
        stroke.push_back(PoDoFo::PdfObject(p.x));
        stroke.push_back(PoDoFo::PdfObject(p.y));
      }
      annotation = page->CreateAnnotation(PoDoFo::ePdfAnnotation_Ink,
                                          Bounds(points, std::max(mark.width, 1.0)));
      PoDoFo::PdfArray ink_list;
      ink_list.push_back(stroke);
      PoDoFo::PdfDictionary border;
      border.AddKey("W", PoDoFo::PdfObject(mark.width));
      border.AddKey("S", PoDoFo::PdfName("S"));
      annotation->GetObject()->GetDictionary().AddKey("InkList", ink_list);
      annotation->GetObject()->GetDictionary().AddKey("BS", border);
      break;
    }
    case MarkKind::kHighlight: {
      if (mark.rects.empty()) return absl::InvalidArgumentError("a highlight needs a rect");
      std::vector<UserPoint> all;
      PoDoFo::PdfArray quads;
      for (const DisplayRect& r : mark.rects) {
        for (const UserPoint& p : Corners(frame, r)) {
          all.push_back(p);
          quads.push_back(PoDoFo::PdfObject(p.x));
          quads.push_back(PoDoFo::PdfObject(p.y));
        }
      }
      annotation = page->CreateAnnotation(PoDoFo::ePdfAnnotation_Highlight, Bounds(all, 0));
      annotation->SetQuadPoints(quads);
      break;
    }
    case MarkKind::kNote: {
      if (mark.rects.empty()) return absl::InvalidArgumentError("a note needs a rect");
      DisplayRect r = mark.rects[0];
      if (r.width <= 0 || r.height <= 0) r.width = r.height = kNoteIconPt;
      annotation = page->CreateAnnotation(PoDoFo::ePdfAnnotation_Text,
                                          Bounds(Corners(frame, r), 0));
      annotation->GetObject()->GetDictionary().AddKey("Name", PoDoFo::PdfName("Comment"));
      annotation->SetOpen(false);
      break;
    }
  }
  const double red = ((mark.argb >> 16) & 0xff) / 255.0;
  const double green = ((mark.argb >> 8) & 0xff) / 255.0;
  const double blue = (mark.argb & 0xff) / 255.0;
  annotation->SetColor(red, green, blue);
  const uint32_t alpha = mark.argb >> 24;
  PoDoFo::PdfDictionary& dict = annotation->GetObject()->GetDictionary();
  if (alpha != 0xff) dict.AddKey("CA", PoDoFo::PdfObject(alpha / 255.0));
  annotation->SetFlags(PoDoFo::ePdfAnnotationFlags_Print);
  if (!mark.text.empty()) {
    ASSIGN_OR_RETURN(PoDoFo::PdfString contents, TextString(mark.text));
    annotation->SetContents(contents);
  }
  if (!mark.author.empty()) {
    ASSIGN_OR_RETURN(PoDoFo::PdfString author, TextString(mark.author));
    annotation->SetTitle(author);
  }
  if (!mark.name.empty()) dict.AddKey("NM", AsciiString(mark.name));
  if (mark.modified_unix_seconds > 0) {
    PoDoFo::PdfString date;
    PoDoFo::PdfDate(static_cast<time_t>(mark.modified_unix_seconds)).ToString(date);
    dict.AddKey("M", date);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteAnnotatedCopy(const std::string& input_path, const std::string& output_path,
                                const std::vector<PageMark>& marks) {
  internal::SilencePodofo();
  const std::string doing = absl::StrCat("annotating ", input_path);
  const std::string temp = absl::StrCat(output_path, ".part");
  try {
    PoDoFo::PdfMemDocument doc;
    doc.Load(input_path.c_str(), /*bForUpdate=*/true);
    if (doc.GetEncrypted()) {
      return absl::FailedPreconditionError(absl::StrCat(doing, ": the PDF is encrypted"));
    }
    for (const PageMark& mark : marks) RETURN_IF_ERROR(AddMark(doc, mark));
    doc.WriteUpdate(temp.c_str());
  } catch (const PoDoFo::PdfError& e) {
    std::remove(temp.c_str());
    return internal::PdfErrorToStatus(e, doing);
  }
  return internal::MoveIntoPlace(temp, output_path);
}

}  // namespace hopso::pdf
