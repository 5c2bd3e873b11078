"""Starts and stops a real lakegate server process for end-to-end tests."""
import os
import signal
import socket
import subprocess
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("LAKEGATE_BINARY", os.path.join(ROOT, "build", "lakegate"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LakegateProcess:
    """A lakegate serving `config_text` (YAML) on a free loopback port."""

    def __init__(self, config_text, env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = tempfile.mkdtemp(prefix="lakegate-e2e-")
        self.config_path = os.path.join(self.dir, "lakegate.yaml")
        with open(self.config_path, "w") as f:
            f.write(config_text)
        self.log_path = os.path.join(self.dir, "lakegate.log")
        self.env = dict(os.environ, **(env or {}))
        self.process = None

    def start(self, timeout=20):
        assert os.path.exists(BINARY), f"{BINARY} missing: run scripts/build"
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
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("lakegate did not answer /health: " + self.log_text())

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
        return self.process.returncode

    def query(self, sql, params=None, **kwargs):
        body = {"sql": sql}
        if params is not None:
            body["params"] = params
        return requests.post(self.url + "/api/v2/spark/_query", json=body, timeout=120, **kwargs)
