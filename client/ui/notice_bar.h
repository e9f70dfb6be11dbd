// A calm, dismissible line of text under the title bar for what just
// happened ("Downloading…", "You may not open this document…").
#ifndef HOPSO_CLIENT_UI_NOTICE_BAR_H_
#define HOPSO_CLIENT_UI_NOTICE_BAR_H_

#include <QFrame>

class QLabel;
class QToolButton;

namespace hopso::client {

class NoticeBar : public QFrame {
  Q_OBJECT

 public:
  enum Kind { Info, Error };

  explicit NoticeBar(QWidget* parent = nullptr);

  void showNotice(const QString& text, Kind kind = Info);
  void clear();
  QString text() const;
  Kind kind() const { return m_kind; }

 private:
  Kind m_kind = Info;
  QLabel* m_text;
  QToolButton* m_close;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_NOTICE_BAR_H_
