// Test and benchmark documents: real PDFs written with QPdfWriter.
#ifndef HOPSO_CLIENT_VIEWER_SAMPLE_PDF_H_
#define HOPSO_CLIENT_VIEWER_SAMPLE_PDF_H_

#include <QRectF>
#include <QString>

namespace hopso::client::testing {

// Everything on a sample page is placed at known PDF points (A4, 595×842,
// top-left origin), so tests can look for it in rendered pixels.
struct SamplePage {
  static constexpr qreal kWidth = 595.276;
  static constexpr qreal kHeight = 841.89;
  // A black square that moves right by 40 points per page.
  static QRectF square(int page) { return QRectF(100 + 40 * (page % 8), 560, 120, 120); }
  // A line of Vietnamese text in Liberation Serif 16.
  static QRectF textLine() { return QRectF(72, 200, 450, 24); }
  static QString lineText() {
    return QStringLiteral("Ủy ban nhân dân tỉnh Quảng Nam đề nghị xem xét.");
  }
  // Printed on every page whose index is odd.
  static QString searchWord() { return QStringLiteral("Quyết nghị"); }
};

// writeSamplePdf
//
// Writes a document of `pages` A4 pages of Vietnamese text like a tờ trình:
// a title with the page number, the line above, a body of 30 lines, the
// search word on odd pages, and the square. False when the file cannot be
// written.
bool writeSamplePdf(const QString& path, int pages);

}  // namespace hopso::client::testing

#endif  // HOPSO_CLIENT_VIEWER_SAMPLE_PDF_H_
