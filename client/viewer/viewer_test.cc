#include <QApplication>
#include <QDeadlineTimer>
#include <QPainter>
#include <QPdfDocument>
#include <QPointingDevice>
#include <QSignalSpy>
#include <QTabletEvent>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <QWheelEvent>

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "client/model/annotation_model.h"
#include "client/model/annotation_store.h"
#include "client/net/api.h"
#include "client/net/connection.h"
#include "client/net/server_trust.h"
#include "client/viewer/annotation_painter.h"
#include "client/viewer/note_dialog.h"
#include "client/viewer/page_renderer.h"
#include "client/viewer/pdf_view.h"
#include "client/viewer/render_cache.h"
#include "client/viewer/sample_pdf.h"
#include "client/viewer/stroke_builder.h"
#include "client/viewer/thumbnail_view.h"

namespace hopso::client {
namespace {

using testing::SamplePage;

constexpr int kPages = 6;

// Processes events until `done` holds, or ten seconds pass.
bool waitUntil(const std::function<bool()>& done, int ms = 10000) {
  QDeadlineTimer deadline(ms);
  while (!done()) {
    if (deadline.hasExpired()) return false;
    QTest::qWait(5);
  }
  return true;
}

bool isDark(QRgb pixel) { return qGray(pixel) < 60; }
bool isWhite(QRgb pixel) { return qGray(pixel) > 245; }

QImage renderBare(const QString& path, int page, QSize size) {
  QPdfDocument document;
  document.load(path);
  return document.render(page, size);
}

class ViewerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new QTemporaryDir;
    ASSERT_TRUE(s_dir->isValid());
    s_pdf = s_dir->filePath("to-trinh.pdf");
    ASSERT_TRUE(testing::writeSamplePdf(s_pdf, kPages));
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }

  void SetUp() override {
    // An Api whose server is not there: the store works offline, as on a
    // tablet in a room without Wi-Fi.
    ServerTrust trust;
    trust.address = QStringLiteral("127.0.0.1:1");
    trust.mode = ServerTrust::Insecure;
    m_api = std::make_unique<Api>(Connection::create(trust));
    m_store = std::make_unique<AnnotationStore>(m_api.get(), m_storeDir.path());
    m_store->setUserId(QStringLiteral("user-lan"));
    m_model = std::make_unique<AnnotationModel>(m_store.get(), QStringLiteral("doc-1"), 1);

    m_view = std::make_unique<PdfView>();
    m_view->resize(600, 800);
    m_view->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_view.get()));
  }

  void TearDown() override {
    m_view.reset();
    m_model.reset();
    m_store.reset();
    m_api.reset();
  }

  void openAndWait() {
    QSignalSpy rendered(m_view.get(), &PdfView::pageRendered);
    ASSERT_TRUE(m_view->open(s_pdf));
    ASSERT_TRUE(rendered.count() > 0 || rendered.wait(10000));
    ASSERT_TRUE(m_view->isPageSharp());
  }

  QPoint onPage(QPointF pagePoint) const { return m_view->mapFromPage(pagePoint).toPoint(); }

  void drawStroke(const QList<QPointF>& pagePoints) {
    QTest::mousePress(m_view.get(), Qt::LeftButton, {}, onPage(pagePoints.first()));
    for (const QPointF& p : pagePoints.mid(1)) QTest::mouseMove(m_view.get(), onPage(p));
    QTest::mouseRelease(m_view.get(), Qt::LeftButton, {}, onPage(pagePoints.last()));
  }

  static inline QTemporaryDir* s_dir = nullptr;
  static inline QString s_pdf;
  QTemporaryDir m_storeDir;
  std::unique_ptr<Api> m_api;
  std::unique_ptr<AnnotationStore> m_store;
  std::unique_ptr<AnnotationModel> m_model;
  std::unique_ptr<PdfView> m_view;
};

// --- RenderCache ------------------------------------------------------------

QImage image(int w, int h) {
  QImage out(w, h, QImage::Format_RGB32);
  out.fill(Qt::white);
  return out;
}

TEST(RenderCache, EvictsLeastRecentlyUsedByBytes) {
  const qint64 one = image(100, 100).sizeInBytes();
  RenderCache cache(3 * one);
  cache.insert(0, image(100, 100));
  cache.insert(1, image(100, 100));
  cache.insert(2, image(100, 100));
  EXPECT_EQ(cache.bytesUsed(), 3 * one);
  EXPECT_FALSE(cache.find(0, QSize(100, 100)).isNull());  // 0 is now the newest
  cache.insert(3, image(100, 100));                        // 1 goes
  EXPECT_TRUE(cache.contains(0, QSize(100, 100)));
  EXPECT_FALSE(cache.contains(1, QSize(100, 100)));
  EXPECT_TRUE(cache.contains(2, QSize(100, 100)));
  EXPECT_TRUE(cache.contains(3, QSize(100, 100)));
  EXPECT_EQ(cache.count(), 3);
  EXPECT_EQ(cache.hits(), 1);
  EXPECT_TRUE(cache.find(1, QSize(100, 100)).isNull());
  EXPECT_EQ(cache.misses(), 1);
}

TEST(RenderCache, KeysBySizeAndKeepsNothingTooBig) {
  RenderCache cache(image(200, 200).sizeInBytes());
  cache.insert(4, image(50, 70));
  cache.insert(4, image(100, 140));
  EXPECT_TRUE(cache.contains(4, QSize(50, 70)));
  EXPECT_FALSE(cache.contains(4, QSize(60, 70)));
  EXPECT_EQ(cache.anyForPage(4).size(), QSize(100, 140));
  EXPECT_TRUE(cache.anyForPage(5).isNull());
  cache.insert(5, image(300, 300));
  EXPECT_FALSE(cache.contains(5, QSize(300, 300)));
  cache.setCapacity(0);
  EXPECT_EQ(cache.count(), 0);
  EXPECT_EQ(cache.bytesUsed(), 0);
}

// --- StrokeBuilder ----------------------------------------------------------

TEST(StrokeBuilder, SimplifiesAStraightLineToItsEnds) {
  StrokeBuilder stroke;
  stroke.begin(QPointF(10, 10), 1);
  for (int i = 1; i <= 200; ++i) stroke.addPoint(QPointF(10 + i, 10 + i * 0.5), 1);
  const QList<StrokePoint> points = stroke.finish();
  ASSERT_EQ(points.size(), 2);
  EXPECT_EQ(points.first().pos, QPointF(10, 10));
  EXPECT_EQ(points.last().pos, QPointF(210, 110));  // ends where the pen lifted
  EXPECT_FALSE(stroke.isActive());
}

TEST(StrokeBuilder, SmoothsJitterAndKeepsCurves) {
  StrokeBuilder stroke;
  stroke.begin(QPointF(0, 50), 1);
  qreal rawWiggle = 0;
  for (int i = 1; i <= 100; ++i) {
    const qreal jitter = (i % 2 ? 0.6 : -0.6);
    rawWiggle += 1.2;
    stroke.addPoint(QPointF(i, 50 + jitter), 1);
  }
  qreal smoothedWiggle = 0;
  const QList<StrokePoint>& live = stroke.points();
  for (int i = 1; i < live.size(); ++i) smoothedWiggle += std::abs(live[i].pos.y() - live[i - 1].pos.y());
  EXPECT_LT(smoothedWiggle, rawWiggle / 2);
  stroke.finish();

  // A half circle keeps enough points to stay round (error ≤ tolerance).
  stroke.begin(QPointF(100, 0), 1);
  for (int deg = 1; deg <= 180; ++deg) {
    const qreal a = qDegreesToRadians(qreal(deg));
    stroke.addPoint(QPointF(100 * std::cos(a), 100 * std::sin(a)), 1);
  }
  const QList<StrokePoint> arc = stroke.finish();
  EXPECT_GT(arc.size(), 10);
  EXPECT_LT(arc.size(), 120);
  for (const StrokePoint& p : arc) EXPECT_NEAR(std::hypot(p.pos.x(), p.pos.y()), 100, 2.5);
}

TEST(StrokeBuilder, KeepsPressureChangesAndMapsThemToWidth) {
  StrokeBuilder stroke(StrokeBuilder::Options{.smoothing = 0, .baseWidth = 4});
  stroke.begin(QPointF(0, 0), 0.1);
  for (int i = 1; i <= 100; ++i) stroke.addPoint(QPointF(i, 0), i <= 50 ? 0.1 : 1.0);
  const QList<StrokePoint> points = stroke.finish();
  // Straight, but the jump in pressure needs points around it.
  EXPECT_GT(points.size(), 2);
  EXPECT_FLOAT_EQ(points.first().pressure, 0.1f);
  EXPECT_FLOAT_EQ(points.last().pressure, 1.0f);

  EXPECT_LT(StrokeBuilder::widthAt(2, 0.1), StrokeBuilder::widthAt(2, 0.5));
  EXPECT_LT(StrokeBuilder::widthAt(2, 0.5), StrokeBuilder::widthAt(2, 1));
  EXPECT_DOUBLE_EQ(StrokeBuilder::widthAt(2, 1), 2);
  EXPECT_DOUBLE_EQ(StrokeBuilder::widthAt(2, 0), 2);  // no pressure reported: full ink
}

TEST(StrokeBuilder, StaysWithinTheProtocolsPointLimit) {
  StrokeBuilder stroke(StrokeBuilder::Options{.smoothing = 0, .minDistance = 0});
  stroke.begin(QPointF(0, 0), 1);
  for (int i = 1; i < 40000; ++i) stroke.addPoint(QPointF(i * 0.5, (i % 2) * 3), 1);
  EXPECT_LE(stroke.finish().size(), StrokeBuilder::kMaxPoints);
}

// --- Annotation painting ----------------------------------------------------

TEST(AnnotationPainter, MarksOthersAnnotationsWithTheirAuthor) {
  v1::Annotation ink;
  ink.set_kind(v1::ANNOTATION_KIND_INK);
  ink.set_color(0xffc00000u);
  ink.set_width(3);
  ink.set_author_name("Phan Văn Khoa");
  for (int x = 50; x <= 150; x += 10) {
    v1::InkPoint* p = ink.add_points();
    p->set_x(x);
    p->set_y(100);
    p->set_pressure(1);
  }
  auto paint = [&](bool mine) {
    QImage image(200, 200, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    paintAnnotation(painter, ink, mine);
    return image;
  };
  const QImage mine = paint(true);
  const QImage theirs = paint(false);
  // The stroke itself, in its colour, either way.
  EXPECT_EQ(mine.pixelColor(100, 100).red(), 0xc0);
  EXPECT_EQ(theirs.pixelColor(100, 100).red(), 0xc0);
  // Only others' carry the tag, just above the stroke.
  auto inked = [](const QImage& image) {
    int count = 0;
    for (int y = 80; y < 97; ++y) {
      for (int x = 45; x < 120; ++x) count += image.pixel(x, y) != qRgb(255, 255, 255);
    }
    return count;
  };
  EXPECT_EQ(inked(mine), 0);
  EXPECT_GT(inked(theirs), 100);
  EXPECT_EQ(annotationBounds(ink), QRectF(48.5, 98.5, 103, 3));
}

// --- PageRenderer -----------------------------------------------------------

TEST_F(ViewerTest, RendererPaintsPagesOverWhiteOffTheGuiThread) {
  PageRenderer renderer;
  QSignalSpy rendered(&renderer, &PageRenderer::rendered);
  renderer.setDocument(s_pdf);
  const QSize size(595, 842);
  renderer.request(2, size, 2.0, PageRenderer::Priority::Visible);
  ASSERT_TRUE(rendered.wait(10000));
  EXPECT_EQ(rendered.at(0).at(0).toInt(), 2);
  const QImage page = rendered.at(0).at(1).value<QImage>();
  ASSERT_EQ(page.size(), size);
  EXPECT_DOUBLE_EQ(page.devicePixelRatio(), 2.0);
  EXPECT_FALSE(page.hasAlphaChannel());
  EXPECT_TRUE(isWhite(page.pixel(5, 5)));
  const QPointF square = SamplePage::square(2).center();
  EXPECT_TRUE(isDark(page.pixel(square.toPoint())));
  // The same pixels as a bare QPdfDocument::render, once over white.
  const QImage bare = renderBare(s_pdf, 2, size);
  EXPECT_EQ(qAlpha(bare.pixel(5, 5)), 0);  // why we paint over white
  EXPECT_TRUE(isDark(bare.pixel(square.toPoint())));
}

TEST_F(ViewerTest, RendererReportsAFileItCannotOpen) {
  PageRenderer renderer;
  QSignalSpy failed(&renderer, &PageRenderer::failed);
  renderer.setDocument(s_dir->filePath("missing.pdf"));
  renderer.request(0, QSize(100, 100), 1, PageRenderer::Priority::Visible);
  ASSERT_TRUE(failed.wait(10000));
  EXPECT_TRUE(failed.at(0).at(0).toString().contains("missing.pdf"));
}

TEST_F(ViewerTest, RendererMergesRepeatedRequests) {
  PageRenderer renderer;
  renderer.setDocument(s_pdf);
  QSignalSpy rendered(&renderer, &PageRenderer::rendered);
  for (int i = 0; i < 5; ++i) {
    renderer.request(1, QSize(300, 424), 1, PageRenderer::Priority::Prefetch);
  }
  EXPECT_EQ(renderer.requestCount(), 1);
  ASSERT_TRUE(rendered.wait(10000));
  EXPECT_TRUE(waitUntil([&] { return !renderer.isPending(1, QSize(300, 424)); }));
  EXPECT_EQ(rendered.count(), 1);
}

// --- PdfView ----------------------------------------------------------------

TEST_F(ViewerTest, RendersTheFirstPageOfARealPdf) {
  openAndWait();
  EXPECT_EQ(m_view->pageCount(), kPages);
  EXPECT_EQ(m_view->currentPage(), 0);
  EXPECT_NEAR(m_view->pagePointSize(0).width(), SamplePage::kWidth, 0.5);
  const QImage shot = m_view->grab().toImage();
  const QPoint square = onPage(SamplePage::square(0).center()) * shot.devicePixelRatio();
  EXPECT_TRUE(isDark(shot.pixel(square)));
  const QPoint paper = onPage(QPointF(20, 20)) * shot.devicePixelRatio();
  EXPECT_TRUE(isWhite(shot.pixel(paper)));
  // Page 1's square is elsewhere: not drawn on page 0.
  const QPoint other = onPage(SamplePage::square(3).center()) * shot.devicePixelRatio();
  EXPECT_TRUE(isWhite(shot.pixel(other)));
}

TEST(PdfViewAlone, OpensBeforeItIsLaidOut) {
  // The viewer page opens the document, then the window gets its size: the
  // page must end up rendered at the final size.
  QTemporaryDir dir;
  const QString pdf = dir.filePath("a.pdf");
  ASSERT_TRUE(testing::writeSamplePdf(pdf, 2));
  PdfView view;
  ASSERT_TRUE(view.open(pdf));
  QSignalSpy rendered(&view, &PdfView::pageRendered);
  view.resize(700, 500);
  view.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  ASSERT_TRUE(waitUntil([&] { return view.isPageSharp(); }, 5000));
  EXPECT_EQ(view.renderSize(0).width(),
            qRound(view.pagePointSize(0).width() * view.zoomFactor() * view.devicePixelRatioF()));
}

TEST_F(ViewerTest, OpeningGarbageIsAClearError) {
  const QString path = s_dir->filePath("garbage.pdf");
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write("%PDF-1.7 this is not a PDF at all");
  file.close();
  QSignalSpy errors(m_view.get(), &PdfView::errorOccurred);
  EXPECT_FALSE(m_view->open(path));
  ASSERT_EQ(errors.count(), 1);
  EXPECT_FALSE(errors.at(0).at(0).toString().isEmpty());
  EXPECT_EQ(m_view->pageCount(), 0);
}

TEST_F(ViewerTest, PageTurnComesFromTheCache) {
  openAndWait();
  // The neighbour is prefetched without asking.
  ASSERT_TRUE(waitUntil([&] {
    return m_view->renderCache().contains(1, m_view->renderSize(1));
  }));
  const qint64 hits = m_view->renderCache().hits();
  const qint64 misses = m_view->renderCache().misses();
  QSignalSpy pages(m_view.get(), &PdfView::currentPageChanged);
  m_view->nextPage();
  EXPECT_EQ(m_view->currentPage(), 1);
  ASSERT_EQ(pages.count(), 1);
  // Sharp at once, before any event is processed: no render was needed.
  EXPECT_TRUE(m_view->isPageSharp());
  m_view->repaint();
  EXPECT_GT(m_view->renderCache().hits(), hits);
  EXPECT_EQ(m_view->renderCache().misses(), misses);
  const QImage shot = m_view->grab().toImage();
  EXPECT_TRUE(isDark(shot.pixel(onPage(SamplePage::square(1).center()) * shot.devicePixelRatio())));

  // Keys, buttons' slots and bounds.
  QTest::keyClick(m_view.get(), Qt::Key_Right);
  EXPECT_EQ(m_view->currentPage(), 2);
  QTest::keyClick(m_view.get(), Qt::Key_Left);
  EXPECT_EQ(m_view->currentPage(), 1);
  QTest::keyClick(m_view.get(), Qt::Key_End);
  EXPECT_EQ(m_view->currentPage(), kPages - 1);
  m_view->nextPage();
  EXPECT_EQ(m_view->currentPage(), kPages - 1);
  m_view->setCurrentPage(3);
  EXPECT_EQ(m_view->currentPage(), 3);
  m_view->setCurrentPage(-1);
  EXPECT_EQ(m_view->currentPage(), 3);
}

TEST_F(ViewerTest, SwipeTurnsThePage) {
  openAndWait();
  m_view->setFitMode(PdfView::FitMode::FitPage);
  const QPoint from(450, 400);
  QTest::mousePress(m_view.get(), Qt::LeftButton, {}, from);
  for (int dx = 30; dx <= 300; dx += 30) QTest::mouseMove(m_view.get(), from - QPoint(dx, 0));
  QTest::mouseRelease(m_view.get(), Qt::LeftButton, {}, from - QPoint(300, 0));
  EXPECT_EQ(m_view->currentPage(), 1);
  // And back.
  QTest::mousePress(m_view.get(), Qt::LeftButton, {}, QPoint(100, 400));
  QTest::mouseMove(m_view.get(), QPoint(250, 410));
  QTest::mouseRelease(m_view.get(), Qt::LeftButton, {}, QPoint(400, 410));
  EXPECT_EQ(m_view->currentPage(), 0);
}

TEST_F(ViewerTest, FitModesComputeTheScale) {
  openAndWait();
  const qreal w = m_view->pagePointSize(0).width(), h = m_view->pagePointSize(0).height();
  m_view->resize(600, 800);
  m_view->setFitMode(PdfView::FitMode::FitWidth);
  EXPECT_NEAR(m_view->zoomFactor(), (600 - 16) / w, 1e-3);
  EXPECT_NEAR(m_view->pageRect().width(), 600 - 16, 0.5);

  m_view->setFitMode(PdfView::FitMode::FitPage);
  EXPECT_NEAR(m_view->zoomFactor(), qMin((600 - 16) / w, (800 - 16) / h), 1e-3);
  EXPECT_NEAR(m_view->pageRect().center().x(), 300, 0.5);

  // Landscape: re-laid out, same mode.
  QSignalSpy rendered(m_view.get(), &PdfView::pageRendered);
  m_view->resize(1200, 700);
  EXPECT_EQ(m_view->fitMode(), PdfView::FitMode::FitPage);
  EXPECT_NEAR(m_view->zoomFactor(), qMin((1200 - 16) / w, (700 - 16) / h), 1e-3);
  EXPECT_NEAR(m_view->pageRect().center().x(), 600, 0.5);
  m_view->setFitMode(PdfView::FitMode::FitWidth);
  EXPECT_NEAR(m_view->zoomFactor(), (1200 - 16) / w, 1e-3);
  // Wider than tall: the top of the page stays in view.
  EXPECT_NEAR(m_view->pageRect().top(), 8, 0.5);
  // ...and it is rendered again at the new size.
  ASSERT_TRUE(rendered.wait(10000));
  EXPECT_TRUE(waitUntil([&] { return m_view->isPageSharp(); }));
  EXPECT_EQ(m_view->renderSize(0),
            QSize(qRound(w * m_view->zoomFactor() * m_view->devicePixelRatioF()),
                  qRound(h * m_view->zoomFactor() * m_view->devicePixelRatioF())));
}

TEST_F(ViewerTest, ZoomKeepsThePointUnderTheFingerAndPans) {
  openAndWait();
  m_view->setFitMode(PdfView::FitMode::FitPage);
  const qreal fit = m_view->zoomFactor();
  const QPointF anchor(200, 300);
  const QPointF under = m_view->mapToPage(anchor);

  // Ctrl+wheel, one notch.
  QWheelEvent wheel(anchor, m_view->mapToGlobal(anchor), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::ControlModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(m_view.get(), &wheel);
  EXPECT_EQ(m_view->fitMode(), PdfView::FitMode::Custom);
  EXPECT_NEAR(m_view->zoomFactor(), fit * 1.2, 1e-6);
  EXPECT_NEAR(m_view->mapToPage(anchor).x(), under.x(), 0.01);
  EXPECT_NEAR(m_view->mapToPage(anchor).y(), under.y(), 0.01);

  m_view->zoomBy(2, anchor);
  EXPECT_NEAR(m_view->zoomFactor(), fit * 2.4, 1e-6);
  EXPECT_NEAR(m_view->mapToPage(anchor).x(), under.x(), 0.01);

  // Zoomed in, a drag pans instead of turning the page.
  const QPointF before = m_view->mapToPage(QPointF(300, 400));
  QTest::mousePress(m_view.get(), Qt::LeftButton, {}, QPoint(300, 400));
  QTest::mouseMove(m_view.get(), QPoint(250, 350));
  QTest::mouseRelease(m_view.get(), Qt::LeftButton, {}, QPoint(250, 350));
  EXPECT_EQ(m_view->currentPage(), 0);
  const QPointF after = m_view->mapToPage(QPointF(300, 400));
  EXPECT_NEAR(after.x() - before.x(), 50 / m_view->zoomFactor(), 0.01);
  EXPECT_NEAR(after.y() - before.y(), 50 / m_view->zoomFactor(), 0.01);

  // Bounded, and rendered sharp once zooming stops.
  for (int i = 0; i < 30; ++i) m_view->zoomIn();
  EXPECT_DOUBLE_EQ(m_view->zoomFactor(), PdfView::kMaxZoom);
  EXPECT_TRUE(waitUntil([&] { return m_view->isPageSharp(); }));
  m_view->setFitMode(PdfView::FitMode::FitWidth);
  EXPECT_NEAR(m_view->zoomFactor(), (600 - 16) / SamplePage::kWidth, 1e-3);
}

TEST_F(ViewerTest, PinchWithTwoFingersZooms) {
  openAndWait();
  m_view->setFitMode(PdfView::FitMode::FitPage);
  const qreal fit = m_view->zoomFactor();
  QPointingDevice* touch = QTest::createTouchDevice();
  QTest::touchEvent(m_view.get(), touch).press(0, QPoint(250, 400)).press(1, QPoint(350, 400));
  QTest::touchEvent(m_view.get(), touch).move(0, QPoint(200, 400)).move(1, QPoint(400, 400));
  QTest::touchEvent(m_view.get(), touch).release(0, QPoint(200, 400)).release(1, QPoint(400, 400));
  EXPECT_NEAR(m_view->zoomFactor(), fit * 2, 1e-3);
  EXPECT_EQ(m_view->fitMode(), PdfView::FitMode::Custom);
}

TEST_F(ViewerTest, InkDragMakesOneStrokeInPageCoordinatesAndUndoRemovesIt) {
  openAndWait();
  m_view->setAnnotationModel(m_model.get());
  m_view->setTool(PdfView::Tool::Ink);
  QList<QPointF> path;
  for (int i = 0; i <= 40; ++i) path.append(QPointF(100 + i * 5, 300 + 40 * std::sin(i / 6.0)));
  drawStroke(path);

  const QList<v1::Annotation> page = m_model->annotationsOnPage(0);
  ASSERT_EQ(page.size(), 1);
  const v1::Annotation& ink = page.first();
  EXPECT_EQ(ink.kind(), v1::ANNOTATION_KIND_INK);
  EXPECT_EQ(ink.page(), 0);
  EXPECT_EQ(ink.color(), m_view->inkColor().rgba());
  EXPECT_GT(ink.width(), 0);
  ASSERT_GE(ink.points_size(), 3);
  // In PDF points: where the mouse went (within a widget pixel's worth).
  const qreal pixel = 1 / m_view->zoomFactor() + 0.01;
  EXPECT_NEAR(ink.points(0).x(), path.first().x(), pixel);
  EXPECT_NEAR(ink.points(0).y(), path.first().y(), pixel);
  EXPECT_NEAR(ink.points(ink.points_size() - 1).x(), path.last().x(), pixel);
  EXPECT_NEAR(ink.points(ink.points_size() - 1).y(), path.last().y(), pixel);
  for (const v1::InkPoint& p : ink.points()) {
    EXPECT_GE(p.x(), 95);
    EXPECT_LE(p.x(), 305);
    EXPECT_GE(p.y(), 255);
    EXPECT_LE(p.y(), 345);
    EXPECT_FLOAT_EQ(p.pressure(), 1.0f);
  }
  // Drawn on the page.
  m_view->repaint();
  QImage shot = m_view->grab().toImage();
  const QPoint mid = onPage(QPointF(ink.points(ink.points_size() / 2).x(),
                                    ink.points(ink.points_size() / 2).y())) *
                     shot.devicePixelRatio();
  EXPECT_FALSE(isWhite(shot.pixel(mid)));

  m_model->undoStack()->undo();
  EXPECT_TRUE(m_model->annotationsOnPage(0).isEmpty());
  m_view->repaint();
  shot = m_view->grab().toImage();
  EXPECT_TRUE(isWhite(shot.pixel(mid)));
  m_model->undoStack()->redo();
  EXPECT_EQ(m_model->annotationsOnPage(0).size(), 1);
}

TEST_F(ViewerTest, StylusPressureIsKept) {
  openAndWait();
  m_view->setAnnotationModel(m_model.get());
  m_view->setTool(PdfView::Tool::Ink);
  QPointingDevice stylus(QStringLiteral("test stylus"), 4242, QInputDevice::DeviceType::Stylus,
                         QPointingDevice::PointerType::Pen,
                         QInputDevice::Capability::Position | QInputDevice::Capability::Pressure,
                         1, 2);
  auto send = [&](QEvent::Type type, QPointF pagePoint, qreal pressure) {
    const QPointF pos = m_view->mapFromPage(pagePoint);
    QTabletEvent event(type, &stylus, pos, m_view->mapToGlobal(pos), pressure, 0, 0, 0, 0, 0,
                       Qt::NoModifier, Qt::LeftButton,
                       type == QEvent::TabletRelease ? Qt::NoButton : Qt::LeftButton);
    QApplication::sendEvent(m_view.get(), &event);
  };
  send(QEvent::TabletPress, QPointF(100, 400), 0.1);
  // Light, pressing harder, light again.
  for (int i = 1; i <= 60; ++i) {
    send(QEvent::TabletMove, QPointF(100 + i * 4, 400), i <= 30 ? 0.1 + i * 0.03 : 1.0 - (i - 30) * 0.03);
  }
  send(QEvent::TabletRelease, QPointF(340, 400), 0.1);
  const QList<v1::Annotation> page = m_model->annotationsOnPage(0);
  ASSERT_EQ(page.size(), 1);
  const auto& points = page.first().points();
  ASSERT_GE(points.size(), 3);
  EXPECT_LT(points.begin()->pressure(), 0.2f);
  EXPECT_LT(points.rbegin()->pressure(), 0.2f);
  float strongest = 0;
  for (const v1::InkPoint& p : points) strongest = qMax(strongest, p.pressure());
  EXPECT_GT(strongest, 0.8f);

  // The stylus' eraser end erases whatever the tool.
  QPointingDevice eraser(QStringLiteral("test eraser"), 4243, QInputDevice::DeviceType::Stylus,
                         QPointingDevice::PointerType::Eraser,
                         QInputDevice::Capability::Position | QInputDevice::Capability::Pressure,
                         1, 2);
  const QPointF onStroke = m_view->mapFromPage(QPointF(220, 400));
  QTabletEvent press(QEvent::TabletPress, &eraser, onStroke, m_view->mapToGlobal(onStroke), 0.5,
                     0, 0, 0, 0, 0, Qt::NoModifier, Qt::LeftButton, Qt::LeftButton);
  QApplication::sendEvent(m_view.get(), &press);
  QTabletEvent release(QEvent::TabletRelease, &eraser, onStroke, m_view->mapToGlobal(onStroke),
                       0, 0, 0, 0, 0, 0, Qt::NoModifier, Qt::LeftButton, Qt::NoButton);
  QApplication::sendEvent(m_view.get(), &release);
  EXPECT_TRUE(m_model->annotationsOnPage(0).isEmpty());
  EXPECT_EQ(m_view->tool(), PdfView::Tool::Ink);
  m_model->undoStack()->undo();
  ASSERT_EQ(m_model->annotationsOnPage(0).size(), 1);

  // With a stylus around, a finger pans instead of drawing (palm rejection).
  QPointingDevice* touch = QTest::createTouchDevice();
  QTest::touchEvent(m_view.get(), touch).press(0, onPage(QPointF(100, 500)));
  QTest::touchEvent(m_view.get(), touch).move(0, onPage(QPointF(200, 500)));
  QTest::touchEvent(m_view.get(), touch).release(0, onPage(QPointF(200, 500)));
  EXPECT_EQ(m_model->annotationsOnPage(0).size(), 1);
}

TEST_F(ViewerTest, EraserRemovesWhatItTouchesAsOneUndoStep) {
  openAndWait();
  m_view->setAnnotationModel(m_model.get());
  m_view->setTool(PdfView::Tool::Ink);
  drawStroke({QPointF(100, 300), QPointF(150, 300), QPointF(200, 300)});
  drawStroke({QPointF(100, 340), QPointF(150, 340), QPointF(200, 340)});
  drawStroke({QPointF(100, 450), QPointF(150, 450), QPointF(200, 450)});
  ASSERT_EQ(m_model->annotationsOnPage(0).size(), 3);
  const int commands = m_model->undoStack()->count();

  m_view->setTool(PdfView::Tool::Eraser);
  // A tap on empty paper erases nothing and adds no undo step.
  QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, onPage(QPointF(400, 700)));
  EXPECT_EQ(m_model->annotationsOnPage(0).size(), 3);
  EXPECT_EQ(m_model->undoStack()->count(), commands);

  // One drag across the first two strokes.
  drawStroke({QPointF(150, 280), QPointF(150, 320), QPointF(150, 360)});
  const QList<v1::Annotation> left = m_model->annotationsOnPage(0);
  ASSERT_EQ(left.size(), 1);
  EXPECT_NEAR(left.first().points(0).y(), 450, 1);
  EXPECT_EQ(m_model->undoStack()->count(), commands + 1);
  m_model->undoStack()->undo();
  EXPECT_EQ(m_model->annotationsOnPage(0).size(), 3);
}

TEST_F(ViewerTest, HighlighterSnapsToTheTextLine) {
  openAndWait();
  m_view->setAnnotationModel(m_model.get());
  m_view->setTool(PdfView::Tool::Highlighter);
  const QRectF line = SamplePage::textLine();
  // From inside the first words to well past the end of the line.
  drawStroke({QPointF(80, line.center().y()), QPointF(300, line.center().y()),
              QPointF(560, line.center().y())});
  const QList<v1::Annotation> page = m_model->annotationsOnPage(0);
  ASSERT_EQ(page.size(), 1);
  const v1::Annotation& mark = page.first();
  EXPECT_EQ(mark.kind(), v1::ANNOTATION_KIND_HIGHLIGHT);
  ASSERT_EQ(mark.rects_size(), 1);  // one line, not a box per letter
  const v1::PageRect& r = mark.rects(0);
  EXPECT_NEAR(r.x(), line.left(), 2);     // from the first letter under the pen
  EXPECT_LT(r.x() + r.width(), 480);      // to where the text stops
  EXPECT_GT(r.height(), 10);          // as tall as the glyphs
  EXPECT_GE(r.y(), line.top() - 4);
  EXPECT_LE(r.y() + r.height(), line.bottom() + 4);
  // Drawn translucent: the text under it stays dark.
  m_view->repaint();
  const QImage shot = m_view->grab().toImage();
  const QPoint inside = onPage(QPointF(r.x() + 2, r.y() + r.height() / 2)) * shot.devicePixelRatio();
  EXPECT_FALSE(isWhite(shot.pixel(inside)));

  // Over empty paper: the dragged band itself.
  drawStroke({QPointF(300, 600), QPointF(400, 610)});
  ASSERT_EQ(m_model->annotationsOnPage(0).size(), 2);
  const v1::PageRect band = m_model->annotationsOnPage(0).last().rects(0);
  EXPECT_NEAR(band.x(), 300, 1);
  EXPECT_NEAR(band.width(), 100, 1.5);
  EXPECT_NEAR(band.height(), 10, 1.5);
}

TEST_F(ViewerTest, NotesAreWrittenInADialogAndKeepVietnamese) {
  openAndWait();
  m_view->setAnnotationModel(m_model.get());
  m_view->setTool(PdfView::Tool::Note);
  const QPointF spot(300, 150);
  QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, onPage(spot));
  NoteDialog* dialog = m_view->findChild<NoteDialog*>();
  ASSERT_NE(dialog, nullptr);
  const QString text = QStringLiteral("Cần hỏi lại số liệu ở mục 2.1 — đề nghị Sở Tài chính giải trình.");
  dialog->setText(text);
  dialog->accept();
  QList<v1::Annotation> page = m_model->annotationsOnPage(0);
  ASSERT_EQ(page.size(), 1);
  EXPECT_EQ(page.first().kind(), v1::ANNOTATION_KIND_NOTE);
  EXPECT_EQ(QString::fromStdString(page.first().text()), text);
  ASSERT_EQ(page.first().rects_size(), 1);
  EXPECT_NEAR(page.first().rects(0).x(), spot.x(), 1);
  EXPECT_NEAR(page.first().rects(0).y(), spot.y(), 1);
  ASSERT_TRUE(waitUntil([&] { return m_view->findChild<NoteDialog*>() == nullptr; }));

  // A tap on the icon (even with the Pan tool) opens it again, to edit.
  m_view->setTool(PdfView::Tool::Pan);
  QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, onPage(spot + QPointF(5, 5)));
  dialog = m_view->findChild<NoteDialog*>();
  ASSERT_NE(dialog, nullptr);
  EXPECT_EQ(dialog->text(), text);
  dialog->setText(QStringLiteral("Đã rõ."));
  dialog->accept();
  page = m_model->annotationsOnPage(0);
  ASSERT_EQ(page.size(), 1);
  EXPECT_EQ(QString::fromStdString(page.first().text()), QStringLiteral("Đã rõ."));
  m_model->undoStack()->undo();
  EXPECT_EQ(QString::fromStdString(m_model->annotationsOnPage(0).first().text()), text);

  // An empty note is not kept.
  m_view->setTool(PdfView::Tool::Note);
  QTest::mouseClick(m_view.get(), Qt::LeftButton, {}, onPage(QPointF(100, 700)));
  ASSERT_TRUE(waitUntil([&] {
    for (NoteDialog* d : m_view->findChildren<NoteDialog*>()) {
      if (d->text().isEmpty()) return true;
    }
    return false;
  }));
  for (NoteDialog* d : m_view->findChildren<NoteDialog*>()) {
    if (d->text().isEmpty()) d->accept();
  }
  EXPECT_EQ(m_model->annotationsOnPage(0).size(), 1);
}

TEST_F(ViewerTest, SearchJumpsToHitsFromTheCurrentPage) {
  openAndWait();
  m_view->setCurrentPage(2);
  QSignalSpy hits(m_view.get(), &PdfView::searchHitChanged);
  m_view->searchText(SamplePage::searchWord());
  ASSERT_TRUE(waitUntil([&] { return m_view->searchHitPage() >= 0; }));
  EXPECT_EQ(m_view->searchHitPage(), 3);  // the first at or after page 2
  EXPECT_EQ(m_view->currentPage(), 3);
  const QRectF hit = m_view->searchHitRect();
  EXPECT_NEAR(hit.center().y(), 272, 8);
  EXPECT_GT(hit.width(), 40);
  m_view->nextSearchResult();
  EXPECT_EQ(m_view->currentPage(), 5);
  m_view->nextSearchResult();  // wraps around
  EXPECT_EQ(m_view->currentPage(), 1);
  m_view->previousSearchResult();
  EXPECT_EQ(m_view->currentPage(), 5);
  EXPECT_TRUE(waitUntil([&] { return m_view->searchResultCount() == 3; }));

  // Highlighted on the page.
  m_view->repaint();
  const QImage shot = m_view->grab().toImage();
  const QPoint onHit = onPage(QPointF(m_view->searchHitRect().left() + 1,
                                      m_view->searchHitRect().top() + 1)) *
                       shot.devicePixelRatio();
  const QColor color = shot.pixelColor(onHit);
  EXPECT_GT(color.red(), color.blue() + 40);

  m_view->searchText(QStringLiteral("không có từ này"));
  EXPECT_TRUE(waitUntil([&] { return m_view->searchResultCount() == 0; }));
  EXPECT_EQ(m_view->searchHitPage(), -1);
}

TEST_F(ViewerTest, ThumbnailsRenderLazilyAndFollowTheView) {
  openAndWait();
  ThumbnailView thumbnails;
  thumbnails.resize(170, 400);
  thumbnails.setPdfView(m_view.get());
  thumbnails.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&thumbnails));
  ASSERT_EQ(thumbnails.model()->rowCount(), kPages);
  ASSERT_TRUE(waitUntil([&] { return thumbnails.hasThumbnail(0); }));
  // Only what is visible is rendered: 400 px show about two pages.
  EXPECT_FALSE(thumbnails.hasThumbnail(kPages - 1));

  const QModelIndex third = thumbnails.model()->index(2, 0);
  thumbnails.scrollTo(third);
  QTest::mouseClick(thumbnails.viewport(), Qt::LeftButton, {},
                    thumbnails.visualRect(third).center());
  EXPECT_EQ(m_view->currentPage(), 2);

  m_view->setCurrentPage(kPages - 1);
  EXPECT_EQ(thumbnails.currentIndex().row(), kPages - 1);
  EXPECT_TRUE(waitUntil([&] { return thumbnails.hasThumbnail(kPages - 1); }));
}

}  // namespace
}  // namespace hopso::client
