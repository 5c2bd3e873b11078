"""Starts and stops a real lakegate server process for end-to-end tests.

Security is on in every test process (as in production). By default the
process is provisioned with the real CLI before it starts: a role
`e2e-full` granting every verb on every component of every service, and an
app `e2e` with that role. Its API key is then sent automatically on every
`requests` call to this process's URL that carries no credentials of its
own, so tests written for the gateway's behaviour need not repeat it.
Tests of authentication itself pass `provision=False` (nothing is sent for
them) or give their own credential headers.

Leak check: every secret the suite creates is registered (register_secret)
the moment it is chosen or handed out, and every later response body, CLI
output, lakegate log, audit file and store table (checked in stop()) must not
contain any registered secret. Registered automatically:
  - passwords / databricks_token / access_token values of JSON request bodies
    sent to /api/v2/system/* and /api/v2/user/*, and X-Databricks-Token headers
  - api_key / session_token fields of the responses of the issuing routes
    (login, refresh, app create, key rotation), after that response is checked
  - api_key / session_token fields of CLI output, passwords given to the CLI
  - values of env variables named *PASSWORD*, *TOKEN*, *SECRET*, *MASTER_KEY*
    given to a LakegateProcess or its CLI, the master key file, the test bed's
    Databricks tokens
"""
import contextlib
import glob
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.parse

import requests
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("LAKEGATE_BINARY", os.path.join(ROOT, "build", "lakegate"))

CREDENTIAL_HEADERS = ("x-dreamfactory-api-key", "x-dreamfactory-session-token", "authorization")

# url prefix → API key sent when a request carries no credentials.
_default_keys = {}
_keys_lock = threading.Lock()
_original_request = requests.Session.request

# Secrets that must never appear in any response body or lakegate log line of
# the whole suite: the test bed's Databricks tokens, master keys, passwords,
# and every API key / session token once it has been handed out.
_secrets = set()


def register_secret(value):
    """Adds `value` to the secrets every later response and log is checked for."""
    if isinstance(value, str) and len(value) >= 8 and value.strip("*"):  # not the "********" mask
        with _keys_lock:
            _secrets.add(value)


def is_registered(value):
    with _keys_lock:
        return value in _secrets


SECRET_ENV_NAMES = re.compile(r"PASSWORD|TOKEN|SECRET|MASTER_KEY", re.IGNORECASE)


def register_env_secrets(env):
    """Registers the values of the variables of `env` whose names say they hold a secret."""
    for name, value in (env or {}).items():
        if SECRET_ENV_NAMES.search(name):
            register_secret(value)


def json_values(data, names):
    """Every string under a key in `names`, at any depth of parsed JSON."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in names and isinstance(value, str):
                yield value
            else:
                yield from json_values(value, names)
    elif isinstance(data, list):
        for item in data:
            yield from json_values(item, names)


CHOSEN_FIELDS = ("password", "databricks_token", "access_token")  # in request bodies of the admin/user API
ISSUED_FIELDS = ("api_key", "session_token")  # handed out by the routes below (and the CLI)
ISSUING_ROUTE = re.compile(r"/api/v2/(user/session|system/admin/session|system/app|system/app/[^/]+/key)/?$")


def _load_testbed_secrets():
    path = os.path.join(ROOT, ".testbed", "env")
    if not os.path.exists(path):
        return
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            if key.startswith("LAKEGATE_DATABRICKS") and "TOKEN" in key:
                register_secret(value)


_load_testbed_secrets()


def leaked_secrets(text):
    with _keys_lock:
        secrets = list(_secrets)
    return [secret for secret in secrets if secret in text]


def _register_chosen_secrets(url, kwargs):
    """Secrets a request sets: passwords and tokens in admin/user API bodies, X-Databricks-Token."""
    for name, value in (kwargs.get("headers") or {}).items():
        if name.lower() == "x-databricks-token":
            register_secret(value)
    if not re.match(r"/api/v2/(system|user)/", urllib.parse.urlsplit(str(url)).path):
        return  # elsewhere a "password" field may be table data
    body = kwargs.get("json")
    if body is None and isinstance(kwargs.get("data"), (str, bytes)):
        try:
            body = json.loads(kwargs["data"])
        except ValueError:
            return
    for value in json_values(body, CHOSEN_FIELDS):
        register_secret(value)


def _request_with_default_key(self, method, url, *args, **kwargs):
    _register_chosen_secrets(url, kwargs)
    with _keys_lock:
        key = next((k for prefix, k in _default_keys.items() if str(url).startswith(prefix)), None)
    if key is not None:
        headers = dict(kwargs.get("headers") or {})
        params = kwargs.get("params")
        has_credentials = any(h.lower() in CREDENTIAL_HEADERS for h in headers) or (
            "api_key=" in str(url) or "session_token=" in str(url)) or (
            isinstance(params, dict) and ("api_key" in params or "session_token" in params)) or (
            kwargs.get("auth") is not None)
        if not has_credentials:
            headers["X-DreamFactory-API-Key"] = key
            kwargs["headers"] = headers
    response = _original_request(self, method, url, *args, **kwargs)
    if not kwargs.get("stream"):
        leaked = leaked_secrets(response.content.decode("utf-8", "replace"))
        assert not leaked, f"a secret appeared in the response of {method} {url}"
        # Only now: this response hands the new key / token out legitimately.
        if (str(method).upper() in ("POST", "PUT") and response.status_code == 200
                and ISSUING_ROUTE.search(urllib.parse.urlsplit(str(url)).path)):
            for value in json_values(response.json(), ISSUED_FIELDS):
                register_secret(value)
    return response


requests.Session.request = _request_with_default_key


def _psql(url, sql):
    result = subprocess.run(["psql", "-X", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def run_binary(*args, env=None, timeout=120):
    """Runs `lakegate <args>` with `env` added; its output must hold no registered secret."""
    register_env_secrets(env)
    result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout,
                            env=dict(os.environ, **(env or {})))
    assert not leaked_secrets(result.stdout + result.stderr), f"a secret appeared in the output of lakegate {args[0]}"
    return result


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LakegateProcess:
    """A lakegate serving `config_text` (YAML) on a free loopback port."""

    def __init__(self, config_text, env=None, provision=True):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = tempfile.mkdtemp(prefix="lakegate-e2e-")
        self.config_path = os.path.join(self.dir, "lakegate.yaml")
        with open(self.config_path, "w") as f:
            f.write(config_text)
        self.log_path = os.path.join(self.dir, "lakegate.log")
        self.env = dict(os.environ, **(env or {}))
        register_env_secrets(env)
        register_secret(self.env.get("LAKEGATE_MASTER_KEY"))
        try:
            self.config = yaml.safe_load(config_text) or {}
        except yaml.YAMLError:
            self.config = {}  # lakegate will refuse it too
        self.process = None
        self.provision = provision
        self.api_key = None

    def cli(self, *args, env=None, check=True, input=None):
        """Runs `lakegate <args> --config <this config>`; returns parsed JSON stdout."""
        register_env_secrets(env)
        if "--password-stdin" in args and input:
            register_secret(input.strip())
        result = subprocess.run([BINARY, *args, "--config", self.config_path],
                                capture_output=True, text=True, env=dict(self.env, **(env or {})),
                                input=input, timeout=60)
        self.register_master_key_file()
        assert not leaked_secrets(result.stdout + result.stderr), \
            f"a secret appeared in the output of lakegate {' '.join(args)}"
        if check:
            assert result.returncode == 0, f"lakegate {' '.join(args)}: {result.stderr}"
            output = json.loads(result.stdout)
            for value in json_values(output, ISSUED_FIELDS):  # after the check: handed out here
                register_secret(value)
            return output
        return result

    # ---- where this process keeps things (as src/config and src/api/security.cc resolve them) ----

    def setting(self, *path):
        """A string setting of the config, ${VAR}s expanded from the process environment; None if unset."""
        value = self.config
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value:
            return None
        return re.sub(r"\$\{(\w+)\}", lambda m: self.env.get(m.group(1), ""), value)

    def store_url(self):
        return self.setting("store") or "sqlite://" + os.path.join(self.dir, "lakegate.db")

    def is_postgres(self):
        return self.store_url().startswith(("postgresql://", "postgres://"))

    def sqlite_path(self):
        url = self.store_url()
        return os.path.abspath(url[len("sqlite://"):] if url.startswith("sqlite://") else url)

    def master_key_file(self):
        return self.setting("security", "master_key_file") or os.path.join(
            self.dir if self.is_postgres() else os.path.dirname(self.sqlite_path()), "lakegate.key")

    def register_master_key_file(self):
        if os.path.exists(self.master_key_file()):
            with open(self.master_key_file()) as f:
                register_secret(f.read().strip())

    def audit_files(self):
        """The audit file and its rotated copies (FILE.1, FILE.2, …)."""
        path = self.setting("audit", "file")
        if not path:
            return []
        path = os.path.abspath(path)
        rotated = [p for p in glob.glob(glob.escape(path) + ".*") if re.fullmatch(r"\.\d+", p[len(path):])]
        return [p for p in [path] if os.path.exists(p)] + sorted(rotated)

    def start(self, timeout=20):
        assert os.path.exists(BINARY), f"{BINARY} missing: run scripts/build"
        if self.provision and self.api_key is None:
            self.cli("role", "create", "--name", "e2e-full", "--access", "*:*:127")
            self.api_key = self.cli("app", "create", "--name", "e2e", "--role", "e2e-full")["api_key"]
            with _keys_lock:
                _default_keys[self.url + "/"] = self.api_key
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--config", self.config_path, "--listen", f"127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"lakegate exited {self.process.returncode}: {self.log_text()}")
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    self.register_master_key_file()
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("lakegate did not answer /health: " + self.log_text())

    def assert_no_secrets_logged(self):
        with open(self.log_path, errors="replace") as f:
            leaked = leaked_secrets(f.read())
        assert not leaked, f"a secret appeared in {self.log_path}"

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()[-4000:]

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.assert_no_secrets_logged()
        self.assert_no_secrets_stored()
        return self.process.returncode

    def stored_texts(self):
        """(label, text) of every audit file and of every table of the store (all its columns)."""
        texts = []
        for path in self.audit_files():
            with open(path, errors="replace") as f:
                texts.append((path, f.read()))
        if self.is_postgres():
            url = self.store_url()
            tables = _psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").split()
            for table in tables:  # every column's value as text, unescaped
                texts.append((f"store table {table}", _psql(
                    url, f'SELECT x.value FROM "{table}" t, jsonb_each_text(to_jsonb(t)) x')))
        elif os.path.exists(self.sqlite_path()):
            with contextlib.closing(sqlite3.connect(f"file:{self.sqlite_path()}?mode=ro", uri=True)) as db:
                tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                for table in tables:
                    values = (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                              for row in db.execute(f'SELECT * FROM "{table}"') for v in row)
                    texts.append((f"store table {table}", "\n".join(values)))
        return texts

    def assert_no_secrets_stored(self):
        for label, text in self.stored_texts():
            assert not leaked_secrets(text), f"a secret appeared in {label} of {self.dir}"

    def query(self, sql, params=None, **kwargs):
        body = {"sql": sql}
        if params is not None:
            body["params"] = params
        return requests.post(self.url + "/api/v2/spark/_query", json=body, timeout=120, **kwargs)
