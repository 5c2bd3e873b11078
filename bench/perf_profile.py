#!/usr/bin/env python3
"""CPU profile of lakegate streaming a big result as JSON, with `perf`.

    .venv/bin/python bench/perf_profile.py [--rows 1000000] [--format json|ndjson]
    (reads LAKEGATE_SPARK_CONNECT from the environment or .testbed/env; needs `perf`)

Starts a fresh lakegate on a free port, attaches `perf record -g` to it, streams
the result once (rows counted and checked as in bench.py), stops perf and writes
the hottest symbols (self time, and with children) to bench/out/profile-*.txt.
Bounded: one request, perf stopped when it ends, lakegate stopped at exit.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from bench import SQL_1M, big_sql  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--lakegate", default=os.environ.get("LAKEGATE_BIN", "build/lakegate"))
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--format", default="json", choices=["json", "ndjson"])
    p.add_argument("--freq", type=int, default=1999)
    a = p.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "bench", "out")
    os.makedirs(out, exist_ok=True)
    if "LAKEGATE_SPARK_CONNECT" not in os.environ:
        with open(os.path.join(root, ".testbed", "env")) as f:
            for line in f:
                if line.startswith("LAKEGATE_SPARK_CONNECT="):
                    os.environ["LAKEGATE_SPARK_CONNECT"] = line.split("=", 1)[1].strip().strip('"')
    sql = SQL_1M if a.rows == 1_000_000 else big_sql(a.rows)
    accept = "application/x-ndjson" if a.format == "ndjson" else "application/json"
    lg = h.Lakegate(a.lakegate, os.environ["LAKEGATE_SPARK_CONNECT"], out, "profile",
                    os.path.join(out, "lakegate.pids")).start()
    data = os.path.join(out, f"perf-{a.format}.data")
    perf = None
    try:
        perf = subprocess.Popen(["perf", "record", "-F", str(a.freq), "-g", "-p", str(lg.pid), "-o", data],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        cpu0 = lg.cpu_seconds()
        r = h.stream_query(lg.port, {"sql": sql}, accept=accept, timeout=600)
        cpu = lg.cpu_seconds() - cpu0
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=60)
        ok = r.status == 200 and r.complete and r.rows_counted == a.rows
        print(f"rows {r.rows_counted} complete {r.complete} wall {r.wall_s:.2f}s lakegate CPU {cpu:.2f}s "
              f"({cpu / (a.rows / 1e6):.3f} s/M rows) HWM {lg.hwm_kb() / 1024:.1f} MB")
    finally:
        if perf and perf.poll() is None:
            perf.kill()
        lg.stop()
    report = os.path.join(out, f"profile-{a.format}.txt")
    with open(report, "w") as f:
        f.write(f"rows {a.rows} format {a.format} lakegate CPU {cpu:.2f}s wall {r.wall_s:.2f}s\n\n")
        f.flush()
        for extra in (["--no-children", "--sort", "dso"], ["--no-children", "--sort", "dso,symbol"],
                      ["--children", "--sort", "symbol"]):
            f.write(f"==== perf report {' '.join(extra)}\n")
            text = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", "--percent-limit", "0.7",
                                   *extra], capture_output=True, text=True, timeout=300).stdout
            for line in text.splitlines():
                if line.startswith("#") and not line.startswith("# Samples"):
                    continue
                line = " ".join(line.split())
                if line:
                    f.write(line[:160] + "\n")
            f.write("\n")
    print(f"profile: {report}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
