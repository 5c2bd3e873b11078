#!/usr/bin/env python3
"""What security costs per request: authentication (API key), authorization
(RBAC + table policy), rate limiting (an instance limit that is never hit, so
the bucket is checked on every request) and the audit record (file + store).

Two lakegate processes serve the same cached-metadata route
(GET /api/v2/spark/_table?as_list=true: the table list, answered from the metadata cache after the
first request, so Spark is not in the measurement): one with
`security.enabled: false`, one with security on. wrk (Debian's package) loads
each on loopback for a bounded time; lakegate's CPU time is read from /proc
before and after. Reported: requests/s, CPU µs per request, and the
difference — the overhead of security per request. Writes
bench/out/security.json and the "Security overhead" section of
bench/RESULTS.md.

    bench/security_bench.py [--seconds 10] [--connections 32] [--threads 2]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from secured_admin import add_unhit_instance_limit, admin_session_token, lakegate_cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("LAKEGATE_BIN", os.path.join(ROOT, "build", "lakegate"))
ROUTE = "/api/v2/spark/_table?as_list=true"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def testbed_env():
    env = {}
    with open(os.path.join(ROOT, ".testbed", "env")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                key, value = line.rstrip("\n").split("=", 1)
                env[key] = value
    return env


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


class Server:
    def __init__(self, spark_url, secure, workdir):
        self.port = free_port()
        self.dir = os.path.join(workdir, "secure" if secure else "open")
        os.makedirs(self.dir)
        self.config = os.path.join(self.dir, "lakegate.yaml")
        with open(self.config, "w") as f:
            f.write(f'listen: "127.0.0.1:{self.port}"\n'
                    "services:\n  - name: spark\n    type: spark\n"
                    f'    config: {{workspace_url: "{spark_url}", catalog: spark_catalog, '
                    "schema: nyctaxi}\n")
            if secure:
                f.write(f"audit: {{file: {self.dir}/audit.log}}\n")
            else:
                f.write("security: {enabled: false}\n")
        self.headers = {}
        if secure:
            self.cli("role", "create", "--name", "reader", "--access", "spark:_table/*:GET")
            key = self.cli("app", "create", "--name", "bench", "--role", "reader")["api_key"]
            self.headers["X-DreamFactory-API-Key"] = key
            self.cli("admin", "create", "--email", "bench@example.com", "--password-env",
                     "BENCH_PW", env={"BENCH_PW": "bench-password-1"})
        self.proc = subprocess.Popen([BINARY, "serve", "--config", self.config],
                                     stdout=open(os.path.join(self.dir, "log"), "w"),
                                     stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if self.get(ROUTE) == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"lakegate ({self.dir}) did not answer {ROUTE}")
        if secure:
            add_unhit_instance_limit(
                self.url, admin_session_token(self.url, "bench@example.com", "bench-password-1"))

    def cli(self, *args, env=None):
        return lakegate_cli(BINARY, self.config, *args, env=env)

    def get(self, path):
        request = urllib.request.Request(self.url + path, headers=self.headers)
        with urllib.request.urlopen(request, timeout=10) as r:
            r.read()
            return r.status

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)


def run_wrk(server, seconds, connections, threads):
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for name, value in server.headers.items():
        args += ["-H", f"{name}: {value}"]
    before = cpu_seconds(server.proc.pid)
    out = subprocess.run(args + [server.url + ROUTE], check=True, capture_output=True,
                         text=True, timeout=seconds + 60).stdout
    cpu = cpu_seconds(server.proc.pid) - before
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"wrk saw {non_2xx.group(1)} error responses:\n{out}")
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        # Anchored: "95.50%" in wrk's thread stats must not match "50%".
        "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1),
        "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1),
        "cpu_us_per_request": cpu / requests * 1e6,
    }


def write_results(results, command):
    with open(os.path.join(ROOT, "bench", "out", "security.json"), "w") as f:
        json.dump(results, f, indent=2)
    on, off = results["security_on"], results["security_off"]
    section = (
        "## Security overhead\n\n"
        f"Command: `{command}` ({results['seconds']} s of wrk per mode, "
        f"{results['connections']} connections, {results['threads']} threads, loopback, "
        "2 cores shared by wrk and lakegate).\n\n"
        f"Route: `GET {ROUTE}` (metadata cache; Spark not involved). Security on = API key "
        "lookup, RBAC + table policy, an instance rate limit checked on every request, an "
        "audit record to a file and the SQLite store.\n\n"
        "| mode | req/s | p50 | p99 | lakegate CPU µs/request |\n|---|---|---|---|---|\n"
        f"| security off | {off['rps']:.0f} | {off['p50']} | {off['p99']} | "
        f"{off['cpu_us_per_request']:.1f} |\n"
        f"| security on | {on['rps']:.0f} | {on['p50']} | {on['p99']} | "
        f"{on['cpu_us_per_request']:.1f} |\n\n"
        f"Overhead of security: {on['cpu_us_per_request'] - off['cpu_us_per_request']:.1f} µs "
        f"of CPU per request; throughput ratio on/off {on['rps'] / off['rps']:.2f}. "
        f"Target ≥ 20 000 req/s with security on: "
        f"{'met' if on['rps'] >= 20000 else 'MISSED'}.\n")
    path = os.path.join(ROOT, "bench", "RESULTS.md")
    text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
    text = re.sub(r"\n## Security overhead\n.*?(?=\n## |\Z)", "", text, flags=re.S)
    with open(path, "w") as f:
        f.write(text.rstrip("\n") + "\n\n" + section)
    print(section)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run scripts/setup")
    spark_url = testbed_env()["LAKEGATE_SPARK_CONNECT"]
    workdir = tempfile.mkdtemp(prefix="lakegate-security-bench-")
    os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
    results = {"seconds": args.seconds, "connections": args.connections, "threads": args.threads}
    for secure in (False, True):
        server = Server(spark_url, secure, workdir)
        try:
            run_wrk(server, 2, args.connections, args.threads)  # warm-up
            results["security_on" if secure else "security_off"] = run_wrk(
                server, args.seconds, args.connections, args.threads)
        finally:
            server.stop()
    write_results(results, "bench/security_bench.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
