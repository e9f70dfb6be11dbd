// Scanning a Hopso QR code with the camera, or from a photo of it: used for
// documents (on the handout) and for pairing a tablet.
#ifndef HOPSO_CLIENT_UI_QR_SCAN_DIALOG_H_
#define HOPSO_CLIENT_UI_QR_SCAN_DIALOG_H_

#include <QDialog>

#include "client/scan/qr_payload.h"

class QLabel;

namespace hopso::client {

class CameraScanner;

// QrScanDialog
//
// Accepts as soon as a code of the wanted kind is seen; codes of another
// kind are named and scanning goes on. Without a camera the dialog says so
// and offers the image file alone.
class QrScanDialog : public QDialog {
  Q_OBJECT

 public:
  QrScanDialog(QrPayload::Kind wanted, QWidget* parent = nullptr);
  ~QrScanDialog() override;

  // Valid once accepted.
  const QrPayload& payload() const { return m_payload; }
  QString statusText() const;

  // What "Choose an image…" does after the file dialog.
  void scanFile(const QString& path);

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  void chooseFile();
  // True (and accepts) when `text` is a code of the wanted kind.
  bool offer(const QString& text);
  void showStatus(const QString& text, bool error);

  const QrPayload::Kind m_wanted;
  QrPayload m_payload;
  CameraScanner* m_scanner;
  QLabel* m_preview;
  QLabel* m_status;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_QR_SCAN_DIALOG_H_
