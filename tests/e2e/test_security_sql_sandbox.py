"""End to end: the read-only SQL sandbox of `_query` under a GET-only grant.

A role with `_query` GET only (verb_mask 1) may run read-only SQL. Every entry
of the attack corpus (tests/e2e/attacks/read_only_sql.txt: writes hidden
behind literals / identifiers / comments printing newlines, "==" and plan
headers; DDL, caching and session statements; escapes from a subquery wrapper;
reflection in every spelling and position; files of the Spark host read by
path; script transforms) and a few hundred generated attacks must be refused
with 403 and DreamFactory's error envelope, with a message that names what was
refused and echoes none of lakegate's own SQL, on Spark Connect and on the
Thrift server (binary and HTTP). Nothing may change or leak: pyspark and the
file system (the test bed runs on this machine) check the victim table's
Delta log and rows, the tables, views, functions and cache of the catalog,
that no scratch directory appears, and no response holds a canary file's
text or a reflective call's result.

Legitimate read-only SQL still runs under the grant with pyspark's rows, and
a syntax or analysis error neither echoes lakegate's own SQL nor reports a
position other than the one in the caller's text.

The generator's seed: LAKEGATE_SANDBOX_SEED (default below), printed with
every failure; LAKEGATE_SANDBOX_CASES sets the number of cases per protocol;
LAKEGATE_SANDBOX_PROTOCOLS (comma separated; default all three) the protocols.
"""
import os
import re
import time

import pytest
import requests

from attack_corpus import (INTERNAL_SQL, KIND_WORDS, AttackGenerator, Sandbox, load_corpus, refusal_problems,
                           render, unknown_placeholders)
from lakegate_process import register_secret
from oracle import parse_exact, render_table, same_json
from security_helpers import PROTOCOL_SERVICES, start_protocol_services, GET, AdminApi, key_headers, start_secure

PROTOCOLS = PROTOCOL_SERVICES
# LAKEGATE_SANDBOX_PROTOCOLS=connect,thrift_binary narrows the corpus, legit and error tests.
# The warehouse front runs the same Thrift HTTP code as thrift_http: a sample of the
# corpus goes through it (test_attack_through_the_warehouse_front_is_refused).
DIRECT_PROTOCOLS = ("connect", "thrift_binary", "thrift_http")
CORPUS_PROTOCOLS = tuple(os.environ.get("LAKEGATE_SANDBOX_PROTOCOLS", ",".join(DIRECT_PROTOCOLS)).split(","))
assert set(CORPUS_PROTOCOLS) <= set(PROTOCOLS), CORPUS_PROTOCOLS
GENERATOR_PROTOCOLS = tuple(p for p in ("connect", "thrift_binary") if p in CORPUS_PROTOCOLS)
SEED = int(os.environ.get("LAKEGATE_SANDBOX_SEED", "20261203"))
CASES = int(os.environ.get("LAKEGATE_SANDBOX_CASES", "150"))

ATTACKS = load_corpus()



class Bed:
    pass


@pytest.fixture(scope="module")
def bed(testbed_env, spark):
    missing = [key for key in PROTOCOLS.values() if key not in testbed_env]
    if missing:
        pytest.fail(f"the running test bed predates {missing}: run scripts/testbed start")
    b = Bed()
    b.box = Sandbox(spark, testbed_env)
    b.server = None
    try:
        b.box.create()
        b.server = start_protocol_services(testbed_env, b.box.schema)
        admin = AdminApi(b.server)
        reader = admin.create_role("sandboxed_reader", [
            {"service": name, "component": "_query", "verb_mask": GET} for name in PROTOCOLS])
        b.key = admin.create_app("sandboxed_app", reader)[1]
        register_secret(b.key)
        b.initial_catalog = b.box.catalog_state()
        b.known_quick = b.box.quick_catalog_state()
        yield b
    finally:
        if b.server is not None:
            b.server.stop()
        b.box.drop()


def query(bed, protocol, sql, params=None):
    body = {"sql": sql}
    if params is not None:
        body["params"] = params
    return requests.post(f"{bed.server.url}/api/v2/{protocol}/_query", json=body,
                         headers=key_headers(bed.key), timeout=120)


# Statements whose effect only the catalog shows (the file system shows the rest).
CATALOG_WORDS = re.compile(r"\b(CREATE|CACHE|UNCACHE|CLEAR|VIEW|FUNCTION|SCHEMA|RENAME|CLONE)\b", re.IGNORECASE)


def changes(before, after):
    return {key: (before[key], after[key]) for key in before if before[key] != after[key]}


def run_attack(bed, protocol, kinds, template, dir_name):
    """Sends one attack; returns every problem found (empty: refused and nothing changed)."""
    values = bed.box.values(dir_name)
    sql = render(template, values)
    before = bed.box.fs_state()
    response = query(bed, protocol, sql)
    problems = refusal_problems(response, kinds, sql, bed.box.canaries())
    changed = changes(before, bed.box.fs_state())
    if changed:
        problems.append(f"the file system changed: {changed}")
    if os.path.exists(values["dir"]):
        problems.append(f"{values['dir']} was created")
    if CATALOG_WORDS.search(template):
        quick = bed.box.quick_catalog_state()
        changed = changes(bed.known_quick, quick)
        bed.known_quick = quick
        if changed:
            problems.append(f"the catalog changed: {changed}")
    return sql, problems


def test_corpus_is_well_formed():
    ids = [attack.id for attack in ATTACKS]
    assert len(ids) >= 150 and len(set(ids)) == len(ids)
    for attack in ATTACKS:
        assert re.fullmatch(r"[a-z0-9-]+", attack.id), attack.id
        assert attack.sql.strip() and attack.what, attack
        assert set(attack.kinds) <= set(KIND_WORDS), attack
        assert not unknown_placeholders(attack.sql), attack
    kinds = {kind for attack in ATTACKS for kind in attack.kinds}
    assert kinds == set(KIND_WORDS)


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.id for attack in ATTACKS])
@pytest.mark.parametrize("protocol", CORPUS_PROTOCOLS)
def test_attack_is_refused_and_changes_nothing(bed, protocol, attack):
    sql, problems = run_attack(bed, protocol, attack.kinds, attack.sql, f"{protocol}-{attack.id}")
    assert not problems, f"{attack.id} ({attack.what}) on {protocol}:\n  " + "\n  ".join(problems) + \
        f"\nSQL sent:\n{sql}"


@pytest.mark.parametrize("attack", ATTACKS[::4], ids=[attack.id for attack in ATTACKS[::4]])
def test_attack_through_the_warehouse_front_is_refused(bed, attack):
    sql, problems = run_attack(bed, "warehouse", attack.kinds, attack.sql, f"warehouse-{attack.id}")
    assert not problems, f"{attack.id} ({attack.what}) through the front:\n  " + "\n  ".join(problems) + \
        f"\nSQL sent:\n{sql}"


@pytest.mark.parametrize("protocol", GENERATOR_PROTOCOLS)
def test_generated_attacks_are_refused_and_change_nothing(bed, protocol):
    generator = AttackGenerator(SEED)
    failures = []
    started = time.time()
    for index in range(CASES):
        kind, kinds, template = generator.case(index)
        sql, problems = run_attack(bed, protocol, kinds, template, f"gen-{protocol}-{index}")
        if problems:
            failures.append(f"case {index} ({kind}): {'; '.join(problems)}\n    SQL: {sql!r}")
    elapsed = time.time() - started
    assert not failures, (f"seed {SEED} (LAKEGATE_SANDBOX_SEED), {len(failures)} of {CASES} generated attacks "
                          f"on {protocol} were not refused cleanly ({elapsed:.0f} s):\n" + "\n".join(failures[:25]))


def test_nothing_changed_after_every_attack(bed):
    """After the corpus and the generator ran (on every protocol): the whole catalog state is the initial one."""
    final = bed.box.catalog_state()
    assert changes(bed.initial_catalog, final) == {}
    assert os.listdir(bed.box.out) == []


# ---- legitimate read-only SQL still runs --------------------------------------------------

LEGIT = [
    ("cte", "WITH x AS (SELECT id, v FROM {t} WHERE id > 1) SELECT * FROM x ORDER BY id", None),
    ("cte-two", "WITH a AS (SELECT id FROM {t}), b AS (SELECT id * 10 AS id FROM a) "
                "SELECT a.id, b.id AS tens FROM a JOIN b ON b.id = a.id * 10 ORDER BY a.id", None),
    ("window", "SELECT id, v, row_number() OVER (ORDER BY id DESC) AS rn, sum(id) OVER () AS total, "
               "lag(v) OVER (ORDER BY id) AS previous FROM {t} ORDER BY id", None),
    ("join", "SELECT a.id, b.v FROM {t} a JOIN {t} b ON a.id = b.id + 1 ORDER BY a.id", None),
    ("left-join", "SELECT a.id, b.id AS other FROM {t} a LEFT JOIN {t} b ON b.id = a.id * 2 ORDER BY a.id", None),
    ("subqueries", "SELECT id, (SELECT max(id) FROM {t}) AS top FROM {t} o "
                   "WHERE id IN (SELECT min(id) FROM {t}) OR EXISTS (SELECT 1 FROM {t} i WHERE i.id = 3 AND "
                   "i.id = o.id) ORDER BY id", None),
    ("set-operations", "(SELECT id FROM {t} UNION ALL SELECT 7 UNION SELECT 8) EXCEPT SELECT 2 "
                       "INTERSECT SELECT 2 ORDER BY id DESC", None),
    ("values", "VALUES (1, 'a'), (2, 'b'), (3, NULL)", None),
    ("values-alias", "SELECT * FROM VALUES (1, 'x'), (2, 'y') AS v(n, s) ORDER BY n DESC", None),
    ("range", "SELECT id, id * id AS square FROM range(0, 20, 3) ORDER BY id DESC", None),
    ("order-by-limit", "SELECT id, v FROM {t} ORDER BY id DESC LIMIT 2", None),
    ("order-by-limit-large", "SELECT id, id % 7 AS r FROM range(0, 3000, 1, 4) ORDER BY id % 7, id DESC LIMIT 500",
     None),
    ("order-by-no-limit", "SELECT id FROM range(0, 2000, 1, 4) ORDER BY id DESC", None),
    ("offset", "SELECT id FROM range(10) ORDER BY id LIMIT 3 OFFSET 4", None),
    ("trailing-line-comment", "SELECT id, v FROM {t} ORDER BY id -- the last line is a comment", None),
    ("trailing-semicolon", "SELECT id FROM {t} ORDER BY id;", None),
    ("trailing-semicolons-and-space", "SELECT id FROM {t} ORDER BY id ;  \n", None),
    ("leading-comments", "-- a comment\n/* and /* a nested */ one */ SELECT id FROM {t} ORDER BY id", None),
    ("positional-parameters", "SELECT id, v FROM {t} WHERE id >= ? AND v <> ? ORDER BY id", [2, "z"]),
    ("named-parameters", "SELECT id, :label AS label FROM {t} WHERE id = :wanted OR v = :letter ORDER BY id",
     {"wanted": 1, "letter": "c", "label": "x\n== y"}),
    ("literal-newline-equals", "SELECT 'line one\n== line two ==' AS note, id FROM {t} ORDER BY id", None),
    ("literal-escaped-newline-equals", "SELECT 'a\\n== b\\u000A==' AS note, '\\n) AS q' AS paren", None),
    ("alias-with-newline", "SELECT id AS `first\nsecond`, v AS `==` FROM {t} ORDER BY id", None),
    ("table-statement", "TABLE {t}", None),
    ("from-first", "FROM {t} SELECT id, v ORDER BY id", None),
    ("time-travel", "SELECT * FROM {t} VERSION AS OF 1 ORDER BY id", None),
    ("higher-order", "SELECT transform(array(1, 2, 3), x -> x * id) AS xs FROM {t} ORDER BY id", None),
    ("lateral-view", "SELECT id, e FROM {t} LATERAL VIEW explode(array(id, id + 10)) t AS e ORDER BY id, e", None),
    ("pivot", "SELECT * FROM (SELECT id % 2 AS parity, v FROM {t}) PIVOT (count(v) FOR parity IN (0, 1))", None),
    ("wide", "SELECT " + ", ".join(f"{i} AS c{i}" for i in range(30)) + ", 'end' AS last", None),
]


ORACLE = {}


@pytest.mark.parametrize("name,sql,params", LEGIT, ids=[name for name, _, _ in LEGIT])
@pytest.mark.parametrize("protocol", CORPUS_PROTOCOLS)
def test_read_only_sql_still_runs(bed, spark, protocol, name, sql, params):
    sql = sql.replace("{t}", bed.box.table)
    response = query(bed, protocol, sql, params)
    assert response.status_code == 200, f"{name} on {protocol}: {response.text[:500]}"
    body = parse_exact(response.text)
    assert set(body) == {"resource", "row_count"} and body["row_count"] == len(body["resource"])
    key = (sql, repr(params))
    if key not in ORACLE:  # the same for every protocol
        ORACLE[key] = render_table(spark.sql(sql, args=params).toArrow())
    expected = ORACLE[key]
    assert expected, "the oracle returned no rows: the query proves nothing"
    same_json(expected, body["resource"])


# ---- errors do not echo lakegate's own SQL (finding 5) ----------------------------------

POSITION = re.compile(r"line (\d+),? pos(?:ition)? (\d+)")
# What the position points at, as Spark names it.
TOKEN = re.compile(r"at or near '([^']+)'|name `([^`]+)`|The table or view `([^`]+)`")


def spark_error(spark, sql):
    """Spark's own error for the caller's text (the case is only valid if there is one)."""
    try:
        spark.sql(sql).collect()
    except Exception as e:  # noqa: BLE001 - pyspark raises its own exception classes
        return str(e).split("JVM stacktrace")[0]
    raise AssertionError(f"pyspark ran {sql!r} without an error: not an error case")


ERRORS = [
    ("syntax-one-line", "SELECT id FROM {t} WHERE id = = 1", (403, 400)),
    ("syntax-end-of-input", "SELECT 1 +", (403, 400)),
    ("syntax-misspelt", "SELEC id FROM {t}", (403, 400)),
    ("syntax-third-line", "SELECT id,\n       v\nFROM {t} WHERE id = = 1\nORDER BY id", (403, 400)),
    ("syntax-after-newline-literal", "SELECT '\n== ',\n  ,id FROM {t}", (403, 400)),
    ("syntax-unclosed-literal", "SELECT 'abc FROM {t}", (403, 400)),
    ("syntax-unclosed-comment", "SELECT id FROM {t} /* never closed", (403, 400)),
    ("unknown-column", "SELECT id,\n  nope FROM {t}", (400,)),
    ("unknown-table", "SELECT * FROM {s}.no_such_table_here", (404, 400)),
    ("bad-cast", "SELECT CAST('x' AS INT) AS n", (400,)),
]


@pytest.mark.parametrize("name,sql,statuses", ERRORS, ids=[name for name, _, _ in ERRORS])
@pytest.mark.parametrize("protocol", CORPUS_PROTOCOLS)
def test_errors_do_not_echo_internal_sql(bed, spark, protocol, name, sql, statuses):
    sql = sql.replace("{t}", bed.box.table).replace("{s}", bed.box.schema)
    spark_error(spark, sql)
    response = query(bed, protocol, sql)
    assert response.status_code in statuses, f"{name} on {protocol}: {response.status_code} {response.text[:500]}"
    error = response.json()["error"]
    assert error["code"] == response.status_code and error["message"], error
    message = error["message"]
    echoed = [s for s in INTERNAL_SQL if s in response.text and s not in sql]
    assert not echoed, f"the response echoes {echoed}: {message!r}"
    assert "AS q" not in message or "AS q" in sql, message
    # A position, if reported, is one in the caller's text, at what the message names.
    lines = sql.split("\n")
    for line, pos in POSITION.findall(message):
        line, pos = int(line), int(pos)
        assert 1 <= line <= len(lines) and 0 <= pos <= len(lines[line - 1]), \
            f"line {line}, pos {pos} is outside the caller's text ({len(lines)} lines): {message!r}"
        named = TOKEN.search(message)
        token = next(t for t in named.groups() if t) if named else None
        if token:
            at = lines[line - 1][pos:].lower()
            assert at.startswith(token.lower()) or at.startswith(token.split(".")[-1].lower()), \
                f"line {line}, pos {pos} points at {at[:20]!r}, not at {token!r}: {message!r}"
