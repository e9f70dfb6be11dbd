#include "server/domain/agenda.h"

#include "gtest/gtest.h"

namespace hopso::server {
namespace {

v1::AgendaItem Item(std::string id, std::string parent = "") {
  v1::AgendaItem item;
  item.set_id(std::move(id));
  item.set_parent_id(std::move(parent));
  item.set_title("Mục " + item.id());
  return item;
}

// "id=number" in reading order, e.g. "a=1 a1=1.1 b=2".
std::string Layout(const Agenda& agenda) {
  std::string out;
  for (const v1::AgendaItem& item : agenda.items()) {
    if (!out.empty()) out += " ";
    out += item.id() + "=" + item.number();
  }
  return out;
}

Agenda TwoLevels() {
  Agenda agenda({});
  EXPECT_TRUE(agenda.Add(Item("a"), -1).ok());
  EXPECT_TRUE(agenda.Add(Item("b"), -1).ok());
  EXPECT_TRUE(agenda.Add(Item("a1", "a"), -1).ok());
  EXPECT_TRUE(agenda.Add(Item("a2", "a"), -1).ok());
  return agenda;
}

TEST(Agenda, NumbersItemsAndSubItemsInReadingOrder) {
  EXPECT_EQ(Layout(TwoLevels()), "a=1 a1=1.1 a2=1.2 b=2");
}

TEST(Agenda, InsertsAtAnIndexAndShiftsLaterSiblings) {
  Agenda agenda = TwoLevels();
  ASSERT_TRUE(agenda.Add(Item("z"), 0).ok());
  EXPECT_EQ(Layout(agenda), "z=1 a=2 a1=2.1 a2=2.2 b=3");
  ASSERT_TRUE(agenda.Add(Item("a0", "a"), 1).ok());
  EXPECT_EQ(Layout(agenda), "z=1 a=2 a1=2.1 a0=2.2 a2=2.3 b=3");
}

TEST(Agenda, MovesWithinAndAcrossParents) {
  Agenda agenda = TwoLevels();
  ASSERT_TRUE(agenda.Move("b", "", 0).ok());
  EXPECT_EQ(Layout(agenda), "b=1 a=2 a1=2.1 a2=2.2");
  ASSERT_TRUE(agenda.Move("a2", "b", 0).ok());
  EXPECT_EQ(Layout(agenda), "b=1 a2=1.1 a=2 a1=2.1");
  ASSERT_TRUE(agenda.Move("a1", "", 2).ok());
  EXPECT_EQ(Layout(agenda), "b=1 a2=1.1 a=2 a1=3");
}

TEST(Agenda, RefusesBadMovesWithClearStatus) {
  struct Case {
    std::string id, parent;
    int index;
    absl::StatusCode code;
  };
  const std::vector<Case> cases = {
      {"a", "", 2, absl::StatusCode::kInvalidArgument},    // 2 siblings after removal: 0..1
      {"a", "", -1, absl::StatusCode::kInvalidArgument},
      {"x", "", 0, absl::StatusCode::kNotFound},
      {"a", "x", 0, absl::StatusCode::kNotFound},
      {"a", "a1", 0, absl::StatusCode::kInvalidArgument},  // under its own child
      {"a", "b", 0, absl::StatusCode::kInvalidArgument},   // would make three levels
      {"a1", "a2", 0, absl::StatusCode::kInvalidArgument}, // third level
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id + " -> " + c.parent + "@" + std::to_string(c.index));
    Agenda agenda = TwoLevels();
    absl::Status s = agenda.Move(c.id, c.parent, c.index);
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_EQ(Layout(agenda), "a=1 a1=1.1 a2=1.2 b=2") << "a refused move changed the agenda";
  }
}

TEST(Agenda, RemovesAnItemWithItsSubItems) {
  Agenda agenda = TwoLevels();
  absl::StatusOr<std::vector<std::string>> removed = agenda.Remove("a");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->size(), 3u);
  EXPECT_EQ(Layout(agenda), "b=1");
  EXPECT_EQ(agenda.Remove("a").status().code(), absl::StatusCode::kNotFound);
}

TEST(Agenda, RefusesAThirdLevelAndTooManyItems) {
  Agenda agenda = TwoLevels();
  EXPECT_EQ(agenda.Add(Item("deep", "a1"), -1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(agenda.Add(Item("c"), 5).code(), absl::StatusCode::kInvalidArgument);
  Agenda full({});
  for (int i = 0; i < Agenda::kMaxItems; ++i) ASSERT_TRUE(full.Add(Item(std::to_string(i)), -1).ok());
  EXPECT_EQ(full.Add(Item("one-more"), -1).code(), absl::StatusCode::kResourceExhausted);
}

TEST(Agenda, LoadsRowsInAnyOrder) {
  v1::AgendaItem b = Item("b");
  b.set_index(1);
  v1::AgendaItem a1 = Item("a1", "a");
  v1::AgendaItem a = Item("a");
  Agenda agenda({b, a1, a});
  EXPECT_EQ(Layout(agenda), "a=1 a1=1.1 b=2");
}

}  // namespace
}  // namespace hopso::server
