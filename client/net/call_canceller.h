// Lets the GUI thread stop a blocking call running on a worker thread, also
// one that has not started yet.
#ifndef HOPSO_CLIENT_NET_CALL_CANCELLER_H_
#define HOPSO_CLIENT_NET_CALL_CANCELLER_H_

#include <grpcpp/client_context.h>

#include <mutex>

namespace hopso::client {

class CallCanceller {
 public:
  void cancel() {
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
    if (m_context != nullptr) m_context->TryCancel();
  }
  // Registers the call about to be made (nullptr once it is over). False
  // when already cancelled: the call must not start.
  bool attach(grpc::ClientContext* context) {
    std::lock_guard lock(m_mutex);
    m_context = context;
    return !m_cancelled;
  }

 private:
  std::mutex m_mutex;
  bool m_cancelled = false;
  grpc::ClientContext* m_context = nullptr;
};

}  // namespace hopso::client

#endif  // HOPSO_CLIENT_NET_CALL_CANCELLER_H_
