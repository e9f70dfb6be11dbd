#include "client/model/annotation_model.h"

#include <QCoreApplication>
#include <QLineF>
#include <QRectF>
#include <QSet>
#include <QUndoCommand>

#include <algorithm>
#include <cmath>

#include "client/model/annotation_store.h"

namespace hopso::client {
namespace {

class CommandText {
  Q_DECLARE_TR_FUNCTIONS(AnnotationModel)
};

QString addText(v1::AnnotationKind kind) {
  switch (kind) {
    case v1::ANNOTATION_KIND_HIGHLIGHT: return CommandText::tr("Highlight");
    case v1::ANNOTATION_KIND_NOTE: return CommandText::tr("Add note");
    default: return CommandText::tr("Draw");
  }
}

// One change of one annotation: redo stores `after`, undo stores `before`,
// each time as a new revision (see AnnotationModel::apply).
class ChangeAnnotation : public QUndoCommand {
 public:
  ChangeAnnotation(AnnotationModel* model, v1::Annotation before, v1::Annotation after,
                   const QString& text)
      : QUndoCommand(text), m_model(model), m_before(std::move(before)), m_after(std::move(after)) {}

  void redo() override { m_model->apply(m_after); }
  void undo() override { m_model->apply(m_before); }

 private:
  AnnotationModel* const m_model;
  const v1::Annotation m_before;
  const v1::Annotation m_after;
};

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
  const QPointF ab = b - a;
  const double length2 = QPointF::dotProduct(ab, ab);
  if (length2 <= 0) return QLineF(p, a).length();
  const double t = std::clamp(QPointF::dotProduct(p - a, ab) / length2, 0.0, 1.0);
  return QLineF(p, a + t * ab).length();
}

}  // namespace

AnnotationModel::AnnotationModel(AnnotationStore* store, const QString& documentId, int version,
                                 QObject* parent)
    : QObject(parent), m_store(store), m_documentId(documentId), m_version(version) {
  for (const v1::Annotation& a : m_store->annotations(m_documentId, m_version)) {
    m_current[a.id()] = a;
    m_byPage[a.page()].append(a);
  }
  connect(m_store, &AnnotationStore::annotationsChanged, this,
          [this](const QString& documentId, int version) {
            if (documentId == m_documentId && version == m_version) reload();
          });
  m_store->open(m_documentId, m_version);
}

QList<v1::Annotation> AnnotationModel::annotations() const {
  return m_store->annotations(m_documentId, m_version);
}

QList<v1::Annotation> AnnotationModel::annotationsOnPage(int page) const {
  return m_byPage.value(page);
}

const v1::Annotation* AnnotationModel::annotation(const QString& id) const {
  const auto it = m_current.find(id.toStdString());
  return it == m_current.end() ? nullptr : &it->second;
}

bool AnnotationModel::isMine(const v1::Annotation& annotation) const {
  return annotation.author_user_id() == m_store->userId().toStdString();
}

QString AnnotationModel::add(v1::Annotation annotation) {
  annotation.set_id(AnnotationStore::newId().toStdString());
  annotation.set_document_id(m_documentId.toStdString());
  annotation.set_version(m_version);
  annotation.set_author_user_id(m_store->userId().toStdString());
  annotation.set_deleted(false);
  annotation.set_revision(0);
  if (annotation.visibility() == v1::ANNOTATION_VISIBILITY_UNSPECIFIED) {
    annotation.set_visibility(m_newVisibility);
  }
  v1::Annotation tombstone = annotation;
  tombstone.set_deleted(true);
  const QString text = addText(annotation.kind());
  m_undoStack.push(new ChangeAnnotation(this, tombstone, annotation, text));
  return QString::fromStdString(annotation.id());
}

bool AnnotationModel::remove(const QString& id) {
  const v1::Annotation* current = annotation(id);
  if (current == nullptr || !isMine(*current)) return false;
  v1::Annotation after = *current;
  after.set_deleted(true);
  m_undoStack.push(new ChangeAnnotation(this, *current, after, CommandText::tr("Erase")));
  return true;
}

bool AnnotationModel::setVisibility(const QString& id, v1::AnnotationVisibility visibility) {
  const v1::Annotation* current = annotation(id);
  if (current == nullptr || !isMine(*current)) return false;
  const auto normal = [](v1::AnnotationVisibility v) {
    return v == v1::ANNOTATION_VISIBILITY_SHARED ? v1::ANNOTATION_VISIBILITY_SHARED
                                                 : v1::ANNOTATION_VISIBILITY_PRIVATE;
  };
  if (normal(current->visibility()) == normal(visibility)) return false;
  v1::Annotation after = *current;
  after.set_visibility(normal(visibility));
  const QString text = normal(visibility) == v1::ANNOTATION_VISIBILITY_SHARED
                           ? CommandText::tr("Share")
                           : CommandText::tr("Make private");
  m_undoStack.push(new ChangeAnnotation(this, *current, after, text));
  return true;
}

bool AnnotationModel::setShared(const QString& id, bool shared) {
  return setVisibility(id, shared ? v1::ANNOTATION_VISIBILITY_SHARED
                                  : v1::ANNOTATION_VISIBILITY_PRIVATE);
}

bool AnnotationModel::editNote(const QString& id, const QString& text) {
  const v1::Annotation* current = annotation(id);
  if (current == nullptr || !isMine(*current) || current->text() == text.toStdString()) {
    return false;
  }
  v1::Annotation after = *current;
  after.set_text(text.toStdString());
  m_undoStack.push(new ChangeAnnotation(this, *current, after, CommandText::tr("Edit note")));
  return true;
}

QString AnnotationModel::hitTest(int page, QPointF point, qreal tolerance) const {
  const QList<v1::Annotation> onPage = annotationsOnPage(page);
  for (auto it = onPage.crbegin(); it != onPage.crend(); ++it) {
    const v1::Annotation& a = *it;
    if (!isMine(a)) continue;
    for (const v1::PageRect& r : a.rects()) {
      if (QRectF(r.x(), r.y(), r.width(), r.height())
              .normalized()
              .adjusted(-tolerance, -tolerance, tolerance, tolerance)
              .contains(point)) {
        return QString::fromStdString(a.id());
      }
    }
    const double reach = tolerance + a.width() / 2;
    for (int i = 0; i < a.points_size(); ++i) {
      const QPointF p(a.points(i).x(), a.points(i).y());
      const QPointF q = i + 1 < a.points_size() ? QPointF(a.points(i + 1).x(), a.points(i + 1).y())
                                                : p;
      if (distanceToSegment(point, p, q) <= reach) return QString::fromStdString(a.id());
    }
  }
  return {};
}

void AnnotationModel::apply(v1::Annotation state) {
  const v1::Annotation* stored =
      m_store->find(m_documentId, m_version, QString::fromStdString(state.id()));
  // Every step, undo and redo included, is a new revision: the server keeps
  // the highest, so it ends with what the user sees.
  state.set_revision((stored != nullptr ? stored->revision() : 0) + 1);
  m_store->record(m_documentId, m_version, state);
}

void AnnotationModel::reload() {
  std::map<std::string, v1::Annotation> next;
  QHash<int, QList<v1::Annotation>> byPage;
  for (const v1::Annotation& a : m_store->annotations(m_documentId, m_version)) {
    next[a.id()] = a;
    byPage[a.page()].append(a);
  }
  QSet<int> pages;
  for (const auto& [id, a] : m_current) {
    const auto it = next.find(id);
    if (it == next.end() || it->second.SerializeAsString() != a.SerializeAsString()) {
      pages.insert(a.page());
    }
  }
  for (const auto& [id, a] : next) {
    const auto it = m_current.find(id);
    if (it == m_current.end() || it->second.SerializeAsString() != a.SerializeAsString()) {
      pages.insert(a.page());
    }
  }
  m_current = std::move(next);
  m_byPage = std::move(byPage);
  QList<int> sorted(pages.begin(), pages.end());
  std::sort(sorted.begin(), sorted.end());
  for (int page : sorted) emit pageChanged(page);
}

}  // namespace hopso::client
