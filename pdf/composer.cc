#include "pdf/composer.h"

#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <podofo/podofo.h>

#include "absl/strings/str_cat.h"
#include "pdf/internal/layout.h"
#include "pdf/internal/podofo_status.h"
#include "pdf/internal/status_macros.h"
#include "pdf/text.h"

namespace hopso::pdf {
namespace {

using internal::Line;
using internal::MmToPt;

constexpr double kPtPerMm = internal::kPtPerMm;
constexpr double kA4ShortMm = 210.0;
constexpr double kA4LongMm = 297.0;
// Lets a flowed line end exactly on the bottom margin despite rounding.
constexpr double kEpsilonMm = 1e-6;

absl::Status Caught(const PoDoFo::PdfError& e, absl::string_view doing) {
  return internal::PdfErrorToStatus(e, doing);
}

}  // namespace

absl::StatusOr<QrSymbol> EncodeQr(absl::string_view payload, QrLevel level) {
  if (payload.empty()) return absl::InvalidArgumentError("QR payload is empty");
  if (payload.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("QR payload contains a NUL byte");
  }
  const std::string text(payload);
  errno = 0;
  QRcode* code = QRcode_encodeString(text.c_str(), 0,
                                     level == QrLevel::kQ ? QR_ECLEVEL_Q : QR_ECLEVEL_M,
                                     QR_MODE_8, /*casesensitive=*/1);
  if (code == nullptr) {
    return absl::InvalidArgumentError(
        errno == ERANGE ? absl::StrCat("QR payload of ", payload.size(), " bytes is too long")
                        : "QR payload cannot be encoded");
  }
  QrSymbol symbol;
  symbol.size = code->width;
  symbol.dark.resize(static_cast<size_t>(code->width) * code->width);
  for (size_t i = 0; i < symbol.dark.size(); ++i) symbol.dark[i] = (code->data[i] & 1) != 0;
  QRcode_free(code);
  return symbol;
}

absl::StatusOr<int> QrModuleCount(absl::string_view payload, QrLevel level) {
  ASSIGN_OR_RETURN(QrSymbol symbol, EncodeQr(payload, level));
  return symbol.size;
}

Composer::Composer(ComposerOptions options)
    : options_(std::move(options)), orientation_(options_.orientation) {}

Composer::~Composer() {
  // PdfPainter asserts that the page was finished.
  if (painter_ != nullptr && !saved_) {
    try {
      painter_->FinishPage();
    } catch (const PoDoFo::PdfError&) {
      // Nothing to report to: the document is being dropped unsaved.
    }
  }
}

absl::StatusOr<std::unique_ptr<Composer>> Composer::Create(ComposerOptions options) {
  internal::SilencePodofo();
  // Fail now, not at the first text, when the fonts are not installed.
  RETURN_IF_ERROR(internal::CheckFonts(options.font_dir));
  std::unique_ptr<Composer> composer(new Composer(std::move(options)));
  try {
    composer->doc_ = std::make_unique<PoDoFo::PdfMemDocument>();
    composer->painter_ = std::make_unique<PoDoFo::PdfPainter>();
    PoDoFo::PdfInfo* info = composer->doc_->GetInfo();
    if (!composer->options_.title.empty()) {
      ASSIGN_OR_RETURN(std::string title, NormalizeNfc(composer->options_.title));
      info->SetTitle(internal::Utf8String(title));
    }
    info->SetCreator(PoDoFo::PdfString("Hopso"));
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "creating a PDF document");
  }
  RETURN_IF_ERROR(composer->NewPage(composer->orientation_));
  return composer;
}

absl::Status Composer::CheckOpen() const {
  if (saved_) return absl::FailedPreconditionError("the PDF was already saved");
  return absl::OkStatus();
}

double Composer::page_width_mm() const {
  return orientation_ == Orientation::kPortrait ? kA4ShortMm : kA4LongMm;
}

double Composer::page_height_mm() const {
  return orientation_ == Orientation::kPortrait ? kA4LongMm : kA4ShortMm;
}

double Composer::content_width_mm() const {
  return page_width_mm() - options_.margins.left_mm - options_.margins.right_mm;
}

double Composer::SpaceLeftMm() const {
  return page_height_mm() - options_.margins.bottom_mm - cursor_mm_;
}

double Composer::YPt(double top_mm) const { return MmToPt(page_height_mm() - top_mm); }

absl::Status Composer::NewPage() { return NewPage(orientation_); }

absl::Status Composer::NewPage(Orientation orientation) {
  RETURN_IF_ERROR(CheckOpen());
  orientation_ = orientation;
  try {
    PoDoFo::PdfPage* page = doc_->CreatePage(
        PoDoFo::PdfRect(0, 0, MmToPt(page_width_mm()), MmToPt(page_height_mm())));
    painter_->SetPage(page);
    pages_.push_back(orientation);
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "adding a page");
  }
  cursor_mm_ = options_.margins.top_mm;
  return absl::OkStatus();
}

absl::Status Composer::EnsureSpace(double height_mm) {
  if (SpaceLeftMm() + kEpsilonMm < height_mm) return NewPage();
  return absl::OkStatus();
}

absl::StatusOr<PoDoFo::PdfFont*> Composer::Font(const TextStyle& style) {
  const auto key = std::make_pair(style.bold, style.italic);
  if (auto it = fonts_.find(key); it != fonts_.end()) return it->second;
  try {
    ASSIGN_OR_RETURN(PoDoFo::PdfFont * font,
                     internal::LoadFont(*doc_, options_.font_dir, style.bold, style.italic));
    fonts_[key] = font;
    return font;
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "loading a font");
  }
}

double Composer::LineHeightMm(const TextStyle& style) {
  return style.size_pt * style.line_spacing / kPtPerMm;
}

absl::StatusOr<double> Composer::TextWidthMm(absl::string_view text, const TextStyle& style) {
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::string prepared, internal::PrepareText(text));
  ASSIGN_OR_RETURN(PoDoFo::PdfFont * font, Font(style));
  try {
    font->SetFontSize(static_cast<float>(style.size_pt));
    return internal::WidthPt(font, prepared) / kPtPerMm;
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "measuring text");
  }
}

absl::StatusOr<std::vector<Line>> Composer::Wrap(absl::string_view text, const TextStyle& style,
                                                 double first_width_mm, double rest_width_mm) {
  if (first_width_mm <= 0 || rest_width_mm <= 0) {
    return absl::InvalidArgumentError("text width must be positive");
  }
  ASSIGN_OR_RETURN(std::string prepared, internal::PrepareText(text));
  ASSIGN_OR_RETURN(PoDoFo::PdfFont * font, Font(style));
  try {
    return internal::WrapPrepared(font, style.size_pt, prepared, MmToPt(first_width_mm),
                                  MmToPt(rest_width_mm));
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "wrapping text");
  }
}

absl::StatusOr<std::vector<std::string>> Composer::WrapLines(absl::string_view text,
                                                             const TextStyle& style,
                                                             double width_mm) {
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::vector<Line> lines, Wrap(text, style, width_mm, width_mm));
  std::vector<std::string> result;
  result.reserve(lines.size());
  for (Line& line : lines) result.push_back(std::move(line.text));
  return result;
}

absl::StatusOr<double> Composer::TextHeightMm(absl::string_view text, const TextStyle& style,
                                              double width_mm) {
  ASSIGN_OR_RETURN(std::vector<std::string> lines, WrapLines(text, style, width_mm));
  return static_cast<double>(lines.size()) * LineHeightMm(style);
}

absl::Status Composer::DrawLine(double x_mm, double top_mm, double width_mm, const Line& line,
                                const TextStyle& style) {
  if (line.text.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(PoDoFo::PdfFont * font, Font(style));
  try {
    const double baseline =
        YPt(top_mm) -
        internal::BaselineOffsetPt(font, style.size_pt, MmToPt(LineHeightMm(style)));
    internal::PaintLine(*painter_, font, style.size_pt, MmToPt(x_mm), baseline, MmToPt(width_mm),
                        line, style.align);
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "drawing text");
  }
  return absl::OkStatus();
}

absl::Status Composer::DrawText(double x_mm, double top_mm, absl::string_view text,
                                const TextStyle& style) {
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::string prepared, internal::PrepareText(text));
  // One line: newlines become spaces.
  std::replace(prepared.begin(), prepared.end(), '\n', ' ');
  ASSIGN_OR_RETURN(PoDoFo::PdfFont * font, Font(style));
  double width_mm = 0;
  try {
    font->SetFontSize(static_cast<float>(style.size_pt));
    width_mm = internal::WidthPt(font, prepared) / kPtPerMm;
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "measuring text");
  }
  double left = x_mm;
  if (style.align == Align::kCenter) left = x_mm - width_mm / 2;
  if (style.align == Align::kRight) left = x_mm - width_mm;
  TextStyle left_aligned = style;
  left_aligned.align = Align::kLeft;
  return DrawLine(left, top_mm, width_mm, {prepared, true}, left_aligned);
}

absl::StatusOr<double> Composer::DrawTextBox(double x_mm, double top_mm, double width_mm,
                                             absl::string_view text, const TextStyle& style) {
  RETURN_IF_ERROR(CheckOpen());
  ASSIGN_OR_RETURN(std::vector<Line> lines, Wrap(text, style, width_mm, width_mm));
  const double line_mm = LineHeightMm(style);
  double y = top_mm;
  for (const Line& line : lines) {
    RETURN_IF_ERROR(DrawLine(x_mm, y, width_mm, line, style));
    y += line_mm;
  }
  return y - top_mm;
}

absl::Status Composer::DrawRule(double x_mm, double y_mm, double length_mm, double thickness_pt) {
  RETURN_IF_ERROR(CheckOpen());
  try {
    painter_->SetStrokeWidth(thickness_pt);
    painter_->SetStrokingColor(0, 0, 0);
    painter_->DrawLine(MmToPt(x_mm), YPt(y_mm), MmToPt(x_mm + length_mm), YPt(y_mm));
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "drawing a rule");
  }
  return absl::OkStatus();
}

absl::Status Composer::DrawQr(double x_mm, double top_mm, double size_mm,
                              absl::string_view payload, QrLevel level) {
  RETURN_IF_ERROR(CheckOpen());
  try {
    return internal::PaintQr(*painter_, MmToPt(x_mm), YPt(top_mm), MmToPt(size_mm), payload,
                             level);
  } catch (const PoDoFo::PdfError& e) {
    return Caught(e, "drawing a QR code");
  }
}

absl::StatusOr<double> Composer::Paragraph(absl::string_view text, const TextStyle& style,
                                           const ParagraphLayout& layout) {
  RETURN_IF_ERROR(CheckOpen());
  const double width =
      layout.width_mm > 0 ? layout.width_mm : content_width_mm() - layout.indent_mm;
  if (layout.indent_mm + width > content_width_mm() + kEpsilonMm) {
    return absl::InvalidArgumentError("paragraph is wider than the content area");
  }
  if (layout.indent_mm + layout.first_line_indent_mm < -kEpsilonMm) {
    return absl::InvalidArgumentError("paragraph's first line starts left of the content area");
  }
  ASSIGN_OR_RETURN(std::vector<Line> lines,
                   Wrap(text, style, width - layout.first_line_indent_mm, width));
  const double line_mm = LineHeightMm(style);
  double used = 0;
  bool first = true;
  for (const Line& line : lines) {
    if (SpaceLeftMm() + kEpsilonMm < line_mm) RETURN_IF_ERROR(NewPage());
    const double indent = first ? layout.first_line_indent_mm : 0;
    RETURN_IF_ERROR(DrawLine(content_left_mm() + layout.indent_mm + indent, cursor_mm_,
                             width - indent, line, style));
    cursor_mm_ += line_mm;
    used += line_mm;
    first = line.ends_paragraph;
  }
  cursor_mm_ += layout.space_after_mm;
  return used + layout.space_after_mm;
}

absl::Status Composer::DrawTableRow(double x_mm, double top_mm, double height_mm,
                                    const TableSpec& table,
                                    const std::vector<std::vector<Line>>& cells, bool header) {
  const TextStyle& base = header ? table.header_style : table.body_style;
  const double line_mm = LineHeightMm(base);
  double x = x_mm;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const double width = table.columns[c].width_mm;
    try {
      const PoDoFo::PdfRect cell(MmToPt(x), YPt(top_mm + height_mm), MmToPt(width),
                                 MmToPt(height_mm));
      if (header) {
        painter_->SetColor(0.9, 0.9, 0.9);
        painter_->Rectangle(cell);
        painter_->Fill();
        painter_->SetColor(0, 0, 0);
      }
      painter_->SetStrokeWidth(0.5);
      painter_->SetStrokingColor(0, 0, 0);
      painter_->Rectangle(cell);
      painter_->Stroke();
    } catch (const PoDoFo::PdfError& e) {
      return Caught(e, "drawing a table");
    }
    TextStyle style = base;
    style.align = header ? Align::kCenter : table.columns[c].align;
    double y = top_mm + table.padding_mm;
    for (const Line& line : cells[c]) {
      RETURN_IF_ERROR(DrawLine(x + table.padding_mm, y, width - 2 * table.padding_mm, line, style));
      y += line_mm;
    }
    x += width;
  }
  return absl::OkStatus();
}

absl::StatusOr<double> Composer::Table(const TableSpec& table) {
  RETURN_IF_ERROR(CheckOpen());
  if (table.columns.empty()) return absl::InvalidArgumentError("a table needs columns");
  double total_width = 0;
  for (const TableSpec::Column& column : table.columns) {
    if (column.width_mm <= 2 * table.padding_mm) {
      return absl::InvalidArgumentError("a table column is narrower than its padding");
    }
    total_width += column.width_mm;
  }
  if (table.indent_mm + total_width > content_width_mm() + kEpsilonMm) {
    return absl::InvalidArgumentError(absl::StrCat("the table is ", total_width,
                                                   " mm wide; the content area is ",
                                                   content_width_mm(), " mm"));
  }
  struct Row {
    std::vector<std::vector<Line>> cells;
    double height = 0;
  };
  auto layout_row = [&](const std::vector<std::string>& cells,
                        const TextStyle& style) -> absl::StatusOr<Row> {
    if (cells.size() != table.columns.size()) {
      return absl::InvalidArgumentError(absl::StrCat("a table row has ", cells.size(),
                                                     " cells for ", table.columns.size(),
                                                     " columns"));
    }
    Row row;
    size_t most_lines = 1;
    for (size_t c = 0; c < cells.size(); ++c) {
      const double inner = table.columns[c].width_mm - 2 * table.padding_mm;
      ASSIGN_OR_RETURN(std::vector<Line> lines, Wrap(cells[c], style, inner, inner));
      most_lines = std::max(most_lines, lines.size());
      row.cells.push_back(std::move(lines));
    }
    row.height = static_cast<double>(most_lines) * LineHeightMm(style) + 2 * table.padding_mm;
    return row;
  };

  Row header;
  if (!table.header.empty()) {
    ASSIGN_OR_RETURN(header, layout_row(table.header, table.header_style));
  }
  const double page_room = page_height_mm() - options_.margins.top_mm -
                           options_.margins.bottom_mm - header.height;
  std::vector<Row> rows;
  for (const std::vector<std::string>& cells : table.rows) {
    ASSIGN_OR_RETURN(Row row, layout_row(cells, table.body_style));
    if (row.height > page_room + kEpsilonMm) {
      return absl::OutOfRangeError("a table row is taller than a page");
    }
    rows.push_back(std::move(row));
  }

  const double x = content_left_mm() + table.indent_mm;
  double used = 0;
  auto draw_header = [&]() -> absl::Status {
    if (header.cells.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(DrawTableRow(x, cursor_mm_, header.height, table, header.cells, true));
    cursor_mm_ += header.height;
    used += header.height;
    return absl::OkStatus();
  };
  // Keep the header with the first row.
  RETURN_IF_ERROR(EnsureSpace(header.height + (rows.empty() ? 0 : rows.front().height)));
  RETURN_IF_ERROR(draw_header());
  for (const Row& row : rows) {
    if (SpaceLeftMm() + kEpsilonMm < row.height) {
      RETURN_IF_ERROR(NewPage());
      RETURN_IF_ERROR(draw_header());
    }
    RETURN_IF_ERROR(DrawTableRow(x, cursor_mm_, row.height, table, row.cells, false));
    cursor_mm_ += row.height;
    used += row.height;
  }
  return used;
}

absl::Status Composer::AddPageNumbers(const PageNumbering& numbering) {
  RETURN_IF_ERROR(CheckOpen());
  const int count = page_count();
  TextStyle centred = numbering.style;
  centred.align = Align::kCenter;
  const double line = LineHeightMm(centred);
  for (int i = numbering.administrative ? 1 : 0; i < count; ++i) {
    orientation_ = pages_[i];
    try {
      painter_->SetPage(doc_->GetPage(i));
    } catch (const PoDoFo::PdfError& e) {
      return Caught(e, "numbering pages");
    }
    const double top = numbering.administrative
                           ? (options_.margins.top_mm - line) / 2
                           : page_height_mm() - (options_.margins.bottom_mm + line) / 2;
    const std::string text =
        numbering.administrative ? absl::StrCat(i + 1) : absl::StrCat(i + 1, "/", count);
    RETURN_IF_ERROR(DrawText(page_width_mm() / 2, top, text, centred));
  }
  return absl::OkStatus();
}

absl::Status Composer::Save(const std::string& path) {
  RETURN_IF_ERROR(CheckOpen());
  saved_ = true;
  const std::string temp = absl::StrCat(path, ".part");
  try {
    painter_->FinishPage();
    doc_->Write(temp.c_str());
  } catch (const PoDoFo::PdfError& e) {
    std::remove(temp.c_str());
    return Caught(e, absl::StrCat("writing ", path));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(temp.c_str());
    return absl::InternalError(absl::StrCat("renaming to ", path, ": ", std::strerror(err)));
  }
  return absl::OkStatus();
}

}  // namespace hopso::pdf
