// QR decoding for the tablet client: images from the camera, from a file, or
// rendered from a PDF page.
#ifndef HOPSO_CLIENT_SCAN_QR_DECODER_H_
#define HOPSO_CLIENT_SCAN_QR_DECODER_H_

#include <QImage>
#include <QStringList>

namespace hopso::client {

// decodeQrCodes
//
// Every QR code found in `image`, as text (UTF-8 content decoded to QString),
// in the order ZXing reports them, without duplicates. Transparent images
// (QPdfDocument::render gives one) are painted over white first, since a dark
// code on "transparent black" would vanish. If nothing is found, a second pass
// tries a greyscale copy scaled to a size ZXing handles best (small codes in
// huge photos, or codes filling a tiny thumbnail). An empty list means none.
//
//   for (const QString& text : decodeQrCodes(QImage(path))) ...
QStringList decodeQrCodes(const QImage& image);

// decodeQrCodesFromFile
//
// The same for an image file; an unreadable file sets `error` (translated)
// and gives an empty list.
QStringList decodeQrCodesFromFile(const QString& path, QString* error = nullptr);

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_SCAN_QR_DECODER_H_
