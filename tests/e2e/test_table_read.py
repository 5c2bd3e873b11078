"""End to end: GET /api/v2/{service}/_table… through lakegate against the real
Spark test bed, with pyspark as the oracle. Reads only sample tables; paging,
ETag and time-travel tests use a scratch Delta table created (and dropped) here.
LAKEGATE_BINARY may point at another build of lakegate."""
import decimal
import io
import json
import os
import threading
import time
import uuid

import pyarrow as pa
import pytest
import requests

import lakegate_process
from lakegate_process import LakegateProcess
from oracle import parse_exact, render_table, same_json

lakegate_process.BINARY = os.environ.get("LAKEGATE_BINARY", lakegate_process.BINARY)

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, max_records: 1000}}
  - name: tight
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: retail, max_records: 7}}
  - name: pinned
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default,
              version_ttl_ms: 600000}}
"""
# A write outside lakegate (pyspark here) shows in reads within the service's
# version_ttl_ms (default 1 s): how long the looked-up current version pins them.
VERSION_TTL_S = 1.0


@pytest.fixture(scope="module")
def lakegate(testbed_env):
    server = LakegateProcess(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scratch(spark):
    """A Delta table of 30 rows (ids 1..30) at version 1, dropped afterwards."""
    name = f"default.lg_read_{uuid.uuid4().hex[:8]}"
    spark.sql(f"CREATE TABLE {name} (id INT, label STRING) USING delta")
    spark.sql(f"INSERT INTO {name} SELECT CAST(id AS INT), concat('row ', id) FROM range(1, 31)")
    yield name
    spark.sql(f"DROP TABLE IF EXISTS {name}")


def get(lakegate, path, service="spark", headers=None, **params):
    return requests.get(f"{lakegate.url}/api/v2/{service}/_table/{path}", params=params,
                        headers=headers or {}, timeout=120)


def body(response):
    assert response.status_code == 200, response.text
    return parse_exact(response.text)


def rows(lakegate, path, **params):
    return body(get(lakegate, path, **params))["resource"]


def oracle(spark, sql):
    return render_table(spark.sql(sql).toArrow())


def within_version_ttl(read, accept):
    """read() until accept(result) holds; it must within the version TTL (plus slack
    for a loaded machine), never later."""
    deadline = time.monotonic() + VERSION_TTL_S + 4.0
    while True:
        result = read()
        if accept(result) or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def test_list_tables_of_the_default_schema(lakegate, spark):
    listed = body(get(lakegate, ""))["resource"]
    names = {t["name"] for t in listed}
    expected = {r.tableName for r in spark.sql("SHOW TABLES IN spark_catalog.default").collect()
                if not r.isTemporary}
    # Scratch tables of tests running in parallel may come and go.
    assert {n for n in expected if not n.startswith("lg_")} == {n for n in names if not n.startswith("lg_")}
    assert {"all_types", "intervals"} <= names
    assert {t["name"]: t["type"] for t in listed}["intervals"] == "view"
    as_list = body(get(lakegate, "", as_list="true"))["resource"]
    assert set(as_list) == names


def test_unknown_table_is_404(lakegate):
    response = get(lakegate, "no_such_table_here")
    assert response.status_code == 404
    assert "no_such_table_here" in response.json()["error"]["message"]


def test_one_two_and_three_part_names(lakegate, spark):
    expected = oracle(spark, "SELECT * FROM retail.customers ORDER BY id LIMIT 3")
    for name in ("retail.customers", "spark_catalog.retail.customers"):
        same_json(expected, rows(lakegate, name, order="id", limit=3))
    same_json(expected, body(get(lakegate, "customers", service="tight", order="id", limit=3))["resource"])


FILTERS = [
    ("country = 'DE'", "country = 'DE'"),
    ("country EQ 'DE'", "country = 'DE'"),
    ("country != 'DE'", "country != 'DE'"),
    ("country <> 'DE'", "country != 'DE'"),
    ("country NE 'DE'", "country != 'DE'"),
    ("id > 490", "id > 490"),
    ("id GT 490", "id > 490"),
    ("id >= 490", "id >= 490"),
    ("id GTE 490", "id >= 490"),
    ("id < 5", "id < 5"),
    ("id LT 5", "id < 5"),
    ("id <= 5", "id <= 5"),
    ("id LTE 5", "id <= 5"),
    ("id IN (1, 2, 3)", "id IN (1, 2, 3)"),
    ("id NOT IN (1, 2, 3) AND id < 10", "id NOT IN (1, 2, 3) AND id < 10"),
    ("name LIKE 'Ana%'", "name LIKE 'Ana%'"),
    ("name NOT LIKE 'Ana%' AND id < 20", "name NOT LIKE 'Ana%' AND id < 20"),
    ("name CONTAINS 'Brien'", "name LIKE '%Brien%'"),
    ("name STARTS WITH 'Zo'", "name LIKE 'Zo%'"),
    ("name ENDS WITH 'Lee'", "name LIKE '%Lee'"),
    ("phone IS NULL", "phone IS NULL"),
    ("phone IS NOT NULL AND id < 30", "phone IS NOT NULL AND id < 30"),
    ("(country = 'DE') OR (country = 'FR')", "country = 'DE' OR country = 'FR'"),
    ("country = 'DE' && loyalty_tier = 'gold'", "country = 'DE' AND loyalty_tier = 'gold'"),
    ("country = 'JP' || country = 'PL'", "country = 'JP' OR country = 'PL'"),
    ("NOT (country = 'US') AND id < 50", "NOT (country = 'US') AND id < 50"),
    ("id BETWEEN 10 AND 20", "id BETWEEN 10 AND 20"),
    ("signup_date >= '2023-01-01'", "signup_date >= DATE'2023-01-01'"),
    ("name = 'O''Brien Lee'", "name = 'O\\'Brien Lee'"),
]


@pytest.mark.parametrize("df_filter,spark_where", FILTERS)
def test_filter_operators_match_pyspark(lakegate, spark, df_filter, spark_where):
    expected = oracle(spark, f"SELECT * FROM retail.customers WHERE {spark_where} ORDER BY id")
    actual = rows(lakegate, "retail.customers", filter=df_filter, order="id")
    same_json(expected, actual)


def test_filter_params_from_query_and_tunnelled_body(lakegate, spark):
    expected = oracle(spark, "SELECT * FROM retail.customers WHERE country = 'DE' AND id < 100 ORDER BY id")
    same_json(expected, rows(lakegate, "retail.customers", filter="country = :c AND id < :n",
                             order="id", **{"params[c]": "DE", "params[:n]": "100"}))
    response = requests.post(f"{lakegate.url}/api/v2/spark/_table/retail.customers",
                             headers={"X-HTTP-Method": "GET"}, timeout=60,
                             json={"filter": "country = :c AND id < :n", "params": {":c": "DE", ":n": 100},
                                   "order": "id"})
    same_json(expected, body(response)["resource"])


def test_fields_order_limit_offset(lakegate, spark):
    expected = oracle(spark, "SELECT id, name, phone FROM retail.customers "
                             "ORDER BY phone DESC NULLS LAST, id LIMIT 15 OFFSET 5")
    actual = rows(lakegate, "retail.customers", fields="id,name,phone",
                  order="phone desc nulls last, id", limit=15, offset=5)
    same_json(expected, actual)
    alias = rows(lakegate, "retail.customers", select="id,name,phone",
                 sort="phone DESC NULLS LAST,id ASC", top=15, skip=5)
    same_json(expected, alias)
    same_json(expected, rows(lakegate, "retail.customers", select="id,name,phone",
                             order_by="phone desc nulls last, id", limit=15, offset=5))


def test_group(lakegate, spark):
    expected = oracle(spark, "SELECT country FROM retail.customers GROUP BY country ORDER BY country")
    same_json(expected, rows(lakegate, "retail.customers", fields="country", group="country", order="country"))
    same_json(expected, rows(lakegate, "retail.customers", fields="country", group_by="country",
                             order="country"))


def test_ids_include_count_count_only_as_list(lakegate, spark):
    expected = oracle(spark, "SELECT * FROM retail.customers WHERE id IN (3, 1, 7) ORDER BY id")
    same_json(expected, rows(lakegate, "retail.customers", ids="3,1,7", order="id"))
    total = spark.sql("SELECT count(*) FROM retail.customers WHERE country = 'DE'").collect()[0][0]
    page = body(get(lakegate, "retail.customers", filter="country = 'DE'", include_count="true", limit=2))
    assert page["meta"]["count"] == total
    assert len(page["resource"]) == 2
    plain = body(get(lakegate, "retail.customers", limit=2))
    assert "count" not in plain["meta"]  # no hidden COUNT
    response = get(lakegate, "retail.customers", filter="country = 'DE'", count_only="true")
    assert response.status_code == 200 and response.text.strip() == str(total)
    listed = body(get(lakegate, "retail.customers", as_list="true", order="id", limit=4))
    assert listed["resource"] == [1, 2, 3, 4]
    assert listed["meta"]["next"] == 4


def test_get_by_id(lakegate, spark):
    expected = oracle(spark, "SELECT * FROM retail.customers WHERE id = 42")[0]
    same_json(expected, body(get(lakegate, "retail.customers/42")))
    missing = get(lakegate, "retail.customers/987654")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Record with identifier '987654' not found."


def test_limit_is_capped_by_max_records_and_next_is_set(lakegate, spark):
    for limit in (None, 0, -3, 100):
        params = {"order": "id"} if limit is None else {"order": "id", "limit": limit}
        page = body(get(lakegate, "customers", service="tight", **params))
        assert len(page["resource"]) == 7
        assert page["meta"]["next"] == 7
    last = body(get(lakegate, "customers", service="tight", order="id", offset=495))
    assert len(last["resource"]) == 5
    assert "next" not in last["meta"]
    assert "next_cursor" not in last["meta"]


def test_include_schema(lakegate, spark):
    meta = body(get(lakegate, "retail.customers", limit=1, include_schema="true"))["meta"]
    names = [f["name"] for f in meta["schema"]["field"]]
    assert names == [f.name for f in spark.table("retail.customers").schema.fields]


def test_cursor_pages_read_one_snapshot_while_writers_commit(lakegate, spark, scratch):
    first = body(get(lakegate, scratch, order="id", limit=10))
    version = first["meta"]["version"]
    assert [r["id"] for r in first["resource"]] == list(range(1, 11))
    cursor = first["meta"]["next_cursor"]
    spark.sql(f"INSERT INTO {scratch} VALUES (-1, 'new'), (-2, 'new'), (-3, 'new')")
    second = body(get(lakegate, scratch, order="id", limit=10, cursor=cursor))
    assert [r["id"] for r in second["resource"]] == list(range(11, 21))
    assert second["meta"]["version"] == version
    third = body(get(lakegate, scratch, order="id", limit=10, cursor=second["meta"]["next_cursor"]))
    assert [r["id"] for r in third["resource"]] == list(range(21, 31))
    assert "next_cursor" not in third["meta"]
    # Without the cursor the newest version shows the new rows (within the version TTL).
    moved = within_version_ttl(lambda: body(get(lakegate, scratch, order="id", limit=10, offset=10)),
                               lambda page: page["meta"]["version"] > version)
    assert moved["meta"]["version"] > version
    assert [r["id"] for r in moved["resource"]] == list(range(8, 18))
    # A cursor is bound to its query and cannot be forged.
    assert get(lakegate, scratch, order="id desc", limit=10, cursor=cursor).status_code == 400
    assert get(lakegate, scratch, order="id", limit=10, cursor=cursor[:-2] + "AA").status_code == 400
    spark.sql(f"DELETE FROM {scratch} WHERE id < 0")


def test_the_current_version_is_kept_for_version_ttl_and_dropped_by_this_nodes_writes(
        lakegate, spark, scratch):
    """Service "pinned" keeps a looked-up version for 10 minutes: a write outside
    lakegate stays unseen (the read is pinned, no DESCRIBE HISTORY per request), while
    a write through lakegate — a _table POST or _query SQL — shows at once."""
    def page():
        return get(lakegate, scratch, service="pinned", order="id", limit=1000)

    first = page()
    version = body(first)["meta"]["version"]
    count = len(body(first)["resource"])
    spark.sql(f"INSERT INTO {scratch} VALUES (2000, 'outside')")
    time.sleep(VERSION_TTL_S + 0.5)  # past the default TTL, far within this service's
    pinned = page()
    assert body(pinned)["meta"]["version"] == version
    assert len(body(pinned)["resource"]) == count  # rows of the pinned version: exact
    assert pinned.headers["ETag"] == first.headers["ETag"]
    assert 2000 not in [r["id"] for r in body(pinned)["resource"]]

    posted = requests.post(f"{lakegate.url}/api/v2/pinned/_table/{scratch}",
                           json={"resource": [{"id": 2001, "label": "through lakegate"}]},
                           timeout=120)
    assert posted.status_code == 200, posted.text
    after_post = body(page())
    assert after_post["meta"]["version"] >= version + 2  # the outside write and ours
    ids = [r["id"] for r in after_post["resource"]]
    assert 2000 in ids and 2001 in ids

    queried = requests.post(f"{lakegate.url}/api/v2/pinned/_query",
                            json={"sql": f"INSERT INTO {scratch} VALUES (2002, 'by sql')"},
                            timeout=120)
    assert queried.status_code == 200, queried.text
    after_sql = body(page())
    assert after_sql["meta"]["version"] == after_post["meta"]["version"] + 1
    assert 2002 in [r["id"] for r in after_sql["resource"]]
    spark.sql(f"DELETE FROM {scratch} WHERE id >= 2000")


def test_etag_and_if_none_match(lakegate, spark, scratch):
    response = get(lakegate, scratch, order="id", limit=5)
    etag = response.headers["ETag"]
    again = get(lakegate, scratch, order="id", limit=5, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other_query = get(lakegate, scratch, order="id", limit=6, headers={"If-None-Match": etag})
    assert other_query.status_code == 200
    spark.sql(f"INSERT INTO {scratch} VALUES (1000, 'etag')")
    after_write = within_version_ttl(
        lambda: get(lakegate, scratch, order="id", limit=5, headers={"If-None-Match": etag}),
        lambda response: response.status_code != 304)
    assert after_write.status_code == 200 and after_write.headers["ETag"] != etag
    spark.sql(f"DELETE FROM {scratch} WHERE id = 1000")


def test_time_travel_and_history(lakegate, spark, scratch):
    history = body(get(lakegate, scratch, history="true"))["resource"]
    expected = spark.sql(f"DESCRIBE HISTORY {scratch}").collect()
    assert [h["version"] for h in history] == [r.version for r in expected]
    assert history[-1]["operation"] == "CREATE TABLE"
    same_json(oracle(spark, f"SELECT * FROM {scratch} VERSION AS OF 0 ORDER BY id"),
              rows(lakegate, scratch, as_of_version=0, order="id"))
    same_json(oracle(spark, f"SELECT * FROM {scratch} VERSION AS OF 1 ORDER BY id"),
              rows(lakegate, scratch, as_of_version=1, order="id", limit=100))
    page = body(get(lakegate, scratch, as_of_version=1, limit=1))
    assert page["meta"]["version"] == 1
    stamp = spark.sql(f"DESCRIBE HISTORY {scratch}").collect()[-2].timestamp  # version 1
    same_json(oracle(spark, f"SELECT * FROM {scratch} TIMESTAMP AS OF '{stamp}' ORDER BY id"),
              rows(lakegate, scratch, as_of_timestamp=str(stamp), order="id", limit=100))
    assert get(lakegate, "retail.customers", as_of_version="x").status_code == 400
    assert get(lakegate, "intervals", history="true").status_code == 400  # a view


def test_formats(lakegate, spark):
    expected = oracle(spark, "SELECT * FROM default.all_types ORDER BY id")
    json_rows = rows(lakegate, "all_types", order="id")
    same_json(expected, json_rows)
    ndjson = get(lakegate, "all_types", order="id", format="ndjson")
    assert ndjson.headers["Content-Type"].startswith("application/x-ndjson")
    same_json(expected, [parse_exact(line) for line in ndjson.text.splitlines()])
    csv = get(lakegate, "all_types", order="id", fields="id,c_string", headers={"Accept": "text/csv"})
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "id,c_string"
    for how in ({"format": "arrow"}, {"headers": {"Accept": "application/vnd.apache.arrow.stream"}}):
        response = get(lakegate, "all_types", order="id", **how)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/vnd.apache.arrow.stream"
        table = pa.ipc.open_stream(io.BytesIO(response.content)).read_all()
        # Both sides rendered by the oracle from Arrow: equal values, types and names.
        assert table.schema.names == [f.name for f in spark.table("default.all_types").schema.fields]
        assert render_table(table) == expected
    limited = get(lakegate, "customers", service="tight", order="id", format="arrow")
    assert pa.ipc.open_stream(io.BytesIO(limited.content)).read_all().num_rows == 7


def test_file_downloads(lakegate, spark):
    for name, kind in (("c.csv", "text/csv"), ("c.json", "application/json"),
                       ("c.ndjson", "application/x-ndjson"), ("c.arrow", "application/vnd.apache.arrow.stream")):
        response = get(lakegate, "retail.customers", file=name, limit=3, order="id")
        assert response.status_code == 200, response.text
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response.headers["Content-Type"].startswith(kind)
    for bad in ("c.exe", "../x.csv", 'a"b.csv', "x"):
        assert get(lakegate, "retail.customers", file=bad).status_code == 400


def test_head_runs_nothing_and_has_headers(lakegate):
    response = requests.head(f"{lakegate.url}/api/v2/spark/_table/retail.customers?limit=3", timeout=60)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"lg-')
    assert response.content == b""


@pytest.mark.parametrize("params,fragment", [
    ({"limit": "ten"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"order": "id; drop"}, ";"),
    ({"order": "nope"}, "nope"),
    ({"order": "id sideways"}, "sideways"),
    ({"fields": "nope"}, "nope"),
    ({"filter": "nope = 1"}, "nope"),
    ({"filter": "id = "}, ""),
    ({"include_count": "maybe"}, "include_count"),
    ({"group": "nope"}, "nope"),
    ({"format": "xml"}, "xml"),
    ({"as_of_version": "1", "as_of_timestamp": "2024-01-01"}, "not both"),
])
def test_bad_parameters_are_400(lakegate, params, fragment):
    response = get(lakegate, "retail.customers", **params)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["error"]["message"]


def test_paging_stays_consistent_under_concurrent_inserts(lakegate, spark, scratch):
    """Many pages by cursor while another client inserts rows in front."""
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set() and n < 5:
            n += 1
            spark.sql(f"INSERT INTO {scratch} VALUES ({-100 - n}, 'w')")

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen, cursor = [], None
        while True:
            params = {"order": "id", "limit": 4, "filter": "id > 0 AND id <= 30"}
            if cursor:
                params["cursor"] = cursor
            page = body(get(lakegate, scratch, **params))
            seen += [r["id"] for r in page["resource"]]
            cursor = page["meta"].get("next_cursor")
            if not cursor:
                break
        assert seen == list(range(1, 31))
    finally:
        stop.set()
        thread.join()
        spark.sql(f"DELETE FROM {scratch} WHERE id < 0")


def test_variant_is_rendered_as_the_json_it_holds(lakegate, spark):
    """default.variants (Spark 4 VARIANT from parse_json): every row equals pyspark's
    to_json of it, value for value (decimals and doubles compared exactly)."""
    expected = {r.id: None if r.j is None else parse_exact(r.j)
                for r in spark.sql("SELECT id, to_json(v) AS j FROM default.variants").collect()}
    got = {r["id"]: r["v"] for r in rows(lakegate, "variants", order="id")}
    assert got == expected
    assert got[1] == {"a": 1, "b": [True, None, "x"], "c": {"d": decimal.Decimal("1.5")}}
    assert got[5] == 12345678901234567890  # beyond int64: every digit
    # _query renders it alike, and a CSV cell holds the JSON text.
    queried = requests.post(f"{lakegate.url}/api/v2/spark/_query",
                            json={"sql": "SELECT id, v FROM default.variants WHERE id = 3"}, timeout=120)
    assert queried.status_code == 200, queried.text
    assert parse_exact(queried.text)["resource"] == [{"id": 3, "v": [1, 2, 3]}]
    csv_text = get(lakegate, "variants", filter="id = 4", headers={"Accept": "text/csv"}).text
    assert csv_text.splitlines()[1] == '4,"""just a string 😀"""'
