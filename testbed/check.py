#!/usr/bin/env python3
"""Readiness probe of the test bed (used by scripts/testbed).

    check.py --connect sc://127.0.0.1:15002 [--thrift-port 10000 ...] [--timeout 60]
             [--driver-pid PID] [--table nyctaxi.trips]

Exits 0 once Spark Connect answers `SELECT 1` (and, if given, the Thrift port
accepts a TCP connection and the table exists); 1 on timeout; 2 if the driver
process died meanwhile.
"""
import argparse
import os
import socket
import sys
import time


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def alive(pid) -> bool:
    if not pid:
        return True
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--connect", required=True)
    ap.add_argument("--thrift-port", type=int, action="append", default=[])
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--driver-pid", type=int)
    ap.add_argument("--table", action="append", default=[])
    args = ap.parse_args()

    deadline = time.monotonic() + args.timeout
    connect_port = int(args.connect.rsplit(":", 1)[1].split("/")[0])
    ports = [connect_port] + args.thrift_port

    # Cheap part first: wait for the listening sockets, so the Connect client's
    # own retry/backoff never hides a dead driver.
    while not all(port_open(p) for p in ports):
        if not alive(args.driver_pid):
            print("check: driver process exited", file=sys.stderr)
            return 2
        if time.monotonic() > deadline:
            print(f"check: ports {ports} not all open after {args.timeout:.0f} s", file=sys.stderr)
            return 1
        time.sleep(0.5)

    from pyspark.sql import SparkSession

    last = None
    while time.monotonic() < deadline:
        if not alive(args.driver_pid):
            print("check: driver process exited", file=sys.stderr)
            return 2
        try:
            # No spark.stop(): it races the client's asynchronous
            # ReleaseExecute and makes the server log an error; the idle
            # session simply times out on the server.
            spark = SparkSession.builder.remote(args.connect).getOrCreate()
            if spark.sql("SELECT 1 AS one").collect()[0].one != 1:
                raise RuntimeError("SELECT 1 returned something else")
            for t in args.table:
                if not spark.catalog.tableExists(t):
                    print(f"check: table {t} is missing", file=sys.stderr)
                    return 3
            return 0
        except Exception as e:  # noqa: BLE001 - any failure means "not yet"
            last = e
            time.sleep(1)
    print(f"check: Spark Connect did not answer SELECT 1: {str(last).splitlines()[0] if last else '?'}",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
