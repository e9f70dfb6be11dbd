#include "client/model/annotation_store.h"

#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "client/net/test_util.h"

namespace hopso::client {
namespace {

// Syncing with a real server (exactly once, retries, other users) is tested
// in tests/client; here: the local side.

v1::Annotation note(const char* id, int revision, const char* text) {
  v1::Annotation a;
  a.set_id(id);
  a.set_document_id("d1");
  a.set_version(2);
  a.set_page(3);
  a.set_kind(v1::ANNOTATION_KIND_NOTE);
  a.set_text(text);
  a.set_revision(revision);
  a.set_author_user_id("u1");
  return a;
}

TEST(AnnotationStore, NewIdsAreLongRandomAndUrlSafe) {
  QSet<QString> ids;
  for (int i = 0; i < 1000; ++i) {
    const QString id = AnnotationStore::newId();
    EXPECT_TRUE(QRegularExpression("^[A-Za-z0-9_-]{22}$").match(id).hasMatch()) << id.toStdString();
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000);
}

TEST(AnnotationStore, ChangesSurviveARestartAndWaitForTheServer) {
  QTemporaryDir dir;
  std::unique_ptr<Api> api = testing::unreachableApi();
  {
    AnnotationStore store(api.get(), dir.path());
    store.setUserId("u1");
    QSignalSpy changed(&store, &AnnotationStore::annotationsChanged);
    QSignalSpy failed(&store, &AnnotationStore::syncFailed);
    store.record("d1", 2, note("note-aaaaaaaa", 1, "Cần làm rõ nguồn vốn"));
    store.record("d1", 2, note("note-bbbbbbbb", 1, "Đồng ý"));
    store.record("d1", 2, note("note-aaaaaaaa", 2, "Cần làm rõ nguồn vốn ODA"));
    EXPECT_EQ(changed.count(), 3);
    EXPECT_EQ(store.pendingCount(), 2) << "only the newest revision of each is sent";
    ASSERT_NE(store.pending("note-aaaaaaaa"), nullptr);
    EXPECT_EQ(store.pending("note-aaaaaaaa")->revision(), 2);
    // A record while "online" tries to sync; it fails and keeps everything.
    HOPSO_WAIT_UNTIL(failed.count() >= 1);
    EXPECT_EQ(store.pendingCount(), 2);
    EXPECT_FALSE(api->isOnline());
  }
  AnnotationStore restarted(api.get(), dir.path());
  EXPECT_EQ(restarted.pendingCount(), 2);
  const QList<v1::Annotation> shown = restarted.annotations("d1", 2);
  ASSERT_EQ(shown.size(), 2);
  EXPECT_EQ(shown[0].id(), "note-aaaaaaaa") << "drawing order kept";
  EXPECT_EQ(shown[0].text(), "Cần làm rõ nguồn vốn ODA");
  EXPECT_TRUE(restarted.annotations("d1", 1).isEmpty()) << "another version";
}

TEST(AnnotationStore, TombstonesHideAndOlderRevisionsLose) {
  QTemporaryDir dir;
  std::unique_ptr<Api> api = testing::unreachableApi();
  AnnotationStore store(api.get(), dir.path());
  store.record("d1", 2, note("note-aaaaaaaa", 3, "mới"));
  store.record("d1", 2, note("note-aaaaaaaa", 2, "cũ"));
  ASSERT_EQ(store.annotations("d1", 2).size(), 1);
  EXPECT_EQ(store.annotations("d1", 2)[0].text(), "mới");
  EXPECT_EQ(store.pending("note-aaaaaaaa")->revision(), 3);

  v1::Annotation gone = note("note-aaaaaaaa", 4, "mới");
  gone.set_deleted(true);
  store.record("d1", 2, gone);
  EXPECT_TRUE(store.annotations("d1", 2).isEmpty());
  ASSERT_NE(store.find("d1", 2, "note-aaaaaaaa"), nullptr);
  EXPECT_TRUE(store.find("d1", 2, "note-aaaaaaaa")->deleted());
  EXPECT_TRUE(store.pending("note-aaaaaaaa")->deleted()) << "the server must hear of it";
}

TEST(AnnotationStore, ACrashRightAfterAChangeLosesNothing) {
  QTemporaryDir dir;
  std::unique_ptr<Api> api = testing::unreachableApi();
  // Never destroyed: as if the tablet died right after the stroke, before
  // the view was written.
  auto* crashed = new AnnotationStore(api.get(), dir.path());
  crashed->record("d1", 2, note("note-aaaaaaaa", 1, "Tiếng Việt có dấu"));
  AnnotationStore restarted(api.get(), dir.path());
  ASSERT_EQ(restarted.annotations("d1", 2).size(), 1);
  EXPECT_EQ(restarted.annotations("d1", 2)[0].text(), "Tiếng Việt có dấu");
  EXPECT_EQ(restarted.pendingCount(), 1);
}

}  // namespace
}  // namespace hopso::client
