#!/usr/bin/env python3
"""lakegate benchmark suite; run through `bench/run`, which sets the environment.

Three benchmarks on one test bed, in one run:
  (a) small query latency: lakegate (HTTP keep-alive) vs pyspark Spark Connect,
      interleaved in alternating blocks;
  (b) the seed's subprocess-per-request Python bridge (bench/seed_bridge.py);
  (c) streaming 1 M and 10 M rows as JSON through fresh lakegate processes
      (CPU seconds per million rows, peak RSS, throughput), with pyspark's own
      client fetching 1 M rows to JSON as a peer.

Writes bench/out/results.json (+ raw samples) and bench/RESULTS.md. Exit 0 when
every benchmark ran and returned the right rows (a MISS of a target is still
0), 1 when something broke.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
import report  # noqa: E402

SMALL_SQL = "SELECT * FROM nyctaxi.trips WHERE passenger_count = ? LIMIT 10"
# (d) the same small query through lakegate's `thrift` service and through pyhive.
HS2_SQL = "SELECT * FROM nyctaxi.trips WHERE passenger_count = %(p)s LIMIT 10"  # pyhive's paramstyle
# (e) a filtered, ordered, paginated _table read and its direct Spark Connect twin.
TABLE_FILTER = "passenger_count = 2 AND trip_distance > 3"
TABLE_ORDER = "fare_amount desc, tpep_pickup_datetime"
TABLE_LIMIT, TABLE_OFFSET = 20, 40
TABLE_SQL = ("SELECT * FROM nyctaxi.trips WHERE passenger_count = :pc AND trip_distance > :td "
             "ORDER BY fare_amount DESC, tpep_pickup_datetime LIMIT 20 OFFSET 40")
EXPORT_ACCEPT = {"ndjson": "application/x-ndjson", "csv": "text/csv", "arrow": "application/vnd.apache.arrow.stream"}
SMALL_ROWS = 10
TABLE_1M = "nyctaxi.trips_1m"
SQL_1M = f"SELECT * FROM {TABLE_1M}"
ROWS_1M = 1_000_000


def big_sql(rows: int) -> str:
    """`rows` rows with nyctaxi.trips' 7 columns and types, generated from
    range(rows) so nothing is stored. Uses the test bed's own generator
    (testbed/load_sample_data.py, the query that filled nyctaxi.trips_1m), so
    values are distributed exactly like the 1 M-row table; a simpler
    range()-based query stands in if that module is unavailable."""
    try:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "testbed"))
        import load_sample_data

        insert = load_sample_data.trips_sql("bench_big", rows)[-1]
        prefix = "INSERT INTO bench_big"
        if insert.startswith(prefix):
            lines = (line.split("--", 1)[0] for line in insert[len(prefix):].splitlines())
            return " ".join(" ".join(lines).split())
    except Exception:
        pass
    finally:
        sys.path.pop(0)
    return (
        "SELECT "
        "timestamp_seconds(1451606400 + pmod(hash(id, 11), 5184000)) AS tpep_pickup_datetime, "
        "timestamp_seconds(1451606400 + pmod(hash(id, 11), 5184000) + 120 + pmod(hash(id, 16), 3600)) "
        "AS tpep_dropoff_datetime, "
        "round(0.3 + pmod(hash(id, 12), 1000003) / 1000003.0 * 29.7, 2) AS trip_distance, "
        "CAST(2.5 + pmod(hash(id, 13), 9000) / 100 AS DECIMAL(10,2)) AS fare_amount, "
        "CAST(10001 + pmod(hash(id, 14), 1000) AS INT) AS pickup_zip, "
        "CAST(10001 + pmod(hash(id, 15), 1000) AS INT) AS dropoff_zip, "
        "CAST(1 + pmod(hash(id, 17), 6) AS INT) AS passenger_count "
        f"FROM range({rows})"
    )


# ---------------------------------------------------------------- context


class Bench:
    def __init__(self, args):
        self.args = args
        self.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.out = os.path.join(self.root, "bench", "out")
        os.makedirs(self.out, exist_ok=True)
        self.spark_url = os.environ["LAKEGATE_SPARK_CONNECT"]
        self.thrift_url = os.environ.get("LAKEGATE_THRIFT_HTTP", "")
        self.binary = args.lakegate
        self.pid_file = os.environ.get("BENCH_PID_FILE", os.path.join(self.out, "lakegate.pids"))
        self.deadline = h.Deadline(args.max_seconds)
        self.results: dict = {"errors": [], "notes": []}
        self.spark = None
        self.spark_pid = None
        self.lakegates: list[h.Lakegate] = []

    def log(self, msg: str) -> None:
        print(f"[bench {time.monotonic() - self.deadline.start:6.1f}s] {msg}", flush=True)

    def error(self, where: str, msg: str) -> None:
        self.log(f"ERROR in {where}: {msg}")
        self.results["errors"].append(f"{where}: {msg}")

    def lakegate(self, tag: str, thrift: bool = False) -> h.Lakegate:
        lg = h.Lakegate(self.binary, self.spark_url, self.out, tag, self.pid_file,
                        thrift_url=self.thrift_url if thrift else "").start()
        self.lakegates.append(lg)
        self.log(f"lakegate {tag}: pid {lg.pid} on 127.0.0.1:{lg.port}")
        return lg

    def spark_cpu(self) -> float | None:
        if self.spark_pid is None:
            return None
        try:
            return h.proc_cpu_seconds(self.spark_pid)
        except OSError:
            return None

    # ------------------------------------------------------------ setup

    def setup(self) -> None:
        from pyspark.sql import SparkSession
        import pyarrow
        import pyspark

        self.spark = SparkSession.builder.remote(self.spark_url).getOrCreate()
        port = int(self.spark_url.split("://", 1)[1].split("/")[0].split(":")[1])
        driver_pid = os.environ.get("LAKEGATE_TESTBED_DRIVER_PID", "")
        self.spark_pid = int(driver_pid) if driver_pid.isdigit() and os.path.exists(f"/proc/{driver_pid}") \
            else h.pid_listening_on(port)
        lg_version = subprocess.run(
            [self.binary, "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        git = subprocess.run(
            ["git", "-C", self.root, "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=10,
        ).stdout.strip()
        cpu_model = ""
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
        os_name = ""
        try:
            with open("/etc/os-release") as f:
                for line in f:
                    if line.startswith("PRETTY_NAME="):
                        os_name = line.split("=", 1)[1].strip().strip('"')
        except OSError:
            pass
        mem_kb = h.proc_status_kb(os.getpid(), "VmRSS")  # touch, to be sure /proc works
        with open("/proc/meminfo") as f:
            mem_total_kb = int(f.readline().split()[1])
        self.results["env"] = {
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "nproc": os.cpu_count(),
            "cpu_model": cpu_model,
            "mem_total_gb": round(mem_total_kb / 1024 / 1024, 1),
            "os": os_name,
            "kernel": platform.release(),
            "lakegate": lg_version,
            "git": git,
            "spark_server": self.spark.version,
            "pyspark_client": pyspark.__version__,
            "pyarrow": pyarrow.__version__,
            "python": platform.python_version(),
            "spark_url": self.spark_url,
            "spark_pid": self.spark_pid,
            "command": "bench/run " + " ".join(self.args.passthrough),
            "max_seconds": self.args.max_seconds,
            "loadavg_start": open("/proc/loadavg").read().split()[:3],
        }
        del mem_kb
        self.ensure_trips_1m()

    def ensure_trips_1m(self) -> None:
        spark = self.spark
        exists = spark.catalog.tableExists(TABLE_1M)
        if not exists:
            self.log(f"{TABLE_1M} missing: creating it from nyctaxi.trips x range(n)")
            base = spark.sql("SELECT count(*) AS n FROM nyctaxi.trips").collect()[0]["n"]
            copies = -(-ROWS_1M // base)
            spark.sql(
                f"CREATE TABLE IF NOT EXISTS {TABLE_1M} USING delta AS "
                f"SELECT t.* FROM nyctaxi.trips t CROSS JOIN range({copies}) LIMIT {ROWS_1M}"
            ).collect()
            self.results["notes"].append(
                f"{TABLE_1M} did not exist; the benchmark created it as nyctaxi.trips x range({copies})."
            )
        n = spark.sql(f"SELECT count(*) AS n FROM {TABLE_1M}").collect()[0]["n"]
        if n != ROWS_1M:
            raise h.BenchError(f"{TABLE_1M} has {n} rows, expected {ROWS_1M}")

    # ------------------------------------------------------------ (a)

    def bench_small(self) -> None:
        a = self.args
        lg = self.lakegate("small")
        self.small_lakegate = lg
        client = h.KeepAliveClient(lg.port)
        spark = self.spark
        expected: dict[int, int] = {}

        def via_lakegate(p: int) -> float:
            t0 = time.perf_counter()
            doc = client.query(json.dumps({"sql": SMALL_SQL, "params": [p]}).encode())
            t1 = time.perf_counter()
            n = len(doc["resource"])
            if n != SMALL_ROWS or doc.get("row_count") != n:
                raise h.BenchError(f"lakegate returned {n} rows (row_count {doc.get('row_count')}), expected {SMALL_ROWS}")
            return t1 - t0

        def via_pyspark(p: int) -> tuple[float, float]:
            t0 = time.perf_counter()
            rows = spark.sql(SMALL_SQL, args=[p]).collect()
            t1 = time.perf_counter()
            json.dumps([r.asDict() for r in rows], default=str)
            t2 = time.perf_counter()
            if len(rows) != SMALL_ROWS:
                raise h.BenchError(f"pyspark returned {len(rows)} rows, expected {SMALL_ROWS}")
            return t2 - t0, t1 - t0

        for i in range(a.warmup):
            p = i % 6 + 1
            via_lakegate(p)
            via_pyspark(p)
        lat_lg, lat_ps, lat_ps_collect = [], [], []
        block = a.block
        blocks = -(-a.n // block)
        order_log = []
        cpu0 = lg.cpu_seconds()
        for b in range(blocks):
            if self.deadline.expired(reserve=a.reserve_after_small):
                self.results["notes"].append(f"(a) stopped early by the time budget after {b} blocks.")
                break
            params = [(b * block + k) % 6 + 1 for k in range(block)]
            first_lakegate = b % 2 == 0  # ABBA ordering cancels drift and order effects
            for which in ((0, 1) if first_lakegate else (1, 0)):
                for p in params:
                    if which == 0:
                        lat_lg.append(via_lakegate(p))
                    else:
                        total, collect_only = via_pyspark(p)
                        lat_ps.append(total)
                        lat_ps_collect.append(collect_only)
            order_log.append("AB" if first_lakegate else "BA")
        lakegate_cpu_ms = (lg.cpu_seconds() - cpu0) * 1000 / max(1, len(lat_lg) + a.table_warmup)  # warm-up included
        client.close()
        with open(os.path.join(self.out, "small_latency.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["i", "lakegate_s", "pyspark_total_s", "pyspark_collect_s"])
            for i, row in enumerate(zip(lat_lg, lat_ps, lat_ps_collect)):
                w.writerow([i, *row])
        self.lat_lakegate = h.summarize_ms(lat_lg)
        self.results["small"] = {
            "sql": SMALL_SQL,
            "warmup": a.warmup,
            "block": block,
            "blocks": len(order_log),
            "lakegate": self.lat_lakegate,
            "pyspark": h.summarize_ms(lat_ps),
            "pyspark_collect_only": h.summarize_ms(lat_ps_collect),
            "lakegate_cpu_ms_per_request": lakegate_cpu_ms,
        }
        self.log(
            f"(a) lakegate p50 {self.lat_lakegate['p50_ms']:.2f} ms p99 {self.lat_lakegate['p99_ms']:.2f} | "
            f"pyspark p50 {self.results['small']['pyspark']['p50_ms']:.2f} ms "
            f"p99 {self.results['small']['pyspark']['p99_ms']:.2f}"
        )

    # ------------------------------------------------------------ (b)

    def bench_bridge(self) -> None:
        a = self.args
        bridge = os.path.join(self.root, "bench", "seed_bridge.py")
        config = json.dumps({"workspace_url": self.spark_url, "timeout": 600})
        samples = []
        for i in range(a.bridge_n + a.bridge_warmup):
            if self.deadline.expired(reserve=a.reserve_after_bridge):
                self.results["notes"].append(f"(b) stopped early by the time budget after {len(samples)} requests.")
                break
            query = json.dumps({"sql": SMALL_SQL, "params": [i % 6 + 1]})
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, bridge, config, query], capture_output=True, text=True, timeout=120
            )
            dt = time.perf_counter() - t0
            if proc.returncode != 0:
                raise h.BenchError(f"seed_bridge exited {proc.returncode}: {proc.stdout[-300:]} {proc.stderr[-500:]}")
            doc = json.loads(proc.stdout.strip().splitlines()[-1])
            if not doc.get("success") or doc.get("row_count") != SMALL_ROWS or len(doc["data"]) != SMALL_ROWS:
                raise h.BenchError(f"seed_bridge answered {str(doc)[:300]}")
            if i >= a.bridge_warmup:
                samples.append(dt)
        with open(os.path.join(self.out, "bridge_latency.csv"), "w") as f:
            f.write("i,seed_bridge_s\n" + "".join(f"{i},{s}\n" for i, s in enumerate(samples)))
        self.results["bridge"] = {"warmup": a.bridge_warmup, "seed_bridge": h.summarize_ms(samples)}
        s = self.results["bridge"]["seed_bridge"]
        self.log(f"(b) seed bridge p50 {s['p50_ms']:.0f} ms p99 {s['p99_ms']:.0f} ms")

    # ------------------------------------------------------------ (c)

    def stream_run(self, lg: h.Lakegate, sql, expected: int, label: str, timeline: str = "",
                   path: str = h.QUERY_PATH, accept: str = "application/json") -> dict:
        """`sql` is a SQL text (POSTed), a request body dict (POSTed) or None (GET `path`)."""
        body = {"sql": sql} if isinstance(sql, str) else sql
        cpu0, spark0 = lg.cpu_seconds(), self.spark_cpu()
        with h.RssSampler(lg.pid) as rss:
            r = h.stream_query(lg.port, body, accept=accept, timeout=max(60.0, self.deadline.left()), path=path,
                               arrow_file=os.path.join(self.out, f"tmp-{lg.tag}.arrows"))
        cpu1, spark1 = lg.cpu_seconds(), self.spark_cpu()
        if timeline:
            with open(os.path.join(self.out, timeline), "w") as f:
                f.write("t_s,vmrss_kb\n" + "".join(f"{t:.3f},{kb}\n" for t, kb in rss.samples))
        if r.status != 200:
            raise h.BenchError(f"{label}: HTTP {r.status}: {r.error_body[-300:]!r}")
        if not r.complete:
            raise h.BenchError(f"{label}: stream ended without its final chunk after {r.body_bytes} bytes")
        json_envelope = accept == "application/json"
        if r.rows_counted != expected or (json_envelope and r.row_count_field != expected):
            raise h.BenchError(
                f"{label}: counted {r.rows_counted} rows, row_count field {r.row_count_field}, expected {expected}"
            )
        cpu = cpu1 - cpu0
        out = {
            "rows": r.rows_counted,
            "content_type": r.content_type,
            "bytes": r.body_bytes,
            "chunks": r.chunks,
            "wall_s": r.wall_s,
            "ttfb_s": r.ttfb_s,
            "lakegate_cpu_s": cpu,
            "cpu_s_per_m_rows": cpu / (expected / 1e6),
            "rows_per_s": expected / r.wall_s,
            "mb_per_s": r.body_bytes / r.wall_s / 1e6,
            "client_cpu_s": r.client_cpu_s,
            "spark_cpu_s": (spark1 - spark0) if spark0 is not None and spark1 is not None else None,
            # VmRSS sampled every 20 ms: before the first body byte vs while streaming.
            "rss_max_before_first_byte_kb": rss.max_kb(before=r.ttfb_s),
            "rss_max_streaming_kb": rss.max_kb(after=r.ttfb_s),
        }
        self.log(
            f"{label}: {expected} rows {r.body_bytes / 1e6:.0f} MB in {r.wall_s:.2f}s, "
            f"lakegate CPU {cpu:.2f}s ({out['cpu_s_per_m_rows']:.3f} s/M rows), client CPU {r.client_cpu_s:.2f}s"
        )
        return out

    def stream_fresh(self, tag: str, sql: str, expected: int, reps: int) -> dict:
        lg = self.lakegate(tag)
        try:
            idle_hwm = lg.hwm_kb()
            runs = []
            for rep in range(reps):
                if rep and self.deadline.expired(reserve=self.args.reserve_after_stream):
                    self.results["notes"].append(f"(c) {tag}: only {rep} of {reps} repetitions (time budget).")
                    break
                runs.append(self.stream_run(lg, sql, expected, f"(c) {tag} rep {rep + 1}",
                                            timeline=f"rss-{tag}-{rep + 1}.csv"))
            hwm = lg.hwm_kb()
            rss_after = lg.rss_kb()
        finally:
            lg.stop()
        cpu_per_m = sorted(r["cpu_s_per_m_rows"] for r in runs)
        return {
            "sql": sql,
            "rows": expected,
            "runs": runs,
            "cpu_s_per_m_rows_median": h.percentile(cpu_per_m, 0.5),
            "cpu_s_per_m_rows_max": cpu_per_m[-1],
            "wall_s_median": h.percentile([r["wall_s"] for r in runs], 0.5),
            "rows_per_s_median": h.percentile([r["rows_per_s"] for r in runs], 0.5),
            "idle_hwm_kb": idle_hwm,
            "hwm_kb": hwm,
            "rss_after_kb": rss_after,
        }

    def peer(self, mode: str) -> dict:
        script = os.path.join(self.root, "bench", "pyspark_peer.py")
        timeout = max(60.0, min(400.0, self.deadline.left() - 20))
        proc = subprocess.run(
            [sys.executable, script, self.spark_url, mode, str(ROWS_1M), SQL_1M],
            capture_output=True, text=True, timeout=timeout,
        )
        if proc.returncode != 0:
            raise h.BenchError(f"pyspark peer ({mode}) exited {proc.returncode}: {proc.stdout[-300:]} {proc.stderr[-800:]}")
        doc = json.loads(proc.stdout.strip().splitlines()[-1])
        doc["cpu_s_per_m_rows"] = doc["cpu_s"] / (doc["rows"] / 1e6)
        self.log(f"(c) pyspark peer {mode}: CPU {doc['cpu_s']:.2f}s wall {doc['wall_s']:.2f}s HWM {doc['hwm_kb'] / 1024:.0f} MB")
        return doc

    def bench_stream(self) -> None:
        a = self.args
        res: dict = {}
        self.results["stream"] = res
        # Warm Spark (Delta log, file cache, codegen) on the long-lived instance,
        # so the fresh processes below measure steady-state streaming.
        lg = getattr(self, "small_lakegate", None) or self.lakegate("warm")
        self.stream_run(lg, SQL_1M, ROWS_1M, "(c) warm-up 1M (not reported)")
        res["1m"] = self.stream_fresh("stream-1m", SQL_1M, ROWS_1M, a.stream_reps)
        if a.big_rows and not self.deadline.expired(reserve=a.reserve_before_big):
            res["big"] = self.stream_fresh("stream-big", big_sql(a.big_rows), a.big_rows, 1)
        elif a.big_rows:
            self.results["notes"].append("(c) the big-result run was skipped: time budget.")
        res["peers"] = {}
        for mode in a.peer_modes:
            if self.deadline.expired(reserve=a.reserve_before_peer.get(mode, 30)):
                self.results["notes"].append(f"(c) pyspark peer {mode} skipped: time budget.")
                continue
            res["peers"][mode] = self.peer(mode)

    # ------------------------------------------------------------ shared

    def abba(self, fa, fb, n: int, block: int, warmup: int, reserve: float, tag: str) -> tuple[list, list, int]:
        """Runs fa/fb `warmup` times each, then n each in blocks of `block`,
        alternating which client goes first (ABBA…). fa/fb take the request
        index and return seconds."""
        for i in range(warmup):
            fa(i)
            fb(i)
        la, lb, blocks = [], [], -(-n // block)
        done = 0
        for b in range(blocks):
            if self.deadline.expired(reserve=reserve):
                self.results["notes"].append(f"{tag} stopped early by the time budget after {b} blocks.")
                break
            idx = [b * block + k for k in range(block)]
            for which in ((0, 1) if b % 2 == 0 else (1, 0)):
                for i in idx:
                    (la if which == 0 else lb).append((fa if which == 0 else fb)(i))
            done += 1
        return la, lb, done

    # ------------------------------------------------------------ (d) thrift

    def hs2_connect(self):
        """pyhive over Thrift HTTP to the same HiveServer2 lakegate's `thrift` service uses."""
        import base64

        from pyhive import hive
        from thrift.transport import THttpClient

        transport = THttpClient.THttpClient(self.thrift_url)
        transport.setCustomHeaders({"Authorization": "Basic " + base64.b64encode(b"bench:bench").decode()})
        return hive.connect(thrift_transport=transport)

    def bench_thrift(self) -> None:
        a = self.args
        if not self.thrift_url:
            raise h.BenchError("LAKEGATE_THRIFT_HTTP is not set in .testbed/env")
        lg = self.lakegate("thrift", thrift=True)
        client = h.KeepAliveClient(lg.port, path="/api/v2/thrift/_query")
        res: dict = {"sql": SMALL_SQL, "thrift_url": self.thrift_url, "warmup": a.thrift_warmup, "block": a.block}
        self.results["thrift"] = res

        def via_lakegate(i: int) -> float:
            t0 = time.perf_counter()
            doc = client.query(json.dumps({"sql": SMALL_SQL, "params": [i % 6 + 1]}).encode())
            t1 = time.perf_counter()
            if len(doc["resource"]) != SMALL_ROWS or doc.get("row_count") != SMALL_ROWS:
                raise h.BenchError(f"lakegate thrift returned {len(doc['resource'])} rows, expected {SMALL_ROWS}")
            return t1 - t0

        peer = None
        try:
            import pyhive  # noqa: F401
            import thrift  # noqa: F401
            from importlib.metadata import version

            res["peer_client"] = f"pyhive {version('pyhive')}, thrift {version('thrift')} (THttpClient)"
            conn = self.hs2_connect()
            cursor = conn.cursor()

            def peer(i: int) -> float:
                t0 = time.perf_counter()
                cursor.execute(HS2_SQL, {"p": i % 6 + 1})
                rows = cursor.fetchall()
                names = [d[0] for d in cursor.description]
                json.dumps([dict(zip(names, r)) for r in rows], default=str)
                t1 = time.perf_counter()
                if len(rows) != SMALL_ROWS:
                    raise h.BenchError(f"pyhive returned {len(rows)} rows, expected {SMALL_ROWS}")
                return t1 - t0
        except ImportError as e:
            self.results["notes"].append(f"(d) no Python HiveServer2 client ({e}); lakegate's Thrift path measured alone.")

        cpu0 = lg.cpu_seconds()
        if peer is not None:
            lat_lg, lat_peer, blocks = self.abba(via_lakegate, peer, a.thrift_n, a.block, a.thrift_warmup,
                                                 a.reserve_after_thrift, "(d)")
            res["peer"] = h.summarize_ms(lat_peer)
            try:
                cursor.close()
                conn.close()
            except Exception:
                pass
        else:
            for i in range(a.thrift_warmup):
                via_lakegate(i)
            lat_lg, lat_peer, blocks = [via_lakegate(i) for i in range(a.thrift_n)], [], 0
        res["lakegate_cpu_ms_per_request"] = (lg.cpu_seconds() - cpu0) * 1000 / max(1, len(lat_lg) + a.thrift_warmup)
        res["lakegate"] = h.summarize_ms(lat_lg)
        res["blocks"] = blocks
        client.close()
        with open(os.path.join(self.out, "thrift_latency.csv"), "w") as f:
            f.write("i,lakegate_thrift_s,pyhive_http_s\n")
            for i, row in enumerate(zip(lat_lg, lat_peer or [None] * len(lat_lg))):
                f.write(f"{i},{row[0]},{'' if row[1] is None else row[1]}\n")
        msg = f"(d) lakegate thrift p50 {res['lakegate']['p50_ms']:.1f} ms p99 {res['lakegate']['p99_ms']:.1f}"
        if "peer" in res:
            msg += f" | pyhive p50 {res['peer']['p50_ms']:.1f} ms p99 {res['peer']['p99_ms']:.1f}"
        self.log(msg)
        lg.stop()
        # 1 M rows through the Thrift path, fresh process (JSON envelope).
        if a.thrift_fetch and not self.deadline.expired(reserve=a.reserve_before_thrift_fetch):
            lg = self.lakegate("thrift-1m", thrift=True)
            try:
                idle = lg.hwm_kb()
                r = self.stream_run(lg, SQL_1M, ROWS_1M, "(d) thrift 1M", timeline="rss-thrift-1m.csv",
                                    path="/api/v2/thrift/_query")
                r["idle_hwm_kb"], r["hwm_kb"] = idle, lg.hwm_kb()
                res["fetch_1m"] = r
            finally:
                lg.stop()
        elif a.thrift_fetch:
            self.results["notes"].append("(d) the 1 M-row Thrift fetch was skipped: time budget.")

    # ------------------------------------------------------------ (e) _table

    def bench_table(self) -> None:
        a = self.args
        from urllib.parse import urlencode

        lg = self.lakegate("table")
        query = urlencode({"filter": TABLE_FILTER, "order": TABLE_ORDER, "limit": TABLE_LIMIT, "offset": TABLE_OFFSET})
        path = f"/api/v2/spark/_table/nyctaxi.trips?{query}"
        client = h.KeepAliveClient(lg.port)
        spark = self.spark
        args = {"pc": 2, "td": 3}

        hits = {"hit": 0, "other": 0}

        def timed_get(get_path: str, label: str):
            def via(i: int) -> float:
                t0 = time.perf_counter()
                doc = client.query(None, method="GET", path=get_path)
                t1 = time.perf_counter()
                if len(doc["resource"]) != TABLE_LIMIT:
                    raise h.BenchError(f"{label} returned {len(doc['resource'])} rows, expected {TABLE_LIMIT}")
                hits["hit" if client.last_headers.get("X-Lakegate-Cache") == "hit" else "other"] += 1
                return t1 - t0
            return via

        via_lakegate = timed_get(path, "_table")

        def via_pyspark(i: int) -> float:
            t0 = time.perf_counter()
            rows = spark.sql(TABLE_SQL, args=args).collect()
            json.dumps([r.asDict() for r in rows], default=str)
            t1 = time.perf_counter()
            if len(rows) != TABLE_LIMIT:
                raise h.BenchError(f"pyspark returned {len(rows)} rows, expected {TABLE_LIMIT}")
            return t1 - t0

        # Same rows in the same order from both paths (first page only, compared as text).
        doc = client.query(None, method="GET", path=path)
        ps = [r.asDict() for r in spark.sql(TABLE_SQL, args=args).collect()]
        same = [(d["fare_amount"], d["tpep_pickup_datetime"][:19]) for d in doc["resource"]] == \
               [(float(r["fare_amount"]), r["tpep_pickup_datetime"].isoformat()[:19]) for r in ps]
        cpu0 = lg.cpu_seconds()
        lat_lg, lat_ps, blocks = self.abba(via_lakegate, via_pyspark, a.table_n, a.block, a.table_warmup,
                                           a.reserve_after_table, "(e)")
        cpu_ms = (lg.cpu_seconds() - cpu0) * 1000 / max(1, len(lat_lg) + a.table_warmup)  # warm-up included
        # The same read from the `cached` service (result cache on, defaults
        # otherwise: the Delta version looked up at most once a second), against
        # pyspark again in ABBA blocks; every answer checked, hits counted.
        cached_path = path.replace("/api/v2/spark/", "/api/v2/cached/")
        via_cached = timed_get(cached_path, "cached _table")
        hits.update(hit=0, other=0)  # count the cached service's answers only
        same_cached = client.query(None, method="GET", path=cached_path) == doc
        lat_cached, lat_ps2, _ = self.abba(via_cached, via_pyspark, a.table_n, a.block, a.table_warmup,
                                           a.reserve_after_table, "(e) cached")
        client.close()
        lg.stop()
        with open(os.path.join(self.out, "table_latency.csv"), "w") as f:
            f.write("i,lakegate_table_s,pyspark_s\n" + "".join(f"{i},{x},{y}\n" for i, (x, y) in enumerate(zip(lat_lg, lat_ps))))
        self.results["table"] = {
            "path": "/api/v2/spark/_table/nyctaxi.trips?" + query,
            "sql": TABLE_SQL, "args": args, "warmup": a.table_warmup, "block": a.block, "blocks": blocks,
            "same_rows": same, "lakegate": h.summarize_ms(lat_lg), "pyspark": h.summarize_ms(lat_ps),
            "lakegate_cpu_ms_per_request": cpu_ms,
            "cached": {"lakegate": h.summarize_ms(lat_cached), "pyspark": h.summarize_ms(lat_ps2),
                       "hits": hits["hit"], "misses_or_refreshes": hits["other"], "same_rows": same_cached},
        }
        if not same:
            self.results["notes"].append("(e) lakegate's _table page and pyspark's rows differ in (fare_amount, pickup) order.")
        t = self.results["table"]
        self.log(f"(e) _table p50 {t['lakegate']['p50_ms']:.1f} ms p99 {t['lakegate']['p99_ms']:.1f} | "
                 f"pyspark p50 {t['pyspark']['p50_ms']:.1f} ms p99 {t['pyspark']['p99_ms']:.1f} | same rows {same}")
        c = t["cached"]
        self.log(f"(e) cached _table p50 {c['lakegate']['p50_ms']:.2f} ms p99 {c['lakegate']['p99_ms']:.2f} | "
                 f"pyspark p50 {c['pyspark']['p50_ms']:.1f} ms | hits {c['hits']} others {c['misses_or_refreshes']}")

    # ------------------------------------------------------------ (f) export formats

    def bench_export(self) -> None:
        a = self.args
        res: dict = {}
        self.results["export"] = res
        sizes = [("1m", ROWS_1M)] + ([("big", a.export_big_rows)] if a.export_big_rows else [])
        for size, rows in sizes:
            for fmt in a.export_formats:
                if self.deadline.expired(reserve=a.reserve_export.get(size, 30)):
                    self.results["notes"].append(f"(f) {fmt} {rows:,} rows skipped: time budget.")
                    continue
                if size == "1m":
                    path, body = f"/api/v2/spark/_table/{TABLE_1M}?limit={ROWS_1M}&format={fmt}", None
                else:
                    path, body = h.QUERY_PATH, {"sql": big_sql(rows)}
                tag = f"export-{fmt}-{size}"
                lg = self.lakegate(tag)
                try:
                    idle = lg.hwm_kb()
                    r = self.stream_run(lg, body, rows, f"(f) {fmt} {rows / 1e6:g}M", timeline=f"rss-{tag}.csv",
                                        path=path, accept=EXPORT_ACCEPT[fmt])
                    r.update(format=fmt, via="GET _table" if body is None else "POST _query",
                             idle_hwm_kb=idle, hwm_kb=lg.hwm_kb())
                    res.setdefault(size, {})[fmt] = r
                finally:
                    lg.stop()

    # ------------------------------------------------------------ main

    PARTS = {"small": "small", "bridge": "bridge", "stream": "stream", "thrift": "thrift", "table": "table",
             "export": "export"}

    def merge_previous(self) -> None:
        """With --only, keep the other parts' sections from the previous bench/out/results.json
        so RESULTS.md stays complete; each kept section is named in the notes with its date."""
        if set(self.PARTS) <= self.args.only or not self.args.write_report:
            return
        try:
            with open(os.path.join(self.out, "results.json")) as f:
                prev = json.load(f)
        except (OSError, ValueError):
            return
        kept = [p for p in self.PARTS if p not in self.args.only and p in prev]
        for p in kept:
            self.results[p] = prev[p]
        if kept:
            when = prev.get("env", {}).get("date", "?")
            self.results["notes"].append(
                f"Sections {', '.join(kept)} were not rerun (`--only {','.join(sorted(self.args.only))}`); "
                f"they are kept from the run of {when} (`{prev.get('env', {}).get('command', '?')}`).")

    def run(self) -> int:
        phases = [("setup", self.setup)]
        if "small" in self.args.only:
            phases.append(("(a) small query latency", self.bench_small))
        if "table" in self.args.only:
            phases.append(("(e) _table GET", self.bench_table))
        if "thrift" in self.args.only:
            phases.append(("(d) Thrift path", self.bench_thrift))
        if "bridge" in self.args.only:
            phases.append(("(b) seed bridge", self.bench_bridge))
        if "stream" in self.args.only:
            phases.append(("(c) streaming", self.bench_stream))
        if "export" in self.args.only:
            phases.append(("(f) export formats", self.bench_export))
        try:
            for name, fn in phases:
                self.log(f"--- {name} ({self.deadline.left():.0f}s left)")
                try:
                    fn()
                except Exception as e:  # record, then go on with the next phase
                    self.error(name, f"{type(e).__name__}: {e}")
                    traceback.print_exc()
                    if name == "setup":
                        break
        finally:
            for lg in self.lakegates:
                lg.stop()
            if self.spark is not None:
                try:
                    self.spark.stop()
                except Exception:
                    pass
        self.results["elapsed_s"] = time.monotonic() - self.deadline.start
        self.merge_previous()
        if "env" in self.results:
            self.results["env"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for name in ("results.json", f"results-{stamp}.json"):
            with open(os.path.join(self.out, name), "w") as f:
                json.dump(self.results, f, indent=2, default=str)
        analysis = os.path.join(self.root, "bench", "ANALYSIS.md")
        if os.path.exists(analysis):
            with open(analysis) as f:
                self.results["analysis"] = f.read()
        md = report.render(self.results)
        if self.args.write_report:
            report.write_results_md(os.path.join(self.root, "bench", "RESULTS.md"), md)
        print()
        print(report.summary_table(self.results))
        if self.results["errors"]:
            print("\nBROKEN:\n  " + "\n  ".join(self.results["errors"]))
            return 1
        return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lakegate", default=os.environ.get("LAKEGATE_BIN", "build/lakegate"),
                   help="lakegate binary (default: $LAKEGATE_BIN, set by bench/run)")
    p.add_argument("--max-seconds", type=float, default=780, help="time budget of the whole run")
    p.add_argument("--n", type=int, default=300, help="(a) measured requests per client")
    p.add_argument("--warmup", type=int, default=30, help="(a) warm-up requests per client")
    p.add_argument("--block", type=int, default=10, help="(a) requests per interleaved block")
    p.add_argument("--bridge-n", type=int, default=15, help="(b) measured seed-bridge requests")
    p.add_argument("--bridge-warmup", type=int, default=1)
    p.add_argument("--stream-reps", type=int, default=2, help="(c) 1M-row repetitions")
    p.add_argument("--big-rows", type=int, default=10_000_000, help="(c) rows of the big run (0: skip)")
    p.add_argument("--peer-modes", default="pandas,arrow",
                   help="(c) pyspark peers, any of pandas,arrow,collect (collect is slow: ~1 min)")
    p.add_argument("--thrift-n", type=int, default=40, help="(d) measured Thrift requests per client")
    p.add_argument("--thrift-warmup", type=int, default=5)
    p.add_argument("--no-thrift-fetch", dest="thrift_fetch", action="store_false",
                   help="(d) skip the 1 M-row fetch through lakegate's Thrift service")
    p.add_argument("--table-n", type=int, default=100, help="(e) measured _table requests per client")
    p.add_argument("--table-warmup", type=int, default=10)
    p.add_argument("--export-formats", default="ndjson,csv,arrow", help="(f) formats")
    p.add_argument("--export-big-rows", type=int, default=10_000_000, help="(f) rows of the big export (0: skip)")
    p.add_argument("--only", default="small,table,thrift,bridge,stream,export",
                   help="parts to run: small,table,thrift,bridge,stream,export (others are kept from the "
                        "previous bench/out/results.json in RESULTS.md)")
    p.add_argument("--no-report", dest="write_report", action="store_false",
                   help="do not overwrite bench/RESULTS.md")
    args = p.parse_args()
    args.passthrough = sys.argv[1:]
    args.only = set(args.only.split(","))
    args.peer_modes = [m for m in args.peer_modes.split(",") if m]
    args.export_formats = [m for m in args.export_formats.split(",") if m]
    # Time kept back for the phases after each step (seconds).
    # Phases run in the order small, table, thrift, bridge, stream, export.
    args.reserve_after_small = 540
    args.reserve_after_table = 480
    args.reserve_after_thrift = 420
    args.reserve_before_thrift_fetch = 400
    args.reserve_after_bridge = 380
    args.reserve_after_stream = 300
    args.reserve_before_big = 290
    args.reserve_before_peer = {"pandas": 250, "arrow": 270, "collect": 330}
    args.reserve_export = {"1m": 10, "big": 60}
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
