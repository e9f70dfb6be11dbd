#include "server/services/csv.h"

#include "gtest/gtest.h"

namespace hopso::server {
namespace {

TEST(ParseCsv, ReadsQuotedVietnameseFieldsWithBomAndCrlf) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(
      "\xEF\xBB\xBFusername,full_name,unit\r\n"
      "hanh,\"Lê Thị Hạnh\",\"Sở Tài chính, tỉnh \"\"A\"\"\"\r\n"
      "\r\n"
      "minh,Trần Văn Minh,\"Văn phòng\nUBND\"\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].fields, (std::vector<std::string>{"username", "full_name", "unit"}));
  EXPECT_EQ((*rows)[1].fields[2], "Sở Tài chính, tỉnh \"A\"");
  EXPECT_EQ((*rows)[1].line, 2);
  EXPECT_EQ((*rows)[2].line, 4);
  EXPECT_EQ((*rows)[2].fields[2], "Văn phòng\nUBND");
}

TEST(ParseCsv, KeepsEmptyTrailingFields) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("a,b,\nc,,d");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].fields, (std::vector<std::string>{"a", "b", ""}));
  EXPECT_EQ((*rows)[1].fields, (std::vector<std::string>{"c", "", "d"}));
}

TEST(ParseCsv, NamesTheLineOfBadEncodingOrAnOpenQuote) {
  absl::Status bad = ParseCsv("a,b\nc,d\ne,\xC3\x28\n").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("line 3"), std::string::npos) << bad;
  absl::Status open = ParseCsv("a,b\n\"c,d\n").status();
  EXPECT_NE(open.message().find("line 2"), std::string::npos) << open;
}

}  // namespace
}  // namespace hopso::server
