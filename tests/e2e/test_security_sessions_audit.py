"""End to end: sessions, login throttling, the audit trail, service CRUD through
the admin API, and secrets never leaking.

  sessions  POST/GET/PUT/DELETE /api/v2/user/session; the JWT works in
            X-DreamFactory-Session-Token and Authorization: Bearer; refresh and
            logout revoke the old token
  throttle  after 5 failed logins further attempts get 429 with Retry-After
            (even with the right password) until the (capped, 2 s) delay passes
  audit     one JSON line per request in audit.file, with request_id = the
            X-Request-Id response header, never parameter values (unless
            include_params); GET /api/v2/system/audit returns the same records
  services  POST /api/v2/system/service (seed shape, access_token masked),
            usable at once, PATCH, DELETE → 404; config-file services → 409
  secrets   no response body, lakegate log or audit line of this module holds
            an API key, password, session token, Databricks token or the master key
"""
import hashlib
import json
import os
import re
import time
import uuid

import pytest
import requests

from lakegate_process import is_registered
from security_helpers import (ALL_VERBS, AdminApi, assert_error, bearer_headers, jwt_claims, key_headers,
                              session_headers, start_secure, strong_password, unique)

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: retail, timeout: 120}}
  - name: warehouse
    type: databricks
    config: {{workspace_url: "{front}", http_path: "{http_path}", access_token: "${{LG_E2E_SERVICE_TOKEN}}",
             ca_file: "{ca}", catalog: spark_catalog, schema: retail, timeout: 120}}
security: {{login_max_delay_seconds: 2}}
audit: {{file: "{audit}"{extra_audit}}}
"""

SENTINEL = "Sentinel-" + uuid.uuid4().hex  # a parameter value that must never be recorded


class Bed:
    def __init__(self):
        self.bodies = []  # (label, text) of every response that must hold no secret
        self.secrets = {}  # label → secret text

    def call(self, method, path, secret_ok=False, **kwargs):
        response = requests.request(method, self.server.url + path, timeout=kwargs.pop("timeout", 120), **kwargs)
        if not secret_ok:
            self.bodies.append((f"{method} {path} → {response.status_code}", response.text))
        return response

    def login(self, email, password):
        response = self.call("POST", "/api/v2/user/session", secret_ok=True,
                             json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        self.secrets[f"session token of {email} #{len(self.secrets)}"] = response.json()["session_token"]
        return response.json()


def config_for(testbed_env, audit_file, extra_audit=""):
    return CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"], front=testbed_env["LAKEGATE_DATABRICKS_URL"],
                         http_path=testbed_env["LAKEGATE_DATABRICKS_HTTP_PATH"],
                         ca=testbed_env["LAKEGATE_DATABRICKS_CA"], audit=audit_file, extra_audit=extra_audit)


@pytest.fixture(scope="module")
def bed(testbed_env, tmp_path_factory):
    b = Bed()
    b.env = testbed_env
    b.audit_file = str(tmp_path_factory.mktemp("audit") / "audit.log")
    service_token = testbed_env["LAKEGATE_DATABRICKS_TOKEN"]
    b.server = start_secure(config_for(testbed_env, b.audit_file),
                            env={"LG_E2E_SERVICE_TOKEN": service_token})
    try:
        b.secrets.update({"master key": b.server.master_key, "admin password": b.server.admin_password,
                          "Databricks service token": service_token,
                          "alice's Databricks token": testbed_env["LAKEGATE_DATABRICKS_USER_TOKEN_ALICE"],
                          "bob's Databricks token": testbed_env["LAKEGATE_DATABRICKS_USER_TOKEN_BOB"]})
        admin = b.admin = AdminApi(b.server)
        b.secrets["admin session token"] = admin.token
        b.role_name = "auditor"
        b.role = admin.create_role(b.role_name, [{"service": "spark", "component": "*", "verb_mask": ALL_VERBS}])
        b.app_name = unique("audited_app")
        b.app_id, b.app_key = admin.create_app(b.app_name, b.role)
        b.secrets["app key"] = b.app_key
        b.email, b.password = "sam@sessions.lakegate.test", strong_password()
        b.secrets["sam's password"] = b.password
        b.user_id = admin.create_user(b.email, b.password, role_id=b.role,
                                      databricks_token=testbed_env["LAKEGATE_DATABRICKS_USER_TOKEN_ALICE"])
        b.victim, b.victim_password = "victim@sessions.lakegate.test", strong_password()
        b.secrets["victim's password"] = b.victim_password
        admin.create_user(b.victim, b.victim_password, role_id=b.role)
        yield b
    finally:
        b.server.stop()


def read_audit(bed):
    bed.admin.ok("GET", "audit", params={"limit": 1})  # flushes the queue into the file and the store
    with open(bed.audit_file) as f:
        return [json.loads(line) for line in f if line.strip()]


def audit_lines(bed, request_id):
    return [line for line in read_audit(bed) if line["request_id"] == request_id]


# ---- sessions --------------------------------------------------------------------------

def test_login_returns_a_session(bed):
    session = bed.login(bed.email, bed.password)
    token = session["session_token"]
    parts = token.split(".")
    assert len(parts) == 3 and all(re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in parts), token
    assert session["email"] == bed.email and session["id"] == bed.user_id
    assert session["is_sys_admin"] is False
    assert session["role"] == bed.role_name and session["role_id"] == bed.role
    assert session["session_id"] and session["token_expiry_date"]
    claims = jwt_claims(token)
    assert claims["sub"] == bed.email and claims["user_id"] == bed.user_id
    assert claims["jti"] == session["session_id"]
    assert claims["exp"] - claims["iat"] == 1440 * 60
    assert "password" not in json.dumps(session)


def test_session_token_header_and_bearer(bed):
    token = bed.login(bed.email, bed.password)["session_token"]
    for headers in (session_headers(token), bearer_headers(token)):
        response = bed.call("GET", "/api/v2/spark/_table/customers", headers=headers, params={"limit": 2})
        assert response.status_code == 200, response.text
        assert len(response.json()["resource"]) == 2


def test_get_session(bed):
    token = bed.login(bed.email, bed.password)["session_token"]
    response = bed.call("GET", "/api/v2/user/session", headers=session_headers(token))
    assert response.status_code == 200, response.text
    assert response.json()["email"] == bed.email and "session_token" not in response.json()
    assert_error(bed.call("GET", "/api/v2/user/session"), 401)


def test_refresh_revokes_the_old_token(bed):
    old = bed.login(bed.email, bed.password)["session_token"]
    response = bed.call("PUT", "/api/v2/user/session", secret_ok=True, headers=session_headers(old))
    assert response.status_code == 200, response.text
    new = response.json()["session_token"]
    bed.secrets["refreshed token"] = new
    assert new != old and len(new.split(".")) == 3
    assert_error(bed.call("GET", "/api/v2/spark", headers=session_headers(old)), 401)
    assert bed.call("GET", "/api/v2/spark", headers=session_headers(new)).status_code == 200
    # A revoked token cannot be refreshed either.
    assert_error(bed.call("PUT", "/api/v2/user/session", headers=session_headers(old)), 401)


def test_logout(bed):
    token = bed.login(bed.email, bed.password)["session_token"]
    response = bed.call("DELETE", "/api/v2/user/session", headers=session_headers(token))
    assert response.status_code == 200, response.text
    assert_error(bed.call("GET", "/api/v2/spark", headers=session_headers(token)), 401)
    assert_error(bed.call("GET", "/api/v2/user/session", headers=bearer_headers(token)), 401)
    assert_error(bed.call("DELETE", "/api/v2/user/session", headers=session_headers(token)), 401)


def test_password_change_ends_sessions(bed):
    email, password = "changer@sessions.lakegate.test", strong_password()
    bed.secrets["changer's password"] = password
    user_id = bed.admin.create_user(email, password, role_id=bed.role)
    token = bed.login(email, password)["session_token"]
    new_password = strong_password()
    bed.secrets["changer's new password"] = new_password
    bed.admin.ok("PATCH", f"user/{user_id}", json={"password": new_password})
    assert_error(bed.call("GET", "/api/v2/spark", headers=session_headers(token)), 401)
    assert bed.login(email, new_password)["session_token"]


def test_wrong_password_and_unknown_user_are_401(bed):
    wrong = bed.call("POST", "/api/v2/user/session", json={"email": bed.email, "password": "wrong-password-1"})
    unknown = bed.call("POST", "/api/v2/user/session",
                       json={"email": "nobody@sessions.lakegate.test", "password": "wrong-password-1"})
    assert assert_error(wrong, 401)["message"] == assert_error(unknown, 401)["message"]
    # A normal user has no admin session.
    response = bed.call("POST", "/api/v2/system/admin/session", json={"email": bed.email, "password": bed.password})
    assert response.status_code in (401, 403), response.text
    time.sleep(2.5)  # lets the per-address failure record expire (login_max_delay_seconds: 2)


def test_brute_force_is_throttled_without_locking_out(bed):
    time.sleep(2.5)
    attempt = lambda password: bed.call("POST", "/api/v2/user/session", secret_ok=True,  # noqa: E731
                                        json={"email": bed.victim, "password": password})
    for _ in range(5):
        assert_error(attempt("not-the-password"), 401)
    # The sixth try waits about a second (lakegate's clock has whole seconds, so it may be let
    # through at once); the one after a sixth failure surely waits: the delay doubles (cap 2 s).
    for _ in range(10):
        response = attempt("not-the-password")
        if response.status_code == 401:
            break
        assert_error(response, 429)
        assert 1 <= int(response.headers["Retry-After"]) <= 2, response.headers
        time.sleep(0.4)
    else:
        raise AssertionError("a sixth try was never allowed: locked out")
    sixth_failure = time.time()
    for password in (bed.victim_password, "not-the-password", bed.victim_password):
        response = attempt(password)
        assert_error(response, 429, "too many failed logins")
        assert 1 <= int(response.headers["Retry-After"]) <= 2, response.headers
        assert "session_token" not in response.text
    time.sleep(max(0.0, sixth_failure + 2.3 - time.time()))
    ok = attempt(bed.victim_password)
    assert ok.status_code == 200, ok.text
    bed.secrets["victim's session token"] = ok.json()["session_token"]
    time.sleep(2.5)  # lets the per-address record expire for the tests after this one


# ---- audit -----------------------------------------------------------------------------

AUDIT_FIELDS = {"time", "request_id", "app", "user", "role", "service", "resource", "verb", "status", "bytes",
                "duration_ms", "sql_hash", "remote_address"}
# The file leaves out empty text fields (no app, no user); the API shows them as "".
ALWAYS_IN_FILE = AUDIT_FIELDS - {"app", "user", "role", "service", "resource", "sql_hash", "remote_address"}


def field(line, name):
    return line.get(name, "")


def test_audit_line_of_a_table_read(bed):
    token = bed.login(bed.email, bed.password)["session_token"]
    headers = dict(session_headers(token), **key_headers(bed.app_key))
    response = bed.call("GET", "/api/v2/spark/_table/customers", headers=headers,
                        params={"limit": 7, "filter": "name != :n", "params[n]": SENTINEL, "order": "id"})
    assert response.status_code == 200, response.text
    returned = len(response.json()["resource"])
    assert returned == 7
    request_id = response.headers["X-Request-Id"]
    lines = audit_lines(bed, request_id)
    assert len(lines) == 1, lines
    line = lines[0]
    assert AUDIT_FIELDS <= set(line), sorted(line)  # this request has every one
    assert line["app"] == bed.app_name and line["user"] == bed.email and line["role"] == bed.role_name
    assert line["service"] == "spark" and line["resource"] == "_table/customers" and line["verb"] == "GET"
    assert line["status"] == 200
    assert line["bytes"] == len(response.content)
    assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] > 0
    assert re.fullmatch(r"[0-9a-f]{64}", line["sql_hash"]), line
    assert line["remote_address"] == "127.0.0.1"
    assert "params" not in line
    with open(bed.audit_file) as f:
        assert SENTINEL not in f.read()
    assert line["rows"] == returned, "rows must count the records returned"


def test_audit_line_of_a_query_with_parameters(bed):
    sql = "SELECT count(*) AS n FROM retail.customers WHERE name = :n"
    hashes = []
    for value in (SENTINEL, SENTINEL + "-other"):
        response = bed.call("POST", "/api/v2/spark/_query", headers=key_headers(bed.app_key),
                            json={"sql": sql, "params": {"n": value}})
        assert response.status_code == 200, response.text
        [line] = audit_lines(bed, response.headers["X-Request-Id"])
        assert ALWAYS_IN_FILE <= set(line), sorted(line)
        assert line["app"] == bed.app_name and field(line, "user") == "" and line["role"] == bed.role_name
        assert line["resource"] == "_query" and line["verb"] == "POST" and line["rows"] == 1
        assert re.fullmatch(r"[0-9a-f]{64}", line["sql_hash"]), line
        assert "params" not in line
        hashes.append(line["sql_hash"])
    assert hashes[0] == hashes[1]  # the hash covers the statement, not the values
    with open(bed.audit_file) as f:
        assert SENTINEL not in f.read()


def test_every_request_is_audited_once_but_health(bed):
    ids = {}
    for label, method, path, kwargs in (
            ("no credentials", "GET", "/api/v2/spark/_table/customers", {}),
            ("bad key", "GET", "/api/v2", {"headers": key_headers("nope")}),
            ("unknown route", "GET", "/api/v2/spark/_nothing", {"headers": key_headers(bed.app_key)}),
            ("write denied", "DELETE", "/api/v2/system/role/1", {"headers": key_headers(bed.app_key)})):
        response = bed.call(method, path, **kwargs)
        assert response.status_code >= 400
        ids[label] = (response.headers["X-Request-Id"], response.status_code, method)
    health = bed.call("GET", "/health")
    lines = read_audit(bed)
    by_id = {}
    for line in lines:
        by_id.setdefault(line["request_id"], []).append(line)
    for label, (request_id, status, method) in ids.items():
        assert len(by_id.get(request_id, [])) == 1, label
        line = by_id[request_id][0]
        assert line["status"] == status and line["verb"] == method, (label, line)
    for label in ("no credentials", "bad key"):
        line = by_id[ids[label][0]][0]
        assert ALWAYS_IN_FILE <= set(line), (label, sorted(line))
        assert field(line, "user") == "" and field(line, "app") == "" and field(line, "role") == "", line
    assert health.headers["X-Request-Id"] not in by_id


def test_audit_api_returns_the_same_records(bed):
    token = bed.login(bed.email, bed.password)["session_token"]
    response = bed.call("GET", "/api/v2/spark/_table/orders", headers=session_headers(token), params={"limit": 3})
    assert response.status_code == 200
    request_id = response.headers["X-Request-Id"]
    [line] = audit_lines(bed, request_id)
    records = bed.admin.ok("GET", "audit", params={"user": bed.email, "status": 200, "limit": 10000})["resource"]
    assert records and all(r["user"] == bed.email and r["status"] == 200 for r in records)
    [record] = [r for r in records if r["request_id"] == request_id]
    for name in AUDIT_FIELDS | {"rows"}:
        if name == "duration_ms":
            assert abs(record[name] - line[name]) < 0.01
        else:
            assert record[name] == field(line, name), name
    failures = bed.admin.ok("GET", "audit", params={"status": 401, "limit": 10000})["resource"]
    assert failures and all(r["status"] == 401 for r in failures)
    # Only sys-admins read the audit trail.
    assert_error(bed.call("GET", "/api/v2/system/audit", headers=session_headers(token)), 403)


def test_audit_records_parameters_only_when_configured(testbed_env, tmp_path):
    audit_file = str(tmp_path / "audit.log")
    server = start_secure(config_for(testbed_env, audit_file, extra_audit=", include_params: true"),
                          env={"LG_E2E_SERVICE_TOKEN": testbed_env["LAKEGATE_DATABRICKS_TOKEN"]})
    try:
        admin = AdminApi(server)
        response = requests.post(server.url + "/api/v2/spark/_query", headers=admin.headers, timeout=120,
                                 json={"sql": "SELECT :v AS v", "params": {"v": SENTINEL}})
        assert response.status_code == 200, response.text
        request_id = response.headers["X-Request-Id"]
        admin.ok("GET", "audit", params={"limit": 1})
        with open(audit_file) as f:
            [line] = [json.loads(x) for x in f if json.loads(x)["request_id"] == request_id]
        assert SENTINEL in json.dumps(line["params"]), line
        [record] = [r for r in admin.ok("GET", "audit", params={"limit": 10000})["resource"]
                    if r["request_id"] == request_id]
        assert SENTINEL in json.dumps(record["params"])
    finally:
        server.stop()


# ---- services through the admin API ----------------------------------------------------

def test_service_crud_through_the_admin_api(bed):
    env = bed.env
    name = unique("dyn")
    definition = {"name": name, "label": "Dynamic", "type": "databricks", "description": "made by a test",
                  "is_active": True,
                  "config": {"workspace_url": env["LAKEGATE_DATABRICKS_URL"],
                             "http_path": env["LAKEGATE_DATABRICKS_HTTP_PATH"],
                             "access_token": env["LAKEGATE_DATABRICKS_TOKEN"],
                             "ca_file": env["LAKEGATE_DATABRICKS_CA"], "catalog": "spark_catalog",
                             "schema": "retail", "timeout": 120}}
    headers = bed.admin.headers
    created = bed.call("POST", "/api/v2/system/service", headers=headers, json={"resource": [definition]})
    assert created.status_code == 200, created.text
    service = created.json()["resource"][0]
    assert service["config"]["access_token"] == "********" and service["source"] == "api"
    shown = bed.call("GET", f"/api/v2/system/service/{service['id']}", headers=headers).json()
    assert shown["config"]["access_token"] == "********" and shown["name"] == name

    query = lambda: bed.call("POST", f"/api/v2/{name}/_query", headers=headers,  # noqa: E731
                             json={"sql": "SELECT 1 AS one"})
    response = query()
    assert response.status_code == 200, response.text
    assert response.json()["resource"] == [{"one": 1}]

    changed = dict(definition, description="changed by a test",
                   config=dict(definition["config"], access_token="********", timeout=60))
    patched = bed.call("PATCH", f"/api/v2/system/service/{service['id']}", headers=headers, json=changed)
    assert patched.status_code == 200, patched.text
    shown = bed.call("GET", f"/api/v2/system/service/{service['id']}", headers=headers).json()
    assert shown["description"] == "changed by a test" and shown["config"]["timeout"] == 60
    assert shown["config"]["access_token"] == "********"
    response = query()  # the masked value kept the stored token
    assert response.status_code == 200, response.text

    listed = bed.call("GET", "/api/v2", headers=headers).json()["services"]
    assert name in [s["name"] for s in listed]
    deleted = bed.call("DELETE", f"/api/v2/system/service/{service['id']}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    assert_error(query(), 404)
    assert_error(bed.call("GET", f"/api/v2/system/service/{service['id']}", headers=headers), 404)


def test_config_file_services_are_read_only(bed):
    headers = bed.admin.headers
    services = {s["name"]: s for s in bed.call("GET", "/api/v2/system/service", headers=headers).json()["resource"]}
    for name in ("spark", "warehouse"):
        service = services[name]
        assert service["source"] == "config"
        body = {"name": name, "type": service["type"], "config": {"workspace_url": service["config"]["workspace_url"]}}
        assert_error(bed.call("PATCH", f"/api/v2/system/service/{service['id']}", headers=headers, json=body), 409)
        assert_error(bed.call("DELETE", f"/api/v2/system/service/{service['id']}", headers=headers), 409)
    assert services["warehouse"]["config"]["access_token"] == "********"
    assert bed.call("GET", "/api/v2/spark/_table/customers", headers=headers, params={"limit": 1}).status_code == 200


def test_user_databricks_token_is_masked(bed):
    shown = bed.admin.ok("GET", f"user/{bed.user_id}")
    assert shown["databricks_token"] == "********"
    listed = bed.call("GET", "/api/v2/system/user", headers=bed.admin.headers)
    assert listed.status_code == 200 and "dapi" not in listed.text


# ---- secrets: last, over everything this module saw ---------------------------------------

def test_secrets_never_appear_in_bodies_logs_or_audit(bed):
    bed.admin.ok("GET", "audit", params={"limit": 1})
    texts = list(bed.bodies)
    with open(bed.server.log_path, errors="replace") as f:
        texts.append(("lakegate log", f.read()))
    with open(bed.audit_file) as f:
        texts.append(("audit file", f.read()))
    audit_api = bed.admin.call("GET", "audit", params={"limit": 10000})
    texts.append(("GET /system/audit", audit_api.text))
    for path in ("service", "user", "admin", "app", "role", "limit"):
        texts.append((f"GET /system/{path}", bed.admin.call("GET", path).text))
    assert len(texts) > 30
    for secret_name, secret in bed.secrets.items():
        assert secret and len(secret) >= 8
        assert is_registered(secret), f"{secret_name} escaped the suite-wide leak check"
        for label, text in texts:
            assert secret not in text, f"{secret_name} appears in {label}"
    # Nor the stored form of the API key (its SHA-256).
    digest = hashlib.sha256(bed.app_key.encode()).hexdigest()
    assert all(digest not in text for _, text in texts)
    assert os.path.getsize(bed.audit_file) > 0
