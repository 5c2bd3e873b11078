"""End to end: rate limits (DreamFactory's df-limits shape, POST /api/v2/system/limit).

One node with in-memory counters: per-user, each_user, per-role, per-endpoint
and verb-specific limits, 429 with Retry-After / X-RateLimit-* headers and
DreamFactory's body, sys-admins exempt, DELETE /system/limit_cache, and
exactness under concurrency. Then two nodes sharing one PostgreSQL store (a
fresh database per run) and one Redis: the limit holds across both nodes, and
admin changes on one node reach the other through the reload poll.

Requests that are limited go to the service root (GET /api/v2/spark), which
answers without Spark, so timing stays far from the buckets' refill rate.
"""
import concurrent.futures
import random
import subprocess
import time
import uuid

import pytest
import requests

from lakegate_process import LakegateProcess
from security_helpers import (ALL_VERBS, AdminApi, assert_error, key_headers, login, session_headers,
                              start_secure, strong_password, unique, wait_until)

SERVICES = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: retail, timeout: 120}}
"""


class Bed:
    pass


@pytest.fixture(scope="module")
def bed(testbed_env):
    b = Bed()
    b.server = start_secure(SERVICES.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    try:
        admin = b.admin = AdminApi(b.server)
        b.role = admin.create_role("limited", [{"service": "spark", "component": "*", "verb_mask": ALL_VERBS}])
        b.service_id = admin.service_id("spark")
        b.users, b.headers = {}, {}
        for name in ("u1", "u2", "u3", "u4", "u5", "u6"):
            email, password = f"{name}@limits.lakegate.test", strong_password()
            b.users[name] = admin.create_user(email, password, role_id=b.role)
            b.headers[name] = session_headers(login(b.server, email, password)["session_token"])
        _, key = admin.create_app("keyed", b.role)
        b.headers["app"] = key_headers(key)
        b.headers["admin"] = admin.headers
        yield b
    finally:
        b.server.stop()


@pytest.fixture(autouse=True)
def clean_limits(request):
    yield
    if "bed" in request.fixturenames:
        b = request.getfixturevalue("bed")
        for limit in b.admin.ok("GET", "limit")["resource"]:
            b.admin.ok("DELETE", f"limit/{limit['id']}")
        b.admin.ok("DELETE", "limit_cache")


def hit(url, headers, path="/api/v2/spark", method="GET", **kwargs):
    return requests.request(method, url + path, headers=headers, timeout=60, **kwargs)


def statuses(url, headers, n, **kwargs):
    return [hit(url, headers, **kwargs).status_code for _ in range(n)]


def assert_limited(response, limit_id, rate):
    error = assert_error(response, 429)
    assert error["message"] == "API limit(s) exceeded. ", error
    assert isinstance(error["context"], list) and limit_id in [c["id"] for c in error["context"]], error
    now = time.time()
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60, response.headers
    assert int(response.headers["X-RateLimit-Limit"]) == rate, response.headers
    assert int(response.headers["X-RateLimit-Remaining"]) == 0, response.headers
    reset = int(response.headers["X-RateLimit-Reset"])
    assert now - 2 <= reset <= now + 62, (reset, now)


def test_per_user_limit(bed):
    limit_id = bed.admin.create_limit(type="instance.user", rate=5, period=0, user_id=bed.users["u1"],
                                      name="u1 five a minute")
    limit = bed.admin.ok("GET", f"limit/{limit_id}")
    assert limit["period"] == "minute" and limit["rate"] == 5 and limit["user_id"] == bed.users["u1"]
    ok = [hit(bed.server.url, bed.headers["u1"]) for _ in range(5)]
    assert [r.status_code for r in ok] == [200] * 5
    for response in ok:  # DreamFactory: the headers appear only on 429 responses
        assert "X-RateLimit-Limit" not in response.headers
    over = hit(bed.server.url, bed.headers["u1"])
    assert_limited(over, limit_id, 5)
    assert over.json()["error"]["context"][0]["name"] == "u1 five a minute"
    assert statuses(bed.server.url, bed.headers["u1"], 2) == [429, 429]
    # Other users and an app key are not affected.
    assert statuses(bed.server.url, bed.headers["u2"], 8) == [200] * 8
    assert statuses(bed.server.url, bed.headers["app"], 3) == [200] * 3


def test_each_user_limit(bed):
    limit_id = bed.admin.create_limit(type="instance.each_user", rate=3, period="minute")
    for user in ("u3", "u4"):
        codes = statuses(bed.server.url, bed.headers[user], 3)
        assert codes == [200] * 3, user
        assert_limited(hit(bed.server.url, bed.headers[user]), limit_id, 3)
    # each_user applies to authenticated users only.
    assert statuses(bed.server.url, bed.headers["app"], 5) == [200] * 5


def test_user_limit_overrides_each_user(bed):
    bed.admin.create_limit(type="instance.each_user", rate=2)
    bed.admin.create_limit(type="instance.user", rate=4, user_id=bed.users["u5"])
    assert statuses(bed.server.url, bed.headers["u5"], 5) == [200] * 4 + [429]
    assert statuses(bed.server.url, bed.headers["u6"], 3) == [200] * 2 + [429]


def test_role_limit_is_shared_by_the_role(bed):
    limit_id = bed.admin.create_limit(type="instance.role", rate=3, role_id=bed.role)
    assert statuses(bed.server.url, bed.headers["u1"], 2) == [200, 200]
    assert statuses(bed.server.url, bed.headers["u2"], 1) == [200]
    assert_limited(hit(bed.server.url, bed.headers["u3"]), limit_id, 3)
    assert_limited(hit(bed.server.url, bed.headers["app"]), limit_id, 3)


def test_verb_specific_limit(bed):
    bed.admin.create_limit(type="instance.user", rate=1, verb="POST", user_id=bed.users["u1"])
    assert statuses(bed.server.url, bed.headers["u1"], 4) == [200] * 4
    first = hit(bed.server.url, bed.headers["u1"], path="/api/v2/spark/_query", method="POST",
                json={"sql": "SELECT 1 AS one"})
    assert first.status_code == 200, first.text
    second = hit(bed.server.url, bed.headers["u1"], path="/api/v2/spark/_query", method="POST",
                 json={"sql": "SELECT 1 AS one"})
    assert_error(second, 429)
    assert statuses(bed.server.url, bed.headers["u1"], 2) == [200] * 2


def test_endpoint_limit(bed):
    limit_id = bed.admin.create_limit(type="instance.service.endpoint", rate=2, service_id=bed.service_id,
                                      endpoint="_table/customers")
    customers = dict(path="/api/v2/spark/_table/customers", params={"limit": 1})
    assert statuses(bed.server.url, bed.headers["u1"], 2, **customers) == [200, 200]
    assert_limited(hit(bed.server.url, bed.headers["u2"], **customers), limit_id, 2)
    assert hit(bed.server.url, bed.headers["u1"], path="/api/v2/spark/_table/orders",
               params={"limit": 1}).status_code == 200
    assert hit(bed.server.url, bed.headers["u1"]).status_code == 200


def test_wildcard_endpoint_limit(bed):
    bed.admin.create_limit(type="instance.each_user.service.endpoint", rate=2, service_id=bed.service_id,
                           endpoint="_table/*")
    assert statuses(bed.server.url, bed.headers["u4"], 3, path="/api/v2/spark/_table/customers",
                    params={"limit": 1}) == [200, 200, 429]
    assert statuses(bed.server.url, bed.headers["u5"], 1, path="/api/v2/spark/_table/orders",
                    params={"limit": 1}) == [200]
    assert hit(bed.server.url, bed.headers["u4"]).status_code == 200  # the service root is not _table/*


def test_sys_admin_is_exempt(bed):
    limit_id = bed.admin.create_limit(type="instance", rate=2)
    assert statuses(bed.server.url, bed.headers["admin"], 6) == [200] * 6
    assert statuses(bed.server.url, bed.headers["u1"], 2) == [200] * 2
    assert_limited(hit(bed.server.url, bed.headers["u2"]), limit_id, 2)
    assert statuses(bed.server.url, bed.headers["admin"], 2) == [200] * 2


def test_inactive_limit_is_ignored(bed):
    bed.admin.create_limit(type="instance.user", rate=1, user_id=bed.users["u1"], is_active=False)
    assert statuses(bed.server.url, bed.headers["u1"], 3) == [200] * 3


def test_limit_cache_reset(bed):
    limit_id = bed.admin.create_limit(type="instance.user", rate=2, user_id=bed.users["u1"])
    assert statuses(bed.server.url, bed.headers["u1"], 3) == [200, 200, 429]
    listed = bed.admin.ok("GET", "limit_cache")["resource"]
    assert limit_id in [entry["id"] for entry in listed]
    assert bed.admin.call("DELETE", "limit_cache").status_code == 200
    assert statuses(bed.server.url, bed.headers["u1"], 3) == [200, 200, 429]


def test_deleted_limit_stops_applying(bed):
    limit_id = bed.admin.create_limit(type="instance.user", rate=1, user_id=bed.users["u2"])
    assert statuses(bed.server.url, bed.headers["u2"], 2) == [200, 429]
    bed.admin.ok("DELETE", f"limit/{limit_id}")
    assert statuses(bed.server.url, bed.headers["u2"], 3) == [200] * 3


def test_invalid_limits_are_refused(bed):
    for body in ({"type": "instance.user", "rate": 5, "name": "no user"},
                 {"type": "instance", "rate": 5, "user_id": bed.users["u1"], "name": "stray user"},
                 {"type": "instance.bogus", "rate": 5, "name": "bad type"},
                 {"type": "instance", "rate": 0, "name": "zero"},
                 {"type": "instance", "rate": 5, "period": 9, "name": "bad period"}):
        assert_error(bed.admin.call("POST", "limit", json={"resource": [body]}), 400)


def test_concurrent_requests_get_exactly_the_limit(bed):
    limit_id = bed.admin.create_limit(type="instance.user", rate=10, user_id=bed.users["u2"])
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda _: hit(bed.server.url, bed.headers["u2"]).status_code, range(20)))
    assert sorted(codes) == [200] * 10 + [429] * 10, codes
    assert_limited(hit(bed.server.url, bed.headers["u2"]), limit_id, 10)


# ---- two nodes: one PostgreSQL store, one Redis ------------------------------------

def psql(url, sql):
    result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def cluster(testbed_env):
    base_url = testbed_env["LAKEGATE_POSTGRES_URL"]
    database = f"lg_sec_{uuid.uuid4().hex[:10]}"
    store_url = base_url.rsplit("/", 1)[0] + "/" + database
    redis_url = f"{testbed_env['LAKEGATE_REDIS_URL'].rstrip('/')}/{random.randint(1, 15)}"
    psql(base_url, f"CREATE DATABASE {database}")
    config = SERVICES.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]) + f"""
store: "{store_url}"
rate_limits: {{backend: "{redis_url}"}}
security: {{reload_interval_seconds: 2}}
"""
    nodes = []
    try:
        a = start_secure(config)
        nodes.append(a)
        b = LakegateProcess(config, provision=False, env={"LAKEGATE_MASTER_KEY": a.master_key})
        nodes.append(b)
        b.start()
        c = Bed()
        c.a, c.b = a, b
        c.admin_a = AdminApi(a)
        c.admin_b = AdminApi(b, a.admin_email, a.admin_password)  # the same admin, from the shared store
        c.admin_a.ok("DELETE", "limit_cache")  # this Redis database starts empty for the run
        yield c
    finally:
        for node in nodes:
            node.stop()
        psql(base_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def test_admin_change_on_one_node_reaches_the_other(cluster):
    role = cluster.admin_a.create_role(unique("everything"), [{"service": "spark", "component": "*",
                                                             "verb_mask": ALL_VERBS}])
    started = time.time()
    _, key = cluster.admin_a.create_app(unique("fresh"), role)
    assert hit(cluster.a.url, key_headers(key)).status_code == 200  # at once on the node that made it
    assert wait_until(lambda: hit(cluster.b.url, key_headers(key)).status_code == 200, timeout=10), \
        "node B never accepted the key made on node A"
    assert time.time() - started < 8


def test_sessions_are_shared_and_logout_reaches_the_other_node(cluster):
    role = cluster.admin_a.create_role(unique("session_role"), [{"service": "spark", "component": "*",
                                                               "verb_mask": ALL_VERBS}])
    email, password = f"{unique('roamer')}@limits.lakegate.test", strong_password()
    cluster.admin_a.create_user(email, password, role_id=role)
    token = login(cluster.a, email, password)["session_token"]
    assert wait_until(lambda: hit(cluster.b.url, session_headers(token)).status_code == 200, timeout=10)
    out = requests.delete(cluster.a.url + "/api/v2/user/session", headers=session_headers(token), timeout=30)
    assert out.status_code == 200, out.text
    assert hit(cluster.a.url, session_headers(token)).status_code == 401
    assert wait_until(lambda: hit(cluster.b.url, session_headers(token)).status_code == 401, timeout=10), \
        "a session ended on node A still works on node B"


def test_limit_is_shared_across_nodes(cluster):
    role = cluster.admin_a.create_role(unique("shared_role"), [{"service": "spark", "component": "*",
                                                              "verb_mask": ALL_VERBS}])
    email, password = f"{unique('shared')}@limits.lakegate.test", strong_password()
    user_id = cluster.admin_a.create_user(email, password, role_id=role)
    headers = session_headers(login(cluster.a, email, password)["session_token"])
    assert wait_until(lambda: hit(cluster.b.url, headers).status_code == 200, timeout=10)
    limit_id = cluster.admin_a.create_limit(type="instance.user", rate=6, user_id=user_id)
    assert wait_until(lambda: limit_id in [entry["id"] for entry in
                                          cluster.admin_b.ok("GET", "limit_cache")["resource"]], timeout=10), \
        "node B never loaded the limit made on node A"
    cluster.admin_b.ok("DELETE", "limit_cache")

    codes = [hit(node.url, headers).status_code for _ in range(6) for node in (cluster.a, cluster.b)]
    assert codes.count(200) == 6 and codes.count(429) == 6, codes
    assert codes[:6] == [200] * 6

    cluster.admin_a.ok("DELETE", "limit_cache")
    urls = [cluster.a.url, cluster.b.url] * 10
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda url: hit(url, headers).status_code, urls))
    assert sorted(codes) == [200] * 6 + [429] * 14, codes
