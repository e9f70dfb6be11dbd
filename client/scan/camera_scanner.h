// Scanning QR codes with the tablet's camera (QtMultimedia).
#ifndef HOPSO_CLIENT_SCAN_CAMERA_SCANNER_H_
#define HOPSO_CLIENT_SCAN_CAMERA_SCANNER_H_

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QStringList>

#include <memory>

class QCamera;
class QMediaCaptureSession;
class QVideoFrame;
class QVideoSink;

namespace hopso::client {

// CameraScanner
//
// Runs the default camera into a QVideoSink and decodes its frames with
// decodeQrCodes() on a worker thread, one frame at a time (frames arriving
// while one is decoded are dropped, so a slow decode never piles up). Each
// distinct text is reported once per start() through decoded(). Without a
// camera start() returns false and errorOccurred() says so in words a
// delegate understands. Frames can also be fed by hand (videoSink()->
// setVideoFrame(), or processImage()), which is how tests drive it.
//
//   auto* scanner = new CameraScanner(this);
//   connect(scanner, &CameraScanner::decoded, this, &Page::openCode);
//   connect(scanner, &CameraScanner::errorOccurred, this, &Page::showError);
//   scanner->start();
class CameraScanner : public QObject {
  Q_OBJECT

 public:
  explicit CameraScanner(QObject* parent = nullptr);
  ~CameraScanner() override;

  // Whether this device has any camera at all.
  static bool hasCamera();

  // Starts the default camera; false (and errorOccurred) when there is none.
  bool start();
  void stop();
  bool isActive() const;
  QString errorString() const { return m_error; }

  // The sink the camera writes into; a preview can show latestFrame().
  QVideoSink* videoSink() const { return m_sink; }
  QImage latestFrame() const { return m_latest; }

  // Decodes one image (asynchronously, like a frame).
  void processImage(const QImage& image);

 signals:
  void decoded(const QString& text);
  void errorOccurred(const QString& message);
  void activeChanged(bool active);
  void frameAvailable(const QImage& frame);
  // A frame went through the decoder, after any decoded() it gave (lets
  // tests and a busy indicator know that the pipeline runs).
  void frameScanned();

 private:
  void processFrame(const QVideoFrame& frame);
  void decodeFinished();
  void fail(const QString& message);

  QVideoSink* m_sink = nullptr;
  QMediaCaptureSession* m_session = nullptr;
  std::unique_ptr<QCamera> m_camera;
  QFutureWatcher<QStringList> m_watcher;
  QStringList m_reported;
  QImage m_latest;
  QString m_error;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_SCAN_CAMERA_SCANNER_H_
