// Drawing annotations (annotation.proto) over a rendered page.
#ifndef HOPSO_CLIENT_VIEWER_ANNOTATION_PAINTER_H_
#define HOPSO_CLIENT_VIEWER_ANNOTATION_PAINTER_H_

#include <QColor>
#include <QRectF>

#include "hopso/v1/annotation.pb.h"

class QPainter;

namespace hopso::client {

// The colours a delegate starts with: blue-black ink, a yellow marker that
// lets the print show through, a sticky-note yellow.
constexpr quint32 kDefaultInkColor = 0xff1a3d7cu;
constexpr quint32 kDefaultHighlightColor = 0x73ffd400u;
constexpr quint32 kDefaultNoteColor = 0xffffc83du;
// A note's icon, in PDF points.
constexpr qreal kNoteIconSize = 22;

// annotationBounds
//
// Where `annotation` draws, in PDF points, its stroke width included.
QRectF annotationBounds(const v1::Annotation& annotation);

// paintAnnotation
//
// Draws one annotation. `painter`'s transform maps PDF points (top-left
// origin) to the target. Others' annotations (`mine` false) get a small tag
// with the author's given name, so that nobody mistakes them for their own.
void paintAnnotation(QPainter& painter, const v1::Annotation& annotation, bool mine);

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_VIEWER_ANNOTATION_PAINTER_H_
