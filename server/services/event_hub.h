// In-process fan-out of committed meeting events to the streams following
// them, with a small window of recent events so a live stream rarely reads
// the database.
#ifndef HOPSO_SERVER_SERVICES_EVENT_HUB_H_
#define HOPSO_SERVER_SERVICES_EVENT_HUB_H_

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/byte_buffer.h"
#include "hopso/v1/meeting.pb.h"
#include "server/store/store.h"

namespace hopso::server {

// A stream following one meeting. Reference-counted, because the hub may be
// telling it about an event while gRPC is done with it.
class EventSubscriber {
 public:
  virtual ~EventSubscriber() = default;
  // Events up to `head_seq` are committed. Called without hub locks held.
  virtual void OnCommitted(int64_t head_seq) = 0;
  // The server is shutting down: end the stream.
  virtual void OnShutdown() = 0;

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  std::atomic<int> refs_{1};
};

// A committed event as sent to tablets: encoded once, shared by every stream.
struct EncodedEvent {
  int64_t seq;
  grpc::ByteBuffer bytes;
};

class EventHub {
 public:
  // Recent events kept per meeting.
  static constexpr size_t kWindow = 1024;

  // Publish
  //
  // Store's event listener: called after commit, in commit order.
  void Publish(const std::vector<StoredEvent>& events);

  // Lookup
  //
  // The event `seq` of `meeting_id` if it is in the window.
  std::shared_ptr<const EncodedEvent> Lookup(const std::string& meeting_id, int64_t seq);

  // Subscribe returns false once Shutdown has begun.
  bool Subscribe(const std::string& meeting_id, EventSubscriber* subscriber);
  void Unsubscribe(const std::string& meeting_id, EventSubscriber* subscriber);

  // Tells every subscriber to end its stream; later subscriptions are refused.
  void Shutdown();

  static v1::MeetingEvent ToProto(const StoredEvent& event);
  static std::shared_ptr<const EncodedEvent> Encode(const StoredEvent& event);

 private:
  absl::Mutex window_mu_;
  absl::flat_hash_map<std::string, std::deque<std::shared_ptr<const EncodedEvent>>> window_
      ABSL_GUARDED_BY(window_mu_);

  absl::Mutex subscribers_mu_;
  absl::flat_hash_map<std::string, absl::flat_hash_set<EventSubscriber*>> subscribers_
      ABSL_GUARDED_BY(subscribers_mu_);
  bool shutting_down_ ABSL_GUARDED_BY(subscribers_mu_) = false;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_EVENT_HUB_H_
