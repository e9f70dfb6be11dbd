#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTransform>
#include <QVideoFrame>
#include <QVideoFrameFormat>
#include <QVideoSink>

#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>

#include <gtest/gtest.h>

#include <random>

#include "client/scan/camera_scanner.h"
#include "client/scan/qr_decoder.h"
#include "client/scan/qr_payload.h"

namespace hopso::client {
namespace {

constexpr char kDocumentPayload[] = "HOPSO:k3xq7m2pa9dt.3fa2c1d0";
constexpr char kPairingPayload[] =
    "HOPSO-PAIR:Pq7xZ2mK9aTd@192.168.1.20:7443#"
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

// A QR symbol made by ZXing's own writer, black on white, `side` pixels wide
// with a 4-module quiet zone.
QImage qrImage(const QString& text, int side) {
  ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
  writer.setMargin(4).setEncoding(ZXing::CharacterSet::UTF8);
  const ZXing::BitMatrix bits = writer.encode(text.toStdString(), side, side);
  QImage image(bits.width(), bits.height(), QImage::Format_RGB32);
  for (int y = 0; y < bits.height(); ++y) {
    for (int x = 0; x < bits.width(); ++x) {
      image.setPixel(x, y, bits.get(x, y) ? qRgb(0, 0, 0) : qRgb(255, 255, 255));
    }
  }
  return image;
}

QImage noise(int side) {
  std::mt19937 random(42);
  QImage image(side, side, QImage::Format_RGB32);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      const int v = int(random() % 256);
      image.setPixel(x, y, qRgb(v, v, v));
    }
  }
  return image;
}

QVideoFrame videoFrame(const QImage& image) {
  const QImage bgra = image.convertToFormat(QImage::Format_ARGB32);
  QVideoFrame frame(QVideoFrameFormat(bgra.size(), QVideoFrameFormat::Format_BGRA8888));
  EXPECT_TRUE(frame.map(QVideoFrame::WriteOnly));
  for (int y = 0; y < bgra.height(); ++y) {
    memcpy(frame.bits(0) + y * frame.bytesPerLine(0), bgra.constScanLine(y),
           size_t(bgra.width()) * 4);
  }
  frame.unmap();
  return frame;
}

TEST(QrPayload, ParsesBothKindsAndRejectsTheRest) {
  struct Case {
    QString text;
    QrPayload::Kind kind;
    QString code, hashPrefix, address, fingerprint;
  };
  const QString fp = QStringLiteral(
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  const QList<Case> cases = {
      {kDocumentPayload, QrPayload::Kind::Document, "k3xq7m2pa9dt", "3fa2c1d0", {}, {}},
      {"  hopso:K3XQ7M2PA9DT.3FA2C1D0\n", QrPayload::Kind::Document, "k3xq7m2pa9dt",
       "3fa2c1d0", {}, {}},
      {"HOPSO:k3xq7m2pa9dt", QrPayload::Kind::Document, "k3xq7m2pa9dt", {}, {}, {}},
      {kPairingPayload, QrPayload::Kind::Pairing, "Pq7xZ2mK9aTd", {}, "192.168.1.20:7443", fp},
      {"HOPSO-PAIR:abcd1234@[::1]:7443#" + fp.toUpper(), QrPayload::Kind::Pairing, "abcd1234",
       {}, "[::1]:7443", fp},
      {"HOPSO-PAIR:abcd1234@hopso.tinh.gov.vn:7443#", QrPayload::Kind::Pairing, "abcd1234", {},
       "hopso.tinh.gov.vn:7443", {}},
      {"", QrPayload::Kind::Unknown, {}, {}, {}, {}},
      {"https://example.com/HOPSO:k3xq7m2pa9dt", QrPayload::Kind::Unknown, {}, {}, {}, {}},
      {"HOPSO:short.3fa2c1d0", QrPayload::Kind::Unknown, {}, {}, {}, {}},
      {"HOPSO:k3xq7m2pa9dt.xyz", QrPayload::Kind::Unknown, {}, {}, {}, {}},
      {"HOPSO:k3xq7m2pa9dt.3fa2", QrPayload::Kind::Unknown, {}, {}, {}, {}},
      {"HOPSO-PAIR:abcd1234@host name:7443#", QrPayload::Kind::Unknown, {}, {}, {}, {}},
      {"HOPSO-PAIR:abcd1234@host:7443#abc", QrPayload::Kind::Unknown, {}, {}, {}, {}},
      {"HOPSO-PAIR:abcd1234#" + fp, QrPayload::Kind::Unknown, {}, {}, {}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text.toStdString());
    const QrPayload p = QrPayload::parse(c.text);
    EXPECT_EQ(p.kind, c.kind);
    EXPECT_EQ(p.code, c.code);
    EXPECT_EQ(p.hashPrefix, c.hashPrefix);
    EXPECT_EQ(p.address, c.address);
    EXPECT_EQ(p.fingerprint, c.fingerprint);
  }
}

TEST(QrPayload, MatchesHashByPrefix) {
  const QrPayload p = QrPayload::parse(kDocumentPayload);
  EXPECT_TRUE(p.matchesHash("3fa2c1d0aa" + QString(54, 'b')));
  EXPECT_TRUE(p.matchesHash("3FA2C1D0AA" + QString(54, 'B')));
  EXPECT_FALSE(p.matchesHash("3fa2c1d1aa" + QString(54, 'b')));
  EXPECT_TRUE(QrPayload::parse("HOPSO:k3xq7m2pa9dt").matchesHash("anything"));
}

TEST(DecodeQrCodes, DecodesBothPayloadKinds) {
  for (const QString& text : {QString(kDocumentPayload), QString(kPairingPayload)}) {
    SCOPED_TRACE(text.toStdString());
    EXPECT_EQ(decodeQrCodes(qrImage(text, 400)), QStringList{text});
  }
}

TEST(DecodeQrCodes, KeepsVietnameseText) {
  const QString text = QStringLiteral("Tờ trình số 12 — Ủy ban nhân dân tỉnh Quảng Nam");
  EXPECT_EQ(decodeQrCodes(qrImage(text, 400)), QStringList{text});
}

TEST(DecodeQrCodes, DecodesRotatedAndScaledImages) {
  const QImage code = qrImage(kDocumentPayload, 300);
  // Rotation leaves transparent corners in an ARGB image: they must count as
  // white paper, not as black.
  const QImage rotated =
      code.convertToFormat(QImage::Format_ARGB32).transformed(QTransform().rotate(33));
  ASSERT_TRUE(rotated.hasAlphaChannel());
  EXPECT_EQ(decodeQrCodes(rotated), QStringList{kDocumentPayload});
  EXPECT_EQ(decodeQrCodes(code.transformed(QTransform().rotate(90))),
            QStringList{kDocumentPayload});

  // A small code in the middle of a big photo-like page.
  QImage page(4200, 3000, QImage::Format_RGB32);
  page.fill(QColor(235, 232, 225));
  QPainter painter(&page);
  painter.drawImage(QRect(1900, 1300, 330, 330), code);
  painter.end();
  EXPECT_EQ(decodeQrCodes(page), QStringList{kDocumentPayload});

  // A thumbnail two pixels per module or less.
  EXPECT_EQ(decodeQrCodes(code.scaled(70, 70, Qt::KeepAspectRatio, Qt::SmoothTransformation)),
            QStringList{kDocumentPayload});
}

TEST(DecodeQrCodes, ReadsDarkCodeOnTransparentBackground) {
  // What QPdfDocument::render gives for a vector QR code: black modules on
  // a fully transparent background.
  const QImage code = qrImage(kDocumentPayload, 300);
  QImage transparent(code.size(), QImage::Format_ARGB32_Premultiplied);
  transparent.fill(Qt::transparent);
  for (int y = 0; y < code.height(); ++y) {
    for (int x = 0; x < code.width(); ++x) {
      if (qGray(code.pixel(x, y)) < 128) transparent.setPixel(x, y, qRgba(0, 0, 0, 255));
    }
  }
  EXPECT_EQ(decodeQrCodes(transparent), QStringList{kDocumentPayload});
}

TEST(DecodeQrCodes, FindsSeveralCodes) {
  QImage sheet(900, 450, QImage::Format_RGB32);
  sheet.fill(Qt::white);
  QPainter painter(&sheet);
  painter.drawImage(QPoint(25, 25), qrImage(kDocumentPayload, 400));
  painter.drawImage(QPoint(475, 25), qrImage(kPairingPayload, 400));
  painter.end();
  QStringList found = decodeQrCodes(sheet);
  found.sort();
  EXPECT_EQ(found, (QStringList{kPairingPayload, kDocumentPayload}));
}

TEST(DecodeQrCodes, GarbageGivesNothing) {
  EXPECT_TRUE(decodeQrCodes(noise(500)).isEmpty());
  EXPECT_TRUE(decodeQrCodes(QImage()).isEmpty());
  QImage white(300, 300, QImage::Format_RGB32);
  white.fill(Qt::white);
  EXPECT_TRUE(decodeQrCodes(white).isEmpty());
}

TEST(DecodeQrCodes, FromFile) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString png = dir.filePath("ma-qr.png");
  ASSERT_TRUE(qrImage(kDocumentPayload, 300).save(png));
  QString error;
  EXPECT_EQ(decodeQrCodesFromFile(png, &error), QStringList{kDocumentPayload});
  EXPECT_TRUE(error.isEmpty());

  EXPECT_TRUE(decodeQrCodesFromFile(dir.filePath("missing.png"), &error).isEmpty());
  EXPECT_FALSE(error.isEmpty());
  EXPECT_TRUE(error.contains("missing.png"));
}

TEST(CameraScanner, NoCameraIsAClearError) {
  if (CameraScanner::hasCamera()) GTEST_SKIP() << "this machine has a camera";
  CameraScanner scanner;
  QSignalSpy errors(&scanner, &CameraScanner::errorOccurred);
  EXPECT_FALSE(scanner.start());
  ASSERT_EQ(errors.count(), 1);
  EXPECT_EQ(errors.at(0).at(0).toString(), scanner.errorString());
  EXPECT_TRUE(scanner.errorString().contains("camera"));
  EXPECT_FALSE(scanner.isActive());
}

TEST(CameraScanner, DecodesVideoFramesOncePerCode) {
  CameraScanner scanner;
  QSignalSpy decoded(&scanner, &CameraScanner::decoded);
  QSignalSpy scanned(&scanner, &CameraScanner::frameScanned);

  // A frame without a code goes through the pipeline and reports nothing.
  scanner.videoSink()->setVideoFrame(videoFrame(noise(640)));
  ASSERT_TRUE(scanned.wait(10000));
  EXPECT_EQ(decoded.count(), 0);

  // A camera-sized frame with the code in it.
  QImage picture(1920, 1080, QImage::Format_RGB32);
  picture.fill(QColor(200, 200, 190));
  QPainter painter(&picture);
  painter.drawImage(QRect(700, 280, 520, 520), qrImage(kDocumentPayload, 520));
  painter.end();
  scanner.videoSink()->setVideoFrame(videoFrame(picture));
  ASSERT_TRUE(decoded.wait(10000));
  EXPECT_EQ(decoded.at(0).at(0).toString(), QString(kDocumentPayload));
  EXPECT_EQ(scanner.latestFrame().size(), picture.size());

  // The same code held up again is not reported twice...
  scanned.clear();
  scanner.videoSink()->setVideoFrame(videoFrame(picture));
  ASSERT_TRUE(scanned.wait(10000));
  EXPECT_EQ(decoded.count(), 1);

  // ...but another code is.
  scanner.processImage(qrImage(kPairingPayload, 400));
  ASSERT_TRUE(decoded.wait(10000));
  EXPECT_EQ(decoded.at(1).at(0).toString(), QString(kPairingPayload));
}

}  // namespace
}  // namespace hopso::client
