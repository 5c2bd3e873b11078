"""Provisioning shared by the benchmarks that run lakegate with security on
(security_bench.py, c10k_bench.py): the real CLI for roles, apps and the
admin, the admin's session, and an instance rate limit far above any load
(checked on every request, never hit). Every call is bounded by a timeout.
"""
import json
import os
import subprocess
import time
import urllib.request


def lakegate_cli(binary, config, *args, env=None):
    """Runs `lakegate <args> --config <config>` and returns its JSON output."""
    out = subprocess.run([binary, *args, "--config", config], check=True, capture_output=True,
                         text=True, env=dict(os.environ, **(env or {})), timeout=60)
    return json.loads(out.stdout)


def admin_session_token(url, email, password):
    """Logs the sys-admin in and returns the session token."""
    body = json.dumps({"email": email, "password": password}).encode()
    with urllib.request.urlopen(urllib.request.Request(
            url + "/api/v2/system/admin/session", data=body), timeout=10) as response:
        return json.loads(response.read())["session_token"]


def add_unhit_instance_limit(url, token):
    """An instance-wide limit far above the load: every request checks it."""
    body = json.dumps({"resource": [{"type": "instance", "rate": 1000000000, "period": 0,
                                     "name": "bench"}]}).encode()
    request = urllib.request.Request(url + "/api/v2/system/limit", data=body,
                                     headers={"X-DreamFactory-Session-Token": token,
                                              "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()
    time.sleep(0.5)  # the limit reaches the security snapshot
