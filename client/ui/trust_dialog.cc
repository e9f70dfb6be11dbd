#include "client/ui/trust_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "client/net/server_trust.h"

namespace hopso::client {

TrustDialog::TrustDialog(const QString& address, const QSslCertificate& certificate,
                         QWidget* parent)
    : QDialog(parent), m_error(new QLabel(this)) {
  setWindowTitle(tr("Trust this server?"));
  setFixedWidth(640);
  auto layout = new QVBoxLayout(this);
  // Word-wrapped labels need their height for the fixed width.
  layout->setSizeConstraint(QLayout::SetMinimumSize);
  layout->setSpacing(12);

  auto title = new QLabel(tr("Trust this server?"), this);
  title->setProperty("role", "subtitle");
  layout->addWidget(title);

  auto intro = new QLabel(
      tr("This tablet has not connected to %1 before. Compare the fingerprint below with the one "
         "your organisation published (on the meeting invitation or from the secretary). Trust "
         "the server only if they match.")
          .arg(address.toHtmlEscaped()),
      this);
  intro->setWordWrap(true);
  layout->addWidget(intro);

  auto fingerprintCaption = new QLabel(tr("SHA-256 fingerprint of the certificate:"), this);
  fingerprintCaption->setProperty("role", "hint");
  layout->addWidget(fingerprintCaption);
  // Two lines of 16 bytes: read aloud half by half, never cut off.
  QStringList groups = formatFingerprint(certificateFingerprint(certificate))
                           .split(QRegularExpression(QStringLiteral("[:\\s]+")), Qt::SkipEmptyParts);
  QStringList lines;
  for (qsizetype i = 0; i < groups.size(); i += 16) lines << groups.mid(i, 16).join(QLatin1Char(':'));
  auto fingerprint = new QLabel(lines.join(QLatin1Char('\n')), this);
  fingerprint->setObjectName(QStringLiteral("fingerprint"));
  fingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
  fingerprint->setStyleSheet(QStringLiteral(
      "font-size: 17px; background: #f0f4f8; border-radius: 8px; padding: 10px;"));
  layout->addWidget(fingerprint);

  const QStringList names = certificate.subjectInfo(QSslCertificate::CommonName);
  auto details = new QLabel(
      tr("Issued to: %1\nValid until: %2")
          .arg(names.isEmpty() ? tr("(no name)") : names.join(QStringLiteral(", ")),
               QLocale().toString(certificate.expiryDate().toLocalTime(), QLocale::LongFormat)),
      this);
  details->setProperty("role", "hint");
  details->setWordWrap(true);
  layout->addWidget(details);

  m_error->setProperty("role", "error");
  m_error->setWordWrap(true);
  m_error->hide();
  layout->addWidget(m_error);

  auto buttons = new QDialogButtonBox(this);
  auto trust = buttons->addButton(tr("Trust and continue"), QDialogButtonBox::AcceptRole);
  trust->setProperty("role", "primary");
  trust->setObjectName(QStringLiteral("trustButton"));
  auto caFile = buttons->addButton(tr("Use a CA file…"), QDialogButtonBox::ActionRole);
  buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
  layout->addWidget(buttons);
  connect(trust, &QPushButton::clicked, this, [this] {
    m_choice = PinCertificate;
    accept();
  });
  connect(caFile, &QPushButton::clicked, this, &TrustDialog::chooseCaFile);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  // The safe answer is the default one: Enter must not trust by accident.
  trust->setAutoDefault(false);
}

void TrustDialog::chooseCaFile() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Choose the CA certificate"), QString(),
      tr("Certificates (*.crt *.pem *.cer);;All files (*)"));
  if (path.isEmpty()) return;
  if (QSslCertificate::fromPath(path, QSsl::Pem).isEmpty()) {
    m_error->setText(tr("%1 holds no PEM certificate.").arg(path));
    m_error->show();
    return;
  }
  m_choice = UseCaFile;
  m_caFile = path;
  accept();
}

}  // namespace hopso::client
