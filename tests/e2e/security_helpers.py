"""Shared helpers of the security end-to-end tests (tests/e2e/test_security_*.py).

  start_secure(config)   a LakegateProcess started WITHOUT the all-access e2e
                         key (provision=False), with a known master key
                         (LAKEGATE_MASTER_KEY) and a sys-admin created through
                         the real CLI (`lakegate admin create --password-env`)
  AdminApi(server)       the admin API of that process, logged in as the
                         sys-admin (POST /api/v2/system/admin/session)
  login(server, ...)     a user's session JWT (POST /api/v2/user/session)
  forge_jwt(...)         JWTs signed with any key (the real one is derived
                         from the master key exactly as lakegate does)
  assert_error(...)      DreamFactory's error envelope check
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import time
import uuid

import requests

import lakegate_process
from lakegate_process import LakegateProcess

lakegate_process.BINARY = os.environ.get("LAKEGATE_BINARY", lakegate_process.BINARY)

ADMIN_EMAIL = "root-admin@lakegate.test"

GET, POST, PUT, PATCH, DELETE = 1, 2, 4, 8, 16
ALL_VERBS = 31


def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def strong_password():
    password = "Pw-" + secrets.token_hex(12)
    lakegate_process.register_secret(password)
    return password


def start_secure(config_text, env=None, admin=True, start=True):
    """A lakegate with security on, nothing provisioned but (optionally) one sys-admin."""
    master_key = secrets.token_hex(32)
    password = strong_password()
    server = LakegateProcess(config_text, provision=False,
                             env=dict({"LAKEGATE_MASTER_KEY": master_key,
                                       "LG_E2E_ADMIN_PASSWORD": password}, **(env or {})))
    server.master_key = master_key
    server.admin_email = ADMIN_EMAIL
    server.admin_password = password
    if admin:
        created = server.cli("admin", "create", "--email", ADMIN_EMAIL,
                             "--password-env", "LG_E2E_ADMIN_PASSWORD")
        assert created["is_sys_admin"] is True and "password" not in json.dumps(created)
    if start:
        server.start()
    return server


def login(server_or_url, email, password, admin=False):
    """Returns the session JSON of a successful login."""
    url = getattr(server_or_url, "url", server_or_url)
    path = "/api/v2/system/admin/session" if admin else "/api/v2/user/session"
    response = requests.post(url + path, json={"email": email, "password": password}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def session_headers(token):
    return {"X-DreamFactory-Session-Token": token}


def bearer_headers(token):
    return {"Authorization": "Bearer " + token}


def key_headers(key):
    return {"X-DreamFactory-API-Key": key}


def assert_error(response, status, message_part=None):
    """DreamFactory's {"error":{"code","status_code","message",…}} with `status`."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text[:500]}"
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["code"] == status and error["status_code"] == status, error
    assert isinstance(error["message"], str) and error["message"], error
    if message_part is not None:
        assert message_part.lower() in error["message"].lower(), error["message"]
    return error


class AdminApi:
    """The admin API (/api/v2/system/...) of one process, as its sys-admin."""

    def __init__(self, server, email=None, password=None):
        self.url = server.url
        session = login(server, email or server.admin_email, password or server.admin_password, admin=True)
        assert session["is_sys_admin"] is True
        self.token = session["session_token"]
        self.headers = session_headers(self.token)

    def call(self, method, path, **kwargs):
        headers = dict(self.headers, **kwargs.pop("headers", {}))
        return requests.request(method, f"{self.url}/api/v2/system/{path}", headers=headers,
                                timeout=kwargs.pop("timeout", 60), **kwargs)

    def ok(self, method, path, **kwargs):
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, f"{method} system/{path}: {response.status_code} {response.text}"
        return response.json()

    def service_id(self, name):
        for service in self.ok("GET", "service")["resource"]:
            if service["name"] == name:
                return service["id"]
        raise AssertionError(f"no service {name}")

    def create_role(self, name, access, lookups=None, is_active=True):
        """`access`: dicts with service (name or None = all services), component,
        verb_mask and optionally filters / filter_op / hidden_fields / read_only_fields."""
        rows = []
        for row in access:
            row = dict(row)
            service = row.pop("service", None)
            row["service_id"] = None if service is None else self.service_id(service)
            row.setdefault("requestor_mask", 1)
            rows.append(row)
        body = {"name": name, "is_active": is_active, "role_service_access_by_role_id": rows}
        if lookups:
            body["lookup_by_role_id"] = [{"name": k, "value": v} for k, v in lookups.items()]
        created = self.ok("POST", "role", json={"resource": [body]})["resource"]
        assert len(created) == 1 and created[0]["name"] == name
        return created[0]["id"]

    def create_app(self, name, role_id=None, is_active=True):
        """Returns (app id, api key)."""
        body = {"name": name, "role_id": role_id, "is_active": is_active}
        created = self.ok("POST", "app", json={"resource": [body]})["resource"][0]
        assert created["api_key"] and created["name"] == name
        return created["id"], created["api_key"]

    def create_user(self, email, password, role_id=None, lookups=None, databricks_token=None,
                    app_roles=None):
        body = {"email": email, "name": email.split("@")[0], "password": password,
                "default_role_id": role_id}
        if lookups:
            body["lookup_by_user_id"] = [{"name": k, "value": v} for k, v in lookups.items()]
        if databricks_token is not None:
            body["databricks_token"] = databricks_token
        if app_roles:
            body["user_to_app_to_role_by_user_id"] = [{"app_id": a, "role_id": r} for a, r in app_roles]
        created = self.ok("POST", "user", json={"resource": [body]})["resource"][0]
        assert created["email"] == email
        return created["id"]

    def create_limit(self, **fields):
        fields.setdefault("name", unique("limit"))
        fields.setdefault("period", "minute")
        created = self.ok("POST", "limit", json={"resource": [fields]})["resource"][0]
        return created["id"]


# ---- JWTs ------------------------------------------------------------------

def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_key(master_key_hex):
    """lakegate's JWT key: HMAC-SHA256(master key, "lakegate-jwt-v1") (SecretBox::derive_key)."""
    return hmac.new(bytes.fromhex(master_key_hex), b"lakegate-jwt-v1", hashlib.sha256).digest()


def forge_jwt(claims, key, header=None):
    header = header or {"alg": "HS256", "typ": "JWT"}
    signing_input = b64url(json.dumps(header, separators=(",", ":"))) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")))
    if key is None:
        return signing_input + "."
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def jwt_claims(token):
    return json.loads(b64url_decode(token.split(".")[1]))


def tamper_jwt(token, **changes):
    """The token with its payload changed but the original signature kept."""
    header, _, signature = token.split(".")
    claims = dict(jwt_claims(token), **changes)
    return header + "." + b64url(json.dumps(claims, separators=(",", ":"))) + "." + signature


def wait_until(predicate, timeout=10.0, interval=0.2):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() > deadline:
            return value
        time.sleep(interval)


# The test bed's SQL protocols as services of one lakegate (service name → the
# env key of its endpoint): Spark Connect, Thrift binary, Thrift HTTP, and a
# SQL warehouse (Thrift HTTP through the nginx "Databricks front", bearer token).
PROTOCOL_SERVICES = {"connect": "LAKEGATE_SPARK_CONNECT", "thrift_binary": "LAKEGATE_THRIFT_BINARY",
                     "thrift_http": "LAKEGATE_THRIFT_HTTP", "warehouse": "LAKEGATE_DATABRICKS_URL"}


def start_protocol_services(testbed_env, schema):
    """A secure lakegate with one service per protocol, all on spark_catalog.`schema`."""
    lines = ["services:"]
    for name, key in PROTOCOL_SERVICES.items():
        if name == "warehouse":
            lines += [f"  - name: {name}", "    type: databricks",
                      f'    config: {{workspace_url: "{testbed_env[key]}", '
                      f'http_path: "{testbed_env["LAKEGATE_DATABRICKS_HTTP_PATH"]}", '
                      f'access_token: "${{LG_E2E_WAREHOUSE_TOKEN}}", '
                      f'ca_file: "{testbed_env["LAKEGATE_DATABRICKS_CA"]}", '
                      f"catalog: spark_catalog, schema: {schema}, timeout: 120}}"]
        else:
            lines += [f"  - name: {name}", "    type: spark",
                      f'    config: {{workspace_url: "{testbed_env[key]}", catalog: spark_catalog, '
                      f"schema: {schema}, timeout: 120}}"]
    return start_secure("\n".join(lines) + "\n",
                        env={"LG_E2E_WAREHOUSE_TOKEN": testbed_env["LAKEGATE_DATABRICKS_TOKEN"]})
