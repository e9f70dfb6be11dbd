// A strip across the top of every window while the server cannot be
// reached, so that a delegate knows why the agenda stopped moving and that
// their notes are still kept.
#ifndef HOPSO_CLIENT_UI_OFFLINE_BANNER_H_
#define HOPSO_CLIENT_UI_OFFLINE_BANNER_H_

#include <QFrame>

class QLabel;

namespace hopso::client {

class OfflineBanner : public QFrame {
  Q_OBJECT

 public:
  explicit OfflineBanner(QWidget* parent = nullptr);

  // Connect Api::onlineChanged here. Hidden while online.
  void setOnline(bool online);
  bool isOnline() const { return m_online; }
  // The banner's full text, for tests and accessibility.
  QString text() const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void retranslate();

  bool m_online = true;
  QLabel* m_title;
  QLabel* m_detail;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_OFFLINE_BANNER_H_
