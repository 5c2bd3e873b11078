"""End to end: CORS rules (`cors:` in lakegate.yaml) and TLS on the listener
(`tls: {cert_file, key_file}`), with a self-signed certificate made by openssl.

CORS preflights are answered before authentication (browsers send them without
credentials); actual responses echo an allowed origin; a foreign origin gets no
Access-Control-Allow-Origin (and its preflight 403). Over TLS the API works with
the certificate trusted, plain HTTP to that port does not.
"""
import subprocess
import time

import pytest
import requests

import lakegate_process
from lakegate_process import LakegateProcess
from security_helpers import AdminApi, assert_error, key_headers, start_secure

ORIGIN = "https://app.example.com"
FOREIGN = "https://evil.example.net"

CORS_CONFIG = """
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{connect}", catalog: spark_catalog, schema: retail, timeout: 120}}
cors:
  - {{origin: "{origin}", allow_credentials: true}}
"""
SECOND_RULE = """  - {origin: "https://*.partner.test", methods: [GET], headers: [X-DreamFactory-API-Key], max_age_seconds: 60}
"""


def header_list(value):
    return {item.strip().lower() for item in (value or "").split(",") if item.strip()}


@pytest.fixture(scope="module")
def cors(testbed_env):
    server = start_secure(CORS_CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"], origin=ORIGIN))
    try:
        admin = AdminApi(server)
        role = admin.create_role("cors_reader", [{"service": "spark", "component": "*", "verb_mask": 1}])
        _, server.key = admin.create_app("browser_app", role)
        yield server
    finally:
        server.stop()


def preflight(server, origin, method="GET", headers="X-DreamFactory-API-Key, Content-Type",
              path="/api/v2/spark/_table/customers"):
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    return requests.options(server.url + path, headers=request_headers, timeout=30)


def test_preflight_of_an_allowed_origin(cors):
    response = preflight(cors, ORIGIN)
    assert response.status_code == 204, response.text
    assert response.content == b""
    h = response.headers
    assert h["Access-Control-Allow-Origin"] == ORIGIN
    assert {"get", "post", "put", "patch", "delete"} <= header_list(h["Access-Control-Allow-Methods"])
    assert {"x-dreamfactory-api-key", "content-type", "x-dreamfactory-session-token", "authorization"} <= \
        header_list(h["Access-Control-Allow-Headers"])
    assert h["Access-Control-Allow-Credentials"] == "true"
    assert h["Access-Control-Max-Age"] == "600"
    assert "origin" in header_list(h.get("Vary"))


def test_preflight_needs_no_credentials_on_any_path(cors):
    for path in ("/api/v2/spark/_query", "/api/v2/system/role", "/api/v2/user/session", "/api/v2"):
        response = preflight(cors, ORIGIN, method="POST", path=path)
        assert response.status_code == 204, (path, response.text)
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_actual_request_echoes_the_origin(cors):
    response = requests.get(cors.url + "/api/v2/spark/_table/customers", params={"limit": 1},
                            headers=dict(key_headers(cors.key), Origin=ORIGIN), timeout=120)
    assert response.status_code == 200, response.text
    h = response.headers
    assert h["Access-Control-Allow-Origin"] == ORIGIN
    assert h["Access-Control-Allow-Credentials"] == "true"
    assert {"x-request-id", "etag"} <= header_list(h["Access-Control-Expose-Headers"])
    assert "origin" in header_list(h.get("Vary"))


def test_errors_carry_cors_headers_for_an_allowed_origin(cors):
    """A browser page must be able to read the 401 telling it to log in."""
    response = requests.get(cors.url + "/api/v2/spark/_table/customers", headers={"Origin": ORIGIN}, timeout=30)
    assert_error(response, 401)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_foreign_origin_gets_no_cors_headers(cors):
    response = requests.get(cors.url + "/api/v2/spark/_table/customers", params={"limit": 1},
                            headers=dict(key_headers(cors.key), Origin=FOREIGN), timeout=120)
    assert response.status_code == 200  # CORS is the browser's business; the server only withholds the headers
    assert not any(name.lower().startswith("access-control-") for name in response.headers), response.headers
    denied = preflight(cors, FOREIGN)
    assert_error(denied, 403)
    assert "Access-Control-Allow-Origin" not in denied.headers
    for lookalike in ("https://app.example.com.evil.net", "http://app.example.com", "https://app.example.co",
                      "null", "https://sub.app.example.com"):
        response = preflight(cors, lookalike)
        assert response.status_code == 403, lookalike
        assert "Access-Control-Allow-Origin" not in response.headers, lookalike


def test_several_rules_restrict_methods_and_headers(testbed_env):
    config = CORS_CONFIG.format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"], origin=ORIGIN) + SECOND_RULE
    server = start_secure(config)
    try:
        sub = "https://shop.partner.test"
        ok = preflight(server, sub, headers="X-DreamFactory-API-Key")
        assert ok.status_code == 204, ok.text
        assert ok.headers["Access-Control-Allow-Origin"] == sub
        assert "Access-Control-Allow-Credentials" not in ok.headers
        assert ok.headers["Access-Control-Max-Age"] == "60"
        assert_error(preflight(server, sub, method="DELETE", headers=None), 403)
        assert_error(preflight(server, sub, headers="X-DreamFactory-API-Key, Authorization"), 403)
        assert preflight(server, ORIGIN).status_code == 204  # the first rule still applies
        for lookalike in ("https://partner.test", "https://a.partner.test.evil.net", "https://x@y.partner.test",
                          "http://shop.partner.test"):
            assert preflight(server, lookalike, headers=None).status_code == 403, lookalike
    finally:
        server.stop()


def test_options_without_preflight_headers_is_not_a_free_pass(cors):
    response = requests.options(cors.url + "/api/v2/spark/_table/customers", headers={"Origin": ORIGIN}, timeout=30)
    assert response.status_code in (401, 403, 405), response.text


def test_without_cors_config_there_are_no_cors_headers(testbed_env):
    server = start_secure(CORS_CONFIG.split("cors:")[0].format(connect=testbed_env["LAKEGATE_SPARK_CONNECT"]))
    try:
        response = requests.get(server.url + "/api/v2", headers={"Origin": ORIGIN}, timeout=30)
        assert_error(response, 401)
        assert not any(name.lower().startswith("access-control-") for name in response.headers)
        response = preflight(server, ORIGIN)
        assert response.status_code != 204
        assert "Access-Control-Allow-Origin" not in response.headers
    finally:
        server.stop()


# ---- TLS ----------------------------------------------------------------------------

class TlsLakegate(LakegateProcess):
    """A LakegateProcess serving https://; its health check trusts `cert`."""

    def __init__(self, config_text, cert, **kwargs):
        super().__init__(config_text, **kwargs)
        self.url = f"https://127.0.0.1:{self.port}"
        self.cert = cert

    def start(self, timeout=20):
        if self.provision and self.api_key is None:
            self.cli("role", "create", "--name", "e2e-full", "--access", "*:*:127")
            self.api_key = self.cli("app", "create", "--name", "e2e", "--role", "e2e-full")["api_key"]
            with lakegate_process._keys_lock:
                lakegate_process._default_keys[self.url + "/"] = self.api_key
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [lakegate_process.BINARY, "serve", "--config", self.config_path, "--listen", f"127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"lakegate exited {self.process.returncode}: {self.log_text()}")
            try:
                if requests.get(self.url + "/health", timeout=1, verify=self.cert).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("lakegate did not answer https /health: " + self.log_text())


@pytest.fixture(scope="module")
def tls(testbed_env, tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    cert, key = str(directory / "cert.pem"), str(directory / "key.pem")
    result = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                             "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    config = f"""
services:
  - name: spark
    type: spark
    config: {{workspace_url: "{testbed_env['LAKEGATE_SPARK_CONNECT']}", catalog: spark_catalog, schema: retail}}
tls: {{cert_file: "{cert}", key_file: "{key}"}}
"""
    server = TlsLakegate(config, cert)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_https_health_and_api(tls):
    response = requests.get(tls.url + "/health", verify=tls.cert, timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "ok"
    response = requests.get(tls.url + "/api/v2/spark/_table/customers", params={"limit": 2, "order": "id"},
                            verify=tls.cert, timeout=120)  # the e2e key is sent for this https URL
    assert response.status_code == 200, response.text
    assert [r["id"] for r in response.json()["resource"]] == [1, 2]
    assert_error(requests.get(tls.url + "/api/v2/spark/_table/customers", verify=tls.cert, timeout=30,
                              headers=key_headers("wrong-key")), 401)


def test_plain_http_to_the_tls_port_fails(tls):
    plain = tls.url.replace("https://", "http://")
    try:
        response = requests.get(plain + "/health", timeout=5)
    except requests.exceptions.RequestException:
        return
    assert response.status_code != 200, "plain HTTP was served on the TLS port"


def test_certificate_is_the_configured_one(tls):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(tls.url + "/health", timeout=10)  # not trusted by the system roots
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{tls.port}", "-servername", "127.0.0.1"],
                            input="", capture_output=True, text=True, timeout=30)
    assert "CN = 127.0.0.1" in result.stdout or "CN=127.0.0.1" in result.stdout, result.stdout[-2000:]
    with open(tls.cert) as f:
        pem = f.read()
    served = subprocess.run(["openssl", "x509"], input=result.stdout, capture_output=True, text=True, timeout=30)
    assert served.stdout.strip() == pem.strip()


def test_tls_1_1_is_refused(tls):
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{tls.port}", "-tls1_1"],
                            input="", capture_output=True, text=True, timeout=30)
    assert "BEGIN CERTIFICATE" not in result.stdout
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{tls.port}", "-tls1_2"],
                            input="", capture_output=True, text=True, timeout=30)
    assert "BEGIN CERTIFICATE" in result.stdout, result.stderr[-1000:]
