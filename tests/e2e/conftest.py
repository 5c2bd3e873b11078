"""End-to-end test foundation: the real test bed (scripts/testbed, DESIGN.md §6).

`scripts/testbed start` writes .testbed/env; these fixtures read it:

  testbed_env  dict of the shell variables in .testbed/env
               (LAKEGATE_SPARK_CONNECT, LAKEGATE_THRIFT_BINARY, ...)
  spark        a pyspark Spark Connect session to the bed (session-scoped),
               the oracle that lakegate's answers are compared against
  repo_root    pathlib.Path of the checkout

LAKEGATE_TESTBED_ENV may point at another env file.
"""
import os
import pathlib
import shlex

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
ENV_FILE = pathlib.Path(os.environ.get("LAKEGATE_TESTBED_ENV", REPO_ROOT / ".testbed" / "env"))


def load_testbed_env(path: pathlib.Path = ENV_FILE) -> dict:
    """Parses the KEY=VALUE lines (shell quoting) of a test bed env file."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        parts = shlex.split(value) if value else [""]
        env[key.strip()] = " ".join(parts)
    return env


@pytest.fixture(scope="session")
def repo_root() -> pathlib.Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def testbed_env() -> dict:
    if not ENV_FILE.is_file():
        pytest.fail(f"{ENV_FILE} is missing: the test bed is not running; run scripts/testbed start",
                    pytrace=False)
    env = load_testbed_env(ENV_FILE)
    if "LAKEGATE_SPARK_CONNECT" not in env:
        pytest.fail(f"{ENV_FILE} has no LAKEGATE_SPARK_CONNECT; run scripts/testbed start", pytrace=False)
    return env


@pytest.fixture(scope="session")
def spark(testbed_env):
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(testbed_env["LAKEGATE_SPARK_CONNECT"]).getOrCreate()
    try:
        session.sql("SELECT 1").collect()
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"Spark Connect at {testbed_env['LAKEGATE_SPARK_CONNECT']} does not answer ({e}); "
                    "run scripts/testbed start", pytrace=False)
    yield session
    # Not session.stop(): it races the client's asynchronous ReleaseExecute
    # and only makes the server log an error; the session times out there.
