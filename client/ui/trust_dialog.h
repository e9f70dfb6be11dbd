// Asks the user whether to trust a server's TLS certificate on first
// contact (pin-on-first-use), showing its SHA-256 fingerprint to compare with
// the one the organisation published, or to use a CA file instead.
#ifndef HOPSO_CLIENT_UI_TRUST_DIALOG_H_
#define HOPSO_CLIENT_UI_TRUST_DIALOG_H_

#include <QDialog>
#include <QSslCertificate>

class QLabel;

namespace hopso::client {

class TrustDialog : public QDialog {
  Q_OBJECT

 public:
  enum Choice { PinCertificate, UseCaFile };

  TrustDialog(const QString& address, const QSslCertificate& certificate,
              QWidget* parent = nullptr);

  // Valid after exec() returned Accepted.
  Choice choice() const { return m_choice; }
  // The CA file chosen with UseCaFile.
  QString caFile() const { return m_caFile; }

 private:
  void chooseCaFile();

  Choice m_choice = PinCertificate;
  QString m_caFile;
  QLabel* m_error;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_TRUST_DIALOG_H_
