"""End to end: two lakegate nodes sharing one PostgreSQL store tell each other of
their writes through the store's table write journal, so a node that pinned a
Delta table's version (version_ttl_ms) or cached answers (cache_ttl) drops them
within a fraction of a second of a write through the other node.

The service pins versions for 10 minutes and caches for 10 minutes, so without
the journal node B would keep answering what it read first: a write from pyspark
(which no node hears of) shows that control. Writes through node A — a `_table`
POST, then `_query` SQL of a full grant — reach node B's reads at once.
"""
import subprocess
import time
import uuid

import pytest
import requests

from lakegate_process import LakegateProcess
from oracle import parse_exact
from security_helpers import AdminApi, start_secure, wait_until

SERVICES = """
services:
  - name: pinned
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120,
              version_ttl_ms: 600000, cache_enabled: true, cache_ttl: 600}}
"""


def psql(url, sql):
    result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


class Cluster:
    pass


@pytest.fixture(scope="module")
def cluster(testbed_env, spark):
    base_url = testbed_env["LAKEGATE_POSTGRES_URL"]
    database = f"lg_journal_{uuid.uuid4().hex[:10]}"
    store_url = base_url.rsplit("/", 1)[0] + "/" + database
    psql(base_url, f"CREATE DATABASE {database}")
    c = Cluster()
    suffix = uuid.uuid4().hex[:8]
    c.table = f"default.lg_journal_{suffix}"
    c.view = f"default.lg_journal_view_{suffix}"
    spark.sql(f"CREATE TABLE {c.table} (id INT, label STRING) USING delta")
    spark.sql(f"INSERT INTO {c.table} VALUES (1, 'one')")
    spark.sql(f"CREATE VIEW {c.view} AS SELECT id, upper(label) AS label FROM {c.table}")
    config = SERVICES.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]) + f'store: "{store_url}"\n'
    nodes = []
    try:
        c.a = start_secure(config)
        nodes.append(c.a)
        c.b = LakegateProcess(config, provision=False, env={"LAKEGATE_MASTER_KEY": c.a.master_key})
        nodes.append(c.b)
        c.b.start()
        c.headers_a = AdminApi(c.a).headers
        c.headers_b = AdminApi(c.b, c.a.admin_email, c.a.admin_password).headers
        yield c
    finally:
        for node in nodes:
            node.stop()
        spark.sql(f"DROP VIEW IF EXISTS {c.view}")
        spark.sql(f"DROP TABLE IF EXISTS {c.table}")
        psql(base_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def read_b(c, name):
    response = requests.get(f"{c.b.url}/api/v2/pinned/_table/{name}", params={"order": "id"},
                            headers=c.headers_b, timeout=120)
    assert response.status_code == 200, response.text
    return response, [r["id"] for r in parse_exact(response.text)["resource"]]


def test_a_write_through_one_node_reaches_the_other_nodes_reads(cluster, spark):
    c = cluster
    first, ids = read_b(c, c.table)
    assert ids == [1]
    assert read_b(c, c.table)[0].headers["X-Lakegate-Cache"] == "hit"
    assert read_b(c, c.view)[1] == [1]
    assert read_b(c, c.view)[0].headers["X-Lakegate-Cache"] == "hit"

    # Control: a write no node hears of. Node B keeps its pinned version and answers.
    spark.sql(f"INSERT INTO {c.table} VALUES (2, 'two')")
    time.sleep(1.0)
    held, ids = read_b(c, c.table)
    assert ids == [1] and held.headers["X-Lakegate-Cache"] == "hit"
    assert held.headers["X-Lakegate-Version"] == first.headers["X-Lakegate-Version"]

    # A _table write through node A: node B's next reads see it (and row 2 too).
    started = time.monotonic()
    posted = requests.post(f"{c.a.url}/api/v2/pinned/_table/{c.table}",
                           json={"resource": [{"id": 3, "label": "three"}]}, headers=c.headers_a, timeout=120)
    assert posted.status_code == 200, posted.text
    assert wait_until(lambda: read_b(c, c.table)[1] == [1, 2, 3], timeout=10), read_b(c, c.table)[1]
    assert time.monotonic() - started < 8
    assert int(read_b(c, c.table)[0].headers["X-Lakegate-Version"]) > int(first.headers["X-Lakegate-Version"])
    # The view's answer was only TTL-bound: dropped too.
    assert wait_until(lambda: read_b(c, c.view)[1] == [1, 2, 3], timeout=10)

    # SQL of a full grant through node A (the tables it wrote are not known): all of
    # node B's pinned versions and TTL-bound answers go.
    inserted = requests.post(f"{c.a.url}/api/v2/pinned/_query",
                             json={"sql": f"INSERT INTO {c.table} VALUES (4, 'four')"},
                             headers=c.headers_a, timeout=120)
    assert inserted.status_code == 200, inserted.text
    assert wait_until(lambda: read_b(c, c.table)[1] == [1, 2, 3, 4], timeout=10)
    assert wait_until(lambda: read_b(c, c.view)[1] == [1, 2, 3, 4], timeout=10)
