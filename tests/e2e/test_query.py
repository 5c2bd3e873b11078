"""End to end: POST /api/v2/{service}/_query through lakegate against the real
Spark test bed, with pyspark itself as the oracle (tests/e2e/oracle.py).

Every query test runs once per backend (the `service` fixture): Spark Connect
direct, Spark Connect through the bed's "Databricks front" (nginx: TLS,
bearer token, cluster id), the Spark Thrift Server over HTTP and binary, and
the Thrift server through the front as a Databricks SQL warehouse
(http_path). Same queries, identical JSON."""
import json
import socket
import time

import pytest
import requests

from lakegate_process import LakegateProcess, free_port
from oracle import parse_exact, render_table, same_json

# service name → the .testbed/env keys it needs
BACKENDS = {
    "spark": ["LAKEGATE_SPARK_CONNECT"],
    "connect_front": ["LAKEGATE_DATABRICKS_URL", "LAKEGATE_DATABRICKS_CLUSTER_ID"],
    "thrift_http": ["LAKEGATE_THRIFT_HTTP"],
    "thrift_binary": ["LAKEGATE_THRIFT_BINARY"],
    "warehouse": ["LAKEGATE_DATABRICKS_URL", "LAKEGATE_DATABRICKS_HTTP_PATH"],
}

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120}}
  - name: slow
    type: spark
    config: {{workspace_url: "{connect}", timeout: 2}}
  - name: down
    type: spark
    config: {{workspace_url: "sc://127.0.0.1:{closed_port}", timeout: 10}}
  - name: connect_front
    type: databricks
    config: {{workspace_url: "{front}", cluster_id: "{cluster_id}", access_token: "${{LAKEGATE_E2E_TOKEN}}",
             ca_file: "{ca}", catalog: spark_catalog, schema: default, timeout: 120}}
  - name: thrift_http
    type: spark
    config: {{workspace_url: "{thrift_http}", catalog: spark_catalog, schema: default, timeout: 120}}
  - name: thrift_binary
    type: spark
    config: {{workspace_url: "{thrift_binary}", catalog: spark_catalog, schema: default, timeout: 120}}
  - name: warehouse
    type: databricks
    config: {{workspace_url: "{front}", http_path: "{http_path}", access_token: "${{LAKEGATE_E2E_TOKEN}}",
             ca_file: "{ca}", catalog: spark_catalog, schema: default, timeout: 120}}
  - name: slow_thrift
    type: spark
    config: {{workspace_url: "{thrift_binary}", timeout: 2}}
  - name: down_thrift
    type: spark
    config: {{workspace_url: "thrift://127.0.0.1:{closed_port}", timeout: 10}}
http:
  max_body_bytes: 65536
"""


@pytest.fixture(scope="module")
def lakegate(testbed_env):
    env = testbed_env
    server = LakegateProcess(CONFIG.format(
        connect=env["LAKEGATE_SPARK_CONNECT"], closed_port=free_port(),
        front=env.get("LAKEGATE_DATABRICKS_URL", "https://127.0.0.1:1"),
        cluster_id=env.get("LAKEGATE_DATABRICKS_CLUSTER_ID", "none"),
        ca=env.get("LAKEGATE_DATABRICKS_CA", ""),
        thrift_http=env.get("LAKEGATE_THRIFT_HTTP", "http://127.0.0.1:1/cliservice"),
        thrift_binary=env["LAKEGATE_THRIFT_BINARY"],
        http_path=env.get("LAKEGATE_DATABRICKS_HTTP_PATH", "/none")),
        env={"LAKEGATE_E2E_TOKEN": env.get("LAKEGATE_DATABRICKS_TOKEN", "none")})
    server.start()
    yield server
    server.stop()


class Service:
    """lakegate's _query endpoint of one configured service."""

    def __init__(self, lakegate, name):
        self.lakegate, self.name = lakegate, name
        self.url = f"{lakegate.url}/api/v2/{name}/_query"

    def query(self, sql, params=None, **kwargs):
        body = {"sql": sql}
        if params is not None:
            body["params"] = params
        return requests.post(self.url, json=body, timeout=120, **kwargs)

    @property
    def thrift(self):
        return self.name.startswith("thrift") or self.name == "warehouse"


@pytest.fixture(params=list(BACKENDS))
def service(request, lakegate, testbed_env):
    missing = [key for key in BACKENDS[request.param] if key not in testbed_env]
    if missing:
        pytest.fail(f"the running test bed predates {missing}: run scripts/testbed start")
    return Service(lakegate, request.param)


def query_rows(service, sql, params=None):
    response = service.query(sql, params)
    assert response.status_code == 200, response.text
    body = parse_exact(response.text)
    assert set(body) == {"resource", "row_count"}, body.keys()
    assert body["row_count"] == len(body["resource"])
    return body["resource"]


def oracle_rows(spark, sql, params=None):
    return render_table(spark.sql(sql, args=params).toArrow())


def test_every_column_of_all_types_matches_pyspark(service, spark):
    columns = [f.name for f in spark.table("default.all_types").schema.fields]
    assert len(columns) >= 15
    for column in columns:
        sql = f"SELECT id, `{column}` FROM default.all_types ORDER BY id"
        same_json(oracle_rows(spark, sql), query_rows(service, sql), path=column)


def test_whole_all_types_table_matches_pyspark(service, spark):
    sql = "SELECT * FROM default.all_types ORDER BY id"
    expected = oracle_rows(spark, sql)
    assert any(all(v is None for k, v in row.items() if k != "id") for row in expected), \
        "the sample table must hold an all-null row"
    same_json(expected, query_rows(service, sql))


def test_seed_aggregation_query(service, spark):
    sql = ("SELECT passenger_count, AVG(fare_amount) AS avg_fare, COUNT(*) AS trip_count "
           "FROM nyctaxi.trips WHERE tpep_pickup_datetime >= ? GROUP BY passenger_count "
           "ORDER BY avg_fare DESC")
    rows = query_rows(service, sql, ["2016-01-01"])
    assert len(rows) >= 3
    assert list(rows[0]) == ["passenger_count", "avg_fare", "trip_count"]
    assert sum(r["trip_count"] for r in rows) == spark.table("nyctaxi.trips").count()
    same_json(oracle_rows(spark, sql, ["2016-01-01"]), rows)


def test_seed_select_three_trips(service, spark):
    sql = "SELECT * FROM spark_catalog.nyctaxi.trips ORDER BY tpep_pickup_datetime, pickup_zip LIMIT 3"
    rows = query_rows(service, sql)
    assert [list(r) for r in rows][0] == ["tpep_pickup_datetime", "tpep_dropoff_datetime",
                                          "trip_distance", "fare_amount", "pickup_zip",
                                          "dropoff_zip", "passenger_count"]
    assert rows[0]["tpep_pickup_datetime"].endswith("+00:00")
    same_json(oracle_rows(spark, sql), rows)


@pytest.mark.parametrize("sql", [
    # CTE
    "WITH z AS (SELECT pickup_zip, count(*) AS n FROM nyctaxi.trips GROUP BY pickup_zip) "
    "SELECT * FROM z ORDER BY n DESC, pickup_zip LIMIT 5",
    # window function
    "SELECT pickup_zip, fare_amount, rank() OVER (PARTITION BY pickup_zip ORDER BY fare_amount DESC, "
    "tpep_pickup_datetime) AS r FROM nyctaxi.trips ORDER BY pickup_zip, r LIMIT 20",
    # join
    "SELECT a.pickup_zip, count(*) AS n FROM nyctaxi.trips a JOIN "
    "(SELECT DISTINCT dropoff_zip FROM nyctaxi.trips) b ON a.pickup_zip = b.dropoff_zip "
    "GROUP BY a.pickup_zip ORDER BY n DESC, a.pickup_zip LIMIT 5",
    # intervals and nested values produced by expressions
    "SELECT INTERVAL '1 02:03:04.5' DAY TO SECOND AS dt, INTERVAL '0 00:00:00' DAY TO SECOND AS zero, "
    "INTERVAL '-3' HOUR AS neg, "
    "array(named_struct('k', 'v\"q', 'm', map(1, 'a'))) AS nested",
])
def test_ctes_windows_joins_and_expressions(service, spark, sql):
    same_json(oracle_rows(spark, sql), query_rows(service, sql))


def test_year_month_intervals_as_iso_8601(service):
    # pyspark's client cannot convert year-month intervals to Arrow, so these are pinned.
    rows = query_rows(service, "SELECT INTERVAL '1-2' YEAR TO MONTH AS a, INTERVAL '-0-3' YEAR TO MONTH AS b, "
                                "INTERVAL '0-0' YEAR TO MONTH AS c, INTERVAL '5' YEAR AS d")
    assert rows == [{"a": "P1Y2M", "b": "-P3M", "c": "P0M", "d": "P5Y"}]


def test_empty_result_has_envelope(service):
    response = service.query("SELECT * FROM nyctaxi.trips WHERE 1 = 0")
    assert response.status_code == 200
    assert response.json() == {"resource": [], "row_count": 0}


NASTY = ["it's", "\"quoted\"", "back\\slash", "\\'", "x' OR '1'='1", "-- comment", "a; DROP TABLE t",
         "/* c */", "`tick`", "ünïcødé ☃ 😀 中文 עברית", "\t\n\r", "%_", "${x}", "?", ":name", ""]


def test_bound_positional_parameters_come_back_unchanged(service):
    rows = query_rows(service, "SELECT " + ", ".join(f"? AS p{i}" for i in range(len(NASTY))), NASTY)
    assert rows == [{f"p{i}": v for i, v in enumerate(NASTY)}]


def test_bound_named_parameters_and_types(service):
    params = {"s": "x' OR 1=1 --"}
    # raw JSON text, so the decimal's trailing zero is on the wire
    body = ('{"sql": "SELECT :s AS s, :i AS i, :d AS d, :b AS b, :n AS n, :e AS e, typeof(:d) AS t", '
            '"params": {"s": "x\' OR 1=1 --", "i": 9007199254740993, "d": 12.50, "b": true, '
            '"n": null, "e": 1.5e300}}')
    response = requests.post(service.url, data=body, timeout=60)
    assert response.status_code == 200, response.text
    row = parse_exact(response.text)["resource"][0]
    assert row["s"] == params["s"]
    assert row["i"] == 9007199254740993  # exact, beyond double precision
    assert str(row["d"]) == "12.50"  # decimal digits kept
    assert row["b"] is True and row["n"] is None
    assert float(row["e"]) == 1.5e300
    assert row["t"] == "decimal(4,2)"


def test_parameter_filters_rows(service, spark):
    rows = query_rows(service, "SELECT count(*) AS n FROM nyctaxi.trips WHERE passenger_count = ?", [2])
    expected = spark.sql("SELECT count(*) FROM nyctaxi.trips WHERE passenger_count = 2").collect()[0][0]
    assert rows == [{"n": expected}] and expected > 0


def test_injection_attempt_does_not_change_data(service, spark):
    before = spark.table("nyctaxi.trips").count()
    rows = query_rows(service, "SELECT count(*) AS n FROM nyctaxi.trips WHERE CAST(pickup_zip AS STRING) = ?",
                      ["1; DROP TABLE nyctaxi.trips; --"])
    assert rows == [{"n": 0}]
    assert spark.table("nyctaxi.trips").count() == before


def test_ndjson_and_csv_formats(service):
    sql = "SELECT 1 AS a, 'x,\"y\"' AS b UNION ALL SELECT 2, NULL ORDER BY a"
    ndjson = service.query(sql, headers={"Accept": "application/x-ndjson"})
    assert ndjson.status_code == 200
    assert ndjson.headers["Content-Type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in ndjson.text.splitlines()] == [
        {"a": 1, "b": "x,\"y\""}, {"a": 2, "b": None}]
    csv = requests.post(service.url + "?format=csv", json={"sql": sql}, timeout=60)
    assert csv.status_code == 200
    assert csv.text == "a,b\r\n1,\"x,\"\"y\"\"\"\r\n2,\r\n"


def error_of(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    error = body["error"]
    assert error["code"] == status and error["status_code"] == status
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_unknown_service_is_404(lakegate):
    error_of(requests.post(lakegate.url + "/api/v2/nope/_query", json={"sql": "SELECT 1"}), 404)


def test_bad_json_is_400(lakegate):
    error_of(requests.post(lakegate.url + "/api/v2/spark/_query", data="{not json"), 400)
    error_of(requests.post(lakegate.url + "/api/v2/spark/_query", json={"params": []}), 400)


def test_body_too_large_is_413(lakegate):
    big = {"sql": "SELECT ?", "params": ["x" * 70000]}
    error_of(requests.post(lakegate.url + "/api/v2/spark/_query", json=big), 413)


def test_spark_analysis_error_is_400_with_error_class(service):
    error = error_of(service.query("SELECT no_such_column FROM nyctaxi.trips"), 400)
    assert error["context"]["errorClass"].startswith("UNRESOLVED_COLUMN")
    assert error["context"]["sqlState"] == "42703"
    error = error_of(service.query("SELEC 1"), 400)
    assert error["context"]["errorClass"] == "PARSE_SYNTAX_ERROR"


def test_table_not_found_is_404(service):
    error = error_of(service.query("SELECT * FROM default.no_such_table"), 404)
    assert error["context"]["errorClass"] == "TABLE_OR_VIEW_NOT_FOUND"


@pytest.mark.parametrize("name", ["down", "down_thrift"])
def test_spark_unreachable_is_503(lakegate, name):
    response = requests.post(f"{lakegate.url}/api/v2/{name}/_query", json={"sql": "SELECT 1"}, timeout=60)
    error_of(response, 503)


@pytest.mark.parametrize("name,main", [("slow", "spark"), ("slow_thrift", "thrift_binary")])
def test_timeout_is_504_and_server_stays_healthy(lakegate, name, main):
    started = time.time()
    response = requests.post(f"{lakegate.url}/api/v2/{name}/_query",
                             json={"sql": "SELECT count(*) FROM range(0, 1000000000000)"}, timeout=60)
    error_of(response, 504)
    assert time.time() - started < 20
    assert query_rows(Service(lakegate, main), "SELECT 1 AS one") == [{"one": 1}]


def test_client_disconnect_mid_stream_keeps_server_healthy(lakegate, service):
    # The Spark Thrift Server collects a whole result in the driver before
    # the first fetch, so its disconnect test reads a smaller range.
    rows = 3_000_000 if service.thrift else 50_000_000
    with socket.create_connection(("127.0.0.1", lakegate.port)) as sock:
        body = json.dumps({"sql": f"SELECT * FROM range(0, {rows}, 1, 500)"}).encode()
        sock.sendall(f"POST /api/v2/{service.name}/_query HTTP/1.1\r\n".encode() +
                     b"Host: x\r\nContent-Type: application/json\r\n"
                     b"X-DreamFactory-API-Key: " + lakegate.api_key.encode() + b"\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    time.sleep(1)
    assert query_rows(service, "SELECT 2 AS two") == [{"two": 2}]


def test_service_list_and_health(lakegate):
    assert requests.get(lakegate.url + "/health").json()["status"] == "ok"
    names = [s["name"] for s in requests.get(lakegate.url + "/api/v2").json()["services"]]
    assert names == ["spark", "slow", "down", "connect_front", "thrift_http", "thrift_binary",
                     "warehouse", "slow_thrift", "down_thrift"]


def test_service_list_links_each_spec(lakegate):
    services = requests.get(lakegate.url + "/api/v2").json()["services"]
    assert all(s["spec_url"] == f"/api/v2/{s['name']}/_spec" for s in services)
