// Group commit: hot writes (ballots, check-ins) from many calls share one
// transaction, so one fsync acknowledges many of them.
#ifndef HOPSO_SERVER_STORE_GROUP_WRITER_H_
#define HOPSO_SERVER_STORE_GROUP_WRITER_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/store/store.h"

namespace hopso::server {

// GroupWriter
//
// One thread takes everything submitted since the last commit (up to
// `max_batch`), runs each item in its own savepoint of one Store::Write
// transaction, runs the batch's end steps, commits, and only then calls each
// item's `done`. An item that fails is undone alone and its `done` gets its
// error; if the end steps or the commit fail, every item's `done` gets that
// error and nothing of the batch is kept.
//
// Example:
//   writer.Submit(
//       [&](Transaction& tx, GroupWriter::Batch& batch) -> absl::Status {
//         RETURN_IF_ERROR(tx.InsertVoter(voter));
//         batch.State<std::vector<std::string>>("poll:" + id).push_back(voter_id);
//         batch.AtEnd("poll:" + id, [&batch, id](Transaction& tx) { ...one event... });
//         return absl::OkStatus();
//       },
//       [reactor](absl::Status status) { reactor->Finish(...); });
class GroupWriter {
 public:
  // What the items of one batch share.
  class Batch {
   public:
    // AtEnd
    //
    // Runs `fn` once after all items of the batch, before the commit, for
    // each distinct key (a later registration of the same key is ignored), in
    // the order keys were first registered.
    void AtEnd(const std::string& key, std::function<absl::Status(Transaction&)> fn);

    // State
    //
    // An object of type T, created on first use, shared by the items of the
    // batch that name the same key; gone after the batch. Change it only
    // after your item's writes have succeeded.
    template <typename T>
    T& State(const std::string& key) {
      std::shared_ptr<void>& slot = state_[key];
      if (slot == nullptr) slot = std::make_shared<T>();
      return *static_cast<T*>(slot.get());
    }

    // The number of items in the batch.
    size_t size() const { return size_; }

   private:
    friend class GroupWriter;
    size_t size_ = 0;
    std::vector<std::pair<std::string, std::function<absl::Status(Transaction&)>>> at_end_;
    std::map<std::string, std::shared_ptr<void>> state_;
  };

  using Work = std::function<absl::Status(Transaction&, Batch&)>;
  using Done = std::function<void(absl::Status)>;

  struct Options {
    size_t max_batch = 512;
  };

  // Two constructors rather than a default argument: GCC cannot use Options'
  // member initializers before the enclosing class is complete.
  explicit GroupWriter(Store& store);
  GroupWriter(Store& store, Options options);
  // Writes what was submitted, then stops.
  ~GroupWriter();
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  // Submit
  //
  // Queues `work` for the next batch. `done` is called on the writer thread
  // once the batch has committed (OK) or failed; it must not block.
  void Submit(Work work, Done done);

  // Write
  //
  // Submit, then wait for `done`: for callers that may block (never from a
  // `work` or `done`, which run on the writer thread).
  absl::Status Write(Work work);

  struct Stats {
    int64_t batches = 0;
    int64_t items = 0;
  };
  Stats stats() const;

 private:
  struct Item {
    Work work;
    Done done;
  };
  void Run();
  void WriteBatch(std::vector<Item>& items);

  Store& store_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_STORE_GROUP_WRITER_H_
