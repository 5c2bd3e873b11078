"""Building blocks of the lakegate benchmark: lakegate processes, /proc readers,
HTTP clients with small overhead, and percentile helpers.

Everything here is bounded: each request has a socket timeout, each wait has a
deadline, and every lakegate process started here is recorded in a pid file so
bench/run's trap can stop it even if Python dies.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field

from proc_net import pid_listening_on  # noqa: F401  (re-exported for the benchmarks)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
QUERY_PATH = "/api/v2/spark/_query"


class BenchError(Exception):
    """Something broke (wrong row count, bad status, process died): not a MISS."""


# ---------------------------------------------------------------- /proc


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of `pid`, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def proc_status_kb(pid: int, key: str) -> int:
    """A `kB` line of /proc/<pid>/status, e.g. VmHWM or VmRSS."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise BenchError(f"/proc/{pid}/status has no {key}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- lakegate


@dataclass
class Lakegate:
    """One `lakegate serve` process on a free port with its own temp config."""

    binary: str
    spark_url: str
    out_dir: str
    tag: str
    pid_file: str
    port: int = 0
    proc: subprocess.Popen | None = None
    log_path: str = ""
    # Optional second service `thrift` (HiveServer2 Thrift, e.g. HTTP mode).
    thrift_url: str = ""

    def start(self, ready_timeout: float = 90.0) -> "Lakegate":
        self.port = free_port()
        config_path = os.path.join(self.out_dir, f"lakegate-{self.tag}.yaml")
        with open(config_path, "w") as f:
            f.write(
                f'listen: "127.0.0.1:{self.port}"\n'
                "http:\n"
                "  shutdown_grace_seconds: 2\n"
                # These benchmarks measure the Spark path against its peers;
                # bench/security_bench.py measures what security adds.
                "security:\n"
                "  enabled: false\n"
                "services:\n"
                "  - name: spark\n"
                "    type: spark\n"
                f'    config: {{workspace_url: "{self.spark_url}", catalog: spark_catalog, schema: nyctaxi, '
                "timeout: 600, max_records: 10000000}\n"
                # The same Spark with the result cache on (defaults otherwise).
                "  - name: cached\n"
                "    type: spark\n"
                f'    config: {{workspace_url: "{self.spark_url}", catalog: spark_catalog, schema: nyctaxi, '
                "timeout: 600, max_records: 10000000, cache_enabled: true}\n"
                + (
                    "  - name: thrift\n"
                    "    type: spark\n"
                    f'    config: {{workspace_url: "{self.thrift_url}", catalog: spark_catalog, schema: nyctaxi, '
                    "timeout: 600, max_records: 10000000}\n"
                    if self.thrift_url else ""
                )
            )
        self.log_path = os.path.join(self.out_dir, f"lakegate-{self.tag}.log")
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--config", config_path],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        with open(self.pid_file, "a") as f:
            f.write(f"{self.proc.pid}\n")
        self._wait_ready(ready_timeout)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"lakegate ({self.tag}) exited with {self.proc.returncode}; see {self.log_path}"
                )
            try:
                status, body = post_once(self.port, {"sql": "SELECT 1 AS x"}, timeout=30)
                if status == 200 and json.loads(body) == {"resource": [{"x": 1}], "row_count": 1}:
                    return
                last_error = f"HTTP {status}: {body[:200]!r}"
            except (OSError, http.client.HTTPException, ValueError) as e:
                last_error = repr(e)
            time.sleep(0.3)
        raise BenchError(f"lakegate ({self.tag}) not ready after {timeout:.0f}s: {last_error}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.pid)

    def hwm_kb(self) -> int:
        return proc_status_kb(self.pid, "VmHWM")

    def rss_kb(self) -> int:
        return proc_status_kb(self.pid, "VmRSS")


def post_once(port: int, body: dict, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", QUERY_PATH, json.dumps(body), {"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


# ---------------------------------------------------------------- clients


class KeepAliveClient:
    """One persistent `http.client` connection (HTTP/1.1 keep-alive) to lakegate.

    Chosen over requests.Session to keep client-side overhead small; reconnects
    once if the server closed the idle connection."""

    def __init__(self, port: int, timeout: float = 120, path: str = QUERY_PATH):
        self.port = port
        self.path = path
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        self.last_headers = None  # of the last answer

    def query(self, body: bytes | None, method: str = "POST", path: str | None = None) -> dict:
        for attempt in (0, 1):
            try:
                self.conn.request(method, path or self.path, body,
                                  self.headers if body is not None else {"Accept": "application/json"})
                resp = self.conn.getresponse()
                data = resp.read()
                self.last_headers = resp.headers
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt:
                    raise
        if resp.status != 200:
            raise BenchError(f"lakegate answered HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data)

    def close(self) -> None:
        self.conn.close()


@dataclass
class StreamResult:
    status: int
    body_bytes: int = 0
    rows_counted: int = 0
    row_count_field: int | None = None
    complete: bool = False
    ttfb_s: float = 0.0
    wall_s: float = 0.0
    client_cpu_s: float = 0.0
    tail: bytes = b""
    error_body: bytes = b""
    chunks: int = 0
    content_type: str = ""
    arrow_columns: int = 0


class _Chunked:
    """Incremental HTTP/1.1 chunked-transfer decoder over a bytearray window."""

    def __init__(self, on_data):
        self.on_data = on_data
        self.state = "size"  # size | data | data_crlf | trailer | done
        self.line = bytearray()
        self.remaining = 0
        self.chunks = 0

    def feed(self, buf: bytearray, i: int, end: int) -> None:
        while i < end and self.state != "done":
            if self.state == "data":
                n = min(self.remaining, end - i)
                self.on_data(buf, i, i + n)
                i += n
                self.remaining -= n
                if self.remaining == 0:
                    self.state = "data_crlf"
                continue
            j = buf.find(b"\n", i, end)
            if j < 0:
                self.line += buf[i:end]
                return
            self.line += buf[i:j]
            i = j + 1
            line = bytes(self.line).rstrip(b"\r")
            self.line.clear()
            if self.state == "data_crlf":
                if line:
                    raise BenchError(f"chunked framing: expected CRLF after chunk, got {line[:40]!r}")
                self.state = "size"
            elif self.state == "size":
                size = int(line.split(b";")[0], 16)
                if size == 0:
                    self.state = "trailer"
                else:
                    self.remaining = size
                    self.chunks += 1
                    self.state = "data"
            elif self.state == "trailer" and not line:
                self.state = "done"


def stream_query(port: int, body: dict | None, accept: str = "application/json", timeout: float = 900,
                 path: str = QUERY_PATH, arrow_file: str = "") -> StreamResult:
    """POSTs a query on a raw socket and consumes the response, discarding rows.

    Rows are counted without parsing: for the JSON envelope, every '{' in the
    body is a row except the envelope's own (valid for flat rows whose values
    hold no '{', as in the nyctaxi schema); for NDJSON, every '\\n'. The reader
    checks the chunked framing ends with its final chunk (a truncated stream is
    an error) and reads "row_count" from the envelope's tail."""
    if body is None:  # GET `path` (e.g. /_table/...?format=...)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
    else:
        payload = json.dumps(body).encode()
        request = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nAccept: {accept}\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
        ).encode() + payload
    # Rows are counted by a marker byte: '\n' per NDJSON/CSV line, '{' per JSON
    # row; an Arrow stream is written to `arrow_file` and counted by pyarrow.
    kind = "arrow" if "arrow" in accept else ("lines" if ("ndjson" in accept or "csv" in accept) else "json")
    marker = b"\n" if kind == "lines" else b"{"
    sink = open(arrow_file, "wb") if kind == "arrow" else None
    cpu0 = time.thread_time()
    t0 = time.perf_counter()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        sock.sendall(request)
        buf = bytearray(1 << 20)
        view = memoryview(buf)
        head = bytearray()
        # Headers.
        while b"\r\n\r\n" not in head:
            n = sock.recv_into(view)
            if n == 0:
                raise BenchError(f"connection closed before headers: {bytes(head)[:200]!r}")
            head += view[:n]
        header_end = head.index(b"\r\n\r\n") + 4
        header_text = bytes(head[:header_end]).decode("latin-1")
        status = int(header_text.split(" ", 2)[1])
        headers = {}
        for line in header_text.split("\r\n")[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        result = StreamResult(status=status)
        tail = bytearray()
        counters = {"bytes": 0, "marks": 0, "first": None}

        def on_data(b: bytearray, start: int, end: int) -> None:
            if counters["first"] is None:
                counters["first"] = time.perf_counter()
            counters["bytes"] += end - start
            if sink is not None:
                sink.write(memoryview(b)[start:end])
            else:
                counters["marks"] += b.count(marker, start, end)
            if end - start >= 256:
                tail[:] = b[end - 256 : end]
            else:
                tail.extend(b[start:end])
                del tail[:-256]

        chunked = headers.get("transfer-encoding", "").lower() == "chunked"
        length = int(headers["content-length"]) if "content-length" in headers else None
        decoder = _Chunked(on_data) if chunked else None
        rest = head[header_end:]
        if rest:
            rbuf = bytearray(rest)
            decoder.feed(rbuf, 0, len(rbuf)) if decoder else on_data(rbuf, 0, len(rbuf))
        while True:
            if decoder and decoder.state == "done":
                break
            if length is not None and counters["bytes"] >= length:
                break
            n = sock.recv_into(view)
            if n == 0:
                break
            if time.perf_counter() - t0 > timeout:
                raise BenchError(f"stream still running after {timeout:.0f}s (time budget)")
            if decoder:
                decoder.feed(buf, 0, n)
            else:
                on_data(buf, 0, n)
        t1 = time.perf_counter()
    finally:
        sock.close()
        if sink is not None:
            sink.close()
    result.wall_s = t1 - t0
    result.client_cpu_s = time.thread_time() - cpu0
    result.ttfb_s = (counters["first"] or t1) - t0
    result.body_bytes = counters["bytes"]
    result.tail = bytes(tail)
    result.chunks = decoder.chunks if decoder else 0
    if decoder:
        result.complete = decoder.state == "done"
    elif length is not None:
        result.complete = counters["bytes"] == length
    if status != 200:
        result.error_body = result.tail
        return result
    result.content_type = headers.get("content-type", "")
    if kind == "arrow":
        import pyarrow.ipc

        with pyarrow.ipc.open_stream(arrow_file) as reader:
            result.rows_counted = sum(batch.num_rows for batch in reader)
            result.arrow_columns = len(reader.schema)
        os.unlink(arrow_file)
    elif kind == "lines":
        result.rows_counted = counters["marks"] - (1 if "csv" in accept else 0)  # CSV: minus the header
    else:
        result.rows_counted = counters["marks"] - 1
        m = re.search(rb'"row_count"\s*:\s*(\d+)\s*}\s*$', result.tail)
        result.row_count_field = int(m.group(1)) if m else None
    return result


class RssSampler:
    """Samples VmRSS of a process every `interval` seconds on a thread, to show
    when during a request the memory is taken. Bounded by `stop()` and by
    `max_samples`."""

    def __init__(self, pid: int, interval: float = 0.02, max_samples: int = 200_000):
        import threading

        self.pid, self.interval, self.max_samples = pid, interval, max_samples
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "RssSampler":
        self.t0 = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set() and len(self.samples) < self.max_samples:
            try:
                self.samples.append((time.perf_counter() - self.t0, proc_status_kb(self.pid, "VmRSS")))
            except (OSError, BenchError):
                return
            self._stop.wait(self.interval)

    def max_kb(self, after: float = 0.0, before: float = float("inf")) -> int | None:
        window = [kb for t, kb in self.samples if after <= t <= before]
        return max(window) if window else None


# ---------------------------------------------------------------- stats


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def interleaved_samples(clients: dict, n: int, block: int, deadline: float,
                        warmup: int = 5) -> dict:
    """Times each client (a callable) `n` times, in blocks of `block` calls per client,
    the client order reversed every round (ABC CBA …) so drift hits all alike, after
    `warmup` untimed calls each; stops early at `deadline` (time.monotonic()).
    Returns {name: summarize_ms(seconds)}."""
    for call in clients.values():
        for _ in range(warmup):
            call()
    samples = {name: [] for name in clients}
    order = list(clients)
    while min(len(s) for s in samples.values()) < n and time.monotonic() < deadline:
        for name in order:
            for _ in range(block):
                start = time.perf_counter()
                clients[name]()
                samples[name].append(time.perf_counter() - start)
        order.reverse()
    return {name: summarize_ms(values) for name, values in samples.items()}


def summarize_ms(samples_s: list[float]) -> dict:
    ms = [x * 1000 for x in samples_s]
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 0.50),
        "p90_ms": percentile(ms, 0.90),
        "p99_ms": percentile(ms, 0.99),
        "mean_ms": sum(ms) / len(ms) if ms else float("nan"),
        "min_ms": min(ms) if ms else float("nan"),
        "max_ms": max(ms) if ms else float("nan"),
    }


@dataclass
class Deadline:
    seconds: float
    start: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.start)

    def expired(self, reserve: float = 0.0) -> bool:
        return self.left() <= reserve
