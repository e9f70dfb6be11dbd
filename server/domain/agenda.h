// Agenda ordering and numbering: items and sub-items (two levels), numbered
// 1, 1.1, 1.2, 2, ... from their positions.
#ifndef HOPSO_SERVER_DOMAIN_AGENDA_H_
#define HOPSO_SERVER_DOMAIN_AGENDA_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hopso/v1/meeting.pb.h"

namespace hopso::server {

// Agenda
//
// An in-memory agenda the handlers load, change and save back. Items are
// hopso.v1.AgendaItem messages; `index` is kept dense (0..n-1 among siblings)
// and `number` recomputed after every change. Example:
//   Agenda agenda(store_rows);
//   RETURN_IF_ERROR(agenda.Move(item_id, /*new_parent=*/"", /*new_index=*/0));
//   save(agenda.items());
class Agenda {
 public:
  static constexpr int kMaxDepth = 2;
  static constexpr int kMaxItems = 200;

  explicit Agenda(std::vector<v1::AgendaItem> items);

  // Add
  //
  // Inserts `item` (its id set by the caller) under item.parent_id() at
  // `index` (-1 or the sibling count appends).
  absl::Status Add(v1::AgendaItem item, int index);

  // Move
  //
  // Moves an item, with its sub-items, under `new_parent` ("" for the top
  // level) at `new_index` among the new siblings.
  absl::Status Move(const std::string& id, const std::string& new_parent, int new_index);

  // Remove
  //
  // Removes an item and its sub-items; returns the ids removed.
  absl::StatusOr<std::vector<std::string>> Remove(const std::string& id);

  // Find returns nullptr when there is no such item.
  v1::AgendaItem* Find(const std::string& id);

  // Items in reading order (each followed by its sub-items), numbered.
  const std::vector<v1::AgendaItem>& items() const { return items_; }

 private:
  std::vector<v1::AgendaItem*> Children(const std::string& parent);
  int SubtreeDepth(const std::string& id);
  int Depth(const std::string& id);
  void Renumber();

  std::vector<v1::AgendaItem> items_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_DOMAIN_AGENDA_H_
