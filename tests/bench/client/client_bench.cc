// The client figures of shared/design/BENCHMARKS.md, under
// QT_QPA_PLATFORM=offscreen, each against a bare QPdfDocument::render of the
// same page at the same pixel size, measured in the same run, alternating
// A B A B (--rounds times), median ratio with min and max:
//
//   first_page  open a 300-page PDF in a PdfView until its first page is
//               painted, vs a bare QPdfDocument load + render of that page;
//   page_turn   turn to the next page once the viewer has prefetched it
//               (PdfView::nextPage + repaint), vs a bare render of that page;
//   ink_point   per pointer sample: StrokeBuilder alone (smoothing, pressure,
//               simplification), vs a bare render of the page drawn on;
//   ink_view    per pointer sample through the whole viewer: the mouse event,
//               the stroke, the repaint of the dirty area, and at the end the
//               stroke saved through AnnotationModel, vs the same bare render.
//
// The ratio is the viewer's time divided by the bare render's: below 1 the
// viewer is cheaper than one render. The view is a 10-inch tablet in
// portrait, 1200×1920 device pixels (600×960 at a device pixel ratio of 2).
//
//   QT_QPA_PLATFORM=offscreen bench_client [--rounds 5] [--pages 300]
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QMouseEvent>
#include <QPdfDocument>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTimer>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "client/model/annotation_model.h"
#include "client/model/annotation_store.h"
#include "client/net/api.h"
#include "client/net/connection.h"
#include "client/net/server_trust.h"
#include "client/viewer/page_renderer.h"
#include "client/viewer/pdf_view.h"
#include "client/viewer/sample_pdf.h"
#include "client/viewer/stroke_builder.h"

namespace hopso::client {
namespace {

using Clock = QElapsedTimer;

// CPU time of the calling thread: on a shared machine wall time also counts
// the time other processes held the cpu.
double threadCpuUs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Figure {
  std::vector<double> hopso;  // ms
  std::vector<double> bare;   // ms
  std::vector<double> ratios() const {
    std::vector<double> out;
    for (size_t i = 0; i < hopso.size(); ++i) out.push_back(hopso[i] / bare[i]);
    return out;
  }
};

void print(const char* name, const Figure& f, const QString& absolute) {
  const std::vector<double> r = f.ratios();
  std::printf("CLIENT %s ratio=%.4g min=%.4g max=%.4g | %s\n", name, median(r),
              *std::min_element(r.begin(), r.end()), *std::max_element(r.begin(), r.end()),
              qPrintable(absolute));
  std::fflush(stdout);
}

// Runs the event loop until `done` holds, checking after each of
// `sender`'s `signal`s; the thread sleeps meanwhile, as a real GUI thread
// does, so the render thread has the cpu to itself. A minute at most: then
// the figure is wrong, and says so.
template <class Signal>
bool waitFor(const std::function<bool()>& done, const typename QtPrivate::FunctionPointer<Signal>::Object* sender, Signal signal) {
  if (done()) return true;
  QEventLoop loop;
  QObject::connect(sender, signal, &loop, [&] {
    if (done()) loop.quit();
  });
  QTimer::singleShot(60000, &loop, &QEventLoop::quit);
  loop.exec();
  if (!done()) std::fprintf(stderr, "bench_client: timed out\n");
  return done();
}

double bareRenderMs(QPdfDocument& document, int page, QSize size) {
  Clock clock;
  clock.start();
  const QImage image = document.render(page, size);
  const double ms = clock.nsecsElapsed() / 1e6;
  if (image.isNull()) std::fprintf(stderr, "bench_client: bare render failed\n");
  return ms;
}

class Bench {
 public:
  Bench(QString pdf, QSize viewSize) : m_pdf(std::move(pdf)), m_viewSize(viewSize) {
    ServerTrust trust;
    trust.address = QStringLiteral("127.0.0.1:1");  // offline, as in a room without Wi-Fi
    trust.mode = ServerTrust::Insecure;
    m_api = std::make_unique<Api>(Connection::create(trust));
    m_store = std::make_unique<AnnotationStore>(m_api.get(), m_storeDir.path());
    m_store->setUserId(QStringLiteral("bench"));
  }

  std::unique_ptr<PdfView> newView() {
    auto view = std::make_unique<PdfView>();
    view->resize(m_viewSize);
    view->show();
    QCoreApplication::processEvents();
    view->repaint();
    return view;
  }

  // A: open → first page painted at full resolution.
  double firstPageMs(QSize* renderSize) {
    auto view = newView();
    Clock clock;
    clock.start();
    view->open(m_pdf);
    waitFor([&] { return view->isPageSharp(); }, view.get(), &PdfView::pageRendered);
    view->repaint();
    const double ms = clock.nsecsElapsed() / 1e6;
    *renderSize = view->renderSize(0);
    return ms;
  }

  // B: a fresh document, load + render.
  double bareFirstPageMs(QSize size) {
    Clock clock;
    clock.start();
    QPdfDocument document;
    document.load(m_pdf);
    document.render(0, size);
    return clock.nsecsElapsed() / 1e6;
  }

  // A: median page turn over `turns` turns starting at `from`.
  double pageTurnMs(int from, int turns, QSize* renderSize) {
    auto view = newView();
    view->open(m_pdf);
    view->setCurrentPage(from);
    std::vector<double> times;
    for (int i = 0; i < turns; ++i) {
      const int next = view->currentPage() + 1;
      waitFor([&] { return view->isPageSharp() && view->renderCache().contains(next, view->renderSize(next)); },
              view->renderer(), &PageRenderer::rendered);
      Clock clock;
      clock.start();
      view->nextPage();
      view->repaint();
      times.push_back(clock.nsecsElapsed() / 1e6);
      if (!view->isPageSharp()) std::fprintf(stderr, "bench_client: turn missed the cache\n");
    }
    *renderSize = view->renderSize(from + 1);
    return median(times);
  }

  double barePageTurnMs(int from, int turns, QSize size) {
    QPdfDocument document;
    document.load(m_pdf);
    std::vector<double> times;
    for (int i = 0; i < turns; ++i) times.push_back(bareRenderMs(document, from + 1 + i, size));
    return median(times);
  }

  // A handwriting-like path: loops along a line, with varying pressure.
  static QList<std::pair<QPointF, qreal>> handwriting(int points, QPointF origin, qreal scale) {
    QList<std::pair<QPointF, qreal>> path;
    for (int i = 0; i < points; ++i) {
      const qreal t = i * 0.05;
      const QPointF p(origin.x() + scale * (t * 1.5 + 6 * std::cos(t * 3)),
                      origin.y() + scale * (10 * std::sin(t * 3) + 2 * std::sin(t * 0.7)));
      path.append({p, 0.35 + 0.3 * std::sin(t)});
    }
    return path;
  }

  double strokeBuilderUsPerPoint(int points) {
    const auto path = handwriting(points, QPointF(60, 200), 1);
    Clock clock;
    clock.start();
    constexpr int kRepeat = 20;
    size_t kept = 0;
    for (int r = 0; r < kRepeat; ++r) {
      StrokeBuilder stroke;
      stroke.begin(path.first().first, path.first().second);
      for (int i = 1; i < path.size(); ++i) stroke.addPoint(path[i].first, path[i].second);
      kept += stroke.finish().size();
    }
    const double us = clock.nsecsElapsed() / 1e3 / (kRepeat * points);
    if (kept == 0) std::fprintf(stderr, "bench_client: empty stroke\n");
    return us;
  }

  // Through the viewer: every sample a mouse event followed by the paint it
  // asked for; the stroke is saved at the end.
  double inkViewUsPerPoint(int points, int page, QSize* renderSize, double* cpuUsPerPoint) {
    auto view = newView();
    view->open(m_pdf);
    view->setCurrentPage(page);
    AnnotationModel model(m_store.get(), QStringLiteral("bench-doc"), 1);
    view->setAnnotationModel(&model);
    view->setTool(PdfView::Tool::Ink);
    waitFor([&] { return view->isPageSharp(); }, view.get(), &PdfView::pageRendered);
    view->repaint();
    *renderSize = view->renderSize(page);
    const qreal zoom = view->zoomFactor();
    const auto path = handwriting(points, view->mapFromPage(QPointF(60, 200)), zoom * 0.8);
    auto send = [&](QEvent::Type type, QPointF pos) {
      QMouseEvent event(type, pos, view->mapToGlobal(pos), Qt::LeftButton,
                        type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton,
                        Qt::NoModifier);
      QApplication::sendEvent(view.get(), &event);
      QCoreApplication::sendPostedEvents(nullptr, QEvent::UpdateRequest);
    };
    const int before = int(model.annotationsOnPage(page).size());
    Clock clock;
    clock.start();
    const double cpuStart = threadCpuUs();
    send(QEvent::MouseButtonPress, path.first().first);
    for (int i = 1; i < path.size(); ++i) send(QEvent::MouseMove, path[i].first);
    send(QEvent::MouseButtonRelease, path.last().first);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::UpdateRequest);
    const double us = clock.nsecsElapsed() / 1e3 / points;
    *cpuUsPerPoint = (threadCpuUs() - cpuStart) / points;
    if (model.annotationsOnPage(page).size() != before + 1) {
      std::fprintf(stderr, "bench_client: the stroke was not saved\n");
    }
    return us;
  }

 private:
  QString m_pdf;
  QSize m_viewSize;
  QTemporaryDir m_storeDir;
  std::unique_ptr<Api> m_api;
  std::unique_ptr<AnnotationStore> m_store;
};

int run(int rounds, int pages, QSize viewSize, qreal dpr) {
  if (pages < 40) {
    std::fprintf(stderr, "bench_client: --pages must be at least 40\n");
    return 2;
  }
  QTemporaryDir dir;
  const QString pdf = dir.filePath(QStringLiteral("ho-so-%1-trang.pdf").arg(pages));
  if (!testing::writeSamplePdf(pdf, pages)) {
    std::fprintf(stderr, "bench_client: cannot write %s\n", qPrintable(pdf));
    return 1;
  }
  Bench bench(pdf, viewSize);
  const QString setting = QStringLiteral("%1-page PDF (%2 KB), %3×%4 view at dpr %5, offscreen, "
                                         "unpinned")
                              .arg(pages)
                              .arg(QFileInfo(pdf).size() / 1024)
                              .arg(viewSize.width())
                              .arg(viewSize.height())
                              .arg(dpr);
  QSize size;
  // Warm up: fonts, pdfium, the first widgets.
  bench.firstPageMs(&size);
  bench.bareFirstPageMs(size);

  Figure first, turn, ink, inkView;
  std::vector<double> builderUs, viewUs, viewCpuUs;
  constexpr int kTurns = 12;
  constexpr int kInkPoints = 600;
  for (int round = 0; round < rounds; ++round) {
    first.hopso.push_back(bench.firstPageMs(&size));
    first.bare.push_back(bench.bareFirstPageMs(size));

    // Fresh pages every round, never past the end.
    const int from = 10 + (round * (kTurns + 2)) % qMax(1, pages - kTurns - 12);
    turn.hopso.push_back(bench.pageTurnMs(from, kTurns, &size));
    turn.bare.push_back(bench.barePageTurnMs(from, kTurns, size));

    const int page = 5 + round;
    double viewCpu = 0;
    const double viewPerPoint = bench.inkViewUsPerPoint(kInkPoints, page, &size, &viewCpu);
    viewCpuUs.push_back(viewCpu);
    QPdfDocument document;
    document.load(pdf);
    const double bare = bareRenderMs(document, page, size);
    const double builderPerPoint = bench.strokeBuilderUsPerPoint(kInkPoints);
    ink.hopso.push_back(builderPerPoint / 1000);
    ink.bare.push_back(bare);
    inkView.hopso.push_back(viewPerPoint / 1000);
    inkView.bare.push_back(bareRenderMs(document, page, size));
    builderUs.push_back(builderPerPoint);
    viewUs.push_back(viewPerPoint);
    std::printf("CLIENT round %d: first page %.1f vs bare %.1f ms | turn %.2f vs bare %.1f ms | "
                "ink %.2f µs/point (view %.1f µs) vs bare %.1f ms\n",
                round, first.hopso.back(), first.bare.back(), turn.hopso.back(),
                turn.bare.back(), builderPerPoint, viewPerPoint, bare);
    std::fflush(stdout);
  }
  print("first_page", first,
        QStringLiteral("first page painted %1 ms after open vs bare load+render %2 ms (%3)")
            .arg(median(first.hopso), 0, 'f', 1)
            .arg(median(first.bare), 0, 'f', 1)
            .arg(setting));
  print("page_turn", turn,
        QStringLiteral("turn from cache %1 ms vs bare render %2 ms (%3 turns per round; %4)")
            .arg(median(turn.hopso), 0, 'f', 2)
            .arg(median(turn.bare), 0, 'f', 1)
            .arg(kTurns)
            .arg(setting));
  print("ink_point", ink,
        QStringLiteral("StrokeBuilder %1 µs per point vs bare render %2 ms (%3)")
            .arg(median(builderUs), 0, 'f', 3)
            .arg(median(ink.bare), 0, 'f', 1)
            .arg(setting));
  print("ink_view", inkView,
        QStringLiteral("through PdfView (event, stroke, repaint, save) %1 µs per point "
                       "(%5 µs of GUI-thread cpu) vs bare render %2 ms (%3 points per stroke; %4)")
            .arg(median(viewUs), 0, 'f', 1)
            .arg(median(inkView.bare), 0, 'f', 1)
            .arg(kInkPoints)
            .arg(setting)
            .arg(median(viewCpuUs), 0, 'f', 1));
  return 0;
}

}  // namespace
}  // namespace hopso::client

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Parsed before QApplication: the device pixel ratio must be set first.
  qreal dpr = 2;
  for (int i = 1; i < argc; ++i) {
    const QByteArray arg(argv[i]);
    if (arg == "--dpr" && i + 1 < argc) dpr = QByteArray(argv[i + 1]).toDouble();
    if (arg.startsWith("--dpr=")) dpr = arg.mid(6).toDouble();
  }
  if (!(dpr >= 1)) dpr = 1;
  if (qEnvironmentVariableIsEmpty("QT_SCALE_FACTOR")) {
    qputenv("QT_SCALE_FACTOR", QByteArray::number(dpr));
  }
  QApplication app(argc, argv);
  QLoggingCategory::setFilterRules(QStringLiteral("hopso.*.info=false\nhopso.*.warning=false"));
  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Hopso client benchmark (BENCHMARKS.md)"));
  parser.addHelpOption();
  QCommandLineOption rounds(QStringLiteral("rounds"), QStringLiteral("A B pairs"),
                            QStringLiteral("n"), QStringLiteral("5"));
  QCommandLineOption pages(QStringLiteral("pages"), QStringLiteral("pages of the PDF"),
                           QStringLiteral("n"), QStringLiteral("300"));
  QCommandLineOption dprOption(QStringLiteral("dpr"), QStringLiteral("device pixel ratio"),
                               QStringLiteral("x"), QStringLiteral("2"));
  parser.addOptions({rounds, pages, dprOption});
  parser.process(app);
  return hopso::client::run(parser.value(rounds).toInt(), parser.value(pages).toInt(),
                            QSize(qRound(1200 / dpr), qRound(1920 / dpr)), dpr);
}
