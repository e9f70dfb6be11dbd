#include "server/domain/agenda.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"

namespace hopso::server {

Agenda::Agenda(std::vector<v1::AgendaItem> items) : items_(std::move(items)) { Renumber(); }

v1::AgendaItem* Agenda::Find(const std::string& id) {
  for (v1::AgendaItem& item : items_) {
    if (item.id() == id) return &item;
  }
  return nullptr;
}

std::vector<v1::AgendaItem*> Agenda::Children(const std::string& parent) {
  std::vector<v1::AgendaItem*> children;
  for (v1::AgendaItem& item : items_) {
    if (item.parent_id() == parent) children.push_back(&item);
  }
  std::stable_sort(children.begin(), children.end(),
                   [](const v1::AgendaItem* a, const v1::AgendaItem* b) {
                     return a->index() < b->index();
                   });
  return children;
}

int Agenda::Depth(const std::string& id) {
  int depth = 0;
  for (v1::AgendaItem* item = Find(id); item != nullptr; item = Find(item->parent_id())) {
    ++depth;
  }
  return depth;
}

int Agenda::SubtreeDepth(const std::string& id) {
  int deepest = 0;
  for (v1::AgendaItem* child : Children(id)) deepest = std::max(deepest, SubtreeDepth(child->id()));
  return deepest + 1;
}

absl::Status Agenda::Add(v1::AgendaItem item, int index) {
  if (static_cast<int>(items_.size()) >= kMaxItems) {
    return absl::ResourceExhaustedError(
        absl::StrCat("an agenda holds at most ", kMaxItems, " items"));
  }
  if (!item.parent_id().empty()) {
    if (Find(item.parent_id()) == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("parent agenda item ", item.parent_id(), " is not in this agenda"));
    }
    if (Depth(item.parent_id()) >= kMaxDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat("the agenda has at most ", kMaxDepth, " levels (items and sub-items)"));
    }
  }
  const int count = static_cast<int>(Children(item.parent_id()).size());
  if (index == -1) index = count;
  if (index < 0 || index > count) {
    return absl::InvalidArgumentError(absl::StrCat("index ", index, " is out of range 0..", count));
  }
  // Make room: shift later siblings one place down.
  for (v1::AgendaItem* sibling : Children(item.parent_id())) {
    if (sibling->index() >= index) sibling->set_index(sibling->index() + 1);
  }
  item.set_index(index);
  items_.push_back(std::move(item));
  Renumber();
  return absl::OkStatus();
}

absl::Status Agenda::Move(const std::string& id, const std::string& new_parent, int new_index) {
  v1::AgendaItem* item = Find(id);
  if (item == nullptr) {
    return absl::NotFoundError(absl::StrCat("agenda item ", id, " is not in this agenda"));
  }
  if (!new_parent.empty()) {
    if (Find(new_parent) == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("agenda item ", new_parent, " is not in this agenda"));
    }
    for (v1::AgendaItem* p = Find(new_parent); p != nullptr; p = Find(p->parent_id())) {
      if (p->id() == id) {
        return absl::InvalidArgumentError("an agenda item cannot be moved under itself");
      }
    }
    if (Depth(new_parent) + SubtreeDepth(id) > kMaxDepth) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the agenda has at most ", kMaxDepth,
          " levels; an item with sub-items cannot become a sub-item"));
    }
  }
  std::vector<v1::AgendaItem*> siblings = Children(new_parent);
  std::erase(siblings, item);
  const int count = static_cast<int>(siblings.size());
  if (new_index < 0 || new_index > count) {
    return absl::InvalidArgumentError(
        absl::StrCat("new_index ", new_index, " is out of range 0..", count));
  }
  // Close the gap at the old place, then insert at the new one.
  const std::string old_parent = item->parent_id();
  item->set_parent_id(new_parent);
  siblings.insert(siblings.begin() + new_index, item);
  for (int i = 0; i < static_cast<int>(siblings.size()); ++i) siblings[i]->set_index(i);
  if (old_parent != new_parent) {
    std::vector<v1::AgendaItem*> old_siblings = Children(old_parent);
    for (int i = 0; i < static_cast<int>(old_siblings.size()); ++i) old_siblings[i]->set_index(i);
  }
  Renumber();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Agenda::Remove(const std::string& id) {
  v1::AgendaItem* item = Find(id);
  if (item == nullptr) {
    return absl::NotFoundError(absl::StrCat("agenda item ", id, " is not in this agenda"));
  }
  std::vector<std::string> removed = {id};
  for (size_t i = 0; i < removed.size(); ++i) {
    for (v1::AgendaItem* child : Children(removed[i])) removed.push_back(child->id());
  }
  const std::string parent = item->parent_id();
  std::erase_if(items_, [&](const v1::AgendaItem& it) {
    return std::find(removed.begin(), removed.end(), it.id()) != removed.end();
  });
  std::vector<v1::AgendaItem*> siblings = Children(parent);
  for (int i = 0; i < static_cast<int>(siblings.size()); ++i) siblings[i]->set_index(i);
  Renumber();
  return removed;
}

void Agenda::Renumber() {
  std::vector<v1::AgendaItem> ordered;
  ordered.reserve(items_.size());
  std::function<void(const std::string&, const std::string&)> visit =
      [&](const std::string& parent, const std::string& prefix) {
        std::vector<v1::AgendaItem*> children = Children(parent);
        for (int i = 0; i < static_cast<int>(children.size()); ++i) {
          v1::AgendaItem* child = children[i];
          child->set_index(i);
          child->set_number(prefix.empty() ? absl::StrCat(i + 1) : absl::StrCat(prefix, ".", i + 1));
          ordered.push_back(*child);
          visit(child->id(), child->number());
        }
      };
  visit("", "");
  // Items whose parent is missing cannot be reached; keeping them would hide
  // data, so they stay at the end, unnumbered, for the handler to notice.
  if (ordered.size() != items_.size()) {
    for (const v1::AgendaItem& item : items_) {
      if (std::none_of(ordered.begin(), ordered.end(),
                       [&](const v1::AgendaItem& o) { return o.id() == item.id(); })) {
        ordered.push_back(item);
      }
    }
  }
  items_ = std::move(ordered);
}

}  // namespace hopso::server
