// Settings: the language, who is signed in to which server, and signing out.
#ifndef HOPSO_CLIENT_UI_SETTINGS_DIALOG_H_
#define HOPSO_CLIENT_UI_SETTINGS_DIALOG_H_

#include <QDialog>

#include "client/net/session_store.h"

class QComboBox;

namespace hopso::client {

class SettingsDialog : public QDialog {
  Q_OBJECT

 public:
  SettingsDialog(const Session& session, const QString& language, int pendingAnnotations,
                 QWidget* parent = nullptr);

 signals:
  void languageRequested(const QString& language);
  void logoutRequested();

 private:
  QComboBox* m_language;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_SETTINGS_DIALOG_H_
