"""End to end: the lakegate command line (test-connection, config errors,
--version) and graceful shutdown, against the real Spark test bed."""
import json
import os
import signal
import tempfile
import threading
import time

import requests

from lakegate_process import LakegateProcess, free_port, run_binary


def write_config(text):
    path = os.path.join(tempfile.mkdtemp(prefix="lakegate-cli-"), "lakegate.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def service_config(url, name="spark", extra=""):
    return f"services:\n  - name: {name}\n    type: spark\n    config: {{workspace_url: \"{url}\"{extra}}}\n"


def run(*args, env=None):
    return run_binary(*args, env=env)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("lakegate ")


def test_test_connection_succeeds_against_spark(testbed_env):
    path = write_config(service_config("${SPARK_URL}", extra=", access_token: \"${SECRET}\""))
    result = run("test-connection", "--config", path, "spark",
                 env={"SPARK_URL": testbed_env["LAKEGATE_SPARK_CONNECT"], "SECRET": "s3cr3t-t0ken"})
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["success"] is True
    assert report["connection_type"] == "spark_connect"
    assert report["server_version"].startswith("4.")
    assert isinstance(report["latency_ms"], int)
    assert "s3cr3t-t0ken" not in result.stdout + result.stderr


def test_test_connection_fails_cleanly_when_spark_is_down():
    path = write_config(service_config(f"sc://127.0.0.1:{free_port()}"))
    result = run("test-connection", "--config", path, "spark")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["success"] is False
    assert report["error_code"] == "BACKEND_UNAVAILABLE"


def test_bad_config_names_the_key():
    path = write_config(service_config("sc://127.0.0.1:1", extra=", timeout: soon"))
    result = run("serve", "--config", path)
    assert result.returncode != 0
    assert "services[0].config.timeout" in result.stderr


def test_sigterm_lets_in_flight_request_finish(testbed_env):
    server = LakegateProcess(service_config(testbed_env["LAKEGATE_SPARK_CONNECT"]))
    server.start()
    outcome = {}

    def slow_request():
        outcome["response"] = server.query(
            "SELECT count(*) AS n FROM range(0, 200000000) WHERE id % 7 = 3")

    thread = threading.Thread(target=slow_request)
    thread.start()
    time.sleep(1.0)
    server.process.send_signal(signal.SIGTERM)
    thread.join(120)
    assert server.process.wait(60) == 0
    response = outcome["response"]
    assert response.status_code == 200, response.text
    assert response.json()["resource"] == [{"n": 28571429}]
    try:
        requests.get(server.url + "/health", timeout=2)
        raise AssertionError("server still accepting after SIGTERM")
    except requests.ConnectionError:
        pass
    server.stop()  # the process has exited; this scans its log and store for secrets


def test_sigterm_interrupts_spark_work_after_the_grace_period(testbed_env, spark):
    config = service_config(testbed_env["LAKEGATE_SPARK_CONNECT"]) + "http: {shutdown_grace_seconds: 1}\n"
    server = LakegateProcess(config)
    server.start()
    outcome = {}

    def endless_request():
        try:
            outcome["response"] = server.query("SELECT count(*) FROM range(0, 1000000000000, 1, 4)")
        except requests.RequestException as error:
            outcome["error"] = error

    thread = threading.Thread(target=endless_request)
    thread.start()
    time.sleep(1.5)
    started = time.time()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(30) == 0
    assert time.time() - started < 15, "lakegate waited for Spark instead of interrupting it"
    thread.join(30)
    # The client got an error (status or closed connection), never a fake success.
    assert "error" in outcome or outcome["response"].status_code >= 500
    # Spark is not left running the query: a fresh query answers promptly.
    assert spark.sql("SELECT 1 AS one").collect()[0][0] == 1
    server.stop()
