"""End to end: the OpenAPI 3.1 documents lakegate generates from the live
catalog (_spec, api_docs), validated with openapi-spec-validator, checked to
list every table Spark reports, and used to validate real rows (jsonschema)."""
import pytest
import requests
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from lakegate_process import LakegateProcess

CONFIG = """
services:
  - name: spark
    label: Spark test bed
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: default, timeout: 120}}
  - name: taxi
    type: spark
    config: {{workspace_url: "{connect}", schema: nyctaxi}}
  - name: lakesvc
    type: spark
    config: {{workspace_url: "{connect}", catalog: lake, schema: sales}}
"""
VERBS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def lakegate(testbed_env):
    server = LakegateProcess(CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    server.start()
    yield server
    server.stop()


def spec(lakegate, service, refresh=True):
    suffix = "?refresh=true" if refresh else ""
    response = requests.get(f"{lakegate.url}/api/v2/{service}/_spec{suffix}", timeout=120)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def spark_tables(spark, catalog, schema):
    rows = spark.sql(f"SHOW TABLES IN `{catalog}`.`{schema}`").collect()
    return {r.tableName for r in rows if not r.isTemporary}


def table_paths(document):
    return {path[len("/_table/"):] for path in document["paths"]
            if path.startswith("/_table/") and not path.endswith("/{id}")}


def records_schema(document, table):
    """The record schema of `table` with components resolvable (for jsonschema)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#/components/schemas/{table}", "components": document["components"]}


@pytest.mark.parametrize("service,catalog,schema", [("spark", "spark_catalog", "default"),
                                                    ("taxi", "spark_catalog", "nyctaxi"),
                                                    ("lakesvc", "lake", "sales")])
def test_spec_validates_and_lists_every_table(lakegate, spark, service, catalog, schema):
    for attempt in range(4):  # other suites create scratch tables in `default` meanwhile
        document = spec(lakegate, service)
        if table_paths(document) == spark_tables(spark, catalog, schema):
            break
    validate(document)  # raises on any OpenAPI 3.1 violation
    assert document["openapi"] == "3.1.0"
    assert table_paths(document) == spark_tables(spark, catalog, schema)
    assert document["servers"] == [{"url": f"{lakegate.url}/api/v2/{service}"}]
    for fixed in ("/_table", "/_query", "/_catalog", "/_catalog/{catalog}",
                  "/_catalog/{catalog}/{schema}", "/_schema", "/_schema/{table_name}", "/_spec"):
        assert fixed in document["paths"], fixed
    ids = [op["operationId"] for item in document["paths"].values()
           for verb, op in item.items() if verb in VERBS]
    assert len(ids) == len(set(ids))


def test_table_operations_and_parameters(lakegate):
    document = spec(lakegate, "spark")
    assert set(document["paths"]["/_table/all_types"]) == VERBS
    assert set(document["paths"]["/_table/all_types/{id}"]) == {"parameters", "get", "put", "patch",
                                                                "delete"}
    # A view is read-only.
    assert set(document["paths"]["/_table/intervals"]) == {"get"}
    assert set(document["paths"]["/_table/intervals/{id}"]) == {"parameters", "get"}
    get_parameters = {p["$ref"].rsplit("/", 1)[1]
                      for p in document["paths"]["/_table/all_types"]["get"]["parameters"]}
    assert {"filter", "fields", "limit", "offset", "order", "include_count", "ids",
            "id_field", "as_of_version"} <= get_parameters
    parameters = document["components"]["parameters"]
    assert parameters["filter"]["in"] == "query"
    assert document["components"]["schemas"]["Error"]["properties"]["error"]["required"] == \
        ["code", "status_code", "message"]
    lake = spec(lakegate, "lakesvc")
    lake_parameters = {p["$ref"].rsplit("/", 1)[1]
                       for p in lake["paths"]["/_table/regions"]["get"]["parameters"]}
    assert "as_of_version" not in lake_parameters  # time travel is Delta's


def test_record_schema_follows_column_types(lakegate, spark):
    document = spec(lakegate, "spark", refresh=False)
    properties = document["components"]["schemas"]["all_types"]["properties"]
    assert list(properties) == [f.name for f in spark.table("default.all_types").schema.fields]
    assert properties["c_bigint"]["format"] == "int64"
    assert properties["c_int"]["format"] == "int32"
    assert properties["c_decimal_10_2"]["type"] == ["number", "null"]
    assert properties["c_timestamp"]["format"] == "date-time"
    assert properties["c_date"]["format"] == "date"
    assert properties["c_binary"]["contentEncoding"] == "base64"
    assert properties["c_array_int"]["type"] == ["array", "null"]
    assert properties["c_map_string_int"]["type"] == ["object", "null"]
    assert properties["c_struct"]["type"] == ["object", "null"]
    for name, prop in properties.items():
        assert prop["x-spark-type"], name


@pytest.mark.parametrize("service,table,sql", [
    ("spark", "all_types", "SELECT * FROM spark_catalog.default.all_types"),
    ("spark", "intervals", "SELECT * FROM spark_catalog.default.intervals"),
    ("spark", "variants", "SELECT * FROM spark_catalog.default.variants"),
    ("taxi", "trips", "SELECT * FROM spark_catalog.nyctaxi.trips LIMIT 200"),
    ("lakesvc", "targets", "SELECT * FROM lake.sales.targets"),
])
def test_real_rows_match_record_schema(lakegate, service, table, sql):
    document = spec(lakegate, service, refresh=False)
    validator = Draft202012Validator(records_schema(document, table))
    response = requests.post(f"{lakegate.url}/api/v2/{service}/_query", json={"sql": sql},
                             timeout=120)
    assert response.status_code == 200, response.text
    rows = response.json()["resource"]
    assert rows
    for row in rows:
        errors = list(validator.iter_errors(row))
        assert not errors, (row, [e.message for e in errors])


def test_api_docs(lakegate):
    response = requests.get(f"{lakegate.url}/api/v2/api_docs", timeout=30)
    assert response.status_code == 200, response.text
    services = {s["name"]: s for s in response.json()["resource"]}
    assert set(services) == {"spark", "taxi", "lakesvc"}
    assert services["spark"]["label"] == "Spark test bed"
    assert services["spark"]["spec_url"] == "/api/v2/api_docs/spark"
    document = requests.get(lakegate.url + services["taxi"]["spec_url"], timeout=120).json()
    validate(document)
    assert {"trips", "trips_1m"} <= table_paths(document)
    missing = requests.get(f"{lakegate.url}/api/v2/api_docs/nosuch", timeout=30)
    assert missing.status_code == 404 and missing.json()["error"]["status_code"] == 404


def test_spec_only_get(lakegate):
    for url in (f"{lakegate.url}/api/v2/spark/_spec", f"{lakegate.url}/api/v2/api_docs"):
        response = requests.post(url, timeout=30)
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]
    assert requests.get(f"{lakegate.url}/api/v2/spark/_spec/x", timeout=30).status_code == 404


def test_servers_follow_forwarded_headers(lakegate):
    response = requests.get(f"{lakegate.url}/api/v2/spark/_spec", timeout=120,
                            headers={"X-Forwarded-Host": "api.example.com",
                                     "X-Forwarded-Proto": "https"})
    assert response.json()["servers"] == [{"url": "https://api.example.com/api/v2/spark"}]


def test_spec_declares_the_credentials_it_needs(lakegate):
    document = spec(lakegate, "spark")
    schemes = document["components"]["securitySchemes"]
    assert schemes["api_key"] == {"type": "apiKey", "in": "header", "name": "X-DreamFactory-API-Key",
                                  "description": schemes["api_key"]["description"]}
    assert schemes["session_token"]["name"] == "X-DreamFactory-Session-Token"
    assert schemes["bearer"]["scheme"] == "bearer"
    assert document["security"] == [{"api_key": []}, {"session_token": []}, {"bearer": []}]
    # The spec itself is behind the same credentials.
    assert requests.get(lakegate.url + "/api/v2/spark/_spec",
                        headers={"X-DreamFactory-API-Key": "lg_wrong"}).status_code == 401
