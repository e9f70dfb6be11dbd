// Reading and annotating one document version: PdfView with the toolbars a
// delegate needs (tools, colour, sharing, undo, zoom, pages, search, "my
// annotated copy").
#ifndef HOPSO_CLIENT_UI_VIEWER_PAGE_H_
#define HOPSO_CLIENT_UI_VIEWER_PAGE_H_

#include <QPointer>
#include <QTouchEvent>  // pdf_view.h names QTouchEvent without declaring it
#include <QWidget>

#include "client/model/annotation_model.h"
#include "client/ui/meeting_page.h"
#include "client/viewer/pdf_view.h"

class QAbstractButton;
class QButtonGroup;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;

namespace hopso::client {

class AnnotationStore;
class Api;
class DocumentCache;
class ThumbnailView;

class ViewerPage : public QWidget {
  Q_OBJECT

 public:
  ViewerPage(Api* api, DocumentCache* cache, AnnotationStore* annotations,
             QWidget* parent = nullptr);
  ~ViewerPage() override;

  // Shows the file (already checked against ref.sha256) at ref.page with
  // the user's and the shared annotations of that version.
  void open(const DocumentRef& ref, const QString& path);
  void close();

  const DocumentRef& document() const { return m_ref; }
  QString title() const { return m_ref.title; }
  int currentPage() const { return m_view->currentPage(); }
  int pageCount() const { return m_view->pageCount(); }
  PdfView* pdfView() const { return m_view; }
  AnnotationModel* annotationModel() const { return m_model; }
  // New annotations are shared with the meeting's participants.
  bool sharesNewAnnotations() const { return m_shareNew; }
  void setSharesNewAnnotations(bool share);
  // Symbols instead of words on the tool buttons (names stay in the
  // tooltips), so that both tool rows fit a portrait screen.
  void setCompact(bool compact);
  bool isCompact() const { return m_compact; }

  // Asks where to save, then writes the server's copy of the document with
  // the user's annotations (and, when asked, the shared ones) into it.
  void exportAnnotatedCopy(bool includeShared);
  void exportAnnotatedCopyTo(const QString& path, bool includeShared);

 signals:
  void notice(const QString& text, bool error);
  void scanRequested();
  void exported(const QString& path);

 private:
  QWidget* buildViewBar();
  QWidget* buildAnnotateBar();
  QToolButton* toolButton(const QString& text, const QString& objectName, bool checkable = false);
  void setColor(const QColor& color);
  void downloadAnnotatedCopy(const QString& path, bool includeShared);
  void updatePageControls();
  void updateSyncStatus();

  Api* const m_api;
  DocumentCache* const m_cache;
  AnnotationStore* const m_annotations;
  DocumentRef m_ref;
  PdfView* m_view;
  QPointer<AnnotationModel> m_model;
  ThumbnailView* m_thumbnails;
  bool m_shareNew = false;
  // The user's own annotation ids already seen, to find the new ones.

  QToolButton* m_thumbnailsButton;
  QToolButton* m_fitWidth;
  QToolButton* m_fitPage;
  QSpinBox* m_pageSpin;
  QLabel* m_pageTotal;
  QLineEdit* m_search;
  QLabel* m_searchCount;
  QToolButton* m_export;
  QButtonGroup* m_tools;
  QToolButton* m_color;
  QToolButton* m_share;
  QToolButton* m_undo;
  QToolButton* m_redo;
  QLabel* m_syncStatus;
  // Buttons with a shorter text for narrow screens; `text` holds the one not
  // shown (swapped on every switch).
  struct CompactLabel {
    QAbstractButton* button;
    QString text;
  };
  QList<CompactLabel> m_compactLabels;
  QList<QWidget*> m_wideOnly;
  bool m_compact = false;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_VIEWER_PAGE_H_
