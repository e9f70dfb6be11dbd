// The tablet client's net and model layers against a real hopsod: logging in
// (password, pairing code, saved session), meetings and agenda, documents
// downloaded and verified, annotations with undo synced between tablets and
// users, and the offline story — the server stops, the tablet keeps working,
// and everything reaches the server exactly once when it is back.
#include <sys/stat.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "client/model/agenda_model.h"
#include "client/model/annotation_model.h"
#include "client/model/annotation_store.h"
#include "client/model/document_cache.h"
#include "client/model/meeting_list_model.h"
#include "client/net/api.h"
#include "client/net/meeting_watcher.h"
#include "client/net/session_store.h"
#include "gtest/gtest.h"
#include "hopso/v1/annotation.grpc.pb.h"
#include "tests/integration/fixtures.h"
#include "tests/integration/hopsod_process.h"

namespace hopso::integration {
namespace {

using client::AgendaModel;
using client::AnnotationModel;
using client::AnnotationStore;
using client::Api;
using client::CallResult;
using client::Connection;
using client::DocumentCache;
using client::MeetingListModel;
using client::MeetingWatcher;
using client::ServerTrust;
using client::Session;
using client::SessionStore;

// Long enough for a loaded CI machine; every wait ends as soon as its
// condition holds.
constexpr int kWaitMs = 30000;

#define WAIT_UNTIL(cond) ASSERT_TRUE(QTest::qWaitFor([&] { return (cond); }, kWaitMs)) << #cond

QString q(const std::string& s) { return QString::fromStdString(s); }

QString sha256Hex(const QByteArray& bytes) {
  return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// Runs `work` through the Api and waits for its result on this thread.
template <class T>
std::optional<T> runAndWait(Api& api, std::function<T()> work) {
  QObject receiver;
  std::optional<T> out;
  api.run<T>(&receiver, std::move(work), [&](T result) { out = std::move(result); });
  (void)QTest::qWaitFor([&] { return out.has_value(); }, kWaitMs);
  return out;
}

// One tablet: its own directories, connection, Api, cache and stores.
struct Tablet {
  QTemporaryDir dir;
  std::shared_ptr<Connection> connection;
  std::unique_ptr<Api> api;
  std::unique_ptr<DocumentCache> documents;
  std::unique_ptr<AnnotationStore> annotations;
  v1::User user;

  QString cacheDir() const { return dir.filePath("cache"); }
  QString dataDir() const { return dir.filePath("data"); }
};

ServerTrust PinnedTrust(const HopsodProcess& server) {
  QString error;
  std::optional<ServerTrust> trust =
      client::pinServer(QString::fromStdString(server.address()), {}, &error);
  EXPECT_TRUE(trust.has_value()) << error.toStdString();
  return trust.value_or(ServerTrust());
}

// Logs `username` in on a new tablet (pinning the server's certificate the
// way a first start does) and opens its stores.
std::unique_ptr<Tablet> OpenTablet(const HopsodProcess& server, const std::string& username) {
  auto tablet = std::make_unique<Tablet>();
  QString error;
  tablet->connection = Connection::create(PinnedTrust(server), &error);
  EXPECT_NE(tablet->connection, nullptr) << error.toStdString();
  if (tablet->connection == nullptr) return nullptr;
  tablet->api = std::make_unique<Api>(tablet->connection);
  std::optional<CallResult<v1::LoginResponse>> login = runAndWait<CallResult<v1::LoginResponse>>(
      *tablet->api, [c = tablet->connection, username] {
        return c->login(QString::fromStdString(username), QString::fromUtf8(kPassword));
      });
  EXPECT_TRUE(login.has_value() && login->ok())
      << (login ? login->status.error_message() : "no answer");
  if (!login || !login->ok()) return nullptr;
  tablet->user = login->value.user();
  tablet->documents = std::make_unique<DocumentCache>(tablet->api.get(), tablet->cacheDir());
  tablet->annotations = std::make_unique<AnnotationStore>(tablet->api.get(), tablet->dataDir());
  tablet->annotations->setUserId(q(tablet->user.id()));
  return tablet;
}

v1::Annotation Ink(int page, std::initializer_list<std::pair<float, float>> points) {
  v1::Annotation ink;
  ink.set_page(page);
  ink.set_kind(v1::ANNOTATION_KIND_INK);
  ink.set_color(0xff1565c0);
  ink.set_width(1.5f);
  for (const auto& [x, y] : points) {
    v1::InkPoint* p = ink.add_points();
    p->set_x(x);
    p->set_y(y);
    p->set_pressure(0.7f);
  }
  return ink;
}

// What the server holds for `client` on that version, tombstones included,
// by id; fails the test when an id appears twice.
std::map<std::string, v1::Annotation> ServerAnnotations(Client& client,
                                                        const std::string& document_id,
                                                        int version) {
  std::unique_ptr<v1::AnnotationService::Stub> stub =
      v1::AnnotationService::NewStub(client.channel);
  v1::ListAnnotationsRequest request;
  request.set_document_id(document_id);
  request.set_version(version);
  request.set_include_deleted(true);
  absl::StatusOr<v1::ListAnnotationsResponse> response =
      Call(*stub, &v1::AnnotationService::Stub::ListAnnotations, request);
  EXPECT_TRUE(response.ok()) << response.status();
  std::map<std::string, v1::Annotation> by_id;
  if (!response.ok()) return by_id;
  for (const v1::Annotation& a : response->annotations()) {
    EXPECT_TRUE(by_id.emplace(a.id(), a).second) << "annotation " << a.id() << " listed twice";
  }
  return by_id;
}

class ClientTest : public HopsodTest {
 protected:
  void SetUp() override {
    HopsodTest::SetUp();
    ASSERT_NE(server_, nullptr);
    ASSERT_OK_AND_ASSIGN(cast_, MakeCast(*server_, "Văn phòng UBND tỉnh Quảng Nam", ""));
    ASSERT_OK_AND_ASSIGN(meeting_, MakeMeeting(cast_, v1::MEETING_STATE_PUBLISHED,
                                               "Họp giao ban Ủy ban tháng 12"));
    ASSERT_OK_AND_ASSIGN(v1::Agenda agenda, GetAgenda(cast_.secretary, meeting_.id()));
    ASSERT_GE(agenda.items_size(), 2);
    first_item_ = agenda.items(0);
    pdf_ = DemoPdf(*server_, "Tờ trình về kế hoạch đầu tư công năm 2027", 3);
    ASSERT_OK_AND_ASSIGN(document_, UploadDocument(cast_.secretary, meeting_.id(),
                                                   "Tờ trình kế hoạch đầu tư công", pdf_,
                                                   first_item_.id()));
    ASSERT_GT(document_.versions_size(), 0);
    sha_ = DocumentCache::hex(document_.versions(0).sha256());
    // The server normalises what it screens: what tablets get is the stored
    // version, not the uploaded bytes.
    ASSERT_OK_AND_ASSIGN(Downloaded stored, Download(cast_.secretary, document_.id()));
    stored_ = stored.data;
    version_ = document_.versions(0).number();
  }

  Cast cast_;
  v1::Meeting meeting_;
  v1::AgendaItem first_item_;
  std::string pdf_;
  std::string stored_;
  v1::Document document_;
  QString sha_;
  int version_ = 0;
};

TEST_F(ClientTest, PinnedCertificateIsTheServersOwn) {
  const ServerTrust trust = PinnedTrust(*server_);
  const QList<QSslCertificate> certs =
      QSslCertificate::fromData(QByteArray::fromStdString(server_->root_cert()));
  ASSERT_EQ(certs.size(), 1);
  EXPECT_EQ(trust.fingerprintSha256, client::certificateFingerprint(certs.front()));
  EXPECT_EQ(trust.fingerprintSha256.size(), 64);
  EXPECT_EQ(trust.mode, ServerTrust::Pinned);

  // A pairing code naming another fingerprint is refused.
  QString error;
  EXPECT_FALSE(client::pinServer(trust.address, QByteArray(64, 'a'), &error).has_value());
  EXPECT_TRUE(error.contains(client::formatFingerprint(trust.fingerprintSha256))) << error.toStdString();

  // A wrong password gives the server's message, not a transport error.
  std::shared_ptr<Connection> connection = Connection::create(trust);
  ASSERT_NE(connection, nullptr);
  Api api(connection);
  std::optional<CallResult<v1::LoginResponse>> login = runAndWait<CallResult<v1::LoginResponse>>(
      api, [connection] { return connection->login("delegate", "sai mật khẩu"); });
  ASSERT_TRUE(login.has_value());
  EXPECT_EQ(login->status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(api.isOnline());
  EXPECT_TRUE(connection->token().isEmpty());
}

TEST_F(ClientTest, LoginListOpenAnnotateUndoRedoShareAndSeeOnSecondTablet) {
  std::unique_ptr<Tablet> tablet = OpenTablet(*server_, cast_.delegate.user.username());
  ASSERT_NE(tablet, nullptr);

  // My meetings.
  MeetingListModel meetings(tablet->api.get(), tablet->cacheDir());
  QSignalSpy refreshed(&meetings, &MeetingListModel::refreshed);
  meetings.refresh();
  WAIT_UNTIL(refreshed.count() == 1);
  EXPECT_FALSE(refreshed.at(0).at(0).toBool()) << "from the server, not the cache";
  const int row = meetings.rowOf(q(meeting_.id()));
  ASSERT_GE(row, 0);
  EXPECT_EQ(meetings.data(meetings.index(row), MeetingListModel::TitleRole).toString(),
            QString::fromUtf8("Họp giao ban Ủy ban tháng 12"));
  EXPECT_TRUE(meetings.data(meetings.index(row), MeetingListModel::UpcomingRole).toBool());

  // Its agenda with the document under the first item.
  AgendaModel agenda(tablet->api.get(), tablet->cacheDir());
  QSignalSpy loaded(&agenda, &AgendaModel::loaded);
  agenda.load(q(meeting_.id()));
  WAIT_UNTIL(loaded.count() == 1);
  const QModelIndex item = agenda.indexOfItem(q(first_item_.id()));
  ASSERT_TRUE(item.isValid());
  EXPECT_EQ(agenda.data(item, AgendaModel::NumberRole).toString(), "1");
  const QModelIndex doc = agenda.indexOfDocument(q(document_.id()));
  ASSERT_TRUE(doc.isValid());
  EXPECT_EQ(doc.parent(), item);
  EXPECT_EQ(agenda.data(doc, AgendaModel::Sha256Role).toString(), sha_);
  EXPECT_EQ(agenda.data(doc, AgendaModel::VersionsRole).toList().size(), 1);

  // Open the document: downloaded, verified, the uploaded bytes.
  QSignalSpy fetched(tablet->documents.get(), &DocumentCache::fetched);
  tablet->documents->fetch(q(document_.id()), sha_);
  WAIT_UNTIL(fetched.count() == 1);
  const QString path = fetched.at(0).at(2).toString();
  EXPECT_EQ(path, tablet->documents->cachedPath(sha_));
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const QByteArray bytes = file.readAll();
  EXPECT_EQ(sha256Hex(bytes), sha_);
  EXPECT_EQ(bytes.toStdString(), stored_);
  EXPECT_FALSE(QFile::exists(QDir(tablet->cacheDir()).filePath(sha_ + ".part")));

  // Draw, undo, redo, share: each step reaches the server as a new revision.
  AnnotationModel model(tablet->annotations.get(), q(document_.id()), version_);
  QSignalSpy pageChanged(&model, &AnnotationModel::pageChanged);
  AnnotationStore& store = *tablet->annotations;
  auto settled = [&] { return store.pendingCount() == 0 && !store.isSyncing(); };
  const QString id = model.add(Ink(1, {{72, 100}, {90, 104}, {120, 110}}));
  EXPECT_EQ(model.annotationsOnPage(1).size(), 1);
  EXPECT_EQ(pageChanged.count(), 1);
  WAIT_UNTIL(settled());
  auto onServer = [&] { return ServerAnnotations(cast_.delegate, document_.id(), version_); };
  std::map<std::string, v1::Annotation> held = onServer();
  ASSERT_EQ(held.count(id.toStdString()), 1u);
  EXPECT_EQ(held[id.toStdString()].revision(), 1);
  EXPECT_FALSE(held[id.toStdString()].deleted());
  EXPECT_EQ(held[id.toStdString()].visibility(), v1::ANNOTATION_VISIBILITY_PRIVATE);
  EXPECT_EQ(held[id.toStdString()].points_size(), 3);

  model.undoStack()->undo();
  EXPECT_TRUE(model.annotationsOnPage(1).isEmpty());
  WAIT_UNTIL(settled());
  held = onServer();
  EXPECT_TRUE(held[id.toStdString()].deleted());
  EXPECT_EQ(held[id.toStdString()].revision(), 2);

  model.undoStack()->redo();
  ASSERT_EQ(model.annotationsOnPage(1).size(), 1);
  WAIT_UNTIL(settled());
  held = onServer();
  EXPECT_FALSE(held[id.toStdString()].deleted());
  EXPECT_EQ(held[id.toStdString()].revision(), 3);

  ASSERT_TRUE(model.setShared(id, true));
  WAIT_UNTIL(settled());
  held = onServer();
  EXPECT_EQ(held[id.toStdString()].visibility(), v1::ANNOTATION_VISIBILITY_SHARED);
  EXPECT_EQ(held[id.toStdString()].revision(), 4);
  EXPECT_EQ(held.size(), 1u);

  // A private one besides it.
  const QString secret = model.add(Ink(0, {{10, 10}, {20, 20}}));
  WAIT_UNTIL(settled());

  // The same user on a second tablet with its own cache sees both.
  std::unique_ptr<Tablet> second = OpenTablet(*server_, cast_.delegate.user.username());
  ASSERT_NE(second, nullptr);
  AnnotationModel secondModel(second->annotations.get(), q(document_.id()), version_);
  WAIT_UNTIL(secondModel.annotations().size() == 2);
  ASSERT_NE(secondModel.annotation(id), nullptr);
  EXPECT_EQ(secondModel.annotation(id)->points_size(), 3);
  EXPECT_FLOAT_EQ(secondModel.annotation(id)->points(2).x(), 120);
  EXPECT_TRUE(secondModel.isMine(*secondModel.annotation(id)));
  EXPECT_NE(secondModel.annotation(secret), nullptr);

  // Another delegate of the meeting sees the shared stroke only, read-only.
  ASSERT_OK_AND_ASSIGN(v1::User other,
                       NewUser(cast_.admin, cast_.org.id(), "dai.bieu.hai", "Võ Thị Hải",
                               v1::USER_ROLE_MEMBER));
  v1::AddParticipantRequest add;
  add.set_meeting_id(meeting_.id());
  add.set_user_id(other.id());
  add.set_role(v1::MEETING_ROLE_DELEGATE);
  ASSERT_OK(Call(*cast_.secretary.meetings, &v1::MeetingService::Stub::AddParticipant, add));
  std::unique_ptr<Tablet> third = OpenTablet(*server_, "dai.bieu.hai");
  ASSERT_NE(third, nullptr);
  AnnotationModel thirdModel(third->annotations.get(), q(document_.id()), version_);
  QSignalSpy thirdSynced(third->annotations.get(), &AnnotationStore::synced);
  WAIT_UNTIL(thirdSynced.count() >= 1);
  ASSERT_EQ(thirdModel.annotations().size(), 1);
  const v1::Annotation seen = thirdModel.annotations().front();
  EXPECT_EQ(q(seen.id()), id);
  EXPECT_EQ(seen.author_user_id(), cast_.delegate.user.id());
  EXPECT_FALSE(thirdModel.isMine(seen));
  EXPECT_FALSE(thirdModel.remove(id)) << "someone else's annotation is read-only";
  EXPECT_EQ(thirdModel.annotation(secret), nullptr);

  // Unsharing takes it away from the other delegate on the next sync.
  ASSERT_TRUE(model.setShared(id, false));
  WAIT_UNTIL(settled());
  third->annotations->sync();
  WAIT_UNTIL(thirdModel.annotations().isEmpty());
}

TEST_F(ClientTest, DownloadResumesFromThePartialFileAndIsVerified) {
  std::unique_ptr<Tablet> tablet = OpenTablet(*server_, cast_.delegate.user.username());
  ASSERT_NE(tablet, nullptr);
  DocumentCache& cache = *tablet->documents;
  const QString part = QDir(cache.dir()).filePath(sha_ + ".part");
  auto writePart = [&](const QByteArray& bytes) {
    QFile file(part);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
  };
  const qint64 half = qint64(stored_.size() / 2);

  // A download cut off halfway (the first half on disk) resumes from there.
  writePart(QByteArray::fromStdString(stored_.substr(0, size_t(half))));
  ASSERT_EQ(cache.partialSize(sha_), half);
  QSignalSpy fetched(&cache, &DocumentCache::fetched);
  QSignalSpy progress(&cache, &DocumentCache::fetchProgress);
  QSignalSpy failed(&cache, &DocumentCache::fetchFailed);
  cache.fetch(q(document_.id()), sha_);
  WAIT_UNTIL(fetched.count() == 1 || failed.count() == 1);
  ASSERT_EQ(fetched.count(), 1) << failed.value(0).value(2).toString().toStdString();
  ASSERT_FALSE(progress.isEmpty());
  EXPECT_EQ(progress.last().at(2).toLongLong(), qint64(stored_.size()));
  QFile file(cache.cachedPath(sha_));
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  EXPECT_EQ(file.readAll().toStdString(), stored_);
  EXPECT_FALSE(QFile::exists(part));

  // A partial file that went bad: only the rest is fetched, so the whole
  // does not match its hash; it is discarded, never shown, and a second
  // attempt starts afresh and succeeds.
  ASSERT_TRUE(QFile::remove(cache.cachedPath(sha_)));
  writePart(QByteArray(int(half), 'x'));
  cache.fetch(q(document_.id()), sha_);
  WAIT_UNTIL(failed.count() == 1);
  EXPECT_TRUE(failed.at(0).at(2).toString().contains("SHA-256")) << failed.at(0).at(2).toString().toStdString();
  EXPECT_TRUE(cache.cachedPath(sha_).isEmpty());
  EXPECT_FALSE(QFile::exists(part));
  cache.fetch(q(document_.id()), sha_);
  WAIT_UNTIL(fetched.count() == 2);
  EXPECT_TRUE(cache.verifyCached(sha_));

  // A version the server does not have is a clear failure, not a hang.
  cache.fetch(q(document_.id()), QString(64, u'0'));
  WAIT_UNTIL(failed.count() == 2);
  EXPECT_FALSE(failed.at(1).at(2).toString().isEmpty());
  EXPECT_TRUE(tablet->api->isOnline());
}

TEST_F(ClientTest, OfflineDocumentsOpenAndAnnotationsReachTheServerExactlyOnce) {
  std::unique_ptr<Tablet> tablet = OpenTablet(*server_, cast_.delegate.user.username());
  ASSERT_NE(tablet, nullptr);
  const int port = server_->port();

  // Before the meeting: download it, and look at the list and the agenda.
  QSignalSpy progress(tablet->documents.get(), &DocumentCache::meetingProgress);
  QSignalSpy downloaded(tablet->documents.get(), &DocumentCache::meetingDownloaded);
  tablet->documents->downloadMeeting(q(meeting_.id()));
  WAIT_UNTIL(downloaded.count() == 1);
  ASSERT_FALSE(progress.isEmpty());
  const QList<QVariant> last = progress.last();
  EXPECT_EQ(last.at(1).toInt(), last.at(2).toInt()) << "every document done";
  EXPECT_EQ(last.at(3).toLongLong(), qint64(stored_.size()));
  ASSERT_FALSE(tablet->documents->cachedPath(sha_).isEmpty());
  {
    MeetingListModel meetings(tablet->api.get(), tablet->cacheDir());
    QSignalSpy refreshed(&meetings, &MeetingListModel::refreshed);
    meetings.refresh();
    WAIT_UNTIL(refreshed.count() == 1);
    AgendaModel agenda(tablet->api.get(), tablet->cacheDir());
    QSignalSpy loaded(&agenda, &AgendaModel::loaded);
    agenda.load(q(meeting_.id()));
    WAIT_UNTIL(loaded.count() == 1);
  }
  auto ownedModel =
      std::make_unique<AnnotationModel>(tablet->annotations.get(), q(document_.id()), version_);
  AnnotationModel& model = *ownedModel;
  AnnotationStore& store = *tablet->annotations;
  QSignalSpy synced(&store, &AnnotationStore::synced);
  WAIT_UNTIL(synced.count() >= 1);
  const QString before = model.add(Ink(0, {{5, 5}, {6, 6}}));
  WAIT_UNTIL(store.pendingCount() == 0 && !store.isSyncing());

  // The server goes away.
  QSignalSpy onlineChanged(tablet->api.get(), &Api::onlineChanged);
  ASSERT_OK(server_->Stop());

  // The cached document still opens, whole.
  const QString path = tablet->documents->cachedPath(sha_);
  ASSERT_FALSE(path.isEmpty());
  EXPECT_TRUE(tablet->documents->verifyCached(sha_));
  // The list and agenda come from the cache.
  {
    MeetingListModel meetings(tablet->api.get(), tablet->cacheDir());
    QSignalSpy refreshed(&meetings, &MeetingListModel::refreshed);
    meetings.refresh();
    WAIT_UNTIL(refreshed.count() == 1);
    EXPECT_TRUE(refreshed.at(0).at(0).toBool()) << "offline: the saved list";
    EXPECT_GE(meetings.rowOf(q(meeting_.id())), 0);
    AgendaModel agenda(tablet->api.get(), tablet->cacheDir());
    QSignalSpy loaded(&agenda, &AgendaModel::loaded);
    agenda.load(q(meeting_.id()));
    WAIT_UNTIL(loaded.count() == 1);
    EXPECT_TRUE(loaded.at(0).at(0).toBool());
    EXPECT_TRUE(agenda.indexOfDocument(q(document_.id())).isValid());
  }
  WAIT_UNTIL(!tablet->api->isOnline());
  ASSERT_GE(onlineChanged.count(), 1);
  EXPECT_FALSE(onlineChanged.at(0).at(0).toBool());

  // Annotate while offline: new strokes, a share, an erase, an undo.
  const QString a = model.add(Ink(0, {{10, 10}, {30, 30}}));
  const QString b = model.add(Ink(1, {{40, 40}, {50, 60}, {70, 65}}));
  ASSERT_TRUE(model.setShared(b, true));
  const QString c = model.add(Ink(2, {{1, 2}, {3, 4}}));
  ASSERT_TRUE(model.remove(before));
  model.undoStack()->undo();  // `before` is back
  ASSERT_TRUE(model.remove(a));
  EXPECT_EQ(store.pendingCount(), 4) << "one pending change per annotation";
  EXPECT_EQ(model.annotations().size(), 3) << "before, b and c show";
  EXPECT_FALSE(tablet->api->isOnline());
  const QString outbox = QDir(tablet->dataDir()).filePath("annotations/outbox.bin");
  ASSERT_TRUE(QFile::exists(outbox));
  // As if the answer to the coming push were lost: the same outbox again later.
  const QString savedOutbox = QDir(tablet->dir.path()).filePath("outbox-copy.bin");
  ASSERT_TRUE(QFile::copy(outbox, savedOutbox));

  // The server comes back where it was; the tablet notices and syncs by itself.
  ASSERT_OK(server_->Launch(port));
  WAIT_UNTIL(tablet->api->isOnline() && store.pendingCount() == 0 && !store.isSyncing());
  EXPECT_TRUE(onlineChanged.last().at(0).toBool());

  auto check = [&](const std::map<std::string, v1::Annotation>& held) {
    ASSERT_EQ(held.size(), 4u) << "before, a, b, c: each once";
    EXPECT_FALSE(held.at(before.toStdString()).deleted());
    EXPECT_EQ(held.at(before.toStdString()).revision(), 3) << "add, erase, undo";
    EXPECT_TRUE(held.at(a.toStdString()).deleted());
    EXPECT_EQ(held.at(a.toStdString()).revision(), 2);
    EXPECT_EQ(held.at(b.toStdString()).visibility(), v1::ANNOTATION_VISIBILITY_SHARED);
    EXPECT_EQ(held.at(b.toStdString()).revision(), 2);
    EXPECT_EQ(held.at(b.toStdString()).points_size(), 3);
    EXPECT_EQ(held.at(c.toStdString()).revision(), 1);
  };
  // Checked through a fresh client that never saw these annotations.
  ASSERT_OK_AND_ASSIGN(Client fresh, server_->Login(cast_.delegate.user.username()));
  check(ServerAnnotations(fresh, document_.id(), version_));

  // The lost-answer retry: a tablet sends the same outbox again.
  QTemporaryDir replayDir;
  ASSERT_TRUE(QDir().mkpath(replayDir.filePath("annotations")));
  ASSERT_TRUE(QFile::copy(savedOutbox, replayDir.filePath("annotations/outbox.bin")));
  AnnotationStore replay(tablet->api.get(), replayDir.path());
  replay.setUserId(q(tablet->user.id()));
  ASSERT_EQ(replay.pendingCount(), 4) << "the outbox survives a restart";
  QSignalSpy replaySynced(&replay, &AnnotationStore::synced);
  replay.sync();
  WAIT_UNTIL(replaySynced.count() == 1);
  EXPECT_EQ(replay.pendingCount(), 0);
  check(ServerAnnotations(fresh, document_.id(), version_));

  // Opened again after a restart of the tablet, the view matches the server.
  ownedModel.reset();
  tablet->annotations.reset();
  AnnotationStore reopened(tablet->api.get(), tablet->dataDir());
  reopened.setUserId(q(tablet->user.id()));
  AnnotationModel reopenedModel(&reopened, q(document_.id()), version_);
  EXPECT_EQ(reopenedModel.annotations().size(), 3) << "from the local cache, before any sync";
}

TEST_F(ClientTest, ManyChangesGoOutInBatchesOfAtMost500) {
  std::unique_ptr<Tablet> tablet = OpenTablet(*server_, cast_.delegate.user.username());
  ASSERT_NE(tablet, nullptr);
  AnnotationModel model(tablet->annotations.get(), q(document_.id()), version_);
  AnnotationStore& store = *tablet->annotations;
  QSignalSpy synced(&store, &AnnotationStore::synced);
  WAIT_UNTIL(synced.count() >= 1);
  // A long session offline ends with more than one batch to send.
  constexpr int kCount = AnnotationStore::kMaxBatch + 37;
  for (int i = 0; i < kCount; ++i) {
    model.add(Ink(i % 3, {{float(i % 500), 10}, {float(i % 500) + 5, 20}}));
  }
  EXPECT_EQ(store.pendingCount(), kCount);
  WAIT_UNTIL(store.pendingCount() == 0 && !store.isSyncing());
  const std::map<std::string, v1::Annotation> held =
      ServerAnnotations(cast_.delegate, document_.id(), version_);
  EXPECT_EQ(held.size(), size_t(kCount));
  EXPECT_EQ(model.annotations().size(), kCount);
  // Two calls, both accepted: 500, then the rest.
  const QStringList saves = QString::fromStdString(server_->LogTail(1 << 20))
                                .split('\n')
                                .filter("AnnotationService/SaveAnnotations");
  EXPECT_EQ(saves.size(), 2) << saves.join('\n').toStdString();
  for (const QString& line : saves) EXPECT_TRUE(line.contains("status=OK")) << line.toStdString();
}

TEST_F(ClientTest, SavedSessionIsPrivateAndRestoresTheLogin) {
  std::unique_ptr<Tablet> tablet = OpenTablet(*server_, cast_.delegate.user.username());
  ASSERT_NE(tablet, nullptr);
  QTemporaryDir appData;
  SessionStore store(appData.filePath("app"));
  Session session;
  session.trust = tablet->connection->trust();
  session.token = tablet->connection->token();
  session.user = tablet->user;
  QString error;
  ASSERT_TRUE(store.save(session, &error)) << error.toStdString();
  struct stat st;
  ASSERT_EQ(stat(QFile::encodeName(store.filePath()).constData(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(QDir(appData.filePath("app")).entryList(QDir::Files | QDir::Hidden),
            QStringList{"session.json"})
      << "no temporary file left behind";

  // A restarted client: a new store on the same directory.
  std::optional<Session> restored = SessionStore(appData.filePath("app")).load();
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->trust, session.trust);
  EXPECT_EQ(q(restored->user.full_name()), q(cast_.delegate.user.full_name()));
  std::shared_ptr<Connection> connection = restored->connect(&error);
  ASSERT_NE(connection, nullptr) << error.toStdString();
  Api api(connection);
  std::optional<CallResult<v1::WhoAmIResponse>> who =
      runAndWait<CallResult<v1::WhoAmIResponse>>(api, [connection] { return connection->whoAmI(); });
  ASSERT_TRUE(who.has_value());
  ASSERT_TRUE(who->ok()) << who->status.error_message();
  EXPECT_EQ(who->value.user().id(), cast_.delegate.user.id());

  // Logging out ends the token and forgets the session.
  std::optional<CallResult<bool>> logout = runAndWait<CallResult<bool>>(
      api, [connection] { return CallResult<bool>{connection->logout(), true}; });
  ASSERT_TRUE(logout.has_value() && logout->ok());
  EXPECT_TRUE(store.clear());
  EXPECT_FALSE(SessionStore(appData.filePath("app")).load().has_value());
  std::shared_ptr<Connection> stale = restored->connect();
  who = runAndWait<CallResult<v1::WhoAmIResponse>>(api, [stale] { return stale->whoAmI(); });
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ClientTest, WatcherMarksTheLiveItemAndResumesAfterTheServerRestarts) {
  std::unique_ptr<Tablet> tablet = OpenTablet(*server_, cast_.delegate.user.username());
  ASSERT_NE(tablet, nullptr);
  AgendaModel agenda(tablet->api.get(), tablet->cacheDir());
  QSignalSpy loaded(&agenda, &AgendaModel::loaded);
  agenda.load(q(meeting_.id()));
  WAIT_UNTIL(loaded.count() == 1);

  const int64_t from = agenda.meeting().last_event_seq();
  MeetingWatcher watcher(tablet->api.get(), q(meeting_.id()), from);
  agenda.attach(&watcher);
  std::vector<int64_t> seqs;
  QObject::connect(&watcher, &MeetingWatcher::eventReceived,
                   [&](const v1::MeetingEvent& e) { seqs.push_back(e.seq()); });
  watcher.start();
  WAIT_UNTIL(watcher.isLive());

  // The chair starts the meeting and moves to item 1.
  v1::MeetingLifecycleRequest start;
  start.set_meeting_id(meeting_.id());
  ASSERT_OK(Call(*cast_.chair.meetings, &v1::MeetingService::Stub::StartMeeting, start));
  v1::SetCurrentItemRequest current;
  current.set_meeting_id(meeting_.id());
  current.set_item_id(first_item_.id());
  ASSERT_OK(Call(*cast_.chair.meetings, &v1::MeetingService::Stub::SetCurrentItem, current));
  const QModelIndex item = agenda.indexOfItem(q(first_item_.id()));
  WAIT_UNTIL(agenda.data(item, AgendaModel::LiveRole).toBool());
  EXPECT_EQ(agenda.meeting().state(), v1::MEETING_STATE_IN_PROGRESS);
  EXPECT_TRUE(agenda.data(agenda.indexOfDocument(q(document_.id())), AgendaModel::LiveRole).toBool());

  // The server restarts; meanwhile nothing is lost, after it nothing repeats.
  ASSERT_OK(server_->Stop());
  WAIT_UNTIL(!watcher.isLive());
  ASSERT_OK(server_->Launch(server_->port()));
  ASSERT_OK_AND_ASSIGN(Client chair, server_->Login(cast_.chair.user.username()));
  ASSERT_OK_AND_ASSIGN(Client secretary, server_->Login(cast_.secretary.user.username()));
  ASSERT_OK(AddAgendaItem(secretary, meeting_.id(), "Các vấn đề phát sinh"));
  v1::Agenda now;
  ASSERT_OK_AND_ASSIGN(now, GetAgenda(secretary, meeting_.id()));
  current.set_item_id(now.items(1).id());
  ASSERT_OK(Call(*chair.meetings, &v1::MeetingService::Stub::SetCurrentItem, current));
  ASSERT_OK_AND_ASSIGN(v1::Meeting after, GetMeeting(chair, meeting_.id()));
  WAIT_UNTIL(watcher.lastSeq() == after.last_event_seq());
  WAIT_UNTIL(agenda.currentItemId() == q(now.items(1).id()));
  EXPECT_TRUE(watcher.isLive());
  EXPECT_FALSE(agenda.data(agenda.indexOfItem(q(first_item_.id())), AgendaModel::LiveRole).toBool());
  EXPECT_EQ(agenda.rowCount(), now.items_size()) << "the new item arrived";
  // Every event once, in order, across the restart.
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(seqs.front(), from + 1);
  EXPECT_EQ(seqs.back(), after.last_event_seq());
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], seqs[i - 1] + 1) << i;
  watcher.stop();
  EXPECT_FALSE(watcher.isLive());
}

TEST_F(ClientTest, PairingCodeLogsTheTabletIn) {
  v1::CreatePairingCodeRequest create;
  create.set_user_id(cast_.delegate.user.id());
  create.set_server_address(server_->address());
  absl::StatusOr<v1::PairingCode> code =
      Call(*cast_.secretary.auth, &v1::AuthService::Stub::CreatePairingCode, create);
  ASSERT_OK(code);
  // "HOPSO-PAIR:" code "@" address "#" fingerprint
  const QString payload = q(code->payload());
  ASSERT_TRUE(payload.startsWith("HOPSO-PAIR:")) << payload.toStdString();
  const QString rest = payload.mid(int(strlen("HOPSO-PAIR:")));
  const QString pairing = rest.section('@', 0, 0);
  const QString address = rest.section('@', 1).section('#', 0, 0);
  const QByteArray fingerprint = rest.section('#', 1).toLatin1();
  EXPECT_EQ(pairing, q(code->code()));
  EXPECT_EQ(address, q(server_->address()));

  QString error;
  std::optional<ServerTrust> trust = client::pinServer(address, fingerprint, &error);
  ASSERT_TRUE(trust.has_value()) << error.toStdString();
  std::shared_ptr<Connection> connection = Connection::create(*trust, &error);
  ASSERT_NE(connection, nullptr) << error.toStdString();
  Api api(connection);
  std::optional<CallResult<v1::LoginResponse>> redeemed =
      runAndWait<CallResult<v1::LoginResponse>>(
          api, [connection, pairing] { return connection->redeemPairingCode(pairing); });
  ASSERT_TRUE(redeemed.has_value());
  ASSERT_TRUE(redeemed->ok()) << redeemed->status.error_message();
  EXPECT_EQ(redeemed->value.user().id(), cast_.delegate.user.id());
  EXPECT_FALSE(connection->token().isEmpty());
  std::optional<CallResult<v1::WhoAmIResponse>> who =
      runAndWait<CallResult<v1::WhoAmIResponse>>(api, [connection] { return connection->whoAmI(); });
  ASSERT_TRUE(who.has_value() && who->ok());
  EXPECT_EQ(who->value.user().id(), cast_.delegate.user.id());

  // Once only.
  std::shared_ptr<Connection> again = Connection::create(*trust);
  redeemed = runAndWait<CallResult<v1::LoginResponse>>(
      api, [again, pairing] { return again->redeemPairingCode(pairing); });
  ASSERT_TRUE(redeemed.has_value());
  EXPECT_EQ(redeemed->status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(again->token().isEmpty());
}

}  // namespace
}  // namespace hopso::integration
