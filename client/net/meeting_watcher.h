// Follows one meeting's event log (WatchMeeting) for as long as it runs,
// reconnecting and resuming from the last sequence number after a drop.
#ifndef HOPSO_CLIENT_NET_MEETING_WATCHER_H_
#define HOPSO_CLIENT_NET_MEETING_WATCHER_H_

#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <functional>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "hopso/v1/meeting.pb.h"

Q_DECLARE_METATYPE(hopso::v1::MeetingEvent)

namespace hopso::client {

class Api;
class Connection;

// MeetingWatcher
//
// Runs the stream on a thread of its own. Emits eventReceived for every event
// exactly once and in order (seq strictly increasing, also across
// reconnects), liveChanged(true) while the stream is connected. After a drop
// it waits 0.2 s, doubling to 10 s (reset once connected again), and resumes
// with after_seq = lastSeq(). An answer that will not change by retrying
// (UNAUTHENTICATED, NOT_FOUND, PERMISSION_DENIED, …) ends it with
// stopped(message). Example:
//   auto* w = new MeetingWatcher(api, meetingId, /*afterSeq=*/0, this);
//   connect(w, &MeetingWatcher::eventReceived, agendaModel, &AgendaModel::applyEvent);
//   w->start();
class MeetingWatcher : public QObject {
  Q_OBJECT

 public:
  MeetingWatcher(Api* api, const QString& meetingId, qint64 afterSeq = 0,
                 QObject* parent = nullptr);
  // stop()s.
  ~MeetingWatcher() override;

  QString meetingId() const { return m_meetingId; }
  qint64 lastSeq() const { return m_lastSeq.load(); }
  bool isLive() const { return m_live; }
  bool isRunning() const { return m_thread.joinable(); }

  void start();
  // Cancels the stream and joins the thread; no signal is emitted after.
  void stop();

  static constexpr int kMinBackoffMs = 200;
  static constexpr int kMaxBackoffMs = 10000;

 signals:
  void eventReceived(const hopso::v1::MeetingEvent& event);
  void liveChanged(bool live);
  void stopped(const QString& message);

 private:
  void loop();
  bool stopping();
  bool waitForChannel(const Connection& connection);
  // From the stream thread: queues onto this object's thread.
  void post(std::function<void()> f);
  void setLive(bool live);

  Api* const m_api;
  const QString m_meetingId;
  std::atomic<qint64> m_lastSeq;
  bool m_live = false;  // GUI thread
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  // Bumped by start() and stop(): queued deliveries of an older run are dropped.
  std::atomic<int> m_generation{0};
  bool m_stopping = false;                 // guarded by m_mutex
  grpc::ClientContext* m_context = nullptr;  // guarded by m_mutex
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_NET_MEETING_WATCHER_H_
