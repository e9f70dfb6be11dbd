#include "server/services/event_hub.h"

#include "server/services/wire.h"

namespace hopso::server {

v1::MeetingEvent EventHub::ToProto(const StoredEvent& event) {
  v1::MeetingEvent out;
  out.set_meeting_id(event.meeting_id);
  out.set_seq(event.seq);
  out.mutable_time()->set_unix_micros(event.time_micros);
  out.set_actor_user_id(event.actor_user_id);
  out.set_hash(event.hash);
  // The body was written by this server; a parse failure would mean a damaged
  // row, which `hopsoctl audit verify` reports — stream what we have.
  (void)out.mutable_body()->ParseFromString(event.body);
  return out;
}

std::shared_ptr<const EncodedEvent> EventHub::Encode(const StoredEvent& event) {
  return std::make_shared<const EncodedEvent>(EncodedEvent{event.seq, ToByteBuffer(ToProto(event))});
}

void EventHub::Publish(const std::vector<StoredEvent>& events) {
  absl::flat_hash_map<std::string, int64_t> heads;
  {
    absl::MutexLock lock(&window_mu_);
    for (const StoredEvent& event : events) {
      auto& window = window_[event.meeting_id];
      window.push_back(Encode(event));
      if (window.size() > kWindow) window.pop_front();
      heads[event.meeting_id] = event.seq;
    }
  }
  std::vector<std::pair<EventSubscriber*, int64_t>> to_tell;
  {
    absl::MutexLock lock(&subscribers_mu_);
    for (const auto& [meeting_id, head] : heads) {
      auto it = subscribers_.find(meeting_id);
      if (it == subscribers_.end()) continue;
      for (EventSubscriber* s : it->second) {
        s->Ref();
        to_tell.emplace_back(s, head);
      }
    }
  }
  // Outside the locks: a subscriber takes its own lock and may call Lookup.
  for (auto& [subscriber, head] : to_tell) {
    subscriber->OnCommitted(head);
    subscriber->Unref();
  }
}

std::shared_ptr<const EncodedEvent> EventHub::Lookup(const std::string& meeting_id,
                                                         int64_t seq) {
  absl::MutexLock lock(&window_mu_);
  auto it = window_.find(meeting_id);
  if (it == window_.end() || it->second.empty()) return nullptr;
  const auto& window = it->second;
  const int64_t first = window.front()->seq;
  if (seq < first || seq > window.back()->seq) return nullptr;
  return window[seq - first];
}

bool EventHub::Subscribe(const std::string& meeting_id, EventSubscriber* subscriber) {
  absl::MutexLock lock(&subscribers_mu_);
  if (shutting_down_) return false;
  subscribers_[meeting_id].insert(subscriber);
  return true;
}

void EventHub::Unsubscribe(const std::string& meeting_id, EventSubscriber* subscriber) {
  absl::MutexLock lock(&subscribers_mu_);
  auto it = subscribers_.find(meeting_id);
  if (it == subscribers_.end()) return;
  it->second.erase(subscriber);
  if (it->second.empty()) subscribers_.erase(it);
}

void EventHub::Shutdown() {
  std::vector<EventSubscriber*> all;
  {
    absl::MutexLock lock(&subscribers_mu_);
    shutting_down_ = true;
    for (auto& [meeting_id, set] : subscribers_) {
      for (EventSubscriber* s : set) {
        s->Ref();
        all.push_back(s);
      }
    }
  }
  for (EventSubscriber* s : all) {
    s->OnShutdown();
    s->Unref();
  }
}

}  // namespace hopso::server
