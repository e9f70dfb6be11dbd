// Blocking gRPC calls on a worker pool, results back on the caller's thread,
// and whether the server is reachable right now.
#ifndef HOPSO_CLIENT_NET_API_H_
#define HOPSO_CLIENT_NET_API_H_

#include <QFutureWatcher>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QThread>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <limits>
#include <memory>
#include <type_traits>

#include "client/net/call_canceller.h"
#include "client/net/connection.h"

Q_DECLARE_LOGGING_CATEGORY(lcNet)

namespace hopso::client {

namespace internal {
template <class T>
struct IsCallResult : std::false_type {};
template <class T>
struct IsCallResult<CallResult<T>> : std::true_type {};
// False for nullptr and empty std::functions, true for any other callable.
template <class F>
bool isSet(const F& f) {
  if constexpr (std::is_null_pointer_v<F>) {
    return false;
  } else if constexpr (requires { f == nullptr; }) {
    return !(f == nullptr);
  } else {
    return true;
  }
}
}  // namespace internal

// Progress
//
// Handed to work run with Api::runWithProgress: report(done, total) from the
// worker thread; the receiver sees it (coalesced) on its own thread.
using Progress = std::function<void(qint64 done, qint64 total)>;

// Api
//
// Owns the Connection and a small thread pool. run() executes `work` (a
// blocking call) on the pool and `done` on the thread of `receiver`, which
// must be the thread calling run(); if the receiver is destroyed first,
// `done` is dropped. When `work` returns a CallResult its status also feeds
// the online state: UNAVAILABLE / DEADLINE_EXCEEDED → offline, any answer
// from the server → online. While offline a probe (WhoAmI) retries with
// exponential backoff (0.2 s doubling to 10 s, reset on success).
// Example:
//   api->run(this,
//       [c = api->connection(), id] {
//         CallResult<v1::Agenda> r;
//         v1::GetAgendaRequest request;
//         request.set_meeting_id(id);
//         r.status = c->meetings().GetAgenda(c->context().get(), request, &r.value);
//         return r;
//       },
//       [this](const CallResult<v1::Agenda>& r) { ... });
class Api : public QObject {
  Q_OBJECT

 public:
  explicit Api(std::shared_ptr<Connection> connection, QObject* parent = nullptr);
  // Waits for the work still running (cancel long work first).
  ~Api() override;

  const std::shared_ptr<Connection>& connection() const { return m_connection; }

  // run
  //
  // `work` returns the result type (T is deduced from it unless given);
  // `done` takes it by value or const reference, or is nullptr.
  template <class T = void, class Work, class Done>
  void run(QObject* receiver, Work work, Done done) {
    using R = std::conditional_t<std::is_void_v<T>, std::invoke_result_t<Work&>, T>;
    static_assert(!std::is_void_v<R>, "work must return its result");
    Q_ASSERT(receiver != nullptr && receiver->thread() == QThread::currentThread());
    auto* watcher = new QFutureWatcher<R>(receiver);
    QObject::connect(watcher, &QFutureWatcher<R>::finished, watcher,
                     [this, watcher, done = std::move(done), guard = QPointer<Api>(this)] {
                       finish<R>(watcher, done, guard);
                     });
    watcher->setFuture(QtConcurrent::run(&m_pool, std::move(work)));
  }

  // runWithProgress
  //
  // run() for long work (downloads): `work` takes a `const Progress&` to
  // report with from the pool; `progress(done, total)` sees the latest
  // figures on the receiver's thread, at most ~25 times a second, and the
  // final ones before `done`.
  template <class T = void, class Work, class ProgressFn, class Done>
  void runWithProgress(QObject* receiver, Work work, ProgressFn progress, Done done) {
    using R = std::conditional_t<std::is_void_v<T>,
                                 std::invoke_result_t<Work&, const Progress&>, T>;
    static_assert(!std::is_void_v<R>, "work must return its result");
    Q_ASSERT(receiver != nullptr && receiver->thread() == QThread::currentThread());
    struct State {
      std::atomic<qint64> done{0};
      std::atomic<qint64> total{0};
      std::atomic<int> ticks{0};
      qint64 delivered = -1;  // receiver's thread
    };
    auto state = std::make_shared<State>();
    const auto deliver = [state, progress = std::move(progress)] {
      const qint64 now = state->done.load();
      if (now == state->delivered) return;
      state->delivered = now;
      if constexpr (!std::is_null_pointer_v<ProgressFn>) {
        if (internal::isSet(progress)) progress(now, state->total.load());
      }
    };
    auto* watcher = new QFutureWatcher<R>(receiver);
    // QFuture's int progress only wakes the receiver; the figures are 64-bit.
    QObject::connect(watcher, &QFutureWatcher<R>::progressValueChanged, watcher,
                     [deliver](int) { deliver(); });
    QObject::connect(watcher, &QFutureWatcher<R>::finished, watcher,
                     [this, watcher, deliver, done = std::move(done), guard = QPointer<Api>(this)] {
                       deliver();
                       finish<R>(watcher, done, guard);
                     });
    watcher->setFuture(QtConcurrent::run(
        &m_pool, [work = std::move(work), state](QPromise<R>& promise) mutable {
          promise.setProgressRange(0, std::numeric_limits<int>::max());
          const Progress report = [&promise, state](qint64 done, qint64 total) {
            state->total = total;
            state->done = done;
            promise.setProgressValue(++state->ticks);
          };
          promise.addResult(work(report));
        }));
  }

  bool isOnline() const { return m_online; }

  // reportStatus
  //
  // Feeds a call's outcome into the online state from any thread (for calls
  // made outside run(), e.g. streams).
  void reportStatus(const grpc::Status& status);

  // checkNow
  //
  // Probes the server at once (e.g. the user tapped "retry").
  void checkNow();

  // The current probe backoff, for tests and the offline banner.
  int nextProbeDelayMs() const { return m_probeDelayMs; }

  static constexpr int kMinProbeDelayMs = 200;
  static constexpr int kMaxProbeDelayMs = 10000;

 signals:
  void onlineChanged(bool online);

 private:
  void setOnline(bool online);
  void probe();

  template <class R, class Done>
  void finish(QFutureWatcher<R>* watcher, Done& done, const QPointer<Api>& guard) {
    R result = watcher->result();
    watcher->deleteLater();
    if constexpr (internal::IsCallResult<R>::value) {
      if (guard) reportStatus(result.status);
    }
    if constexpr (!std::is_null_pointer_v<Done>) {
      if (internal::isSet(done)) done(std::move(result));
    }
  }


  std::shared_ptr<Connection> m_connection;
  // The probe in flight, so that the destructor need not wait for it.
  std::shared_ptr<CallCanceller> m_probeCall;
  QThreadPool m_pool;
  QTimer m_probeTimer;
  bool m_online = true;
  bool m_probing = false;
  int m_probeDelayMs = kMinProbeDelayMs;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_NET_API_H_
