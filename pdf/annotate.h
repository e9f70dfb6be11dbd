// A delegate's annotations written into a copy of a PDF as standard PDF
// annotations, so that any reader shows them: ink strokes as /Ink, marked
// areas as /Highlight, notes as /Text (a note icon whose pop-up holds the
// text).
#ifndef HOPSO_PDF_ANNOTATE_H_
#define HOPSO_PDF_ANNOTATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace hopso::pdf {

// Coordinates are PDF points on the page as it is displayed (crop box, else
// media box, turned by the page's /Rotate), origin at its top-left corner, y
// growing downwards: what a viewer shows and the tablet records.
struct DisplayPoint {
  double x = 0;
  double y = 0;
};

struct DisplayRect {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

enum class MarkKind { kInk, kHighlight, kNote };

struct PageMark {
  int page = 0;  // 0-based
  MarkKind kind = MarkKind::kInk;
  // 0xAARRGGBB; the alpha becomes the annotation's opacity.
  uint32_t argb = 0xFF000000;
  // Ink: stroke width in points.
  double width = 1;
  // Ink: the stroke (at least one point).
  std::vector<DisplayPoint> points;
  // Highlight: the marked areas; note: where it sits (the first one).
  std::vector<DisplayRect> rects;
  // Note text; any UTF-8 (written as UTF-16BE, so Vietnamese and characters
  // beyond the BMP survive).
  std::string text;
  // Shown by readers as the annotation's author (/T, any UTF-8).
  std::string author;
  // The annotation's unique name (/NM), ASCII: Hopso's annotation id.
  std::string name;
  int64_t modified_unix_seconds = 0;
};

// WriteAnnotatedCopy
//
// Writes to `output_path` the PDF at `input_path` with `marks` added as an
// incremental update (the original bytes come first, unchanged, so
// signatures still cover what they signed). Only for files Hopso stored
// (PoDoFo parses them in this process). INVALID_ARGUMENT for a mark on a page
// the PDF does not have, with too few points or rects, or with invalid UTF-8;
// NOT_FOUND when the input cannot be opened; FAILED_PRECONDITION when it is
// encrypted.
absl::Status WriteAnnotatedCopy(const std::string& input_path, const std::string& output_path,
                                const std::vector<PageMark>& marks);

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_ANNOTATE_H_
