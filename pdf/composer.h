// A small page-composition API over PoDoFo 0.9.8 for the PDFs Hopso
// generates itself (handouts, posters, demo documents, later the minutes).
//
// Everything is measured in millimetres from the TOP-LEFT corner of the
// current page, the way a layout on paper is described; PDF points and the
// bottom-up PDF coordinate system stay inside composer.cc. Text is Liberation
// Serif (metric-compatible with Times New Roman, the face of Vietnamese
// administrative documents), subset-embedded with an Identity encoding and a
// ToUnicode map, so Vietnamese renders and `pdftotext` gives it back. Every
// string is NFC-normalised before it is measured or drawn.
//
// Two ways to place things:
//   * at a fixed position on the current page (DrawText, DrawTextBox,
//     DrawRule, DrawQr), and
//   * at the flow cursor (Paragraph, Table), which moves down as blocks are
//     added and starts a new page when the next line or row does not fit.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<Composer> c, Composer::Create());
//   RETURN_IF_ERROR(c->Paragraph("CHƯƠNG TRÌNH PHIÊN HỌP",
//                                {.size_pt = 14, .bold = true, .align = Align::kCenter}));
//   RETURN_IF_ERROR(c->DrawQr(c->content_left_mm(), c->cursor_mm(), 25, "https://…", QrLevel::kQ));
//   RETURN_IF_ERROR(c->Save("/tmp/out.pdf"));
//
// A Composer is not thread-safe; use one per document.
#ifndef HOPSO_PDF_COMPOSER_H_
#define HOPSO_PDF_COMPOSER_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace PoDoFo {
class PdfFont;
class PdfMemDocument;
class PdfPainter;
}  // namespace PoDoFo

namespace hopso::pdf {
namespace internal {
struct Line;
}  // namespace internal

// Where Debian's fonts-liberation2 installs Liberation Serif.
inline constexpr char kDefaultFontDir[] = "/usr/share/fonts/truetype/liberation2";

enum class Orientation { kPortrait, kLandscape };

// kJustify stretches every line of a paragraph but the last one to the full
// width (Vietnamese administrative documents are justified).
enum class Align { kLeft, kCenter, kRight, kJustify };

// Error-correction level of a QR code: kQ (25 % recovery) for paper that gets
// photocopied or folded, kM (15 %) for screens.
enum class QrLevel { kM, kQ };

struct TextStyle {
  double size_pt = 13;
  bool bold = false;
  bool italic = false;
  Align align = Align::kLeft;
  // Line height as a multiple of size_pt.
  double line_spacing = 1.2;
};

// Page margins. The defaults follow Decree 30/2020/NĐ-CP on administrative
// documents (top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm).
struct Margins {
  double top_mm = 20;
  double bottom_mm = 20;
  double left_mm = 30;
  double right_mm = 15;
};

struct ComposerOptions {
  Orientation orientation = Orientation::kPortrait;
  Margins margins = {};
  // Directory holding LiberationSerif-{Regular,Bold,Italic,BoldItalic}.ttf.
  std::string font_dir = kDefaultFontDir;
  // The document information title (what viewers show in the title bar).
  std::string title = {};
};

// Placement of a flowed paragraph inside the content area (between the left
// and right margins).
struct ParagraphLayout {
  // Offset of the paragraph's left edge from the left margin.
  double indent_mm = 0;
  // Width of the paragraph; 0 means up to the right margin.
  double width_mm = 0;
  // Extra indent of the first line of each line of `text`; negative, down to
  // -indent_mm, for a hanging indent (numbered and dashed lists).
  double first_line_indent_mm = 0;
  // Space added below the paragraph.
  double space_after_mm = 0;
};

// A table drawn at the flow cursor. Rows are never split across pages; when a
// row does not fit, the table continues on a new page, repeating the header.
struct TableSpec {
  struct Column {
    double width_mm = 0;
    // Alignment of the body cells; header cells are centred.
    Align align = Align::kLeft;
  };
  std::vector<Column> columns;
  // Empty: no header row. Otherwise one cell per column.
  std::vector<std::string> header;
  // One cell per column in each row; cells wrap to their column width.
  std::vector<std::vector<std::string>> rows;
  TextStyle header_style = {.size_pt = 12, .bold = true};
  TextStyle body_style = {.size_pt = 12};
  double padding_mm = 1.5;
  // Offset of the table's left edge from the left margin.
  double indent_mm = 0;
};

struct PageNumbering {
  TextStyle style = {.size_pt = 10};
  // Decree 30/2020/NĐ-CP style for administrative documents: the bare number
  // centred in the top margin, none on the first page. Otherwise
  // "<page>/<pages>" centred in the bottom margin of every page.
  bool administrative = false;
};

// QrSymbol / EncodeQr
//
// The modules of the QR symbol for `payload` at `level`, row by row, without
// the quiet zone; true is dark. Errors as QrModuleCount.
struct QrSymbol {
  int size = 0;  // modules across
  std::vector<bool> dark;
  bool Dark(int row, int col) const { return dark[static_cast<size_t>(row) * size + col]; }
};
absl::StatusOr<QrSymbol> EncodeQr(absl::string_view payload, QrLevel level);

// QrModuleCount
//
// The number of modules across the QR symbol for `payload` at `level`
// (21 for version 1, +4 per version), without the quiet zone.
// INVALID_ARGUMENT when the payload is empty, contains a NUL byte, or is too
// long for any QR version.
absl::StatusOr<int> QrModuleCount(absl::string_view payload, QrLevel level);

class Composer {
 public:
  // Create
  //
  // A document with one empty A4 page. FAILED_PRECONDITION when the fonts are
  // missing from `options.font_dir` (install fonts-liberation2).
  static absl::StatusOr<std::unique_ptr<Composer>> Create(ComposerOptions options = {});

  ~Composer();
  Composer(const Composer&) = delete;
  Composer& operator=(const Composer&) = delete;

  // --- Pages and the flow cursor -------------------------------------------

  // NewPage
  //
  // Starts a new A4 page, in the orientation of the current one or the one
  // given, and puts the cursor at its top margin.
  absl::Status NewPage();
  absl::Status NewPage(Orientation orientation);

  int page_count() const { return static_cast<int>(pages_.size()); }
  double page_width_mm() const;
  double page_height_mm() const;
  const Margins& margins() const { return options_.margins; }
  double content_left_mm() const { return options_.margins.left_mm; }
  double content_width_mm() const;

  // Distance from the top edge of the current page to where the next flowed
  // block starts.
  double cursor_mm() const { return cursor_mm_; }
  void SetCursor(double top_mm) { cursor_mm_ = top_mm; }
  // Moves the cursor down by `dy_mm` (up when negative); never starts a page.
  void MoveCursor(double dy_mm) { cursor_mm_ += dy_mm; }
  // Height left between the cursor and the bottom margin.
  double SpaceLeftMm() const;
  // Starts a new page when less than `height_mm` is left below the cursor,
  // e.g. to keep a heading with the block under it.
  absl::Status EnsureSpace(double height_mm);

  // --- Measuring -----------------------------------------------------------

  // Width of `text` set on one line.
  absl::StatusOr<double> TextWidthMm(absl::string_view text, const TextStyle& style);
  // Height of one line: style.size_pt * style.line_spacing, in mm.
  static double LineHeightMm(const TextStyle& style);
  // `text` broken into lines no wider than `width_mm`: at spaces, at every
  // '\n', and inside a word only when the word alone is wider than the line.
  absl::StatusOr<std::vector<std::string>> WrapLines(absl::string_view text,
                                                     const TextStyle& style, double width_mm);
  // Height of `text` wrapped to `width_mm`.
  absl::StatusOr<double> TextHeightMm(absl::string_view text, const TextStyle& style,
                                      double width_mm);

  // --- Drawing at a fixed position on the current page ---------------------

  // DrawText
  //
  // One line whose line box starts `top_mm` below the top edge. Alignment is
  // relative to `x_mm`: kLeft starts there, kCenter centres on it, kRight ends
  // there. No wrapping.
  absl::Status DrawText(double x_mm, double top_mm, absl::string_view text, const TextStyle& style);

  // DrawTextBox
  //
  // `text` wrapped to `width_mm`, starting at (`x_mm`, `top_mm`), aligned
  // within the width. Never starts a page; returns the height used.
  absl::StatusOr<double> DrawTextBox(double x_mm, double top_mm, double width_mm,
                                     absl::string_view text, const TextStyle& style);

  // DrawRule
  //
  // A horizontal line from `x_mm` to `x_mm + length_mm` at `y_mm`.
  absl::Status DrawRule(double x_mm, double y_mm, double length_mm, double thickness_pt = 0.6);

  // DrawQr
  //
  // A QR code for `payload` as vector rectangles (one per run of dark
  // modules, all filled at once) over a white square of `size_mm` whose top
  // left corner is (`x_mm`, `top_mm`). The square includes the 4-module
  // quiet zone, so `size_mm` is the space to reserve on the page.
  absl::Status DrawQr(double x_mm, double top_mm, double size_mm, absl::string_view payload,
                      QrLevel level);

  // --- Flowing at the cursor -----------------------------------------------

  // Paragraph
  //
  // `text` wrapped within `layout`, drawn line by line from the cursor,
  // starting a new page whenever the next line would cross the bottom margin.
  // Returns the total height used (over all pages) and leaves the cursor under
  // the last line plus `layout.space_after_mm`.
  // INVALID_ARGUMENT when the paragraph would stick out of the content area.
  absl::StatusOr<double> Paragraph(absl::string_view text, const TextStyle& style,
                                   const ParagraphLayout& layout = {});

  // Table
  //
  // Draws `table` from the cursor (see TableSpec). INVALID_ARGUMENT when the
  // columns are wider than the content area or a row has the wrong number of
  // cells; OUT_OF_RANGE when one row is taller than a whole page. Returns the
  // total height used.
  absl::StatusOr<double> Table(const TableSpec& table);

  // --- Finishing -----------------------------------------------------------

  // AddPageNumbers
  //
  // Numbers every page. Call it once, after the last page is complete.
  absl::Status AddPageNumbers(const PageNumbering& numbering = {});

  // Save
  //
  // Embeds the font subsets and writes the PDF to `path` (through a temporary
  // file and a rename, so a reader never sees half a file). The composer is
  // finished afterwards: later calls return FAILED_PRECONDITION.
  absl::Status Save(const std::string& path);

 private:
  explicit Composer(ComposerOptions options);

  absl::Status CheckOpen() const;
  absl::StatusOr<PoDoFo::PdfFont*> Font(const TextStyle& style);
  // Prepares (NFC, ...) and wraps `text`; the first line of each '\n' piece
  // gets `first_width_mm`.
  absl::StatusOr<std::vector<internal::Line>> Wrap(absl::string_view text, const TextStyle& style,
                             double first_width_mm, double rest_width_mm);
  // Draws one wrapped line inside [x_mm, x_mm + width_mm] with its line box
  // at top_mm.
  absl::Status DrawLine(double x_mm, double top_mm, double width_mm,
                        const internal::Line& line, const TextStyle& style);
  absl::Status DrawTableRow(double x_mm, double top_mm, double height_mm,
                            const TableSpec& table,
                            const std::vector<std::vector<internal::Line>>& cells, bool header);
  double YPt(double top_mm) const;

  ComposerOptions options_;
  std::unique_ptr<PoDoFo::PdfMemDocument> doc_;
  std::unique_ptr<PoDoFo::PdfPainter> painter_;
  // Orientation of each page. PdfPage pointers are not kept: PoDoFo's page
  // cache may replace them when pages are added.
  std::vector<Orientation> pages_;
  // Orientation of the current page.
  Orientation orientation_;
  double cursor_mm_ = 0;
  bool saved_ = false;
  // Fonts by (bold, italic), created on first use so unused faces are not
  // embedded.
  std::map<std::pair<bool, bool>, PoDoFo::PdfFont*> fonts_;
};

}  // namespace hopso::pdf

#endif  // HOPSO_PDF_COMPOSER_H_
