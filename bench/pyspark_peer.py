#!/usr/bin/env python3
"""Peer measurement for the streaming benchmark: pyspark's own Spark Connect
client fetches a big result and turns it into JSON text, in its own process so
its CPU and peak RSS are its own.

    python pyspark_peer.py SC_URL MODE EXPECTED_ROWS 'SQL'

MODE is `arrow` (df.toArrow() → table.to_pylist() → json.dumps), `pandas`
(df.toPandas() → DataFrame.to_json(orient="records"), pandas' C encoder) or
`collect` (df.collect() → row.asDict() → json.dumps). Non-JSON values (datetime,
Decimal) go through json.dumps(default=str). The JSON text is written to
/dev/null. Prints one JSON line with the measurements; exit 1 on a wrong row
count.
"""

import json
import os
import resource
import sys
import time


def status_kb(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def main() -> int:
    url, mode, expected, sql = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    t_start = time.perf_counter()
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(url).getOrCreate()
    spark.sql("SELECT 1").collect()  # session warm: not part of the measurement
    base_cpu, base_hwm, base_rss = cpu_seconds(), status_kb("VmHWM"), status_kb("VmRSS")
    setup_s = time.perf_counter() - t_start

    t0 = time.perf_counter()
    df = spark.sql(sql)
    if mode == "arrow":
        table = df.toArrow()
        t_fetch = time.perf_counter()
        rows = table.to_pylist()
        del table
    elif mode == "pandas":
        pdf = df.toPandas()
        t_fetch = time.perf_counter()
        n = len(pdf)
        text = pdf.to_json(orient="records", date_format="iso", default_handler=str)
        del pdf
        rows = None
    else:
        fetched = df.collect()
        t_fetch = time.perf_counter()
        rows = [r.asDict() for r in fetched]
        del fetched
    if rows is not None:
        text = json.dumps(rows, default=str)
        n = len(rows)
    with open(os.devnull, "w") as sink:
        sink.write(text)
    t1 = time.perf_counter()
    out = {
        "mode": mode,
        "rows": n,
        "json_bytes": len(text),
        "cpu_s": cpu_seconds() - base_cpu,
        "wall_s": t1 - t0,
        "fetch_wall_s": t_fetch - t0,
        "hwm_kb": status_kb("VmHWM"),
        "baseline_hwm_kb": base_hwm,
        "baseline_rss_kb": base_rss,
        "setup_s": setup_s,
    }
    del rows, text
    spark.stop()
    print(json.dumps(out))
    return 0 if n == expected else 1


if __name__ == "__main__":
    sys.exit(main())
