// VotingService logic, gRPC-free: polls on agenda items, ballots through
// the group writer (acknowledged only once committed), results on close and
// the published ballot list. Secret polls keep who voted apart from what was
// voted (see VoterRecord and SecretBallotRecord in server/store/store.h).
#ifndef HOPSO_SERVER_SERVICES_VOTING_HANDLER_H_
#define HOPSO_SERVER_SERVICES_VOTING_HANDLER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hopso/v1/voting.pb.h"
#include "server/domain/permissions.h"
#include "server/store/group_writer.h"
#include "server/store/store.h"

namespace hopso::server {

// SecretBallotReceipt
//
// The receipt of a secret ballot: the first 10 bytes of SHA-256("hopso-receipt"
// || poll id || ballot id) in RFC 4648 base32 without padding (16
// characters). Anyone holding the ballot id can recompute it; nobody can go
// back from it to the ballot id.
std::string SecretBallotReceipt(absl::string_view poll_id, absl::string_view ballot_id);

// SecretVoterRef
//
// What a secret poll's voter row keeps of the ballot id, so that a retry is
// recognised: SHA-256("hopso-voter" || poll id || ballot id), unrelated to the
// receipt for anyone without the ballot id.
std::string SecretVoterRef(absl::string_view poll_id, absl::string_view ballot_id);

class VotingHandler {
 public:
  using CastReply = std::function<void(absl::Status, const v1::CastBallotResponse&)>;

  VotingHandler(Store& store, GroupWriter& writer) : store_(store), writer_(writer) {}

  absl::Status CreatePoll(const Caller& c, const v1::CreatePollRequest& req, v1::Poll* out);
  // The voting rights are fixed here: members present and the holders of
  // the proxies of those who are not.
  absl::Status OpenPoll(const Caller& c, const v1::PollRequest& req, v1::Poll* out);
  absl::Status ClosePoll(const Caller& c, const v1::PollRequest& req, v1::Poll* out);
  absl::Status GetPoll(const Caller& c, const v1::PollRequest& req, v1::Poll* out);
  absl::Status ListPolls(const Caller& c, const v1::ListPollsRequest& req,
                         v1::ListPollsResponse* out);
  // Returns at once; `reply` hears on the writer thread once the ballot's
  // batch has committed. Every check runs inside the ballot's transaction,
  // so a poll closed in between is respected.
  void CastBallot(const Caller& c, const v1::CastBallotRequest& req, CastReply reply);
  absl::Status GetMyVotingRights(const Caller& c, const v1::PollRequest& req,
                                 v1::MyVotingRights* out);
  absl::Status ListBallots(const Caller& c, const v1::PollRequest& req, v1::BallotList* out);

 private:
  Store& store_;
  GroupWriter& writer_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_VOTING_HANDLER_H_
