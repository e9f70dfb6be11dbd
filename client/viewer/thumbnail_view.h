// The strip of page thumbnails beside the viewer.
#ifndef HOPSO_CLIENT_VIEWER_THUMBNAIL_VIEW_H_
#define HOPSO_CLIENT_VIEWER_THUMBNAIL_VIEW_H_

#include <QListView>
#include <QPointer>

namespace hopso::client {

class PdfView;
class ThumbnailModel;

// ThumbnailView
//
// A QListView of the pages of the document shown by a PdfView, each a small
// rendered image with its page number. Thumbnails render lazily, only when
// the list asks for them (visible rows), on a PageRenderer of their own, so
// they never hold up the page being read; the newest request goes first, so
// flicking through a long document renders where the user stops. Tapping a
// thumbnail turns the viewer to that page, and the viewer's page is kept
// selected and in view.
//
//   auto* thumbnails = new ThumbnailView(this);
//   thumbnails->setPdfView(view);
class ThumbnailView : public QListView {
  Q_OBJECT

 public:
  // Thumbnail width in logical pixels: big enough to recognise a page and to
  // hit with a finger.
  static constexpr int kThumbnailWidth = 120;

  explicit ThumbnailView(QWidget* parent = nullptr);
  ~ThumbnailView() override;

  void setPdfView(PdfView* view);
  PdfView* pdfView() const { return m_view; }

  // Whether the thumbnail of `page` has been rendered (for tests).
  bool hasThumbnail(int page) const;

 signals:
  void pageActivated(int page);

 private:
  void documentChanged();
  void currentPageChanged(int page);

  ThumbnailModel* m_model;
  QPointer<PdfView> m_view;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_VIEWER_THUMBNAIL_VIEW_H_
