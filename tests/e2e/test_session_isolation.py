"""End to end: every `_query` request runs on a Spark session no other request used.

Two apps (API keys) and two users (session JWTs from POST /api/v2/user/session)
hold a `_query` grant with POST (verb_mask 3) and `_table/*` GET on the same
service, on Spark Connect and on the Thrift server (binary and HTTP). One
principal changes its session in every way Spark allows — a temporary view
(also one shadowing the service schema's table `t`), the session time zone,
USE of another schema, a session variable (DECLARE VARIABLE), a temporary SQL
function, spark.sql.ansi.enabled — and no other request sees any of it: not
the other principals' and not the same principal's next request. Interleaved
(one change, then one principal looks) and in parallel (threads, every
principal changing and looking at once). `_table` reads still return
pyspark's rows.
"""
import threading
import uuid

import pytest
import requests

from lakegate_process import register_secret
from oracle import parse_exact, render_table, same_json
from security_helpers import PROTOCOL_SERVICES, start_protocol_services, GET, POST, AdminApi, key_headers, login, session_headers, start_secure, strong_password

PROTOCOLS = PROTOCOL_SERVICES


PRINCIPALS = ("app1", "app2", "user1", "user2")


class Bed:
    pass


@pytest.fixture(scope="module")
def bed(testbed_env, spark):
    missing = [key for key in PROTOCOLS.values() if key not in testbed_env]
    if missing:
        pytest.fail(f"the running test bed predates {missing}: run scripts/testbed start")
    b = Bed()
    b.u = uuid.uuid4().hex[:8]
    b.schema, b.other = f"lg_iso_{b.u}", f"lg_iso_{b.u}_other"
    b.server = None
    try:
        spark.sql(f"CREATE SCHEMA {b.schema}")
        spark.sql(f"CREATE SCHEMA {b.other}")
        spark.sql(f"CREATE TABLE {b.schema}.t (id INT, v STRING) USING parquet")
        spark.sql(f"INSERT INTO {b.schema}.t VALUES (1, 'home one'), (2, 'home two')")
        spark.sql(f"CREATE TABLE {b.other}.t (id INT, v STRING) USING parquet")
        spark.sql(f"INSERT INTO {b.other}.t VALUES (7, 'other schema')")
        b.home_rows = render_table(spark.sql(f"SELECT * FROM {b.schema}.t ORDER BY id").toArrow())
        b.server = start_protocol_services(testbed_env, b.schema)
        admin = AdminApi(b.server)
        role = admin.create_role("sql_user", [row for name in PROTOCOLS for row in (
            {"service": name, "component": "_query", "verb_mask": GET | POST},
            {"service": name, "component": "_table/*", "verb_mask": GET})])
        b.headers = {}
        for name in ("app1", "app2"):
            key = admin.create_app(f"iso_{name}_{b.u}", role)[1]
            register_secret(key)
            b.headers[name] = key_headers(key)
        for name in ("user1", "user2"):
            email, password = f"{name}.{b.u}@isolation.lakegate.test", strong_password()
            register_secret(password)
            admin.create_user(email, password, role_id=role)
            token = login(b.server, email, password)["session_token"]
            register_secret(token)
            b.headers[name] = session_headers(token)
        yield b
    finally:
        if b.server is not None:
            b.server.stop()
        for schema in (b.schema, b.other):
            spark.sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def query(bed, protocol, who, sql):
    return requests.post(f"{bed.server.url}/api/v2/{protocol}/_query", json={"sql": sql},
                         headers=bed.headers[who], timeout=120)


def rows_of(response, what):
    assert response.status_code == 200, f"{what}: {response.status_code} {response.text[:500]}"
    return parse_exact(response.text)["resource"]


def defaults(bed, protocol):
    """What a fresh session says, read through lakegate before anything changed."""
    state = rows_of(query(bed, protocol, "app2", "SELECT current_timezone() AS tz"), "fresh session state")
    ansi = rows_of(query(bed, protocol, "app2", "SET spark.sql.ansi.enabled"), "SET spark.sql.ansi.enabled")
    assert ansi[0]["value"] in ("true", "false"), ansi
    return {"tz": state[0]["tz"], "ansi": ansi[0]["value"]}


class Changes:
    """The session changes of one principal, with names of its own."""

    def __init__(self, bed, tag, baseline):
        self.view = f"lg_iso_view_{tag}_{bed.u}"
        self.variable = f"lg_iso_var_{tag}_{bed.u}"
        self.function = f"lg_iso_fn_{tag}_{bed.u}"
        self.tz = "America/Los_Angeles" if baseline["tz"] != "America/Los_Angeles" else "Asia/Kathmandu"
        self.ansi = "false" if baseline["ansi"] == "true" else "true"
        self.statements = [
            f"CREATE OR REPLACE TEMP VIEW {self.view} AS SELECT 42 AS hijacked",
            "CREATE OR REPLACE TEMPORARY VIEW t AS SELECT 42 AS hijacked",  # shadows the schema's table
            f"SET spark.sql.session.timeZone={self.tz}",
            f"USE {bed.other}",
            f"DECLARE VARIABLE {self.variable} INT DEFAULT 7",
            f"CREATE TEMPORARY FUNCTION {self.function}() RETURNS INT RETURN 42",
            f"SET spark.sql.ansi.enabled={self.ansi}",
        ]


def apply(bed, protocol, who, statement):
    response = query(bed, protocol, who, statement)
    assert response.status_code == 200, f"{who}: {statement}: {response.status_code} {response.text[:500]}"


def look(bed, protocol, who, baseline, changes, table_path="t"):
    """Problems `who` sees in a fresh request: any of `changes` (Changes objects)."""
    problems = []

    def expect_unknown(sql, name):
        response = query(bed, protocol, who, sql)
        if response.status_code not in (400, 404):
            problems.append(f"{sql!r} answered {response.status_code}: {response.text[:200]}")
            return
        error = response.json().get("error", {})
        if error.get("code") != response.status_code or name.lower() not in error.get("message", "").lower():
            problems.append(f"{sql!r}: not a not-found error naming {name}: {response.text[:300]}")

    problems += look_at_state(bed, protocol, who, baseline)
    for change in changes:
        expect_unknown(f"SELECT * FROM {change.view}", change.view)
        expect_unknown(f"SELECT {change.variable} AS v", change.variable)
        expect_unknown(f"SELECT {change.function}() AS f", change.function)
    problems += look_at_table(bed, protocol, who, table_path)
    return [f"{who} on {protocol}: {p}" for p in problems]


def look_at_state(bed, protocol, who, baseline):
    """The time zone, current schema, what unqualified `t` is, spark.sql.ansi.enabled."""
    problems = []
    state = query(bed, protocol, who, "SELECT current_timezone() AS tz, current_database() AS db")
    if state.status_code != 200:
        problems.append(f"state query: {state.status_code} {state.text[:300]}")
    elif parse_exact(state.text)["resource"] != [{"tz": baseline["tz"], "db": bed.schema}]:
        problems.append(f"time zone / schema {state.text[:200]}, not {(baseline['tz'], bed.schema)}")
    table = query(bed, protocol, who, "SELECT * FROM t ORDER BY id")
    if table.status_code != 200:
        problems.append(f"unqualified t: {table.status_code} {table.text[:300]}")
    elif parse_exact(table.text)["resource"] != bed.home_rows:
        problems.append(f"unqualified t read {table.text[:200]}, not {bed.schema}.t's {bed.home_rows}")
    ansi = query(bed, protocol, who, "SET spark.sql.ansi.enabled")
    if ansi.status_code != 200 or parse_exact(ansi.text)["resource"][0]["value"] != baseline["ansi"]:
        problems.append(f"spark.sql.ansi.enabled: {ansi.text[:200]} (default {baseline['ansi']})")
    return problems


def look_at_table(bed, protocol, who, path):
    response = requests.get(f"{bed.server.url}/api/v2/{protocol}/_table/{path}", params={"order": "id"},
                            headers=bed.headers[who], timeout=120)
    if response.status_code != 200:
        return [f"_table/{path}: {response.status_code} {response.text[:300]}"]
    try:
        same_json(bed.home_rows, parse_exact(response.text)["resource"])
    except AssertionError as e:
        return [f"_table/{path}: {e}"]
    return []


def look_at_one_change(bed, protocol, who, baseline, changes, index):
    """Right after statement `index` of `changes`: what that statement changed."""
    statement = changes.statements[index]
    if " VIEW t " in statement or "timeZone" in statement or "USE " in statement or "ansi" in statement:
        problems = look_at_state(bed, protocol, who, baseline)
    else:
        name = next(n for n in (changes.view, changes.variable, changes.function) if n in statement)
        sql = {changes.view: f"SELECT * FROM {name}", changes.variable: f"SELECT {name} AS v",
               changes.function: f"SELECT {name}() AS f"}[name]
        response = query(bed, protocol, who, sql)
        problems = [] if response.status_code in (400, 404) and name in response.text else [
            f"{sql!r} answered {response.status_code}: {response.text[:200]}"]
    return [f"{who} on {protocol} after {statement!r}: {p}" for p in problems]


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_interleaved_changes_stay_in_their_request(bed, protocol):
    baseline = defaults(bed, protocol)
    changes = Changes(bed, "seq", baseline)
    problems = []
    for index, statement in enumerate(changes.statements):
        apply(bed, protocol, "app1", statement)
        # Every principal in turn, the one that made the change included.
        problems += look_at_one_change(bed, protocol, PRINCIPALS[index % len(PRINCIPALS)], baseline, changes, index)
    for index, who in enumerate(PRINCIPALS):
        problems += look(bed, protocol, who, baseline, [changes], ("t", f"{bed.schema}.t")[index % 2])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_parallel_changes_stay_in_their_request(bed, protocol):
    baseline = defaults(bed, protocol)
    everyone = {who: Changes(bed, f"par{index}", baseline) for index, who in enumerate(PRINCIPALS)}
    problems, errors = [], []
    changed = threading.Barrier(len(PRINCIPALS))

    def principal(index, who):
        try:
            for statement in everyone[who].statements:
                apply(bed, protocol, who, statement)
            changed.wait(timeout=180)
            # Its own later requests, and the next principal's changes, while the others look too.
            other = everyone[PRINCIPALS[(index + 1) % len(PRINCIPALS)]]
            problems.extend(look(bed, protocol, who, baseline, [everyone[who], other],
                                 ("t", f"{bed.schema}.t")[index % 2]))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(f"{who}: {e!r}")

    threads = [threading.Thread(target=principal, args=(index, who)) for index, who in enumerate(PRINCIPALS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a principal's requests did not finish"
    assert not errors, "\n".join(errors)
    assert not problems, "\n".join(problems)
