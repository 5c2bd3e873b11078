// Audit notes are per request: each Access owns its own (copies share them),
// and a streamed body's producer writes into the notes of the request that
// built it, whatever thread runs it, while holding its Service alive.
#include "api/audit_notes.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "../catalog/fake_backend.h"
#include "api/access.h"
#include "api/query/result_stream.h"
#include "api/table/table_stream.h"
#include "crypto/crypto.h"

namespace lakegate::api {
namespace {

using catalog::testing::Answer;
using catalog::testing::FakeBackend;

// A service over a FakeBackend answering `sql` with `rows` one-column rows.
std::shared_ptr<Service> scripted_service(const std::string& sql, int rows) {
  auto fake = std::make_unique<FakeBackend>();
  Answer answer;
  answer.columns = {"n"};
  for (int row = 0; row < rows; ++row) answer.rows.push_back({std::to_string(row)});
  fake->script(sql, answer);
  auto service = std::make_shared<Service>();
  service->config.name = "svc";
  service->backend = std::move(fake);
  return service;
}

backend::Statement statement_of(const std::string& sql) {
  backend::Statement statement;
  statement.sql = sql;
  statement.positional.push_back(backend::Value::string("x"));
  return statement;
}

// Runs a response's producer on a thread of its own; the body it wrote.
std::string run_on_other_thread(http::Response& response) {
  std::string body;
  std::thread worker([&] {
    util::StringSink sink;
    EXPECT_EQ(response.producer(sink).kind, http::StreamEnd::Kind::kComplete);
    body = std::move(sink.data);
  });
  worker.join();
  return body;
}

TEST(AuditNotes, EachAccessHasItsOwnNotesAndCopiesShareThem) {
  Access first = Access::open();
  Access second = Access::open();
  ASSERT_NE(first.audit_notes(), nullptr);
  ASSERT_NE(second.audit_notes(), nullptr);
  EXPECT_NE(first.audit_notes(), second.audit_notes());

  first.audit_notes()->rows = 7;
  first.audit_notes()->operation_id = "op-1";
  EXPECT_EQ(second.audit_notes()->rows, -1);
  EXPECT_TRUE(second.audit_notes()->operation_id.empty());

  const Access copy = first;  // e.g. handed down to a resource
  EXPECT_EQ(copy.audit_notes(), first.audit_notes());
  copy.audit_notes()->rows = 8;
  EXPECT_EQ(first.audit_notes()->rows, 8);

  const Access authenticated(nullptr, nullptr);
  EXPECT_NE(authenticated.audit_notes(), first.audit_notes());
}

TEST(AuditNotes, NoteStatementAddsRowsAndKeepsTheLastStatement) {
  AuditNotes notes;
  note_statement(notes, statement_of("SELECT 1"), backend::Summary{2, "op-a"});
  note_statement(notes, statement_of("SELECT 2"), backend::Summary{3, ""});
  EXPECT_EQ(notes.rows, 5);
  EXPECT_EQ(notes.operation_id, "op-a");
  EXPECT_EQ(notes.sql_hash, crypto::sha256_hex("SELECT 2"));
  EXPECT_EQ(notes.params_json, "[\"x\"]");

  AuditNotes failed;
  note_statement(failed, statement_of("SELECT 3"), Error(ErrorCode::kSparkAnalysis, "no"));
  EXPECT_EQ(failed.rows, -1);
  EXPECT_EQ(failed.sql_hash, crypto::sha256_hex("SELECT 3"));
}

TEST(AuditNotes, StreamedStatementWritesItsOwnRequestsNotesFromAnotherThread) {
  const Access request_a = Access::open();
  const Access request_b = Access::open();
  auto response_a = stream_statement(scripted_service("SELECT a", 3), statement_of("SELECT a"),
                                     OutputFormat::kNdjson, request_a.audit_notes());
  auto response_b = stream_statement(scripted_service("SELECT b", 1), statement_of("SELECT b"),
                                     OutputFormat::kNdjson, request_b.audit_notes());
  // Nothing ran yet: the producers run when the body starts.
  EXPECT_EQ(request_a.audit_notes()->rows, -1);

  // The services were only held by the producers: they keep them alive.
  EXPECT_EQ(run_on_other_thread(response_b), "{\"n\":\"0\"}\n");
  EXPECT_EQ(request_b.audit_notes()->rows, 1);
  EXPECT_EQ(request_b.audit_notes()->sql_hash, crypto::sha256_hex("SELECT b"));
  EXPECT_EQ(request_a.audit_notes()->rows, -1);  // untouched by request b
  EXPECT_TRUE(request_a.audit_notes()->sql_hash.empty());

  EXPECT_EQ(run_on_other_thread(response_a), "{\"n\":\"0\"}\n{\"n\":\"1\"}\n{\"n\":\"2\"}\n");
  EXPECT_EQ(request_a.audit_notes()->rows, 3);
  EXPECT_EQ(request_a.audit_notes()->operation_id, "op");
  EXPECT_EQ(request_a.audit_notes()->sql_hash, crypto::sha256_hex("SELECT a"));
  EXPECT_EQ(request_b.audit_notes()->rows, 1);
}

TEST(AuditNotes, StreamedTableNotesTheRowsSentAndHoldsItsService) {
  const Access request = Access::open();
  auto service = scripted_service("SELECT page", 3);
  std::weak_ptr<Service> watched = service;
  TableStream stream;
  stream.statement = statement_of("SELECT page");
  stream.format = OutputFormat::kNdjson;
  stream.limit = 2;  // the third row is the look-ahead row, not sent
  auto response = stream_table(std::move(service), std::move(stream), request.audit_notes());
  EXPECT_FALSE(watched.expired());  // held by the producer alone

  EXPECT_EQ(run_on_other_thread(response), "{\"n\":\"0\"}\n{\"n\":\"1\"}\n");
  EXPECT_EQ(request.audit_notes()->rows, 2);
  EXPECT_EQ(request.audit_notes()->sql_hash, crypto::sha256_hex("SELECT page"));

  response.producer = nullptr;
  EXPECT_TRUE(watched.expired());
}

}  // namespace
}  // namespace lakegate::api
