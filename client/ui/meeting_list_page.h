// The first page after login: my meetings, upcoming first, each with its
// date, time, place and state.
#ifndef HOPSO_CLIENT_UI_MEETING_LIST_PAGE_H_
#define HOPSO_CLIENT_UI_MEETING_LIST_PAGE_H_

#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace hopso::client {

class MeetingListModel;

class MeetingListPage : public QWidget {
  Q_OBJECT

 public:
  MeetingListPage(MeetingListModel* model, QWidget* parent = nullptr);

  QListView* view() const { return m_view; }

 signals:
  void meetingActivated(const QString& meetingId);
  void scanRequested();

 private:
  void updateEmptyState();

  MeetingListModel* const m_model;
  QLabel* m_status;
  QListView* m_view;
  QPushButton* m_refresh;
  QPushButton* m_scan;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_UI_MEETING_LIST_PAGE_H_
