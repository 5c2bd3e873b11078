#!/usr/bin/env python3
"""C10k and the nginx ceiling (issue 10): how close lakegate's HTTP server
comes to nginx on the same machine, and what 10 000 idle keep-alive
connections cost it. One run, four parts:

  (1) nginx (Debian's nginx-light; `daemon off`, 2 workers, a tiny config in a
      temp dir) serving a static JSON file — the body lakegate returns for the
      route below — loaded with wrk: the machine's ceiling, req/s and p99.
  (2) lakegate, security on as deployed (API key, RBAC role, an instance rate
      limit that is never hit, audit to a file + SQLite), on the cached route
      GET /api/v2/spark/_table?as_list=true with the same wrk load: req/s, p99
      and the ratios to nginx (targets ≥ 0.6× nginx's req/s, p99 ≤ 3× nginx's);
      two references are measured too: lakegate with security off, and with
      security on but audit to the file only (what the SQLite audit row costs).
  (3) C10k: N (default 10 000) idle keep-alive connections to the same
      lakegate (90 % never sent a byte, 10 % completed a GET /health), then
      /health p99 (new connection per probe; target < 10 ms), wrk on the
      cached route with a /health probe running alongside, RSS before/after
      (target < 150 MB added) and the thread count.
  (4) a small `_query` (`SELECT id, id*2 AS x FROM range(10)`): lakegate over
      one keep-alive connection, lakegate with a new connection per request,
      and a warm pyspark Spark Connect session, interleaved in blocks (ABC,
      then reversed); target keep-alive p50 ≤ 1.05× warm pyspark.

Each wrk row also shows the CPU the server, wrk + this script, and everything
else on the machine used meanwhile ("other load"): on 2 shared cores a build
running alongside halves the numbers, and the report says so.

Everything is bounded: wrk runs --seconds, the probes and the small query a
fixed count, the whole run a wall-clock budget. Writes bench/out/c10k.json
and the "C10k and the nginx ceiling (issue 10)" section of bench/RESULTS.md
(only that section is replaced).

    bench/c10k_bench.py [--seconds 10] [--connections 32] [--threads 2]
                        [--idle 10000] [--small-n 100] [--health-n 200]
"""
import argparse
import errno
import http.client
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import interleaved_samples, summarize_ms  # noqa: E402
from proc_net import held_connections  # noqa: E402
import report  # noqa: E402
from secured_admin import add_unhit_instance_limit, admin_session_token, lakegate_cli  # noqa: E402
from security_bench import cpu_seconds, free_port, testbed_env  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("LAKEGATE_BIN", os.path.join(ROOT, "build", "lakegate"))
ROUTE = "/api/v2/spark/_table?as_list=true"
SMALL_SQL = "SELECT id, id*2 AS x FROM range(10)"
SMALL_ROWS = [{"id": i, "x": 2 * i} for i in range(10)]
SECTION = "C10k and the nginx ceiling (issue 10)"
BENCH_PASSWORD = "bench-password-1"


def log(msg):
    print(f"[c10k {time.monotonic() - START:6.1f}s] {msg}", flush=True)


START = time.monotonic()


def proc_status(pid):
    """(threads, VmRSS KiB, VmHWM KiB)."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return int(fields["Threads"][0]), int(fields["VmRSS"][0]), int(fields["VmHWM"][0])


def machine_busy_seconds():
    """CPU seconds all cores have spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def process_tree_cpu(pid):
    """CPU seconds of `pid` and its children (nginx's workers)."""
    total = cpu_seconds(pid)
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        children = []
    for child in children:
        try:
            total += cpu_seconds(child)
        except OSError:
            pass
    return total


def own_and_children_cpu():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def wrk_ms(text):
    """wrk's latency text ("477.00us", "2.02ms", "1.10s", "2.00m") → milliseconds."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(f"wrk latency {text!r}")
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[m.group(2)]


CACHE_TTL_S = 60  # lakegate's metadata cache (MetadataCache's default, src/catalog/metadata_cache.h)


def cache_fresh_for(server, seconds):
    """Makes sure the route's cached answer does not expire in the next `seconds`: if it would,
    waits until it has expired and fetches it once (alone), so a measurement does not straddle
    an expiry (each expiry under load is a stall of its own: see the notes of the report)."""
    age = time.time() - server.route_cached_at
    if age + seconds > CACHE_TTL_S:
        if age < CACHE_TTL_S:
            time.sleep(CACHE_TTL_S - age + 0.5)
        server.get(ROUTE)
        server.route_cached_at = time.time()


def slow_requests(log_path, offset, threshold_ms=100.0):
    """Requests of lakegate's access log after byte `offset` that took longer than
    `threshold_ms` inside lakegate: [(ts, path, ms)]."""
    slow = []
    pattern = re.compile(r'"ts":"([^"]+)".*"msg":"access".*"path":"([^"]*)".*"ms":([\d.]+)')
    with open(log_path, errors="replace") as f:
        f.seek(offset)
        for line in f:
            m = pattern.search(line)
            if m and float(m.group(3)) > threshold_ms:
                slow.append((m.group(1), m.group(2), float(m.group(3))))
    return slow


def run_wrk(url, headers, seconds, connections, threads, pid=None, server=None):
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    before = process_tree_cpu(pid) if pid else None
    log_offset = os.path.getsize(server.log_path) if server else 0
    machine0, mine0, started = machine_busy_seconds(), own_and_children_cpu(), time.monotonic()
    out = subprocess.run(args + [url], check=True, capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    wall = time.monotonic() - started
    machine, mine = machine_busy_seconds() - machine0, own_and_children_cpu() - mine0
    server_cpu = process_tree_cpu(pid) - before if pid else 0.0
    count = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    result = {
        "requests": count,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        # Anchored: "95.50%" in the thread stats must not match "50%".
        "p50_ms": wrk_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": wrk_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
        "wrk_output": out,
    }
    if pid:
        result["cpu_us_per_request"] = server_cpu / max(1, count) * 1e6
        result["server_cores"] = server_cpu / wall
    result["wrk_and_client_cores"] = mine / wall
    # What else ran meanwhile (the test bed's JVM idles at ~0.1 core; a compiler or test run
    # on the same 2 cores shows here and makes the numbers of this run unfair).
    result["background_cores"] = max(0.0, machine - server_cpu - mine) / wall
    if server:
        slow = slow_requests(server.log_path, log_offset)
        result["server_slow"] = {"count": len(slow), "max_ms": max((x[2] for x in slow), default=0.0),
                                 "first_ts": slow[0][0] if slow else None,
                                 "seconds_after_route_cached": (
                                     datetime.strptime(slow[0][0][:19], "%Y-%m-%dT%H:%M:%S")
                                     .replace(tzinfo=timezone.utc).timestamp() - server.route_cached_at)
                                 if slow else None}
    if result["non_2xx"]:
        raise SystemExit(f"wrk saw {result['non_2xx']} error responses from {url}:\n{out}")
    return result


# ---------------------------------------------------------------- servers

class Nginx:
    def __init__(self, workdir, body):
        self.port = free_port()
        self.dir = os.path.join(workdir, "nginx")
        os.makedirs(os.path.join(self.dir, "www"))
        os.chmod(workdir, 0o755)  # workers may run as another user
        os.chmod(self.dir, 0o755)
        os.chmod(os.path.join(self.dir, "www"), 0o755)
        with open(os.path.join(self.dir, "www", "tables.json"), "wb") as f:
            f.write(body)
        os.chmod(os.path.join(self.dir, "www", "tables.json"), 0o644)
        d = self.dir
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off;
worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  keepalive_requests 1000000;
  keepalive_timeout 600s;
  server {{
    listen 127.0.0.1:{self.port} backlog=4096;
    location = /api/v2/spark/_table {{
      default_type application/json;
      alias {d}/www/tables.json;
    }}
  }}
}}
""")
        self.proc = subprocess.Popen(["nginx", "-p", d, "-c", conf, "-e", f"{d}/error.log"],
                                     stdout=open(os.path.join(d, "out.log"), "w"), stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("nginx exited: " + open(os.path.join(d, "out.log")).read()
                                 + open(os.path.join(d, "error.log")).read())
            try:
                with urllib.request.urlopen(self.url + ROUTE, timeout=2) as r:
                    if r.read() == body:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("nginx did not serve the file: " + open(os.path.join(d, "error.log")).read()[-2000:])

    def stop(self):
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)  # graceful
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Lakegate:
    """Security on: API key, a role for the cached route and `_query`, an instance rate
    limit far above the load (checked on every request), audit to a file + SQLite.
    secure=False: `security.enabled: false` (the reference row)."""

    def __init__(self, spark_url, workdir, secure=True, audit_to_store=True):
        self.port = free_port()
        name = "lakegate" if not secure or audit_to_store else "lakegate-file-audit"
        self.dir = os.path.join(workdir, name if secure else "lakegate-open")
        os.makedirs(self.dir)
        self.config = os.path.join(self.dir, "lakegate.yaml")
        with open(self.config, "w") as f:
            f.write(f'listen: "127.0.0.1:{self.port}"\n'
                    "http: {idle_timeout_seconds: 600, max_connections: 20000}\n"
                    "services:\n  - name: spark\n    type: spark\n"
                    f'    config: {{workspace_url: "{spark_url}", catalog: spark_catalog, '
                    "schema: nyctaxi}\n")
            store = "" if audit_to_store else ", to_store: false"
            f.write(f"audit: {{file: {self.dir}/audit.log{store}}}\n" if secure
                    else "security: {enabled: false}\n")
        self.headers = {}
        if secure:
            self.provision()
        self.log_path = os.path.join(self.dir, "log")
        self.proc = subprocess.Popen([BINARY, "serve", "--config", self.config],
                                     stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        self.url = f"http://127.0.0.1:{self.port}"
        try:
            self.wait_ready()
            if secure:
                self.add_rate_limit()
        except BaseException:
            self.stop()  # never leave a server behind
            raise

    def wait_ready(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("lakegate exited: " + open(os.path.join(self.dir, "log")).read()[-2000:])
            try:
                self.route_body = self.get(ROUTE)
                self.route_cached_at = time.time()  # the metadata cache holds the table list from now
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"lakegate ({self.dir}) did not answer {ROUTE} within 60 s (is the test bed's "
                         "Spark answering? scripts/testbed status)")

    def provision(self):
        self.cli("role", "create", "--name", "reader", "--access", "spark:_table/*:GET",
                 "--access", "spark:_query:GET,POST")
        key = self.cli("app", "create", "--name", "bench", "--role", "reader")["api_key"]
        self.headers = {"X-DreamFactory-API-Key": key}
        self.cli("admin", "create", "--email", "bench@example.com", "--password-env", "BENCH_PW",
                 env={"BENCH_PW": BENCH_PASSWORD})

    def add_rate_limit(self):
        add_unhit_instance_limit(
            self.url, admin_session_token(self.url, "bench@example.com", BENCH_PASSWORD))

    def cli(self, *args, env=None):
        return lakegate_cli(BINARY, self.config, *args, env=env)

    def get(self, path):
        with urllib.request.urlopen(urllib.request.Request(self.url + path, headers=self.headers),
                                    timeout=10) as r:
            return r.read()

    def stop(self):
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------- clients

def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else int(open("/proc/sys/fs/nr_open").read())
    if target < needed:
        raise SystemExit(f"RLIMIT_NOFILE hard limit {hard} < {needed} needed for the idle connections "
                         "(raise it, or pass a smaller --idle)")
    if soft == resource.RLIM_INFINITY or soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def read_response(sock, buf):
    """Reads one Content-Length response (/health) from a blocking socket; returns its status."""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed")
        buf += data
    head, _, rest = bytes(buf).partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head).group(1))
    while len(rest) < length:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("closed")
        rest += data
    return int(head.split()[1])


def open_idle(port, n, used_share=0.1, timeout=120.0, batch=512):
    """n connections: n*used_share complete one keep-alive GET /health, the rest send nothing."""
    n_used = int(n * used_share)
    selector = selectors.DefaultSelector()
    health = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    socks, started, in_flight = [], 0, 0
    deadline = time.monotonic() + timeout
    try:
        while len(socks) < n:
            if time.monotonic() > deadline:
                raise SystemExit(f"opened only {len(socks)} of {n} connections in {timeout:.0f} s")
            while in_flight < batch and started < n:
                sock = socket.socket()
                sock.setblocking(False)
                err = sock.connect_ex(("127.0.0.1", port))
                if err not in (0, errno.EINPROGRESS):
                    raise SystemExit(f"connect: {os.strerror(err)} after {len(socks)} connections")
                selector.register(sock, selectors.EVENT_WRITE, {"used": started < n_used, "buf": b""})
                started += 1
                in_flight += 1
            for key, _ in selector.select(timeout=1.0):
                sock, state = key.fileobj, key.data
                if "sent" not in state:
                    err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise SystemExit(f"connect: {os.strerror(err)} after {len(socks)} connections")
                    if not state["used"]:
                        selector.unregister(sock)
                        socks.append(sock)
                        in_flight -= 1
                        continue
                    sock.send(health)
                    state["sent"] = True
                    selector.modify(sock, selectors.EVENT_READ, state)
                    continue
                data = sock.recv(65536)
                if not data:
                    raise SystemExit("lakegate closed a connection before answering /health")
                state["buf"] += data
                head, sep, rest = state["buf"].partition(b"\r\n\r\n")
                if sep:
                    length = int(re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head).group(1))
                    if len(rest) >= length:
                        if int(head.split()[1]) != 200:
                            raise SystemExit(f"/health answered {head[:100]!r}")
                        selector.unregister(sock)
                        socks.append(sock)
                        in_flight -= 1
    except BaseException:
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        for sock in socks:
            sock.close()
        raise
    finally:
        selector.close()
    return socks


def still_open(socks):
    """How many of the idle connections have nothing to read (no EOF, no data)."""
    selector = selectors.DefaultSelector()
    try:
        for sock in socks:
            selector.register(sock, selectors.EVENT_READ)
        return len(socks) - len(selector.select(timeout=0.3))
    finally:
        selector.close()


def health_probe(port, n, interval=0.0, stop=None):
    """Seconds of n GET /health, each on a new connection (what a load balancer's check does)."""
    samples = []
    for _ in range(n):
        if stop is not None and stop.is_set():
            break
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/health")
        response = conn.getresponse()
        response.read()
        conn.close()
        samples.append(time.perf_counter() - start)
        if response.status != 200:
            raise SystemExit(f"/health answered {response.status}")
        if interval:
            time.sleep(interval)
    return samples


class QueryClient:
    """POST _query with http.client: one kept-alive connection, or a new one per request."""

    def __init__(self, port, headers, keep_alive):
        self.port, self.keep_alive = port, keep_alive
        self.headers = dict(headers, **{"Content-Type": "application/json", "Accept": "application/json"})
        self.conn = None
        self.body = json.dumps({"sql": SMALL_SQL}).encode()

    def __call__(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.conn.request("POST", "/api/v2/spark/_query", self.body, self.headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"_query answered {response.status}: {data[:300]!r}")
        if response.getheader("Connection", "").lower() == "close" or not self.keep_alive:
            self.conn.close()
            self.conn = None
        if json.loads(data)["resource"] != SMALL_ROWS:
            raise SystemExit(f"_query returned {data[:300]!r}")


# ---------------------------------------------------------------- parts

def part_small(lg, spark_url, n, block, deadline):
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(spark_url).getOrCreate()

    def via_pyspark():
        rows = [r.asDict() for r in spark.sql(SMALL_SQL).collect()]
        if rows != SMALL_ROWS:
            raise SystemExit(f"pyspark returned {rows}")

    clients = {
        "lakegate, keep-alive connection": QueryClient(lg.port, lg.headers, keep_alive=True),
        "lakegate, new connection per request": QueryClient(lg.port, lg.headers, keep_alive=False),
        "pyspark, warm session": via_pyspark,
    }
    return interleaved_samples(clients, n, block, deadline)


def part_c10k(lg, args, baseline):
    raise_nofile(args.idle + 500)
    opened_at = time.monotonic()
    socks = open_idle(lg.port, args.idle)
    open_s = time.monotonic() - opened_at
    deadline = time.monotonic() + 60
    while held_connections(lg.pid, lg.port) < args.idle and time.monotonic() < deadline:
        time.sleep(0.1)
    held = held_connections(lg.pid, lg.port)
    log(f"(3) {len(socks)} idle connections opened in {open_s:.1f} s; lakegate holds {held}")
    try:
        time.sleep(1.0)
        threads_idle, rss_idle, _ = proc_status(lg.pid)
        health_idle = summarize_ms(health_probe(lg.port, args.health_n))
        cache_fresh_for(lg, 2 + args.seconds + 5)
        warmup = run_wrk(lg.url + ROUTE, lg.headers, 2, args.connections, args.threads, lg.pid, lg)
        stop = threading.Event()
        during = []
        prober = threading.Thread(target=lambda: during.extend(
            health_probe(lg.port, 100000, interval=0.02, stop=stop)))
        prober.start()
        try:
            wrk = run_wrk(lg.url + ROUTE, lg.headers, args.seconds, args.connections, args.threads, lg.pid, lg)
        finally:
            stop.set()
            prober.join(30)
        threads_after, rss_after, hwm = proc_status(lg.pid)
        alive = still_open(socks)
    finally:
        for sock in socks:
            sock.close()
    return {
        "idle_connections": len(socks), "held_by_lakegate": held, "open_seconds": open_s,
        "rss_before_mb": baseline["rss_kb"] / 1024, "rss_idle_mb": rss_idle / 1024,
        "rss_after_wrk_mb": rss_after / 1024, "vmhwm_mb": hwm / 1024,
        "rss_added_mb": (max(rss_idle, rss_after) - baseline["rss_kb"]) / 1024,
        "threads_before": baseline["threads"], "threads_idle": threads_idle, "threads_after_wrk": threads_after,
        "health_idle": health_idle, "health_during_wrk": summarize_ms(during),
        "wrk": wrk, "still_open_after_wrk": alive,
        "warmup_server_slow": warmup.get("server_slow"),
    }


# ---------------------------------------------------------------- report

def verdict(ok):
    return "met" if ok else "**MISS**"


def git_head():
    """`git rev-parse --short HEAD`, plus a mark when src/ differs from it (read-only git commands)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip() or "?"
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "src", "CMakeLists.txt"], cwd=ROOT,
                               capture_output=True, timeout=30).returncode == 1
        return head + (" + uncommitted changes in src/" if dirty else "")
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def binary_version():
    try:
        return subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return "?"


def write_results(r, command, write_report=True):
    ng, lg = r["nginx"], r["lakegate"]
    rps_ratio = lg["rps"] / ng["rps"]
    p99_ratio = lg["p99_ms"] / ng["p99_ms"] if ng["p99_ms"] else float("inf")
    lines = [
        f"## {SECTION}", "",
        f"Command: `{command}` at commit {r['commit']} (`{r['binary']}`), {r['date']}, "
        f"{os.cpu_count()} cores shared by wrk, the server under test and the Python clients, loopback. "
        f"wrk: {r['seconds']} s, {r['connections']} connections, {r['threads']} threads, after a 2 s warm-up. "
        f"lakegate: security on (API key, RBAC role, an instance rate limit checked on every request "
        f"and never hit, audit to a file + SQLite). Route `GET {ROUTE}` (metadata cache; Spark not "
        "involved); nginx serves the same body as a static file (`daemon off`, 2 workers, access log off). "
        "p50/p99 are wrk's (corrected for coordinated omission). CPU columns: the server's own CPU, wrk's plus "
        "this script's, and whatever else ran on the machine meanwhile (/proc/stat); the last column counts the "
        "requests that took over 100 ms inside lakegate (its access log) during the run. Each lakegate "
        f"measurement is placed so that the route's cached answer (TTL {CACHE_TTL_S} s) does not expire during it.", "",
        "| server | req/s | p50 | p99 | server CPU µs/request | server cores | wrk + client cores | "
        "other load (cores) | requests > 100 ms inside lakegate (max) |", "|---|---|---|---|---|---|---|---|---|",
    ]

    def row(label, w):
        slow = w.get("server_slow")
        slow_text = f"{slow['count']} ({slow['max_ms']:.0f} ms)" if slow else "—"
        return (f"| {label} | {w['rps']:.0f} | {w['p50_ms']:.2f} ms | {w['p99_ms']:.2f} ms | "
                f"{w['cpu_us_per_request']:.1f} | {w['server_cores']:.2f} | {w['wrk_and_client_cores']:.2f} | "
                f"{w['background_cores']:.2f} | {slow_text} |")

    lines.append(row("nginx (static file, the ceiling)", ng))
    if r.get("lakegate_open"):
        lines.append(row("lakegate, security off (reference)", r["lakegate_open"]))
    if r.get("lakegate_file_audit"):
        lines.append(row("lakegate, security on, audit to the file only (reference)",
                         r["lakegate_file_audit"]))
    lines.append(row("lakegate, security on", lg))
    c = r.get("c10k")
    if c:
        lines.append(row(f"lakegate, security on, {c['idle_connections']} idle connections open "
                         "(+ a /health probe every 20 ms)", c["wrk"]))
    contended = [w for w in (ng, lg, r.get("lakegate_open"), r.get("lakegate_file_audit"),
                             c["wrk"] if c else None)
                 if w and w["background_cores"] > 0.25]
    if contended:
        r["notes"].append(f"Other processes used up to {max(w['background_cores'] for w in contended):.2f} "
                          "cores during a measurement (a build or test run on the same 2 cores): "
                          "throughput numbers of this run are low.")
    for label, slow in (("security off", (r.get("lakegate_open") or {}).get("server_slow")),
                        ("audit to the file only",
                         (r.get("lakegate_file_audit") or {}).get("server_slow")),
                        ("security on", lg.get("server_slow")),
                        ("2 s warm-up with the idle connections", c.get("warmup_server_slow") if c else None),
                        ("with the idle connections", c["wrk"].get("server_slow") if c else None)):
        if slow and slow["count"]:
            r["notes"].append(
                f"wrk run ({label}): {slow['count']} requests took over 100 ms inside lakegate (up to "
                f"{slow['max_ms']:.0f} ms; the first of them finished at {slow['first_ts']}, "
                f"{slow['seconds_after_route_cached']:.0f} s after the route's answer was first cached; "
                "the metadata cache's TTL is 60 s: on expiry every "
                "request in flight asks Spark again, none is served the old list meanwhile). wrk corrects its "
                "latencies for coordinated omission, so such a stall weighs in p99 as it would for an open-loop "
                "client at the same rate.")
    lines += ["", f"lakegate / nginx: req/s **{rps_ratio:.2f}×** (target ≥ 0.6×: {verdict(rps_ratio >= 0.6)}), "
              f"p99 **{p99_ratio:.2f}×** (target ≤ 3×: {verdict(p99_ratio <= 3)})."]
    if c:
        hi, hd = c["health_idle"], c["health_during_wrk"]
        lines += [
            "", f"C10k: {c['idle_connections']} idle keep-alive connections ({int(c['idle_connections'] * 0.1)} "
            f"completed a GET /health, the rest never sent a byte), opened in {c['open_seconds']:.1f} s; lakegate "
            f"held {c['held_by_lakegate']} connections (its sockets on the port, from /proc/net/tcp); {c['still_open_after_wrk']} still open after the wrk run.", "",
            "| measure | value | target |", "|---|---|---|",
            f"| RSS before → with idle connections → after wrk | {c['rss_before_mb']:.1f} → {c['rss_idle_mb']:.1f} → "
            f"{c['rss_after_wrk_mb']:.1f} MB (added {c['rss_added_mb']:.1f} MB) | < 150 MB added: "
            f"{verdict(c['rss_added_mb'] < 150)} |",
            f"| lakegate threads before → idle → after wrk | {c['threads_before']} → {c['threads_idle']} → "
            f"{c['threads_after_wrk']} | bounded (< 200): {verdict(max(c['threads_idle'], c['threads_after_wrk']) < 200)} |",
            f"| /health, new connection each, {hi['n']} sequential, idle connections open | p50 {hi['p50_ms']:.2f} ms, "
            f"p99 {hi['p99_ms']:.2f} ms | p99 < 10 ms: {verdict(hi['p99_ms'] < 10)} |",
            f"| /health, every 20 ms during the wrk run ({hd['n']}) | p50 {hd['p50_ms']:.2f} ms, p99 {hd['p99_ms']:.2f} ms, "
            f"max {hd['max_ms']:.2f} ms | (information) |",
            f"| wrk req/s with the idle connections / without | {c['wrk']['rps'] / lg['rps']:.2f} | (information) |",
        ]
    s = r.get("small")
    if s:
        base = s["pyspark, warm session"]["p50_ms"]
        lines += ["", f"Small query `{SMALL_SQL}` (`_query`, POST grant; clients interleaved in blocks of "
                  f"{r['small_block']}, order reversed every round; each answer checked):", "",
                  "| client | n | p50 ms | p90 ms | p99 ms | p50 / warm pyspark |", "|---|---|---|---|---|---|"]
        for name, v in s.items():
            lines.append(f"| {name} | {v['n']} | {v['p50_ms']:.2f} | {v['p90_ms']:.2f} | {v['p99_ms']:.2f} | "
                         f"{v['p50_ms'] / base:.2f} |")
        ka = s["lakegate, keep-alive connection"]["p50_ms"] / base
        lines += ["", f"Keep-alive p50 / warm pyspark: **{ka:.2f}** (target ≤ 1.05: {verdict(ka <= 1.05)})."]
    if r.get("notes"):
        lines += [""] + [f"- {n}" for n in r["notes"]]
    section = "\n".join(lines) + "\n"
    out_dir = os.path.join(ROOT, "bench", "out")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "c10k.json"), "w") as f:
        json.dump(r, f, indent=2)
    print(section)
    if not write_report:
        return
    report.replace_section(os.path.join(ROOT, "bench", "RESULTS.md"), SECTION, section)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--idle", type=int, default=10000, help="(3) idle keep-alive connections (0: skip)")
    parser.add_argument("--health-n", type=int, default=200, help="(3) sequential /health probes")
    parser.add_argument("--small-n", type=int, default=100, help="(4) small queries per client (0: skip)")
    parser.add_argument("--small-block", type=int, default=10)
    parser.add_argument("--no-open-reference", dest="open_reference", action="store_false",
                        help="skip the security-off lakegate row (a reference, no target)")
    parser.add_argument("--no-file-audit-reference", dest="file_audit_reference", action="store_false",
                        help="skip the row with security on and audit to the file only (a reference)")
    parser.add_argument("--budget", type=float, default=300, help="wall-clock budget of the run (s)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temp dir (configs, logs, audit files) of the servers")
    parser.add_argument("--no-report", dest="write_report", action="store_false",
                        help="write bench/out/c10k.json only, not bench/RESULTS.md")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: run scripts/setup")
    if args.idle:
        raise_nofile(args.idle + 500)  # before lakegate starts: it inherits the limit
    deadline = time.monotonic() + args.budget
    spark_url = testbed_env()["LAKEGATE_SPARK_CONNECT"]
    workdir = tempfile.mkdtemp(prefix="lakegate-c10k-bench-")
    r = {"seconds": args.seconds, "connections": args.connections, "threads": args.threads,
         "small_block": args.small_block, "commit": git_head(), "binary": binary_version(),
         "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "notes": []}
    lg = Lakegate(spark_url, workdir)
    try:
        log(f"lakegate pid {lg.pid} on {lg.url}; route body {len(lg.route_body)} bytes")
        nginx = Nginx(workdir, lg.route_body)
        try:
            run_wrk(nginx.url + ROUTE, {}, 2, args.connections, args.threads)
            r["nginx"] = run_wrk(nginx.url + ROUTE, {}, args.seconds, args.connections, args.threads,
                                 nginx.proc.pid)
            log(f"(1) nginx {r['nginx']['rps']:.0f} req/s p99 {r['nginx']['p99_ms']:.2f} ms")
        finally:
            nginx.stop()
        references = [("lakegate_open", "security off", args.open_reference,
                       lambda: Lakegate(spark_url, workdir, secure=False)),
                      ("lakegate_file_audit", "audit to the file only", args.file_audit_reference,
                       lambda: Lakegate(spark_url, workdir, audit_to_store=False))]
        for key, label, wanted, start_server in references:
            if not wanted:
                continue
            ref = start_server()
            try:
                cache_fresh_for(ref, 2 + args.seconds + 5)
                run_wrk(ref.url + ROUTE, ref.headers, 2, args.connections, args.threads)
                r[key] = run_wrk(ref.url + ROUTE, ref.headers, args.seconds, args.connections,
                                 args.threads, ref.pid, ref)
                log(f"(2) lakegate, {label} {r[key]['rps']:.0f} req/s p99 {r[key]['p99_ms']:.2f} ms")
            finally:
                ref.stop()
        cache_fresh_for(lg, 2 + args.seconds + 5)
        run_wrk(lg.url + ROUTE, lg.headers, 2, args.connections, args.threads)
        r["lakegate"] = run_wrk(lg.url + ROUTE, lg.headers, args.seconds, args.connections, args.threads,
                                lg.pid, lg)
        log(f"(2) lakegate {r['lakegate']['rps']:.0f} req/s p99 {r['lakegate']['p99_ms']:.2f} ms")
        if args.small_n:
            r["small"] = part_small(lg, spark_url, args.small_n, args.small_block, deadline - 60)
            for name, v in r["small"].items():
                log(f"(4) {name}: n {v['n']} p50 {v['p50_ms']:.2f} ms p99 {v['p99_ms']:.2f} ms")
        if args.idle:
            time.sleep(1.0)
            threads, rss, _ = proc_status(lg.pid)
            r["c10k"] = part_c10k(lg, args, {"threads": threads, "rss_kb": rss})
            c = r["c10k"]
            log(f"(3) {c['wrk']['rps']:.0f} req/s p99 {c['wrk']['p99_ms']:.2f} ms; /health p99 "
                f"{c['health_idle']['p99_ms']:.2f} ms; RSS +{c['rss_added_mb']:.1f} MB; threads {c['threads_idle']}")
            if c["still_open_after_wrk"] != c["idle_connections"]:
                r["notes"].append(f"{c['idle_connections'] - c['still_open_after_wrk']} idle connections were "
                                  "closed by lakegate during the run (idle_timeout_seconds is 600).")
        if time.monotonic() > deadline:
            r["notes"].append(f"the run took longer than its {args.budget:.0f} s budget")
    finally:
        lg.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)  # audit logs + store: ~200 MB a run
    write_results(r, ("bench/c10k_bench.py " + " ".join(sys.argv[1:])).strip(), args.write_report)


if __name__ == "__main__":
    main()
