#include "server/store/event_chain.h"

#include "gtest/gtest.h"

namespace hopso::server {
namespace {

std::vector<StoredEvent> Chain(int n) {
  std::vector<StoredEvent> events;
  std::string previous = GenesisHash();
  for (int i = 1; i <= n; ++i) {
    StoredEvent e{"m1", i, 1000 + i, "u1", "body " + std::to_string(i), ""};
    e.hash = ChainHash(previous, e);
    previous = e.hash;
    events.push_back(e);
  }
  return events;
}

ChainHead HeadOf(const std::vector<StoredEvent>& events) {
  return events.empty() ? ChainHead{} : ChainHead{events.back().seq, events.back().hash};
}

TEST(VerifyChain, AcceptsAnIntactChain) {
  std::vector<StoredEvent> events = Chain(5);
  EXPECT_TRUE(VerifyChain("m1", events, HeadOf(events)).ok());
  EXPECT_TRUE(VerifyChain("m1", {}, ChainHead{}).ok());
}

TEST(VerifyChain, NamesTheFirstChangedRemovedOrReorderedEvent) {
  const std::vector<StoredEvent> good = Chain(5);
  const ChainHead head = HeadOf(good);
  struct Case {
    std::string name;
    std::function<void(std::vector<StoredEvent>&)> tamper;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"changed body", [](auto& e) { e[2].body[0] ^= 1; }, "event 3 was changed"},
      {"changed time", [](auto& e) { e[1].time_micros++; }, "event 2 was changed"},
      {"changed actor", [](auto& e) { e[3].actor_user_id = "u2"; }, "event 4 was changed"},
      {"removed", [](auto& e) { e.erase(e.begin() + 1); }, "event 2 is missing"},
      {"removed last", [](auto& e) { e.pop_back(); }, "event 5 is missing"},
      {"reordered", [](auto& e) { std::swap(e[1].seq, e[2].seq); std::swap(e[1], e[2]); },
       "event 2 was changed"},
      {"renumbered", [](auto& e) { e[2].seq = 7; }, "event 3 is missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<StoredEvent> events = good;
    c.tamper(events);
    absl::Status s = VerifyChain("m1", events, head);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
  }
}

TEST(CanonicalEventBytes, LengthPrefixesSoFieldsCannotShiftIntoEachOther) {
  StoredEvent a{"m1", 1, 1, "ab", "c", ""};
  StoredEvent b{"m1", 1, 1, "a", "bc", ""};
  EXPECT_NE(CanonicalEventBytes(a), CanonicalEventBytes(b));
}

}  // namespace
}  // namespace hopso::server
