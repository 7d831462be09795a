# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A PingOne Management API (``/v1/environments/{envID}/...``) in memory, behind tokens of the test OP, written from
PingOne's machine-readable contract.

No open-source PingOne Management API exists. This server follows the operations of contract.py, the table taken from
the OpenAPI description Ping's Go SDK is generated from (patrickcping/pingone-go-sdk-v2
management/generate/pingone-management.yml), the typed error models of pingidentity/pingone-go-client and what Ping's
Terraform provider does; prose pages (https://developer.pingidentity.com/pingone-api/) only where the contract is
silent, and the stricter choice where both are, marked UNCONFIRMED. It refuses what the contract does not allow and
records each such request (conformance.py), so a client test cannot pass a request PingOne would refuse.

The package: contract.py (the table), api.py (routing and the collections), memberships.py, user_attributes.py,
application_secret.py (the other handlers), models.py (validation and server-owned fields), store.py (objects and the
built-in resources), paging.py (pages, cursors, filters), errors.py (error bodies), conformance.py (violations),
faults.py (faults a test arms), limits.py (a licence's rate limit, latency), op_clients.py (applications as clients of
the test OP), and this file: HTTP, the control routes and the entry point.

Usage, from tests/: ``python -m servers.pingone_api.server CONFIG_JSON`` (normally started by harness.PingOneAPI).
Needs Python 3.11+ with requests, PyJWT and scim2-server (the token introspection client is servers/scim/server.py's
``Introspector``). Config keys: host, port (0 = ephemeral), ready_path, log_path, violations_path, tls_cert, tls_key,
environments (env IDs that exist; others answer 403 ACCESS_FAILED), introspection_endpoint, ca_path, client_id,
client_secret, signing_alg (HS256), cache_seconds (3), control_secret, fail_first; op_registration_endpoint,
op_registration_token and op_env_id to make OIDC applications clients of the test OP (op_clients.py).

Control routes, with header ``X-Test-Control: <control_secret>`` (403 without it), never logged:

- ``POST /_control/reset`` with ``{"fail_first": {...}, "not_found_after_create": true, "not_found_under_new_parent":
  {"GET": n, "POST": m}, "page_cap": N, "membership_links_to_group": true, "rate_limit": {"rate": R, "burst": B,
  "per_ip_share": S}, "latency_ms": L}`` empties the store (back to the built-in resources), the request log, the
  violations file and the introspection cache, and arms those faults (faults.py) and the licence's rate limit and
  the latency (limits.py);
- ``POST /_control/previous_secret_used`` with ``{"environment", "application", "lastUsed"}`` sets an application's
  ``previous.lastUsed`` (a date-time, or null): 204, or 404 when it has no previous secret (application_secret.py).

Scopes: the test OP's scopes stand for PingOne admin roles. Reads (GET) need ``api:read`` or ``api:write``; writes
(POST/PUT/PATCH/DELETE) and reading an application secret need ``api:write``. In PingOne terms: ``api:read`` is a
read-only role (Identity Data Read Only / Configuration Read Only); ``api:write`` is Identity Data Admin for
populations, groups, users and memberships ("If you have the Identity Data Admin role, you can ... Create, read,
update, and delete groups; Add users to groups", Groups,
https://developer.pingidentity.com/pingone-api/platform/groups.html) and Client Application Developer or Environment
Admin for applications, secrets, resources, scopes and grants ("You need the Client Application Developer role to
perform operations on application resources", Application Operations,
https://developer.pingidentity.com/pingone-api/platform/applications/applications-1.html; "You need the Environment
Admin or the Client Application Developer roles to perform operations on resources entities", Resource Operations,
https://developer.pingidentity.com/pingone-api/platform/resources/resources-1.html; the secret needs the separate
``applications:read:secret`` permission, Application Secret,
https://developer.pingidentity.com/pingone-api/platform/applications/application-secret/index.html).

One JSON line per request goes to log_path: method, path (no query string), status. Bodies, tokens and secrets are
never logged. Exits on SIGTERM/SIGINT and when stdin reaches EOF (the parent died).
"""

import hmac
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# The SCIM test server's introspection client (client_secret_jwt, short cache) and its serve loop (TLS, stop on a
# signal or when stdin closes, ready file).
from ..scim import server as scim_server
from .api import API
from .errors import APIError, rate_limited
from .times import parse_iso

CONTROL = '/_control/'
MAX_BODY = 1 << 20


class Handler(BaseHTTPRequestHandler):
    """One request: a control route, else the API; one JSON log line (method, path, status)."""

    protocol_version = 'HTTP/1.1'
    server_version = 'PingOneAPITest/1'
    # The headers and the body leave in two writes: with Nagle's algorithm the body waited for the client's delayed
    # ACK of the headers, 40 ms on every request of a kept-alive connection (RFC 1122 section 4.2.3.2 and 4.2.3.4).
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass  # the JSON request log replaces the access log

    def _read_body(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            raise APIError(400, 'INVALID_REQUEST', 'The request body is too large.')
        return self.rfile.read(length) if length else b''

    def _send(self, status, headers, body):
        # API.handle encodes its answers itself (under the store's lock); errors and control answers come as dicts.
        data = b'' if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header('Content-Type', 'application/json')
        for key, value in headers.items():
            self.send_header(key, value)
        # "The following HTTP Headers are returned by every operation: ... Correlation-Id" (PingOne API responses,
        # https://developer.pingidentity.com/pingone-api/foundations/conventions/pingone-api-responses.html); the
        # collection shows it with failures and in http_trace.
        self.send_header('Correlation-Id', str(uuid.uuid4()))
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if data and self.command != 'HEAD':
            self.wfile.write(data)

    def _control(self, name):
        given = self.headers.get('X-Test-Control', '')
        secret = self.server.api.config.get('control_secret') or ''
        body = self._read_body()
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return self._send(403, {}, None)
        try:
            settings = json.loads(body or b'{}')
        except ValueError:
            return self._send(400, {}, None)
        if name == 'reset':
            try:
                with self.server.log_lock:
                    self.server.api.reset(settings)
                    open(self.server.log_path, 'w').close()
            except APIError as exc:  # the OP refused to delete a client: say so, the harness fails the test
                return self._send(exc.status, {}, exc.body())
            return self._send(204, {}, None)
        if name == 'limit':
            self.server.api.limit(settings)
            return self._send(204, {}, None)
        if name == 'previous_secret_used':
            at = settings.get('lastUsed')
            if at is not None and parse_iso(at) is None:
                return self._send(400, {}, None)
            with self.server.api.store.lock:
                done = self.server.api.previous_secret_used(settings.get('environment'), settings.get('application'), at)
            return self._send(204 if done else 404, {}, None)
        return self._send(404, {}, None)

    def _dispatch(self):
        method, path = self.command.upper(), urlsplit(self.path).path
        if method == 'POST' and path.startswith(CONTROL):
            return self._control(path[len(CONTROL) :])
        api = self.server.api
        # How many requests the server was handling when this one came, itself included: the log's in_flight, for tests
        # of how many requests a client keeps in flight at once.
        with self.server.log_lock:
            self.server.in_flight += 1
            in_flight = self.server.in_flight
        try:
            return self._handle(method, path, api, in_flight)
        finally:
            with self.server.log_lock:
                self.server.in_flight -= 1

    def _handle(self, method, path, api, in_flight):
        if api.latency:
            time.sleep(api.latency)  # a distant service's round trip (limits.py); other threads run meanwhile
        retry_after = api.licence.take(self.client_address[0]) if api.licence is not None else None
        try:
            body = self._read_body()  # read whatever the answer, so that the connection stays usable
            if retry_after is not None:
                raise rate_limited(retry_after)  # the licence's budget is spent (limits.py), before anything else
            status, headers, body = api.handle(method, self.path, self.headers, body)
        except APIError as exc:
            status, headers, body = exc.status, exc.headers, exc.body()
        except Exception as exc:  # noqa: BLE001 - a test server answers 500 and says which exception, never its text
            sys.stderr.write('unexpected %s on %s %s\n' % (type(exc).__name__, method, path))
            error = APIError(500)
            status, headers, body = 500, {}, error.body()
        # Logged before the answer goes out: a client that has its answer finds the request in the log.
        line = json.dumps({'method': method, 'path': path, 'query': urlsplit(self.path).query, 'status': status, 'in_flight': in_flight}) + '\n'
        with self.server.log_lock:
            with open(self.server.log_path, 'a') as f:
                f.write(line)
        self._send(status, headers, body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch


def main(argv=None):
    """Run the server described by the config file in argv[0]."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write('usage: python -m servers.pingone_api.server CONFIG_JSON\n')
        return 2
    with open(argv[0]) as f:
        config = json.load(f)
    api = API(config, scim_server.Introspector(config), scim_server.IntrospectionUnavailable)
    server = ThreadingHTTPServer((config.get('host', '127.0.0.1'), int(config.get('port', 0))), Handler)
    server.daemon_threads = True
    server.api, server.log_path, server.log_lock, server.in_flight = api, config['log_path'], threading.Lock(), 0
    open(server.log_path, 'a').close()
    api.base_url = '%s://%s:%d' % ('https' if config.get('tls_cert') else 'http', config.get('host', '127.0.0.1'), server.server_address[1])
    return scim_server.serve(server, config)


if __name__ == '__main__':
    sys.exit(main())
