"""Starts and stops a real lakegate server process for end-to-end tests.

Security is on in every test process (as in production). By default the
process is provisioned with the real CLI before it starts: a role
`e2e-full` granting every verb on every component of every service, and an
app `e2e` with that role. Its API key is then sent automatically on every
`requests` call to this process's URL that carries no credentials of its
own, so tests written for the gateway's behaviour need not repeat it.
Tests of authentication itself pass `provision=False` (nothing is sent for
them) or give their own credential headers.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

import requests

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
    if value and len(value) >= 8:
        with _keys_lock:
            _secrets.add(value)


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
        return [secret for secret in _secrets if secret in text]


def _request_with_default_key(self, method, url, *args, **kwargs):
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
    return response


requests.Session.request = _request_with_default_key


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
        self.process = None
        self.provision = provision
        self.api_key = None

    def cli(self, *args, env=None, check=True, input=None):
        """Runs `lakegate <args> --config <this config>`; returns parsed JSON stdout."""
        result = subprocess.run([BINARY, *args, "--config", self.config_path],
                                capture_output=True, text=True, env=dict(self.env, **(env or {})),
                                input=input, timeout=60)
        if check:
            assert result.returncode == 0, f"lakegate {' '.join(args)}: {result.stderr}"
            return json.loads(result.stdout)
        return result

    def start(self, timeout=20):
        assert os.path.exists(BINARY), f"{BINARY} missing: run scripts/build"
        if self.provision and self.api_key is None:
            self.cli("role", "create", "--name", "e2e-full", "--access", "*:*:127")
            self.api_key = self.cli("app", "create", "--name", "e2e", "--role", "e2e-full")["api_key"]
            register_secret(self.api_key)
            with _keys_lock:
                _default_keys[self.url + "/"] = self.api_key
        register_secret(self.env.get("LAKEGATE_MASTER_KEY"))
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
                    key_file = os.path.join(self.dir, "lakegate.key")
                    if os.path.exists(key_file):
                        with open(key_file) as f:
                            register_secret(f.read().strip())
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
        return self.process.returncode

    def query(self, sql, params=None, **kwargs):
        body = {"sql": sql}
        if params is not None:
            body["params"] = params
        return requests.post(self.url + "/api/v2/spark/_query", json=body, timeout=120, **kwargs)
