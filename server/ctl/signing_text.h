// How hopsoctl shows signing keys, minutes, signature requests and
// verification reports.
#ifndef HOPSO_SERVER_CTL_SIGNING_TEXT_H_
#define HOPSO_SERVER_CTL_SIGNING_TEXT_H_

#include <string>

#include "hopso/v1/signing.pb.h"

namespace hopso::ctl {

// Vietnam time (UTC+7), as the minutes print it: "2026-11-30 10:15:00 +07".
std::string LocalTime(const v1::Timestamp& t);
std::string KeyText(const v1::SigningKey& key);
// "ID  1. Chủ tọa  Name  signed  v3  2026-11-30 10:15:00 +07"
std::string RequestLine(const v1::SignatureRequest& r);
std::string MinutesText(const v1::Minutes& m);
// One block per signature: signer, issuer, time, type, digest, signature,
// certificate trust, coverage, changes after signing, timestamp, problems.
std::string VerificationText(const v1::VerificationReport& report);

}  // namespace hopso::ctl

#endif  // HOPSO_SERVER_CTL_SIGNING_TEXT_H_
