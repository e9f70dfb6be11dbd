// A fixed set of worker threads. gRPC reactions must not block, so database
// and other slow work is handed to one of these.
#ifndef HOPSO_SERVER_UTIL_THREAD_POOL_H_
#define HOPSO_SERVER_UTIL_THREAD_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace hopso::server {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  // Runs every task already scheduled, then joins the threads.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Schedule(std::function<void()> task);

 private:
  void Work();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_UTIL_THREAD_POOL_H_
