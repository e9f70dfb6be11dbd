// Which window is up: the login window until there is a session, then the
// main window; keeps the session and the language across restarts.
#ifndef HOPSO_CLIENT_UI_TABLET_APP_H_
#define HOPSO_CLIENT_UI_TABLET_APP_H_

#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>

#include "client/net/session_store.h"
#include "client/ui/login_window.h"
#include "client/ui/main_window.h"

class QSettings;

namespace hopso::client {


// TabletApp
//
// Everything lives in `dataDir`: session.json (SessionStore), settings.ini
// (language, last server) and the caches. Example (main.cc):
//   TabletApp app({.dataDir = dir, .server = "hopso.tinh.gov.vn:7443"});
//   app.start();
class TabletApp : public QObject {
  Q_OBJECT

 public:
  struct Options {
    QString dataDir;
    // Prefills the login window (and replaces a saved session for another
    // server).
    QString server;
    // Overrides the saved language for this run.
    QString language;
  };

  explicit TabletApp(const Options& options, QObject* parent = nullptr);
  ~TabletApp() override;

  // Installs the language and shows the first window.
  void start();

  QString language() const { return m_language; }
  LoginWindow* loginWindow() const { return m_login; }
  MainWindow* mainWindow() const { return m_main; }
  Api* api() const { return m_api; }

  void setLanguage(const QString& language);
  void logout();

 signals:
  // A window was shown (after login, logout or a language change).
  void windowChanged();

 private:
  void showLogin();
  void showMain(const Session& session);
  void createMain();
  void dropMain();
  void onLoggedIn(const Session& session);

  const Options m_options;
  std::unique_ptr<QSettings> m_settings;
  SessionStore m_store;
  QString m_language;
  QPointer<Api> m_api;
  std::optional<Session> m_session;
  QPointer<LoginWindow> m_login;
  QPointer<MainWindow> m_main;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_TABLET_APP_H_
