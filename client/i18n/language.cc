#include "client/i18n/language.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QPointer>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcLanguage, "hopso.i18n")

namespace hopso::client {

QStringList availableLanguages() { return {QStringLiteral("vi"), QStringLiteral("en")}; }

QString chooseLanguage(const QString& saved, const QLocale& system) {
  const QStringList available = availableLanguages();
  if (available.contains(saved)) return saved;
  const QString systemLanguage = QLocale::languageToCode(system.language());
  if (available.contains(systemLanguage)) return systemLanguage;
  return QStringLiteral("vi");
}

bool installLanguage(const QString& language) {
  if (!availableLanguages().contains(language)) return false;
  // One translator for the whole application, swapped on a language change.
  static QPointer<QTranslator> installed;
  auto translator = new QTranslator(QCoreApplication::instance());
  if (!translator->load(QStringLiteral(":/i18n/hopso_%1.qm").arg(language))) {
    qCWarning(lcLanguage) << "no embedded translation for" << language;
    delete translator;
    return false;
  }
  if (installed) {
    QCoreApplication::removeTranslator(installed);
    delete installed;
  }
  QCoreApplication::installTranslator(translator);
  installed = translator;
  QLocale::setDefault(QLocale(language == QLatin1String("vi") ? QLocale::Vietnamese
                                                             : QLocale::English,
                              language == QLatin1String("vi") ? QLocale::Vietnam
                                                             : QLocale::UnitedKingdom));
  return true;
}

QString nativeLanguageName(const QString& language) {
  if (language == QLatin1String("vi")) return QStringLiteral("Tiếng Việt");
  if (language == QLatin1String("en")) return QStringLiteral("English");
  return language;
}

}  // namespace hopso::client
