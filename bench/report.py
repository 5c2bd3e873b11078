"""Renders bench/out/results.json as bench/RESULTS.md and a console summary.

    python bench/report.py [results.json]   # re-render RESULTS.md from a saved run
"""

from __future__ import annotations

import json
import os
import re
import sys

RATIO_TARGET = 1.10
CPU_PER_M_TARGET = 0.30
CACHED_SPEEDUP_TARGET = 50.0
RSS_TARGET_MB = 100.0
TABLE_DESC = {"filter": "passenger_count = 2 AND trip_distance > 3", "order": "fare_amount desc, tpep_pickup_datetime"}


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "**MISS**")


def _mb(kb: float | None) -> str:
    return "—" if kb is None else f"{kb / 1024:.1f} MB"


def _cmd(results: dict) -> str:
    return (results.get("env", {}).get("command") or "bench/run").strip()


def latency_table(rows) -> list[str]:
    """A Markdown table of latency summaries (harness.summarize_ms), one row per
    (client name, summary); a None summary is left out."""
    out = ["| client | n | p50 ms | p90 ms | p99 ms | mean ms | min ms | max ms |",
           "|---|---|---|---|---|---|---|---|"]
    for name, x in rows:
        if x:
            out.append(f"| {name} | {x['n']} | {x['p50_ms']:.2f} | {x['p90_ms']:.2f} | {x['p99_ms']:.2f} | "
                       f"{x['mean_ms']:.2f} | {x['min_ms']:.2f} | {x['max_ms']:.2f} |")
    return out


def _f(x, fmt="{:.2f}") -> str:
    return "—" if x is None else fmt.format(x)


def targets(results: dict) -> list[tuple[str, str, str, bool | None]]:
    """(benchmark, measure, value vs target, pass) for every target."""
    rows = []
    small = results.get("small")
    if small:
        for q in ("p50", "p99"):
            ratio = small["lakegate"][f"{q}_ms"] / small["pyspark"][f"{q}_ms"]
            rows.append(("(a) small query", f"lakegate/pyspark {q}", f"{ratio:.3f} (≤ {RATIO_TARGET:.2f})",
                         ratio <= RATIO_TARGET))
    for key, label, peer in (("table", "(e) _table GET", "pyspark"), ("thrift", "(d) Thrift query", "peer")):
        t = results.get(key)
        if t and t.get(peer) and t.get("lakegate"):
            ratio = t["lakegate"]["p50_ms"] / t[peer]["p50_ms"]
            other = "pyspark" if peer == "pyspark" else "pyhive"
            rows.append((label, f"lakegate/{other} p50", f"{ratio:.3f} (≤ {RATIO_TARGET:.2f})", ratio <= RATIO_TARGET))
    cached = (results.get("table") or {}).get("cached")
    if cached:
        speedup = cached["pyspark"]["p50_ms"] / cached["lakegate"]["p50_ms"]
        rows.append(("(e) cached _table GET", "pyspark/lakegate p50 (speed-up)",
                     f"{speedup:.1f}× (≥ {CACHED_SPEEDUP_TARGET:.0f}×)", speedup >= CACHED_SPEEDUP_TARGET))
    stream = results.get("stream") or {}
    for key, name in (("1m", "(c) 1 M rows"), ("big", "(c) big result")):
        s = stream.get(key)
        if not s:
            continue
        label = f"(c) {s['rows'] / 1e6:g} M rows"
        cpu = s["cpu_s_per_m_rows_median"]
        rows.append((label, "lakegate CPU s / M rows", f"{cpu:.3f} (≤ {CPU_PER_M_TARGET})", cpu <= CPU_PER_M_TARGET))
        mb = s["hwm_kb"] / 1024
        rows.append((label, "lakegate peak RSS (VmHWM)", f"{mb:.1f} MB (< {RSS_TARGET_MB:.0f} MB)", mb < RSS_TARGET_MB))
    export = results.get("export") or {}
    for size in ("1m", "big"):
        for fmt, r in (export.get(size) or {}).items():
            label = f"(f) {fmt} {r['rows'] / 1e6:g} M"
            cpu, mb = r["cpu_s_per_m_rows"], r["hwm_kb"] / 1024
            rows.append((label, "lakegate CPU s / M rows", f"{cpu:.3f} (≤ {CPU_PER_M_TARGET})", cpu <= CPU_PER_M_TARGET))
            rows.append((label, "lakegate peak RSS (VmHWM)", f"{mb:.1f} MB (< {RSS_TARGET_MB:.0f} MB)", mb < RSS_TARGET_MB))
    return rows


def summary_table(results: dict) -> str:
    lines = ["benchmark            measure                        value                     verdict",
             "-" * 92]
    for bench, measure, value, ok in targets(results):
        lines.append(f"{bench:<20} {measure:<30} {value:<25} {'PASS' if ok else 'MISS'}")
    small, bridge = results.get("small"), results.get("bridge")
    if small:
        lines.append(f"(a) latency ms       lakegate p50/p99 {small['lakegate']['p50_ms']:.2f}/{small['lakegate']['p99_ms']:.2f}"
                     f"   pyspark p50/p99 {small['pyspark']['p50_ms']:.2f}/{small['pyspark']['p99_ms']:.2f}")
    if bridge:
        b = bridge["seed_bridge"]
        lines.append(f"(b) seed bridge ms   p50/p99 {b['p50_ms']:.0f}/{b['p99_ms']:.0f}"
                     + (f"   = {b['p50_ms'] / small['lakegate']['p50_ms']:.0f}x lakegate p50" if small else ""))
    table, thrift = results.get("table"), results.get("thrift")
    if table:
        lines.append(f"(e) _table ms        lakegate p50/p99 {table['lakegate']['p50_ms']:.1f}/{table['lakegate']['p99_ms']:.1f}"
                     f"   pyspark p50/p99 {table['pyspark']['p50_ms']:.1f}/{table['pyspark']['p99_ms']:.1f}")
    if thrift:
        line = f"(d) Thrift ms        lakegate p50/p99 {thrift['lakegate']['p50_ms']:.1f}/{thrift['lakegate']['p99_ms']:.1f}"
        if thrift.get("peer"):
            line += f"   pyhive p50/p99 {thrift['peer']['p50_ms']:.1f}/{thrift['peer']['p99_ms']:.1f}"
        lines.append(line)
        f1 = thrift.get("fetch_1m")
        if f1:
            lines.append(f"(d) Thrift 1 M rows  {f1['rows_per_s']:,.0f} rows/s, lakegate CPU {f1['cpu_s_per_m_rows']:.3f} s/M, wall {f1['wall_s']:.1f}s")
    for size in ("1m", "big"):
        for fmt, r in ((results.get("export") or {}).get(size) or {}).items():
            lines.append(f"(f) {fmt:<6} {r['rows'] / 1e6:>4g} M     {r['rows_per_s']:>10,.0f} rows/s, CPU {r['cpu_s_per_m_rows']:.3f} s/M rows, "
                         f"VmHWM {r['hwm_kb'] / 1024:.1f} MB, {r['bytes'] / 1e6:.0f} MB")
    peers = (results.get("stream") or {}).get("peers") or {}
    for mode, p in peers.items():
        lines.append(f"(c) pyspark peer {mode:<7} CPU {p['cpu_s']:.2f}s for {p['rows'] / 1e6:g} M rows, peak RSS {p['hwm_kb'] / 1024:.0f} MB, wall {p['wall_s']:.2f}s")
    if results.get("errors"):
        lines.append("BROKEN: " + "; ".join(results["errors"]))
    return "\n".join(lines)


def render(results: dict) -> str:
    env = results.get("env", {})
    out = ["# lakegate benchmark results", ""]
    out.append("Produced by one command, `bench/run` (a report, not a test: it exits 0 on a MISS and "
               "non-zero only when something broke). Raw numbers of this run are in `bench/out/` "
               "(`results.json`, `small_latency.csv`, `bridge_latency.csv`, `table_latency.csv`, `thrift_latency.csv`). "
               "Parts: (a) small query, (b) seed bridge, (c) JSON streaming, (d) Thrift path, (e) `_table` GET, "
               "(f) NDJSON/CSV/Arrow export; run a subset with `bench/run --only small,table,thrift,bridge,stream,export` "
               "(sections not rerun are kept from the previous run and marked in the notes). The (d)/(e) ratio bound and "
               "the (f) CPU/RSS bounds reuse the (a)/(c) targets as reference.")
    out.append("")
    out += ["## Run", "",
            "| | |", "|---|---|",
            f"| date | {env.get('date', '—')} |",
            f"| command | `{env.get('command', 'bench/run').strip()}` |",
            f"| machine | {env.get('nproc', '?')} cores, {env.get('cpu_model', '?')}, {env.get('mem_total_gb', '?')} GB RAM |",
            f"| OS | {env.get('os', '?')}, Linux {env.get('kernel', '?')} |",
            f"| lakegate | {env.get('lakegate', '?')} (git {env.get('git', '?')}, Release build) |",
            f"| Spark (server) | {env.get('spark_server', '?')} with Spark Connect, Delta Lake; local test bed (`scripts/testbed`) |",
            f"| pyspark client | {env.get('pyspark_client', '?')} (Spark Connect), pyarrow {env.get('pyarrow', '?')}, Python {env.get('python', '?')} |",
            f"| total time | {results.get('elapsed_s', 0):.0f} s (budget {env.get('max_seconds', '?'):.0f} s) |",
            f"| load average (1/5/15 min) | start {' '.join(env.get('loadavg_start', ['?']))}, end {' '.join(env.get('loadavg_end', ['?']))} |",
            "", "Everything (Spark, lakegate, clients) runs on the same 2-core machine over 127.0.0.1, "
            "so client CPU competes with the server's.", ""]
    out += ["## Targets", "", "| benchmark | measure | value (target) | verdict |", "|---|---|---|---|"]
    for bench, measure, value, ok in targets(results):
        out.append(f"| {bench} | {measure} | {value} | {_verdict(ok)} |")
    out.append("")

    small = results.get("small")
    if small:
        lg, ps, pc = small["lakegate"], small["pyspark"], small["pyspark_collect_only"]
        out += ["## (a) Small query latency", "",
                f"`{small['sql']}` with the parameter bound (1…6 in turn), {lg['n']} sequential requests per client "
                f"after {small['warmup']} warm-up requests each, interleaved in blocks of {small['block']} "
                "(lakegate block first, then pyspark, alternating the order every block: ABBA…).", ""]
        out += latency_table((("lakegate (HTTP keep-alive, `http.client`, + `json.loads`)", lg),
                              ("pyspark Spark Connect (`collect()` + `asDict()` + `json.dumps`)", ps),
                              ("pyspark, `collect()` only", pc)))
        out += ["",
                f"Ratio lakegate/pyspark: p50 **{lg['p50_ms'] / ps['p50_ms']:.3f}**, p99 **{lg['p99_ms'] / ps['p99_ms']:.3f}** "
                f"(target ≤ {RATIO_TARGET:.2f}); against `collect()` alone: p50 {lg['p50_ms'] / pc['p50_ms']:.3f}, "
                f"p99 {lg['p99_ms'] / pc['p99_ms']:.3f}."
                + (f" lakegate's own CPU per request (utime+stime over the measured requests ÷ n): "
                   f"**{small['lakegate_cpu_ms_per_request']:.2f} ms** — the rest of its latency is Spark's."
                   if small.get("lakegate_cpu_ms_per_request") is not None else ""), "",
                "Method: one Python process drives both clients. lakegate is called on one persistent HTTP/1.1 "
                "connection with the standard library's `http.client` (less client overhead than `requests`); "
                "the time covers sending the request, reading the whole body and `json.loads` into a list of dicts "
                "(what a Python app holds afterwards). pyspark uses one warm `SparkSession.builder.remote()` session; "
                "the time covers `spark.sql(q, args=[p]).collect()` plus turning the Rows into dicts and JSON text "
                "(`json.dumps(default=str)`), the work lakegate does for its client; `collect()` alone is shown too. "
                "Every response is checked for exactly 10 rows (and lakegate's `row_count`).", ""]

    bridge = results.get("bridge")
    if bridge:
        b = bridge["seed_bridge"]
        out += ["## (b) The seed's subprocess-per-request bridge", "",
                "`bench/seed_bridge.py` models df-spark's `spark_connect.py`: one Python process per request "
                "(`python seed_bridge.py '<config json>' '<query json>'`) that imports pyspark, opens a Spark Connect "
                "session, runs the same parameterized query, serializes the seed's way (`float(Decimal)`, "
                "`isoformat()`), prints JSON, stops the session and exits. Timed from spawn to exit; "
                f"{bridge['warmup']} warm-up spawn(s) not counted. The PHP layer in front of the seed's bridge is not "
                "modelled, so this is a lower bound on the seed's latency. With n = 15, p99 is essentially the maximum.", "",
                "| path | n | p50 ms | p99 ms | mean ms | min ms | max ms |", "|---|---|---|---|---|---|---|",
                f"| seed bridge (process per request) | {b['n']} | {b['p50_ms']:.0f} | {b['p99_ms']:.0f} | "
                f"{b['mean_ms']:.0f} | {b['min_ms']:.0f} | {b['max_ms']:.0f} |"]
        if small:
            lg = small["lakegate"]
            out += [f"| lakegate (from (a)) | {lg['n']} | {lg['p50_ms']:.2f} | {lg['p99_ms']:.2f} | "
                    f"{lg['mean_ms']:.2f} | {lg['min_ms']:.2f} | {lg['max_ms']:.2f} |", "",
                    f"The bridge is **{b['p50_ms'] / lg['p50_ms']:.0f}×** lakegate at p50 and "
                    f"**{b['p99_ms'] / lg['p99_ms']:.0f}×** at p99 (no target: this prices the design lakegate replaces)."]
        out.append("")

    stream = results.get("stream") or {}
    if stream.get("1m") or stream.get("big"):
        out += ["## (c) Streaming big results as JSON", "",
                "Each size runs on a **fresh** lakegate process (so VmHWM is this run's peak) after one `SELECT 1` "
                "that opens its Spark session; Spark itself was warmed by one unreported 1 M-row pass through another "
                "lakegate process. The client is a raw-socket reader in the bench process (`Connection: close`, "
                "1 MiB `recv_into`, chunked framing decoded and checked for the final chunk) that discards the JSON "
                "and counts rows (`{` per row in the flat nyctaxi rows, cross-checked against the envelope's "
                "`row_count`). lakegate CPU = utime+stime of all its threads from `/proc/<pid>/stat`, before/after "
                "each request; peak RSS = `VmHWM` from `/proc/<pid>/status` after the last request.", "",
                "| run | rows | JSON MB | wall s | rows/s | MB/s | TTFB s | lakegate CPU s | CPU s / M rows | "
                "client CPU s | Spark driver CPU s |",
                "|---|---|---|---|---|---|---|---|---|---|---|"]
        for key in ("1m", "big"):
            s = stream.get(key)
            if not s:
                continue
            for i, r in enumerate(s["runs"]):
                out.append(f"| {s['rows'] / 1e6:g} M #{i + 1} | {r['rows']:,} | {r['bytes'] / 1e6:.0f} | {r['wall_s']:.2f} | "
                           f"{r['rows_per_s']:,.0f} | {r['mb_per_s']:.0f} | {r['ttfb_s']:.2f} | {r['lakegate_cpu_s']:.2f} | "
                           f"{r['cpu_s_per_m_rows']:.3f} | {r['client_cpu_s']:.2f} | {_f(r['spark_cpu_s'])} |")
        out += ["", "| lakegate process | idle VmHWM (after `SELECT 1`) | max VmRSS before first byte | "
                "max VmRSS while streaming | peak VmHWM | VmRSS after |", "|---|---|---|---|---|---|"]
        for key in ("1m", "big"):
            s = stream.get(key)
            if s:
                before = max((r.get("rss_max_before_first_byte_kb") or 0) for r in s["runs"]) or None
                during = max((r.get("rss_max_streaming_kb") or 0) for r in s["runs"]) or None
                out.append(f"| {s['rows'] / 1e6:g} M rows | {_mb(s['idle_hwm_kb'])} | {_mb(before)} | {_mb(during)} | "
                           f"{_mb(s['hwm_kb'])} | {_mb(s['rss_after_kb'])} |")
        out += ["", "VmRSS is sampled every 20 ms during each request (timelines in `bench/out/rss-*.csv`); "
                "\"before first byte\" is while Spark computes, \"while streaming\" is while rows flow to the client."]
        big = stream.get("big")
        if big:
            out += ["", f"The {big['rows'] / 1e6:g} M-row result is generated by Spark from `range({big['rows']})` "
                    "with the test bed's own generator of `nyctaxi.trips` (`testbed/load_sample_data.py`), so the 7 columns, "
                    "types and value distributions match `nyctaxi.trips_1m`; nothing is stored. Full text in "
                    "`bench/out/results.json`:", "",
                    "```sql", big["sql"] if len(big["sql"]) < 300 else big["sql"][:300] + " …", "```"]
        peers = stream.get("peers") or {}
        if peers:
            out += ["", "### Peer: pyspark's own client, 1 M rows to JSON", "",
                    "`bench/pyspark_peer.py` in its own process: warm session, then `SELECT * FROM nyctaxi.trips_1m` "
                    "fetched and turned into one JSON text (written to /dev/null; `datetime`/`Decimal` values via `str`). "
                    "CPU = the process's "
                    "`getrusage` user+sys during fetch + JSON; peak RSS = its `VmHWM`.", "",
                    "| client | rows | wall s | fetch wall s | CPU s | CPU s / M rows | peak RSS | RSS before query |",
                    "|---|---|---|---|---|---|---|---|"]
            names = {"pandas": "pyspark `toPandas()` → `to_json(orient=\"records\")`",
                     "arrow": "pyspark `toArrow()` → `to_pylist()` → `json.dumps`",
                     "collect": "pyspark `collect()` → `asDict()` → `json.dumps`"}
            for mode, p in peers.items():
                out.append(f"| {names.get(mode, mode)} | {p['rows']:,} | {p['wall_s']:.2f} | {p['fetch_wall_s']:.2f} | "
                           f"{p['cpu_s']:.2f} | {p['cpu_s_per_m_rows']:.3f} | {_mb(p['hwm_kb'])} | {_mb(p['baseline_rss_kb'])} |")
            if stream.get("1m"):
                s = stream["1m"]
                out.append(f"| lakegate (fresh process, median of {len(s['runs'])}) | {s['rows']:,} | "
                           f"{s['wall_s_median']:.2f} | — | {s['cpu_s_per_m_rows_median'] * s['rows'] / 1e6:.2f} | "
                           f"{s['cpu_s_per_m_rows_median']:.3f} | {_mb(s['hwm_kb'])} | {_mb(s['idle_hwm_kb'])} |")
        out.append("")

    table = results.get("table")
    if table:
        lg, ps = table["lakegate"], table["pyspark"]
        out += ["## (e) Filtered, ordered, paginated `_table` GET", "",
                f"`GET {table['path']}` (i.e. `filter={TABLE_DESC['filter']}`, `order={TABLE_DESC['order']}`, "
                "`limit=20&offset=40`) through lakegate's `spark` service (Spark Connect) vs the equivalent direct "
                f"pyspark Connect query `spark.sql(\"{table['sql']}\", args={table['args']}).collect()` + `asDict()` + "
                f"`json.dumps`. {lg['n']} requests per client after {table['warmup']} warm-up each, interleaved in ABBA blocks "
                f"of {table['block']} as in (a); every response checked for 20 rows; the first page of both paths "
                f"compared on (fare_amount, pickup time): {'identical' if table.get('same_rows') else '**different**'}.", ""]
        out += latency_table((("lakegate `_table` GET (keep-alive, + `json.loads`)", lg),
                              ("pyspark `spark.sql(…, args=…)` + dicts + JSON", ps)))
        out += ["", f"Ratio lakegate/pyspark: p50 **{lg['p50_ms'] / ps['p50_ms']:.3f}**, p99 **{lg['p99_ms'] / ps['p99_ms']:.3f}**; "
                f"lakegate CPU per request {table['lakegate_cpu_ms_per_request']:.2f} ms (warm-up included).", ""]
        cached = table.get("cached")
        if cached:
            c, p2 = cached["lakegate"], cached["pyspark"]
            out += ["**Cached** (`cache_enabled: true` on a second service over the same Spark, defaults otherwise: "
                    "the Delta version is looked up at most once a second, so a few requests pay that round trip): "
                    f"the same GET, {c['n']} requests interleaved with pyspark again in ABBA blocks; "
                    f"of these and their warm-up, {cached['hits']} were answered `X-Lakegate-Cache: hit` and "
                    f"{cached['misses_or_refreshes']} were not; "
                    f"the cached page {'equals' if cached.get('same_rows') else '**differs from**'} the uncached one.", ""]
            out += latency_table((("lakegate cached `_table` GET (keep-alive, + `json.loads`)", c),
                                  ("pyspark `spark.sql(…, args=…)` + dicts + JSON", p2)))
            out += ["", f"Speed-up pyspark/lakegate cached: p50 **{p2['p50_ms'] / c['p50_ms']:.1f}×** "
                    f"(target ≥ {CACHED_SPEEDUP_TARGET:.0f}×), p99 {p2['p99_ms'] / c['p99_ms']:.1f}×.", ""]
        out += [f"Command: `{_cmd(results)}`; this part alone: `bench/run --only table [--table-n N]`.", ""]

    thrift = results.get("thrift")
    if thrift:
        lg, peer = thrift["lakegate"], thrift.get("peer")
        out += ["## (d) Thrift path (HiveServer2 over HTTP)", "",
                f"The (a) query `{thrift['sql']}` (parameter 1…6 in turn) through lakegate's `thrift` service "
                f"(`workspace_url: {thrift['thrift_url']}`, the test bed's Spark Thrift Server in HTTP mode) vs "
                + (f"a direct Python HiveServer2 client on the same server: {thrift.get('peer_client')}, "
                   "`cursor.execute(q, {p})` + `fetchall()` + dicts + `json.dumps`. pyhive substitutes the parameter "
                   "client-side; thrift's `THttpClient` opens a new TCP connection for every Thrift call. "
                   if peer else "nothing (no Python HiveServer2 client available). ")
                + f"{lg['n']} requests per client after {thrift['warmup']} warm-up each, ABBA blocks of {thrift['block']}.", ""]
        out += latency_table((("lakegate `thrift` service (keep-alive, + `json.loads`)", lg),
                              ("pyhive over Thrift HTTP", peer)))
        out.append("")
        if peer:
            out += [f"Ratio lakegate/pyhive: p50 **{lg['p50_ms'] / peer['p50_ms']:.3f}**, p99 **{lg['p99_ms'] / peer['p99_ms']:.3f}**; "
                    f"lakegate CPU per request {thrift['lakegate_cpu_ms_per_request']:.2f} ms (warm-up included).", ""]
        f1 = thrift.get("fetch_1m")
        if f1:
            out += [f"1 M rows through the Thrift path (`POST /api/v2/thrift/_query` `SELECT * FROM nyctaxi.trips_1m`, "
                    "JSON envelope, fresh lakegate process, same raw-socket reader as (c)):", "",
                    "| rows | JSON MB | wall s | rows/s | TTFB s | lakegate CPU s | CPU s / M rows | idle VmHWM | peak VmHWM |",
                    "|---|---|---|---|---|---|---|---|---|",
                    f"| {f1['rows']:,} | {f1['bytes'] / 1e6:.0f} | {f1['wall_s']:.2f} | {f1['rows_per_s']:,.0f} | {f1['ttfb_s']:.2f} | "
                    f"{f1['lakegate_cpu_s']:.2f} | {f1['cpu_s_per_m_rows']:.3f} | {_mb(f1['idle_hwm_kb'])} | {_mb(f1['hwm_kb'])} |", ""]
        out += [f"Command: `{_cmd(results)}`; this part alone: `bench/run --only thrift [--thrift-n N] [--no-thrift-fetch]`. "
                "The pinned peer client is in `bench/requirements.txt` (installed into `.venv` by `bench/run` when missing).", ""]

    export = results.get("export") or {}
    if export:
        out += ["## (f) Export formats: NDJSON, CSV, Arrow IPC", "",
                "Each (format, size) runs on a **fresh** lakegate process, so its VmHWM is that run's peak. 1 M rows: "
                f"`GET /api/v2/spark/_table/{'nyctaxi.trips_1m'}?limit=1000000&format=ndjson|csv|arrow`; 10 M rows: "
                "`POST /api/v2/spark/_query` with the (c) generator query and `Accept: application/x-ndjson`, `text/csv` "
                "or `application/vnd.apache.arrow.stream`. Same raw-socket reader as (c); rows verified by counting "
                "lines (NDJSON; CSV minus its header) or, for Arrow, by writing the stream to a file and reading it with "
                "`pyarrow.ipc.open_stream` (sum of batch rows). Spark was warmed by the earlier parts of the run.", "",
                "| format | rows | via | MB | wall s | rows/s | MB/s | TTFB s | lakegate CPU s | CPU s / M rows | "
                "client CPU s | Spark driver CPU s | idle VmHWM | max VmRSS before first byte | peak VmHWM |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for size in ("1m", "big"):
            for fmt, r in (export.get(size) or {}).items():
                out.append(f"| {fmt} | {r['rows']:,} | {r['via']} | {r['bytes'] / 1e6:.0f} | {r['wall_s']:.2f} | "
                           f"{r['rows_per_s']:,.0f} | {r['mb_per_s']:.0f} | {r['ttfb_s']:.2f} | {r['lakegate_cpu_s']:.2f} | "
                           f"{r['cpu_s_per_m_rows']:.3f} | {r['client_cpu_s']:.2f} | {_f(r['spark_cpu_s'])} | "
                           f"{_mb(r['idle_hwm_kb'])} | {_mb(r.get('rss_max_before_first_byte_kb'))} | {_mb(r['hwm_kb'])} |")
        out += ["", "The JSON envelope of the same sizes is in (c). RSS timelines: `bench/out/rss-export-*.csv`.", "",
                f"Command: `{_cmd(results)}`; this part alone: `bench/run --only export "
                "[--export-formats ndjson,csv,arrow] [--export-big-rows N]`.", ""]

    if results.get("analysis"):
        out += ["## Where lakegate's time goes", "", results["analysis"].strip(), ""]
    if results.get("notes"):
        out += ["## Notes", ""] + [f"- {n}" for n in results["notes"]] + [""]
    if results.get("errors"):
        out += ["## BROKEN", ""] + [f"- {e}" for e in results["errors"]] + [""]
    return "\n".join(out)


# Sections other benchmarks write into RESULTS.md, each replacing only its own
# (security_bench.py, isolation runs, c10k_bench.py): a re-render keeps them.
SECTIONS_OWNED_ELSEWHERE = ("Security overhead", "Caller isolation", "C10k and the nginx ceiling",
                            "Writes under contention")


def replace_section(path, title, section):
    """Puts `section` (starting "## {title}") in the Markdown file at `path` in place
    of the section of that title it had, at the end; the rest stays as it was."""
    text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
    text = re.sub(r"\n## " + re.escape(title) + r"\n.*?(?=\n## |\Z)", "", text, flags=re.S)
    with open(path, "w") as f:
        f.write(text.rstrip("\n") + "\n\n" + section)


def write_results_md(path, rendered):
    """Writes `rendered` to `path`, keeping the sections other benchmarks own from the
    file's previous text, each as that benchmark last recorded it."""
    kept = []
    if os.path.exists(path):
        with open(path) as f:
            previous = f.read()
        rendered_titles = set(re.findall(r"(?m)^## (.+)$", rendered))
        for match in re.finditer(r"(?ms)^## (.+?)\n.*?(?=^## |\Z)", previous):
            title = match.group(1)
            # A title the rendered text has (ANALYSIS.md's own notes) is not kept twice.
            if title.startswith(SECTIONS_OWNED_ELSEWHERE) and title not in rendered_titles:
                kept.append(match.group(0).rstrip("\n"))
    with open(path, "w") as f:
        f.write(rendered.rstrip("\n") + "\n" + "".join("\n" + section + "\n" for section in kept))


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "out", "results.json")
    with open(path) as f:
        res = json.load(f)
    analysis = os.path.join(here, "ANALYSIS.md")
    if os.path.exists(analysis):  # the current notes win over the copy saved with the run
        with open(analysis) as f:
            res["analysis"] = f.read()
    write_results_md(os.path.join(here, "RESULTS.md"), render(res))
    print(summary_table(res))
