#include "client/net/api.h"


Q_LOGGING_CATEGORY(lcNet, "hopso.net")

namespace hopso::client {
namespace {

// Enough to connect and answer WhoAmI on a slow Wi-Fi; short enough that
// the banner goes away soon after the network comes back.
constexpr std::chrono::milliseconds kProbeTimeout{3000};

}  // namespace

Api::Api(std::shared_ptr<Connection> connection, QObject* parent)
    : QObject(parent), m_connection(std::move(connection)), m_probeCall(std::make_shared<CallCanceller>()) {
  // Blocking calls mostly wait on the network; a few in parallel keep a
  // download from holding up the agenda.
  m_pool.setMaxThreadCount(6);
  m_probeTimer.setSingleShot(true);
  connect(&m_probeTimer, &QTimer::timeout, this, &Api::probe);
}

Api::~Api() {
  m_probeTimer.stop();
  m_probeCall->cancel();
  m_pool.waitForDone();
}

void Api::reportStatus(const grpc::Status& status) {
  // CANCELLED is our own doing and says nothing about the server.
  if (status.error_code() == grpc::StatusCode::CANCELLED) return;
  const bool online = !isTransient(status);
  if (QThread::currentThread() == thread()) {
    setOnline(online);
  } else {
    QMetaObject::invokeMethod(this, [this, online] { setOnline(online); }, Qt::QueuedConnection);
  }
}

void Api::checkNow() {
  m_probeTimer.stop();
  probe();
}

void Api::setOnline(bool online) {
  if (online) {
    m_probeDelayMs = kMinProbeDelayMs;
    m_probeTimer.stop();
  } else if (!m_probing && !m_probeTimer.isActive()) {
    m_probeTimer.start(m_probeDelayMs);
  }
  if (online == m_online) return;
  m_online = online;
  qCInfo(lcNet) << (online ? "server reachable again" : "server unreachable; probing");
  emit onlineChanged(online);
}

void Api::probe() {
  if (m_probing) return;
  m_probing = true;
  run(
      this,
      [connection = m_connection, call = m_probeCall] {
        CallResult<v1::WhoAmIResponse> result;
        std::unique_ptr<grpc::ClientContext> context = connection->context(kProbeTimeout);
        // Wait for the connection within the deadline instead of failing at
        // once while the channel is still in its reconnect backoff.
        context->set_wait_for_ready(true);
        if (!call->attach(context.get())) {
          result.status = grpc::Status(grpc::StatusCode::CANCELLED, "shutting down");
          return result;
        }
        grpc::experimental::ChannelResetConnectionBackoff(connection->channel().get());
        // Any answer, even UNAUTHENTICATED, proves the server is there.
        result.status =
            connection->auth().WhoAmI(context.get(), v1::WhoAmIRequest(), &result.value);
        call->attach(nullptr);
        return result;
      },
      [this](const CallResult<v1::WhoAmIResponse>& result) {
        m_probing = false;
        if (!isTransient(result.status)) return;  // run() already went online
        m_probeDelayMs = std::min(m_probeDelayMs * 2, kMaxProbeDelayMs);
        m_probeTimer.start(m_probeDelayMs);
      });
}

}  // namespace hopso::client
