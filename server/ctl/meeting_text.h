// Meetings, agendas and events as text for `hopsoctl` output and the demo
// transcript.
#ifndef HOPSO_SERVER_CTL_MEETING_TEXT_H_
#define HOPSO_SERVER_CTL_MEETING_TEXT_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "hopso/v1/meeting.pb.h"

namespace hopso::ctl {

// AgendaText
//
// One line per item, sub-items indented, tab-separated for scripts:
// "2.1<TAB>id<TAB>title<TAB>presenter<TAB>15 min".
std::string AgendaText(const v1::Agenda& agenda);

// MeetingText
//
// "title: ...", "state: ..." lines for one meeting.
std::string MeetingText(const v1::Meeting& meeting);

// AddedItem
//
// The item AddAgendaItem just put under `parent_id` at `index` (-1 or past
// the end: the last sibling), found in the agenda it returned; nullptr when
// there is none.
const v1::AgendaItem* AddedItem(const v1::Agenda& agenda, absl::string_view parent_id,
                                int index);

// EventKind
//
// The name of the body's oneof field ("current_item_changed"), or "unknown"
// for a kind this hopsoctl does not know yet.
absl::string_view EventKind(const v1::MeetingEvent& event);

// EventDescriber
//
// Describes the events of one meeting, fed in order. It remembers the agenda
// from earlier events so that "current item" lines can name the item.
// Example:
//   EventDescriber describer;
//   while (reader->Read(&event)) std::cout << describer.Line(event) << "\n";
class EventDescriber {
 public:
  // Summary
  //
  // e.g. "current item: 2.1 Báo cáo tình hình kinh tế - xã hội".
  std::string Summary(const v1::MeetingEvent& event);

  // Line
  //
  // "  12  2026-12-01 08:00:05  current_item_changed  <summary>".
  std::string Line(const v1::MeetingEvent& event);

 private:
  std::string ItemText(absl::string_view item_id) const;

  absl::flat_hash_map<std::string, v1::AgendaItem> items_;
};

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_MEETING_TEXT_H_
