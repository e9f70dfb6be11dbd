#include "client/scan/qr_decoder.h"

#include <QCoreApplication>
#include <QImageReader>
#include <QPainter>

#include <ZXing/ReadBarcode.h>

namespace hopso::client {
namespace {

// Transparent pixels become white; everything ends up as 8-bit grey, the one
// format ZXing reads without a conversion of its own.
QImage toGreyOverWhite(const QImage& image) {
  if (image.hasAlphaChannel()) {
    QImage flat(image.size(), QImage::Format_RGB32);
    flat.fill(Qt::white);
    QPainter painter(&flat);
    painter.drawImage(0, 0, image);
    painter.end();
    return flat.convertToFormat(QImage::Format_Grayscale8);
  }
  return image.convertToFormat(QImage::Format_Grayscale8);
}

void readInto(const QImage& grey, const ZXing::DecodeHints& hints, QStringList* out) {
  const ZXing::ImageView view(grey.constBits(), grey.width(), grey.height(),
                              ZXing::ImageFormat::Lum, int(grey.bytesPerLine()));
  for (const ZXing::Result& result : ZXing::ReadBarcodes(view, hints)) {
    if (!result.isValid()) continue;
    const QString text = QString::fromStdString(result.text());
    if (!out->contains(text)) out->append(text);
  }
}

}  // namespace

QStringList decodeQrCodes(const QImage& image) {
  QStringList found;
  if (image.isNull()) return found;
  const QImage grey = toGreyOverWhite(image);

  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  readInto(grey, hints, &found);
  if (!found.isEmpty()) return found;

  // A second chance at a size where a module spans a few pixels: shrink big
  // photos (noise and blur average out), enlarge tiny images (the finder
  // patterns need several pixels per module).
  constexpr int kTarget = 1024;
  const int longest = qMax(grey.width(), grey.height());
  if (longest > 0 && (longest > 2 * kTarget || longest < kTarget / 2)) {
    const QImage scaled = grey.scaled(QSize(kTarget, kTarget), Qt::KeepAspectRatio,
                                      longest > kTarget ? Qt::SmoothTransformation
                                                        : Qt::FastTransformation)
                             .convertToFormat(QImage::Format_Grayscale8);
    readInto(scaled, hints, &found);
  }
  return found;
}

QStringList decodeQrCodesFromFile(const QString& path, QString* error) {
  QImageReader reader(path);
  reader.setAutoTransform(true);  // photos carry their rotation in EXIF
  const QImage image = reader.read();
  if (image.isNull()) {
    if (error) {
      *error = QCoreApplication::translate("hopso::client::QrDecoder",
                                           "Cannot read the image %1: %2")
                   .arg(path, reader.errorString());
    }
    return {};
  }
  if (error) error->clear();
  return decodeQrCodes(image);
}

}  // namespace hopso::client
