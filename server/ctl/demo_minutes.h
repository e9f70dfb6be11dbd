// The demo's signatures: the admin sets signing up (the organisation CA and
// keys for the chair and the secretary), and after the meeting the
// secretary generates the minutes, which the chair and then the secretary
// sign with their PINs.
#ifndef HOPSO_SERVER_CTL_DEMO_MINUTES_H_
#define HOPSO_SERVER_CTL_DEMO_MINUTES_H_

#include <string>

#include "absl/status/status.h"
#include "server/ctl/client.h"
#include "server/ctl/demo_script.h"

namespace hopso::ctl {

// SetUpDemoSigning
//
// As the admin: the CA of the organisation `organization_id`, then a key in its own token for the
// chair and for the secretary, certified by that CA. Each step is skipped
// when an earlier run did it.
absl::Status SetUpDemoSigning(const Client& admin, const std::string& organization_id,
                              const Client& secretary, const Client& chair, Transcript& transcript);

// SignDemoMinutes
//
// After `meeting_id` has ended: the chair and the secretary set their PINs
// (when not set yet), the secretary writes the conclusions, generates the
// minutes and asks for signatures; a wrong PIN is refused; the chair signs,
// then the secretary; the signed file is verified and written to
// OUT/minutes.pdf, the verification to OUT/signatures.txt.
absl::Status SignDemoMinutes(const Client& secretary, const Client& chair,
                             const std::string& meeting_id, const std::string& out,
                             Transcript& transcript);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_DEMO_MINUTES_H_
