"""End to end: a Spark Connect result stream cut mid-way resumes where it stopped.

lakegate runs every statement as a reattachable execution. Here its service talks
to Spark Connect through a TCP proxy this test controls; the proxy resets the
connection once the server has sent a few megabytes of a large result. lakegate
must reattach (ReattachExecute after the last response it processed) and the
client must receive every row exactly once, in order, equal to what pyspark reads
directly — and a stream cut again and again must end in an error, never in a
silently short result.
"""
import json
import socket
import struct
import threading
import time

import pytest
import requests

from lakegate_process import LakegateProcess

SQL = "SELECT id, sha2(CAST(id AS STRING), 256) AS h FROM range(200000)"
CONFIG = """
services:
  - name: proxied
    type: spark
    config: {{workspace_url: "sc://127.0.0.1:{port}", timeout: 120}}
"""


class CuttingProxy:
    """Forwards TCP to Spark Connect; once armed, resets whichever connection carries
    the server's byte number `cut_at` (counted over all connections)."""

    def __init__(self, target):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.sent = 0          # server → client bytes so far
        self.cut_at = None     # armed: reset when `sent` passes this
        self.repeat = False    # re-arm after every cut (every stream keeps breaking)
        self.cut_after = 0
        self.cuts = 0
        self.closed = False
        threading.Thread(target=self.accept, daemon=True).start()

    def arm(self, after_bytes, repeat=False):
        with self.lock:
            self.cut_at = self.sent + after_bytes
            self.cut_after, self.repeat = after_bytes, repeat

    def disarm(self):
        with self.lock:
            self.cut_at, self.repeat = None, False

    def accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self.pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, True), daemon=True).start()

    @staticmethod
    def reset(*socks):
        # shutdown() first: it wakes the other pump blocked in recv() on the same
        # socket (a close() alone would wait for that call to return).
        for sock in socks:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass

    def pump(self, source, sink, from_server):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if from_server:
                    with self.lock:
                        self.sent += len(data)
                        cut = self.cut_at is not None and self.sent >= self.cut_at
                        if cut:
                            self.cuts += 1
                            self.cut_at = self.sent + self.cut_after if self.repeat else None
                    if cut:
                        self.reset(source, sink)
                        return
                sink.sendall(data)
        except OSError:
            pass
        self.reset(source, sink)

    def close(self):
        self.closed = True
        self.listener.close()


@pytest.fixture(scope="module")
def proxy(testbed_env):
    host_port = testbed_env["LAKEGATE_SPARK_CONNECT"].removeprefix("sc://").split("/")[0]
    host, port = host_port.rsplit(":", 1)
    p = CuttingProxy((host, int(port)))
    yield p
    p.close()


@pytest.fixture(scope="module")
def lakegate(proxy):
    server = LakegateProcess(CONFIG.format(port=proxy.port))
    server.start()
    yield server
    server.stop()


def query(lakegate, sql):
    return requests.post(f"{lakegate.url}/api/v2/proxied/_query", json={"sql": sql},
                         headers={"Accept": "application/x-ndjson"}, timeout=180)


def test_a_stream_cut_mid_way_resumes_without_duplicate_or_missing_rows(lakegate, proxy, spark):
    warm = query(lakegate, "SELECT 1 AS one")  # sessions and the channel up
    assert warm.status_code == 200, warm.text
    expected = [(r.id, r.h) for r in spark.sql(SQL).collect()]
    assert len(expected) == 200000
    proxy.arm(6 << 20)  # the result is ~20 MB of Arrow: cut well inside it
    response = query(lakegate, SQL)
    proxy.disarm()
    assert response.status_code == 200, response.text[:500]
    assert proxy.cuts == 1, "the proxy never cut the stream: the test proved nothing"
    rows = [json.loads(line) for line in response.text.splitlines() if line]
    got = [(r["id"], r["h"]) for r in rows]
    assert len(got) == len(expected)
    assert got == expected


def test_a_stream_that_keeps_breaking_without_progress_ends_in_an_error(lakegate, proxy):
    """Every connection reset after a few hundred bytes: no response gets through,
    so lakegate gives up — with an error status, or (were rows already sent) a
    transfer cut without its final chunk; never a short body that looks whole."""
    assert query(lakegate, "SELECT 1 AS one").status_code == 200
    cuts_before = proxy.cuts
    proxy.arm(300, repeat=True)
    truncated = False
    try:
        with requests.post(f"{lakegate.url}/api/v2/proxied/_query", json={"sql": SQL},
                           headers={"Accept": "application/x-ndjson"}, timeout=180, stream=True) as response:
            status = response.status_code
            try:
                body = response.content
            except requests.exceptions.ChunkedEncodingError:
                truncated = True
    finally:
        proxy.disarm()
    assert proxy.cuts - cuts_before >= 2
    if status == 200:
        assert truncated, f"a 200 with a complete-looking body of {len(body)} bytes"
    else:
        assert status in (502, 503, 504), (status, body[:300])
    # And the service recovers once the network does (gRPC reconnects with its
    # own back-off after the failures: allow it that time).
    deadline = time.monotonic() + 60
    again = query(lakegate, "SELECT 2 AS two")
    while again.status_code != 200 and time.monotonic() < deadline:
        assert again.status_code == 503, again.text  # unavailable, never anything else
        time.sleep(0.5)
        again = query(lakegate, "SELECT 2 AS two")
    assert again.status_code == 200, again.text
