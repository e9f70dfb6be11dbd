#include "client/ui/settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include "client/i18n/language.h"

namespace hopso::client {

SettingsDialog::SettingsDialog(const Session& session, const QString& language,
                               int pendingAnnotations, QWidget* parent)
    : QDialog(parent), m_language(new QComboBox(this)) {
  setWindowTitle(tr("Settings"));
  setMinimumWidth(520);
  auto layout = new QVBoxLayout(this);
  auto title = new QLabel(tr("Settings"), this);
  title->setProperty("role", "subtitle");
  layout->addWidget(title);

  for (const QString& code : availableLanguages())
    m_language->addItem(nativeLanguageName(code), code);
  m_language->setCurrentIndex(qMax(0, m_language->findData(language)));
  m_language->setObjectName(QStringLiteral("language"));

  auto form = new QFormLayout;
  form->setRowWrapPolicy(QFormLayout::WrapLongRows);
  form->addRow(tr("Language"), m_language);
  const QString name = QString::fromStdString(session.user.full_name());
  form->addRow(tr("Signed in as"),
               new QLabel(name + QStringLiteral(" (") +
                              QString::fromStdString(session.user.username()) +
                              QStringLiteral(")"),
                          this));
  form->addRow(tr("Server"), new QLabel(session.trust.address, this));
  if (session.trust.mode == ServerTrust::Pinned) {
    auto fingerprint = new QLabel(formatFingerprint(session.trust.fingerprintSha256), this);
    fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Certificate"), fingerprint);
  }
  form->addRow(tr("Annotations not yet sent"),
               new QLabel(QLocale().toString(pendingAnnotations), this));
  layout->addLayout(form);

  auto buttons = new QDialogButtonBox(this);
  auto logout = buttons->addButton(tr("Sign out"), QDialogButtonBox::DestructiveRole);
  logout->setObjectName(QStringLiteral("signOut"));
  buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole);
  layout->addWidget(buttons);

  connect(m_language, &QComboBox::activated, this, [this](int index) {
    emit languageRequested(m_language->itemData(index).toString());
  });
  connect(logout, &QPushButton::clicked, this, [this, pendingAnnotations] {
    // Changes still in the outbox would not reach the server after signing out.
    if (pendingAnnotations > 0) {
      // Own buttons: Qt's "Yes"/"No" would stay English (no Qt translations).
      QMessageBox box(QMessageBox::Warning, tr("Sign out"),
                      tr("%n annotation change(s) have not reached the server yet. Sign out "
                         "anyway?",
                         nullptr, pendingAnnotations),
                      QMessageBox::NoButton, this);
      QPushButton* signOut = box.addButton(tr("Sign out"), QMessageBox::DestructiveRole);
      box.addButton(tr("Cancel"), QMessageBox::RejectRole);
      box.exec();
      if (box.clickedButton() != signOut) return;
    }
    accept();
    emit logoutRequested();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

}  // namespace hopso::client
