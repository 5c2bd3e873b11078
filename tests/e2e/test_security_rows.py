"""End to end: row filters and column rules of roles (role_service_access
filters, filter_op, hidden_fields, read_only_fields), with pyspark as the oracle.

Reads use spark_catalog.retail.customers (500 rows over 12 countries):
  alice  country = {user.country} with country=DE (a custom lookup on her user)
  bob    the same role, country=JP
  gina   a literal filter: loyalty_tier = 'gold' OR country = 'JP'
  quinn  alice's role plus a _query grant (raw SQL must still be refused)
email and phone are hidden from alice's role. Writes go to a scratch Delta
table (created and dropped here) owned row by row: owner = {user.email}, the
column `approved` read-only.
"""
import uuid

import pytest
import requests

from oracle import parse_exact
from security_helpers import (ALL_VERBS, GET, POST, AdminApi, assert_error, login, session_headers,
                              start_secure, strong_password)

CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: retail, timeout: 120}}
"""

HIDDEN = {"email", "phone"}
CUSTOMER_COLUMNS = ["id", "name", "email", "country", "city", "signup_date", "loyalty_tier", "phone"]


class Bed:
    pass


@pytest.fixture(scope="module")
def bed(testbed_env, spark):
    b = Bed()
    b.scratch = f"default.sec_rows_{uuid.uuid4().hex[:8]}"
    b.server = start_secure(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    try:
        admin = b.admin = AdminApi(b.server)
        country_rows = [
            {"service": "spark", "component": "_table/retail.customers", "verb_mask": GET,
             "filters": [{"name": "country", "operator": "=", "value": "{user.country}"}],
             "hidden_fields": sorted(HIDDEN)},
            {"service": "spark", "component": "_schema/*", "verb_mask": GET},
            {"service": "spark", "component": "_spec", "verb_mask": GET},
        ]
        country_reader = admin.create_role("country_reader", country_rows)
        gold_or_jp = admin.create_role("gold_or_jp", [
            {"service": "spark", "component": "_table/customers", "verb_mask": GET, "filter_op": "OR",
             "filters": [{"name": "loyalty_tier", "operator": "=", "value": "gold"},
                         {"name": "country", "operator": "=", "value": "JP"}]}])
        sql_restricted = admin.create_role("sql_restricted", country_rows + [
            {"service": "spark", "component": "_query", "verb_mask": GET | POST}])
        owner = admin.create_role("owner", [
            {"service": "spark", "component": f"_table/{b.scratch}", "verb_mask": ALL_VERBS,
             "filters": [{"name": "owner", "operator": "=", "value": "{user.email}"}],
             "read_only_fields": ["approved"]}])

        b.tokens, b.emails = {}, {}
        for name, role, lookups in (("alice", country_reader, {"country": "DE"}),
                                    ("bob", country_reader, {"country": "JP"}),
                                    ("gina", gold_or_jp, None),
                                    ("quinn", sql_restricted, {"country": "FR"}),
                                    ("wally", owner, None),
                                    ("wendy", owner, None)):
            email, password = f"{name}@rows.lakegate.test", strong_password()
            admin.create_user(email, password, role_id=role, lookups=lookups)
            b.tokens[name] = login(b.server, email, password)["session_token"]
            b.emails[name] = email

        spark.sql(f"CREATE TABLE {b.scratch} (id INT, owner STRING, amount INT, note STRING, "
                  "approved BOOLEAN) USING delta")
        values = ", ".join(
            f"({i}, '{b.emails['wally' if i <= 4 else 'wendy']}', {i * 10}, 'n{i}', false)" for i in range(1, 9))
        spark.sql(f"INSERT INTO {b.scratch} VALUES {values}")
        yield b
    finally:
        spark.sql(f"DROP TABLE IF EXISTS {b.scratch}")
        b.server.stop()


WHERE = {"alice": "country = 'DE'", "bob": "country = 'JP'", "gina": "(loyalty_tier = 'gold' OR country = 'JP')",
         "quinn": "country = 'FR'"}


def get(bed, who, path, **params):
    return requests.get(f"{bed.server.url}/api/v2/spark/{path}", params=params,
                        headers=session_headers(bed.tokens[who]), timeout=120)


def body(response):
    assert response.status_code == 200, response.text
    return parse_exact(response.text)


def ids_of(spark, sql):
    return [r[0] for r in spark.sql(sql).collect()]


def call(bed, who, method, path="", json_body=None, **params):
    return requests.request(method, f"{bed.server.url}/api/v2/spark/_table/{bed.scratch}{path}",
                            params=params, json=json_body, headers=session_headers(bed.tokens[who]), timeout=120)


def scratch_rows(spark, bed):
    return {r.id: r.asDict() for r in spark.sql(f"SELECT * FROM {bed.scratch}").collect()}


# ---- reads -------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["alice", "bob", "gina", "quinn"])
def test_each_user_sees_exactly_their_rows(bed, spark, who):
    page = body(get(bed, who, "_table/customers", order="id", limit=1000))
    expected = ids_of(spark, f"SELECT id FROM retail.customers WHERE {WHERE[who]} ORDER BY id")
    assert expected, "the oracle must have rows for this user"
    assert [r["id"] for r in page["resource"]] == expected
    hidden = HIDDEN if who != "gina" else set()
    for record in page["resource"]:
        assert set(record) == set(CUSTOMER_COLUMNS) - hidden


def test_client_filter_is_anded_with_the_row_filter(bed, spark):
    for client_filter, where in (("loyalty_tier = 'gold'", "loyalty_tier = 'gold'"),
                                 ("country = 'US' OR id > 0", "(country = 'US' OR id > 0)"),
                                 ("(country = 'US') OR (country = 'JP') OR (country = 'DE')", "true"),
                                 ("country != 'DE'", "country != 'DE'")):
        actual = [r["id"] for r in body(get(bed, "alice", "_table/customers", filter=client_filter,
                                            order="id", limit=1000))["resource"]]
        expected = ids_of(spark, f"SELECT id FROM retail.customers WHERE country = 'DE' AND {where} ORDER BY id")
        assert actual == expected, client_filter


def test_fields_and_order(bed, spark):
    actual = body(get(bed, "bob", "_table/customers", fields="id,name", order="name desc, id",
                      limit=1000))["resource"]
    expected = [{"id": r.id, "name": r.name} for r in spark.sql(
        "SELECT id, name FROM retail.customers WHERE country = 'JP' ORDER BY name DESC, id").collect()]
    assert actual == expected


def test_group_and_aggregate(bed, spark):
    actual = body(get(bed, "alice", "_table/customers", fields="loyalty_tier,COUNT(*)", group="loyalty_tier",
                      order="loyalty_tier"))["resource"]
    expected = [{"loyalty_tier": r[0], "COUNT_ALL": r[1]} for r in spark.sql(
        "SELECT loyalty_tier, count(*) FROM retail.customers WHERE country = 'DE' "
        "GROUP BY loyalty_tier ORDER BY loyalty_tier").collect()]
    assert actual == expected
    grouped = body(get(bed, "alice", "_table/customers", fields="country", group="country"))["resource"]
    assert grouped == [{"country": "DE"}]


def test_ids_and_get_by_id(bed, spark):
    mine = ids_of(spark, "SELECT id FROM retail.customers WHERE country = 'DE' ORDER BY id LIMIT 3")
    others = ids_of(spark, "SELECT id FROM retail.customers WHERE country != 'DE' ORDER BY id LIMIT 3")
    listed = body(get(bed, "alice", "_table/customers", ids=",".join(map(str, mine + others)), order="id"))
    assert [r["id"] for r in listed["resource"]] == mine
    assert body(get(bed, "alice", f"_table/customers/{mine[0]}"))["id"] == mine[0]
    assert_error(get(bed, "alice", f"_table/customers/{others[0]}"), 404)


def test_include_count_and_count_only(bed, spark):
    total = spark.sql("SELECT count(*) FROM retail.customers WHERE country = 'JP'").collect()[0][0]
    page = body(get(bed, "bob", "_table/customers", include_count="true", limit=2))
    assert page["meta"]["count"] == total and len(page["resource"]) == 2
    only = get(bed, "bob", "_table/customers", count_only="true")
    assert only.status_code == 200 and only.text.strip() == str(total)
    gold = spark.sql("SELECT count(*) FROM retail.customers WHERE country = 'JP' AND loyalty_tier = 'gold'"
                     ).collect()[0][0]
    only = get(bed, "bob", "_table/customers", count_only="true", filter="loyalty_tier = 'gold'")
    assert only.text.strip() == str(gold)


def test_time_travel_keeps_the_row_filter(bed, spark):
    expected = ids_of(spark, "SELECT id FROM retail.customers VERSION AS OF 0 WHERE country = 'DE' ORDER BY id")
    page = body(get(bed, "alice", "_table/customers", as_of_version=0, order="id", limit=1000))
    assert [r["id"] for r in page["resource"]] == expected
    assert all(set(r) == set(CUSTOMER_COLUMNS) - HIDDEN for r in page["resource"])


def test_cursor_paging_keeps_the_row_filter(bed, spark):
    expected = ids_of(spark, "SELECT id FROM retail.customers WHERE country = 'DE' ORDER BY id")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"order": "id", "limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = body(get(bed, "alice", "_table/customers", **params))
        seen += [r["id"] for r in page["resource"]]
        pages += 1
        cursor = page["meta"].get("next_cursor")
        if not cursor:
            break
        assert pages < 20
    assert seen == expected and pages >= 3


def test_hidden_columns_cannot_be_used(bed):
    for params in ({"filter": "email LIKE '%example.com'"}, {"filter": "phone IS NULL"}, {"order": "phone"},
                   {"fields": "id,email"}, {"fields": "email"}, {"group": "phone", "fields": "phone"},
                   {"fields": "MAX(email)", "group": "country"}):
        response = get(bed, "alice", "_table/customers", limit=5, **params)
        assert_error(response, 400)
        assert "@example" not in response.text and "+1-555" not in response.text
    # A column that does not exist and a hidden one answer alike.
    assert get(bed, "alice", "_table/customers", fields="nonexistent").status_code == 400


def test_hidden_columns_absent_from_schema_and_spec(bed):
    schema = body(get(bed, "alice", "_schema/customers"))
    names = [f["name"] for f in schema["field"]]
    assert names == [c for c in CUSTOMER_COLUMNS if c not in HIDDEN]
    meta = body(get(bed, "alice", "_table/customers", limit=1, include_schema="true"))["meta"]
    assert [f["name"] for f in meta["schema"]["field"]] == names

    spec = body(get(bed, "alice", "_spec"))
    properties = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                properties.update(node["properties"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(spec.get("components", {}))
    assert "loyalty_tier" in properties and not (HIDDEN & properties), sorted(properties)
    paths = " ".join(spec["paths"])
    assert "customers" in paths
    assert "order_items" not in paths and "products" not in paths  # not granted to alice


def test_hidden_columns_absent_from_every_read_shape(bed, spark):
    mine = ids_of(spark, "SELECT id FROM retail.customers WHERE country = 'DE' ORDER BY id LIMIT 2")
    visible = set(CUSTOMER_COLUMNS) - HIDDEN
    shapes = {
        "default": body(get(bed, "alice", "_table/customers", limit=3))["resource"],
        "fields=*": body(get(bed, "alice", "_table/customers", fields="*", limit=3))["resource"],
        "ids": body(get(bed, "alice", "_table/customers", ids=",".join(map(str, mine))))["resource"],
        "by id": [body(get(bed, "alice", f"_table/customers/{mine[0]}"))],
        "as_of_version": body(get(bed, "alice", "_table/customers", as_of_version=0, limit=3))["resource"],
    }
    for shape, records in shapes.items():
        assert records, shape
        for record in records:
            assert set(record) == visible, (shape, sorted(record))
    csv = get(bed, "alice", "_table/customers", limit=3, format="csv")
    assert csv.status_code == 200, csv.text
    header = csv.text.splitlines()[0]
    assert "email" not in header and "phone" not in header, header
    assert "@example" not in csv.text


def test_unfiltered_user_still_sees_hidden_columns_of_gina(bed):
    record = body(get(bed, "gina", "_table/customers", limit=1, order="id"))["resource"][0]
    assert "email" in record and "phone" in record


def test_history_is_refused_under_a_row_filter(bed):
    assert_error(get(bed, "alice", "_table/customers", history="true"), 403)
    assert_error(get(bed, "wally", f"_table/{bed.scratch}", history="true"), 403)


def test_other_tables_are_denied(bed):
    assert_error(get(bed, "alice", "_table/orders", limit=1), 403)
    assert_error(get(bed, "gina", "_table/retail.orders", limit=1), 403)


@pytest.mark.parametrize("sql", [
    "SELECT * FROM retail.customers",
    "SELECT email FROM spark_catalog.retail.customers WHERE country = 'US'",
    "WITH c AS (SELECT * FROM retail.customers) SELECT count(*) FROM c",
    "SELECT count(*) FROM (SELECT email, phone FROM retail.customers) t",
    "SELECT id FROM retail.customers WHERE id IN (SELECT customer_id FROM retail.orders)",
    "SELECT 1",
])
def test_query_is_refused_to_a_restricted_role(bed, sql):
    response = requests.post(f"{bed.server.url}/api/v2/spark/_query", json={"sql": sql},
                             headers=session_headers(bed.tokens["quinn"]), timeout=120)
    assert_error(response, 403)
    assert "@example" not in response.text


# ---- writes (scratch table; wally owns ids 1-4, wendy ids 5-8) ----------------------

def test_owner_reads_only_own_rows(bed, spark):
    rows = scratch_rows(spark, bed)
    for who in ("wally", "wendy"):
        listed = body(call(bed, who, "GET", order="id"))["resource"]
        assert [r["id"] for r in listed] == sorted(i for i, r in rows.items() if r["owner"] == bed.emails[who])


def test_post_outside_the_filter_is_403(bed, spark):
    before = scratch_rows(spark, bed)
    for records in ([{"id": 100, "owner": bed.emails["wendy"], "amount": 1}],
                    [{"id": 101, "amount": 1}],  # no owner: NULL is outside the filter
                    [{"id": 102, "owner": bed.emails["wally"], "amount": 1},
                     {"id": 103, "owner": bed.emails["wendy"], "amount": 1}]):
        response = call(bed, "wally", "POST", json_body={"resource": records})
        assert_error(response, 403)
    assert scratch_rows(spark, bed) == before


def test_post_inside_the_filter_is_200(bed, spark):
    response = call(bed, "wally", "POST", json_body={"resource": [
        {"id": 110, "owner": bed.emails["wally"], "amount": 5, "note": "new"}]})
    assert response.status_code == 200, response.text
    row = scratch_rows(spark, bed)[110]
    assert row["owner"] == bed.emails["wally"] and row["amount"] == 5


def test_patch_by_filter_changes_only_own_rows(bed, spark):
    before = scratch_rows(spark, bed)
    response = call(bed, "wally", "PATCH", json_body={"note": "touched"}, filter="amount >= 0")
    assert response.status_code == 200, response.text
    after = scratch_rows(spark, bed)
    wallys = [i for i, r in before.items() if r["owner"] == bed.emails["wally"]]
    assert response.json()["meta"]["affected"] == len(wallys)
    for i, row in after.items():
        if i in wallys:
            assert row["note"] == "touched"
        else:
            assert row == before[i]


def test_patch_of_another_users_row_changes_nothing(bed, spark):
    before = scratch_rows(spark, bed)
    assert_error(call(bed, "wally", "PATCH", "/5", json_body={"note": "stolen"}), 404)
    response = call(bed, "wally", "PATCH", json_body={"note": "stolen"}, ids="5,6")
    assert response.status_code == 200 and response.json()["meta"]["affected"] == 0, response.text
    response = call(bed, "wally", "PATCH", json_body=[{"id": 7, "note": "stolen"}])
    assert response.status_code in (200, 404), response.text
    assert scratch_rows(spark, bed) == before


def test_patch_setting_the_filtered_column_is_403(bed, spark):
    before = scratch_rows(spark, bed)
    for value in (bed.emails["wendy"], bed.emails["wally"]):
        assert_error(call(bed, "wally", "PATCH", json_body={"owner": value}, ids="1"), 403)
        assert_error(call(bed, "wally", "PATCH", "/1", json_body={"owner": value}), 403)
    assert scratch_rows(spark, bed) == before


def test_read_only_column_cannot_be_written(bed, spark):
    before = scratch_rows(spark, bed)
    assert_error(call(bed, "wally", "PATCH", json_body={"approved": True}, ids="1"), 403)
    assert_error(call(bed, "wally", "POST", json_body={"resource": [
        {"id": 120, "owner": bed.emails["wally"], "approved": True}]}), 403)
    assert scratch_rows(spark, bed) == before
    listed = body(call(bed, "wally", "GET", ids="1"))["resource"]
    assert listed[0]["approved"] is False  # read-only, still readable


def test_put_under_a_row_filter_is_403(bed, spark):
    before = scratch_rows(spark, bed)
    assert_error(call(bed, "wally", "PUT", json_body={"resource": [
        {"id": 1, "owner": bed.emails["wally"], "amount": 0}]}), 403)
    assert_error(call(bed, "wally", "PUT", "/5", json_body={"owner": bed.emails["wally"], "amount": 0}), 403)
    assert scratch_rows(spark, bed) == before


def test_delete_by_filter_removes_only_own_rows(bed, spark):
    before = scratch_rows(spark, bed)
    wendys = {i for i, r in before.items() if r["owner"] == bed.emails["wendy"]}
    response = call(bed, "wally", "DELETE", ids=",".join(map(str, sorted(wendys))))
    assert response.status_code in (200, 404), response.text
    if response.status_code == 200:
        assert response.json()["meta"]["affected"] == 0
    assert_error(call(bed, "wally", "DELETE", f"/{min(wendys)}"), 404)
    assert scratch_rows(spark, bed) == before
    response = call(bed, "wendy", "DELETE", filter="id > 0")
    assert response.status_code == 200, response.text
    assert response.json()["meta"]["affected"] == len(wendys)
    assert set(scratch_rows(spark, bed)) == set(before) - wendys
