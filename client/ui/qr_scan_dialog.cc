#include "client/ui/qr_scan_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QStandardPaths>
#include <QStyle>
#include <QVBoxLayout>

#include "client/scan/camera_scanner.h"
#include "client/scan/qr_decoder.h"

namespace hopso::client {

QrScanDialog::QrScanDialog(QrPayload::Kind wanted, QWidget* parent)
    : QDialog(parent),
      m_wanted(wanted),
      m_scanner(new CameraScanner(this)),
      m_preview(new QLabel(this)),
      m_status(new QLabel(this)) {
  setWindowTitle(wanted == QrPayload::Kind::Pairing ? tr("Pair with QR code")
                                                    : tr("Scan a document's QR code"));
  setMinimumSize(560, 520);
  auto layout = new QVBoxLayout(this);
  auto title = new QLabel(windowTitle(), this);
  title->setProperty("role", "subtitle");
  layout->addWidget(title);
  auto hint = new QLabel(wanted == QrPayload::Kind::Pairing
                             ? tr("Scan the pairing code that the secretary shows you. It logs "
                                  "this tablet in without a password.")
                             : tr("Scan the QR code printed next to the document on the handout."),
                         this);
  hint->setWordWrap(true);
  hint->setProperty("role", "hint");
  layout->addWidget(hint);

  m_preview->setAlignment(Qt::AlignCenter);
  m_preview->setMinimumSize(480, 320);
  m_preview->setStyleSheet(QStringLiteral("background: #1f2933; color: #cbd2d9; border-radius: 8px;"));
  m_preview->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  layout->addWidget(m_preview, 1);

  m_status->setWordWrap(true);
  layout->addWidget(m_status);

  auto buttons = new QDialogButtonBox(this);
  auto file = buttons->addButton(tr("Choose an image…"), QDialogButtonBox::ActionRole);
  buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
  layout->addWidget(buttons);
  connect(file, &QPushButton::clicked, this, &QrScanDialog::chooseFile);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  connect(m_scanner, &CameraScanner::frameAvailable, this, [this](const QImage& frame) {
    m_preview->setPixmap(QPixmap::fromImage(frame).scaled(m_preview->size(), Qt::KeepAspectRatio,
                                                          Qt::SmoothTransformation));
  });
  connect(m_scanner, &CameraScanner::decoded, this, &QrScanDialog::offer);
  connect(m_scanner, &CameraScanner::errorOccurred, this,
          [this](const QString& message) { showStatus(message, true); });

  if (CameraScanner::hasCamera()) {
    m_preview->setText(tr("Starting the camera…"));
    showStatus(tr("Hold the code in front of the camera."), false);
  } else {
    m_preview->setText(tr("No camera"));
    showStatus(tr("This device has no camera. Choose a photo or a scan of the code instead."),
               false);
  }
}

QrScanDialog::~QrScanDialog() = default;

QString QrScanDialog::statusText() const { return m_status->text(); }

void QrScanDialog::showEvent(QShowEvent* event) {
  QDialog::showEvent(event);
  if (CameraScanner::hasCamera()) m_scanner->start();
}

void QrScanDialog::hideEvent(QHideEvent* event) {
  m_scanner->stop();
  QDialog::hideEvent(event);
}

void QrScanDialog::chooseFile() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Choose an image of the QR code"),
      QStandardPaths::writableLocation(QStandardPaths::PicturesLocation),
      tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)"));
  if (!path.isEmpty()) scanFile(path);
}

void QrScanDialog::scanFile(const QString& path) {
  QString error;
  const QStringList texts = decodeQrCodesFromFile(path, &error);
  if (!error.isEmpty()) {
    showStatus(error, true);
    return;
  }
  for (const QString& text : texts) {
    if (offer(text)) return;
  }
  if (texts.isEmpty()) showStatus(tr("No QR code found in this image."), true);
}

bool QrScanDialog::offer(const QString& text) {
  const QrPayload payload = QrPayload::parse(text);
  if (payload.kind == m_wanted) {
    m_payload = payload;
    accept();
    return true;
  }
  if (payload.kind == QrPayload::Kind::Pairing) {
    showStatus(tr("This is a pairing code for signing in, not a document's code."), true);
  } else if (payload.kind == QrPayload::Kind::Document) {
    showStatus(tr("This is a document's code, not a pairing code."), true);
  } else {
    showStatus(tr("This QR code is not from Hopso."), true);
  }
  return false;
}

void QrScanDialog::showStatus(const QString& text, bool error) {
  m_status->setText(text);
  m_status->setProperty("role", error ? "error" : "hint");
  // A changed dynamic property only restyles after a repolish.
  m_status->style()->unpolish(m_status);
  m_status->style()->polish(m_status);
}

}  // namespace hopso::client
