#include "client/ui/viewer_page.h"

#include <QButtonGroup>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMenu>
#include <QPainter>
#include <QResizeEvent>
#include <QSaveFile>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

#include "client/model/annotation_model.h"
#include "client/model/annotation_store.h"
#include "client/model/document_cache.h"
#include "client/net/api.h"
#include "client/ui/messages.h"
#include "client/viewer/annotation_painter.h"
#include "client/viewer/thumbnail_view.h"

Q_LOGGING_CATEGORY(lcViewerPage, "hopso.ui.viewer")

namespace hopso::client {

namespace {

// Pen colours that read well on paper and on a glossy screen.
struct Swatch {
  QRgb rgb;
  const char* name;
};
const Swatch kSwatches[] = {
    {kDefaultInkColor, QT_TRANSLATE_NOOP("hopso::client::ViewerPage", "Blue-black")},
    {0xffc0392bu, QT_TRANSLATE_NOOP("hopso::client::ViewerPage", "Red")},
    {0xff1e8449u, QT_TRANSLATE_NOOP("hopso::client::ViewerPage", "Green")},
    {0xff111111u, QT_TRANSLATE_NOOP("hopso::client::ViewerPage", "Black")},
    {0xffffd400u, QT_TRANSLATE_NOOP("hopso::client::ViewerPage", "Yellow")},
};

QIcon swatchIcon(const QColor& color) {
  QPixmap pixmap(28, 28);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setPen(QPen(QColor(0x52, 0x60, 0x6d), 1.5));
  painter.setBrush(QColor(color.rgb()));
  painter.drawEllipse(QRectF(3, 3, 22, 22));
  return QIcon(pixmap);
}

struct Exported {
  grpc::Status status;
  QString error;
};

}  // namespace

ViewerPage::ViewerPage(Api* api, DocumentCache* cache, AnnotationStore* annotations,
                       QWidget* parent)
    : QWidget(parent),
      m_api(api),
      m_cache(cache),
      m_annotations(annotations),
      m_view(new PdfView(this)),
      m_thumbnails(new ThumbnailView(this)) {
  m_view->setObjectName(QStringLiteral("pdfView"));
  // The window's width picks the compact rows (MainWindow::resizeEvent); the
  // wide rows' minimum must not keep a portrait window wider than the screen
  // while this page is hidden in the stack.
  setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  m_thumbnails->setPdfView(m_view);
  m_thumbnails->setObjectName(QStringLiteral("thumbnailView"));
  m_thumbnails->setFixedWidth(ThumbnailView::kThumbnailWidth + 40);
  m_thumbnails->hide();
  auto body = new QHBoxLayout;
  body->setContentsMargins(0, 0, 0, 0);
  body->setSpacing(0);
  body->addWidget(m_thumbnails);
  body->addWidget(m_view, 1);
  auto layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(buildViewBar());
  layout->addWidget(buildAnnotateBar());
  layout->addLayout(body, 1);

  connect(m_view, &PdfView::currentPageChanged, this, &ViewerPage::updatePageControls);
  connect(m_view, &PdfView::documentChanged, this, &ViewerPage::updatePageControls);
  connect(m_view, &PdfView::fitModeChanged, this, &ViewerPage::updatePageControls);
  connect(m_view, &PdfView::errorOccurred, this,
          [this](const QString& message) { emit notice(message, true); });
  connect(m_view, &PdfView::toolChanged, this, [this](PdfView::Tool tool) {
    if (QAbstractButton* button = m_tools->button(int(tool))) button->setChecked(true);
  });
  connect(m_view, &PdfView::searchResultsChanged, this, [this](int count) {
    m_searchCount->setText(m_search->text().isEmpty() ? QString()
                                                      : tr("%n hit(s)", nullptr, count));
  });
  connect(m_annotations, &AnnotationStore::pendingCountChanged, this,
          &ViewerPage::updateSyncStatus);
  connect(m_annotations, &AnnotationStore::synced, this, &ViewerPage::updateSyncStatus);
  connect(m_annotations, &AnnotationStore::syncFailed, this, &ViewerPage::updateSyncStatus);
  updateSyncStatus();
}

ViewerPage::~ViewerPage() = default;

QToolButton* ViewerPage::toolButton(const QString& text, const QString& objectName,
                                    bool checkable) {
  auto button = new QToolButton(this);
  button->setText(text);
  button->setObjectName(objectName);
  button->setCheckable(checkable);
  button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  return button;
}

QWidget* ViewerPage::buildViewBar() {
  auto bar = new QWidget(this);
  bar->setObjectName(QStringLiteral("viewBar"));
  bar->setStyleSheet(QStringLiteral("#viewBar { background: #f0f4f8; }"));
  auto row = new QHBoxLayout(bar);
  row->setContentsMargins(12, 6, 12, 2);
  row->setSpacing(6);

  m_thumbnailsButton = toolButton(tr("☰ Pages"), QStringLiteral("thumbnails"), true);
  m_thumbnailsButton->setToolTip(tr("Show the pages as thumbnails"));
  connect(m_thumbnailsButton, &QToolButton::toggled, m_thumbnails, &QWidget::setVisible);
  m_fitWidth = toolButton(tr("Fit width"), QStringLiteral("fitWidth"), true);
  m_fitPage = toolButton(tr("Fit page"), QStringLiteral("fitPage"), true);
  m_compactLabels = {{m_thumbnailsButton, QStringLiteral("☰")},
                     {m_fitWidth, QStringLiteral("↔")},
                     {m_fitPage, QStringLiteral("▣")}};
  connect(m_fitWidth, &QToolButton::clicked, this,
          [this] { m_view->setFitMode(PdfView::FitMode::FitWidth); });
  connect(m_fitPage, &QToolButton::clicked, this,
          [this] { m_view->setFitMode(PdfView::FitMode::FitPage); });

  auto previous = toolButton(QStringLiteral("‹"), QStringLiteral("previousPage"));
  previous->setToolTip(tr("Previous page"));
  auto next = toolButton(QStringLiteral("›"), QStringLiteral("nextPage"));
  next->setToolTip(tr("Next page"));
  connect(previous, &QToolButton::clicked, m_view, &PdfView::previousPage);
  connect(next, &QToolButton::clicked, m_view, &PdfView::nextPage);
  m_pageSpin = new QSpinBox(bar);
  m_pageSpin->setObjectName(QStringLiteral("pageNumber"));
  m_pageSpin->setToolTip(tr("Go to page"));
  m_pageSpin->setButtonSymbols(QAbstractSpinBox::NoButtons);
  m_pageSpin->setAlignment(Qt::AlignCenter);
  m_pageSpin->setMinimumWidth(64);
  m_pageSpin->setKeyboardTracking(false);
  connect(m_pageSpin, &QSpinBox::valueChanged, this,
          [this](int value) { m_view->setCurrentPage(value - 1); });
  m_pageTotal = new QLabel(bar);

  m_search = new QLineEdit(bar);
  m_search->setObjectName(QStringLiteral("search"));
  m_search->setPlaceholderText(tr("Search in the document"));
  m_search->setClearButtonEnabled(true);
  m_search->setMinimumWidth(120);
  m_searchCount = new QLabel(bar);
  m_searchCount->setProperty("role", "hint");
  auto searchPrevious = toolButton(QStringLiteral("▲"), QStringLiteral("searchPrevious"));
  searchPrevious->setToolTip(tr("Previous hit"));
  auto searchNext = toolButton(QStringLiteral("▼"), QStringLiteral("searchNext"));
  searchNext->setToolTip(tr("Next hit"));
  connect(m_search, &QLineEdit::returnPressed, this, [this] {
    if (m_search->text() == m_view->searchString()) {
      m_view->nextSearchResult();
    } else {
      m_view->searchText(m_search->text());
    }
  });
  connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
    if (text.isEmpty()) {
      m_view->searchText(QString());
      m_searchCount->clear();
    }
  });
  connect(searchPrevious, &QToolButton::clicked, m_view, &PdfView::previousSearchResult);
  connect(searchNext, &QToolButton::clicked, m_view, &PdfView::nextSearchResult);

  m_export = toolButton(tr("My annotated copy"), QStringLiteral("exportCopy"));
  m_compactLabels.append({m_export, tr("PDF copy")});
  // The viewer has its own page-turn buttons and swipes; Enter finds the next hit.
  m_wideOnly = {previous, next, searchPrevious, searchNext};
  m_export->setPopupMode(QToolButton::InstantPopup);
  auto exportMenu = new QMenu(m_export);
  exportMenu->addAction(tr("With my annotations"), this, [this] { exportAnnotatedCopy(false); });
  exportMenu->addAction(tr("With my annotations and the shared ones"), this,
                        [this] { exportAnnotatedCopy(true); });
  m_export->setMenu(exportMenu);

  row->addWidget(m_thumbnailsButton);
  row->addWidget(m_fitWidth);
  row->addWidget(m_fitPage);
  row->addSpacing(8);
  row->addWidget(previous);
  row->addWidget(m_pageSpin);
  row->addWidget(m_pageTotal);
  row->addWidget(next);
  row->addSpacing(8);
  row->addWidget(m_search, 1);
  row->addWidget(m_searchCount);
  row->addWidget(searchPrevious);
  row->addWidget(searchNext);
  row->addSpacing(8);
  row->addWidget(m_export);
  return bar;
}

QWidget* ViewerPage::buildAnnotateBar() {
  auto bar = new QWidget(this);
  bar->setObjectName(QStringLiteral("annotateBar"));
  bar->setStyleSheet(QStringLiteral(
      "#annotateBar { background: #f0f4f8; border-bottom: 1px solid #d9e2ec; }"));
  auto row = new QHBoxLayout(bar);
  row->setContentsMargins(12, 2, 12, 6);
  row->setSpacing(6);

  m_tools = new QButtonGroup(this);
  m_tools->setExclusive(true);
  const struct {
    PdfView::Tool tool;
    QString text;
    const char* name;
    QString tip;
  } tools[] = {
      {PdfView::Tool::Pan, tr("✥ Move"), "toolPan", tr("Turn pages and move around")},
      {PdfView::Tool::Ink, tr("✎ Pen"), "toolInk", tr("Write with the pen or a finger")},
      {PdfView::Tool::Highlighter, tr("▍ Highlight"), "toolHighlighter", tr("Mark text")},
      {PdfView::Tool::Note, tr("✉ Note"), "toolNote", tr("Tap to add a text note")},
      {PdfView::Tool::Eraser, tr("⌫ Eraser"), "toolEraser", tr("Remove your annotations")},
  };
  for (const auto& t : tools) {
    QToolButton* button = toolButton(t.text, QString::fromLatin1(t.name), true);
    button->setToolTip(t.tip);
    // Compact: the symbol in front of the name.
    m_compactLabels.append({button, t.text.section(QLatin1Char(' '), 0, 0)});
    m_tools->addButton(button, int(t.tool));
    row->addWidget(button);
  }
  m_tools->button(int(PdfView::Tool::Pan))->setChecked(true);
  connect(m_tools, &QButtonGroup::idClicked, this,
          [this](int id) { m_view->setTool(PdfView::Tool(id)); });

  m_color = toolButton(tr("Colour"), QStringLiteral("color"));
  m_color->setPopupMode(QToolButton::InstantPopup);
  auto colorMenu = new QMenu(m_color);
  for (const Swatch& swatch : kSwatches) {
    const QColor color = QColor::fromRgba(swatch.rgb);
    colorMenu->addAction(swatchIcon(color), tr(swatch.name), this,
                         [this, color] { setColor(color); });
  }
  m_color->setMenu(colorMenu);
  m_color->setIcon(swatchIcon(QColor::fromRgba(kDefaultInkColor)));

  m_share = toolButton(QString(), QStringLiteral("share"), true);
  connect(m_share, &QToolButton::toggled, this, &ViewerPage::setSharesNewAnnotations);
  setSharesNewAnnotations(false);

  m_undo = toolButton(tr("↶ Undo"), QStringLiteral("undo"));
  m_redo = toolButton(tr("↷ Redo"), QStringLiteral("redo"));
  m_undo->setEnabled(false);
  m_redo->setEnabled(false);
  m_undo->setToolTip(tr("Undo"));
  m_redo->setToolTip(tr("Redo"));
  m_compactLabels.append({m_undo, QStringLiteral("↶")});
  m_compactLabels.append({m_redo, QStringLiteral("↷")});
  m_compactLabels.append({m_color, QString()});

  m_syncStatus = new QLabel(bar);
  m_syncStatus->setObjectName(QStringLiteral("syncStatus"));
  m_syncStatus->setProperty("role", "hint");
  m_wideOnly.append(m_syncStatus);

  row->addSpacing(8);
  row->addWidget(m_color);
  row->addWidget(m_share);
  row->addSpacing(8);
  row->addWidget(m_undo);
  row->addWidget(m_redo);
  row->addStretch(1);
  row->addWidget(m_syncStatus);
  return bar;
}

void ViewerPage::setColor(const QColor& color) {
  m_color->setIcon(swatchIcon(color));
  if (m_view->tool() == PdfView::Tool::Highlighter) {
    QColor marker = color;
    // A marker lets the print show through.
    marker.setAlpha(0x73);
    m_view->setHighlightColor(marker);
  } else {
    m_view->setInkColor(color);
  }
}

void ViewerPage::setSharesNewAnnotations(bool share) {
  m_shareNew = share;
  if (m_model) {
    m_model->setNewVisibility(share ? v1::ANNOTATION_VISIBILITY_SHARED
                                    : v1::ANNOTATION_VISIBILITY_PRIVATE);
  }
  QSignalBlocker blocker(m_share);
  m_share->setChecked(share);
  m_share->setText(share ? (m_compact ? tr("Shared") : tr("Shared with participants"))
                         : tr("Private"));
  m_share->setToolTip(share ? tr("New annotations are visible to the meeting's participants")
                            : tr("New annotations are visible only to you"));
}

void ViewerPage::setCompact(bool compact) {
  if (compact == m_compact) return;
  m_compact = compact;
  for (CompactLabel& label : m_compactLabels) {
    const QString shown = label.button->text();
    label.button->setText(label.text);
    label.text = shown;
  }
  for (QWidget* widget : m_wideOnly) widget->setVisible(!compact);
  setSharesNewAnnotations(m_shareNew);
}

void ViewerPage::open(const DocumentRef& ref, const QString& path) {
  close();
  m_ref = ref;
  m_model = new AnnotationModel(m_annotations, ref.documentId, ref.version, this);
  setSharesNewAnnotations(m_shareNew);
  QUndoStack* undo = m_model->undoStack();
  connect(undo, &QUndoStack::canUndoChanged, m_undo, &QWidget::setEnabled);
  connect(undo, &QUndoStack::canRedoChanged, m_redo, &QWidget::setEnabled);
  connect(m_undo, &QToolButton::clicked, undo, &QUndoStack::undo);
  connect(m_redo, &QToolButton::clicked, undo, &QUndoStack::redo);
  m_undo->setEnabled(undo->canUndo());
  m_redo->setEnabled(undo->canRedo());
  if (!m_view->open(path)) return;
  m_view->setAnnotationModel(m_model);
  m_view->setCurrentPage(ref.page);
  updatePageControls();
}

void ViewerPage::close() {
  if (m_model) {
    m_view->setAnnotationModel(nullptr);
    disconnect(m_undo, nullptr, m_model->undoStack(), nullptr);
    disconnect(m_redo, nullptr, m_model->undoStack(), nullptr);
    delete m_model;
  }
  m_view->closeDocument();
  m_search->clear();
}

void ViewerPage::updatePageControls() {
  const int count = m_view->pageCount();
  QSignalBlocker blocker(m_pageSpin);
  m_pageSpin->setRange(count > 0 ? 1 : 0, count);
  m_pageSpin->setValue(m_view->currentPage() + 1);
  m_pageTotal->setText(tr("of %1").arg(count));
  m_fitWidth->setChecked(m_view->fitMode() == PdfView::FitMode::FitWidth);
  m_fitPage->setChecked(m_view->fitMode() == PdfView::FitMode::FitPage);
}

void ViewerPage::updateSyncStatus() {
  const int pending = m_annotations->pendingCount();
  m_syncStatus->setText(pending == 0
                            ? tr("Annotations saved")
                            : tr("%n change(s) waiting to be sent", nullptr, pending));
}

void ViewerPage::exportAnnotatedCopy(bool includeShared) {
  const QString suggested =
      QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
          .filePath(tr("%1 (annotated).pdf").arg(m_ref.title.left(80)));
  const QString path = QFileDialog::getSaveFileName(this, tr("Save my annotated copy"), suggested,
                                                    tr("PDF documents (*.pdf)"));
  if (!path.isEmpty()) exportAnnotatedCopyTo(path, includeShared);
}

void ViewerPage::exportAnnotatedCopyTo(const QString& path, bool includeShared) {
  m_export->setEnabled(false);
  emit notice(tr("Preparing your annotated copy…"), false);
  if (m_annotations->pendingCount() == 0) {
    downloadAnnotatedCopy(path, includeShared);
    return;
  }
  // The server makes the copy from what it holds: what is still waiting on
  // the tablet goes first, or the newest strokes would be missing.
  auto done = std::make_shared<QMetaObject::Connection>();
  auto failed = std::make_shared<QMetaObject::Connection>();
  *done = connect(m_annotations, &AnnotationStore::synced, this,
                  [this, done, failed, path, includeShared] {
                    // A sync that was already running when this one was asked
                    // for ends first; the queued one sends the rest.
                    if (m_annotations->pendingCount() > 0) return;
                    disconnect(*done);
                    disconnect(*failed);
                    downloadAnnotatedCopy(path, includeShared);
                  });
  *failed = connect(m_annotations, &AnnotationStore::syncFailed, this,
                    [this, done, failed](const QString& message) {
                      disconnect(*done);
                      disconnect(*failed);
                      m_export->setEnabled(true);
                      emit notice(tr("Your latest annotations could not be sent, so the copy "
                                     "would miss them: %1")
                                      .arg(message),
                                  true);
                    });
  m_annotations->sync();
}

void ViewerPage::downloadAnnotatedCopy(const QString& path, bool includeShared) {
  m_api->run<Exported>(
      this,
      [c = m_api->connection(), documentId = m_ref.documentId, version = m_ref.version, path,
       includeShared] {
        Exported result;
        v1::ExportAnnotatedCopyRequest request;
        request.set_document_id(documentId.toStdString());
        request.set_version(version);
        request.set_include_shared(includeShared);
        std::unique_ptr<grpc::ClientContext> context = c->context(std::chrono::minutes(5));
        std::unique_ptr<grpc::ClientReader<v1::DownloadChunk>> reader =
            c->annotations().ExportAnnotatedCopy(context.get(), request);
        // QSaveFile: a failed export leaves no half-written PDF behind.
        QSaveFile file(path);
        const bool opened = file.open(QIODevice::WriteOnly);
        v1::DownloadChunk chunk;
        while (reader->Read(&chunk)) {
          if (opened) file.write(chunk.data().data(), qint64(chunk.data().size()));
        }
        result.status = reader->Finish();
        if (!opened) {
          result.error = ViewerPage::tr("Cannot write %1: %2").arg(path, file.errorString());
        } else if (result.status.ok() && !file.commit()) {
          result.error = ViewerPage::tr("Cannot write %1: %2").arg(path, file.errorString());
        }
        return result;
      },
      [this, path](Exported result) {
        m_export->setEnabled(true);
        m_api->reportStatus(result.status);
        if (!result.status.ok()) {
          emit notice(tr("The annotated copy could not be made: %1")
                          .arg(Messages::document(result.status)),
                      true);
        } else if (!result.error.isEmpty()) {
          emit notice(result.error, true);
        } else {
          emit notice(tr("Your annotated copy is saved as %1.").arg(QDir::toNativeSeparators(path)),
                      false);
          emit exported(path);
        }
      });
}

}  // namespace hopso::client
