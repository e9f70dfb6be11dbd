#include "client/scan/camera_scanner.h"

#include <QCamera>
#include <QLoggingCategory>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <QVideoFrame>
#include <QVideoSink>
#include <QtConcurrent/QtConcurrentRun>

#include "client/scan/qr_decoder.h"

namespace hopso::client {

Q_LOGGING_CATEGORY(lcScan, "hopso.scan")

namespace {

// Camera frames are often 1080p or more; QR codes held up to a tablet fill a
// good part of the picture, so a smaller copy decodes as well and faster.
constexpr int kMaxDecodeSide = 1280;

}  // namespace

CameraScanner::CameraScanner(QObject* parent)
    : QObject(parent), m_sink(new QVideoSink(this)) {
  connect(m_sink, &QVideoSink::videoFrameChanged, this, &CameraScanner::processFrame);
  connect(&m_watcher, &QFutureWatcher<QStringList>::finished, this,
          &CameraScanner::decodeFinished);
}

CameraScanner::~CameraScanner() {
  stop();
  m_watcher.waitForFinished();
}

bool CameraScanner::hasCamera() { return !QMediaDevices::videoInputs().isEmpty(); }

bool CameraScanner::start() {
  m_reported.clear();
  const QCameraDevice device = QMediaDevices::defaultVideoInput();
  if (device.isNull()) {
    fail(tr("This device has no camera. Open a picture of the QR code instead."));
    return false;
  }
  // The capture session is made only with a camera to feed it: without one,
  // building its media pipeline would only log errors.
  if (!m_session) {
    m_session = new QMediaCaptureSession(this);
    m_session->setVideoSink(m_sink);
  }
  m_camera = std::make_unique<QCamera>(device);
  connect(m_camera.get(), &QCamera::errorOccurred, this,
          [this](QCamera::Error, const QString& message) {
            fail(tr("The camera cannot be used: %1").arg(message));
          });
  connect(m_camera.get(), &QCamera::activeChanged, this, &CameraScanner::activeChanged);
  m_session->setCamera(m_camera.get());
  m_error.clear();
  m_camera->start();
  qCInfo(lcScan) << "camera" << device.description() << "started";
  return true;
}

void CameraScanner::stop() {
  if (!m_camera) return;
  m_camera->stop();
  m_session->setCamera(nullptr);
  m_camera.reset();
  emit activeChanged(false);
}

bool CameraScanner::isActive() const { return m_camera && m_camera->isActive(); }

void CameraScanner::processFrame(const QVideoFrame& frame) {
  if (!frame.isValid()) return;
  QImage image = frame.toImage();
  if (image.isNull()) return;
  m_latest = image;
  emit frameAvailable(image);
  processImage(image);
}

void CameraScanner::processImage(const QImage& image) {
  if (m_watcher.isRunning() || image.isNull()) return;
  QImage input = image;
  if (qMax(input.width(), input.height()) > kMaxDecodeSide) {
    input = input.scaled(kMaxDecodeSide, kMaxDecodeSide, Qt::KeepAspectRatio,
                         Qt::SmoothTransformation);
  }
  m_watcher.setFuture(QtConcurrent::run(&decodeQrCodes, input));
}

void CameraScanner::decodeFinished() {
  for (const QString& text : m_watcher.result()) {
    if (m_reported.contains(text)) continue;
    m_reported.append(text);
    emit decoded(text);
  }
  emit frameScanned();
}

void CameraScanner::fail(const QString& message) {
  m_error = message;
  qCWarning(lcScan) << message;
  emit errorOccurred(message);
}

}  // namespace hopso::client
