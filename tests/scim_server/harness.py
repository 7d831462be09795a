# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start a real SCIM 2.0 server (scim2-server, in memory) protected by tokens of the test OP.

Usage from tests (both harness modules are called harness.py: import them through the tests directory)::

    sys.path.insert(0, "tests")
    from oidc_op.harness import OP
    from scim_server.harness import SCIMServer
    with OP(tmp_path / "op") as op, SCIMServer(tmp_path / "scim", op) as scim:
        admin = scim.admin_session()
        admin.post(scim.base_url + "/Users", json={"schemas": [USER_SCHEMA], "userName": "alice"})
        assert scim.writes() == 1

The server (server.py) checks each bearer token by introspection at the OP, authenticated as the OP
client ``client`` (client_secret_jwt by default): 401 without an active token, 403 without scope api:read
(reads) or api:write (writes). ``fail_first={"POST /v2/Users": [503, 1]}`` makes the first matching request(s)
that pass auth answer that status with Retry-After: 1 before the SCIM handler and storage see them
(a path ending in * matches a prefix, e.g. "PATCH /v2/Users/*"). ``reset(fail_first=...)`` gives a running
server back empty, with an empty request log and introspection cache, and arms new faults: a server takes
seconds to start, a reset milliseconds, so tests share one.
server.py runs under ``python`` (default: $SCIM_SERVER_PYTHON or sys.executable), which needs Python 3.11+ with
scim2-server, requests and PyJWT; this module needs only requests. Introspection calls show up in the OP's event log
(POST /token/introspection), and token() calls as POST /token.
"""

import atexit
import importlib.util
import json
import os
import secrets
import subprocess
import sys
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_op_harness():
    # Both harness modules are called harness.py; load the OP's by path, under its own name.
    path = os.path.join(os.path.dirname(HERE), "oidc_op", "harness.py")
    spec = importlib.util.spec_from_file_location("jwtauth_oidc_test_op_harness", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ServerProcess = _load_op_harness().ServerProcess
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
SCIM_JSON = "application/scim+json"


class SCIMServerError(Exception):
    """The test SCIM server did not start or did not behave as expected."""


class SCIMServer(ServerProcess):
    """A running scim2-server behind OP-issued bearer tokens; use as a context manager."""

    def __init__(self, workdir, op, client="csjwt", fail_first=None, python=None, startup_timeout=90, cache_seconds=3):
        self.workdir = os.path.abspath(str(workdir))
        self.op = op
        self.python = python or os.environ.get("SCIM_SERVER_PYTHON") or sys.executable
        self.process = None
        self._out = None
        self._mark = 0
        os.makedirs(self.workdir, exist_ok=True)
        self.log_path = os.path.join(self.workdir, "scim-requests.jsonl")
        self.output_path = os.path.join(self.workdir, "scim-output.log")
        self.ready_path = os.path.join(self.workdir, "scim-ready.json")
        self.config_path = os.path.join(self.workdir, "scim-config.json")
        for path in (self.log_path, self.ready_path):
            if os.path.exists(path):
                os.unlink(path)
        info = op.clients[client]
        self._control_secret = secrets.token_hex(16)
        config = {
            "host": "127.0.0.1", "port": 0, "ready_path": self.ready_path, "log_path": self.log_path,
            "op_issuer": op.issuer, "introspection_endpoint": op.discovery()["introspection_endpoint"],
            "ca_path": op.ca_path, "client_id": info["client_id"], "client_secret": info["client_secret"],
            "signing_alg": info.get("signing_alg") or "HS256", "cache_seconds": cache_seconds,
            "fail_first": fail_first or {},
            "tls_cert": op.cert_path, "tls_key": op.key_path, "control_secret": self._control_secret,
        }
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(config, f, indent=2)
        self._start(startup_timeout)

    def _start(self, timeout):
        self._out = open(self.output_path, "ab")
        started = time.monotonic()
        self.process = subprocess.Popen([self.python, os.path.join(HERE, "server.py"), self.config_path],
                                        cwd=HERE, stdin=subprocess.PIPE, stdout=self._out, stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        while not os.path.exists(self.ready_path):
            if self.process.poll() is not None or time.monotonic() - started > timeout:
                reason = "exited with %s" % self.process.returncode if self.process.poll() is not None else "not ready after %ss" % timeout
                self.stop()
                raise SCIMServerError("scim server %s; output:\n%s" % (reason, self._tail()))
            time.sleep(0.02)
        with open(self.ready_path) as f:
            ready = json.load(f)
        self.startup_seconds = time.monotonic() - started
        self.port = ready["port"]
        self.pid = ready["pid"]
        self.root_url = "https://127.0.0.1:%d" % self.port
        self.base_url = self.root_url + "/v2"

    def reset(self, fail_first=None, list_cap=None, bare_create=False, delay_ms=0, index_filters=False):
        """Empty the server (storage, request log, introspection cache), arm ``fail_first``, with ``list_cap``
        answer lists and searches as PingOne does (at most that many, startIndex ignored), with ``bare_create``
        answer creates with Location and no body (see server.py); returns self.
        For benchmarks only: ``delay_ms`` holds every request that long, ``index_filters`` answers ``or`` filters of
        ``eq`` terms from an index (an "indexed test server")."""
        resp = requests.post(self.root_url + "/_control/reset", json={"fail_first": fail_first or {}, "list_cap": list_cap,
                                                                      "bare_create": bare_create, "delay_ms": delay_ms,
                                                                      "index_filters": index_filters},
                             headers={"X-Test-Control": self._control_secret}, verify=self.op.ca_path, timeout=10)
        if resp.status_code != 204:
            raise SCIMServerError("reset failed: %s %s" % (resp.status_code, resp.text[:300]))
        self._mark = 0
        return self

    def requests_log(self, since=0):
        """Parsed request log lines ({method, path, status, query}) from index `since`."""
        try:
            with open(self.log_path) as f:
                lines = f.read().splitlines()
        except IOError:
            return []
        return [json.loads(line) for line in lines[since:] if line.strip()]

    def mark(self):
        """Current length of the request log, for count(since=...) and writes(since=...)."""
        self._mark = len(self.requests_log())
        return self._mark

    def count(self, method=None, path_prefix=None, since=0, status=None):
        """Number of logged requests, narrowed by method, path prefix (e.g. '/v2/Users') and status."""
        n = 0
        for entry in self.requests_log(since):
            if method is not None and entry["method"] != method.upper():
                continue
            if path_prefix is not None and not entry["path"].startswith(path_prefix):
                continue
            if status is not None and entry["status"] != status:
                continue
            n += 1
        return n

    def writes(self, since=0):
        """Number of logged POST/PUT/PATCH/DELETE requests (whatever their status; .search POSTs excluded)."""
        return sum(1 for e in self.requests_log(since) if e["method"] in WRITE_METHODS and not e["path"].endswith("/.search"))

    def token(self, scope="api:read api:write", client="basic"):
        """A fresh OP access token (client_credentials grant, client_secret_basic) for a scope."""
        info = self.op.clients[client]
        resp = requests.post(self.op.token_endpoint(), data={"grant_type": "client_credentials", "scope": scope},
                             auth=(info["client_id"], info["client_secret"]), verify=self.op.ca_path, timeout=10)
        if resp.status_code != 200:
            raise SCIMServerError("client_credentials grant failed: %s %s" % (resp.status_code, resp.text[:300]))
        return resp.json()["access_token"]

    def session(self, scope="api:read api:write"):
        """A requests.Session sending a fresh token for a scope and SCIM JSON headers."""
        s = requests.Session()
        # REQUESTS_CA_BUNDLE would override Session.verify: leave the environment out (loopback needs no proxy).
        s.trust_env = False
        s.verify = self.op.ca_path
        s.headers.update({"Authorization": "Bearer " + self.token(scope), "Accept": SCIM_JSON, "Content-Type": SCIM_JSON})
        return s

    def admin_session(self):
        """A requests.Session with a read/write token, for seeding and inspecting data directly."""
        return self.session("api:read api:write")
