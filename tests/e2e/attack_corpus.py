"""The read-only SQL sandbox's attacks and what a refusal must look like.

  load_corpus()        the entries of tests/e2e/attacks/read_only_sql.txt
                       (format documented at the top of that file)
  render(sql, values)  an entry's SQL with its {placeholders} filled in
  Sandbox(spark, ...)  the victim schema / table and the canary files the
                       placeholders point at, made and checked with pyspark
                       and the file system (the Spark test bed runs on this
                       machine)
  refusal_problems()   what is wrong with a response as a refusal: not 403 with
                       DreamFactory's envelope, a message not naming what was
                       refused or echoing internal SQL, a canary or a
                       reflective call's result in it
  AttackGenerator      random writes / reflective calls wrapped in CTEs,
                       subqueries, literals, identifiers and comments that
                       print newlines, "==" and plan headers
"""
import base64
import dataclasses
import getpass
import os
import pathlib
import random
import re
import shutil
import tempfile
import uuid

from security_helpers import assert_error

CORPUS = pathlib.Path(__file__).resolve().parent / "attacks" / "read_only_sql.txt"

# What a 403's message must say for each kind of refusal (lower case; any one word).
KIND_WORDS = {
    "statement": ("single query", "operation"),
    "function": ("reflect", "java_method"),
    "file": ("file", "path", "table-valued function"),
    "header": ("header",),
    "relation": (),  # may instead be a 404 TABLE_OR_VIEW_NOT_FOUND: read as a table name
}

# Text of lakegate's own statements around the caller's SQL: never in a response
# (unless the caller wrote it).
INTERNAL_SQL = ("EXPLAIN", "SELECT * FROM (", "== SQL ==", "Parsed Logical Plan")

PLACEHOLDERS = ("t", "s", "u", "dir", "file", "rel", "parquet", "orc", "json", "delta")

REFLECT_HEX = "499602d2"  # Integer.toHexString(1234567890)
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Attack:
    id: str
    kinds: tuple
    what: str
    sql: str


def load_corpus(path=CORPUS):
    """Lines starting with '#' are comments anywhere (no entry's SQL has a line starting with '#')."""
    entries = []
    for line in pathlib.Path(path).read_text(encoding="utf-8").split("\n"):
        if line.startswith("#"):
            continue
        if line.startswith("=== "):
            parts = [p.strip() for p in line[4:].split("|", 2)]
            assert len(parts) == 3, f"bad header: {line!r}"
            entries.append((parts[0], tuple(k.strip() for k in parts[1].split(",")), parts[2], []))
        elif entries:
            entries[-1][3].append(line)
        else:
            assert not line.strip(), f"text before the first entry: {line!r}"
    attacks = []
    for ident, kinds, what, lines in entries:
        while lines and not lines[-1].strip():
            lines.pop()
        attacks.append(Attack(ident, kinds, what, "\n".join(lines)))
    return attacks


def render(sql, values):
    def substitute(match):
        name = match.group(1)
        assert name in values, f"no value for {{{name}}}"
        return values[name]
    return re.sub(r"\{(" + "|".join(PLACEHOLDERS) + r")\}", substitute, sql)


def unknown_placeholders(sql):
    return [name for name in re.findall(r"\{(\w+)\}", sql) if name not in PLACEHOLDERS]


# ---- what a refusal must look like ---------------------------------------------------------

def leaks(text, sql, canaries):
    """What of the forbidden outputs `text` holds: canaries, reflective results."""
    found = [f"canary {c!r}" for c in canaries if c in text]
    if REFLECT_HEX in text and REFLECT_HEX not in sql:
        found.append("the result of Integer.toHexString")
    user = getpass.getuser()  # the machine user Spark runs as too: System.getProperty("user.name")
    if user not in sql and re.search(r"[\"']" + re.escape(user) + r"\\?[\"']", text):
        found.append(f"the machine user name {user!r} (System.getProperty)")
    if UUID_RE.search(text) and not UUID_RE.search(sql):
        found.append("a UUID (UUID.randomUUID)")
    return found


def internal_sql_in(text, sql):
    return [internal for internal in INTERNAL_SQL if internal in text and internal not in sql]


def refusal_problems(response, kinds, sql, canaries):
    """Everything wrong with `response` as the refusal of `sql`; [] when it is right."""
    problems = []
    if "relation" in kinds and response.status_code == 404:
        # Read as a table's name inside the wrapper (`FROM (\nRESET\n)`): Spark's
        # "not found", and nothing ran.
        error = assert_error(response, 404)
        if (error.get("context") or {}).get("errorClass") != "TABLE_OR_VIEW_NOT_FOUND":
            problems.append(f"a 404 that is not TABLE_OR_VIEW_NOT_FOUND: {response.text[:300]!r}")
    elif response.status_code != 403:
        problems.append(f"status {response.status_code}, not 403: {response.text[:300]!r}")
    else:
        try:
            error = assert_error(response, 403)
        except AssertionError as e:
            return [f"not DreamFactory's error envelope: {e}"]
        message = error["message"]
        lowered = message.lower()
        if "read-only" not in lowered:
            problems.append(f"the message does not say read-only: {message!r}")
        words = [w for kind in kinds for w in KIND_WORDS[kind]]
        if not any(w in lowered for w in words):
            problems.append(f"the message names none of {words}: {message!r}")
        echoed = internal_sql_in(message, sql) + internal_sql_in(response.text, sql)
        if echoed:
            problems.append(f"the response echoes internal SQL {sorted(set(echoed))}: {message!r}")
    leaked = leaks(response.text, sql, canaries)
    if leaked:
        problems.append(f"the response holds {leaked}")
    return problems


# ---- the victim and the canaries ------------------------------------------------------------

def driver_working_directory(testbed_env):
    """Where the Spark driver resolves relative paths (its process's working directory)."""
    pid = testbed_env.get("LAKEGATE_TESTBED_DRIVER_PID")
    if pid and os.path.exists(f"/proc/{pid}/cwd"):
        return os.readlink(f"/proc/{pid}/cwd")
    return testbed_env["LAKEGATE_TESTBED_DIR"]


def local_path(location):
    return re.sub(r"^file:(//)?", "", location)


class Sandbox:
    """A fresh schema with the victim table, canary files and data sets, a scratch directory.

    State is read without Spark where the file system can tell (the victim's
    Delta log, the schema's directory, the scratch directory: fs_state) and
    with pyspark for the catalog (catalog_state)."""

    def __init__(self, spark, testbed_env, prefix="lg_sbx"):
        self.spark = spark
        self.u = uuid.uuid4().hex[:10]
        self.schema = f"{prefix}_{self.u}"
        self.table = f"{self.schema}.victim"
        self.root = tempfile.mkdtemp(prefix="lakegate-sbx-")
        self.out = os.path.join(self.root, "out")  # {dir}s go here: must stay empty
        os.makedirs(self.out)
        self.canary = f"lakegate-canary-{uuid.uuid4().hex}"
        self.file = os.path.join(self.root, "canary.txt")
        with open(self.file, "w") as f:
            f.write(self.canary + "\n")
        self.rel = f"lakegate-sbx-canary-{self.u}.txt"
        self.rel_path = os.path.join(driver_working_directory(testbed_env), self.rel)
        self._dirs = 0
        self.datasets = {}

    def create(self):
        spark = self.spark
        with open(self.rel_path, "w") as f:
            f.write(self.canary + "\n")
        spark.sql(f"CREATE SCHEMA {self.schema}")
        spark.sql(f"CREATE TABLE {self.table} (id INT, v STRING) USING delta")
        spark.sql(f"INSERT INTO {self.table} VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        secret = spark.sql(f"SELECT '{self.canary}' AS secret")
        for fmt in ("parquet", "orc", "json", "delta"):
            path = os.path.join(self.root, f"canary_{fmt}")
            secret.write.format(fmt).save(path)
            self.datasets[fmt] = path
        self.delta_log = os.path.join(local_path(
            spark.sql(f"DESCRIBE DETAIL {self.table}").collect()[0]["location"]), "_delta_log")
        location = [r for r in spark.sql(f"DESCRIBE SCHEMA EXTENDED {self.schema}").collect()
                    if r[0] == "Location"][0][1]
        self.schema_dir = local_path(location)
        assert os.path.isdir(self.delta_log) and os.path.isdir(self.schema_dir)
        # The attacks are real: unguarded Spark reads every canary (this session
        # has spark.sql.runSQLOnFiles on, as Spark's default).
        for source, path in (("text", self.file), ("text", self.rel)):
            assert [r.value for r in spark.sql(f"SELECT * FROM {source}.`{path}`").collect()] == [self.canary]
        for fmt, path in self.datasets.items():
            assert [r.secret for r in spark.sql(f"SELECT secret FROM {fmt}.`{path}`").collect()] == [self.canary]
        return self

    def values(self, dir_name=None):
        self._dirs += 1
        return {"t": self.table, "s": self.schema, "u": self.u, "file": self.file, "rel": self.rel,
                "dir": os.path.join(self.out, dir_name or f"d{self._dirs}"), **self.datasets}

    def canaries(self):
        raw = (self.canary + "\n").encode()
        return [self.canary, base64.b64encode(raw).decode(), base64.b64encode(self.canary.encode()).decode()]

    def fs_state(self):
        """Cheap: the victim's Delta commits, the schema's table directories, the scratch dir."""
        def listing(path):
            return tuple(sorted(os.listdir(path))) if os.path.isdir(path) else ("<missing>",)
        return {"delta log": listing(self.delta_log), "schema directory": listing(self.schema_dir),
                "scratch directory": listing(self.out)}

    def quick_catalog_state(self):
        """What only the catalog shows: tables, views, schemas, functions, the cache."""
        spark = self.spark
        return {
            "tables in schema": sorted(r.tableName for r in spark.sql(f"SHOW TABLES IN {self.schema}").collect()
                                       if not r.isTemporary),
            "global temp views": sorted(r.tableName for r in spark.sql("SHOW TABLES IN global_temp").collect()
                                        if self.u in r.tableName),
            "schemas": sorted(r[0] for r in spark.sql(f"SHOW SCHEMAS LIKE '*{self.u}*'").collect()),
            "functions": sorted(r[0] for r in spark.sql(f"SHOW USER FUNCTIONS FROM {self.schema}").collect()),
            "cached": spark.catalog.isCached(self.table),
        }

    def catalog_state(self):
        """Everything an attack could change, read with pyspark."""
        spark = self.spark
        detail = spark.sql(f"DESCRIBE DETAIL {self.table}").collect()[0]
        return dict(self.quick_catalog_state(), **{
            "rows": sorted(tuple(r) for r in spark.sql(f"SELECT * FROM {self.table}").collect()),
            "columns": [(f.name, f.dataType.simpleString()) for f in spark.table(self.table).schema.fields],
            "delta version": spark.sql(f"DESCRIBE HISTORY {self.table} LIMIT 1").collect()[0].version,
            "properties": dict(detail["properties"] or {}),
            "description": detail["description"],
        })

    def drop(self):
        spark = self.spark
        for sql in (f"UNCACHE TABLE IF EXISTS {self.table}", f"DROP VIEW IF EXISTS global_temp.lg_sbx_gview_{self.u}",
                    f"DROP SCHEMA IF EXISTS lg_sbx_schema_{self.u} CASCADE",
                    f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"):
            try:
                spark.sql(sql).collect()
            except Exception:  # noqa: BLE001 - best effort: an attack may have changed it
                pass
        shutil.rmtree(self.root, ignore_errors=True)
        if os.path.exists(self.rel_path):
            os.remove(self.rel_path)


# ---- random attacks -----------------------------------------------------------------------

HEADERS = ("== Parsed Logical Plan ==", "== Analyzed Logical Plan ==", "== Optimized Logical Plan ==",
           "== Physical Plan ==")
NEWLINES = ("\n", "\\n", "\\u000A", "\\u000D\\u000A", "\\U0000000A", "\\012", "\\u000D")


class AttackGenerator:
    """Random attacks from a fixed seed: case(i) is the same SQL for the same seed and i."""

    def __init__(self, seed):
        self.seed = seed

    def case(self, index):
        rng = random.Random(f"{self.seed}:{index}")
        self.rng, self.header_used, self.names = rng, False, 0
        if rng.random() < 0.5:
            return "write", ("statement",), self.write()
        self.escaped = False
        sql = self.reflective_query()
        kinds = ("function",) + (("header",) if self.header_used else ()) + (("statement",) if self.escaped else ())
        return "reflection", kinds, sql

    # -- tricks --

    def newline(self, raw_ok=True):
        choices = NEWLINES if raw_ok else NEWLINES[1:]
        return self.rng.choice(choices)

    def trick_text(self, raw_ok=True):
        """Text that prints as a newline and "==" (or a whole header) inside a literal."""
        rng = self.rng
        nl = self.newline(raw_ok)
        shape = rng.randrange(5)
        if shape == 0:
            return nl + "== "
        if shape == 1:
            self.header_used = True
            return nl + rng.choice(HEADERS) + nl
        if shape == 2:
            return nl + "+- Project [*]" + nl + "   +- OneRowRelation"
        if shape == 3:
            return "x" + nl + "==" + nl + ")" + nl
        self.header_used = True
        return "".join(nl + h + nl + "x" for h in HEADERS)

    def literal(self):
        rng = self.rng
        shape = rng.randrange(4)
        if shape == 0:
            return "'" + self.trick_text() + "'"
        if shape == 1:
            return '"' + self.trick_text() + '"'
        if shape == 2:  # raw string: only real newlines are newlines
            self.header_used = True
            return "r'" + "\n" + rng.choice(HEADERS) + "\n'"
        return "'a' '" + self.trick_text() + "'"  # adjacent literals concatenate

    def alias(self):
        rng = self.rng
        if rng.random() < 0.4:
            self.names += 1
            return f"c{self.names}"
        self.header_used = True
        self.names += 1
        return f"`a{self.names}" + "\n" + rng.choice(HEADERS + ("==", "+- OneRowRelation")) + "`"

    def comment(self):
        rng = self.rng
        shape = rng.randrange(5)
        if shape == 0:
            return "/*\n" + rng.choice(HEADERS) + "\n*/"
        if shape == 1:
            return "-- " + rng.choice(HEADERS) + "\n"
        if shape == 2:
            return "/* a /* b\n== */ c */"
        if shape == 3:
            return "/* ) AS q; */"
        return "--\n"

    def sprinkle(self, sql):
        return (self.comment() + " " if self.rng.random() < 0.3 else "") + sql + (
            " " + self.comment() if self.rng.random() < 0.3 else "")

    def select_with_tricks(self):
        """A read-only query whose printed plan holds newlines, == and headers."""
        items = [f"{self.literal()} AS {self.alias()}" for _ in range(self.rng.randint(1, 3))]
        return self.sprinkle("SELECT " + ", ".join(items))

    def nested(self, query, depth):
        rng = self.rng
        for _ in range(depth):
            shape = rng.randrange(3)
            self.names += 1
            name = f"n{self.names}"
            if shape == 0:
                query = f"WITH {name} AS ({query}) SELECT * FROM {name}"
            elif shape == 1:
                query = f"SELECT * FROM ({query}) {name}"
            else:
                query = f"SELECT * FROM ({query}) {name} WHERE {self.literal()} IS NOT NULL"
        return query

    # -- writes --

    def write(self):
        rng = self.rng
        ctes = [f"x{i} AS ({self.nested(self.select_with_tricks(), rng.randint(0, 2))})"
                for i in range(rng.randint(1, 2))]
        source = rng.choice([" FROM x0", ""])
        payload = rng.choice([
            f"INSERT INTO {{t}} SELECT 2, 'x'{source}",
            f"INSERT OVERWRITE {{t}} SELECT 9, 'x'{source}",
            f"INSERT INTO {{t}} SELECT 2, {self.literal()}{source}",
            f"MERGE INTO {{t}} d USING (SELECT 1 AS id{source}) s ON d.id = s.id WHEN MATCHED THEN DELETE",
            f"MERGE INTO {{t}} d USING (SELECT 1 AS id{source}) s ON d.id = s.id "
            f"WHEN MATCHED THEN UPDATE SET v = {self.literal()}",
            "DELETE FROM {t} WHERE id = 1",
            f"DELETE FROM {{t}} WHERE v <> {self.literal()}",
            f"UPDATE {{t}} SET v = {self.literal()} WHERE id = 1",
            f"INSERT OVERWRITE DIRECTORY '{{dir}}' USING csv SELECT 1 AS a{source}",
        ])
        sql = "WITH " + ", ".join(ctes) + " " + payload
        shape = rng.randrange(6)
        if shape == 0:  # leave the wrapper first
            sql = rng.choice(["SELECT 1) AS q; ", "SELECT 1\n) AS q;\n"]) + sql
        elif shape == 1:  # swallow what follows
            sql += rng.choice([" --", " /*", "\n--", " /* a /* b */"])
        return self.sprinkle(sql)

    # -- reflective calls --

    def reflective_call(self):
        rng = self.rng
        name = rng.choice(["reflect", "REFLECT", "`reflect`", "Java_Method", "java_method", "try_reflect",
                           "TRY_REFLECT", "IDENTIFIER('java_method')", "IDENTIFIER('refl' || 'ect')",
                           "IDENTIFIER('Try_Reflect')", "IDENTIFIER('`java_method`')"])
        gap = rng.choice(["", " ", "\n", "/* x */", "  "])
        args = rng.choice(["'java.lang.Integer', 'toHexString', 1234567890",
                           "'java.lang.System', 'getProperty', 'user.name'",
                           "'java.util.UUID', 'randomUUID'"])
        return f"{name}{gap}({args})"

    def reflective_query(self):
        rng = self.rng
        call = self.reflective_call()
        extra = ", ".join(f"{self.literal()} AS {self.alias()}" for _ in range(rng.randint(0, 2)))
        extra = extra + ", " if extra else ""
        shape = rng.randrange(9)
        if shape == 0:
            query = f"SELECT {extra}{call} AS r"
        elif shape == 1:
            query = f"SELECT {extra}id FROM range(3) WHERE {call} IS NOT NULL"
        elif shape == 2:
            query = f"SELECT {extra}id FROM range(3) ORDER BY {call}"
        elif shape == 3:
            query = f"SELECT {extra}r FROM range(1) LATERAL VIEW explode(array({call})) t AS r"
        elif shape == 4:
            query = f"SELECT {extra}transform(array(1), x -> {call}) AS r"
        elif shape == 5:
            query = f"SELECT {extra}(SELECT {call}) AS r"
        elif shape == 6:  # past spark.sql.debug.maxToStringFields
            wide = ", ".join(f"{i} AS w{i}" for i in range(rng.randint(26, 40)))
            query = f"SELECT {extra}{wide}, {call} AS r"
        elif shape == 7:
            query = f"SELECT {extra}r FROM {{t}}, LATERAL (SELECT {call} AS r) l"
        else:
            query = f"SELECT {extra}struct({', '.join(f'{i} AS w{i}' for i in range(30))}, {call} AS r) AS s"
        query = self.nested(self.sprinkle(query), rng.randint(0, 3))
        if rng.random() < 0.2:  # leave the wrapper and come back: may be refused as not one query
            self.escaped = True
            query = f"SELECT 1 AS a) AS q, LATERAL ({query}"
        elif rng.random() < 0.2:
            query += " --"
        return query
