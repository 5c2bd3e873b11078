// The Database seam on each backend: text/NULL round trips, '?' placeholders
// (and '?' inside literals, identifiers and comments), error mapping without
// parameter values, scripts, transactions, SQLite's pragmas, URL dispatch and
// PostgreSQL's one reconnect.
#include "store/database.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "scratch_database.h"

namespace lakegate::store {
namespace {

using testing::ScratchDatabase;

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto opened = open_database(scratch_.url());
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->execute_script(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT)"));
  }

  // The single value of a one-row, one-column query.
  DbValue scalar(std::string_view sql, const std::vector<DbValue>& params = {}) {
    auto rows = db_->query(sql, params);
    EXPECT_TRUE(rows) << rows.error().message;
    if (!rows || rows->size() != 1 || rows->front().size() != 1) {
      ADD_FAILURE() << "expected one value from " << sql;
      return std::nullopt;
    }
    return rows->front()[0];
  }

  ScratchDatabase scratch_{GetParam()};
  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseTest, ReportsItsDialect) {
  EXPECT_EQ(db_->dialect(), GetParam());
}

TEST_P(DatabaseTest, RoundTripsTextAndNull) {
  const std::string awkward = "h\xC3\xA9llo 'quoted' \"double\" ? ; -- not a comment";
  ASSERT_TRUE(db_->query("INSERT INTO item (id, name, note) VALUES (?, ?, ?)",
                         {"1", awkward, std::nullopt}));
  auto rows = db_->query("SELECT id, name, note FROM item WHERE id = ?", {"1"});
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], DbValue("1"));
  EXPECT_EQ((*rows)[0][1], DbValue(awkward));
  EXPECT_EQ((*rows)[0][2], std::nullopt);
}

TEST_P(DatabaseTest, ReturnsRowsOfReturning) {
  auto rows =
      db_->query("INSERT INTO item (id, name) VALUES (?, ?) RETURNING id, name", {"7", "x"});
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], DbValue("7"));
  EXPECT_EQ((*rows)[0][1], DbValue("x"));
}

TEST_P(DatabaseTest, QuestionMarksInLiteralsIdentifiersAndCommentsAreNotParameters) {
  auto rows = db_->query(
      "SELECT 'a?b', ?, 'it''s ?', \"name?\" FROM (SELECT 'n' AS \"name?\") AS t -- one ?\n"
      "WHERE /* another ? */ ? = 'yes'",
      {"first", "yes"});
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], DbValue("a?b"));
  EXPECT_EQ((*rows)[0][1], DbValue("first"));
  EXPECT_EQ((*rows)[0][2], DbValue("it's ?"));
  EXPECT_EQ((*rows)[0][3], DbValue("n"));
}

TEST_P(DatabaseTest, UniqueViolationIsConflictWithoutTheValue) {
  ASSERT_TRUE(db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"1", "secret-name-42"}));
  auto duplicate = db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"2", "secret-name-42"});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  EXPECT_EQ(duplicate.error().message.find("secret-name-42"), std::string::npos)
      << duplicate.error().message;
}

TEST_P(DatabaseTest, FailuresAreStoreErrorsWithoutParameterValues) {
  auto missing = db_->query("INSERT INTO no_such_table (name) VALUES (?)", {"secret-value-17"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kStore);
  EXPECT_EQ(missing.error().message.find("secret-value-17"), std::string::npos);
  EXPECT_NE(missing.error().message.find("no_such_table"), std::string::npos)
      << missing.error().message;

  auto not_null = db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"3", std::nullopt});
  ASSERT_FALSE(not_null);
  EXPECT_EQ(not_null.error().code, ErrorCode::kStore);
}

TEST_P(DatabaseTest, BadValueForATypeDoesNotEchoTheValue) {
  // PostgreSQL quotes the value in data-exception messages; SQLite converts instead of failing.
  auto cast = db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"secret-not-a-number", "n"});
  if (GetParam() == "postgresql") {
    ASSERT_FALSE(cast);
    EXPECT_EQ(cast.error().code, ErrorCode::kStore);
  }
  if (!cast) {
    EXPECT_EQ(cast.error().message.find("secret-not-a-number"), std::string::npos)
        << cast.error().message;
  }
}

TEST_P(DatabaseTest, WrongParameterCountIsAnInternalError) {
  auto rows = db_->query("SELECT name FROM item WHERE id = ? AND name = ?", {"1"});
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().code, ErrorCode::kInternal);
}

TEST_P(DatabaseTest, ExecuteScriptRunsSeveralStatements) {
  ASSERT_TRUE(db_->execute_script(
      "INSERT INTO item (id, name) VALUES (10, 'a'); INSERT INTO item (id, name) VALUES (11, 'b');"
      "UPDATE item SET note = 'n' WHERE id = 11"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM item"), DbValue("2"));
  EXPECT_EQ(scalar("SELECT note FROM item WHERE id = ?", {"11"}), DbValue("n"));
  auto broken = db_->execute_script("INSERT INTO item (id, name) VALUES (12, 'c'); NOT SQL");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::kStore);
}

TEST_P(DatabaseTest, RollbackDiscardsAndCommitKeeps) {
  ASSERT_TRUE(db_->query("BEGIN"));
  ASSERT_TRUE(db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"1", "gone"}));
  ASSERT_TRUE(db_->query("ROLLBACK"));
  ASSERT_TRUE(db_->query("BEGIN"));
  ASSERT_TRUE(db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"2", "kept"}));
  ASSERT_TRUE(db_->query("COMMIT"));
  EXPECT_EQ(scalar("SELECT name FROM item"), DbValue("kept"));
}

TEST_P(DatabaseTest, IntegersBoundAsTextCompareAsNumbers) {
  ASSERT_TRUE(db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"9", "nine"}));
  ASSERT_TRUE(db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"10", "ten"}));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM item WHERE id > ?", {"9"}), DbValue("1"));
  auto page = db_->query("SELECT name FROM item ORDER BY id LIMIT ? OFFSET ?", {"1", "1"});
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0][0], DbValue("ten"));
}

// Dialect-specific cases run only on their own backend (never "skipped").
class SqliteDatabaseTest : public DatabaseTest {};
class PostgresqlDatabaseTest : public DatabaseTest {};

TEST_P(SqliteDatabaseTest, ConnectionSettings) {
  EXPECT_EQ(scalar("PRAGMA journal_mode"), DbValue("wal"));
  EXPECT_EQ(scalar("PRAGMA foreign_keys"), DbValue("1"));
  EXPECT_EQ(scalar("PRAGMA busy_timeout"), DbValue("5000"));
}

TEST_P(PostgresqlDatabaseTest, ReconnectsOnceAfterTheConnectionDies) {
  const DbValue pid = scalar("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid);
  auto killer = open_database(scratch_.url());
  ASSERT_TRUE(killer) << killer.error().message;
  ASSERT_TRUE((*killer)->query("SELECT pg_terminate_backend(CAST(? AS INTEGER))", {pid}));
  // The next statement finds the connection dead, reconnects and runs.
  auto after = db_->query("SELECT pg_backend_pid()");
  ASSERT_TRUE(after) << after.error().message;
  ASSERT_EQ(after->size(), 1u);
  EXPECT_NE((*after)[0][0], pid);
  EXPECT_TRUE(db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"1", "after"}));
}

TEST_P(PostgresqlDatabaseTest, DoesNotRetryAStatementInsideATransaction) {
  ASSERT_TRUE(db_->query("BEGIN"));
  ASSERT_TRUE(db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"1", "lost"}));
  const DbValue pid = scalar("SELECT pg_backend_pid()");
  auto killer = open_database(scratch_.url());
  ASSERT_TRUE(killer) << killer.error().message;
  ASSERT_TRUE((*killer)->query("SELECT pg_terminate_backend(CAST(? AS INTEGER))", {pid}));
  // Retrying on a new connection would commit this row without the first one.
  auto inside = db_->query("INSERT INTO item (id, name) VALUES (?, ?)", {"2", "half"});
  ASSERT_FALSE(inside);
  EXPECT_EQ(inside.error().code, ErrorCode::kStore);
  (void)db_->query("ROLLBACK");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM item"), DbValue("0"));
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(testing::test_backends()),
                         testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, SqliteDatabaseTest, ::testing::Values("sqlite"),
                         testing::backend_name);
// Instantiated only when LAKEGATE_TEST_POSTGRES_URL names a server (scripts/test
// runs this binary again with it after starting the test bed's PostgreSQL).
INSTANTIATE_TEST_SUITE_P(Backends, PostgresqlDatabaseTest,
                         ::testing::ValuesIn(testing::postgres_server_url()
                                                 ? std::vector<std::string>{"postgresql"}
                                                 : std::vector<std::string>{}),
                         testing::backend_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PostgresqlDatabaseTest);

class OpenDatabaseTest : public ::testing::Test {
 protected:
  ScratchDatabase scratch_{"sqlite"};
  std::string directory() const {
    return std::filesystem::path(scratch_.url().substr(std::string("sqlite://").size()))
        .parent_path()
        .string();
  }
};

TEST_F(OpenDatabaseTest, SqliteUrlWithAbsolutePath) {
  const std::string path = directory() + "/absolute.db";
  auto db = open_database("sqlite://" + path);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ((*db)->dialect(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(OpenDatabaseTest, PlainPathIsSqlite) {
  const std::string path = directory() + "/plain.db";
  auto db = open_database(path);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ((*db)->dialect(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(OpenDatabaseTest, SqliteUrlWithRelativePath) {
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(directory());
  auto db = open_database("sqlite://relative.db");
  const bool created = std::filesystem::exists(std::filesystem::path(directory()) / "relative.db");
  std::filesystem::current_path(previous);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_TRUE(created);
}

TEST_F(OpenDatabaseTest, UnsupportedSchemeIsBadConfig) {
  auto db = open_database("mysql://user:secret@host/db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kBadConfig);
  EXPECT_EQ(db.error().message.find("secret"), std::string::npos);
}

TEST_F(OpenDatabaseTest, UnopenableSqliteFileIsStoreError) {
  auto db = open_database(directory() + "/no/such/dir/store.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kStore);
}

TEST_F(OpenDatabaseTest, UnreachablePostgresqlIsStoreError) {
  auto db = open_database("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kStore);
}

}  // namespace
}  // namespace lakegate::store
