#include "server/store/blob_store.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "server/util/random_id.h"

namespace hopso::server {
namespace {

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hopso-blobs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    absl::StatusOr<BlobStore> blobs = BlobStore::Open(dir_);
    ASSERT_TRUE(blobs.ok()) << blobs.status().ToString();
    blobs_.emplace(std::move(*blobs));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteTemp(const std::string& content) {
    std::string path = blobs_->TempPath("test");
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::string dir_;
  std::optional<BlobStore> blobs_;
};

TEST_F(BlobStoreTest, StoresContentUnderItsHashOnce) {
  const std::string content = "Tờ trình số 45/TTr-UBND";
  absl::StatusOr<std::string> first = blobs_->Adopt(WriteTemp(content));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, Sha256(content));
  absl::StatusOr<std::string> second = blobs_->Adopt(WriteTemp(content));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  absl::StatusOr<std::string> path = blobs_->PathOf(*first);
  ASSERT_TRUE(path.ok());
  std::ifstream in(*path, std::ios::binary);
  std::string read((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(read, content);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/tmp")) << "the duplicate temp file was left";
}

TEST_F(BlobStoreTest, SaysWhenABlobIsMissing) {
  EXPECT_EQ(blobs_->PathOf(Sha256("absent")).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(blobs_->PathOf("short").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hopso::server
