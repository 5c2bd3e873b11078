"""End to end: POST/PUT/PATCH/DELETE on /api/v2/{service}/_table/{name} against
the real Spark test bed. Every write goes to a scratch Delta table created for
the test (and dropped after it); sample tables are only read. pyspark checks
what Spark really holds afterwards. LAKEGATE_BINARY may point at another build."""
import concurrent.futures
import os
import uuid

import pytest
import requests

import lakegate_process
from lakegate_process import LakegateProcess
from oracle import parse_exact

lakegate_process.BINARY = os.environ.get("LAKEGATE_BINARY", lakegate_process.BINARY)

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, pool_size: 8}}
"""


@pytest.fixture(scope="module")
def lakegate(testbed_env):
    server = LakegateProcess(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def table(spark):
    name = f"lg_write_{uuid.uuid4().hex[:8]}"
    spark.sql(f"CREATE TABLE default.{name} (id BIGINT, name STRING, amount DECIMAL(10,2), "
              "tags ARRAY<STRING>, active BOOLEAN) USING delta")
    yield name
    spark.sql(f"DROP TABLE IF EXISTS default.{name}")


def call(lakegate, method, path, json=None, data=None, **params):
    return requests.request(method, f"{lakegate.url}/api/v2/spark/_table/{path}", params=params,
                            json=json, data=data, timeout=120)


def ok(response):
    assert response.status_code == 200, response.text
    return parse_exact(response.text)


def contents(spark, table):
    return [r.asDict() for r in spark.sql(f"SELECT * FROM default.{table} ORDER BY id").collect()]


def seed(spark, table):
    spark.sql(f"INSERT INTO default.{table} VALUES (1, 'a', 1.50, array('x'), true), "
              "(2, 'b', 2.00, NULL, false), (3, 'c', NULL, array(), NULL)")


def test_post_inserts_every_record_in_one_statement(lakegate, spark, table):
    records = [{"id": 1, "name": "ä😀", "amount": 12.34, "tags": ["a", "b"], "active": True},
               {"id": 2, "name": None}, {"id": 3}]
    answer = ok(call(lakegate, "POST", table, json={"resource": records}))
    assert answer["resource"] == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert answer["meta"]["affected"] == 3
    rows = contents(spark, table)
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["name"] == "ä😀" and str(rows[0]["amount"]) == "12.34" and rows[0]["tags"] == ["a", "b"]
    history = spark.sql(f"DESCRIBE HISTORY default.{table}").collect()
    assert len(history) == 2  # CREATE + one INSERT
    bare = ok(call(lakegate, "POST", table, json=[{"id": 4, "name": "d"}], fields="id,name"))
    assert bare["resource"] == [{"id": 4, "name": "d"}]


def test_post_errors(lakegate, spark, table):
    single = call(lakegate, "POST", table, json={"id": 9})
    assert single.status_code == 400
    assert single.json()["error"]["message"] == "No record(s) detected in request."
    assert call(lakegate, "POST", table, json={"resource": []}).status_code == 400
    unknown = call(lakegate, "POST", table, json=[{"id": 1}, {"id": 2, "nope": 1}])
    assert unknown.status_code == 400
    assert "nope" in unknown.json()["error"]["message"]
    by_id = call(lakegate, "POST", f"{table}/5", json={"id": 5})
    assert by_id.status_code == 400
    assert by_id.json()["error"]["message"] == "Create record by identifier not currently supported."
    both = call(lakegate, "POST", table, json=[{"id": 1}], **{"continue": "true", "rollback": "true"})
    assert both.status_code == 400
    assert contents(spark, table) == []


def test_failed_batch_writes_nothing_and_answers_batch_error(lakegate, spark, table):
    response = call(lakegate, "POST", table, json=[{"id": 1, "name": "ok"}, {"id": "not a number"}])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 1000
    assert error["message"].startswith("Batch Error: Not all requested records could be created.")
    assert error["context"]["error"] == [0, 1]
    assert len(error["context"]["resource"]) == 2
    assert contents(spark, table) == []


def test_continue_retries_records_one_by_one(lakegate, spark, table):
    response = call(lakegate, "POST", table, json=[{"id": 1}, {"id": "x"}, {"id": 3}], **{"continue": "true"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 1000 and error["context"]["error"] == [1]
    assert error["context"]["resource"][0] == {"id": 1}
    assert error["context"]["resource"][1]["status_code"] == 400
    assert [r["id"] for r in contents(spark, table)] == [1, 3]


def test_patch_by_ids_filter_records_and_id(lakegate, spark, table):
    seed(spark, table)
    by_ids = ok(call(lakegate, "PATCH", table, json={"name": "z"}, ids="1,2"))
    assert by_ids == {"resource": [{"id": 1}, {"id": 2}], "meta": {"affected": 2}}
    by_filter = ok(call(lakegate, "PATCH", table, json={"resource": [{"active": True}]}, filter="active IS NULL"))
    assert by_filter["meta"]["affected"] == 1
    by_records = ok(call(lakegate, "PATCH", table, json=[{"id": 1, "amount": 9.99}, {"id": 3, "name": "cc"}]))
    assert by_records["resource"] == [{"id": 1}, {"id": 3}]
    by_id = ok(call(lakegate, "PATCH", f"{table}/2", json={"tags": ["q"]}))
    assert by_id == {"id": 2}
    rows = contents(spark, table)
    assert [r["name"] for r in rows] == ["z", "z", "cc"]
    assert str(rows[0]["amount"]) == "9.99" and rows[1]["tags"] == ["q"] and rows[2]["active"] is True
    missing = call(lakegate, "PATCH", f"{table}/77", json={"name": "x"})
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Record with identifier '77' not found."
    partial = call(lakegate, "PATCH", table, json=[{"id": 1, "name": "y"}, {"id": 77, "name": "x"}])
    assert partial.status_code == 400 and partial.json()["error"]["code"] == 1000
    assert partial.json()["error"]["context"]["error"] == [1]
    assert call(lakegate, "PATCH", table, json=[{"id": 1}], rollback="true").status_code == 400


def test_put_upserts_with_merge(lakegate, spark, table):
    seed(spark, table)
    answer = ok(call(lakegate, "PUT", table, json={"resource": [{"id": 1, "name": "one"}, {"id": 10, "name": "ten"}]}))
    assert answer["resource"] == [{"id": 1}, {"id": 10}]
    rows = {r["id"]: r for r in contents(spark, table)}
    assert rows[1]["name"] == "one" and str(rows[1]["amount"]) == "1.50"  # fields not sent are kept
    assert rows[10]["name"] == "ten"
    assert ok(call(lakegate, "PUT", f"{table}/11", json={"name": "eleven"})) == {"id": 11}
    assert {r["id"]: r["name"] for r in contents(spark, table)}[11] == "eleven"
    assert len(spark.sql(f"DESCRIBE HISTORY default.{table}").collect()) == 4


def test_delete_by_ids_filter_records_and_id(lakegate, spark, table):
    seed(spark, table)
    spark.sql(f"INSERT INTO default.{table} (id) VALUES (4), (5), (6)")
    assert ok(call(lakegate, "DELETE", table, ids="1")) == {"resource": [{"id": 1}], "meta": {"affected": 1}}
    assert ok(call(lakegate, "DELETE", table, filter="id >= 5"))["meta"]["affected"] == 2
    assert ok(call(lakegate, "DELETE", table, json={"resource": [{"id": 2}]}))["meta"]["affected"] == 1
    assert ok(call(lakegate, "DELETE", f"{table}/3")) == {"id": 3}
    assert call(lakegate, "DELETE", f"{table}/3").status_code == 404
    assert [r["id"] for r in contents(spark, table)] == [4]


def test_whole_table_changes_are_refused(lakegate, spark, table):
    seed(spark, table)
    for method, body in (("DELETE", None), ("PATCH", {"name": "x"}), ("PUT", {"name": "x"}),
                         ("DELETE", {"resource": []}), ("DELETE", None)):
        response = call(lakegate, method, table, json=body)
        assert response.status_code == 400, (method, response.text)
    assert call(lakegate, "DELETE", table, force="true").status_code == 400
    assert call(lakegate, "DELETE", table, filter="").status_code == 400
    assert len(contents(spark, table)) == 3


def test_non_delta_and_views_refuse_writes(lakegate, spark):
    view = call(lakegate, "POST", "intervals", json=[{"id": 9}])
    assert view.status_code == 405
    iceberg = call(lakegate, "POST", "lake.sales.regions", json=[{"id": 9}])
    assert iceberg.status_code == 400
    assert "not a Delta table" in iceberg.json()["error"]["message"]


def test_parallel_clients_insert_disjoint_batches(lakegate, spark, table):
    def insert(client):
        records = [{"id": client * 1000 + i, "name": f"c{client}"} for i in range(25)]
        return call(lakegate, "POST", table, json={"resource": records})

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(insert, range(8)))
    for response in responses:
        assert response.status_code == 200, response.text
    ids = [r["id"] for r in contents(spark, table)]
    assert sorted(ids) == sorted(c * 1000 + i for c in range(8) for i in range(25))
    assert len(ids) == len(set(ids)) == 200
