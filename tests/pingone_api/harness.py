# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start the PingOne-shaped Management API test server (server.py) behind tokens of the test OP.

Usage from tests (the harness modules are all called harness.py: load them by path)::

    with OP(tmp_path / "op") as op, PingOneAPI(tmp_path / "p1", op) as api:
        admin = api.admin_session()
        admin.post(api.collection_url("populations"), json={"name": "Staff"})
        assert api.writes() == 1

``api.env_url`` is ``https://127.0.0.1:<port>/v1/environments/<env_id>`` (``api.env_id`` is the OP's PingOne
environment ID, so tokens and API share one environment), ``api.base_url`` its ``/v1`` root. The server checks each
bearer token by introspection at the OP, authenticated as the OP client ``csjwt`` (client_secret_jwt): 401 without
an active token, 403 without scope api:read (reads) or api:write (writes, and reading an application secret).
OIDC applications created in the OP's environment are registered as clients of the OP's PingOne-shaped provider
(RFC 7591; updated and deleted with them, RFC 7592): the application's ``id`` is the client_id and its secret the
client secret, so a code exchange runs with them (``register_clients=False`` keeps applications to this server).
``reset(fail_first=..., not_found_after_create=..., page_cap=...)`` gives a running server back empty (no objects,
no logged request, no cached token) with those faults armed: a server takes about a second to start, a reset
milliseconds, so tests share one. ``count()``, ``writes()`` and ``mark()`` read the server's request log (method,
path without query, status); the log never holds bodies, tokens or secrets.
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
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _load_op_harness():
    # The harness modules are all called harness.py; load the OP's by path, under its own name.
    path = os.path.join(os.path.dirname(HERE), "oidc_op", "harness.py")
    spec = importlib.util.spec_from_file_location("jwtauth_oidc_test_op_harness", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ServerProcess = _load_op_harness().ServerProcess


class PingOneAPIError(Exception):
    """The test Management API server did not start or did not behave as expected."""


class PingOneAPI(ServerProcess):
    """A running PingOne-shaped Management API behind OP-issued bearer tokens; use as a context manager."""

    def __init__(self, workdir, op, client="csjwt", env_id=None, python=None, startup_timeout=60, cache_seconds=3,
                 register_clients=True):
        self.workdir = os.path.abspath(str(workdir))
        self.op = op
        self.env_id = env_id or op.env_id
        self.python = python or os.environ.get("PINGONE_API_PYTHON") or sys.executable
        self.process = None
        self._out = None
        os.makedirs(self.workdir, exist_ok=True)
        self.log_path = os.path.join(self.workdir, "p1api-requests.jsonl")
        self.output_path = os.path.join(self.workdir, "p1api-output.log")
        self.ready_path = os.path.join(self.workdir, "p1api-ready.json")
        self.config_path = os.path.join(self.workdir, "p1api-config.json")
        for path in (self.log_path, self.ready_path):
            if os.path.exists(path):
                os.unlink(path)
        info = op.clients[client]
        self._control_secret = secrets.token_hex(16)
        config = {
            "host": "127.0.0.1", "port": 0, "ready_path": self.ready_path, "log_path": self.log_path,
            "environments": [self.env_id],
            "introspection_endpoint": op.discovery()["introspection_endpoint"], "ca_path": op.ca_path,
            "client_id": info["client_id"], "client_secret": info["client_secret"],
            "signing_alg": info.get("signing_alg") or "HS256", "cache_seconds": cache_seconds,
            "tls_cert": op.cert_path, "tls_key": op.key_path, "control_secret": self._control_secret,
        }
        if register_clients and getattr(op, "registration_token", None) and self.env_id == op.env_id:
            # OIDC applications become clients of the OP's PingOne-shaped provider (server.py OPClients): their id is
            # the client_id, their secret the client secret, so a code exchange runs with what the API returned.
            config.update(op_registration_endpoint=op.discovery("pingone")["registration_endpoint"],
                          op_registration_token=op.registration_token, op_env_id=op.env_id)
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
                raise PingOneAPIError("PingOne API test server %s; output:\n%s" % (reason, self._tail()))
            time.sleep(0.02)
        with open(self.ready_path) as f:
            ready = json.load(f)
        self.startup_seconds = time.monotonic() - started
        self.port = ready["port"]
        self.pid = ready["pid"]
        self.root_url = "https://127.0.0.1:%d" % self.port
        self.base_url = self.root_url + "/v1"
        self.env_url = "%s/environments/%s" % (self.base_url, self.env_id)

    def collection_url(self, *parts):
        """URL of a path under the environment, e.g. collection_url("resources", rid, "scopes")."""
        return "/".join([self.env_url] + [str(p) for p in parts])

    def reset(self, fail_first=None, not_found_after_create=False, page_cap=None):
        """Empty the server (objects, request log, introspection cache, the OP clients of its applications) and arm
        these faults; returns self.

        ``fail_first={"POST /v1/environments/<env>/users*": [429, 2]}`` answers the first 2 matching authorized
        requests with that status (429: REQUEST_LIMITED with Retry-After: 1); ``not_found_after_create`` makes the
        first GET of each new object answer 404; ``page_cap`` caps every list page whatever ``limit`` asks.
        """
        resp = requests.post(self.root_url + "/_control/reset",
                             json={"fail_first": fail_first or {}, "not_found_after_create": not_found_after_create,
                                   "page_cap": page_cap},
                             headers={"X-Test-Control": self._control_secret}, verify=self.op.ca_path, timeout=10)
        if resp.status_code != 204:
            raise PingOneAPIError("reset failed: HTTP %s" % resp.status_code)
        return self

    def requests_log(self, since=0):
        """Parsed request log lines ({method, path, status}) from index ``since``."""
        try:
            with open(self.log_path) as f:
                lines = f.read().splitlines()
        except IOError:
            return []
        return [json.loads(line) for line in lines[since:] if line.strip()]

    def mark(self):
        """Current length of the request log, for count(since=...) and writes(since=...)."""
        return len(self.requests_log())

    def count(self, method=None, path_prefix=None, since=0, status=None):
        """Number of logged requests, narrowed by method, path prefix (e.g. api.env_path + '/users') and status."""
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
        """Number of logged POST/PUT/PATCH/DELETE requests, whatever their status."""
        return sum(1 for e in self.requests_log(since) if e["method"] in WRITE_METHODS)

    @property
    def env_path(self):
        """The environment's path (as the request log has it): /v1/environments/<env_id>."""
        return "/v1/environments/%s" % self.env_id

    def token(self, scope="api:read api:write", client="basic"):
        """A fresh OP access token (client_credentials grant, client_secret_basic) for a scope."""
        info = self.op.clients[client]
        resp = requests.post(self.op.token_endpoint(), data={"grant_type": "client_credentials", "scope": scope},
                             auth=(info["client_id"], info["client_secret"]), verify=self.op.ca_path, timeout=10)
        if resp.status_code != 200:
            raise PingOneAPIError("client_credentials grant failed: HTTP %s" % resp.status_code)
        return resp.json()["access_token"]

    def session(self, scope="api:read api:write"):
        """A requests.Session sending a fresh token for a scope, JSON in and out."""
        s = requests.Session()
        # REQUESTS_CA_BUNDLE would override Session.verify: leave the environment out (loopback needs no proxy).
        s.trust_env = False
        s.verify = self.op.ca_path
        s.headers.update({"Authorization": "Bearer " + self.token(scope), "Accept": "application/json"})
        return s

    def admin_session(self):
        """A requests.Session with a read/write token, for seeding and inspecting data directly."""
        return self.session("api:read api:write")
