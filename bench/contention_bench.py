#!/usr/bin/env python3
"""Writes under contention: many clients updating one Delta table at once.

The issue's report: 24 concurrent PATCHes, each on its own 10 rows of one Delta
table, through the demo; 18 of them failed with DELTA_CONCURRENT_APPEND. Here
the same load, on a fresh table of 240 rows for each measurement:
  - pyspark: 24 threads of one warm Spark Connect session each running its
    UPDATE once, as a hand-written client would (no retry: the peer);
  - lakegate, one node: 24 concurrent `PATCH _table/{t}?ids=…` (writes to a
    table take turns on a node; conflicts with other writers are re-run);
  - lakegate, two nodes: the same 24 split across two processes, so their
    commits race and the retries do the work.
For each: requests committed, answered 409 (nothing written) or otherwise
failed, statements re-run (X-Lakegate-Write-Retries), wall time, commits per
second; and whether the table afterwards holds exactly the committed updates.
Bounded: one round of --writers requests per client kind, each within the
service timeout.

  bench/contention_bench.py [--writers 24] [--rows 10] [--no-report]

Writes bench/out/contention.json and the "Writes under contention (issue 11)"
section of bench/RESULTS.md.
"""
import argparse
import concurrent.futures
import json
import os
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
from c10k_bench import binary_version, git_head  # noqa: E402
from harness import Lakegate  # noqa: E402
from security_bench import testbed_env  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "build", "lakegate")
SECTION = "Writes under contention (issue 11)"


def log(msg):
    print(f"[contention] {msg}", flush=True)


def fresh_table(spark, writers, rows):
    name = f"spark_catalog.default.lg_bench_contention_{uuid.uuid4().hex[:8]}"
    spark.sql(f"CREATE TABLE {name} (id INT, v STRING) USING delta")
    spark.sql(f"INSERT INTO {name} SELECT CAST(id AS INT), 'init' FROM range(1, {writers * rows + 1})")
    return name


def ids_of(writer, rows):
    return list(range(writer * rows + 1, writer * rows + rows + 1))


def check_table(spark, table, committed, writers, rows):
    """True when exactly the committed writers' rows carry their value."""
    values = {r.id: r.v for r in spark.sql(f"SELECT id, v FROM {table}").collect()}
    for writer in range(writers):
        expected = f"w{writer}" if writer in committed else "init"
        if any(values.get(i) != expected for i in ids_of(writer, rows)):
            return False
    return True


def run_concurrently(writers, send):
    start = threading.Barrier(writers)

    def one(writer):
        start.wait(timeout=60)
        t0 = time.perf_counter()
        outcome = send(writer)
        return outcome + (time.perf_counter() - t0,)

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(writers) as pool:
        outcomes = list(pool.map(one, range(writers)))
    return outcomes, time.perf_counter() - t0


def measure_pyspark(spark, writers, rows):
    table = fresh_table(spark, writers, rows)

    def send(writer):
        ids = ", ".join(map(str, ids_of(writer, rows)))
        try:
            spark.sql(f"UPDATE {table} SET v = 'w{writer}' WHERE id IN ({ids})").collect()
            return ("committed", 0, "")
        except Exception as error:  # noqa: BLE001 - the peer's failure is the measurement
            text = str(error)
            kind = "conflict" if "DELTA_CONCURRENT" in text or "2D521" in text else "failed"
            return (kind, 0, text[:200])

    outcomes, wall = run_concurrently(writers, send)
    return summarize(f"pyspark, {writers} threads on one session, no retry", outcomes, wall, spark, table, writers, rows)


def measure_lakegate(spark, nodes, writers, rows, label):
    table = fresh_table(spark, writers, rows)

    def send(writer):
        node = nodes[writer % len(nodes)]
        response = requests.patch(f"http://127.0.0.1:{node.port}/api/v2/spark/_table/{table}",
                                  params={"ids": ",".join(map(str, ids_of(writer, rows)))},
                                  json={"v": f"w{writer}"}, timeout=300)
        retries = int(response.headers.get("X-Lakegate-Write-Retries", "0"))
        if response.status_code == 200:
            return ("committed", retries, "")
        kind = "conflict" if response.status_code == 409 else "failed"
        return (kind, retries, f"{response.status_code} {response.text[:200]}")

    outcomes, wall = run_concurrently(writers, send)
    return summarize(label, outcomes, wall, spark, table, writers, rows)


def summarize(label, outcomes, wall, spark, table, writers, rows):
    committed = {w for w, o in enumerate(outcomes) if o[0] == "committed"}
    result = {
        "client": label,
        "writers": writers,
        "committed": len(committed),
        "conflict": sum(o[0] == "conflict" for o in outcomes),
        "failed": sum(o[0] == "failed" for o in outcomes),
        "re_runs": sum(o[1] for o in outcomes),
        "wall_s": wall,
        "slowest_s": max(o[3] for o in outcomes),
        "commits_per_s": len(committed) / wall if wall > 0 else 0.0,
        "table_exact": check_table(spark, table, committed, writers, rows),
        "errors": sorted({o[2] for o in outcomes if o[2]})[:3],
    }
    spark.sql(f"DROP TABLE IF EXISTS {table}")
    log(f"{label}: {result['committed']}/{writers} committed, {result['conflict']} conflict, "
        f"{result['failed']} failed, {result['re_runs']} re-runs, {wall:.1f} s, exact {result['table_exact']}")
    return result


def render(results, command, commit, version, started):
    lines = [f"## {SECTION}", "",
             f"Command: `{command}` at commit {commit} (`{version}`), {started}, on the 2-core test machine "
             "against the test bed's Spark Connect (one driver). Each row: a fresh Delta table of "
             f"{results['writers'] * results['rows']} rows, {results['writers']} clients started together "
             f"(a barrier), each updating its own {results['rows']} rows once (`UPDATE … WHERE id IN (…)`; "
             "through lakegate `PATCH /_table/{t}?ids=…`, security off, service timeout 600 s). "
             "\"Exact\": afterwards the table holds the committed updates and nothing else.", "",
             "| client | committed | 409 / conflict | other failures | statements re-run | wall s | slowest s | commits/s | exact |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results["rows_measured"]:
        lines.append(f"| {r['client']} | {r['committed']}/{r['writers']} | {r['conflict']} | {r['failed']} | "
                     f"{r['re_runs']} | {r['wall_s']:.1f} | {r['slowest_s']:.1f} | {r['commits_per_s']:.2f} | "
                     f"{'yes' if r['table_exact'] else '**no**'} |")
    lines.append("")
    for r in results["rows_measured"]:
        for error in r["errors"]:
            lines.append(f"- {r['client']}: e.g. `{error.splitlines()[0][:160]}`")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=24)
    parser.add_argument("--rows", type=int, default=10, help="rows per writer")
    parser.add_argument("--no-report", dest="write_report", action="store_false",
                        help="write bench/out/contention.json only, not bench/RESULTS.md")
    args = parser.parse_args()
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    spark_url = testbed_env()["LAKEGATE_SPARK_CONNECT"]
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.remote(spark_url).getOrCreate()
    out_dir = os.path.join(ROOT, "bench", "out")
    os.makedirs(out_dir, exist_ok=True)
    pid_file = os.path.join(out_dir, "contention.pids")
    nodes = [Lakegate(BINARY, spark_url, out_dir, f"contention{i}", pid_file).start() for i in range(2)]
    try:
        measured = [measure_pyspark(spark, args.writers, args.rows),
                    measure_lakegate(spark, nodes[:1], args.writers, args.rows, "lakegate, one node"),
                    measure_lakegate(spark, nodes, args.writers, args.rows, "lakegate, two nodes")]
    finally:
        for node in nodes:
            node.stop()
    results = {"writers": args.writers, "rows": args.rows, "rows_measured": measured}
    with open(os.path.join(out_dir, "contention.json"), "w") as f:
        json.dump(results, f, indent=2)
    command = "bench/contention_bench.py" + "".join(
        f" --{k} {v}" for k, v in (("writers", args.writers), ("rows", args.rows)) if v != {"writers": 24, "rows": 10}[k])
    section = render(results, command, git_head(), binary_version(), started)
    print(section)
    if args.write_report:
        report.replace_section(os.path.join(ROOT, "bench", "RESULTS.md"), SECTION, section)
    lakegate_rows = measured[1:]
    return 0 if all(r["failed"] == 0 and r["table_exact"] for r in lakegate_rows) else 1


if __name__ == "__main__":
    sys.exit(main())
