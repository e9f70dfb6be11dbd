#include "server/store/group_writer.h"

#include <algorithm>
#include <utility>

#include "absl/synchronization/notification.h"
#include "server/util/status_macros.h"

namespace hopso::server {

void GroupWriter::Batch::AtEnd(const std::string& key,
                               std::function<absl::Status(Transaction&)> fn) {
  for (const auto& [registered, unused] : at_end_) {
    if (registered == key) return;
  }
  at_end_.emplace_back(key, std::move(fn));
}

GroupWriter::GroupWriter(Store& store) : GroupWriter(store, Options()) {}

GroupWriter::GroupWriter(Store& store, Options options)
    : store_(store), options_(options), thread_([this] { Run(); }) {}

GroupWriter::~GroupWriter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void GroupWriter::Submit(Work work, Done done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(work), std::move(done)});
      return;
    }
  }
  done(absl::UnavailableError("the server is shutting down"));
}

absl::Status GroupWriter::Write(Work work) {
  absl::Notification written;
  absl::Status result;
  Submit(std::move(work), [&](absl::Status status) {
    result = std::move(status);
    written.Notify();
  });
  written.WaitForNotification();
  return result;
}

GroupWriter::Stats GroupWriter::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void GroupWriter::Run() {
  while (true) {
    std::vector<Item> items;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](GroupWriter* w) { return w->stopping_ || !w->queue_.empty(); },
          this));
      // Stopping with nothing left: everything submitted has been written.
      if (queue_.empty()) return;
      const size_t n = std::min(queue_.size(), options_.max_batch);
      items.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        items.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      ++stats_.batches;
      stats_.items += static_cast<int64_t>(n);
    }
    // Outside the lock: submitters never wait for a batch, however slow.
    WriteBatch(items);
  }
}

void GroupWriter::WriteBatch(std::vector<Item>& items) {
  Batch batch;
  batch.size_ = items.size();
  std::vector<absl::Status> results(items.size());
  const absl::Status status = store_.Write([&](Transaction& tx) -> absl::Status {
    for (size_t i = 0; i < items.size(); ++i) {
      const size_t registered = batch.at_end_.size();
      results[i] = tx.Nested([&](Transaction& item_tx) { return items[i].work(item_tx, batch); });
      // End steps named only by an undone item would act on writes that
      // are not there.
      if (!results[i].ok()) batch.at_end_.resize(registered);
    }
    // By index: an end step may register another.
    for (size_t i = 0; i < batch.at_end_.size(); ++i) {
      RETURN_IF_ERROR(batch.at_end_[i].second(tx));
    }
    return absl::OkStatus();
  });
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].done(status.ok() ? std::move(results[i]) : status);
  }
}

}  // namespace hopso::server
