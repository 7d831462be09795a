# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Serve scim2-server (in-memory User and Group) behind OAuth bearer tokens checked by introspection at the test OP.

Usage, from tests/: ``python -m servers.scim.server CONFIG_JSON`` (normally started by harness.SCIMServer). Needs
Python 3.11+ with scim2-server, requests and PyJWT. Config keys: host, port (0 = ephemeral), ready_path, log_path,
introspection_endpoint, ca_path, client_id, client_secret, signing_alg (HS256), cache_seconds (3),
fail_first ({"POST /v2/Users": [503, 1]}: the first 1 authorized POST /v2/Users answers 503 with Retry-After: 1
before the SCIM handler runs; a path ending in * matches a prefix; requests refused with 401/403 do not count).
The environment variable SCIM_SERVER_FAIL_FIRST (same JSON) is merged over the config's fail_first.
control_secret: ``POST /_control/reset`` with header ``X-Test-Control: <control_secret>`` and a JSON body
``{"fail_first": {...}, "list_cap": N, "bare_create": true}`` (and the bench keys below) empties the storage, the request log and the
introspection cache and arms those faults, so one server serves many tests (it takes seconds to start, a reset
milliseconds). It is not logged.
list_cap makes every list and search of a collection (GET, with or without filter, and POST .../.search) behave as
PingOne's SCIM API does: at most N resources per answer, from the first, whatever startIndex asks, with the real
totalResults. PingOne documents a limit of 200 and no startIndex paging for list and search ("Read All SCIM Users"
and "Read All SCIM Users (search)": "The response is limited to a maximum of 200 results",
https://developer.pingidentity.com/pingone-api/platform/scim/scim-users/read-all-scim-users-search.html).
bare_create answers a create (POST /v2/Users or /v2/Groups, 201) with its Location header and no body, as APIs
that answer 201 with Location only do (RFC 9110 section 15.3.2), so the client must read the object back.
Two keys exist for benchmarks (bench/scim_scale.py) and are off unless given, in the config or the reset body:
delay_ms (0) holds every logged request that long before anything else runs, as a network round trip would; the
server is threaded, so concurrent requests wait out their delays side by side. index_filters (false) stores the
objects in an ``IndexedStorage``, which answers a pure ``userName eq "a" or userName eq "b" ...`` filter from an
index rather than by matching every stored object (scim2-server indexes only a single ``eq``): numbers from it are
those of an "indexed test server", for the client's own cost where the plain server's filter scans dominate.

Every request needs a bearer token that the OP reports active: 401 otherwise. Reads need scope api:read or
api:write, writes (POST/PUT/PATCH/DELETE except POST .../.search) need api:write: 403 otherwise.
One JSON line per request goes to log_path: method, path (no query string), status, query (bool).
Exits on SIGTERM/SIGINT and when stdin reaches EOF (the parent died).
"""

import hashlib
import io
import hmac
import json
import os
import signal
import ssl
import sys
import threading
import time
import uuid
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, make_server

import jwt
import requests
from scim2_models import ForbiddenException, SCIMException, ScimProvider, UnauthorizedException
from scim2_models.path import CompareOperator, Comparison, LogicalExpr, LogicalOperator
from scim2_server.applications.wsgi import WSGIApplication
from scim2_server.handler import ScimHandler
from scim2_server.memory import InMemoryStorage
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME
from scim2_server.testserver.cli import ThreadingWSGIServer
from scim2_server.utils import load_default_resource_types, load_default_schemas, load_default_service_provider_config

ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'
ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
WRITE_METHODS = ('POST', 'PUT', 'PATCH', 'DELETE')
READ_SCOPES = {'api:read', 'api:write'}
WRITE_SCOPE = 'api:write'
CONTROL_PATH = '/_control/reset'
LIST_PATHS = ('/v2/Users', '/v2/Groups')


class IntrospectionUnavailable(SCIMException):
    """The OP could not be asked about a token."""

    status = 503
    _default_detail = 'Token introspection failed'


class Introspector(object):
    """RFC 7662 client authenticated with client_secret_jwt, with a short per-token cache."""

    def __init__(self, config):
        self.endpoint = config['introspection_endpoint']
        self.ca_path = config.get('ca_path')
        self.client_id = config['client_id']
        self.client_secret = config['client_secret']
        self.alg = config.get('signing_alg') or 'HS256'
        self.cache_seconds = float(config.get('cache_seconds', 3))
        self.cache = {}
        self.lock = threading.Lock()
        self.session = requests.Session()

    def clear(self):
        """Forget every cached answer."""
        with self.lock:
            self.cache.clear()

    def assertion(self):
        """A fresh client_secret_jwt assertion for the introspection endpoint."""
        now = int(time.time())
        claims = {'iss': self.client_id, 'sub': self.client_id, 'aud': self.endpoint, 'iat': now, 'exp': now + 60, 'jti': str(uuid.uuid4())}
        return jwt.encode(claims, self.client_secret, algorithm=self.alg)

    def post(self, token):
        """The introspection request, sent again once on a connection that failed before any answer: Node closes a
        kept-alive connection idle for 5 s (keepAliveTimeout), and a request sent on it as it closes gets no answer
        (RemoteDisconnected). Introspection changes nothing at the OP, so it may be sent again, with a new assertion (its
        jti may have been seen)."""
        try:
            return self.send(token)
        except requests.ConnectionError:
            sys.stderr.write('introspection: connection lost before an answer, sent again\n')
        return self.send(token)

    def send(self, token):
        data = {'client_id': self.client_id, 'client_assertion_type': ASSERTION_TYPE, 'client_assertion': self.assertion(), 'token': token}
        return self.session.post(self.endpoint, data=data, verify=self.ca_path or True, timeout=10, headers={'Accept': 'application/json'})

    def introspect(self, token):
        """The OP's introspection answer for a token (dict), possibly cached; inactive once past exp."""
        key = hashlib.sha256(token.encode('utf-8')).hexdigest()
        now = time.time()
        with self.lock:
            hit = self.cache.get(key)
            if hit is not None and hit[0] > now:
                return hit[1]
        try:
            resp = self.post(token)
            resp.raise_for_status()
            result = resp.json()
        except (requests.RequestException, ValueError) as exc:
            sys.stderr.write('introspection failed: %s\n' % type(exc).__name__)
            raise IntrospectionUnavailable()
        if not isinstance(result, dict):
            raise IntrospectionUnavailable()
        until = now + self.cache_seconds
        if result.get('active') and isinstance(result.get('exp'), (int, float)):
            until = min(until, result['exp'])
        with self.lock:
            if len(self.cache) > 10000:
                self.cache.clear()
            self.cache[key] = (until, result)
        return result


class IndexedStorage(InMemoryStorage):
    """Bench only (index_filters): InMemoryStorage that also answers an ``or`` of ``eq`` terms from its equality index.

    InMemoryStorage matches such a filter against every stored object (a 50-term filter over 10,000 users takes
    seconds); this walks only the objects the index holds under each term's value. The filter still runs on them.
    """

    def _candidates(self, names, scim_filter):
        node = scim_filter.ast if scim_filter is not None and scim_filter.model is not None else None
        if len(names) != 1 or not isinstance(node, LogicalExpr) or node.op != LogicalOperator.or_:
            return super()._candidates(names, scim_filter)
        found = {}
        resources = self._resources.get(names[0], {})
        for term in node.terms:
            binding = scim_filter.resolve_comparison(term.attr_path, strict=False) if isinstance(term, Comparison) else None
            if binding is None or term.op != CompareOperator.eq or not isinstance(term.value, str) or binding.is_multivalued or binding.target_type is not str:
                return super()._candidates(names, scim_filter)
            try:
                value = binding.comparable(term.value)
            except ValueError:
                continue
            for resource_id in self._equality_index(names[0], binding).get(value, ()):
                found[resource_id] = resources[resource_id]
        return list(found.values())


class OAuthService(ScimService):
    """ScimService whose 401 challenge is an RFC 6750 invalid_token one."""

    def www_authenticate(self, exception):
        return 'Bearer error="invalid_token"'


class OAuthApplication(WSGIApplication):
    """scim2-server WSGI app that checks bearer tokens by introspection, scopes by method, then injected faults."""

    def __init__(self, storage, provider, service, introspector, faults=None):
        super().__init__(storage, provider, service)
        self.list_cap = None
        self.bare_create = False
        self.delay_seconds = 0.0
        self.index_filters = False
        self.introspector = introspector
        self.faults = faults or []
        self.fault_lock = threading.Lock()

    def reset(self, fail_first, list_cap=None, bare_create=False, delay_ms=0, index_filters=False):
        """Empty storage, no cached introspection, these faults armed, lists capped or not (the test control route);
        delay_ms and index_filters are for benchmarks (see the module docstring)."""
        with self.fault_lock:
            self.faults = parse_fail_first({'fail_first': fail_first})
        self.list_cap = int(list_cap) if list_cap else None
        self.bare_create = bool(bare_create)
        self.delay_seconds = float(delay_ms or 0) / 1000.0
        self.index_filters = bool(index_filters)
        self.storage = IndexedStorage() if self.index_filters else InMemoryStorage()
        self.handler = ScimHandler(self.service, self.storage)
        self.introspector.clear()

    def needs_auth(self, request):
        return True  # every endpoint, /ServiceProviderConfig included

    def check_auth(self, request):
        scheme, token = ((request.header('Authorization') or '').split(None, 1) + ['', ''])[:2]
        token = token.strip()
        if scheme.lower() != 'bearer' or not token:
            raise UnauthorizedException(detail='Missing bearer token')
        info = self.introspector.introspect(token)
        exp = info.get('exp')
        if not info.get('active') or (isinstance(exp, (int, float)) and exp <= time.time()):
            raise UnauthorizedException(detail='Invalid or inactive bearer token')
        scopes = set((info.get('scope') or '').split())
        method = request.method.upper()
        if method in WRITE_METHODS and not request.path.rstrip('/').endswith('/.search'):
            if WRITE_SCOPE not in scopes:
                raise ForbiddenException(detail='Scope %s is required for %s' % (WRITE_SCOPE, method))
        elif not scopes & READ_SCOPES:
            raise ForbiddenException(detail='Scope api:read or api:write is required')

    def take_fault(self, method, path):
        """Status of the first armed fault matching METHOD and the raw path (consumed), else None."""
        with self.fault_lock:
            for fault in self.faults:
                want_method, want_path, status, left = fault
                if left <= 0 or want_method != method:
                    continue
                if path == want_path or (want_path.endswith('*') and path.startswith(want_path[:-1])):
                    fault[3] -= 1
                    return status
        return None

    def dispatch_request(self, request):
        self.check_auth(request)
        status = self.take_fault(request.method.upper(), getattr(request, 'raw_path', request.path))
        if status is not None:
            body = {'schemas': [ERROR_SCHEMA], 'status': str(status), 'detail': 'Injected fault'}
            return ScimResponse(HTTPStatus(status), body, {'Retry-After': '1'})
        response = self.handler.handle(request)
        if self.bare_create and request.method.upper() == 'POST' and response.status == HTTPStatus.CREATED:
            response = ScimResponse(HTTPStatus.CREATED, None, {'Location': response.headers['Location']})
        return response

    def read_request(self, environ):
        path, method = environ.get('PATH_INFO', '').rstrip('/'), environ.get('REQUEST_METHOD')
        if self.list_cap and method == 'GET' and path in LIST_PATHS:
            query = dict(parse_qsl(environ.get('QUERY_STRING', '')))
            count = min(int(query.get('count') or self.list_cap), self.list_cap)
            environ = dict(environ, QUERY_STRING=urlencode(dict(query, startIndex=1, count=count)))
        elif self.list_cap and method == 'POST' and path.endswith('/.search') and path[: -len('/.search')] in LIST_PATHS:
            length = int(environ.get('CONTENT_LENGTH') or 0)
            body = json.loads(environ['wsgi.input'].read(length) or b'{}')
            body.update(startIndex=1, count=min(int(body.get('count') or self.list_cap), self.list_cap))
            data = json.dumps(body).encode()
            environ = dict(environ, CONTENT_LENGTH=str(len(data)))
            environ['wsgi.input'] = io.BytesIO(data)
        request = super().read_request(environ)
        request.raw_path = environ.get('PATH_INFO', '')
        return request


def parse_fail_first(config):
    """{"METHOD /path": [status, n]} from config and SCIM_SERVER_FAIL_FIRST, as a list of [method, path, status, left]."""
    spec = dict(config.get('fail_first') or {})
    env = os.environ.get('SCIM_SERVER_FAIL_FIRST')
    if env:
        spec.update(json.loads(env))
    faults = []
    for key, value in spec.items():
        method, path = (key.split(None, 1) + [''])[:2]
        status, count = (list(value) + [1])[:2] if isinstance(value, (list, tuple)) else (value, 1)
        faults.append([method.upper(), path.strip(), int(status), int(count)])
    return faults


class RequestLog(object):
    """WSGI wrapper writing one JSON line per request (method, path without query, status, query flag).

    It also answers the unlogged test control route (CONTROL_PATH), which empties the log.
    """

    def __init__(self, app, log_path, control_secret=None):
        self.app = app
        self.log_path = log_path
        self.control_secret = control_secret
        self.lock = threading.Lock()

    def control(self, environ, start_response):
        """POST CONTROL_PATH: reset the application and the log; 403 without the control secret."""
        given = environ.get('HTTP_X_TEST_CONTROL', '')
        if not self.control_secret or not hmac.compare_digest(given.encode(), self.control_secret.encode()):
            start_response('403 Forbidden', [('Content-Length', '0')])
            return [b'']
        length = int(environ.get('CONTENT_LENGTH') or 0)
        body = json.loads(environ['wsgi.input'].read(length) or b'{}')
        with self.lock:
            self.app.reset(body.get('fail_first'), body.get('list_cap'), body.get('bare_create'), body.get('delay_ms'), body.get('index_filters'))
            open(self.log_path, 'w').close()
        start_response('204 No Content', [('Content-Length', '0')])
        return [b'']

    def log(self, method, path, status, query):
        line = json.dumps({'method': method, 'path': path, 'status': status, 'query': query}) + '\n'
        with self.lock:
            with open(self.log_path, 'a') as f:
                f.write(line)

    def __call__(self, environ, start_response):
        method = environ.get('REQUEST_METHOD', 'GET').upper()
        path = environ.get('PATH_INFO', '')
        query = bool(environ.get('QUERY_STRING'))
        if method == 'POST' and path == CONTROL_PATH:
            return self.control(environ, start_response)
        if self.app.delay_seconds:
            time.sleep(self.app.delay_seconds)  # the round trip of a distant service; other threads run meanwhile
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen['status'] = int(status.split(' ', 1)[0])
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, recording_start_response)
            # One block: wsgiref then gives the answer its Content-Length, and the connection can serve the next request.
            body = b''.join(result)
            if hasattr(result, 'close'):
                result.close()
        except Exception:
            self.log(method, path, 500, query)
            raise
        self.log(method, path, seen.get('status', 500), query)
        return [body]


class FramedServerHandler(ServerHandler):
    """wsgiref's handler, answering in HTTP/1.1 and noting whether the answer says its length (Content-Length)."""

    http_version = '1.1'
    framed = False

    def cleanup_headers(self):
        super().cleanup_headers()
        self.framed = 'Content-Length' in self.headers


class QuietHandler(WSGIRequestHandler):
    """HTTP/1.1 with kept-alive connections, and no access log on stderr (the JSON log replaces it).

    wsgiref's own handler answers one request a connection in HTTP/1.0, so every request of a benchmark paid a TCP and
    TLS handshake, which no real service makes a client pay. Here a connection serves requests until the client closes
    it or asks to (RFC 9112 section 9.3), as long as each answer says its length (RequestLog gives every answer a
    Content-Length); the request body is read whole first, so that what the application leaves unread cannot be taken
    for the next request.
    """

    protocol_version = 'HTTP/1.1'
    # wsgiref writes the status line, the headers and the body apart: with Nagle's algorithm each later write waited for
    # the client's delayed ACK, 40 ms a request on a kept-alive connection (RFC 1122 section 4.2.3.2 and 4.2.3.4).
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def handle(self):
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection:
            self.handle_one_request()

    def handle_one_request(self):
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ''
            self.send_error(414)
            return
        if not self.parse_request():  # an error was sent, and the connection is to close
            return
        try:
            length = int(self.headers.get('Content-Length') or 0)
        except ValueError:
            self.send_error(400)
            return
        body = io.BytesIO(self.rfile.read(length) if length > 0 else b'')
        handler = FramedServerHandler(body, self.wfile, self.get_stderr(), self.get_environ(), multithread=False)
        handler.request_handler = self  # backpointer for logging
        handler.run(self.server.get_app())
        if not handler.framed:
            self.close_connection = True

    def get_environ(self):
        env = super().get_environ()
        if isinstance(self.connection, ssl.SSLSocket):
            # wsgiref derives wsgi.url_scheme from HTTPS, and scim2-server builds meta.location from that.
            env['HTTPS'] = 'on'
        return env


def build_app(config):
    """The logged SCIM application for a config dict."""
    spc = load_default_service_provider_config()
    spc.authentication_schemes = [BEARER_TOKEN_SCHEME]
    provider = ScimProvider.from_discovery(load_default_schemas().values(), load_default_resource_types().values(), config=spc)
    service = OAuthService(provider, secret=os.environ.get('SCIM2_SERVER_SECRET') or uuid.uuid4().hex)
    storage = IndexedStorage() if config.get('index_filters') else InMemoryStorage()
    app = OAuthApplication(storage, provider, service, Introspector(config), parse_fail_first(config))
    app.delay_seconds = float(config.get('delay_ms') or 0) / 1000.0
    app.index_filters = bool(config.get('index_filters'))
    return RequestLog(app, config['log_path'], config.get('control_secret'))


def _watch_stdin(server):
    # Raw fd reads: a daemon thread blocked in sys.stdin.buffer would abort interpreter shutdown.
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    threading.Thread(target=server.shutdown, daemon=True).start()


def main(argv=None):
    """Run the server described by the config file in argv[0]."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write('usage: python -m servers.scim.server CONFIG_JSON\n')
        return 2
    with open(argv[0]) as f:
        config = json.load(f)
    app = build_app(config)
    server = make_server(config.get('host', '127.0.0.1'), int(config.get('port', 0)), app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    return serve(server, config)


def serve(server, config):
    """Serve until stopped (SIGTERM, SIGINT, or stdin closed: the harness's process ended); returns 0.

    Wraps the socket in TLS when the config names a certificate, and writes the ready file (port and pid) once
    listening. The PingOne API test server (servers/pingone_api/server.py) serves through this too.
    """
    if config.get('tls_cert'):
        # Bearer tokens go only over TLS, in tests as in the field (the OP's throwaway CA signs this cert too).
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(config['tls_cert'], config['tls_key'])
        server.socket = context.wrap_socket(server.socket, server_side=True)

    def on_signal(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if not config.get('ignore_stdin'):
        threading.Thread(target=_watch_stdin, args=(server,), daemon=True).start()
    ready_path = config.get('ready_path')
    if ready_path:
        tmp = ready_path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump({'port': server.server_address[1], 'pid': os.getpid()}, f)
        os.replace(tmp, ready_path)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
