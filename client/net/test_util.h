// Helpers for the client's unit tests (not part of the library).
#ifndef HOPSO_CLIENT_NET_TEST_UTIL_H_
#define HOPSO_CLIENT_NET_TEST_UTIL_H_

#include <QTest>

#include <memory>

#include "client/net/api.h"

namespace hopso::client::testing {

// Every wait ends as soon as its condition holds; this only bounds a failure.
inline constexpr int kWaitMs = 30000;

// An Api whose server is not there: loopback port 1 refuses connections, so
// every call fails at once with UNAVAILABLE.
inline std::unique_ptr<Api> unreachableApi() {
  ServerTrust trust;
  trust.address = QStringLiteral("127.0.0.1:1");
  trust.mode = ServerTrust::Insecure;
  return std::make_unique<Api>(Connection::create(trust));
}

}  // namespace hopso::client::testing

#define HOPSO_WAIT_UNTIL(cond)                                                          \
  ASSERT_TRUE(QTest::qWaitFor([&] { return static_cast<bool>(cond); },                  \
                              ::hopso::client::testing::kWaitMs))                       \
      << "waited in vain for " #cond

#endif  // HOPSO_CLIENT_NET_TEST_UTIL_H_
