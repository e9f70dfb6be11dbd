#include "client/ui/login_window.h"

#include <QComboBox>
#include <QEvent>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyle>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "client/i18n/language.h"
#include "client/net/api.h"
#include "client/ui/messages.h"
#include "client/ui/qr_scan_dialog.h"
#include "client/ui/trust_dialog.h"

Q_LOGGING_CATEGORY(lcLogin, "hopso.ui.login")

namespace hopso::client {

namespace {

constexpr int kDefaultPort = 7443;

struct FetchedCertificate {
  QSslCertificate certificate;
  QString error;
};

}  // namespace

LoginWindow::LoginWindow(QWidget* parent)
    : QWidget(parent),
      m_title(new QLabel(this)),
      m_subtitle(new QLabel(this)),
      m_addressLabel(new QLabel(this)),
      m_address(new QLineEdit(this)),
      m_trustLabel(new QLabel(this)),
      m_usernameLabel(new QLabel(this)),
      m_username(new QLineEdit(this)),
      m_passwordLabel(new QLabel(this)),
      m_password(new QLineEdit(this)),
      m_error(new QLabel(this)),
      m_progress(new QLabel(this)),
      m_signIn(new QPushButton(this)),
      m_or(new QLabel(this)),
      m_pair(new QPushButton(this)),
      m_language(new QComboBox(this)) {
  setObjectName(QStringLiteral("loginWindow"));
  // A card in the middle of the screen, as wide as reads comfortably; in
  // portrait it takes the whole width.
  auto card = new QFrame(this);
  card->setObjectName(QStringLiteral("loginCard"));
  card->setStyleSheet(QStringLiteral(
      "#loginCard { background: white; border: 1px solid #d9e2ec; border-radius: 14px; }"));
  card->setMaximumWidth(560);
  card->setMinimumWidth(420);

  m_title->setProperty("role", "title");
  m_subtitle->setProperty("role", "hint");
  m_subtitle->setWordWrap(true);
  m_address->setObjectName(QStringLiteral("address"));
  m_address->setInputMethodHints(Qt::ImhUrlCharactersOnly | Qt::ImhNoAutoUppercase);
  m_trustLabel->setProperty("role", "hint");
  m_trustLabel->setWordWrap(true);
  m_username->setObjectName(QStringLiteral("username"));
  m_username->setInputMethodHints(Qt::ImhNoAutoUppercase | Qt::ImhNoPredictiveText);
  m_password->setObjectName(QStringLiteral("password"));
  m_password->setEchoMode(QLineEdit::Password);
  m_error->setObjectName(QStringLiteral("error"));
  m_error->setProperty("role", "error");
  m_error->setWordWrap(true);
  m_error->hide();
  m_progress->setProperty("role", "hint");
  m_progress->hide();
  m_signIn->setObjectName(QStringLiteral("signIn"));
  m_signIn->setProperty("role", "primary");
  m_signIn->setDefault(true);
  m_pair->setObjectName(QStringLiteral("pair"));
  m_or->setAlignment(Qt::AlignCenter);
  m_or->setProperty("role", "hint");
  for (const QString& language : availableLanguages())
    m_language->addItem(nativeLanguageName(language), language);

  auto form = new QVBoxLayout(card);
  form->setContentsMargins(32, 28, 32, 28);
  form->setSpacing(8);
  form->addWidget(m_title);
  form->addWidget(m_subtitle);
  form->addSpacing(12);
  form->addWidget(m_addressLabel);
  form->addWidget(m_address);
  form->addWidget(m_trustLabel);
  form->addSpacing(8);
  form->addWidget(m_usernameLabel);
  form->addWidget(m_username);
  form->addWidget(m_passwordLabel);
  form->addWidget(m_password);
  form->addSpacing(8);
  form->addWidget(m_error);
  form->addWidget(m_progress);
  form->addWidget(m_signIn);
  form->addWidget(m_or);
  form->addWidget(m_pair);

  auto languageRow = new QHBoxLayout;
  languageRow->addStretch();
  languageRow->addWidget(m_language);

  auto outer = new QVBoxLayout(this);
  outer->setContentsMargins(24, 16, 24, 16);
  outer->addLayout(languageRow);
  outer->addStretch(1);
  auto centre = new QHBoxLayout;
  centre->addStretch(1);
  centre->addWidget(card, 4);
  centre->addStretch(1);
  outer->addLayout(centre);
  outer->addStretch(2);

  connect(m_signIn, &QPushButton::clicked, this, &LoginWindow::signIn);
  connect(m_password, &QLineEdit::returnPressed, this, &LoginWindow::signIn);
  connect(m_username, &QLineEdit::returnPressed, m_password,
          qOverload<>(&QWidget::setFocus));
  connect(m_address, &QLineEdit::returnPressed, m_username, qOverload<>(&QWidget::setFocus));
  connect(m_address, &QLineEdit::textEdited, this, &LoginWindow::updateTrustLabel);
  connect(m_pair, &QPushButton::clicked, this, &LoginWindow::pairWithQrCode);
  connect(m_language, &QComboBox::activated, this, [this](int index) {
    emit languageRequested(m_language->itemData(index).toString());
  });
  retranslate();
}

LoginWindow::~LoginWindow() = default;

void LoginWindow::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QWidget::changeEvent(event);
}

void LoginWindow::retranslate() {
  setWindowTitle(tr("Hopso — Sign in"));
  m_title->setText(tr("Sign in"));
  m_subtitle->setText(tr("Hopso paperless meetings: your agendas and documents on this tablet."));
  m_addressLabel->setText(tr("Server address"));
  m_address->setPlaceholderText(tr("e.g. hopso.example.gov.vn:7443"));
  m_usernameLabel->setText(tr("Username"));
  m_passwordLabel->setText(tr("Password"));
  m_signIn->setText(tr("Sign in"));
  m_or->setText(tr("or"));
  m_pair->setText(tr("Pair with QR code"));
  m_language->setToolTip(tr("Language"));
  updateTrustLabel();
}

void LoginWindow::setAddress(const QString& address) {
  m_address->setText(address);
  updateTrustLabel();
}

void LoginWindow::setTrust(const ServerTrust& trust) {
  m_trust = trust;
  if (m_address->text().trimmed().isEmpty()) m_address->setText(trust.address);
  updateTrustLabel();
}

void LoginWindow::setUsername(const QString& username) { m_username->setText(username); }

void LoginWindow::setLanguage(const QString& language) {
  const int index = m_language->findData(language);
  if (index >= 0) m_language->setCurrentIndex(index);
}

QString LoginWindow::address() const { return normalizeAddress(m_address->text()); }

QString LoginWindow::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

QString LoginWindow::normalizeAddress(const QString& typed) {
  const QString text = typed.trimmed();
  // host, host:port, [v6], [v6]:port; no scheme, path or spaces.
  static const QRegularExpression pattern(
      QStringLiteral("^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::(\\d{1,5}))?$"));
  const QRegularExpressionMatch match = pattern.match(text);
  if (!match.hasMatch()) return {};
  int port = kDefaultPort;
  if (match.hasCaptured(2)) {
    port = match.captured(2).toInt();
    if (port < 1 || port > 65535) return {};
  }
  return match.captured(1) + QLatin1Char(':') + QString::number(port);
}

void LoginWindow::updateTrustLabel() {
  const QString address = this->address();
  if (m_trust && !address.isEmpty() && m_trust->address == address) {
    switch (m_trust->mode) {
      case ServerTrust::Pinned:
        m_trustLabel->setText(tr("Trusted certificate: %1")
                                  .arg(formatFingerprint(m_trust->fingerprintSha256)
                                           .section(QLatin1Char('\n'), 0, 0) +
                                       QStringLiteral("…")));
        break;
      case ServerTrust::CaFile:
        m_trustLabel->setText(tr("Certificates checked with %1").arg(m_trust->caFile));
        break;
      case ServerTrust::Insecure:
        m_trustLabel->setText(tr("Unencrypted connection (this computer only)"));
        break;
    }
  } else {
    m_trustLabel->setText(
        tr("On first contact the tablet shows the server's certificate for you to confirm."));
  }
}

void LoginWindow::showError(const QString& message, QWidget* focus) {
  m_error->setText(message);
  m_error->setVisible(!message.isEmpty());
  if (focus) focus->setFocus();
}

void LoginWindow::setBusy(bool busy, const QString& message) {
  m_busy = busy;
  for (QWidget* w : {static_cast<QWidget*>(m_address), static_cast<QWidget*>(m_username),
                     static_cast<QWidget*>(m_password), static_cast<QWidget*>(m_signIn),
                     static_cast<QWidget*>(m_pair)}) {
    w->setEnabled(!busy);
  }
  m_progress->setText(message);
  m_progress->setVisible(busy && !message.isEmpty());
}

void LoginWindow::signIn() {
  if (m_busy) return;
  const QString address = this->address();
  if (m_address->text().trimmed().isEmpty()) {
    showError(tr("Enter the server address, for example hopso.example.gov.vn:7443."), m_address);
    return;
  }
  if (address.isEmpty()) {
    showError(tr("\"%1\" is not a server address. Write it as host:port, for example "
                 "hopso.example.gov.vn:7443.")
                  .arg(m_address->text().trimmed()),
              m_address);
    return;
  }
  if (m_username->text().trimmed().isEmpty()) {
    showError(tr("Enter your username."), m_username);
    return;
  }
  if (m_password->text().isEmpty()) {
    showError(tr("Enter your password."), m_password);
    return;
  }
  showError({});
  ensureTrust(address, [this](const ServerTrust& trust) { login(trust); });
}

void LoginWindow::ensureTrust(const QString& address,
                              std::function<void(const ServerTrust&)> then) {
  if (m_trust && m_trust->address == address) {
    then(*m_trust);
    return;
  }
  setBusy(true, tr("Connecting to %1…").arg(address));
  auto watcher = new QFutureWatcher<FetchedCertificate>(this);
  connect(watcher, &QFutureWatcher<FetchedCertificate>::finished, this,
          [this, watcher, address, then = std::move(then)] {
            const FetchedCertificate fetched = watcher->result();
            watcher->deleteLater();
            setBusy(false);
            if (fetched.certificate.isNull()) {
              showError(tr("Cannot reach the server %1: %2").arg(address, fetched.error),
                        m_address);
              return;
            }
            askTrust(address, fetched.certificate, then);
          });
  watcher->setFuture(QtConcurrent::run([address] {
    FetchedCertificate fetched;
    fetched.certificate = fetchServerCertificate(address, 10000, &fetched.error);
    return fetched;
  }));
}

void LoginWindow::askTrust(const QString& address, const QSslCertificate& certificate,
                           std::function<void(const ServerTrust&)> then) {
  // open(), not exec(): the rest of the UI (and tests) keep running.
  m_trustDialog = new TrustDialog(address, certificate, this);
  m_trustDialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(m_trustDialog, &QDialog::accepted, this,
          [this, address, certificate, then = std::move(then), dialog = m_trustDialog.data()] {
            ServerTrust trust;
            if (dialog->choice() == TrustDialog::UseCaFile) {
              trust.address = address;
              trust.mode = ServerTrust::CaFile;
              trust.caFile = dialog->caFile();
            } else {
              trust = ServerTrust::pinned(address, certificate);
            }
            m_trust = trust;
            updateTrustLabel();
            then(trust);
          });
  connect(m_trustDialog, &QDialog::rejected, this,
          [this] { showError(tr("The server was not trusted; nothing was sent to it.")); });
  m_trustDialog->open();
}

Api* LoginWindow::apiFor(const ServerTrust& trust, QString* error) {
  std::shared_ptr<Connection> connection = Connection::create(trust, error);
  if (!connection) return nullptr;
  if (m_api) m_api->deleteLater();
  m_api = new Api(std::move(connection), this);
  return m_api;
}

void LoginWindow::login(const ServerTrust& trust) {
  QString error;
  Api* api = apiFor(trust, &error);
  if (!api) {
    showError(error);
    return;
  }
  setBusy(true, tr("Signing in…"));
  const QString username = m_username->text().trimmed();
  const QString password = m_password->text();
  api->run<CallResult<v1::LoginResponse>>(
      this, [c = api->connection(), username, password] { return c->login(username, password); },
      [this, trust](CallResult<v1::LoginResponse> result) {
        setBusy(false);
        if (!result.ok()) {
          qCInfo(lcLogin) << "login failed:" << result.status.error_code()
                          << result.status.error_message().c_str();
          showError(Messages::login(result.status, trust.address),
                    result.status.error_code() == grpc::StatusCode::UNAUTHENTICATED ? m_password
                                                                                   : nullptr);
          return;
        }
        m_password->clear();
        Session session;
        session.trust = trust;
        session.token = QString::fromStdString(result.value.token());
        session.user = result.value.user();
        session.expireUnixMicros = result.value.expire_time().unix_micros();
        emit loggedIn(session);
      });
}

void LoginWindow::pairWithQrCode() {
  auto dialog = new QrScanDialog(QrPayload::Kind::Pairing, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this,
          [this, dialog] { pairWith(dialog->payload().text); });
  dialog->open();
}

void LoginWindow::pairWith(const QString& text) {
  const QrPayload payload = QrPayload::parse(text);
  if (payload.kind != QrPayload::Kind::Pairing) {
    showError(tr("This QR code is not a Hopso pairing code."));
    return;
  }
  const QString address = normalizeAddress(payload.address);
  if (address.isEmpty()) {
    showError(tr("The pairing code names no usable server address."));
    return;
  }
  m_address->setText(address);
  showError({});
  setBusy(true, tr("Connecting to %1…").arg(address));
  struct Pinned {
    std::optional<ServerTrust> trust;
    QString error;
  };
  auto watcher = new QFutureWatcher<Pinned>(this);
  connect(watcher, &QFutureWatcher<Pinned>::finished, this, [this, watcher, payload, address] {
    const Pinned pinned = watcher->result();
    watcher->deleteLater();
    setBusy(false);
    if (!pinned.trust) {
      showError(pinned.error);
      return;
    }
    m_trust = pinned.trust;
    updateTrustLabel();
    QString error;
    Api* api = apiFor(*pinned.trust, &error);
    if (!api) {
      showError(error);
      return;
    }
    setBusy(true, tr("Pairing this tablet…"));
    api->run<CallResult<v1::LoginResponse>>(
        this, [c = api->connection(), code = payload.code] { return c->redeemPairingCode(code); },
        [this, trust = *pinned.trust](CallResult<v1::LoginResponse> result) {
          setBusy(false);
          if (!result.ok()) {
            showError(Messages::pairing(result.status, trust.address));
            return;
          }
          Session session;
          session.trust = trust;
          session.token = QString::fromStdString(result.value.token());
          session.user = result.value.user();
          session.expireUnixMicros = result.value.expire_time().unix_micros();
          m_username->setText(QString::fromStdString(session.user.username()));
          emit loggedIn(session);
        });
  });
  // The code names the certificate: pin exactly that one, or no TLS on a
  // loopback address when it names none (a development server).
  watcher->setFuture(QtConcurrent::run([address, fingerprint = payload.fingerprint] {
    Pinned pinned;
    if (fingerprint.isEmpty()) {
      if (isLoopbackAddress(address)) {
        ServerTrust trust;
        trust.address = address;
        trust.mode = ServerTrust::Insecure;
        pinned.trust = trust;
      } else {
        pinned.error = LoginWindow::tr(
            "The pairing code carries no certificate fingerprint; the tablet cannot check the "
            "server.");
      }
      return pinned;
    }
    pinned.trust = pinServer(address, fingerprint.toLatin1(), &pinned.error);
    return pinned;
  }));
}

}  // namespace hopso::client
