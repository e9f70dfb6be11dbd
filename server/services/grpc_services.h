// The thin gRPC layer: callback services that authenticate, hand the work to
// the pool (reactions must not block), call a handler, convert its status
// and log one line per call.
#ifndef HOPSO_SERVER_SERVICES_GRPC_SERVICES_H_
#define HOPSO_SERVER_SERVICES_GRPC_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "server/services/annotation_handler.h"
#include "server/services/attendance_handler.h"
#include "server/services/auth_handler.h"
#include "server/services/directory_handler.h"
#include "server/services/document_handler.h"
#include "server/services/event_hub.h"
#include "server/services/meeting_handler.h"
#include "server/services/signing_handler.h"
#include "server/services/speaker_handler.h"
#include "server/services/voting_handler.h"
#include "server/store/group_writer.h"
#include "server/store/blob_store.h"
#include "server/store/store.h"
#include "server/util/thread_pool.h"

namespace hopso::server {

// HopsoServices
//
// Owns the handlers and the gRPC services over one store. Example:
//   HopsoServices services(*store, blobs, pool);
//   services.RegisterWith(builder);
//   ... server->Wait() ...
//   services.BeginShutdown();  // ends WatchMeeting streams with UNAVAILABLE
//   server->Shutdown();        // check-ins and ballots in flight still commit
//   // ~HopsoServices writes what the group writer still holds
class HopsoServices {
 public:
  HopsoServices(Store& store, BlobStore& blobs, ThreadPool& pool,
                DocumentOptions document_options = {}, AuthOptions auth_options = {},
                SigningOptions signing_options = {});
  ~HopsoServices();

  void RegisterWith(grpc::ServerBuilder& builder);
  void BeginShutdown();

  // Removes uploads started more than a day ago and never finished.
  absl::Status RemoveAbandonedUploads() { return documents_.RemoveAbandonedUploads(absl::Hours(24)); }

  class Dispatcher;
  struct CallEnv;

 private:
  Store& store_;
  ThreadPool& pool_;
  EventHub hub_;
  AuthHandler auth_;
  DirectoryHandler directory_;
  MeetingHandler meetings_;
  DocumentHandler documents_;
  AnnotationHandler annotations_;
  // Check-ins and ballots: group commit. Reset first in the destructor, so
  // that what it still holds is written while everything else is there.
  std::unique_ptr<GroupWriter> writer_;
  AttendanceHandler attendance_;
  VotingHandler voting_;
  SpeakerHandler speakers_;
  SigningHandler signing_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
};

}  // namespace hopso::server

#endif  // HOPSO_SERVER_SERVICES_GRPC_SERVICES_H_
