#include "server/ctl/meeting_text.h"

#include "gtest/gtest.h"

namespace hopso::ctl {
namespace {

v1::AgendaItem Item(const std::string& id, const std::string& parent, int index,
                    const std::string& number, const std::string& title) {
  v1::AgendaItem item;
  item.set_id(id);
  item.set_parent_id(parent);
  item.set_index(index);
  item.set_number(number);
  item.set_title(title);
  return item;
}

v1::Agenda TwoLevelAgenda() {
  v1::Agenda agenda;
  *agenda.add_items() = Item("a", "", 0, "1", "Khai mạc");
  *agenda.add_items() = Item("b", "", 1, "2", "Kinh tế - xã hội");
  *agenda.add_items() = Item("b1", "b", 0, "2.1", "Báo cáo");
  *agenda.add_items() = Item("b2", "b", 1, "2.2", "Thảo luận");
  *agenda.add_items() = Item("c", "", 2, "3", "Bế mạc");
  return agenda;
}

TEST(AddedItemTest, FindsByParentAndIndex) {
  const v1::Agenda agenda = TwoLevelAgenda();
  const struct {
    std::string parent;
    int index;
    const char* id;
  } kCases[] = {{"", -1, "c"}, {"", 0, "a"}, {"b", -1, "b2"}, {"b", 0, "b1"},
                {"b", 7, "b2"}, {"a", -1, nullptr}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.parent + "/" + std::to_string(c.index));
    const v1::AgendaItem* item = AddedItem(agenda, c.parent, c.index);
    if (c.id == nullptr) {
      EXPECT_EQ(item, nullptr);
    } else {
      ASSERT_NE(item, nullptr);
      EXPECT_EQ(item->id(), c.id);
    }
  }
}

TEST(AgendaTextTest, IndentsSubItems) {
  v1::Agenda agenda;
  *agenda.add_items() = Item("b", "", 0, "1", "Kinh tế");
  v1::AgendaItem sub = Item("b1", "b", 0, "1.1", "Báo cáo");
  sub.set_presenter("Bùi Thị Hòa");
  sub.set_planned_minutes(20);
  *agenda.add_items() = sub;
  EXPECT_EQ(AgendaText(agenda),
            "1\tb\tKinh tế\t\t0 min\n"
            "  1.1\tb1\tBáo cáo\tBùi Thị Hòa\t20 min\n");
}

v1::MeetingEvent AgendaEvent(int64_t seq, v1::AgendaChanged::Change change,
                             const std::string& item_id, const v1::Agenda& agenda) {
  v1::MeetingEvent event;
  event.set_seq(seq);
  v1::AgendaChanged* body = event.mutable_body()->mutable_agenda_changed();
  body->set_change(change);
  body->set_item_id(item_id);
  *body->mutable_agenda() = agenda;
  return event;
}

TEST(EventDescriberTest, NamesItemsFromEarlierAgendaEvents) {
  EventDescriber describer;
  v1::MeetingEvent current;
  current.set_seq(2);
  current.mutable_body()->mutable_current_item_changed()->set_item_id("b1");
  // Before any agenda event the id is all it knows.
  EXPECT_EQ(describer.Summary(current), "current item: item b1");

  const v1::Agenda agenda = TwoLevelAgenda();
  EXPECT_EQ(describer.Summary(AgendaEvent(1, v1::AgendaChanged::CHANGE_ADDED, "c", agenda)),
            "agenda item added: 3 Bế mạc (5 items)");
  EXPECT_EQ(describer.Summary(current), "current item: 2.1 Báo cáo");

  v1::Agenda without_c = agenda;
  without_c.mutable_items()->RemoveLast();
  EXPECT_EQ(describer.Summary(AgendaEvent(3, v1::AgendaChanged::CHANGE_REMOVED, "c", without_c)),
            "agenda item removed: 3 Bế mạc (4 items)");
}

TEST(EventDescriberTest, LineHasSeqTimeKindSummary) {
  EventDescriber describer;
  v1::MeetingEvent event;
  event.set_seq(7);
  event.mutable_time()->set_unix_micros(1796086805LL * 1000000);  // 08:00:05 in Vietnam
  v1::MeetingStateChanged* state = event.mutable_body()->mutable_state_changed();
  state->set_from(v1::MEETING_STATE_PUBLISHED);
  state->set_to(v1::MEETING_STATE_IN_PROGRESS);
  EXPECT_EQ(describer.Line(event),
            "   7  2026-12-01 08:00:05  state_changed         state: published -> in progress");
}

TEST(EventDescriberTest, DocumentChanges) {
  EventDescriber describer;
  describer.Summary(AgendaEvent(1, v1::AgendaChanged::CHANGE_ADDED, "c", TwoLevelAgenda()));
  v1::MeetingEvent event;
  event.set_seq(2);
  v1::DocumentChanged* change = event.mutable_body()->mutable_document_changed();
  change->set_change(v1::DocumentChanged::CHANGE_NEW_VERSION);
  change->set_document_id("d1");
  change->set_title("Tờ trình về dự toán ngân sách tỉnh năm 2027");
  change->set_agenda_item_id("b1");
  change->set_sha256(std::string("\x3f\xa2\xc1\xd0\x01\x02", 6));
  EXPECT_EQ(EventKind(event), "document_changed");
  EXPECT_EQ(describer.Summary(event),
            "document new version: \"Tờ trình về dự toán ngân sách tỉnh năm 2027\" sha256 "
            "3fa2c1d0 (2.1 Báo cáo)");

  // What a watcher who may not read a confidential document gets.
  v1::MeetingEvent hidden;
  v1::DocumentChanged* secret = hidden.mutable_body()->mutable_document_changed();
  secret->set_change(v1::DocumentChanged::CHANGE_CONFIDENTIALITY);
  secret->set_document_id("d2");
  secret->set_confidential(true);
  EXPECT_EQ(describer.Summary(hidden), "document confidentiality: d2 [mật / confidential]");
}

TEST(EventDescriberTest, AttendancePollsAndSpeakers) {
  EventDescriber describer;
  v1::Quorum quorum;
  quorum.set_members(12);
  quorum.set_present(11);
  quorum.set_represented(1);
  quorum.set_required(7);
  quorum.set_reached(true);

  v1::MeetingEvent event;
  v1::AttendanceChanged* attendance = event.mutable_body()->mutable_attendance_changed();
  attendance->mutable_record()->set_full_name("Tôn Thất Sang");
  attendance->mutable_record()->set_status(v1::ATTENDANCE_STATUS_ABSENT);
  attendance->mutable_record()->set_reason("Đi công tác tại Hà Nội");
  *attendance->mutable_quorum() = quorum;
  EXPECT_EQ(describer.Summary(event),
            "attendance: Tôn Thất Sang vắng (absent) (Đi công tác tại Hà Nội); "
            "quorum 11/12 +1, need 7, reached");

  event.Clear();
  v1::ProxyChanged* proxy = event.mutable_body()->mutable_proxy_changed();
  proxy->set_change(v1::ProxyChanged::CHANGE_ENDED_GIVER_ARRIVED);
  proxy->mutable_proxy()->set_giver_name("Tôn Thất Sang");
  proxy->mutable_proxy()->set_holder_name("Huỳnh Quang Đức");
  *proxy->mutable_quorum() = quorum;
  EXPECT_EQ(describer.Summary(event),
            "proxy ended (the giver arrived): Tôn Thất Sang -> Huỳnh Quang Đức; "
            "quorum 11/12 +1, need 7, reached");

  event.Clear();
  v1::PollChanged* poll = event.mutable_body()->mutable_poll_changed();
  poll->set_change(v1::PollChanged::CHANGE_CLOSED);
  poll->mutable_poll()->set_title("Thông qua dự toán");
  poll->mutable_poll()->set_secrecy(v1::POLL_SECRECY_SECRET);
  poll->mutable_poll()->mutable_result()->set_outcome(v1::POLL_OUTCOME_FAILED);
  poll->mutable_poll()->mutable_result()->set_ballots(12);
  EXPECT_EQ(describer.Summary(event),
            "poll closed: \"Thông qua dự toán\" (bỏ phiếu kín (secret)) "
            "KHÔNG THÔNG QUA (failed), 12 ballots");

  event.Clear();
  v1::BallotsCast* ballots = event.mutable_body()->mutable_ballots_cast();
  ballots->add_voter_user_ids("u1");
  ballots->add_voter_user_ids("u2");
  ballots->set_voted(5);
  ballots->set_eligible(12);
  EXPECT_EQ(describer.Summary(event), "ballots: 2 ballots cast, 5/12 voted");

  event.Clear();
  v1::SpeakerChanged* speaker = event.mutable_body()->mutable_speaker_changed();
  speaker->set_change(v1::SpeakerChanged::CHANGE_FLOOR_ENDED);
  speaker->mutable_request()->set_full_name("Đặng Anh Tuấn");
  speaker->mutable_request()->set_used_seconds(95);
  EXPECT_EQ(describer.Summary(event), "speaker: Đặng Anh Tuấn ends speaking after 95 s");
}

TEST(EventDescriberTest, UnknownKind) {
  v1::MeetingEvent event;  // no body: what an older hopsoctl sees of a newer kind
  EXPECT_EQ(EventKind(event), "unknown");
  EventDescriber describer;
  EXPECT_EQ(describer.Summary(event), "(an event kind this hopsoctl does not know)");
}

}  // namespace
}  // namespace hopso::ctl
