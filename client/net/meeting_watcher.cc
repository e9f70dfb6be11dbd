#include "client/net/meeting_watcher.h"

#include <QPointer>

#include "client/net/api.h"

namespace hopso::client {
namespace {

// How long to wait for the channel before counting an attempt as failed.
constexpr std::chrono::milliseconds kConnectTimeout{5000};
constexpr std::chrono::milliseconds kConnectStep{200};
constexpr std::chrono::seconds kStableStream{10};

bool worthRetrying(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::OK:  // the server ended a stream it should keep open
    // A server shutting down cancels calls that reach it meanwhile; our own
    // cancellation (stop()) never gets here.
    case grpc::StatusCode::CANCELLED:
      return true;
    default:
      return false;
  }
}

}  // namespace

MeetingWatcher::MeetingWatcher(Api* api, const QString& meetingId, qint64 afterSeq,
                               QObject* parent)
    : QObject(parent), m_api(api), m_meetingId(meetingId), m_lastSeq(afterSeq) {
  qRegisterMetaType<hopso::v1::MeetingEvent>();
}

MeetingWatcher::~MeetingWatcher() { stop(); }

void MeetingWatcher::start() {
  if (m_thread.joinable()) return;
  {
    std::lock_guard lock(m_mutex);
    m_stopping = false;
  }
  ++m_generation;
  m_thread = std::thread([this] { loop(); });
}

void MeetingWatcher::stop() {
  if (!m_thread.joinable()) return;
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    if (m_context != nullptr) m_context->TryCancel();
  }
  m_wake.notify_all();
  m_thread.join();
  // Drops what the thread queued but was not delivered yet.
  ++m_generation;
  setLive(false);
}

void MeetingWatcher::post(std::function<void()> f) {
  QMetaObject::invokeMethod(
      this,
      [this, generation = m_generation.load(), f = std::move(f)] {
        if (generation == m_generation.load()) f();
      },
      Qt::QueuedConnection);
}

void MeetingWatcher::setLive(bool live) {
  if (live == m_live) return;
  m_live = live;
  emit liveChanged(live);
}

bool MeetingWatcher::stopping() {
  std::lock_guard lock(m_mutex);
  return m_stopping;
}

bool MeetingWatcher::waitForChannel(const Connection& connection) {
  // In short steps, so that stop() is not kept waiting for a connection.
  const auto deadline = std::chrono::steady_clock::now() + kConnectTimeout;
  for (bool first = true; std::chrono::steady_clock::now() < deadline; first = false) {
    if (stopping()) return false;
    if (connection.waitForReady(kConnectStep, /*skipBackoff=*/first)) return true;
  }
  return false;
}

void MeetingWatcher::loop() {
  const std::shared_ptr<Connection> connection = m_api->connection();
  int backoffMs = kMinBackoffMs;
  while (true) {
    if (stopping()) return;
    grpc::Status status;
    if (!waitForChannel(*connection)) {
      if (stopping()) return;
      status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "not connected");
    } else {
      std::unique_ptr<grpc::ClientContext> context = connection->context(std::chrono::milliseconds(0));
      {
        std::lock_guard lock(m_mutex);
        if (m_stopping) return;
        m_context = context.get();
      }
      v1::WatchMeetingRequest request;
      request.set_meeting_id(m_meetingId.toStdString());
      request.set_after_seq(m_lastSeq.load());
      std::unique_ptr<grpc::ClientReader<v1::MeetingEvent>> reader =
          connection->meetings().WatchMeeting(context.get(), request);
      // The channel is ready and the call is on its way: we are following.
      post([this] { setLive(true); });
      const auto opened = std::chrono::steady_clock::now();
      v1::MeetingEvent event;
      while (reader->Read(&event)) {
        // Resuming must never repeat an event, whatever the server does.
        if (event.seq() <= m_lastSeq.load()) continue;
        m_lastSeq = event.seq();
        backoffMs = kMinBackoffMs;
        post([this, event] { emit eventReceived(event); });
      }
      status = reader->Finish();
      // A stream that held for a while was a success, even a quiet one.
      if (std::chrono::steady_clock::now() - opened >= kStableStream) backoffMs = kMinBackoffMs;
      {
        std::lock_guard lock(m_mutex);
        m_context = nullptr;
        if (m_stopping) return;
      }
      post([this] { setLive(false); });
    }
    m_api->reportStatus(status);
    if (!worthRetrying(status)) {
      qCWarning(lcNet) << "WatchMeeting" << m_meetingId << "ended for good:"
                       << int(status.error_code())
                       << QString::fromStdString(status.error_message());
      const QString message = statusMessage(status);
      post([this, message] { emit stopped(message); });
      return;
    }
    qCInfo(lcNet) << "WatchMeeting" << m_meetingId << "dropped:"
                  << QString::fromStdString(status.error_message()) << "- retrying in"
                  << backoffMs << "ms from seq" << m_lastSeq.load();
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(backoffMs), [this] { return m_stopping; });
    backoffMs = std::min(backoffMs * 2, kMaxBackoffMs);
  }
}

}  // namespace hopso::client
