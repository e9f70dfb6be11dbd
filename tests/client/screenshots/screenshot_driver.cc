// Drives hopso-tablet's real windows (under xvfb-run, not offscreen) through
// login, the meeting list, the agenda and the viewer with annotations, and
// saves what the screen shows as PNG files. Run by scripts/screenshots
// against a hopsod seeded with the Vietnamese demo.
//
//   hopso_screenshot_driver --server 127.0.0.1:7443 --out DIR
//       --username thao.vo --password … [--chair khoa.phan:…] [--lang vi]
//       [--prefix portrait-]
#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QLineEdit>
#include <QListView>
#include <QPdfDocument>
#include <QPdfSelection>
#include <QPushButton>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QWheelEvent>
#include <QWindow>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "client/model/agenda_model.h"
#include "client/model/annotation_model.h"
#include "client/model/document_cache.h"
#include "client/model/meeting_list_model.h"
#include "client/net/api.h"
#include "client/ui/login_window.h"
#include "client/ui/main_window.h"
#include "client/ui/meeting_page.h"
#include "client/ui/style.h"
#include "client/ui/tablet_app.h"
#include "client/ui/trust_dialog.h"
#include "client/ui/viewer_page.h"
#include "client/viewer/annotation_painter.h"
#include "client/viewer/pdf_view.h"

namespace hopso::client {
namespace {

[[noreturn]] void fail(const QString& what) {
  std::fprintf(stderr, "screenshots: %s\n", qPrintable(what));
  std::exit(1);
}

// Processes events until `condition` holds; fails the run after `seconds`.
void waitFor(const QString& what, const std::function<bool()>& condition, int seconds = 60) {
  QDeadlineTimer deadline(seconds * 1000);
  while (!condition()) {
    if (deadline.hasExpired()) fail(QStringLiteral("timed out waiting for ") + what);
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
  }
}

// Waits until the window is on screen and has painted, then saves what the
// screen shows (dialogs over it included).
void shoot(QWidget* window, const QString& path) {
  if (!QTest::qWaitForWindowExposed(window, 30000)) fail(QStringLiteral("window not exposed"));
  // Let pending layouts and paints reach the X server.
  for (int i = 0; i < 5; ++i) QCoreApplication::processEvents();
  QApplication::sync();
  QScreen* screen = window->screen();
  const QPixmap pixmap = screen->grabWindow(0);
  if (pixmap.isNull() || !pixmap.save(path)) fail(QStringLiteral("cannot save ") + path);
  std::printf("screenshots: %s\n", qPrintable(path));
}

void fitToScreen(QWidget* window) {
  window->setGeometry(window->screen()->availableGeometry());
}

// The chair starts the meeting and moves to an agenda item, so that the
// agenda shows an item live.
void startMeeting(const ServerTrust& trust, const QString& chair, const QString& meetingId,
                  int itemIndex) {
  const QString username = chair.section(QLatin1Char(':'), 0, 0);
  const QString password = chair.section(QLatin1Char(':'), 1);
  std::shared_ptr<Connection> connection = Connection::create(trust);
  if (!connection) fail(QStringLiteral("no connection for the chair"));
  if (!connection->login(username, password).ok()) fail(QStringLiteral("chair login failed"));
  v1::MeetingLifecycleRequest start;
  start.set_meeting_id(meetingId.toStdString());
  v1::Meeting meeting;
  // Already started is fine (a second run against the same data).
  connection->meetings().StartMeeting(connection->context().get(), start, &meeting);
  v1::GetAgendaRequest get;
  get.set_meeting_id(meetingId.toStdString());
  v1::Agenda agenda;
  grpc::Status status = connection->meetings().GetAgenda(connection->context().get(), get, &agenda);
  if (!status.ok() || agenda.items_size() <= itemIndex) fail(QStringLiteral("no agenda"));
  v1::SetCurrentItemRequest current;
  current.set_meeting_id(meetingId.toStdString());
  current.set_item_id(agenda.items(itemIndex).id());
  status = connection->meetings().SetCurrentItem(connection->context().get(), current, &meeting);
  if (!status.ok()) fail(QStringLiteral("SetCurrentItem: ") + QString::fromStdString(status.error_message()));
}

// The area of `length` characters of page 0's text from the first
// occurrence of `phrase`, in PDF points; empty when the text is not there.
QList<QRectF> textRects(QPdfDocument* document, const QString& phrase, int offset, int length) {
  const QString text = document->getAllText(0).text();
  const int at = int(text.indexOf(phrase));
  if (at < 0) return {};
  // QtPdf gives a box per word: join the boxes of each line.
  QList<QRectF> lines;
  for (const QPolygonF& polygon : document->getSelectionAtIndex(0, at + offset, length).bounds()) {
    const QRectF word = polygon.boundingRect();
    if (!lines.isEmpty() && qAbs(lines.last().center().y() - word.center().y()) < word.height() / 2) {
      lines.last() = lines.last().united(word);
    } else {
      lines << word;
    }
  }
  return lines;
}

// A few annotations as a delegate would make them: a highlighted sentence,
// an underline in red ink, a tick, and a note shared with the others.
void annotate(AnnotationModel* model, QPdfDocument* document) {
  const QSizeF page = document->pagePointSize(0);
  QList<QRectF> marked = textRects(document, QStringLiteral("Qua 06 tháng"), 0, 95);
  if (marked.isEmpty()) marked << QRectF(page.width() * 0.12, page.height() * 0.3, page.width() * 0.7, 14);
  v1::Annotation highlight;
  highlight.set_page(0);
  highlight.set_kind(v1::ANNOTATION_KIND_HIGHLIGHT);
  highlight.set_color(kDefaultHighlightColor);
  for (const QRectF& r : marked) {
    v1::PageRect* rect = highlight.add_rects();
    rect->set_x(float(r.x()));
    rect->set_y(float(r.y()));
    rect->set_width(float(r.width()));
    rect->set_height(float(r.height()));
  }
  model->add(highlight);

  QList<QRectF> underlined = textRects(document, QStringLiteral("Qua 06 tháng"), 120, 75);
  const QRectF line = underlined.isEmpty() ? QRectF(page.width() * 0.14, page.height() * 0.42,
                                                    page.width() * 0.5, 12)
                                           : underlined.first();
  v1::Annotation underline;
  underline.set_page(0);
  underline.set_kind(v1::ANNOTATION_KIND_INK);
  underline.set_color(0xffc0392bu);
  underline.set_width(1.4f);
  for (int i = 0; i <= 40; ++i) {
    v1::InkPoint* p = underline.add_points();
    p->set_x(float(line.left() + line.width() * i / 40.0));
    p->set_y(float(line.bottom() + 2 + 1.2 * std::sin(i / 3.0)));
    p->set_pressure(float(0.55 + 0.35 * std::sin(i / 13.0)));
  }
  model->add(underline);

  v1::Annotation tick;
  tick.set_page(0);
  tick.set_kind(v1::ANNOTATION_KIND_INK);
  tick.set_color(kDefaultInkColor);
  tick.set_width(2.0f);
  // In the left margin, beside the highlighted lines.
  const QPointF base(marked.first().left() - 44, marked.first().center().y());
  const QPointF points[] = {{0, 0}, {4, 5}, {8, 9}, {13, 1}, {18, -7}, {24, -15}};
  for (const QPointF& q : points) {
    v1::InkPoint* p = tick.add_points();
    p->set_x(float(base.x() + q.x()));
    p->set_y(float(base.y() + q.y()));
    p->set_pressure(0.8f);
  }
  model->add(tick);

  v1::Annotation note;
  note.set_page(0);
  note.set_kind(v1::ANNOTATION_KIND_NOTE);
  note.set_color(kDefaultNoteColor);
  note.set_text("Đề nghị bổ sung số liệu năm 2025 trước khi biểu quyết.");
  v1::PageRect* at = note.add_rects();
  at->set_x(float(marked.last().left() - 40));
  at->set_y(float(line.top() - 6));
  at->set_width(float(kNoteIconSize));
  at->set_height(float(kNoteIconSize));
  const QString noteId = model->add(note);
  // Shared, as a delegate shares a question with the others.
  model->setShared(noteId, true);
}

int run(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("hopso-tablet"));
  QCommandLineParser parser;
  const QCommandLineOption server(QStringLiteral("server"), QStringLiteral("hopsod address"),
                                  QStringLiteral("ADDRESS"));
  const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("where the PNGs go"),
                               QStringLiteral("DIR"));
  const QCommandLineOption username(QStringLiteral("username"), QStringLiteral("delegate"),
                                    QStringLiteral("NAME"));
  const QCommandLineOption password(QStringLiteral("password"), QStringLiteral("password"),
                                    QStringLiteral("PASSWORD"));
  const QCommandLineOption chair(QStringLiteral("chair"),
                                 QStringLiteral("chair username:password, to start the meeting"),
                                 QStringLiteral("USER:PASSWORD"));
  const QCommandLineOption lang(QStringLiteral("lang"), QStringLiteral("vi or en"),
                                QStringLiteral("LANG"), QStringLiteral("vi"));
  const QCommandLineOption prefix(QStringLiteral("prefix"),
                                  QStringLiteral("put before each file name, e.g. portrait-"),
                                  QStringLiteral("PREFIX"));
  parser.addOptions({server, out, username, password, chair, lang, prefix});
  parser.addHelpOption();
  parser.process(app);
  for (const QCommandLineOption* o : {&server, &out, &username, &password}) {
    if (!parser.isSet(*o)) fail(QStringLiteral("--") + o->names().first() + " is required");
  }
  const QDir outDir(parser.value(out));
  QDir().mkpath(outDir.path());
  QTemporaryDir dataDir;
  applyTabletStyle(app);

  TabletApp tablet({.dataDir = dataDir.path(),
                    .server = parser.value(server),
                    .language = parser.value(lang)});
  tablet.start();

  // 1. Login, filled in.
  LoginWindow* login = tablet.loginWindow();
  if (!login) fail(QStringLiteral("no login window"));
  fitToScreen(login);
  login->findChild<QLineEdit*>(QStringLiteral("username"))->setText(parser.value(username));
  login->findChild<QLineEdit*>(QStringLiteral("password"))->setText(parser.value(password));
  shoot(login, outDir.filePath(parser.value(prefix) + QStringLiteral("login.png")));

  // 2. First contact: the certificate to confirm.
  login->signIn();
  waitFor(QStringLiteral("the trust dialog"), [&] { return login->trustDialog() != nullptr; });
  TrustDialog* trust = login->trustDialog();
  if (!QTest::qWaitForWindowExposed(trust, 30000)) fail(QStringLiteral("trust dialog hidden"));
  shoot(trust, outDir.filePath(parser.value(prefix) + QStringLiteral("trust.png")));
  trust->findChild<QPushButton*>(QStringLiteral("trustButton"))->click();

  // 3. My meetings.
  waitFor(QStringLiteral("the main window"), [&] { return tablet.mainWindow() != nullptr; });
  MainWindow* main = tablet.mainWindow();
  fitToScreen(main);
  waitFor(QStringLiteral("the meeting list"),
          [&] { return main->meetingList()->rowCount() > 0 && !main->meetingList()->isLoading(); });
  const QString meetingId =
      main->meetingList()->index(0).data(MeetingListModel::IdRole).toString();
  if (parser.isSet(chair)) {
    startMeeting(tablet.api()->connection()->trust(), parser.value(chair), meetingId, 1);
    main->meetingList()->refresh();
    waitFor(QStringLiteral("the meeting in progress"), [&] {
      return !main->meetingList()->isLoading() &&
             main->meetingList()->index(0).data(MeetingListModel::StateRole).toInt() ==
                 v1::MEETING_STATE_IN_PROGRESS;
    });
  }
  shoot(main, outDir.filePath(parser.value(prefix) + QStringLiteral("meetings.png")));

  // 4. The agenda, downloaded for offline, a document selected.
  main->openMeeting(meetingId);
  AgendaModel* agenda = main->meetingPage()->model();
  waitFor(QStringLiteral("the agenda"),
          [&] { return !agenda->isLoading() && !agenda->documents().isEmpty(); });
  main->meetingPage()->downloadForOffline();
  waitFor(QStringLiteral("the offline download"), [&] {
    return main->meetingPage()->findChild<QPushButton*>(QStringLiteral("downloadMeeting"))
        ->isEnabled();
  }, 120);
  const v1::Document first = agenda->documents().first();
  main->meetingPage()->selectDocument(QString::fromStdString(first.id()));
  shoot(main, outDir.filePath(parser.value(prefix) + QStringLiteral("agenda.png")));

  // 5. The viewer with annotations.
  main->meetingPage()->findChild<QPushButton*>(QStringLiteral("openDocument"))->click();
  waitFor(QStringLiteral("the viewer"), [&] { return main->page() == MainWindow::Page::Viewer; });
  ViewerPage* viewer = main->viewerPage();
  PdfView* view = viewer->pdfView();
  annotate(viewer->annotationModel(), view->document());
  viewer->pdfView()->setTool(PdfView::Tool::Ink);
  // Scroll down a little, as a reader would, so that the annotated
  // paragraph sits in the middle of the screen.
  const QPointF centre = QRectF(view->rect()).center();
  QWheelEvent wheel(centre, view->mapToGlobal(centre), {}, {0, -360}, Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(view, &wheel);
  waitFor(QStringLiteral("the page at full resolution"), [&] { return view->isPageSharp(); });
  shoot(main, outDir.filePath(parser.value(prefix) + QStringLiteral("viewer.png")));
  return 0;
}

}  // namespace
}  // namespace hopso::client

int main(int argc, char** argv) { return hopso::client::run(argc, argv); }
