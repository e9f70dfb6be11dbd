#include "client/i18n/language.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QXmlStreamReader>

#include <gtest/gtest.h>

namespace hopso::client {
namespace {

TEST(ChooseLanguage, SavedThenSystemThenVietnamese) {
  struct Case {
    const char* saved;
    const char* system;
    const char* expected;
  };
  const Case cases[] = {
      {"en", "vi_VN", "en"}, {"vi", "en_US", "vi"}, {"", "en_US", "en"},
      {"", "vi_VN", "vi"},   {"", "fr_FR", "vi"},   {"de", "de_DE", "vi"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.saved) + " / " + c.system);
    EXPECT_EQ(chooseLanguage(QString::fromLatin1(c.saved), QLocale(QString::fromLatin1(c.system))),
              QString::fromLatin1(c.expected));
  }
}

struct TsMessage {
  QString context;
  QString source;
  QStringList translations;  // one per plural form, or one
  QString type;
};

std::vector<TsMessage> readTs(const QString& path) {
  QFile file(path);
  EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
  std::vector<TsMessage> messages;
  QXmlStreamReader xml(&file);
  QString context;
  TsMessage current;
  while (!xml.atEnd()) {
    xml.readNext();
    if (!xml.isStartElement()) continue;
    const auto name = xml.name();
    if (name == QLatin1String("name")) {
      context = xml.readElementText();
    } else if (name == QLatin1String("message")) {
      current = TsMessage{context, {}, {}, {}};
    } else if (name == QLatin1String("source")) {
      current.source = xml.readElementText();
    } else if (name == QLatin1String("translation")) {
      current.type = xml.attributes().value(QLatin1String("type")).toString();
      QString text;
      bool plural = false;
      while (!(xml.isEndElement() && xml.name() == QLatin1String("translation"))) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("numerusform")) {
          plural = true;
          current.translations << xml.readElementText();
        } else if (xml.isCharacters()) {
          text += xml.text();
        }
      }
      if (!plural) current.translations << text;
      messages.push_back(current);
    }
  }
  EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
  return messages;
}

// Every string the client shows has a finished, non-empty translation with
// the same placeholders: an untranslated string would surface in English in
// front of a Vietnamese delegate.
void expectComplete(const QString& path) {
  const std::vector<TsMessage> messages = readTs(path);
  // The client has well over a hundred strings; a nearly empty file means
  // lupdate was not run over it.
  EXPECT_GT(messages.size(), 100u);
  static const QRegularExpression placeholder(QStringLiteral("%(\\d|n)"));
  for (const TsMessage& m : messages) {
    if (m.type == QLatin1String("vanished") || m.type == QLatin1String("obsolete")) continue;
    SCOPED_TRACE((m.context + QLatin1String(": ") + m.source).toStdString());
    EXPECT_NE(m.type, QLatin1String("unfinished"));
    QSet<QString> wanted;
    for (auto it = placeholder.globalMatch(m.source); it.hasNext();) wanted << it.next().captured();
    for (const QString& t : m.translations) {
      EXPECT_FALSE(t.trimmed().isEmpty());
      QSet<QString> got;
      for (auto it = placeholder.globalMatch(t); it.hasNext();) got << it.next().captured();
      // A plural form may leave %n out ("một trang"), never add or lose others.
      got.remove(QStringLiteral("%n"));
      QSet<QString> expected = wanted;
      expected.remove(QStringLiteral("%n"));
      EXPECT_EQ(got, expected) << t.toStdString();
    }
  }
}

TEST(Translations, VietnameseComplete) {
  expectComplete(QStringLiteral(HOPSO_TS_DIR "/hopso_vi.ts"));
}

TEST(Translations, EnglishComplete) {
  expectComplete(QStringLiteral(HOPSO_TS_DIR "/hopso_en.ts"));
}

TEST(Translations, EmbeddedAndSwitchable) {
  ASSERT_TRUE(installLanguage(QStringLiteral("vi")));
  EXPECT_EQ(QCoreApplication::translate("hopso::client::LoginWindow", "Sign in"),
            QStringLiteral("Đăng nhập"));
  EXPECT_EQ(QCoreApplication::translate("hopso::client::OfflineBanner", "Offline"),
            QStringLiteral("Ngoại tuyến"));
  EXPECT_EQ(QLocale().language(), QLocale::Vietnamese);
  ASSERT_TRUE(installLanguage(QStringLiteral("en")));
  EXPECT_EQ(QCoreApplication::translate("hopso::client::LoginWindow", "Sign in"),
            QStringLiteral("Sign in"));
  EXPECT_FALSE(installLanguage(QStringLiteral("fr")));
  // The English translator stays after a refused switch.
  EXPECT_EQ(QLocale().language(), QLocale::English);
}

}  // namespace
}  // namespace hopso::client
