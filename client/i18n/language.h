// Which language the tablet speaks, and loading its translation from the
// binary. Source strings are English; Vietnamese is the default because the
// delegates holding the tablets read Vietnamese first.
#ifndef HOPSO_CLIENT_I18N_LANGUAGE_H_
#define HOPSO_CLIENT_I18N_LANGUAGE_H_

#include <QLocale>
#include <QString>
#include <QStringList>

namespace hopso::client {

// The languages with a translation in the binary: "vi", "en".
QStringList availableLanguages();

// chooseLanguage
//
// The saved choice when it is available, else the system locale's language
// when it is available, else Vietnamese. Example:
//   chooseLanguage("", QLocale("fr_FR")) == "vi"
QString chooseLanguage(const QString& saved, const QLocale& system = QLocale::system());

// installLanguage
//
// Replaces the application's Hopso translator with the one for `language`
// (embedded under :/i18n) and makes it the default QLocale, so dates follow.
// False when the language has no translation.
bool installLanguage(const QString& language);

// The language's own name ("Tiếng Việt", "English") for a language picker:
// a reader finds their language whatever language the UI is in.
QString nativeLanguageName(const QString& language);

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_I18N_LANGUAGE_H_
