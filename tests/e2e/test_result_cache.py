"""End to end: the result cache of a service (cache_enabled, cache_ttl) against the
real Spark test bed, with pyspark as the oracle and the audit trail as the witness
of what ran on Spark.

A cached answer must be byte-for-byte the answer Spark gave, must never show a
Delta table older than the version the read pins (a write through pyspark
changes the key on the next read, with version_ttl_ms 0 here), must never cross
callers with different effective policies (row filters with lookups, hidden
columns), and a hit must not run anything on Spark. Views and other non-Delta
sources live cache_ttl. ?refresh=true and Cache-Control: no-cache bypass the lookup;
/system/cache shows the counters and empties the cache. Two nodes sharing a Redis
(result_cache.shared) answer each other's reads.
"""
import random
import time
import uuid

import pytest
import requests

from lakegate_process import LakegateProcess
from oracle import parse_exact, render_table, same_json
from security_helpers import (GET, POST, AdminApi, assert_error, login, session_headers, start_secure,
                              strong_password)

CONFIG = """
services:
  - name: cached
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120,
              cache_enabled: true, cache_ttl: 600, version_ttl_ms: 0}}
  - name: briefly
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120,
              cache_enabled: true, cache_ttl: 3, version_ttl_ms: 0}}
  - name: plain
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120}}
"""
HIDDEN = ["email", "phone"]


class Bed:
    pass


@pytest.fixture(scope="module")
def bed(testbed_env, spark):
    b = Bed()
    suffix = uuid.uuid4().hex[:8]
    b.delta = f"default.lg_cache_{suffix}"
    b.small = f"default.lg_cache_small_{suffix}"
    b.view = f"default.lg_cache_view_{suffix}"
    spark.sql(f"CREATE TABLE {b.delta} (id INT, label STRING, amount DECIMAL(10,2)) USING delta")
    spark.sql(f"INSERT INTO {b.delta} SELECT CAST(id AS INT), concat('row ', id), CAST(id * 1.25 AS DECIMAL(10,2)) "
              "FROM range(1, 21)")
    spark.sql(f"CREATE TABLE {b.small} (id INT, label STRING) USING delta")
    spark.sql(f"INSERT INTO {b.small} VALUES (1, 'one'), (2, 'two')")
    spark.sql(f"CREATE VIEW {b.view} AS SELECT id, upper(label) AS label FROM {b.small}")
    b.server = start_secure(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    try:
        admin = b.admin = AdminApi(b.server)
        customers = {"service": "cached", "component": "_table/retail.customers", "verb_mask": GET,
                     "filters": [{"name": "country", "operator": "=", "value": "{user.country}"}],
                     "hidden_fields": HIDDEN}
        by_country = admin.create_role("cache_by_country", [customers])
        everything = admin.create_role("cache_everything", [
            {"service": "cached", "component": "*", "verb_mask": GET | POST},
            {"service": "briefly", "component": "*", "verb_mask": GET}])
        sql_reader = admin.create_role("cache_sql_reader", [
            {"service": "cached", "component": "_query", "verb_mask": GET}])
        b.headers = {}
        for name, role, lookups in (("alice", by_country, {"country": "DE"}),
                                    ("bob", by_country, {"country": "JP"}),
                                    ("carol", everything, None),
                                    ("sam", sql_reader, None)):
            email, password = f"{name}@cache.lakegate.test", strong_password()
            admin.create_user(email, password, role_id=role, lookups=lookups)
            b.headers[name] = session_headers(login(b.server, email, password)["session_token"])
        b.headers["admin"] = admin.headers
        yield b
    finally:
        b.server.stop()
        spark.sql(f"DROP TABLE IF EXISTS {b.delta}")
        spark.sql(f"DROP VIEW IF EXISTS {b.view}")
        spark.sql(f"DROP TABLE IF EXISTS {b.small}")


def get(bed, who, path, service="cached", headers=None, **params):
    return requests.get(f"{bed.server.url}/api/v2/{service}/_table/{path}", params=params,
                        headers=dict(bed.headers[who], **(headers or {})), timeout=120)


def query(bed, who, sql, params=None, service="cached", headers=None):
    return requests.post(f"{bed.server.url}/api/v2/{service}/_query",
                         json={"sql": sql, "params": params or []},
                         headers=dict(bed.headers[who], **(headers or {})), timeout=120)


def cache_state(response):
    return response.headers.get("X-Lakegate-Cache")


def ok(response):
    assert response.status_code == 200, response.text
    return response


def audit_of(bed, response):
    """The audit record of `response` (matched by its request id)."""
    request_id = response.headers["X-Request-Id"]
    for _ in range(50):
        records = bed.admin.ok("GET", "audit", params={"limit": 200})["resource"]
        found = [r for r in records if r["request_id"] == request_id]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no audit record for {request_id}")


def test_a_second_read_is_a_hit_with_the_same_bytes_and_no_spark(bed, spark):
    first = ok(get(bed, "carol", bed.delta, order="id", limit=5, include_count="true"))
    assert cache_state(first) == "miss"
    assert first.headers["Cache-Control"] == "private, no-cache"  # exact: revalidate by ETag
    expected = render_table(spark.sql(f"SELECT * FROM {bed.delta} ORDER BY id LIMIT 5").toArrow())
    same_json(expected, parse_exact(first.text)["resource"])
    second = ok(get(bed, "carol", bed.delta, order="id", limit=5, include_count="true"))
    assert cache_state(second) == "hit"
    assert second.content == first.content
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["X-Total-Count"] == first.headers["X-Total-Count"] == "20"
    assert int(second.headers["Age"]) >= 0
    # The audit: the miss ran a statement on Spark, the hit none.
    ran, served = audit_of(bed, first), audit_of(bed, second)
    assert ran["sql_hash"] and ran["operation_id"], ran
    assert served["status"] == 200 and not served["sql_hash"] and not served["operation_id"], served
    # A different read (another page) is another entry.
    other = ok(get(bed, "carol", bed.delta, order="id", limit=5, offset=5))
    assert cache_state(other) == "miss"
    assert [r["id"] for r in parse_exact(other.text)["resource"]] == [6, 7, 8, 9, 10]


@pytest.mark.parametrize("accept", ["text/csv", "application/x-ndjson",
                                    "application/vnd.apache.arrow.stream"])
def test_every_format_is_kept_as_sent(bed, accept):
    first = ok(get(bed, "carol", bed.delta, headers={"Accept": accept}, order="id", limit=7))
    second = ok(get(bed, "carol", bed.delta, headers={"Accept": accept}, order="id", limit=7))
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    assert second.content == first.content and len(first.content) > 0
    assert second.headers["Content-Type"] == first.headers["Content-Type"]


def test_records_ids_and_counts_are_cached_apart(bed):
    shapes = [(f"{bed.delta}/3", {}), (bed.delta, {"as_list": "true", "order": "id", "limit": 4}),
              (bed.delta, {"count_only": "true"}), (bed.delta, {"ids": "2,4", "fields": "id,label"})]
    answers = []
    for path, params in shapes:
        first = ok(get(bed, "carol", path, **params))
        second = ok(get(bed, "carol", path, **params))
        assert (cache_state(first), cache_state(second)) == ("miss", "hit"), (path, params)
        assert second.content == first.content
        answers.append(first.content)
    assert len(set(answers)) == len(answers)
    assert parse_exact(answers[0])["label"] == "row 3"
    assert parse_exact(answers[2]) == 20


def test_a_write_outside_lakegate_is_seen_at_once(bed, spark):
    """version_ttl_ms 0: the version is looked up on each read, so a new commit
    is a new key; the old entry is never served for it."""
    read = lambda: ok(get(bed, "carol", bed.delta, order="id", filter="id > 18"))
    before = read()
    assert cache_state(read()) == "hit"
    spark.sql(f"INSERT INTO {bed.delta} VALUES (21, 'row 21', 26.25)")
    after = read()
    assert cache_state(after) == "miss"
    assert int(after.headers["X-Lakegate-Version"]) > int(before.headers["X-Lakegate-Version"])
    expected = render_table(spark.sql(f"SELECT * FROM {bed.delta} WHERE id > 18 ORDER BY id").toArrow())
    same_json(expected, parse_exact(after.text)["resource"])
    assert [r["id"] for r in parse_exact(after.text)["resource"]] == [19, 20, 21]
    # The old version, asked for by number, is its own (still correct) entry.
    old = lambda: ok(get(bed, "carol", bed.delta, order="id", filter="id > 18",
                         as_of_version=before.headers["X-Lakegate-Version"]))
    first_old = old()
    assert cache_state(first_old) == "miss"
    assert [r["id"] for r in parse_exact(first_old.text)["resource"]] == [19, 20]
    again = old()
    assert cache_state(again) == "hit" and again.content == first_old.content


def test_a_write_through_lakegate_is_read_back(bed):
    read = lambda: ok(get(bed, "carol", bed.delta, order="id", filter="id >= 100"))
    assert parse_exact(read().text)["resource"] == []
    assert cache_state(read()) == "hit"
    written = requests.post(f"{bed.server.url}/api/v2/cached/_table/{bed.delta}",
                            json={"resource": [{"id": 100, "label": "new", "amount": "1.00"}]},
                            headers=bed.headers["carol"], timeout=120)
    assert written.status_code == 200, written.text
    after = read()
    assert cache_state(after) == "miss"
    assert [r["id"] for r in parse_exact(after.text)["resource"]] == [100]


def test_callers_with_different_policies_never_share_an_answer(bed, spark):
    """alice and bob have the same role; its row filter binds each one's country
    lookup, and the role hides two columns. carol sees everything."""
    path = "retail.customers"
    params = {"order": "id", "limit": 50}
    answers = {}
    for who in ("alice", "bob", "carol", "alice", "bob", "carol"):
        response = ok(get(bed, who, path, **params))
        if who in answers:
            assert cache_state(response) == "hit", who
            assert response.content == answers[who], who
        else:
            assert cache_state(response) == "miss", who
            answers[who] = response.content
    for who, where in (("alice", "country = 'DE'"), ("bob", "country = 'JP'")):
        rows = parse_exact(answers[who])["resource"]
        expected = spark.sql(f"SELECT id FROM retail.customers WHERE {where} ORDER BY id LIMIT 50").collect()
        assert [r["id"] for r in rows] == [r.id for r in expected], who
        assert rows and all(not set(HIDDEN) & set(r) for r in rows), who
    carol = parse_exact(answers["carol"])["resource"]
    assert set(HIDDEN) <= set(carol[0])
    assert len({answers["alice"], answers["bob"], answers["carol"]}) == 3


def test_refresh_and_no_cache_bypass_the_lookup(bed):
    params = {"order": "id", "limit": 2, "fields": "id"}
    ok(get(bed, "carol", bed.delta, **params))
    assert cache_state(ok(get(bed, "carol", bed.delta, **params))) == "hit"
    refreshed = ok(get(bed, "carol", bed.delta, refresh="true", **params))
    assert cache_state(refreshed) == "refresh"
    assert audit_of(bed, refreshed)["sql_hash"]  # it ran on Spark
    no_cache = ok(get(bed, "carol", bed.delta, headers={"Cache-Control": "no-cache"}, **params))
    assert cache_state(no_cache) == "refresh"
    assert cache_state(ok(get(bed, "carol", bed.delta, **params))) == "hit"


def test_a_view_lives_cache_ttl(bed, spark):
    """A view (like any non-Delta source) has no version to key by: its answer
    is kept cache_ttl seconds and says so with max-age."""
    read = lambda: ok(get(bed, "carol", bed.view, service="briefly", order="id"))
    first = read()
    assert cache_state(first) == "miss"
    assert first.headers["Cache-Control"].startswith("private, max-age=")
    assert int(first.headers["Cache-Control"].split("=")[1]) <= 3
    spark.sql(f"INSERT INTO {bed.small} VALUES (3, 'three')")
    stored_at = time.monotonic()
    held = read()
    if time.monotonic() - stored_at < 2.5:  # still within cache_ttl: the answer kept
        assert cache_state(held) == "hit" and held.content == first.content
    time.sleep(max(0.0, 3.2 - (time.monotonic() - stored_at)))
    later = read()
    assert cache_state(later) == "miss"
    assert [r["id"] for r in parse_exact(later.text)["resource"]] == [1, 2, 3]


def test_read_only_sql_is_cached_and_full_grants_are_not(bed):
    sql = "SELECT id, id * 2 AS x FROM range(5) WHERE id >= ?"
    first = ok(query(bed, "sam", sql, [1]))
    second = ok(query(bed, "sam", sql, [1]))
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    assert second.content == first.content
    assert first.headers["Cache-Control"].startswith("private, max-age=")
    assert [r["id"] for r in parse_exact(first.text)["resource"]] == [1, 2, 3, 4]
    other = ok(query(bed, "sam", sql, [3]))
    assert cache_state(other) == "miss"
    assert [r["id"] for r in parse_exact(other.text)["resource"]] == [3, 4]
    # A caller who may run any SQL (a write, maybe): never cached.
    for _ in range(2):
        assert cache_state(ok(query(bed, "carol", sql, [1]))) is None
    # What the sandbox refuses is refused on a warm cache too.
    refused = query(bed, "sam", "SELECT reflect('java.lang.System', 'getProperty', 'user.name')")
    assert refused.status_code == 403, refused.text
    assert query(bed, "sam", "SELECT reflect('java.lang.System', 'getProperty', 'user.name')").status_code == 403


def test_a_warm_cache_never_answers_a_caller_who_may_not_ask(bed):
    """Authorization runs before the lookup: a cached answer is not a way around it."""
    warm = ok(get(bed, "carol", bed.delta, order="id", limit=3))
    assert cache_state(ok(get(bed, "carol", bed.delta, order="id", limit=3))) == "hit"
    for who in ("alice", "sam"):  # no grant on this table
        for extra in ({}, {"refresh": "true"}):
            denied = get(bed, who, bed.delta, order="id", limit=3, **extra)
            assert denied.status_code == 403, (who, extra, denied.text)
            assert cache_state(denied) is None and denied.content != warm.content
    sql = "SELECT id FROM range(3)"
    assert cache_state(ok(query(bed, "sam", sql))) in ("miss", "hit")
    assert cache_state(ok(query(bed, "sam", sql))) == "hit"
    refused = query(bed, "alice", sql)  # a role with a row filter may not run raw SQL
    assert refused.status_code == 403, refused.text
    assert cache_state(refused) is None
    # The same text with a comment is other text: it goes through the sandbox again.
    commented = ok(query(bed, "sam", sql + " -- cached?"))
    assert cache_state(commented) == "miss"


def test_a_service_without_the_cache_says_nothing(bed):
    response = ok(requests.get(f"{bed.server.url}/api/v2/plain/_table/{bed.delta}", params={"limit": 1},
                               headers=bed.headers["admin"], timeout=120))
    assert "X-Lakegate-Cache" not in response.headers
    assert "Cache-Control" not in response.headers


def test_system_cache_counts_and_empties(bed):
    ok(get(bed, "carol", bed.delta, order="id", limit=3))
    assert cache_state(ok(get(bed, "carol", bed.delta, order="id", limit=3))) == "hit"
    listed = bed.admin.ok("GET", "cache")["resource"]
    assert {c["name"] for c in listed} == {"cached", "briefly"}
    stats = bed.admin.ok("GET", "cache/cached")
    assert stats["hits"] >= 1 and stats["misses"] >= 1 and stats["entries"] >= 1, stats
    assert 0 < stats["bytes"] <= stats["max_bytes"] == 64 << 20
    assert stats["cache_ttl"] == 600
    bed.admin.ok("DELETE", "cache/cached")
    assert bed.admin.ok("GET", "cache/cached")["entries"] == 0
    assert cache_state(ok(get(bed, "carol", bed.delta, order="id", limit=3))) == "miss"
    assert_error(bed.admin.call("GET", "cache/plain"), 404)
    # Only sys-admins.
    denied = requests.get(f"{bed.server.url}/api/v2/system/cache", headers=bed.headers["carol"], timeout=60)
    assert denied.status_code == 403


# ---- two nodes sharing the cache's Redis tier ---------------------------------------

SHARED = """
services:
  - name: shared
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120,
              cache_enabled: true, cache_ttl: 600, version_ttl_ms: 0}}
result_cache: {{shared: "{redis}", key_prefix: "lg:rc:{run}:"}}
"""


@pytest.fixture(scope="module")
def pair(testbed_env):
    redis = f"{testbed_env['LAKEGATE_REDIS_URL'].rstrip('/')}/{random.randint(1, 15)}"
    config = SHARED.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"], redis=redis,
                           run=uuid.uuid4().hex[:8])
    nodes = [LakegateProcess(config), LakegateProcess(config)]
    try:
        for node in nodes:
            node.start()
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def test_nodes_sharing_redis_answer_each_others_reads(pair, bed, spark):
    a, b = pair
    read = lambda node: ok(requests.get(f"{node.url}/api/v2/shared/_table/{bed.delta}",
                                        params={"order": "id", "limit": 4, "fields": "id,label"}, timeout=120))
    made = read(a)
    assert cache_state(made) == "miss"
    from_a = read(b)
    assert cache_state(from_a) == "hit" and from_a.headers["X-Lakegate-Cache-Tier"] == "shared"
    assert from_a.content == made.content
    assert from_a.headers["ETag"] == made.headers["ETag"]
    again = read(b)
    assert cache_state(again) == "hit" and again.headers["X-Lakegate-Cache-Tier"] == "local"
    # A new Delta commit is a new key on every node: B reads Spark, A then finds B's answer.
    spark.sql(f"INSERT INTO {bed.delta} VALUES (0, 'zero', 0.00)")
    fresh = read(b)
    assert cache_state(fresh) == "miss"
    assert [r["id"] for r in parse_exact(fresh.text)["resource"]][0] == 0
    from_b = read(a)
    assert cache_state(from_b) == "hit" and from_b.headers["X-Lakegate-Cache-Tier"] == "shared"
    assert from_b.content == fresh.content
