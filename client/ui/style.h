// The look of hopso-tablet: a calm light theme sized for fingers on a
// 10-inch screen (touch targets of at least 48 px, 17 px text).
#ifndef HOPSO_CLIENT_UI_STYLE_H_
#define HOPSO_CLIENT_UI_STYLE_H_

#include <QColor>

class QApplication;

namespace hopso::client {

// Colours other widgets share with the style sheet.
namespace palette {
inline const QColor kAccent{0x1d, 0x4e, 0x89};
inline const QColor kLive{0xc2, 0x41, 0x0c};
inline const QColor kLiveBackground{0xff, 0xed, 0xd5};
}  // namespace palette

// Fusion with the Hopso palette and style sheet. Widgets that want the
// accent look set the property "role" to "primary" (buttons), "error"
// (labels) or "title" (headings).
void applyTabletStyle(QApplication& app);

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_STYLE_H_
