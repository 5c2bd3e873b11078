#!/usr/bin/env python3
"""A stand-in for the seed's df-spark Python bridge (spark_connect.py), used by
the benchmark to price the subprocess-per-request design.

    python seed_bridge.py '<json service config>' '<json query>'

Like the seed, one process per request: pick the protocol from the config,
connect with pyspark's Spark Connect client, run the SQL with its bound
parameters, serialize each value the seed's way (isoformat for dates,
float(Decimal), bytes decoded as UTF-8), print one JSON document on stdout,
close the session and exit. Only the Spark Connect path is implemented (the
SQL Warehouse path of the seed needs databricks-sql-connector). The PHP side
that spawns the seed's bridge (proc_open from Laravel) is not modelled, so
this is a lower bound on the seed's latency.
"""

import json
import sys
from datetime import date, datetime
from decimal import Decimal


def serialize_value(val):
    if isinstance(val, (datetime, date)):
        return val.isoformat()
    if isinstance(val, Decimal):
        return float(val)
    if isinstance(val, (bytes, bytearray)):
        return bytes(val).decode("utf-8", errors="replace")
    return val


def connection_url(config: dict) -> str:
    url = config["workspace_url"]
    if config.get("http_path"):
        raise RuntimeError("SQL Warehouse connections are not part of this bridge")
    if url.startswith("sc://"):
        if config.get("access_token") and ";token=" not in url:
            url += ("/" if url.count("/") == 2 else "") + ";token=" + config["access_token"]
        return url
    host = url.split("://", 1)[-1].rstrip("/")
    params = [f"token={config.get('access_token', '')}", "use_ssl=true"]
    if config.get("cluster_id"):
        params.append(f"x-databricks-cluster-id={config['cluster_id']}")
    return f"sc://{host}:443/;" + ";".join(params)


def main() -> int:
    if len(sys.argv) != 3:
        print(json.dumps({"success": False, "error": "usage: seed_bridge.py CONFIG_JSON QUERY_JSON"}))
        return 2
    config = json.loads(sys.argv[1])
    query = json.loads(sys.argv[2])
    spark = None
    try:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.remote(connection_url(config)).getOrCreate()
        if config.get("catalog"):
            spark.catalog.setCurrentCatalog(config["catalog"])
        if config.get("schema"):
            spark.catalog.setCurrentDatabase(config["schema"])
        params = query.get("params") or None
        rows = spark.sql(query["sql"], args=params).collect()
        data = [{k: serialize_value(v) for k, v in row.asDict().items()} for row in rows]
        print(json.dumps({"success": True, "data": data, "row_count": len(data)}))
        return 0
    except Exception as e:  # the seed reports every failure as JSON
        print(json.dumps({"success": False, "error": str(e)}))
        return 1
    finally:
        if spark is not None:
            try:
                spark.stop()
            except Exception:
                pass


if __name__ == "__main__":
    sys.exit(main())
