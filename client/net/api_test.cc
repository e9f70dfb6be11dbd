#include "client/net/api.h"

#include <QSignalSpy>
#include <QThread>

#include <gtest/gtest.h>

#include <atomic>
#include <latch>

#include "client/net/test_util.h"

namespace hopso::client {
namespace {

using testing::unreachableApi;

TEST(Api, WorkOnThePoolDoneOnTheReceiversThread) {
  std::unique_ptr<Api> api = unreachableApi();
  QObject receiver;
  QThread* workThread = nullptr;
  QThread* doneThread = nullptr;
  std::optional<int> result;
  api->run(
      &receiver,
      [&] {
        workThread = QThread::currentThread();
        return 42;
      },
      [&](const int& value) {
        doneThread = QThread::currentThread();
        result = value;
      });
  HOPSO_WAIT_UNTIL(result.has_value());
  EXPECT_EQ(*result, 42);
  EXPECT_NE(workThread, QThread::currentThread());
  EXPECT_EQ(doneThread, QThread::currentThread());
}

TEST(Api, DoneMayBeOmittedOrAStdFunction) {
  std::unique_ptr<Api> api = unreachableApi();
  QObject receiver;
  std::atomic<int> ran = 0;
  api->run(&receiver, [&] { return ++ran; }, nullptr);
  api->run<int>(&receiver, std::function<int()>([&] { return ++ran; }), std::function<void(int)>());
  std::optional<QString> text;
  api->run<QString>(&receiver, [] { return QString::fromUtf8("Đã lưu"); },
                    std::function<void(QString)>([&](QString t) { text = t; }));
  HOPSO_WAIT_UNTIL(text.has_value() && ran.load() == 2);
  EXPECT_EQ(*text, QString::fromUtf8("Đã lưu"));
}

TEST(Api, DoneIsDroppedWhenTheReceiverIsGone) {
  std::unique_ptr<Api> api = unreachableApi();
  auto receiver = std::make_unique<QObject>();
  std::latch release(1);
  std::atomic<bool> worked = false;
  bool called = false;
  api->run<int>(
      receiver.get(),
      [&] {
        release.wait();
        worked = true;
        return 1;
      },
      [&](int) { called = true; });
  receiver.reset();
  release.count_down();
  api.reset();  // waits for the work
  QCoreApplication::sendPostedEvents();
  QCoreApplication::processEvents();
  EXPECT_TRUE(worked);
  EXPECT_FALSE(called);
}

TEST(Api, ProgressArrivesBeforeDone) {
  std::unique_ptr<Api> api = unreachableApi();
  QObject receiver;
  QList<qint64> seen;
  qint64 total = 0;
  std::optional<QString> result;
  api->runWithProgress<QString>(
      &receiver,
      [](const Progress& progress) {
        for (qint64 done = 1 << 20; done <= 8 << 20; done += 1 << 20) progress(done, 8 << 20);
        return QStringLiteral("xong");
      },
      [&](qint64 done, qint64 of) {
        seen.append(done);
        total = of;
      },
      [&](QString value) { result = value; });
  HOPSO_WAIT_UNTIL(result.has_value());
  EXPECT_EQ(*result, QString::fromUtf8("xong"));
  ASSERT_FALSE(seen.isEmpty());
  EXPECT_EQ(total, 8 << 20);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.last(), 8 << 20) << "the final figures arrive before done";
}

TEST(Api, GoesOfflineAndProbesWithGrowingBackoff) {
  std::unique_ptr<Api> api = unreachableApi();
  EXPECT_TRUE(api->isOnline()) << "optimistic until a call fails";
  QSignalSpy changed(api.get(), &Api::onlineChanged);
  QObject receiver;
  std::optional<CallResult<v1::WhoAmIResponse>> result;
  api->run<CallResult<v1::WhoAmIResponse>>(
      &receiver, [c = api->connection()] { return c->whoAmI(); },
      [&](CallResult<v1::WhoAmIResponse> r) { result = r; });
  HOPSO_WAIT_UNTIL(result.has_value());
  EXPECT_EQ(result->status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(api->isOnline());
  ASSERT_EQ(changed.count(), 1);
  EXPECT_FALSE(changed.at(0).at(0).toBool());
  // Each failed probe doubles the wait, up to the cap.
  HOPSO_WAIT_UNTIL(api->nextProbeDelayMs() >= 4 * Api::kMinProbeDelayMs);
  EXPECT_LE(api->nextProbeDelayMs(), Api::kMaxProbeDelayMs);
  EXPECT_EQ(changed.count(), 1) << "still offline, no flapping";

  // Any answer other than a transport failure means online again.
  api->reportStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such meeting"));
  EXPECT_TRUE(api->isOnline());
  EXPECT_EQ(api->nextProbeDelayMs(), Api::kMinProbeDelayMs) << "backoff reset";
  ASSERT_EQ(changed.count(), 2);
  // Our own cancellations say nothing about the server.
  api->reportStatus(grpc::Status(grpc::StatusCode::CANCELLED, ""));
  EXPECT_TRUE(api->isOnline());
}

}  // namespace
}  // namespace hopso::client
