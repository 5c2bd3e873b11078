"""End to end: Unity Catalog mode (use_unity_catalog: true) against the test
bed's nginx "Databricks front", which logs which token each request carried
(token_user=service|alice|bob|none in LAKEGATE_DATABRICKS_ACCESS_LOG).

  wh_uc        SQL warehouse (Thrift over HTTP, http_path), Unity Catalog mode
  connect_uc   Spark Connect (cluster_id), Unity Catalog mode
  wh_service   SQL warehouse with the service token (use_unity_catalog: false)

alice has her Databricks token stored on her user (admin API), bob sends his in
X-Databricks-Token, carol has none (401). The front's log proves whose identity
reached it, and that the service token was not used for their requests.
The front serves other tests too: a concurrent run that uses the service token
during these requests would be counted here.
"""
import collections
import os
import re
import time

import pytest
import requests

from security_helpers import (GET, POST, AdminApi, assert_error, key_headers, login,
                              session_headers, start_secure, strong_password)

CONFIG = """
services:
  - name: wh_uc
    type: databricks
    config: {{workspace_url: "{front}", http_path: "{http_path}", access_token: "${{LG_E2E_SERVICE_TOKEN}}",
             ca_file: "{ca}", catalog: spark_catalog, schema: retail, timeout: 120, use_unity_catalog: true}}
  - name: connect_uc
    type: databricks
    config: {{workspace_url: "{front}", cluster_id: "{cluster_id}", access_token: "${{LG_E2E_SERVICE_TOKEN}}",
             ca_file: "{ca}", catalog: spark_catalog, schema: retail, timeout: 120, use_unity_catalog: true}}
  - name: wh_service
    type: databricks
    config: {{workspace_url: "{front}", http_path: "{http_path}", access_token: "${{LG_E2E_SERVICE_TOKEN}}",
             ca_file: "{ca}", catalog: spark_catalog, schema: retail, timeout: 120}}
"""

WRONG_TOKEN = "dapi" + "0123456789abcdef" * 2 + "00000000"


class FrontLog:
    """Counts token_user=… of the front's access-log lines written after mark()."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def mark(self, quiet=0.5, limit=5.0):
        """Starts counting once the log has been quiet for `quiet` seconds, so a
        previous test's late lines (a gRPC stream the front logs when it ends,
        an asynchronous ReleaseExecute) are not counted in this one."""
        deadline = time.time() + limit
        size = os.path.getsize(self.path)
        while time.time() < deadline:
            time.sleep(quiet)
            now = os.path.getsize(self.path)
            if now == size:
                break
            size = now
        self.offset = size

    def counts(self, settle=0.7):
        time.sleep(settle)  # asynchronous calls (Spark Connect's ReleaseExecute) end a little later
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            text = f.read().decode(errors="replace")
        return collections.Counter(re.findall(r"token_user=(\w+)", text))


class Bed:
    pass


@pytest.fixture(scope="module")
def bed(testbed_env):
    env = testbed_env
    b = Bed()
    b.env = env
    b.log = FrontLog(env["LAKEGATE_DATABRICKS_ACCESS_LOG"])
    b.server = start_secure(CONFIG.format(front=env["LAKEGATE_DATABRICKS_URL"],
                                          http_path=env["LAKEGATE_DATABRICKS_HTTP_PATH"],
                                          cluster_id=env["LAKEGATE_DATABRICKS_CLUSTER_ID"],
                                          ca=env["LAKEGATE_DATABRICKS_CA"]),
                            env={"LG_E2E_SERVICE_TOKEN": env["LAKEGATE_DATABRICKS_TOKEN"]})
    try:
        admin = b.admin = AdminApi(b.server)
        uc_user = admin.create_role("uc_user", [{"service": None, "component": "*", "verb_mask": GET | POST}])
        orders_only = admin.create_role("orders_only", [
            {"service": "wh_service", "component": "_table/retail.orders", "verb_mask": GET},
            {"service": "wh_uc", "component": "_table/retail.orders", "verb_mask": GET}])
        b.headers = {}
        for name, role, token in (("alice", uc_user, env["LAKEGATE_DATABRICKS_USER_TOKEN_ALICE"]),
                                  ("bob", uc_user, None), ("carol", uc_user, None), ("olga", orders_only, None)):
            email, password = f"{name}@unity.lakegate.test", strong_password()
            user_id = admin.create_user(email, password, role_id=role, databricks_token=token)
            if name == "alice":
                b.alice_id = user_id
            b.headers[name] = session_headers(login(b.server, email, password)["session_token"])
        _, key = admin.create_app("uc_app", uc_user)
        b.headers["app"] = key_headers(key)
        yield b
    finally:
        b.server.stop()


def call(bed, service, who, path="_table/customers", method="GET", token=None, **params):
    headers = dict(bed.headers[who])
    if token is not None:
        headers["X-Databricks-Token"] = token
    if path == "_query":
        return requests.post(f"{bed.server.url}/api/v2/{service}/_query", headers=headers, timeout=180,
                             json={"sql": "SELECT id, name FROM retail.customers ORDER BY id LIMIT 3"})
    return requests.request(method, f"{bed.server.url}/api/v2/{service}/{path}", headers=headers,
                            params=dict({"limit": 3, "order": "id"}, **params), timeout=180)


def assert_identity(counts, user):
    assert counts[user] >= 1, f"no request reached the front as {user}: {dict(counts)}"
    others = {"alice", "bob", "service"} - {user}
    assert all(counts[o] == 0 for o in others), f"requests as {user} also used other tokens: {dict(counts)}"


@pytest.mark.parametrize("service", ["wh_uc", "connect_uc"])
@pytest.mark.parametrize("path", ["_table/customers", "_query"])
def test_stored_token_is_used(bed, spark, service, path):
    bed.log.mark()
    response = call(bed, service, "alice", path)
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["resource"]] == [1, 2, 3]
    assert_identity(bed.log.counts(), "alice")


@pytest.mark.parametrize("service", ["wh_uc", "connect_uc"])
def test_header_token_is_used(bed, service):
    bed.log.mark()
    response = call(bed, service, "bob", token=bed.env["LAKEGATE_DATABRICKS_USER_TOKEN_BOB"])
    assert response.status_code == 200, response.text
    assert_identity(bed.log.counts(), "bob")


def test_header_token_takes_precedence_over_the_stored_one(bed):
    bed.log.mark()
    response = call(bed, "wh_uc", "alice", "_query", token=bed.env["LAKEGATE_DATABRICKS_USER_TOKEN_BOB"])
    assert response.status_code == 200, response.text
    assert_identity(bed.log.counts(), "bob")


@pytest.mark.parametrize("service", ["wh_uc", "connect_uc"])
@pytest.mark.parametrize("who", ["carol", "bob", "app"])
def test_no_databricks_identity_is_401(bed, service, who):
    bed.log.mark()
    response = call(bed, service, who)
    error = assert_error(response, 401)
    assert "X-Databricks-Token" in error["message"], error
    counts = bed.log.counts(settle=0.3)
    assert counts["service"] == 0, f"the service token was used for a caller without identity: {dict(counts)}"


def test_app_key_with_header_token_runs_as_that_identity(bed):
    bed.log.mark()
    response = call(bed, "wh_uc", "app", "_query", token=bed.env["LAKEGATE_DATABRICKS_USER_TOKEN_BOB"])
    assert response.status_code == 200, response.text
    assert_identity(bed.log.counts(), "bob")


@pytest.mark.parametrize("service", ["wh_uc", "connect_uc"])
def test_wrong_user_token_is_502(bed, service):
    bed.log.mark()
    response = call(bed, service, "bob", "_query", token=WRONG_TOKEN)
    error = assert_error(response, 502)
    if service == "wh_uc":
        assert "backend authentication failed" in error["message"], error
    assert WRONG_TOKEN not in response.text
    counts = bed.log.counts()
    assert counts["none"] >= 1 and counts["service"] == 0, dict(counts)


def test_stored_token_is_masked_and_replaceable(bed):
    shown = bed.admin.ok("GET", f"user/{bed.alice_id}")
    assert shown["databricks_token"] == "********"
    # Sending the mask back keeps the token.
    bed.admin.ok("PATCH", f"user/{bed.alice_id}", json={"databricks_token": "********", "first_name": "Alice"})
    bed.log.mark()
    assert call(bed, "wh_uc", "alice", "_query").status_code == 200
    assert_identity(bed.log.counts(), "alice")
    # Clearing it leaves alice without an identity.
    bed.admin.ok("PATCH", f"user/{bed.alice_id}", json={"databricks_token": ""})
    try:
        assert_error(call(bed, "wh_uc", "alice", "_query"), 401)
    finally:
        bed.admin.ok("PATCH", f"user/{bed.alice_id}",
                     json={"databricks_token": bed.env["LAKEGATE_DATABRICKS_USER_TOKEN_ALICE"]})
    assert call(bed, "wh_uc", "alice", "_query").status_code == 200


def test_without_unity_catalog_the_service_token_is_used(bed):
    bed.log.mark()
    response = call(bed, "wh_service", "olga", "_table/orders")
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["resource"]] == [1, 2, 3]
    assert_identity(bed.log.counts(), "service")
    # A caller's token header changes nothing on such a service.
    bed.log.mark()
    response = call(bed, "wh_service", "olga", "_table/orders", token=bed.env["LAKEGATE_DATABRICKS_USER_TOKEN_BOB"])
    assert response.status_code == 200, response.text
    assert_identity(bed.log.counts(), "service")


def test_lakegate_rbac_still_applies(bed):
    alice_token = bed.env["LAKEGATE_DATABRICKS_USER_TOKEN_ALICE"]
    for service, token in (("wh_service", None), ("wh_uc", alice_token)):
        bed.log.mark()
        assert_error(call(bed, service, "olga", "_table/customers", token=token), 403)
        assert_error(call(bed, service, "olga", "_query", token=token), 403)
        counts = bed.log.counts(settle=0.3)
        assert counts["service"] == 0 and counts["alice"] == 0, \
            f"a request refused by lakegate's RBAC reached the front: {dict(counts)}"
    # In Unity Catalog mode the grant alone is not enough: olga also needs a Databricks identity.
    assert_error(call(bed, "wh_uc", "olga", "_table/orders"), 401)
    bed.log.mark()
    response = call(bed, "wh_uc", "olga", "_table/orders", token=alice_token)
    assert response.status_code == 200, response.text
    assert_identity(bed.log.counts(), "alice")
