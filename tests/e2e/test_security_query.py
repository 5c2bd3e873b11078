"""End to end: read-only grants on _query.

A role with the `_query` verb GET only (mask 1) may run queries only
(SELECT, WITH … SELECT, VALUES, range()); everything else — metadata commands,
writes, DDL, session changes, caching, reflection, table-valued functions other
than range, direct file queries, multi-statements, comment tricks — is refused
with 403 before it runs. pyspark checks that nothing changed. A role with POST
on _query may run DDL (on a scratch table).
"""
import uuid

import pytest
import requests

from security_helpers import GET, POST, AdminApi, assert_error, key_headers, start_secure

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120}}
"""


class Bed:
    pass


@pytest.fixture(scope="module")
def bed(testbed_env, spark):
    b = Bed()
    suffix = uuid.uuid4().hex[:8]
    b.table = f"default.sec_q_{suffix}"
    b.ctas = f"default.sec_q_ctas_{suffix}"
    b.ddl = f"default.sec_q_ddl_{suffix}"
    spark.sql(f"CREATE TABLE {b.table} (id INT, v STRING) USING delta")
    spark.sql(f"INSERT INTO {b.table} VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    b.server = start_secure(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    try:
        admin = AdminApi(b.server)
        reader = admin.create_role("sql_reader", [{"service": "spark", "component": "_query", "verb_mask": GET}])
        writer = admin.create_role("sql_writer", [{"service": "spark", "component": "_query", "verb_mask": POST}])
        tables_only = admin.create_role("tables_only", [{"service": "spark", "component": "_table/*",
                                                         "verb_mask": GET}])
        b.keys = {name: admin.create_app(f"app_{name}_{suffix}", role)[1]
                  for name, role in (("reader", reader), ("writer", writer), ("tables_only", tables_only))}
        yield b
    finally:
        b.server.stop()
        for name in (b.table, b.ctas, b.ddl):
            spark.sql(f"DROP TABLE IF EXISTS {name}")


def query(bed, who, sql, **extra):
    return requests.post(f"{bed.server.url}/api/v2/spark/_query", json=dict({"sql": sql}, **extra),
                         headers=key_headers(bed.keys[who]), timeout=120)


def state(spark, bed):
    """What must not change: the table's rows, columns and Delta version; no CTAS table."""
    rows = sorted(tuple(r) for r in spark.sql(f"SELECT * FROM {bed.table}").collect())
    columns = [f.name for f in spark.table(bed.table).schema.fields]
    version = spark.sql(f"DESCRIBE HISTORY {bed.table}").collect()[0].version
    ctas = spark.sql(f"SHOW TABLES IN default LIKE '{bed.ctas.split('.')[1]}'").count()
    return rows, columns, version, ctas


ALLOWED = [
    ("SELECT * FROM {t} ORDER BY id", 3),
    ("SELECT id, v FROM {t} WHERE id > :n ORDER BY id", 2),
    ("SELECT id, v FROM {t} WHERE id > ? ORDER BY id", 2),
    ("WITH x AS (SELECT id FROM {t}) SELECT count(*) AS n FROM x", 1),
    ("SELECT * FROM (SELECT id FROM {t} WHERE id IN (SELECT max(id) FROM {t})) s", 1),
    ("VALUES (1, 'a'), (2, 'b')", 2),
    ("SELECT * FROM range(5)", 5),
    ("SELECT id FROM range(1, 10, 3)", 3),
    ("SELECT * FROM {t} VERSION AS OF 0", 0),
    ("SELECT a.id FROM {t} a JOIN {t} b ON a.id = b.id UNION ALL SELECT 9", 4),
]


@pytest.mark.parametrize("sql,expected_rows", ALLOWED, ids=[s for s, _ in ALLOWED])
def test_read_only_role_may_read(bed, spark, sql, expected_rows):
    extra = {"params": {"n": 1}} if ":n" in sql else {"params": [1]} if "?" in sql else {}
    response = query(bed, "reader", sql.format(t=bed.table), **extra)
    assert response.status_code == 200, response.text
    rows = response.json()["resource"]
    if expected_rows is not None:
        assert len(rows) == expected_rows, rows
    assert rows or expected_rows == 0


REFUSED = [
    "INSERT INTO {t} VALUES (9, 'x')",
    "INSERT OVERWRITE {t} SELECT 9, 'x'",
    "WITH s AS (SELECT 9 AS id, 'x' AS v) INSERT INTO {t} SELECT * FROM s",
    "DELETE FROM {t} WHERE id = 1",
    "UPDATE {t} SET v = 'y' WHERE id = 1",
    "MERGE INTO {t} d USING (SELECT 1 AS id) s ON d.id = s.id WHEN MATCHED THEN DELETE",
    "CREATE TABLE {ctas} USING delta AS SELECT * FROM {t}",
    "CREATE TABLE {ctas} (id INT) USING delta",
    "CREATE OR REPLACE TEMPORARY VIEW sec_q_view AS SELECT 1 AS one",
    "DROP TABLE {t}",
    "ALTER TABLE {t} ADD COLUMNS (z INT)",
    "ALTER TABLE {t} SET TBLPROPERTIES ('lakegate.test' = 'x')",
    "TRUNCATE TABLE {t}",
    "SET spark.sql.shuffle.partitions = 3",
    "RESET spark.sql.shuffle.partitions",
    "USE spark_catalog.retail",
    "CACHE TABLE {t}",
    "UNCACHE TABLE {t}",
    "REFRESH TABLE {t}",
    # Metadata commands are not queries either (_catalog and _schema serve them).
    "SHOW TABLES IN default",
    "DESCRIBE {t}",
    "DESCRIBE TABLE EXTENDED {t}",
    # Reflection (harmless methods: the statement must be refused before it runs).
    "SELECT reflect('java.util.UUID', 'randomUUID')",
    "SELECT REFLECT('java.lang.System', 'getProperty', 'user.name')",
    "SELECT java_method('java.lang.Math', 'abs', -1)",
    "SELECT try_reflect('java.lang.Math', 'abs', -1)",
    "SELECT id FROM {t} WHERE reflect('java.util.UUID', 'randomUUID') IS NOT NULL",
    # Table-valued functions other than range.
    "SELECT * FROM read_files('/etc/hostname')",
    "SELECT * FROM sql_keywords()",
    "SELECT * FROM explode(array(1, 2))",
    # Several statements and comment tricks.
    "/* harmless */ DROP TABLE {t}",
    "-- a comment\nDROP TABLE {t}",
    "/* SELECT 1 */ INSERT INTO {t} VALUES (9, 'x')",
]

# Several statements and Delta's own commands: not a query where only a query
# parses, so refused (403) before anything runs.
MULTI_STATEMENTS = [
    "OPTIMIZE {t}",
    "RESTORE TABLE {t} TO VERSION AS OF 0",
    "VACUUM {t} RETAIN 0 HOURS",
    "SELECT 1; DROP TABLE {t}",
    "SELECT 1;\nINSERT INTO {t} VALUES (9, 'x')",
    "SELECT 1 -- \n; DROP TABLE {t}",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_read_only_role_is_refused_everything_else(bed, spark, sql):
    before = state(spark, bed)
    response = query(bed, "reader", sql.format(t=bed.table, ctas=bed.ctas))
    assert_error(response, 403)
    assert state(spark, bed) == before


@pytest.mark.parametrize("sql", MULTI_STATEMENTS)
def test_multi_statements_never_run(bed, spark, sql):
    before = state(spark, bed)
    response = query(bed, "reader", sql.format(t=bed.table))
    assert_error(response, 403)
    assert state(spark, bed) == before


@pytest.mark.parametrize("sql", [
    "SELECT * FROM text.`/etc/hostname`",
    "SELECT * FROM csv.`/etc/hostname`",
    "SELECT count(*) FROM text.`/etc/passwd`",
])
def test_direct_file_queries_are_refused(bed, sql):
    """Path-based relations (format.`path`) read arbitrary files of the Spark driver."""
    response = query(bed, "reader", sql)
    assert_error(response, 403)


def test_a_bare_name_is_read_as_a_relation(bed, spark):
    """`FROM (\n<text>\n)` admits a parenthesised relation: `RESET` alone is a
    (missing) table's name, never the command."""
    before = state(spark, bed)
    assert_error(query(bed, "reader", "RESET"), 404)
    response = query(bed, "reader", bed.table)
    assert response.status_code == 200 and len(response.json()["resource"]) == 3, response.text
    assert state(spark, bed) == before


def test_refusal_message_names_the_operation(bed):
    error = assert_error(query(bed, "reader", f"DROP TABLE {bed.table}"), 403)
    assert "read-only" in error["message"], error


def test_role_without_query_grant_gets_403(bed, spark):
    before = state(spark, bed)
    for sql in (f"SELECT * FROM {bed.table}", f"DROP TABLE {bed.table}"):
        error = assert_error(query(bed, "tables_only", sql), 403)
        assert "_query" in error["message"], error
    assert state(spark, bed) == before


def test_query_with_post_grant_may_run_ddl(bed, spark):
    for sql in (f"CREATE TABLE {bed.ddl} (id INT, v STRING) USING delta",
                f"INSERT INTO {bed.ddl} VALUES (1, 'x'), (2, 'y')",
                f"ALTER TABLE {bed.ddl} ADD COLUMNS (z INT)",
                f"UPDATE {bed.ddl} SET z = 7 WHERE id = 2"):
        response = query(bed, "writer", sql)
        assert response.status_code == 200, f"{sql}: {response.text}"
    assert sorted(tuple(r) for r in spark.sql(f"SELECT * FROM {bed.ddl}").collect()) == [(1, "x", None), (2, "y", 7)]
    response = query(bed, "writer", f"DROP TABLE {bed.ddl}")
    assert response.status_code == 200, response.text
    assert spark.sql(f"SHOW TABLES IN default LIKE '{bed.ddl.split('.')[1]}'").count() == 0
    # The reader still cannot, and the reader's table survived everything.
    assert_error(query(bed, "reader", f"CREATE TABLE {bed.ddl} (id INT) USING delta"), 403)
    assert spark.sql(f"SHOW TABLES IN default LIKE '{bed.ddl.split('.')[1]}'").count() == 0
    assert spark.sql(f"SELECT count(*) FROM {bed.table}").collect()[0][0] == 3
