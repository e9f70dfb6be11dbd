#include "client/ui/tablet_app.h"

#include <QDir>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

#include "client/i18n/language.h"
#include "client/net/api.h"
#include "client/ui/login_window.h"
#include "client/ui/main_window.h"

Q_LOGGING_CATEGORY(lcApp, "hopso.ui.app")

namespace hopso::client {

namespace {

constexpr char kLanguageKey[] = "language";
// The last server and its trust stay after logout, so signing in again
// needs no new certificate check.
constexpr char kLastServerKey[] = "lastServer";

}  // namespace

TabletApp::TabletApp(const Options& options, QObject* parent)
    : QObject(parent),
      m_options(options),
      m_settings(std::make_unique<QSettings>(
          QDir(options.dataDir).filePath(QStringLiteral("settings.ini")), QSettings::IniFormat)),
      m_store(options.dataDir) {
  QDir().mkpath(options.dataDir);
}

TabletApp::~TabletApp() {
  delete m_main;
  delete m_login;
}

void TabletApp::start() {
  m_language = chooseLanguage(m_options.language.isEmpty()
                                  ? m_settings->value(QLatin1String(kLanguageKey)).toString()
                                  : m_options.language);
  installLanguage(m_language);
  std::optional<Session> session = m_store.load();
  if (session && !m_options.server.isEmpty() &&
      LoginWindow::normalizeAddress(m_options.server) != session->trust.address) {
    qCInfo(lcApp) << "--server names another server than the saved session; signing in again";
    session.reset();
  }
  if (session) {
    showMain(*session);
  } else {
    showLogin();
  }
}

void TabletApp::setLanguage(const QString& language) {
  if (language == m_language || !installLanguage(language)) return;
  m_language = language;
  m_settings->setValue(QLatin1String(kLanguageKey), language);
  m_settings->sync();
  // The login window retranslates itself; the main window is rebuilt on the
  // same connection, which is simpler than retranslating every page.
  if (m_main && m_session) {
    dropMain();
    createMain();
  }
}

void TabletApp::dropMain() {
  // Deferred: this runs from signals of the window being replaced.
  if (!m_main) return;
  m_main->disconnect(this);
  m_main->hide();
  m_main->deleteLater();
  m_main = nullptr;
}

void TabletApp::showLogin() {
  dropMain();
  // After the window that uses it (deferred deletes run in order).
  if (m_api) m_api->deleteLater();
  m_api = nullptr;
  if (!m_login) {
    m_login = new LoginWindow;
    m_login->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_login, &LoginWindow::loggedIn, this, &TabletApp::onLoggedIn);
    connect(m_login, &LoginWindow::languageRequested, this, &TabletApp::setLanguage);
  }
  const QJsonObject last =
      QJsonDocument::fromJson(m_settings->value(QLatin1String(kLastServerKey)).toByteArray())
          .object();
  if (std::optional<ServerTrust> trust = ServerTrust::fromJson(last)) m_login->setTrust(*trust);
  if (!m_options.server.isEmpty()) m_login->setAddress(m_options.server);
  m_login->setLanguage(m_language);
  m_login->showMaximized();
  emit windowChanged();
}

void TabletApp::onLoggedIn(const Session& session) {
  QString error;
  if (!m_store.save(session, &error)) qCWarning(lcApp) << "session not saved:" << error;
  m_settings->setValue(QLatin1String(kLastServerKey),
                       QJsonDocument(session.trust.toJson()).toJson(QJsonDocument::Compact));
  m_settings->sync();
  showMain(session);
}

void TabletApp::showMain(const Session& session) {
  QString error;
  std::shared_ptr<Connection> connection = session.connect(&error);
  if (!connection) {
    qCWarning(lcApp) << "saved session unusable:" << error;
    m_store.clear();
    showLogin();
    return;
  }
  dropMain();
  if (m_api) m_api->deleteLater();
  m_session = session;
  m_api = new Api(std::move(connection), this);
  createMain();
}

void TabletApp::createMain() {
  m_main = new MainWindow(m_api, *m_session, m_options.dataDir, m_language);
  m_main->setAttribute(Qt::WA_DeleteOnClose);
  connect(m_main, &MainWindow::logoutRequested, this, &TabletApp::logout);
  connect(m_main, &MainWindow::languageRequested, this, &TabletApp::setLanguage);
  m_main->showMaximized();
  if (m_login) m_login->close();
  emit windowChanged();
}

void TabletApp::logout() {
  if (m_api) {
    // Best effort and off the GUI thread: the token dies on the server when
    // it is reached; the tablet forgets it either way.
    (void)QtConcurrent::run([connection = m_api->connection()] { connection->logout(); });
  }
  m_store.clear();
  const std::optional<Session> ended = m_session;
  m_session.reset();
  showLogin();
  if (ended) {
    // Signing in again needs only the password.
    m_login->setTrust(ended->trust);
    m_login->setAddress(ended->trust.address);
    m_login->setUsername(QString::fromStdString(ended->user.username()));
  }
}

}  // namespace hopso::client
