#include "client/model/document_cache.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "client/net/test_util.h"

namespace hopso::client {
namespace {

// Downloads from a real server (resume, verification, a whole meeting) are
// tested in tests/client; here: what the cache does without one.

QString sha(const QByteArray& bytes) {
  return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

void writeFile(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(bytes);
}

class DocumentCacheTest : public ::testing::Test {
 protected:
  QTemporaryDir dir_;
  std::unique_ptr<Api> api_ = testing::unreachableApi();
  DocumentCache cache_{api_.get(), dir_.filePath("docs")};
  const QByteArray pdf_ = "%PDF-1.7 Tờ trình\n%%EOF\n";
};

TEST_F(DocumentCacheTest, CachedFilesOpenWithoutNetwork) {
  const QString hash = sha(pdf_);
  EXPECT_TRUE(cache_.cachedPath(hash).isEmpty());
  writeFile(QDir(cache_.dir()).filePath(hash + ".pdf"), pdf_);
  EXPECT_EQ(cache_.cachedPath(hash), QDir(cache_.dir()).filePath(hash + ".pdf"));
  EXPECT_EQ(cache_.cachedPath(hash.toUpper()), cache_.cachedPath(hash));
  EXPECT_TRUE(cache_.verifyCached(hash));

  QSignalSpy fetched(&cache_, &DocumentCache::fetched);
  cache_.fetch("d1", hash);
  HOPSO_WAIT_UNTIL(fetched.count() == 1);
  EXPECT_EQ(fetched.at(0).at(0).toString(), "d1");
  EXPECT_EQ(fetched.at(0).at(2).toString(), cache_.cachedPath(hash));
  EXPECT_TRUE(api_->isOnline()) << "no call was needed";
}

TEST_F(DocumentCacheTest, CorruptedFileIsDropped) {
  const QString hash = sha(pdf_);
  writeFile(QDir(cache_.dir()).filePath(hash + ".pdf"), pdf_ + "rác");
  EXPECT_FALSE(cache_.verifyCached(hash));
  EXPECT_TRUE(cache_.cachedPath(hash).isEmpty());
}

TEST_F(DocumentCacheTest, BadHashIsRefused) {
  QSignalSpy failed(&cache_, &DocumentCache::fetchFailed);
  cache_.fetch("d1", "3fa2c1d0");
  HOPSO_WAIT_UNTIL(failed.count() == 1);
  EXPECT_FALSE(failed.at(0).at(2).toString().isEmpty());
}

TEST_F(DocumentCacheTest, OfflineFetchWaitsAndKeepsThePartialFile) {
  const QString hash = sha(pdf_);
  const QByteArray head = pdf_.left(8);
  writeFile(QDir(cache_.dir()).filePath(hash + ".part"), head);
  QSignalSpy failed(&cache_, &DocumentCache::fetchFailed);
  cache_.fetch("d1", hash);
  EXPECT_TRUE(cache_.isFetching(hash));
  HOPSO_WAIT_UNTIL(!api_->isOnline());
  QCoreApplication::processEvents();
  EXPECT_EQ(failed.count(), 0) << "the network's fault: wait for it";
  EXPECT_TRUE(cache_.isFetching(hash));
  EXPECT_EQ(cache_.partialSize(hash), head.size()) << "kept to resume from";
}

TEST_F(DocumentCacheTest, MeetingAlreadyCachedIsDoneAtOnce) {
  v1::Document d;
  d.set_id("d1");
  v1::DocumentVersion* v = d.add_versions();
  v->set_number(1);
  v->set_sha256(QByteArray::fromHex(sha(pdf_).toLatin1()).toStdString());
  v->set_size_bytes(pdf_.size());
  writeFile(QDir(cache_.dir()).filePath(sha(pdf_) + ".pdf"), pdf_);
  QSignalSpy progress(&cache_, &DocumentCache::meetingProgress);
  QSignalSpy done(&cache_, &DocumentCache::meetingDownloaded);
  cache_.downloadDocuments("m1", {d});
  HOPSO_WAIT_UNTIL(done.count() == 1);
  ASSERT_GE(progress.count(), 1);
  EXPECT_EQ(progress.last().at(1).toInt(), 1);
  EXPECT_EQ(progress.last().at(2).toInt(), 1);
  EXPECT_EQ(progress.last().at(3).toLongLong(), pdf_.size());
  EXPECT_EQ(progress.last().at(4).toLongLong(), pdf_.size());
}

}  // namespace
}  // namespace hopso::client
