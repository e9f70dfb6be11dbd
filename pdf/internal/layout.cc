#include "pdf/internal/layout.h"

#include <unistd.h>
#include <utf8proc.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pdf/internal/status_macros.h"
#include "pdf/text.h"

namespace hopso::pdf::internal {
namespace {

bool IsCombining(utf8proc_int32_t cp) {
  const utf8proc_category_t category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_MN || category == UTF8PROC_CATEGORY_MC ||
         category == UTF8PROC_CATEGORY_ME;
}

// Splits valid UTF-8 into user-perceived characters, approximated as a code
// point followed by its combining marks (enough after NFC).
std::vector<std::string> Clusters(const std::string& s) {
  std::vector<std::string> clusters;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) break;  // Prepared text is valid UTF-8.
    const std::string piece(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    if (IsCombining(cp) && !clusters.empty()) {
      clusters.back() += piece;
    } else {
      clusters.push_back(piece);
    }
    p += n;
    left -= n;
  }
  return clusters;
}

const char* FontFile(bool bold, bool italic) {
  if (bold && italic) return "LiberationSerif-BoldItalic.ttf";
  if (bold) return "LiberationSerif-Bold.ttf";
  if (italic) return "LiberationSerif-Italic.ttf";
  return "LiberationSerif-Regular.ttf";
}

bool IsName(const PoDoFo::PdfObject* object, const char* name) {
  return object != nullptr && object->IsName() && object->GetName() == PoDoFo::PdfName(name);
}

// Widths of the two header columns, as fractions of the content width.
constexpr double kHeaderLeftShare = 0.42;

absl::Status CheckFontFile(const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("font ", path, " is missing (Debian package fonts-liberation2)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckFonts(const std::string& font_dir) {
  for (bool bold : {false, true}) {
    RETURN_IF_ERROR(CheckFontFile(absl::StrCat(font_dir, "/", FontFile(bold, false))));
  }
  return absl::OkStatus();
}

absl::StatusOr<PoDoFo::PdfFont*> LoadFont(PoDoFo::PdfDocument& doc, const std::string& font_dir,
                                          bool bold, bool italic) {
  const std::string path = absl::StrCat(font_dir, "/", FontFile(bold, italic));
  RETURN_IF_ERROR(CheckFontFile(path));
  // The encoding object is owned by the font (bAutoDelete).
  PoDoFo::PdfFont* font = doc.CreateFontSubset(
      "LiberationSerif", bold, italic, false, new PoDoFo::PdfIdentityEncoding(0, 0xffff, true),
      path.c_str());
  if (font == nullptr) return absl::InternalError(absl::StrCat("PoDoFo cannot load ", path));
  return font;
}

absl::StatusOr<std::string> PrepareText(absl::string_view text) {
  ASSIGN_OR_RETURN(std::string nfc, NormalizeNfc(text));
  std::string out;
  out.reserve(nfc.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(nfc.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(nfc.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return absl::InternalError("NFC output is not UTF-8");
    if (cp == '\t') {
      out += ' ';
    } else if (cp == '\n') {
      out += '\n';
    } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      // Control characters have no glyph.
    } else if (cp > 0xffff) {
      out += "\xEF\xBF\xBD";  // U+FFFD
    } else {
      out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    }
    p += n;
    left -= n;
  }
  return out;
}

PoDoFo::PdfString Utf8String(const std::string& utf8) {
  return PoDoFo::PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(utf8.c_str()));
}

double WidthPt(PoDoFo::PdfFont* font, const std::string& prepared) {
  if (prepared.empty()) return 0;
  return font->GetFontMetrics()->StringWidth(Utf8String(prepared));
}

std::vector<Line> WrapPrepared(PoDoFo::PdfFont* font, double size_pt, const std::string& prepared,
                               double first_width_pt, double rest_width_pt) {
  font->SetFontSize(static_cast<float>(size_pt));
  std::vector<Line> lines;
  for (absl::string_view piece : absl::StrSplit(prepared, '\n')) {
    double width = first_width_pt;
    std::string current;
    auto push = [&](std::string text) {
      lines.push_back({std::move(text), false});
      width = rest_width_pt;
    };
    for (absl::string_view word_view : absl::StrSplit(piece, ' ', absl::SkipEmpty())) {
      const std::string word(word_view);
      std::string candidate = current.empty() ? word : absl::StrCat(current, " ", word);
      if (WidthPt(font, candidate) <= width) {
        current = std::move(candidate);
        continue;
      }
      if (!current.empty()) {
        push(std::move(current));
        current.clear();
      }
      if (WidthPt(font, word) <= width) {
        current = word;
        continue;
      }
      // A word longer than the line (a URL, a long code): break it between
      // characters.
      for (const std::string& cluster : Clusters(word)) {
        std::string longer = current + cluster;
        if (!current.empty() && WidthPt(font, longer) > width) {
          push(std::move(current));
          current = cluster;
        } else {
          current = std::move(longer);
        }
      }
    }
    lines.push_back({std::move(current), true});
  }
  return lines;
}

double BaselineOffsetPt(PoDoFo::PdfFont* font, double size_pt, double line_height_pt) {
  font->SetFontSize(static_cast<float>(size_pt));
  const PoDoFo::PdfFontMetrics* metrics = font->GetFontMetrics();
  const double ascent = metrics->GetAscent();
  const double descent = metrics->GetDescent();  // Negative.
  return (line_height_pt - (ascent - descent)) / 2 + ascent;
}

void PaintLine(PoDoFo::PdfPainter& painter, PoDoFo::PdfFont* font, double size_pt, double x_pt,
               double baseline_pt, double width_pt, const Line& line, Align align) {
  if (line.text.empty()) return;
  font->SetFontSize(static_cast<float>(size_pt));
  painter.SetFont(font);
  if (align == Align::kJustify && !line.ends_paragraph) {
    // Tw (word spacing) applies only to the single-byte code 32, never to a
    // two-byte Identity encoding, so justified words are placed one by one.
    std::vector<std::string> words = absl::StrSplit(line.text, ' ', absl::SkipEmpty());
    if (words.size() > 1) {
      double words_width = 0;
      for (const std::string& word : words) words_width += WidthPt(font, word);
      const double gap = (width_pt - words_width) / static_cast<double>(words.size() - 1);
      double x = x_pt;
      for (const std::string& word : words) {
        painter.DrawText(x, baseline_pt, Utf8String(word));
        x += WidthPt(font, word) + gap;
      }
      return;
    }
  }
  const double natural = WidthPt(font, line.text);
  double x = x_pt;
  if (align == Align::kCenter) x += (width_pt - natural) / 2;
  if (align == Align::kRight) x += width_pt - natural;
  painter.DrawText(x, baseline_pt, Utf8String(line.text));
}

absl::Status PaintQr(PoDoFo::PdfPainter& painter, double left_pt, double top_pt, double size_pt,
                     absl::string_view payload, QrLevel level) {
  if (size_pt <= 0) return absl::InvalidArgumentError("QR size must be positive");
  ASSIGN_OR_RETURN(const QrSymbol code, EncodeQr(payload, level));
  const int n = code.size;
  const double module = size_pt / (n + 2 * kQrQuietZoneModules);
  // White first: on a stamped page there may be text under the symbol.
  painter.SetColor(1, 1, 1);
  painter.Rectangle(left_pt, top_pt - size_pt, size_pt, size_pt);
  painter.Fill();
  painter.SetColor(0, 0, 0);
  const double x0 = left_pt + kQrQuietZoneModules * module;
  const double y0 = top_pt - kQrQuietZoneModules * module;
  for (int row = 0; row < n; ++row) {
    int col = 0;
    while (col < n) {
      if (!code.Dark(row, col)) {
        ++col;
        continue;
      }
      const int start = col;
      while (col < n && code.Dark(row, col)) ++col;
      painter.Rectangle(x0 + start * module, y0 - (row + 1) * module, (col - start) * module,
                        module);
    }
  }
  painter.Fill();
  return absl::OkStatus();
}

bool HasSignatures(PoDoFo::PdfMemDocument& doc) {
  for (PoDoFo::PdfObject* object : doc.GetObjects()) {
    if (object == nullptr || !object->IsDictionary()) continue;
    const PoDoFo::PdfDictionary& dict = object->GetDictionary();
    if (dict.HasKey("ByteRange")) return true;
    const PoDoFo::PdfObject* type = dict.GetKey("Type");
    if (IsName(type, "Sig") || IsName(type, "DocTimeStamp")) return true;
    const PoDoFo::PdfObject* value = dict.GetKey("V");
    if (IsName(dict.GetKey("FT"), "Sig") && value != nullptr && !value->IsNull()) return true;
  }
  return false;
}

absl::Status Required(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  return absl::OkStatus();
}

std::string BreakOrganisation(const std::string& organisation) {
  if (organisation.find('\n') != std::string::npos) return organisation;
  for (absl::string_view prefix : {"ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN ", "HỘI ĐỒNG NHÂN DÂN "}) {
    if (absl::StartsWith(organisation, prefix) && organisation.size() > prefix.size()) {
      return absl::StrCat(prefix.substr(0, prefix.size() - 1), "\n",
                          organisation.substr(prefix.size()));
    }
  }
  return organisation;
}

absl::Status DrawDocumentHeader(Composer& c, const DocumentHeader& header) {
  RETURN_IF_ERROR(Required("organisation", header.organisation));
  const double left = c.content_left_mm();
  const double left_width = c.content_width_mm() * kHeaderLeftShare;
  const double right = left + left_width;
  const double right_width = c.content_width_mm() - left_width;
  const double top = c.cursor_mm();

  // Issuing body in capitals (as the decree prints it), a short rule under
  // it, then the number.
  const TextStyle org_style = {.size_pt = 13, .bold = true, .align = Align::kCenter};
  ASSIGN_OR_RETURN(std::string organisation, UppercaseNfc(header.organisation));
  ASSIGN_OR_RETURN(double org_height, c.DrawTextBox(left, top, left_width,
                                                    BreakOrganisation(organisation), org_style));
  double y_left = top + org_height + 0.8;
  const double rule = left_width / 3;
  RETURN_IF_ERROR(c.DrawRule(left + (left_width - rule) / 2, y_left, rule, 0.5));
  y_left += 2.5;
  if (!header.number.empty()) {
    ASSIGN_OR_RETURN(double number_height,
                     c.DrawTextBox(left, y_left, left_width, header.number,
                                   {.size_pt = 13, .align = Align::kCenter}));
    y_left += number_height;
  }

  // National title and motto, the motto underlined by a rule as wide as it.
  constexpr char kNation[] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
  constexpr char kMotto[] = "Độc lập - Tự do - Hạnh phúc";
  TextStyle nation_style = {.size_pt = 12.5, .bold = true, .align = Align::kCenter};
  ASSIGN_OR_RETURN(double nation_width, c.TextWidthMm(kNation, nation_style));
  if (nation_width > right_width) nation_style.size_pt *= right_width / nation_width;
  const double centre = right + right_width / 2;
  double y_right = top;
  RETURN_IF_ERROR(c.DrawText(centre, y_right, kNation, nation_style));
  y_right += Composer::LineHeightMm(nation_style);
  const TextStyle motto_style = {.size_pt = 13, .bold = true, .align = Align::kCenter};
  RETURN_IF_ERROR(c.DrawText(centre, y_right, kMotto, motto_style));
  y_right += Composer::LineHeightMm(motto_style) + 0.8;
  ASSIGN_OR_RETURN(double motto_width, c.TextWidthMm(kMotto, motto_style));
  RETURN_IF_ERROR(c.DrawRule(centre - motto_width / 2, y_right, motto_width, 0.5));
  y_right += 3;
  if (!header.place_and_date.empty()) {
    ASSIGN_OR_RETURN(double date_height,
                     c.DrawTextBox(right, y_right, right_width, header.place_and_date,
                                   {.size_pt = 13, .italic = true, .align = Align::kCenter}));
    y_right += date_height;
  }
  c.SetCursor(std::max(y_left, y_right) + 8);
  return absl::OkStatus();
}

absl::StatusOr<double> PrintedQrSizeMm(absl::string_view payload, double minimum_mm,
                                       double maximum_mm) {
  ASSIGN_OR_RETURN(int modules, QrModuleCount(payload, QrLevel::kQ));
  const double size =
      std::max(minimum_mm, (modules + 2 * kQrQuietZoneModules) * kMinPrintedModuleMm);
  if (size > maximum_mm) {
    return absl::InvalidArgumentError(absl::StrCat(
        "QR payload of ", payload.size(), " bytes needs a ", static_cast<int>(size),
        " mm code; keep it to a short locator"));
  }
  return size;
}

}  // namespace hopso::pdf::internal
