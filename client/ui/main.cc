// hopso-tablet: the Hopso tablet client.
//   hopso-tablet [--server HOST:PORT] [--data-dir DIR] [--lang vi|en]
#include <QApplication>
#include <QCommandLineParser>
#include <QStandardPaths>

#include <cstdio>

#include "client/i18n/language.h"
#include "client/ui/style.h"
#include "client/ui/tablet_app.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("hopso-tablet"));
  QApplication::setOrganizationName(QStringLiteral("Hopso"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

  // The command line is for installers and administrators: English only.
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Hopso tablet client: meetings, documents, "
                                                  "annotations."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption server(QStringLiteral("server"),
                                  QStringLiteral("Server address to sign in to (host:port)."),
                                  QStringLiteral("ADDRESS"));
  const QCommandLineOption dataDir(
      QStringLiteral("data-dir"),
      QStringLiteral("Where the session and the caches live (default: %1).")
          .arg(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)),
      QStringLiteral("DIR"));
  const QCommandLineOption language(QStringLiteral("lang"),
                                    QStringLiteral("Language of the interface: vi or en."),
                                    QStringLiteral("LANG"));
  parser.addOptions({server, dataDir, language});
  parser.process(app);
  if (parser.isSet(language) &&
      !hopso::client::availableLanguages().contains(parser.value(language))) {
    std::fprintf(stderr, "hopso-tablet: --lang must be vi or en\n");
    return 2;
  }

  hopso::client::applyTabletStyle(app);
  hopso::client::TabletApp tablet({
      .dataDir = parser.isSet(dataDir)
                     ? parser.value(dataDir)
                     : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation),
      .server = parser.value(server),
      .language = parser.value(language),
  });
  tablet.start();
  return app.exec();
}
