#include "client/net/meeting_watcher.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

#include "client/net/api.h"
#include "client/net/test_util.h"

namespace hopso::client {
namespace {

// Following a meeting against a real server (events, resume after restart)
// is tested in tests/client; here: the behaviour without one.
TEST(MeetingWatcher, RetriesWithoutServerAndStopsPromptly) {
  std::unique_ptr<Api> api = testing::unreachableApi();
  MeetingWatcher watcher(api.get(), "m1", 7);
  QSignalSpy live(&watcher, &MeetingWatcher::liveChanged);
  QSignalSpy events(&watcher, &MeetingWatcher::eventReceived);
  QSignalSpy stopped(&watcher, &MeetingWatcher::stopped);
  watcher.start();
  EXPECT_TRUE(watcher.isRunning());
  // The failed attempts tell the Api that the server is away.
  HOPSO_WAIT_UNTIL(!api->isOnline());
  EXPECT_TRUE(watcher.isRunning()) << "keeps retrying";
  EXPECT_EQ(watcher.lastSeq(), 7);
  // stop() interrupts the backoff wait and the connection attempt.
  watcher.stop();
  EXPECT_FALSE(watcher.isRunning());
  EXPECT_FALSE(watcher.isLive());
  QCoreApplication::processEvents();
  EXPECT_EQ(live.count(), 0);
  EXPECT_EQ(events.count(), 0);
  EXPECT_EQ(stopped.count(), 0);
}

TEST(MeetingWatcher, CanBeDestroyedWhileRunning) {
  std::unique_ptr<Api> api = testing::unreachableApi();
  auto watcher = std::make_unique<MeetingWatcher>(api.get(), "m1");
  watcher->start();
  watcher.reset();
  SUCCEED();
}

}  // namespace
}  // namespace hopso::client
