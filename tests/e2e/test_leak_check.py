"""The suite's leak check (lakegate_process.py) itself: it finds a registered
secret in a lakegate log, an audit file (and its rotated copies) and any table
of a SQLite or PostgreSQL store; the request hook registers the secrets a test
chooses and the keys / tokens lakegate hands out (after checking the response
that hands them out); and after a real login / app / key-rotation / CLI cycle
every secret involved is registered while none is in the audit file or store.
"""
import contextlib
import http.server
import json
import secrets
import sqlite3
import subprocess
import threading
import uuid

import pytest
import requests

from lakegate_process import LakegateProcess, is_registered, register_secret
from security_helpers import ALL_VERBS, AdminApi, key_headers, login, session_headers, start_secure, strong_password


def fake_secret():
    value = "leak-test-" + secrets.token_hex(16)
    register_secret(value)
    assert is_registered(value)
    return value


# ---- the scanner, on files written by hand ---------------------------------------------

def sqlite_store(path, rows):
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE IF NOT EXISTS audit (request_id TEXT, params_json TEXT, bytes INTEGER)")
        db.execute("CREATE TABLE IF NOT EXISTS users (email TEXT, databricks_token_sealed BLOB)")
        for table, values in rows:
            db.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(values))})", values)


def append(path, text):
    with open(path, "a") as f:
        f.write(text)


PLACES = {
    "log": lambda server, secret: append(server.log_path, f"request failed: {secret}\n"),
    "audit file": lambda server, secret: append(server.audit_path, json.dumps({"params": [secret]}) + "\n"),
    "rotated audit file": lambda server, secret: append(server.audit_path + ".2", secret),
    "store audit table": lambda server, secret: sqlite_store(server.store_path, [("audit", ("r2", secret, 7))]),
    "store users table": lambda server, secret: sqlite_store(server.store_path,
                                                             [("users", ("x@y.test", secret.encode()))]),
}


def check(server):
    server.assert_no_secrets_logged()
    server.assert_no_secrets_stored()


@pytest.mark.parametrize("place", PLACES)
def test_scanner_finds_a_registered_secret(tmp_path, place):
    audit_path, store_path = str(tmp_path / "audit.log"), str(tmp_path / "store.db")
    server = LakegateProcess(f'audit: {{file: "{audit_path}", include_params: true}}\nstore: "sqlite://{store_path}"\n',
                             provision=False)
    server.audit_path, server.store_path = audit_path, store_path
    assert server.audit_files() == [] and server.stored_texts() == []
    append(server.log_path, "lakegate listening\n")
    append(audit_path, json.dumps({"request_id": "r1", "status": 200}) + "\n")
    sqlite_store(store_path, [("audit", ("r1", "", 10)), ("users", ("a@b.test", b"\x00sealed"))])
    check(server)  # clean: passes, and it reads every place
    labels = [label for label, _ in server.stored_texts()]
    assert labels == [audit_path, "store table audit", "store table users"], labels

    PLACES[place](server, fake_secret())
    with pytest.raises(AssertionError, match="a secret appeared in"):
        check(server)


def test_scanner_reads_a_postgresql_store(testbed_env):
    base_url = testbed_env["LAKEGATE_POSTGRES_URL"]
    database = f"lg_leak_{uuid.uuid4().hex[:10]}"
    psql = lambda url, sql: subprocess.run(["psql", "-X", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql],  # noqa: E731
                                           check=True, capture_output=True, text=True, timeout=60)
    psql(base_url, f"CREATE DATABASE {database}")
    try:
        url = base_url.rsplit("/", 1)[0] + "/" + database
        psql(url, "CREATE TABLE audit (id BIGINT, request_id TEXT, params_json TEXT); "
                  "INSERT INTO audit VALUES (1, 'r1', '')")
        server = LakegateProcess(f'store: "{url}"\n', provision=False)
        assert server.is_postgres()
        assert [label for label, _ in server.stored_texts()] == ["store table audit"]
        server.assert_no_secrets_stored()
        secret = fake_secret()
        psql(url, f"INSERT INTO audit VALUES (2, 'r2', '{{\"n\": \"{secret}\"}}')")
        with pytest.raises(AssertionError, match="a secret appeared in store table audit"):
            server.assert_no_secrets_stored()
    finally:
        psql(base_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


# ---- the request hook, against a stand-in server ---------------------------------------

class StandIn(http.server.BaseHTTPRequestHandler):
    """POST …/user/session hands out a fresh token; GET /echo returns the last one; POST elsewhere → {}."""
    issued = None

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/api/v2/user/session":
            StandIn.issued = "tok-" + secrets.token_hex(16)
            self.reply({"session_token": StandIn.issued})
        else:
            self.reply({})

    def do_GET(self):
        self.reply({"session_token": StandIn.issued})

    def reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


def test_hook_registers_issued_and_chosen_secrets(stand_in):
    password = "chosen-" + secrets.token_hex(8)
    response = requests.post(stand_in + "/api/v2/user/session", json={"email": "a@b.test", "password": password},
                             timeout=10)
    token = response.json()["session_token"]  # the issuing response itself is not flagged
    assert is_registered(token) and is_registered(password)
    with pytest.raises(AssertionError, match="a secret appeared in the response of get .*/echo"):
        requests.get(stand_in + "/echo", timeout=10)
    # A "password" column of table data is no credential; a caller's Databricks token is.
    row_value, header_token = "row-" + secrets.token_hex(8), "dapi" + secrets.token_hex(16)
    requests.post(stand_in + "/api/v2/spark/_table/users", json={"resource": [{"password": row_value}]},
                  headers={"X-Databricks-Token": header_token}, timeout=10)
    assert not is_registered(row_value) and is_registered(header_token)


# ---- a real cycle ----------------------------------------------------------------------

def test_full_cycle_registers_every_secret_and_stores_none(testbed_env, tmp_path):
    audit_file = str(tmp_path / "audit.log")
    server = start_secure(f"""
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{testbed_env['LAKEGATE_SPARK_CONNECT']}", catalog: spark_catalog, schema: retail}}
audit: {{file: "{audit_file}"}}
""")
    cycle = {"master key": server.master_key, "admin password": server.admin_password}
    try:
        admin = AdminApi(server)
        cycle["admin token"] = admin.token
        refreshed = requests.put(server.url + "/api/v2/system/admin/session", headers=admin.headers, timeout=30)
        assert refreshed.status_code == 200, refreshed.text
        cycle["refreshed admin token"] = admin.token = refreshed.json()["session_token"]
        admin.headers = session_headers(admin.token)
        role = admin.create_role("leak_role", [{"service": "spark", "component": "*", "verb_mask": ALL_VERBS}])
        app_id, cycle["app key"] = admin.create_app("leak_app", role)
        cycle["rotated key"] = admin.ok("POST", f"app/{app_id}/key")["api_key"]
        cycle["CLI app key"] = server.cli("app", "create", "--name", "leak_cli_app", "--role", "leak_role")["api_key"]
        cycle["CLI user password"] = "cli-pw-" + secrets.token_hex(8)
        server.cli("user", "create", "--email", "cli@leak.lakegate.test", "--password-env", "LG_LEAK_PW",
                   "--role", "leak_role", env={"LG_LEAK_PW": cycle["CLI user password"]})
        cycle["user password"] = strong_password()
        cycle["user Databricks token"] = "dapi" + secrets.token_hex(16)
        user_id = admin.create_user("user@leak.lakegate.test", cycle["user password"], role_id=role,
                                    databricks_token=cycle["user Databricks token"])
        cycle["changed password"] = "changed-" + secrets.token_hex(8)
        admin.ok("PATCH", f"user/{user_id}", json={"password": cycle["changed password"]})
        cycle["user token"] = login(server, "user@leak.lakegate.test", cycle["changed password"])["session_token"]
        refreshed = requests.put(server.url + "/api/v2/user/session", headers=session_headers(cycle["user token"]),
                                 timeout=30)
        assert refreshed.status_code == 200, refreshed.text
        cycle["refreshed user token"] = refreshed.json()["session_token"]
        cycle["CLI user token"] = login(server, "cli@leak.lakegate.test", cycle["CLI user password"])["session_token"]

        url = server.url + "/api/v2/spark/_table/customers"
        for kwargs in ({"headers": key_headers(cycle["rotated key"])},
                       {"headers": session_headers(cycle["refreshed user token"])},
                       {"params": {"api_key": cycle["CLI app key"]}},
                       {"params": {"session_token": cycle["CLI user token"]}}):
            params = dict(kwargs.pop("params", {}), limit=1)
            response = requests.get(url, params=params, timeout=120, **kwargs)
            assert response.status_code == 200, response.text
        assert requests.get(url, headers=key_headers(cycle["app key"]), timeout=60).status_code == 401
    finally:
        server.stop()  # the leak check of every process: log, audit file, store

    unregistered = [name for name, value in cycle.items() if not is_registered(value)]
    assert not unregistered, unregistered
    assert len(set(cycle.values())) == len(cycle)
    texts = dict(server.stored_texts())
    assert set(texts) >= {audit_file, "store table audit", "store table app", "store table users"}, sorted(texts)
    # The audit trail recorded this cycle (so there was something to scan) …
    for label in (audit_file, "store table audit"):
        assert texts[label].count("_table/customers") >= 4 and "user@leak.lakegate.test" in texts[label], label
    # … and holds none of its secrets.
    for name, value in cycle.items():
        for label, text in texts.items():
            assert value not in text, f"{name} appears in {label}"
