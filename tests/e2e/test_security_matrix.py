"""End to end: the authorization matrix of lakegate's security layer.

One lakegate (security on, provision=False: no all-access key) with one Spark
Connect service `spark` (spark_catalog.retail). A sys-admin is created with the
CLI; roles, apps and users through the admin API. Every route is called with
every kind of credential: missing, bad, revoked, expired / tampered / logged-out
JWTs (all 401), roles without the grant (403 in DreamFactory's shape), roles
with it (200). Writes go to a scratch Delta table that the sys-admin creates
through _query and drops at the end.
"""
import itertools
import json
import time

import pytest
import requests

from security_helpers import (ALL_VERBS, GET, POST, AdminApi, assert_error,
                              bearer_headers, forge_jwt, jwt_claims, jwt_key, key_headers, login,
                              session_headers, start_secure, strong_password, tamper_jwt, unique)

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: retail, timeout: 120}}
"""

ROUTES = {
    "services": ("GET", "/api/v2", {}),
    "service_root": ("GET", "/api/v2/spark", {}),
    "table_list": ("GET", "/api/v2/spark/_table", {}),
    "table_read": ("GET", "/api/v2/spark/_table/customers", {"params": {"limit": 3, "order": "id"}}),
    "table_create": ("POST", "/api/v2/spark/_table/default.{scratch}", {}),
    "table_patch": ("PATCH", "/api/v2/spark/_table/default.{scratch}",
                    {"params": {"ids": "1"}, "json": {"name": "patched"}}),
    "table_delete": ("DELETE", "/api/v2/spark/_table/default.{scratch}", {"params": {"filter": "id >= 1000"}}),
    "query": ("POST", "/api/v2/spark/_query", {"json": {"sql": "SELECT 1 AS one"}}),
    "catalog": ("GET", "/api/v2/spark/_catalog", {}),
    "schema": ("GET", "/api/v2/spark/_schema/customers", {}),
    "spec": ("GET", "/api/v2/spark/_spec", {}),
    "system_role": ("GET", "/api/v2/system/role", {}),
    "system_audit": ("GET", "/api/v2/system/audit", {}),
}
SYSTEM_ROUTES = {"system_role", "system_audit"}
SERVICE_ROUTES = [r for r in ROUTES if r not in SYSTEM_ROUTES]

_ok, _no = 200, 403
EXPECTED = {
    # GET on _table/*, _schema/*, _catalog/*.
    "reader": {"services": _ok, "service_root": _ok, "table_list": _ok, "table_read": _ok,
               "table_create": _no, "table_patch": _no, "table_delete": _no, "query": _no,
               "catalog": _ok, "schema": _ok, "spec": _no, "system_role": _no, "system_audit": _no},
    # Every verb on _table/retail.orders and on the scratch table only.
    "writer": {"services": _ok, "service_root": _ok, "table_list": _no, "table_read": _no,
               "table_create": _ok, "table_patch": _ok, "table_delete": _ok, "query": _no,
               "catalog": _no, "schema": _no, "spec": _no, "system_role": _no, "system_audit": _no},
    # "*" with every verb on the service: everything but /system.
    "operator": dict({r: _ok for r in SERVICE_ROUTES}, system_role=_no, system_audit=_no),
    # An app without a role: nothing (the service list is empty).
    "no_role": dict({r: _no for r in ROUTES}, services=_ok),
    # A user logged in with the reader role as default role (session, no app key).
    "reader_user": None,  # same as reader
    "admin": {r: _ok for r in ROUTES},
}
EXPECTED["reader_user"] = EXPECTED["reader"]

UNAUTHENTICATED = ["none", "bad_key", "bad_key_in_query", "deleted_app_key", "rotated_old_key",
                   "expired_jwt", "expired_jwt_wrong_key", "jwt_wrong_key", "tampered_jwt",
                   "alg_none_jwt", "garbage_jwt", "logged_out_jwt", "refreshed_old_jwt",
                   "deleted_user_jwt"]


class Bed:
    pass


@pytest.fixture(scope="module")
def bed(testbed_env, spark):
    server = start_secure(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    b = Bed()
    b.server = server
    b.ids = itertools.count(1000)
    b.scratch = unique("sec_scratch")
    admin = b.admin = AdminApi(server)
    try:
        # The all-access sys-admin creates the scratch table through _query.
        for sql in (f"CREATE TABLE default.{b.scratch} (id INT, name STRING) USING delta",
                    f"INSERT INTO default.{b.scratch} VALUES (1, 'a'), (2, 'b'), (3, 'c')"):
            response = requests.post(server.url + "/api/v2/spark/_query", json={"sql": sql},
                                     headers=admin.headers, timeout=120)
            assert response.status_code == 200, response.text

        reader = admin.create_role("reader", [
            {"service": "spark", "component": "_table/*", "verb_mask": GET},
            {"service": "spark", "component": "_schema/*", "verb_mask": GET},
            {"service": "spark", "component": "_catalog/*", "verb_mask": GET}])
        writer = admin.create_role("writer", [
            {"service": "spark", "component": "_table/retail.orders", "verb_mask": ALL_VERBS},
            {"service": "spark", "component": f"_table/default.{b.scratch}", "verb_mask": ALL_VERBS}])
        operator = admin.create_role("operator", [{"service": "spark", "component": "*",
                                                   "verb_mask": ALL_VERBS}])
        b.roles = {"reader": reader, "writer": writer, "operator": operator}
        b.keys = {}
        b.app_ids = {}
        for name, role in (("reader", reader), ("writer", writer), ("operator", operator), ("no_role", None)):
            b.app_ids[name], b.keys[name] = admin.create_app(unique(f"app_{name}"), role)

        b.user_password = strong_password()
        b.user_email = "reader.user@lakegate.test"
        b.user_id = admin.create_user(b.user_email, b.user_password, role_id=reader)
        b.user_token = login(server, b.user_email, b.user_password)["session_token"]
        b.principals = {
            "reader": key_headers(b.keys["reader"]),
            "writer": key_headers(b.keys["writer"]),
            "operator": key_headers(b.keys["operator"]),
            "no_role": key_headers(b.keys["no_role"]),
            "reader_user": session_headers(b.user_token),
            "admin": admin.headers,
        }
        b.unauthenticated = make_unauthenticated(b, server, admin)
        yield b
    finally:
        try:
            requests.post(server.url + "/api/v2/spark/_query", headers=admin.headers, timeout=120,
                          json={"sql": f"DROP TABLE IF EXISTS default.{b.scratch}"})
        finally:
            spark.sql(f"DROP TABLE IF EXISTS default.{b.scratch}")
            server.stop()


def make_unauthenticated(b, server, admin):
    """Credentials that must all be refused with 401, each as (headers, params)."""
    creds = {"none": ({}, {}),
             "bad_key": (key_headers("lg_" + "x" * 40), {}),
             "bad_key_in_query": ({}, {"api_key": "not-a-key"})}

    app_id, key = admin.create_app(unique("doomed"), b.roles["operator"])
    assert call(server, "service_root", {}, key_headers(key), b).status_code == 200
    admin.ok("DELETE", f"app/{app_id}")
    creds["deleted_app_key"] = (key_headers(key), {})

    app_id, old_key = admin.create_app(unique("rotating"), b.roles["operator"])
    assert call(server, "service_root", {}, key_headers(old_key), b).status_code == 200
    rotated = admin.ok("POST", f"app/{app_id}/key")
    assert rotated["api_key"] and rotated["api_key"] != old_key
    b.rotated_new_key = rotated["api_key"]
    creds["rotated_old_key"] = (key_headers(old_key), {})

    real = jwt_claims(b.user_token)
    now = int(time.time())
    past = dict(real, iat=now - 7200, exp=now - 3600)
    creds["expired_jwt"] = (session_headers(forge_jwt(past, jwt_key(server.master_key))), {})
    creds["expired_jwt_wrong_key"] = (bearer_headers(forge_jwt(past, b"\x01" * 32)), {})
    creds["jwt_wrong_key"] = (session_headers(forge_jwt(dict(real, exp=now + 3600), b"\x02" * 32)), {})
    # The reader's real token, payload changed to claim the sys-admin's identity.
    admin_claims = jwt_claims(admin.token)
    creds["tampered_jwt"] = (session_headers(tamper_jwt(b.user_token, user_id=admin_claims["user_id"],
                                                        sub=admin_claims["sub"])), {})
    creds["alg_none_jwt"] = (bearer_headers(forge_jwt(dict(admin_claims, exp=now + 3600), None,
                                                      header={"alg": "none", "typ": "JWT"})), {})
    creds["garbage_jwt"] = (bearer_headers("not.a.jwt"), {})

    email, password = "leaving@lakegate.test", strong_password()
    admin.create_user(email, password, role_id=b.roles["operator"])
    token = login(server, email, password)["session_token"]
    assert call(server, "service_root", {}, session_headers(token), b).status_code == 200
    out = requests.delete(server.url + "/api/v2/user/session", headers=session_headers(token), timeout=30)
    assert out.status_code == 200, out.text
    creds["logged_out_jwt"] = (session_headers(token), {})

    token = login(server, email, password)["session_token"]
    refreshed = requests.put(server.url + "/api/v2/user/session", headers=session_headers(token), timeout=30)
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["session_token"] != token
    b.refreshed_token = refreshed.json()["session_token"]
    creds["refreshed_old_jwt"] = (session_headers(token), {})

    email, password = "deleted@lakegate.test", strong_password()
    user_id = admin.create_user(email, password, role_id=b.roles["operator"])
    token = login(server, email, password)["session_token"]
    assert call(server, "service_root", {}, session_headers(token), b).status_code == 200
    admin.ok("DELETE", f"user/{user_id}")
    creds["deleted_user_jwt"] = (session_headers(token), {})
    return creds


def call(server, route, params, headers, b):
    method, path, kwargs = ROUTES[route]
    kwargs = dict(kwargs)
    if route == "table_create":
        kwargs["json"] = {"resource": [{"id": next(b.ids), "name": "matrix"}]}
    all_params = dict(kwargs.pop("params", {}), **params)
    return requests.request(method, server.url + path.format(scratch=b.scratch), params=all_params,
                            headers=headers, timeout=120, **kwargs)


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("credential", UNAUTHENTICATED)
def test_unauthenticated_is_401(bed, credential, route):
    headers, params = bed.unauthenticated[credential]
    response = call(bed.server, route, params, headers, bed)
    assert_error(response, 401)


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("principal", list(EXPECTED))
def test_authorization_matrix(bed, principal, route):
    response = call(bed.server, route, {}, bed.principals[principal], bed)
    expected = EXPECTED[principal][route]
    if expected == 403:
        error = assert_error(response, 403)
        if route in SYSTEM_ROUTES:
            assert "sys-admin" in error["message"], error
        elif route not in ("services", "service_root"):
            # DreamFactory: "{Verb} access to component '…' of service 'spark' is not allowed by this user's role."
            assert error["message"].endswith("is not allowed by this user's role."), error
            assert "service 'spark'" in error["message"], error
    else:
        assert response.status_code == expected, f"{principal} {route}: {response.status_code} {response.text[:400]}"


def test_denied_message_names_verb_component_and_service(bed):
    response = call(bed.server, "table_read", {}, bed.principals["writer"], bed)
    error = assert_error(response, 403)
    assert error["message"] == ("GET access to component '_table/spark_catalog.retail.customers' of service "
                                "'spark' is not allowed by this user's role."), error
    response = call(bed.server, "table_create", {}, bed.principals["reader"], bed)
    assert assert_error(response, 403)["message"].startswith("POST access to component '_table/")


def test_writer_reads_only_its_table(bed, spark):
    response = requests.get(bed.server.url + "/api/v2/spark/_table/orders", params={"limit": 2, "order": "id"},
                            headers=bed.principals["writer"], timeout=120)
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["resource"]] == [1, 2]
    for table in ("products", "order_items", "spark_catalog.retail.customers", "retail.customers"):
        response = requests.get(bed.server.url + f"/api/v2/spark/_table/{table}", params={"limit": 1},
                                headers=bed.principals["writer"], timeout=120)
        assert_error(response, 403)


def test_denied_caller_cannot_probe_which_tables_exist(bed):
    """403 (not 404) for a missing table the role has no grant on: existence is not revealed."""
    response = requests.get(bed.server.url + "/api/v2/spark/_table/no_such_table_xyz",
                            headers=bed.principals["writer"], timeout=60)
    assert_error(response, 403)
    response = requests.get(bed.server.url + "/api/v2/spark/_table/no_such_table_xyz",
                            headers=bed.principals["reader"], timeout=60)
    assert_error(response, 404)


def test_service_list_shows_only_services_with_grants(bed):
    listed = lambda who: [s["name"] for s in requests.get(  # noqa: E731
        bed.server.url + "/api/v2", headers=bed.principals[who], timeout=30).json()["services"]]
    assert listed("no_role") == []
    assert listed("reader") == ["spark"]
    assert listed("admin") == ["spark"]


def test_table_list_of_reader_matches_spark(bed, spark):
    response = requests.get(bed.server.url + "/api/v2/spark/_table", headers=bed.principals["reader"], timeout=120)
    assert response.status_code == 200, response.text
    names = {t["name"] for t in response.json()["resource"]}
    assert names == {r.tableName for r in spark.sql("SHOW TABLES IN spark_catalog.retail").collect()}


def test_writes_by_writer_reach_spark(bed, spark):
    record_id = next(bed.ids)
    response = requests.post(bed.server.url + f"/api/v2/spark/_table/default.{bed.scratch}",
                             json={"resource": [{"id": record_id, "name": "by writer"}]},
                             headers=bed.principals["writer"], timeout=120)
    assert response.status_code == 200, response.text
    assert spark.sql(f"SELECT name FROM default.{bed.scratch} WHERE id = {record_id}").collect()[0][0] == "by writer"
    denied = requests.post(bed.server.url + f"/api/v2/spark/_table/default.{bed.scratch}",
                           json={"resource": [{"id": record_id + 10_000, "name": "by reader"}]},
                           headers=bed.principals["reader"], timeout=120)
    assert_error(denied, 403)
    assert spark.sql(f"SELECT count(*) FROM default.{bed.scratch} WHERE id = {record_id + 10_000}").collect()[0][0] == 0


def test_health_needs_no_credentials(bed):
    response = requests.get(bed.server.url + "/health", timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_api_key_as_query_parameter(bed):
    url = bed.server.url + "/api/v2/spark/_table/customers"
    response = requests.get(url, params={"api_key": bed.keys["reader"], "limit": 2}, timeout=120)
    assert response.status_code == 200, response.text
    assert len(response.json()["resource"]) == 2
    response = requests.get(url, params={"api_key": bed.keys["writer"], "limit": 2}, timeout=120)
    assert_error(response, 403)


def test_session_token_as_header_bearer_and_query_parameter(bed):
    url = bed.server.url + "/api/v2/spark/_table/customers"
    for kwargs in ({"headers": session_headers(bed.user_token)},
                   {"headers": bearer_headers(bed.user_token)},
                   {"params": {"session_token": bed.user_token}}):
        params = dict(kwargs.pop("params", {}), limit=1)
        response = requests.get(url, params=params, timeout=120, **kwargs)
        assert response.status_code == 200, response.text


def test_rotated_key_works_and_refreshed_token_works(bed):
    assert call(bed.server, "service_root", {}, key_headers(bed.rotated_new_key), bed).status_code == 200
    assert call(bed.server, "service_root", {}, session_headers(bed.refreshed_token), bed).status_code == 200


def test_expired_token_message(bed):
    headers, _ = bed.unauthenticated["expired_jwt"]
    error = assert_error(call(bed.server, "service_root", {}, headers, bed), 401)
    assert "expired" in error["message"].lower(), error


def test_inactive_app_and_inactive_role(bed):
    admin = bed.admin
    app_id, key = admin.create_app(unique("sleepy"), bed.roles["reader"])
    assert call(bed.server, "table_read", {}, key_headers(key), bed).status_code == 200
    admin.ok("PATCH", f"app/{app_id}", json={"is_active": False})
    assert call(bed.server, "table_read", {}, key_headers(key), bed).status_code in (401, 403)
    admin.ok("PATCH", f"app/{app_id}", json={"is_active": True})
    assert call(bed.server, "table_read", {}, key_headers(key), bed).status_code == 200

    role_id = admin.create_role(unique("sleepy_role"), [{"service": "spark", "component": "*", "verb_mask": GET}])
    app_id, key = admin.create_app(unique("sleepy2"), role_id)
    assert call(bed.server, "table_read", {}, key_headers(key), bed).status_code == 200
    admin.ok("PATCH", f"role/{role_id}", json={"is_active": False})
    assert_error(call(bed.server, "table_read", {}, key_headers(key), bed), 403)


def test_role_change_applies_immediately(bed):
    admin = bed.admin
    role_id = admin.create_role(unique("shifting"), [{"service": "spark", "component": "_table/customers",
                                                      "verb_mask": GET}])
    _, key = admin.create_app(unique("shifting"), role_id)
    assert call(bed.server, "table_read", {}, key_headers(key), bed).status_code == 200
    admin.ok("PATCH", f"role/{role_id}", json={"role_service_access_by_role_id": [
        {"service_id": admin.service_id("spark"), "component": "_table/orders", "verb_mask": GET}]})
    assert_error(call(bed.server, "table_read", {}, key_headers(key), bed), 403)


def test_user_to_app_role_overrides_default_role(bed):
    """A user_to_app_to_role row for (user, app) decides over the user's default role."""
    admin = bed.admin
    email, password = "mixer@lakegate.test", strong_password()
    admin.create_user(email, password, role_id=bed.roles["reader"],
                      app_roles=[(bed.app_ids["no_role"], bed.roles["writer"])])
    token = login(bed.server, email, password)["session_token"]
    alone = session_headers(token)
    assert call(bed.server, "table_read", {}, alone, bed).status_code == 200
    assert_error(call(bed.server, "table_create", {}, alone, bed), 403)
    with_app = dict(alone, **key_headers(bed.keys["no_role"]))
    assert_error(call(bed.server, "table_read", {}, with_app, bed), 403)
    assert call(bed.server, "table_create", {}, with_app, bed).status_code == 200


def test_normal_user_cannot_use_admin_session_or_system(bed):
    response = requests.post(bed.server.url + "/api/v2/system/admin/session",
                             json={"email": bed.user_email, "password": bed.user_password}, timeout=30)
    assert response.status_code in (401, 403), response.text
    for headers in (session_headers(bed.user_token), key_headers(bed.keys["operator"])):
        for method, path in (("GET", "system"), ("GET", "system/user"), ("POST", "system/app"),
                             ("DELETE", "system/limit_cache"), ("GET", "system/admin")):
            response = requests.request(method, f"{bed.server.url}/api/v2/{path}", headers=headers,
                                        json={"resource": [{"name": "sneaky"}]}, timeout=30)
            assert_error(response, 403, "sys-admin")


def test_cli_provisioning_reaches_the_running_server(bed):
    """`lakegate role/app/user create` on the store of a running server: usable within the reload poll."""
    server = bed.server
    role = unique("cli_role")
    created = server.cli("role", "create", "--name", role, "--access", "spark:_table/*:GET",
                         "--access", f"spark:_table/default.{bed.scratch}:GET,POST")
    assert [row["verb_mask"] for row in created["role_service_access_by_role_id"]] == [GET, GET | POST]
    key = server.cli("app", "create", "--name", unique("cli_app"), "--role", role)["api_key"]
    password = strong_password()
    email = f"{unique('cli')}@lakegate.test"
    user = server.cli("user", "create", "--email", email, "--password-env", "LG_E2E_CLI_PASSWORD", "--role", role,
                      env={"LG_E2E_CLI_PASSWORD": password})
    assert user["is_sys_admin"] is False and password not in json.dumps(user)
    roles = server.cli("role", "list")["resource"]
    assert role in [r["name"] for r in roles]

    deadline = time.time() + 10
    while call(server, "table_read", {}, key_headers(key), bed).status_code != 200:
        assert time.time() < deadline, "the CLI-made key never worked on the running server"
        time.sleep(0.2)
    assert call(server, "table_create", {}, key_headers(key), bed).status_code == 200
    assert_error(call(server, "table_patch", {}, key_headers(key), bed), 403)
    token = login(server, email, password)["session_token"]
    assert call(server, "table_read", {}, session_headers(token), bed).status_code == 200
    assert_error(call(server, "system_role", {}, session_headers(token), bed), 403)
    # Passwords are never taken from the command line, and short ones are refused.
    weak = server.cli("user", "create", "--email", f"{unique('weak')}@lakegate.test", "--password-env",
                      "LG_E2E_CLI_PASSWORD", env={"LG_E2E_CLI_PASSWORD": "short"}, check=False)
    assert weak.returncode != 0
