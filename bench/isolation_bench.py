#!/usr/bin/env python3
"""What caller isolation and the read-only SQL sandbox cost per request.

One lakegate (security on, as deployed) and one warm pyspark Spark Connect
client against the test bed; the same small query through
  - pyspark, one warm session                  (the peer)
  - pyspark, a new session per query           (what a fresh session costs Spark-side)
  - lakegate `_query` under a POST grant       (fresh Spark session per request)
  - lakegate `_query` under a GET grant        (the sandbox: EXPLAIN + checks, then a
                                                fresh read-only session)
Clients reuse their connection (HTTP keep-alive); requests are interleaved in
blocks (ABCD, then reversed) so drift hits every client alike. Bounded: N
requests per client (default 100) and a wall-clock budget.

  bench/isolation_bench.py [--requests N] [--budget SECONDS] [--thrift]

Writes bench/out/isolation.json and prints a Markdown table for RESULTS.md.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import KeepAliveClient, free_port, interleaved_samples  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "build", "lakegate")
SQL = "SELECT id, id*2 AS x, CAST(id AS STRING) AS s FROM range(10)"


def testbed_env():
    env = {}
    with open(os.path.join(ROOT, ".testbed", "env")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            env[key] = value.strip("'\"")
    return env


class Lakegate:
    def __init__(self, connect_url, workdir):
        self.port = free_port()
        self.config = os.path.join(workdir, "lakegate.yaml")
        with open(self.config, "w") as f:
            f.write(f'listen: "127.0.0.1:{self.port}"\nservices:\n  - name: spark\n    type: spark\n'
                    f'    config: {{workspace_url: "{connect_url}", catalog: spark_catalog, schema: default}}\n'
                    f"audit: {{file: {workdir}/audit.log}}\n")
        self.keys = {}
        for name, verbs in (("writer", "GET,POST"), ("reader", "GET")):
            self.cli("role", "create", "--name", name, "--access", f"spark:_query:{verbs}")
            self.keys[name] = self.cli("app", "create", "--name", name, "--role", name)["api_key"]
        self.proc = subprocess.Popen([BINARY, "serve", "--config", self.config],
                                     stdout=open(os.path.join(workdir, "log"), "w"), stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                KeepAliveClient(self.port, path="/health").query(None, "GET")
                return
            except Exception:  # noqa: BLE001
                time.sleep(0.2)
        raise SystemExit("lakegate did not start")

    def cli(self, *args):
        out = subprocess.run([BINARY, *args, "--config", self.config], check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    def client(self, who):
        client = KeepAliveClient(self.port)
        client.headers["X-DreamFactory-API-Key"] = self.keys[who]
        return client

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--budget", type=float, default=300)
    parser.add_argument("--thrift", action="store_true",
                        help="lakegate's service on the test bed's Thrift binary endpoint")
    args = parser.parse_args()
    from pyspark.sql import SparkSession

    connect_url = testbed_env()["LAKEGATE_SPARK_CONNECT"]
    warm = SparkSession.builder.remote(connect_url).getOrCreate()
    body = json.dumps({"sql": SQL}).encode()

    def check(rows):
        if len(rows) != 10:
            raise SystemExit(f"expected 10 rows, got {len(rows)}")

    with tempfile.TemporaryDirectory(prefix="lakegate-isolation-") as workdir:
        service_url = testbed_env()["LAKEGATE_THRIFT_BINARY"] if args.thrift else connect_url
        server = Lakegate(service_url, workdir)
        try:
            writer, reader = server.client("writer"), server.client("reader")
            clients = {
                "pyspark, warm session": lambda: check(warm.sql(SQL).collect()),
                "pyspark, new session per query": lambda: _fresh_pyspark(SparkSession, connect_url, check),
                "lakegate _query, POST grant (fresh session)": lambda: check(writer.query(body)["resource"]),
                "lakegate _query, GET grant (sandbox; read-only session)": lambda: check(reader.query(body)["resource"]),
            }
            results = interleaved_samples(clients, args.requests, 10,
                                          time.monotonic() + args.budget)
        finally:
            server.stop()
    base = results["pyspark, warm session"]["p50_ms"]
    os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
    name = "isolation_thrift.json" if args.thrift else "isolation.json"
    with open(os.path.join(ROOT, "bench", "out", name), "w") as f:
        json.dump({"sql": SQL, "results": results}, f, indent=2)
    print(f"Query: `{SQL}`\n")
    print("| client | n | p50 ms | p90 ms | p99 ms | p50 / warm pyspark |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['n']} | {r['p50_ms']:.2f} | {r['p90_ms']:.2f} | {r['p99_ms']:.2f} | {r['p50_ms'] / base:.2f} |")


def _fresh_pyspark(SparkSession, url, check):
    session = SparkSession.builder.remote(url).create()
    try:
        check(session.sql(SQL).collect())
    finally:
        session.client.close()  # releases the session on the server


if __name__ == "__main__":
    main()
