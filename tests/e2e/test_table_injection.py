"""End to end: nothing a client sends can change the structure of the SQL
lakegate runs. Quotes, backticks, comments, semicolons, unicode look-alikes
and SQL keywords go into filter values, field names, order clauses, ids,
params and table names; each answer must be either the correct match (checked
against pyspark) or a 400/404, and the data must be untouched afterwards.
LAKEGATE_BINARY may point at another build of lakegate."""
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
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default}}
"""

# Values that would break a naively concatenated statement.
NASTY = [
    "'", "''", "\"", "`", "\\", "\\'", "' OR '1'='1", "' OR 1=1 --", "1; DROP TABLE {t}", "x'; DELETE FROM {t}; --",
    "/* c */", "-- c", "`id`", "id` = 1 OR `id", "ʼ OR ʼ1ʼ=ʼ1",  # U+02BC modifier apostrophe
    "＇ OR ＇1＇=＇1",  # fullwidth apostrophe
    "%", "_", "a%b_c", "SELECT * FROM {t}", "UNION SELECT 1", "NULL", "TRUE", "\u0000", "😀", "\u202e",
]


@pytest.fixture(scope="module")
def lakegate(testbed_env):
    server = LakegateProcess(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def table(spark):
    """Rows whose names are the nasty strings themselves, so a match is checkable."""
    name = f"lg_inject_{uuid.uuid4().hex[:8]}"
    spark.sql(f"CREATE TABLE default.{name} (id INT, name STRING, `we``ird` STRING) USING delta")
    rows = [(i, value.replace("{t}", name)) for i, value in enumerate(NASTY, start=1)]
    spark.createDataFrame(rows, "id INT, name STRING").selectExpr("id", "name", "name AS `we``ird`") \
        .write.format("delta").mode("append").saveAsTable(f"default.{name}")
    yield name
    spark.sql(f"DROP TABLE IF EXISTS default.{name}")


def snapshot(spark, table):
    rows = spark.sql(f"SELECT * FROM default.{table} ORDER BY id").collect()
    version = spark.sql(f"DESCRIBE HISTORY default.{table} LIMIT 1").collect()[0].version
    return [tuple(r) for r in rows], version


@pytest.fixture
def untouched(spark, table):
    before = snapshot(spark, table)
    yield
    assert snapshot(spark, table) == before, "the data or the table version changed"
    # The sample tables too.
    assert spark.sql("SELECT count(*) FROM retail.customers").collect()[0][0] == 500


def get(lakegate, path, **params):
    return requests.get(f"{lakegate.url}/api/v2/spark/_table/{path}", params=params, timeout=120)


def rows_or_refused(response):
    assert response.status_code in (200, 400, 404), response.text
    return parse_exact(response.text)["resource"] if response.status_code == 200 else None


def dq(value):
    """A DreamFactory-quoted filter value: quotes inside doubled."""
    return "'" + value.replace("'", "''") + "'"


@pytest.mark.parametrize("index", range(len(NASTY)))
def test_filter_values_match_exactly(lakegate, spark, table, untouched, index):
    value = NASTY[index].replace("{t}", table)
    found = rows_or_refused(get(lakegate, table, filter=f"name = {dq(value)}", fields="id"))
    if found is not None and "\u0000" not in value:
        assert found == [{"id": index + 1}]
    by_param = rows_or_refused(get(lakegate, table, filter="name = :v", fields="id", **{"params[v]": value}))
    if by_param is not None:
        assert by_param == [{"id": index + 1}]
    contains = rows_or_refused(get(lakegate, table, filter=f"name CONTAINS {dq(value)}", fields="id"))
    if contains is not None and value:
        expected = sorted(i for i, v in enumerate(NASTY, start=1) if value in v.replace("{t}", table))
        assert sorted(r["id"] for r in contains) == expected


@pytest.mark.parametrize("index", range(len(NASTY)))
def test_field_names_order_and_group(lakegate, table, untouched, index):
    value = NASTY[index].replace("{t}", table)
    for params in ({"fields": value}, {"fields": f"id,{value}"}, {"order": value}, {"order": f"id {value}"},
                   {"group": value}, {"filter": f"{value} = 1"}, {"id_field": value, "ids": "1"}):
        response = get(lakegate, table, **params)
        if value == "`id`" and response.status_code == 200:
            # A back-quoted name of a real column is that column: a correct match.
            found = parse_exact(response.text)["resource"]
            assert found and set(found[0]) <= {"id", "name", "we`ird"}
            continue
        assert response.status_code == 400, (params, response.text)


def test_backticked_column_is_reachable_only_as_itself(lakegate, table, untouched):
    found = rows_or_refused(get(lakegate, table, fields="id,we`ird", order="`we``ird` desc", limit=2))
    assert found is not None and list(found[0]) == ["id", "we`ird"]


@pytest.mark.parametrize("index", range(len(NASTY)))
def test_ids_and_record_urls(lakegate, table, untouched, index):
    value = NASTY[index].replace("{t}", table)
    assert rows_or_refused(get(lakegate, table, ids=value)) in (None, [])
    by_url = requests.get(f"{lakegate.url}/api/v2/spark/_table/{table}/{requests.utils.quote(value, safe='')}",
                          timeout=60)
    assert by_url.status_code in (400, 404), by_url.text
    # Writes with a nasty id or filter: a 400/404 or a correct no-op; never a wider change.
    for method, kwargs in (("DELETE", {"params": {"ids": value}}),
                           ("DELETE", {"params": {"filter": f"name = {dq(value)} AND id < 0"}}),
                           ("PATCH", {"params": {"ids": value}, "json": {"name": "x"}})):
        response = requests.request(method, f"{lakegate.url}/api/v2/spark/_table/{table}", timeout=60, **kwargs)
        assert response.status_code in (200, 400, 404), response.text
        if response.status_code == 200:
            assert response.json()["meta"]["affected"] == 0


@pytest.mark.parametrize("index", range(len(NASTY)))
def test_table_names(lakegate, table, untouched, index):
    value = NASTY[index].replace("{t}", table)
    for name in (value, f"default.{value}", f"{table}{value}", f"default.{table}`; DROP TABLE x; --"):
        response = requests.get(f"{lakegate.url}/api/v2/spark/_table/{requests.utils.quote(name, safe='')}",
                                timeout=60)
        assert response.status_code in (400, 404), (name, response.text)


def test_semicolons_and_comments_in_filters_are_refused_or_literal(lakegate, table, untouched):
    for text in ("id = 1; DROP TABLE x", "id = 1 -- comment", "id = 1 /* c */", "id = 1) OR (1=1",
                 "id = (SELECT 1)", "id = 1 UNION SELECT 1", "name = 'a' OR name = 'b''", "id = `id`"):
        response = get(lakegate, table, filter=text)
        assert response.status_code == 400, (text, response.text)
