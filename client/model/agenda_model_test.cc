#include "client/model/agenda_model.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "client/model/document_cache.h"
#include "client/net/test_util.h"

namespace hopso::client {
namespace {

v1::AgendaItem item(const char* id, const char* parent, const char* number, const char* title,
                    const char* presenter = "", int minutes = 0) {
  v1::AgendaItem i;
  i.set_id(id);
  i.set_parent_id(parent);
  i.set_number(number);
  i.set_title(title);
  i.set_presenter(presenter);
  i.set_planned_minutes(minutes);
  return i;
}

v1::Document document(const char* id, const char* itemId, const char* title, int versions) {
  v1::Document d;
  d.set_id(id);
  d.set_agenda_item_id(itemId);
  d.set_title(title);
  for (int n = versions; n >= 1; --n) {
    v1::DocumentVersion* v = d.add_versions();
    v->set_number(n);
    v->set_sha256(std::string(32, char('a' + n)));
    v->set_page_count(10 * n);
    v->set_size_bytes(1000 * n);
  }
  return d;
}

v1::Agenda agenda() {
  v1::Agenda a;
  a.set_meeting_id("m1");
  *a.add_items() = item("i1", "", "1", "Khai mạc", "Chủ tọa", 10);
  *a.add_items() = item("i2", "", "2", "Thảo luận kế hoạch", "Sở Kế hoạch", 60);
  *a.add_items() = item("i21", "i2", "2.1", "Đầu tư công", "Phó Giám đốc", 30);
  *a.add_items() = item("i22", "i2", "2.2", "Ngân sách", "", 0);
  return a;
}

v1::MeetingEvent currentItemEvent(qint64 seq, const char* from, const char* to) {
  v1::MeetingEvent e;
  e.set_meeting_id("m1");
  e.set_seq(seq);
  e.mutable_body()->mutable_current_item_changed()->set_previous_item_id(from);
  e.mutable_body()->mutable_current_item_changed()->set_item_id(to);
  return e;
}

class AgendaModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Meeting meeting;
    meeting.set_id("m1");
    meeting.set_state(v1::MEETING_STATE_IN_PROGRESS);
    meeting.set_last_event_seq(10);
    model_.setMeeting(meeting);
    model_.setAgenda(agenda());
    model_.setDocuments({document("d0", "", "Chương trình họp", 1),
                         document("d2", "i2", "Tờ trình", 2),
                         document("d21", "i21", "Báo cáo đầu tư", 1)});
  }

  QTemporaryDir dir_;
  std::unique_ptr<Api> api_ = testing::unreachableApi();
  AgendaModel model_{api_.get(), dir_.path()};
  QAbstractItemModelTester tester_{&model_, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

TEST_F(AgendaModelTest, TreeWithNumbersPresentersAndDocuments) {
  // Meeting documents, 1, 2.
  ASSERT_EQ(model_.rowCount(), 3);
  const QModelIndex general = model_.index(0, 0);
  EXPECT_EQ(model_.data(general, AgendaModel::KindRole).toInt(), int(AgendaModel::NodeKind::Group));
  ASSERT_EQ(model_.rowCount(general), 1);
  EXPECT_EQ(model_.data(model_.index(0, 0, general), AgendaModel::DocumentIdRole).toString(), "d0");

  const QModelIndex one = model_.index(1, 0);
  EXPECT_EQ(model_.data(one, Qt::DisplayRole).toString(), QString::fromUtf8("1. Khai mạc"));
  EXPECT_EQ(model_.data(one.siblingAtColumn(1), Qt::DisplayRole).toString(),
            QString::fromUtf8("Chủ tọa"));
  EXPECT_EQ(model_.data(one, AgendaModel::PlannedMinutesRole).toInt(), 10);
  EXPECT_EQ(model_.rowCount(one), 0);

  // Item 2: its document first, then 2.1 and 2.2.
  const QModelIndex two = model_.index(2, 0);
  ASSERT_EQ(model_.rowCount(two), 3);
  const QModelIndex doc = model_.index(0, 0, two);
  EXPECT_EQ(model_.data(doc, AgendaModel::DocumentIdRole).toString(), "d2");
  EXPECT_EQ(model_.data(doc, AgendaModel::VersionRole).toInt(), 2);
  EXPECT_EQ(model_.data(doc, AgendaModel::Sha256Role).toString(),
            DocumentCache::hex(std::string(32, 'c')));
  const QVariantList versions = model_.data(doc, AgendaModel::VersionsRole).toList();
  ASSERT_EQ(versions.size(), 2);
  EXPECT_EQ(versions[1].toMap()["number"].toInt(), 1);
  EXPECT_EQ(versions[1].toMap()["pageCount"].toInt(), 10);
  EXPECT_TRUE(model_.data(doc, Qt::DisplayRole).toString().contains("2"));
  const QModelIndex twoOne = model_.index(1, 0, two);
  EXPECT_EQ(model_.data(twoOne, AgendaModel::NumberRole).toString(), "2.1");
  ASSERT_EQ(model_.rowCount(twoOne), 1);
  EXPECT_EQ(model_.indexOfDocument("d21").parent(), twoOne);
  EXPECT_EQ(model_.indexOfItem("i22"), model_.index(2, 0, two));

  // Agenda order for "download the meeting".
  QStringList ids;
  for (const v1::Document& d : model_.documents()) ids << QString::fromStdString(d.id());
  EXPECT_EQ(ids, (QStringList{"d0", "d2", "d21"}));
}

TEST_F(AgendaModelTest, CurrentItemIsLiveFromEvents) {
  QSignalSpy changed(&model_, &AgendaModel::dataChanged);
  QSignalSpy current(&model_, &AgendaModel::currentItemChanged);
  model_.applyEvent(currentItemEvent(11, "", "i21"));
  EXPECT_EQ(model_.currentItemId(), "i21");
  EXPECT_TRUE(model_.data(model_.indexOfItem("i21"), AgendaModel::LiveRole).toBool());
  EXPECT_TRUE(model_.data(model_.indexOfDocument("d21"), AgendaModel::LiveRole).toBool());
  EXPECT_FALSE(model_.data(model_.indexOfItem("i2"), AgendaModel::LiveRole).toBool());
  EXPECT_TRUE(model_.data(model_.indexOfItem("i21"), Qt::FontRole).value<QFont>().bold());
  EXPECT_GE(changed.count(), 1);
  ASSERT_EQ(current.count(), 1);
  EXPECT_EQ(model_.meeting().last_event_seq(), 11);

  model_.applyEvent(currentItemEvent(12, "i21", "i1"));
  EXPECT_FALSE(model_.data(model_.indexOfItem("i21"), AgendaModel::LiveRole).toBool());
  EXPECT_TRUE(model_.data(model_.indexOfItem("i1"), AgendaModel::LiveRole).toBool());

  // Events already reflected (a watcher replaying from 0) change nothing.
  model_.applyEvent(currentItemEvent(5, "", "i22"));
  EXPECT_EQ(model_.currentItemId(), "i1");

  // Events of another meeting are not ours.
  v1::MeetingEvent other = currentItemEvent(13, "i1", "i2");
  other.set_meeting_id("m2");
  model_.applyEvent(other);
  EXPECT_EQ(model_.currentItemId(), "i1");
}

TEST_F(AgendaModelTest, AgendaAndStateChangesFromEvents) {
  v1::MeetingEvent e;
  e.set_meeting_id("m1");
  e.set_seq(11);
  v1::Agenda changed = agenda();
  *changed.add_items() = item("i3", "", "3", "Bế mạc", "Chủ tọa", 5);
  e.mutable_body()->mutable_agenda_changed()->set_change(v1::AgendaChanged::CHANGE_ADDED);
  *e.mutable_body()->mutable_agenda_changed()->mutable_agenda() = changed;
  model_.applyEvent(e);
  ASSERT_EQ(model_.rowCount(), 4);
  EXPECT_EQ(model_.data(model_.index(3, 0), AgendaModel::TitleRole).toString(),
            QString::fromUtf8("Bế mạc"));
  EXPECT_TRUE(model_.indexOfDocument("d21").isValid()) << "documents stay with their items";

  v1::MeetingEvent ended;
  ended.set_meeting_id("m1");
  ended.set_seq(12);
  ended.mutable_body()->mutable_state_changed()->set_from(v1::MEETING_STATE_IN_PROGRESS);
  ended.mutable_body()->mutable_state_changed()->set_to(v1::MEETING_STATE_ENDED);
  model_.applyEvent(ended);
  EXPECT_EQ(model_.meeting().state(), v1::MEETING_STATE_ENDED);
}

TEST_F(AgendaModelTest, OpensFromItsCacheOffline) {
  model_.applyEvent(currentItemEvent(11, "", "i2"));  // saved on every change
  AgendaModel offline(api_.get(), dir_.path());
  QSignalSpy loaded(&offline, &AgendaModel::loaded);
  offline.load("m1");
  HOPSO_WAIT_UNTIL(loaded.count() == 1);
  EXPECT_TRUE(loaded.at(0).at(0).toBool()) << "from the cache";
  EXPECT_EQ(offline.rowCount(), 3);
  EXPECT_EQ(offline.currentItemId(), "i2");
  EXPECT_EQ(offline.meeting().last_event_seq(), 11);
  EXPECT_EQ(offline.documents().size(), 3);

  AgendaModel unknown(api_.get(), dir_.path());
  QSignalSpy error(&unknown, &AgendaModel::errorOccurred);
  unknown.load("never-seen");
  HOPSO_WAIT_UNTIL(error.count() == 1);
}

}  // namespace
}  // namespace hopso::client
