// The demo meeting's floor: every member logged in, the roll call (room
// code, by hand, a proxy), a request to speak, and two polls, one named and
// one secret, recounted from their published ballots.
#ifndef HOPSO_SERVER_CTL_DEMO_VOTES_H_
#define HOPSO_SERVER_CTL_DEMO_VOTES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/ctl/client.h"
#include "server/ctl/demo_script.h"

namespace hopso::ctl {

// DemoRoom
//
// The secretary, the chair and each delegate logged in (in the cast's order)
// with their user ids. Roles in the demo: the last delegate is absent and
// gives their vote to the second (the proxy holder); the one before the last
// attends online (marked by the secretary); everyone else checks in with the
// room code.
struct DemoRoom {
  Client secretary;
  Client chair;
  std::string chair_id;
  std::vector<Client> delegates;
  std::vector<std::string> delegate_ids;
};

absl::StatusOr<DemoRoom> EnterDemoRoom(const Client& client, const Client& secretary,
                                       const Client& chair, const DemoCast& cast);

// TakeAttendance
//
// The roll call of `meeting_id` (in progress): the chair and most delegates
// check in with the code the secretary's screen shows (some with the scanned
// payload, some typing the code), the secretary marks one delegate online and
// one absent with a reason, and the absent one gives their vote to a present
// one. Writes the attendance table to OUT/attendance.txt. INTERNAL when the
// quorum afterwards is not what the demo expects.
absl::Status TakeAttendance(const DemoRoom& room, const DemoCast& cast,
                            const std::string& meeting_id, const std::string& out,
                            Transcript& transcript);

// HoldDebate
//
// On the current item: a delegate asks to speak, the chair gives them the
// floor (60 s) and ends it; the queue is shown.
absl::Status HoldDebate(const DemoRoom& room, const std::string& meeting_id,
                        Transcript& transcript);

// DemoPoll
//
// One poll of the demo: what to create, and each vote as an option id, in
// the order chair, delegates (the absent one skipped), then the proxy
// holder's vote for the absent delegate.
struct DemoPoll {
  v1::CreatePollRequest create;
  std::vector<std::string> votes;
};

// The demo's named yes/no poll on the budget (passes) and secret yes/no poll
// on the restructuring plan, needing 2/3 of all members (fails).
DemoPoll NamedBudgetPoll();
DemoPoll SecretRestructuringPoll();

// RunPoll
//
// The chair creates and opens `poll` on `item_id`, every voting right is
// used (the proxy holder twice; the absent delegate is refused), the chair
// closes it, and a delegate recounts it from the published ballots
// (RecountBallots), every secret receipt found. Returns the poll and its
// recount as text for results.txt.
absl::StatusOr<std::string> RunPoll(const DemoRoom& room, const DemoCast& cast, DemoPoll poll,
                                    const std::string& meeting_id, const std::string& item_id,
                                    Transcript& transcript);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_DEMO_VOTES_H_
