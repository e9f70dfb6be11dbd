// The annotations of one document version as the viewer edits them, with
// undo and redo.
#ifndef HOPSO_CLIENT_MODEL_ANNOTATION_MODEL_H_
#define HOPSO_CLIENT_MODEL_ANNOTATION_MODEL_H_

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QUndoStack>

#include <map>

#include "hopso/v1/annotation.pb.h"

namespace hopso::client {

class AnnotationStore;

// AnnotationModel
//
// Every change is a QUndoCommand on undoStack(): AddAnnotation,
// RemoveAnnotation (eraser), SetVisibility (share/unshare), EditNote. Doing,
// undoing and redoing each record a new state in the AnnotationStore with a
// higher revision (undoing an add stores a tombstone; redoing revives it),
// so the server always ends up with what the user sees. Only the user's own
// annotations can be changed; others' shared ones are shown read-only.
// Changes that arrive from the server (sync) update the model and emit
// pageChanged for every page they touch.
// Example:
//   AnnotationModel model(store, docId, version);
//   v1::Annotation ink;
//   ink.set_page(0); ink.set_kind(v1::ANNOTATION_KIND_INK); ... add points ...
//   QString id = model.add(ink);
//   model.undoStack()->undo();
class AnnotationModel : public QObject {
  Q_OBJECT

 public:
  AnnotationModel(AnnotationStore* store, const QString& documentId, int version,
                  QObject* parent = nullptr);

  QString documentId() const { return m_documentId; }
  int version() const { return m_version; }
  QUndoStack* undoStack() { return &m_undoStack; }

  // Not deleted, in drawing order. Cheap: the viewer may call it per paint.
  QList<v1::Annotation> annotationsOnPage(int page) const;
  QList<v1::Annotation> annotations() const;
  // nullptr when unknown or deleted.
  const v1::Annotation* annotation(const QString& id) const;
  bool isMine(const v1::Annotation& annotation) const;

  // add
  //
  // Adds `annotation` (page, kind, colour, width, points/rects, text set by
  // the caller): id, document, version, author and revision are filled in,
  // visibility is newVisibility() unless given. Returns the id.
  QString add(v1::Annotation annotation);
  // What add() gives annotations that name no visibility: private until the
  // user chooses to share new ones, so that sharing is one undo step.
  void setNewVisibility(v1::AnnotationVisibility visibility) { m_newVisibility = visibility; }
  v1::AnnotationVisibility newVisibility() const { return m_newVisibility; }
  // Each returns false (and changes nothing) for an unknown id or someone
  // else's annotation, or when nothing would change.
  bool remove(const QString& id);
  bool setVisibility(const QString& id, v1::AnnotationVisibility visibility);
  bool setShared(const QString& id, bool shared);
  bool editNote(const QString& id, const QString& text);

  // hitTest
  //
  // The topmost own annotation on `page` within `tolerance` points of
  // `point` (ink: near a segment; highlight and note: inside a rect), for
  // the eraser; empty when none.
  QString hitTest(int page, QPointF point, qreal tolerance) const;

  // Used by the undo commands: stores `state` with revision raised above
  // what is current.
  void apply(v1::Annotation state);

 signals:
  void pageChanged(int page);

 private:
  void reload();

  AnnotationStore* const m_store;
  const QString m_documentId;
  const int m_version;
  v1::AnnotationVisibility m_newVisibility = v1::ANNOTATION_VISIBILITY_PRIVATE;
  QUndoStack m_undoStack;
  // Snapshot of the view, to tell which pages a store change touched.
  std::map<std::string, v1::Annotation> m_current;
  // The same by page in drawing order: the viewer asks on every paint.
  QHash<int, QList<v1::Annotation>> m_byPage;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_MODEL_ANNOTATION_MODEL_H_
