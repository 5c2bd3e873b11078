"""The test bed itself: endpoints, and the deterministic sample lakehouse
(testbed/load_sample_data.py) that every end-to-end test relies on.

Checksums are pinned: a change to the generator that changes data must update
them here (and tests that depend on the data).
"""
import math
import socket
from decimal import Decimal
from datetime import date, datetime

import pytest

DEFAULT_TRIPS_ROWS = 100_000

# sum(hash(*)) over each table, computed once from the generator and pinned.
TRIPS_CHECKSUM = 258119775644          # nyctaxi.trips at 100 000 rows
TRIPS_1M_CHECKSUM = 2046941449037      # nyctaxi.trips_1m
RETAIL_CHECKSUMS = {
    "customers": -35253581347,
    "products": -5840618468,
    "orders": 23410191758,
    "order_items": -76800133677,
}
# all_types holds maps, which hash() refuses: checksum over to_json(struct(*)).
ALL_TYPES_CHECKSUM = 1990451559


def one(spark, sql):
    return spark.sql(sql).collect()[0]


def checksum(spark, table):
    return one(spark, f"SELECT sum(CAST(hash(*) AS BIGINT)) AS c FROM {table}").c


# --- endpoints ---------------------------------------------------------------

def test_env_has_endpoints(testbed_env):
    assert testbed_env["LAKEGATE_SPARK_CONNECT"].startswith("sc://127.0.0.1:")
    assert testbed_env["LAKEGATE_THRIFT_BINARY"].startswith("thrift://127.0.0.1:")
    assert set(testbed_env["LAKEGATE_TESTBED_CATALOGS"].split()) >= {"spark_catalog", "lake"}


def test_thrift_binary_port_accepts_tcp(testbed_env):
    hostport = testbed_env["LAKEGATE_THRIFT_BINARY"].split("://", 1)[1]
    host, port = hostport.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5):
        pass


def test_session_is_utc(spark):
    assert one(spark, "SELECT current_timezone() AS tz").tz == "UTC"


# --- catalogs ----------------------------------------------------------------

def test_catalogs(spark):
    spark.sql("SHOW NAMESPACES IN lake").collect()  # a catalog is listed once used
    names = {r.catalog for r in spark.sql("SHOW CATALOGS").collect()}
    assert {"spark_catalog", "lake"} <= names


def test_spark_catalog_schemas(spark):
    names = {r.namespace for r in spark.sql("SHOW NAMESPACES IN spark_catalog").collect()}
    assert {"default", "nyctaxi", "retail"} <= names


def test_second_catalog_lists_schema_and_tables(spark):
    assert "sales" in {r.namespace for r in spark.sql("SHOW NAMESPACES IN lake").collect()}
    tables = {r.tableName for r in spark.sql("SHOW TABLES IN lake.sales").collect()}
    assert {"regions", "targets"} <= tables
    assert one(spark, "SELECT count(*) AS n FROM lake.sales.regions").n == 5
    assert one(spark, "SELECT count(*) AS n FROM lake.sales.targets").n == 20
    # a cross-catalog three-part-name join
    n = one(spark, """SELECT count(*) AS n FROM lake.sales.regions r
                      JOIN spark_catalog.retail.customers c ON c.country = r.country""").n
    assert n > 0
    assert one(spark, "SELECT manager FROM lake.sales.regions WHERE id = 3").manager == "山田 太郎"


# --- nyctaxi -----------------------------------------------------------------

def test_trips_schema(spark):
    fields = [(f.name, f.dataType.simpleString()) for f in spark.table("nyctaxi.trips").schema.fields]
    assert fields == [
        ("tpep_pickup_datetime", "timestamp"),
        ("tpep_dropoff_datetime", "timestamp"),
        ("trip_distance", "double"),
        ("fare_amount", "decimal(10,2)"),
        ("pickup_zip", "int"),
        ("dropoff_zip", "int"),
        ("passenger_count", "int"),
    ]
    fmt = one(spark, "DESCRIBE DETAIL nyctaxi.trips").format
    assert fmt == "delta"


def test_trips_contents(spark):
    r = one(spark, """SELECT count(*) AS n, min(tpep_pickup_datetime) AS lo, max(tpep_pickup_datetime) AS hi,
                             count(passenger_count) AS pc, min(passenger_count) AS pmin,
                             max(passenger_count) AS pmax, min(tpep_dropoff_datetime - tpep_pickup_datetime) > INTERVAL '0' SECOND AS pos
                      FROM nyctaxi.trips""")
    assert r.lo >= datetime(2016, 1, 1) and r.hi < datetime(2016, 3, 1)
    assert 0 < r.n - r.pc < r.n * 0.05, "some, but few, passenger_count nulls"
    assert (r.pmin, r.pmax) == (1, 6)
    assert r.pos
    # skewed: single-passenger trips dominate
    counts = {row.passenger_count: row.n for row in spark.sql(
        "SELECT passenger_count, count(*) AS n FROM nyctaxi.trips GROUP BY 1").collect()}
    assert counts[1] > sum(v for k, v in counts.items() if k != 1)


def test_trips_deterministic(spark):
    n = one(spark, "SELECT count(*) AS n FROM nyctaxi.trips").n
    if n != DEFAULT_TRIPS_ROWS:
        pytest.skip(f"nyctaxi.trips has {n} rows (LAKEGATE_TRIPS_ROWS); checksum pinned for {DEFAULT_TRIPS_ROWS}")
    assert checksum(spark, "nyctaxi.trips") == TRIPS_CHECKSUM


def test_trips_1m(spark):
    if not spark.catalog.tableExists("nyctaxi.trips_1m"):
        pytest.skip("nyctaxi.trips_1m not created (LAKEGATE_TESTBED_BIG=0)")
    assert one(spark, "SELECT count(*) AS n FROM nyctaxi.trips_1m").n == 1_000_000
    assert checksum(spark, "nyctaxi.trips_1m") == TRIPS_1M_CHECKSUM


# --- retail ------------------------------------------------------------------

@pytest.mark.parametrize("table,rows", [("customers", 500), ("products", 200), ("orders", 2000), ("order_items", 6000)])
def test_retail_table(spark, table, rows):
    r = one(spark, f"SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo FROM retail.{table}")
    assert (r.n, r.ids, r.lo) == (rows, rows, 1)
    assert checksum(spark, f"retail.{table}") == RETAIL_CHECKSUMS[table]


def test_retail_relations(spark):
    orphans = one(spark, """SELECT
        (SELECT count(*) FROM retail.order_items i LEFT ANTI JOIN retail.orders o ON o.id = i.order_id) AS a,
        (SELECT count(*) FROM retail.order_items i LEFT ANTI JOIN retail.products p ON p.id = i.product_id) AS b,
        (SELECT count(*) FROM retail.orders o LEFT ANTI JOIN retail.customers c ON c.id = o.customer_id) AS c""")
    assert (orphans.a, orphans.b, orphans.c) == (0, 0, 0)
    mismatched = one(spark, """SELECT count(*) AS n FROM retail.orders o LEFT JOIN (
            SELECT order_id, CAST(sum(quantity * unit_price * (1 - discount)) AS DECIMAL(12,2)) AS t
            FROM retail.order_items GROUP BY order_id) i ON i.order_id = o.id
        WHERE o.total <> coalesce(i.t, 0)""").n
    assert mismatched == 0
    types = {f.name: f.dataType.simpleString() for f in spark.table("retail.products").schema.fields}
    assert types["price"] == "decimal(10,2)"
    # unicode survives
    assert one(spark, "SELECT count(*) AS n FROM retail.customers WHERE name RLIKE '[^\\\\x00-\\\\x7F]'").n > 0


# --- all_types ---------------------------------------------------------------

ALL_TYPES_SCHEMA = [
    ("id", "int"), ("c_boolean", "boolean"), ("c_tinyint", "tinyint"), ("c_smallint", "smallint"),
    ("c_int", "int"), ("c_bigint", "bigint"), ("c_float", "float"), ("c_double", "double"),
    ("c_decimal_10_2", "decimal(10,2)"), ("c_decimal_38_18", "decimal(38,18)"), ("c_decimal_38_0", "decimal(38,0)"),
    ("c_string", "string"), ("c_binary", "binary"), ("c_date", "date"), ("c_timestamp", "timestamp"),
    ("c_timestamp_ntz", "timestamp_ntz"), ("c_array_int", "array<int>"), ("c_array_string", "array<string>"),
    ("c_map_string_int", "map<string,int>"), ("c_map_int_string", "map<int,string>"),
    ("c_struct", "struct<a:int,b:string,c:array<double>>"),
    ("c_array_struct", "array<struct<x:int,y:string>>"),
    ("c_struct_nested", "struct<name:string,attrs:map<string,array<int>>,inner:struct<d:date,m:map<string,string>>>"),
    ("c_map_of_maps", "map<string,map<string,int>>"),
]


@pytest.fixture(scope="module")
def all_types(spark):
    return {r.id: r for r in spark.sql("SELECT * FROM default.all_types").collect()}


def test_all_types_schema(spark):
    fields = [(f.name, f.dataType.simpleString()) for f in spark.table("default.all_types").schema.fields]
    assert fields == ALL_TYPES_SCHEMA


def test_all_types_null_row(all_types):
    assert sorted(all_types) == list(range(1, 9))
    row = all_types[2].asDict()
    assert all(v is None for k, v in row.items() if k != "id")


def test_all_types_extremes(all_types):
    mx, mn = all_types[3], all_types[4]
    assert (mx.c_tinyint, mx.c_smallint, mx.c_int, mx.c_bigint) == (127, 32767, 2**31 - 1, 2**63 - 1)
    assert (mn.c_tinyint, mn.c_smallint, mn.c_int, mn.c_bigint) == (-128, -32768, -2**31, -2**63)
    assert mx.c_decimal_38_0 == Decimal("9" * 38)
    assert mn.c_decimal_38_0 == Decimal("-" + "9" * 38)
    assert mn.c_decimal_38_18 == Decimal("-0.000000000000000001")
    assert mx.c_double == 1.7976931348623157e308
    assert (mx.c_date, mn.c_date) == (date(9999, 12, 31), date(1, 1, 1))
    assert mx.c_timestamp == datetime(9999, 12, 31, 23, 59, 59, 999999)
    assert mn.c_timestamp_ntz == datetime(1, 1, 1)


def test_all_types_special_floats(all_types):
    assert math.isnan(all_types[5].c_float) and math.isnan(all_types[5].c_double)
    assert all_types[6].c_float == math.inf and all_types[6].c_double == -math.inf
    assert all_types[7].c_float == -math.inf and all_types[7].c_double == math.inf
    neg_zero = all_types[8].c_float
    assert neg_zero == 0.0 and math.copysign(1.0, neg_zero) == -1.0
    assert all_types[8].c_double == 1e308
    assert math.copysign(1.0, all_types[7].c_struct.c[0]) == -1.0


def test_all_types_strings_and_binary(all_types):
    assert "😀" in all_types[3].c_string and "日本語" in all_types[3].c_string and "עברית" in all_types[3].c_string
    assert '"' in all_types[4].c_string and "\\" in all_types[4].c_string and "'" in all_types[4].c_string
    assert "\n" in all_types[5].c_string and "\t" in all_types[5].c_string and "\r" in all_types[5].c_string
    assert "\x00" in all_types[6].c_string
    assert all_types[7].c_string.startswith('{"json"')
    assert all_types[8].c_string == "" and all_types[2].c_string is None
    assert bytes(all_types[3].c_binary) == b"\xff\x00\xfe"
    assert bytes(all_types[4].c_binary) == b""
    assert all_types[5].c_timestamp == datetime(1969, 7, 20, 20, 17, 40, 123456)


def test_all_types_collections(all_types):
    r4 = all_types[4]
    assert (r4.c_array_int, r4.c_array_string, r4.c_map_string_int, r4.c_map_int_string) == ([], [], {}, {})
    assert all_types[5].c_array_int == [1, None, 3]
    # a NULL struct nested in a struct stays NULL (not a struct of NULLs)
    assert all_types[4].c_struct_nested.inner is None and all_types[4].c_struct_nested.attrs == {}
    assert all_types[4].c_struct.a is None and all_types[4].c_struct is not None
    assert all_types[1].c_struct_nested.attrs == {"k1": [1, 2], "k2": [3]}
    assert all_types[3].c_map_of_maps == {"a": {"b": 2**31 - 1, "c": -2**31}}


def test_all_types_checksum(spark):
    c = one(spark, "SELECT sum(CAST(hash(to_json(struct(*))) AS BIGINT)) AS c FROM default.all_types").c
    assert c == ALL_TYPES_CHECKSUM


def test_variants(spark):
    rows = spark.sql("SELECT id, to_json(v) AS j, schema_of_variant(v) AS s FROM default.variants ORDER BY id").collect()
    assert len(rows) == 7
    assert rows[0].j == '{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}'
    assert rows[1].j is None
    assert one(spark, "SELECT variant_get(v, '$.c.d', 'double') AS d FROM default.variants WHERE id = 1").d == 1.5


def test_intervals_view(spark):
    # pyspark's client cannot convert year-month intervals to Arrow; cast them.
    rows = spark.sql("""SELECT id, CAST(c_ym AS STRING) AS ym, c_dt FROM default.intervals ORDER BY id""").collect()
    assert [r.id for r in rows] == [1, 2, 3, 4]
    assert rows[0].ym == "INTERVAL '1-2' YEAR TO MONTH"
    assert rows[1].ym is None and rows[1].c_dt is None
