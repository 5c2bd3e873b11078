"""End to end: writes under contention. 50 concurrent PATCH/PUT/DELETE/POST on one
Delta table, on disjoint and on overlapping rows, through two lakegate nodes
(processes) against the real Spark test bed.

Delta commits optimistically: a statement that loses the race to another commit
is abandoned (nothing written) with a DELTA_CONCURRENT_* conflict. On one node,
writes to a table take turns, so they do not race each other; a conflict with a
writer elsewhere (here: the other node) is run again within the service timeout
(jittered back-off), and only when that runs out is the answer 409 +
Retry-After. Every answer must be truthful:
a 200 is in the table, a 409 is not, nothing else is answered; and the final
table must equal a serial run of the successful requests — in the order of their
commits, read from the Delta log, for the requests whose rows overlap.
"""
import concurrent.futures
import json
import re
import threading
import uuid

import pytest
import requests

from lakegate_process import LakegateProcess

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120,
              max_concurrent_requests: 50, pool_size: 8}}
"""
INITIAL_ROWS = 100


@pytest.fixture(scope="module")
def nodes(testbed_env):
    servers = [LakegateProcess(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
               for _ in range(2)]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def table(spark):
    name = f"default.lg_contention_{uuid.uuid4().hex[:8]}"
    spark.sql(f"CREATE TABLE {name} (id INT, v STRING, n INT) USING delta")
    spark.sql(f"INSERT INTO {name} SELECT CAST(id AS INT), 'init', 0 FROM range(1, {INITIAL_ROWS + 1})")
    yield name
    spark.sql(f"DROP TABLE IF EXISTS {name}")


def requests_for(table):
    """The 50 requests: (label, method, params, body, apply(model)) with apply the
    serial effect of the request on a {id: (v, n)} model."""
    plan = []

    def setter(ids, v, n=None):
        def apply(model):
            for i in ids:
                if i in model:
                    model[i] = (v, model[i][1] if n is None else n)
        return apply

    for k in range(20):  # disjoint PATCH by ids: rows 1..60, three each
        ids = [k * 3 + 1, k * 3 + 2, k * 3 + 3]
        plan.append((f"patch{k}", "PATCH", {"ids": ",".join(map(str, ids))}, {"v": f"a{k}", "n": k},
                     setter(ids, f"a{k}", k)))
    for j in range(10):  # overlapping PATCH: rows 61..71, each pair shares a row with the next
        ids = [61 + j, 62 + j]
        plan.append((f"overlap{j}", "PATCH", {"ids": ",".join(map(str, ids))}, {"v": f"b{j}"},
                     setter(ids, f"b{j}")))
    for m in range(8):  # PUT (MERGE upsert) of existing rows 72..79
        record = {"id": 72 + m, "v": f"c{m}", "n": 100 + m}
        plan.append((f"put{m}", "PUT", {}, {"resource": [record]}, setter([72 + m], f"c{m}", 100 + m)))
    for m in range(6):  # DELETE rows 80..91, two each
        ids = [80 + 2 * m, 81 + 2 * m]

        def delete(model, ids=ids):
            for i in ids:
                model.pop(i, None)
        plan.append((f"delete{m}", "DELETE", {"ids": ",".join(map(str, ids))}, None, delete))
    for m in range(6):  # POST new rows 200..205
        record = {"id": 200 + m, "v": f"e{m}", "n": m}

        def insert(model, record=record):
            model[record["id"]] = (record["v"], record["n"])
        plan.append((f"post{m}", "POST", {}, {"resource": [record]}, insert))
    assert len(plan) == 50
    return plan


def overlap_commit_order(spark, table):
    """The overlapping PATCHes in commit order: each UPDATE of the Delta log whose
    predicate names rows 61..71 → the pair of ids it names."""
    order = []
    history = spark.sql(f"DESCRIBE HISTORY {table}").orderBy("version").collect()
    for entry in history:
        if entry.operation != "UPDATE":
            continue
        predicate = json.dumps(entry.operationParameters.get("predicate", ""))
        lists = re.findall(r"IN \(([0-9, ]+)\)", predicate)
        ids = sorted({int(x) for found in lists for x in found.split(",")})
        if ids and 61 <= ids[0] <= 71:
            order.append(ids)
    return order


def test_fifty_concurrent_writes_are_all_truthful_and_serializable(nodes, spark, table):
    plan = requests_for(table)
    start = threading.Barrier(len(plan))

    def send(indexed):
        index, (label, method, params, body, _) = indexed
        node = nodes[index % len(nodes)]  # the two nodes race each other
        start.wait(timeout=60)
        return requests.request(method, f"{node.url}/api/v2/spark/_table/{table}", params=params,
                                json=body, timeout=180)

    with concurrent.futures.ThreadPoolExecutor(len(plan)) as pool:
        answers = list(pool.map(send, enumerate(plan)))

    model = {i: ("init", 0) for i in range(1, INITIAL_ROWS + 1)}
    succeeded, conflicted, retries = set(), set(), 0
    for (label, method, params, body, apply), response in zip(plan, answers):
        retries += int(response.headers.get("X-Lakegate-Write-Retries", "0"))
        if response.status_code == 200:
            succeeded.add(label)
        elif response.status_code == 409:
            conflicted.add(label)
            assert response.headers.get("Retry-After") == "1", (label, response.headers)
            error = response.json()["error"]
            assert "nothing was written" in error["message"], (label, error)
        else:
            raise AssertionError(f"{label} ({method} {params}): {response.status_code} {response.text}")
    print(f"contention: {len(succeeded)} committed, {len(conflicted)} answered 409, {retries} re-runs")

    # Serial replay: the order-free requests in any order, the overlapping ones
    # in the order the Delta log committed them.
    for label, _, _, _, apply in plan:
        if label in succeeded and not label.startswith("overlap"):
            apply(model)
    committed_overlaps = overlap_commit_order(spark, table)
    by_ids = {tuple([61 + j, 62 + j]): f"overlap{j}" for j in range(10)}
    replayed = [by_ids[tuple(ids)] for ids in committed_overlaps]
    assert sorted(replayed) == sorted(label for label in succeeded if label.startswith("overlap")), \
        (replayed, succeeded)
    for label in replayed:
        next(entry for entry in plan if entry[0] == label)[4](model)

    final = {r.id: (r.v, r.n) for r in spark.sql(f"SELECT id, v, n FROM {table}").collect()}
    assert final == model
    # The two nodes' writes collide in Delta's optimistic commits: lakegate must
    # have re-run some statements (each re-run is counted in a header).
    assert retries > 0
