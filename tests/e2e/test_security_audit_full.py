"""End to end: when the audit trail cannot keep up, requests are refused, not
served unaudited.

lakegate runs with `audit: {queue_capacity: 1, full_wait_ms: 300}` on its
SQLite store. The test takes SQLite's write lock on that store itself (a
BEGIN EXCLUSIVE in another connection; WAL readers still work), so the audit
writer's inserts fail with "database is locked" and are retried:

  1. a request admitted before the lock is answered (its record waits in the
     one audit slot, the file line already written)
  2. the next request waits 300 ms for a slot, then gets 503 with Retry-After
     and the error envelope, and nothing runs (not even Spark is asked)
  3. once the lock is released the retried record is stored, requests are
     served again, and the audit trail holds the first request exactly once
     and the refused one not at all
  4. lakegate's log warned about the refusal, the failing store (the lock is
     held past SQLite's 5 s busy timeout) and its recovery
"""
import contextlib
import json
import sqlite3
import time

import pytest
import requests

from security_helpers import AdminApi, assert_error, start_secure

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: retail, timeout: 120}}
audit: {{file: "{audit}", queue_capacity: 1, full_wait_ms: 300}}
"""


@pytest.fixture(scope="module")
def bed(testbed_env, tmp_path_factory):
    audit_file = str(tmp_path_factory.mktemp("audit") / "audit.log")
    server = start_secure(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"], audit=audit_file))
    try:
        server.audit_file = audit_file
        server.admin = AdminApi(server)
        yield server
    finally:
        server.stop()


def wait_until_stored(server, request_id, timeout=10):
    """Polls the store (read-only) until the audit row of `request_id` is committed."""
    deadline = time.time() + timeout
    with contextlib.closing(sqlite3.connect(f"file:{server.sqlite_path()}?mode=ro", uri=True)) as db:
        while time.time() < deadline:
            if db.execute("SELECT 1 FROM audit WHERE request_id = ?", (request_id,)).fetchone():
                return
            time.sleep(0.05)
    raise AssertionError(f"audit record {request_id} never reached the store")


def log_events(server):
    events = []
    with open(server.log_path, errors="replace") as f:
        for line in f:
            with contextlib.suppress(ValueError):
                events.append(json.loads(line))
    return events


def store_failures(server):
    return [event["detail"] for event in log_events(server)
            if event.get("level") == "warning" and event.get("msg") == "audit store write failed"]


def test_a_blocked_audit_store_refuses_requests_instead_of_losing_records(bed):
    headers = bed.admin.headers
    warmup = requests.get(bed.url + "/api/v2", headers=headers, timeout=30)
    assert warmup.status_code == 200, warmup.text
    # The one slot is free again only once the last record is committed.
    wait_until_stored(bed, warmup.headers["X-Request-Id"])

    lock = sqlite3.connect(bed.sqlite_path(), isolation_level=None, timeout=10)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        served = requests.get(bed.url + "/api/v2", headers=headers, timeout=30)
        assert served.status_code == 200, served.text
        served_id = served.headers["X-Request-Id"]

        started = time.monotonic()
        refused = requests.get(bed.url + "/api/v2/spark/_table/customers", headers=headers,
                               params={"limit": 1}, timeout=30)
        waited = time.monotonic() - started
        assert_error(refused, 503, "audit trail")
        assert refused.headers.get("Retry-After") == "1", refused.headers
        assert waited >= 0.29, waited
        refused_id = refused.headers["X-Request-Id"]

        # The admitted request's line is in the file already; the store still waits.
        with open(bed.audit_file) as f:
            ids = [json.loads(line)["request_id"] for line in f if line.strip()]
        assert ids.count(served_id) == 1 and refused_id not in ids

        # Held past SQLite's 5 s busy timeout, the insert fails: warned about, then retried.
        deadline = time.time() + 30
        while not store_failures(bed):
            assert time.time() < deadline, "no audit store failure was logged"
            time.sleep(0.2)
        assert "locked" in store_failures(bed)[0], store_failures(bed)
        assert_error(requests.get(bed.url + "/api/v2", headers=headers, timeout=30), 503)
    finally:
        lock.execute("ROLLBACK")
        lock.close()

    # The writer's retry now succeeds; requests are admitted again.
    deadline = time.time() + 60
    while True:
        again = requests.get(bed.url + "/api/v2", headers=headers, timeout=30)
        if again.status_code == 200:
            break
        assert_error(again, 503)
        assert time.time() < deadline, "lakegate never recovered from the released store lock"
        time.sleep(0.2)

    records = bed.admin.ok("GET", "audit", params={"limit": 1000})["resource"]
    stored_ids = [record["request_id"] for record in records]
    assert stored_ids.count(served_id) == 1, "the admitted request's record was lost or stored twice"
    assert refused_id not in stored_ids
    with open(bed.audit_file) as f:
        ids = [json.loads(line)["request_id"] for line in f if line.strip()]
    assert ids.count(served_id) == 1 and refused_id not in ids

    warnings = [event for event in log_events(bed) if event.get("level") == "warning"]
    messages = [event["msg"] for event in warnings]
    assert "audit trail full: request refused with 503" in messages, messages
    assert "audit store write recovered" in messages, messages
