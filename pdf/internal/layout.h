// PoDoFo-level text and QR drawing shared by Composer (pages we create) and
// StampFirstPage (a form XObject on someone else's page), in PDF points in
// the canvas's own bottom-up coordinates; and, at the end, the pieces of
// administrative layout the composed documents share (meeting_pdfs.cc,
// minutes.cc), in the Composer's millimetres from the top-left corner.
#ifndef HOPSO_PDF_INTERNAL_LAYOUT_H_
#define HOPSO_PDF_INTERNAL_LAYOUT_H_

#include <string>
#include <vector>

#include <podofo/podofo.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pdf/composer.h"
#include "pdf/meeting_pdfs.h"

namespace hopso::pdf::internal {

inline constexpr double kPtPerMm = 72.0 / 25.4;
// The white margin a QR code needs around it, in modules (ISO/IEC 18004).
inline constexpr int kQrQuietZoneModules = 4;
inline double MmToPt(double mm) { return mm * kPtPerMm; }

// FinishPainter
//
// Finishes a painter however the drawing ends: PdfPainter's destructor
// asserts that FinishPage was called.
class FinishPainter {
 public:
  explicit FinishPainter(PoDoFo::PdfPainter& painter) : painter_(painter) {}
  ~FinishPainter() {
    try {
      if (painter_.GetPage() != nullptr) painter_.FinishPage();
    } catch (const PoDoFo::PdfError&) {
      // The drawing is being abandoned with the error that caused this.
    }
  }
  FinishPainter(const FinishPainter&) = delete;
  FinishPainter& operator=(const FinishPainter&) = delete;

 private:
  PoDoFo::PdfPainter& painter_;
};

// CheckFonts
//
// FAILED_PRECONDITION naming the Debian package unless the regular and bold
// faces are readable in `font_dir`.
absl::Status CheckFonts(const std::string& font_dir);

// LoadFont
//
// Liberation Serif from `font_dir`, subset-embedded with an Identity
// encoding (the only 0.9.8 combination that draws Vietnamese).
// FAILED_PRECONDITION naming the Debian package when the file is missing.
absl::StatusOr<PoDoFo::PdfFont*> LoadFont(PoDoFo::PdfDocument& doc, const std::string& font_dir,
                                          bool bold, bool italic);

// PrepareText
//
// NFC, tabs to spaces, other control characters dropped, characters beyond
// the Basic Multilingual Plane (which PoDoFo 0.9.8 cannot encode) replaced by
// U+FFFD. INVALID_ARGUMENT for invalid UTF-8.
absl::StatusOr<std::string> PrepareText(absl::string_view text);

// PdfString of UTF-8 text: PdfString(const char*) would read the bytes as
// PdfDocEncoding and produce mojibake.
PoDoFo::PdfString Utf8String(const std::string& utf8);

// Width in points of prepared text at the font's current size.
double WidthPt(PoDoFo::PdfFont* font, const std::string& prepared);

struct Line {
  std::string text;
  // Last line of a '\n'-separated piece: never stretched by kJustify.
  bool ends_paragraph = false;
};

// WrapPrepared
//
// Breaks prepared text at spaces and '\n' into lines no wider than
// `first_width_pt` (the first line of each piece) or `rest_width_pt`, and
// inside a word only when the word alone is wider. Sets the font's size.
std::vector<Line> WrapPrepared(PoDoFo::PdfFont* font, double size_pt, const std::string& prepared,
                               double first_width_pt, double rest_width_pt);

// PaintLine
//
// One wrapped line with its baseline at `baseline_pt`, aligned within
// [x_pt, x_pt + width_pt]. Sets the painter's font and size.
void PaintLine(PoDoFo::PdfPainter& painter, PoDoFo::PdfFont* font, double size_pt, double x_pt,
               double baseline_pt, double width_pt, const Line& line, Align align);

// Baseline offset below the top of a line box of `line_height_pt` that
// centres the font's ascent-to-descent band in it. Sets the font's size.
double BaselineOffsetPt(PoDoFo::PdfFont* font, double size_pt, double line_height_pt);

// PaintQr
//
// A QR symbol for `payload` over a white square of `size_pt` (quiet zone
// included) whose top-left corner is (left_pt, top_pt): one rectangle per run
// of dark modules, filled at once. Leaves the fill colour black.
absl::Status PaintQr(PoDoFo::PdfPainter& painter, double left_pt, double top_pt, double size_pt,
                     absl::string_view payload, QrLevel level);

// HasSignatures
//
// True when any object of `doc` is a signature value (a dictionary with
// /ByteRange, or /Type /Sig or /DocTimeStamp) or a signature field that has
// a value (/FT /Sig with /V). Parses every object of a lazily loaded
// document, so only call it on trusted files or inside the screening child.
bool HasSignatures(PoDoFo::PdfMemDocument& doc);

// --- Administrative layout on a Composer ------------------------------------

// Smallest module on paper. ~1 mm decodes from a 150 dpi scan and 0.3 mm
// only at 300 dpi (STACK.md); 0.6 mm keeps a short locator's code near
// kHandoutQrMinMm and still decodes from the tests' 150 dpi renders.
inline constexpr double kMinPrintedModuleMm = 0.6;

// INVALID_ARGUMENT "<field> is required" when `value` is empty.
absl::Status Required(absl::string_view field, absl::string_view value);

// Lines of the issuing body: the custom break after "ỦY BAN NHÂN DÂN" or
// "HỘI ĐỒNG NHÂN DÂN" unless the caller placed '\n' itself.
std::string BreakOrganisation(const std::string& organisation);

// DrawDocumentHeader
//
// The Decree 30/2020/NĐ-CP header at the cursor: the issuing body with a
// short rule and the number top left; the national title, the motto with its
// rule, and place and date in italics top right. Moves the cursor below it.
// INVALID_ARGUMENT without an organisation.
absl::Status DrawDocumentHeader(Composer& c, const DocumentHeader& header);

// PrintedQrSizeMm
//
// The space a printed level-Q QR code takes, quiet zone included: at least
// `minimum_mm`, more when the payload needs so many modules that they would
// drop below kMinPrintedModuleMm. INVALID_ARGUMENT when that exceeds
// `maximum_mm` or the payload cannot be encoded.
absl::StatusOr<double> PrintedQrSizeMm(absl::string_view payload, double minimum_mm,
                                       double maximum_mm);

}  // namespace hopso::pdf::internal

#endif  // HOPSO_PDF_INTERNAL_LAYOUT_H_
