// The first screen: which server, whether to trust it, and who is signing in
// (password, or a pairing QR code from the secretary).
#ifndef HOPSO_CLIENT_UI_LOGIN_WINDOW_H_
#define HOPSO_CLIENT_UI_LOGIN_WINDOW_H_

#include <QPointer>
#include <QSslCertificate>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

#include "client/net/api.h"
#include "client/net/server_trust.h"
#include "client/net/session_store.h"
#include "client/ui/trust_dialog.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace hopso::client {


// LoginWindow
//
// signIn(): checks the fields, makes sure the server is trusted (on first
// contact it fetches the certificate and asks with a TrustDialog), calls
// Login and emits loggedIn. pairWithQrCode(): scans a HOPSO-PAIR code, pins
// the certificate whose fingerprint the code carries and redeems it. Errors
// appear in words in the window (errorText()).
class LoginWindow : public QWidget {
  Q_OBJECT

 public:
  explicit LoginWindow(QWidget* parent = nullptr);
  ~LoginWindow() override;

  // Prefills from an earlier session or a command-line flag. A trust for
  // another address than the one in the field is not used.
  void setAddress(const QString& address);
  void setTrust(const ServerTrust& trust);
  void setUsername(const QString& username);
  void setLanguage(const QString& language);

  QString address() const;
  QString errorText() const;
  bool isBusy() const { return m_busy; }
  // The dialog asking to trust a certificate while it is open (tests).
  TrustDialog* trustDialog() const { return m_trustDialog; }

  // The whole sign-in, as the button does it.
  void signIn();
  // Redeems a scanned pairing payload ("HOPSO-PAIR:…"), as after a scan.
  void pairWith(const QString& payload);

  // normalizeAddress
  //
  // "host:port" from what the user typed (spaces trimmed, ":7443" added when
  // no port is given); empty when it cannot be an address.
  static QString normalizeAddress(const QString& typed);

 signals:
  void loggedIn(const hopso::client::Session& session);
  void languageRequested(const QString& language);

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void retranslate();
  void pairWithQrCode();
  // Calls `then` with a trust for `address`: the known one, or after asking.
  void ensureTrust(const QString& address, std::function<void(const ServerTrust&)> then);
  void askTrust(const QString& address, const QSslCertificate& certificate,
                std::function<void(const ServerTrust&)> then);
  void login(const ServerTrust& trust);
  void setBusy(bool busy, const QString& message = {});
  void showError(const QString& message, QWidget* focus = nullptr);
  void updateTrustLabel();
  // Runs on a fresh Api for `trust`; the Api lives until the call ends.
  Api* apiFor(const ServerTrust& trust, QString* error);

  std::optional<ServerTrust> m_trust;
  bool m_busy = false;
  QPointer<TrustDialog> m_trustDialog;
  QPointer<Api> m_api;

  QLabel* m_title;
  QLabel* m_subtitle;
  QLabel* m_addressLabel;
  QLineEdit* m_address;
  QLabel* m_trustLabel;
  QLabel* m_usernameLabel;
  QLineEdit* m_username;
  QLabel* m_passwordLabel;
  QLineEdit* m_password;
  QLabel* m_error;
  QLabel* m_progress;
  QPushButton* m_signIn;
  QLabel* m_or;
  QPushButton* m_pair;
  QComboBox* m_language;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_LOGIN_WINDOW_H_
