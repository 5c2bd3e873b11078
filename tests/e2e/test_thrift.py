"""End to end: the HiveServer2 Thrift backend's failure paths and tools.

- a wrong bearer token → 502 "backend authentication failed", and no token
  ever appears in a response or in lakegate's log;
- an untrusted certificate → a clear TLS error;
- a Thrift server killed mid-query and mid-fetch → 503, and the next request
  after it is back succeeds without restarting lakegate (against a private
  Spark Thrift Server this test starts, never the shared bed);
- `lakegate test-connection` reports sql_warehouse / thrift and why;
- the literal renderer's round trip against the real Spark
  (hive_thrift_integration_test, C++).
"""
import json
import os
import signal
import subprocess
import tempfile
import time

import pytest
import requests

import lakegate_process
from lakegate_process import LakegateProcess, free_port

REPO = lakegate_process.ROOT


def need(testbed_env, *keys):
    missing = [key for key in keys if key not in testbed_env]
    if missing:
        pytest.fail(f"the running test bed predates {missing}: run scripts/testbed start")


def error_of(response, status):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == status
    return error


WAREHOUSE = """
services:
  - name: warehouse
    type: databricks
    config: {{workspace_url: "{url}", http_path: "{path}", access_token: "${{GOOD_TOKEN}}", ca_file: "{ca}"}}
  - name: wrong_token
    type: databricks
    config: {{workspace_url: "{url}", http_path: "{path}", access_token: "${{BAD_TOKEN}}", ca_file: "{ca}"}}
  - name: untrusted
    type: databricks
    config: {{workspace_url: "{url}", http_path: "{path}", access_token: "${{GOOD_TOKEN}}"}}
  - name: wrong_ca
    type: databricks
    config: {{workspace_url: "{url}", http_path: "{path}", access_token: "${{GOOD_TOKEN}}", ca_file: "{other_ca}"}}
"""

BAD_TOKEN = "dapi-wrong-0123456789abcdef-not-the-token"


@pytest.fixture(scope="module")
def front(testbed_env):
    need(testbed_env, "LAKEGATE_DATABRICKS_URL", "LAKEGATE_DATABRICKS_HTTP_PATH", "LAKEGATE_DATABRICKS_CA")
    other_ca = os.path.join(tempfile.mkdtemp(prefix="lakegate-ca-"), "other.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=not the front", "-keyout", other_ca + ".key", "-out", other_ca],
                   check=True, capture_output=True)
    server = LakegateProcess(
        WAREHOUSE.format(url=testbed_env["LAKEGATE_DATABRICKS_URL"],
                         path=testbed_env["LAKEGATE_DATABRICKS_HTTP_PATH"],
                         ca=testbed_env["LAKEGATE_DATABRICKS_CA"], other_ca=other_ca),
        env={"GOOD_TOKEN": testbed_env["LAKEGATE_DATABRICKS_TOKEN"], "BAD_TOKEN": BAD_TOKEN})
    server.start()
    yield server
    server.stop()


def post(server, service, sql):
    return requests.post(f"{server.url}/api/v2/{service}/_query", json={"sql": sql}, timeout=120)


def test_wrong_token_is_502_and_no_token_leaks(front, testbed_env):
    good = testbed_env["LAKEGATE_DATABRICKS_TOKEN"]
    ok = post(front, "warehouse", "SELECT 1 AS one")
    assert ok.status_code == 200, ok.text
    assert ok.json()["resource"] == [{"one": 1}]
    bodies = [ok.text]
    for _ in range(2):  # twice: the second one comes through the pool
        response = post(front, "wrong_token", "SELECT 1 AS one")
        error = error_of(response, 502)
        assert "backend authentication failed" in error["message"]
        bodies.append(response.text)
    response = requests.get(front.url + "/api/v2")
    bodies.append(response.text)
    log = front.log_text()
    for text in bodies + [log]:
        assert good not in text
        assert BAD_TOKEN not in text
        assert "Bearer" not in text


@pytest.mark.parametrize("service", ["untrusted", "wrong_ca"])
def test_untrusted_certificate_is_a_clear_tls_error(front, service):
    started = time.time()
    response = post(front, service, "SELECT 1")
    assert response.status_code in (502, 503), response.text
    message = response.json()["error"]["message"]
    assert "TLS" in message and "certificate" in message, message
    assert time.time() - started < 30


def run_cli(*args, env=None):
    return lakegate_process.run_binary(*args, env=env)


def test_test_connection_reports_protocol_and_reason(testbed_env):
    need(testbed_env, "LAKEGATE_DATABRICKS_URL", "LAKEGATE_THRIFT_HTTP")
    path = os.path.join(tempfile.mkdtemp(prefix="lakegate-tc-"), "lakegate.yaml")
    with open(path, "w") as f:
        f.write(f"""services:
  - name: warehouse
    type: databricks
    config: {{workspace_url: "{testbed_env['LAKEGATE_DATABRICKS_URL']}", http_path: "{testbed_env['LAKEGATE_DATABRICKS_HTTP_PATH']}", access_token: "${{TOKEN}}", ca_file: "{testbed_env['LAKEGATE_DATABRICKS_CA']}"}}
  - name: binary
    type: spark
    config: {{workspace_url: "{testbed_env['LAKEGATE_THRIFT_BINARY']}"}}
  - name: http
    type: spark
    config: {{workspace_url: "{testbed_env['LAKEGATE_THRIFT_HTTP']}"}}
  - name: down
    type: spark
    config: {{workspace_url: "thrift://127.0.0.1:{free_port()}", timeout: 5}}
""")
    token = testbed_env["LAKEGATE_DATABRICKS_TOKEN"]
    expected = {"warehouse": ("sql_warehouse", "http_path"), "binary": ("thrift", "thrift://"),
                "http": ("thrift", "/cliservice")}
    for name, (protocol, reason) in expected.items():
        result = run_cli("test-connection", "--config", path, name, env={"TOKEN": token})
        assert result.returncode == 0, result.stdout + result.stderr
        report = json.loads(result.stdout)
        assert report["success"] is True
        assert report["connection_type"] == protocol
        assert reason in report["reason"]
        assert report["server_version"].startswith("4.")
        assert token not in result.stdout + result.stderr
    result = run_cli("test-connection", "--config", path, "down", env={"TOKEN": token})
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["connection_type"] == "thrift" and report["error_code"] == "BACKEND_UNAVAILABLE"


def test_literal_renderer_round_trip_against_real_spark(testbed_env):
    need(testbed_env, "LAKEGATE_THRIFT_HTTP")
    binary = os.path.join(os.path.dirname(lakegate_process.BINARY),
                          "tests", "unit", "hive_thrift", "hive_thrift_integration_test")
    assert os.path.exists(binary), f"{binary} missing: run scripts/build"
    result = subprocess.run([binary], capture_output=True, text=True, timeout=600,
                            env=dict(os.environ, LAKEGATE_THRIFT_BINARY=testbed_env["LAKEGATE_THRIFT_BINARY"],
                                     LAKEGATE_THRIFT_HTTP=testbed_env["LAKEGATE_THRIFT_HTTP"]))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "[  PASSED  ] 8 tests" in result.stdout, result.stdout[-2000:]


# --- a private Spark Thrift Server, killed and restarted -------------------

def spark_home():
    python = os.path.join(REPO, ".venv", "bin", "python")
    return subprocess.run([python, "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"],
                          capture_output=True, text=True, check=True).stdout.strip()


class PrivateThriftServer:
    """A small HiveThriftServer2 (in-memory catalog, binary mode) of this test."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="lakegate-thrift-")
        self.process = None

    def start(self, timeout=180):
        env = dict(os.environ, SPARK_HOME=spark_home(), SPARK_LOCAL_IP="127.0.0.1",
                   SPARK_LOCAL_DIRS=self.dir)
        log = open(os.path.join(self.dir, "server.log"), "a")
        self.process = subprocess.Popen(
            [os.path.join(REPO, ".venv", "bin", "spark-submit"), "--master", "local[1]",
             "--driver-memory", "512m", "--name", "lakegate-e2e-private-thrift",
             "--driver-java-options", f"-Djava.io.tmpdir={self.dir} -Dderby.system.home={self.dir}",
             "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.catalogImplementation=in-memory",
             "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
             "--conf", "spark.sql.session.timeZone=UTC",
             "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
             "--hiveconf", "hive.server2.thrift.bind.host=127.0.0.1",
             "--hiveconf", f"hive.server2.thrift.port={self.port}", "spark-internal"],
            cwd=self.dir, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("private Thrift server exited: " + self.log_tail())
            try:
                import socket
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("private Thrift server did not open its port: " + self.log_tail())

    def log_tail(self):
        with open(os.path.join(self.dir, "server.log")) as f:
            return f.read()[-3000:]

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)


@pytest.fixture(scope="module")
def private_thrift():
    server = PrivateThriftServer().start()
    yield server
    server.kill()


def test_server_killed_mid_query_and_mid_fetch_then_back(private_thrift):
    lakegate = LakegateProcess(f"""
services:
  - name: private
    type: spark
    config: {{workspace_url: "thrift://127.0.0.1:{private_thrift.port}", timeout: 120, pool_size: 2}}
""").start()
    try:
        assert post(lakegate, "private", "SELECT 1 AS one").json()["resource"] == [{"one": 1}]

        # Killed while the statement runs (lakegate is polling its status).
        import threading
        killer = threading.Timer(3.0, private_thrift.kill)
        killer.start()
        started = time.time()
        response = post(lakegate, "private", "SELECT sum(id % 7) AS s FROM range(0, 1000000000000, 1, 64)")
        killer.join()
        error = error_of(response, 503)
        assert "Thrift server" in error["message"]
        assert time.time() - started < 60

        # Back on the same port: the next request succeeds, same lakegate.
        private_thrift.start()
        response = post(lakegate, "private", "SELECT 2 AS two")
        assert response.status_code == 200, response.text
        assert response.json()["resource"] == [{"two": 2}]

        # Killed between fetches of a streamed result: the response is a 503
        # if nothing was sent yet, else it ends without a complete envelope.
        with requests.post(f"{lakegate.url}/api/v2/private/_query",
                           json={"sql": "SELECT id, repeat('x', 100) AS pad FROM range(0, 500000, 1, 4)"},
                           stream=True, timeout=120) as streamed:
            body = next(streamed.iter_content(1024), b"")
            private_thrift.kill()
            if streamed.status_code == 200:
                try:
                    for chunk in streamed.iter_content(65536):
                        body += chunk
                except requests.exceptions.RequestException:
                    pass  # the stream was cut: also a failure the client sees
        if streamed.status_code == 200:
            with pytest.raises(ValueError):
                json.loads(body)
        else:
            assert streamed.status_code == 503

        private_thrift.start()
        response = post(lakegate, "private", "SELECT 3 AS three")
        assert response.status_code == 200, response.text
        assert response.json()["resource"] == [{"three": 3}]
        assert lakegate.process.poll() is None
    finally:
        lakegate.stop()
