"""End to end: _catalog and _schema through lakegate against the real Spark
test bed, with pyspark as the oracle; DDL through _query invalidates the
metadata cache at once."""
import time
import uuid

import pytest
import requests

from lakegate_process import LakegateProcess

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120}}
  - name: taxi
    type: spark
    config: {{workspace_url: "{connect}", schema: nyctaxi}}
  - name: lakesvc
    type: spark
    config: {{workspace_url: "{connect}", catalog: lake, schema: sales}}
"""


@pytest.fixture(scope="module")
def lakegate(testbed_env):
    server = LakegateProcess(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    server.start()
    yield server
    server.stop()


def get(lakegate, path, service="spark", expect=200, **kwargs):
    response = requests.get(f"{lakegate.url}/api/v2/{service}/{path}", timeout=120, **kwargs)
    assert response.status_code == expect, response.text
    return response.json()


def spark_tables(spark, catalog, schema):
    rows = spark.sql(f"SHOW TABLES IN `{catalog}`.`{schema}`").collect()
    return sorted(r.tableName for r in rows if not r.isTemporary)


def assert_same_tables(ours, theirs, attempts=4):
    """ours() and theirs() list the same tables; retried because other test
    suites create and drop scratch tables in `default` concurrently."""
    for attempt in range(attempts):
        mine, expected = ours(), theirs()
        if mine == expected or attempt == attempts - 1:
            break
        time.sleep(0.5)
    assert mine == expected


def assert_error(body, status):
    assert set(body) == {"error"}
    assert body["error"]["code"] == status
    assert body["error"]["status_code"] == status
    assert body["error"]["message"]


# --- _catalog ---------------------------------------------------------------

def test_catalogs_include_unused_configured_catalog(lakegate):
    body = get(lakegate, "_catalog")
    assert set(body) == {"resource"}
    names = [entry["catalog"] for entry in body["resource"]]
    assert all(set(entry) == {"catalog"} for entry in body["resource"])
    # `lake` is only configured (spark.sql.catalog.lake): SHOW CATALOGS alone
    # lists it only after a session has used it.
    assert "spark_catalog" in names and "lake" in names
    assert len(names) == len(set(names))


def test_schemas_match_spark(lakegate, spark):
    body = get(lakegate, "_catalog/spark_catalog")
    expected = sorted(r[0] for r in spark.sql("SHOW SCHEMAS IN spark_catalog").collect())
    assert [entry["schema"] for entry in body["resource"]] == expected
    assert {"default", "nyctaxi", "retail"} <= set(expected)
    assert all(entry["catalog"] == "spark_catalog" for entry in body["resource"])
    lake = get(lakegate, "_catalog/lake")
    assert [entry["schema"] for entry in lake["resource"]] == ["sales"]


def test_tables_of_delta_schema(lakegate, spark):
    body = get(lakegate, "_catalog/spark_catalog/retail")
    assert [t["table"] for t in body["resource"]] == spark_tables(spark, "spark_catalog", "retail")
    for table in body["resource"]:
        assert table == {"table": table["table"], "type": "table", "database": "retail",
                         "catalog": "spark_catalog", "is_delta": True}


def test_view_is_type_view(lakegate, spark):
    assert_same_tables(
        lambda: [t["table"] for t in get(lakegate, "_catalog/spark_catalog/default?refresh=true")["resource"]],
        lambda: spark_tables(spark, "spark_catalog", "default"))
    body = get(lakegate, "_catalog/spark_catalog/default")
    by_name = {t["table"]: t for t in body["resource"]}
    assert by_name["intervals"]["type"] == "view"
    assert by_name["intervals"]["is_delta"] is False
    assert by_name["all_types"] == {"table": "all_types", "type": "table", "database": "default",
                                    "catalog": "spark_catalog", "is_delta": True}


def test_iceberg_tables_are_not_delta(lakegate, spark):
    body = get(lakegate, "_catalog/lake/sales")
    assert [t["table"] for t in body["resource"]] == spark_tables(spark, "lake", "sales")
    assert all(t["is_delta"] is False and t["type"] == "table" for t in body["resource"])


def test_unknown_catalog_and_schema_are_404(lakegate):
    assert_error(get(lakegate, "_catalog/nosuch_catalog", expect=404), 404)
    body = get(lakegate, "_catalog/spark_catalog/nosuch_schema", expect=404)
    assert_error(body, 404)
    assert "spark_catalog.nosuch_schema" in body["error"]["message"]
    # A schema name is not a catalog: no fallback to the current catalog.
    assert_error(get(lakegate, "_catalog/nyctaxi", expect=404), 404)
    assert_error(get(lakegate, "_catalog/lake/nosuch", expect=404), 404)
    assert_error(get(lakegate, "_catalog/a/b/c", expect=404), 404)


def test_only_get_and_head(lakegate):
    for verb in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("_catalog", "_catalog/spark_catalog", "_schema", "_schema/all_types"):
            response = requests.request(verb, f"{lakegate.url}/api/v2/spark/{path}", timeout=30)
            assert response.status_code == 405, (verb, path, response.text)
            assert "GET" in response.headers["Allow"]
            assert_error(response.json(), 405)
    head = requests.head(f"{lakegate.url}/api/v2/spark/_catalog/spark_catalog", timeout=30)
    assert head.status_code == 200 and head.content == b""


# --- _schema ----------------------------------------------------------------

def test_schema_lists_default_schema(lakegate, spark):
    assert_same_tables(
        lambda: [t["name"] for t in get(lakegate, "_schema?refresh=true")["resource"]],
        lambda: spark_tables(spark, "spark_catalog", "default"))
    body = get(lakegate, "_schema")
    assert {"name": "all_types", "label": "All Types", "type": "table"} in body["resource"]
    taxi = get(lakegate, "_schema", service="taxi")
    assert [t["name"] for t in taxi["resource"]] == spark_tables(spark, "spark_catalog", "nyctaxi")


def test_schema_columns_match_pyspark(lakegate, spark):
    for name, table in [("all_types", "spark_catalog.default.all_types"),
                        ("nyctaxi.trips", "spark_catalog.nyctaxi.trips"),
                        ("retail.orders", "spark_catalog.retail.orders"),
                        ("intervals", "spark_catalog.default.intervals"),
                        ("lake.sales.targets", "lake.sales.targets")]:
        body = get(lakegate, f"_schema/{name}")
        fields = spark.table(table).schema.fields
        assert [f["name"] for f in body["field"]] == [f.name for f in fields], name
        for ours, theirs in zip(body["field"], fields):
            assert ours["db_type"] == theirs.dataType.simpleString(), (name, ours["name"])
            assert ours["allow_null"] == theirs.nullable, (name, ours["name"])
        assert body["name"] == name


def test_schema_description_shape(lakegate):
    body = get(lakegate, "_schema/nyctaxi.trips")
    for key in ("name", "label", "plural", "description", "native", "is_view", "primary_key",
                "name_field", "field", "related", "partition_columns", "provider", "is_delta",
                "properties", "catalog", "schema", "table"):
        assert key in body, key
    assert body["label"] == "Trips"
    assert (body["catalog"], body["schema"], body["table"]) == ("spark_catalog", "nyctaxi", "trips")
    assert body["is_delta"] is True and body["provider"] == "delta" and body["is_view"] is False
    assert body["native"]["Type"] == "MANAGED"
    assert "delta.minReaderVersion" in body["properties"]
    assert body["primary_key"] == []  # no property, no `id` column
    fare = next(f for f in body["field"] if f["name"] == "fare_amount")
    assert (fare["type"], fare["db_type"], fare["precision"], fare["scale"]) == \
        ("decimal", "decimal(10,2)", 10, 2)
    pickup = next(f for f in body["field"] if f["name"] == "tpep_pickup_datetime")
    assert pickup["type"] == "timestamptz"
    orders = get(lakegate, "_schema/retail.orders")
    assert orders["primary_key"] == ["id"]
    assert next(f for f in orders["field"] if f["name"] == "id")["is_primary_key"] is True


def test_schema_of_view_and_iceberg(lakegate):
    view = get(lakegate, "_schema/intervals")
    assert view["is_view"] is True and view["is_delta"] is False
    assert [f["type"] for f in view["field"]][1:] == ["string"] * 4  # intervals
    iceberg = get(lakegate, "_schema/lake.sales.targets")
    assert iceberg["provider"] == "iceberg" and iceberg["is_delta"] is False
    same = get(lakegate, "_schema/targets", service="lakesvc")
    assert same["field"] == iceberg["field"] and same["name"] == "targets"


def test_schema_names_quoted_and_resolved(lakegate):
    quoted = get(lakegate, "_schema/`spark_catalog`.`nyctaxi`.`trips`")
    assert quoted["table"] == "trips"
    via_default = get(lakegate, "_schema/trips", service="taxi")
    assert via_default["name"] == "trips" and via_default["schema"] == "nyctaxi"
    for bad in ("a.b.c.d", "a..b", "`unterminated"):
        assert_error(get(lakegate, f"_schema/{bad}", expect=400), 400)


def test_schema_unknown_table_is_404(lakegate):
    body = get(lakegate, "_schema/no_such_table", expect=404)
    assert_error(body, 404)
    assert body["error"]["message"] == \
        'Table "spark_catalog.default.no_such_table" does not exist in the database.'
    assert_error(get(lakegate, "_schema/nosuch_schema.t", expect=404), 404)


def test_schema_fields(lakegate):
    body = get(lakegate, "_schema/nyctaxi.trips/_field")
    assert [f["name"] for f in body["resource"]][:2] == \
        ["tpep_pickup_datetime", "tpep_dropoff_datetime"]
    one = get(lakegate, "_schema/nyctaxi.trips/_field/FARE_AMOUNT")
    assert one["name"] == "fare_amount"
    assert_error(get(lakegate, "_schema/nyctaxi.trips/_field/nope", expect=404), 404)
    assert_error(get(lakegate, "_schema/nyctaxi.trips/_related", expect=404), 404)


def test_refresh_parameter(lakegate):
    assert get(lakegate, "_catalog?refresh=true")["resource"]
    assert get(lakegate, "_schema/all_types?refresh=true")["name"] == "all_types"


# --- DDL through _query invalidates the cache --------------------------------

def run_sql(lakegate, sql, service="spark"):
    response = requests.post(f"{lakegate.url}/api/v2/{service}/_query", json={"sql": sql},
                             timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def test_ddl_through_query_is_seen_at_once(lakegate, spark):
    name = f"lakegate_catalog_check_{uuid.uuid4().hex[:10]}"
    listing = "_catalog/spark_catalog/default"
    assert name not in [t["table"] for t in get(lakegate, listing)["resource"]]  # now cached
    assert_error(get(lakegate, f"_schema/{name}", expect=404), 404)
    try:
        run_sql(lakegate, f"""
            /* scratch table of tests/e2e/test_catalog.py */
            CREATE TABLE default.{name} (
              id BIGINT NOT NULL COMMENT 'the id', name STRING, p DATE)
            USING delta PARTITIONED BY (p) COMMENT 'scratch'
            TBLPROPERTIES ('lakegate.id_field' = 'name', 'x.y' = 'a,b=c')""")
        tables = {t["table"]: t for t in get(lakegate, listing)["resource"]}
        assert tables[name]["is_delta"] is True and tables[name]["type"] == "table"
        assert name in [t["name"] for t in get(lakegate, "_schema")["resource"]]

        body = get(lakegate, f"_schema/{name}")
        assert body["description"] == "scratch"
        assert body["partition_columns"] == ["p"]
        assert body["primary_key"] == ["name"]
        assert body["properties"]["x.y"] == "a,b=c"  # exact, from SHOW TBLPROPERTIES
        by_name = {f["name"]: f for f in body["field"]}
        assert by_name["id"]["allow_null"] is False and by_name["id"]["description"] == "the id"
        assert by_name["name"]["allow_null"] is True and by_name["name"]["is_primary_key"] is True
        assert by_name["p"]["is_partition"] is True
        assert [f.nullable for f in spark.table(f"default.{name}").schema.fields] == \
            [by_name[f]["allow_null"] for f in ("id", "name", "p")]

        run_sql(lakegate, f"-- add a column\nALTER TABLE default.{name} ADD COLUMN extra DOUBLE")
        assert [f["name"] for f in get(lakegate, f"_schema/{name}")["field"]] == \
            ["id", "name", "p", "extra"]
    finally:
        run_sql(lakegate, f"DROP TABLE IF EXISTS default.{name}")
    assert name not in [t["table"] for t in get(lakegate, listing)["resource"]]
    assert_error(get(lakegate, f"_schema/{name}", expect=404), 404)
