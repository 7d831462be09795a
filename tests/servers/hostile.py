# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small HTTP(S) server whose routes misbehave on purpose, for the field-hardening tests.

A certified OP or SCIM server cannot be made to trickle its answer, send a page that never ends, link
to another origin, downgrade discovery to http, echo the request in its error or lie about its clock.
This one serves, in a thread of the test process, whatever each test's handlers say, over TLS (a
throwaway CA from the OP harness, op/harness.py make_ca) or plain HTTP, and records every request it received::

    with Hostile(tmp_path) as server:
        server.route('POST', '/token', lambda req: (200, {'Content-Type': 'application/json'}, b'{...}'))
        ...
        assert server.requests[0].form['client_assertion'] ...

A handler takes a ``Request`` and returns ``(status, headers, body)``. ``body`` is bytes, a str, or an
iterable of bytes that is streamed as it is produced (for trickling or endless answers; the connection
closes at its end). Unrouted paths answer 404. Everything binds to 127.0.0.1. Connections close after
each answer, unless ``keep_alive=True``: then HTTP/1.1 keep-alive, and ``Request.peer`` tells which
connection each request came on.
"""

from __future__ import annotations

import http.server
import json
import socketserver
import ssl
import threading
import time
from urllib.parse import parse_qs, urlsplit

from .op.harness import make_ca


class Request:
    """What the server received: method, path, query, headers and body."""

    def __init__(self, method, target, headers, body, peer=None):
        parts = urlsplit(target)
        self.peer = peer
        self.method = method
        self.path = parts.path
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.headers = headers
        self.body = body
        self.at = time.time()

    @property
    def form(self):
        """The body as a form (token requests)."""
        return {k: v[0] for k, v in parse_qs(self.body.decode('utf-8', 'replace')).items()}

    @property
    def json(self):
        return json.loads(self.body.decode('utf-8'))


def json_answer(status, document, **headers):
    """A JSON answer for a handler to return."""
    return status, dict({'Content-Type': 'application/json'}, **headers), json.dumps(document).encode('utf-8')


def trickle(chunk=b' ', every=0.5, count=200, then=b''):
    """A body that sends ``chunk`` every ``every`` seconds, ``count`` times, then ``then``."""
    for _sent in range(count):
        yield chunk
        time.sleep(every)
    yield then


def endless(chunk=b'x' * 65536):
    """A body that never ends (the client must give up first)."""
    while True:
        yield chunk


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'

    def log_message(self, *args):  # quiet: the recorded requests are the log
        pass

    def setup(self):
        super().setup()
        if self.server.owner.keep_alive:
            self.protocol_version = 'HTTP/1.1'

    def _dispatch(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        request = Request(self.command, self.path, dict(self.headers.items()), body, self.client_address)
        server = self.server.owner
        server.requests.append(request)
        handler = server.routes.get((self.command, request.path)) or server.routes.get(('*', request.path))
        if handler is None:
            status, headers, payload = json_answer(404, {'error': 'not_found', 'path': request.path})
        else:
            status, headers, payload = handler(request)
        try:
            # A handler may set its own Date (a skewed clock); only then is the real one left out.
            self.send_response_only(status)
            if 'Date' not in (headers or {}):
                self.send_header('Date', self.date_time_string())
            streamed = not isinstance(payload, (bytes, str))
            if isinstance(payload, str):
                payload = payload.encode('utf-8')
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if not streamed and 'Content-Length' not in (headers or {}):
                self.send_header('Content-Length', str(len(payload)))
            if streamed or not self.server.owner.keep_alive:
                self.send_header('Connection', 'close')
                self.close_connection = True
            self.end_headers()
            if streamed:
                for chunk in payload:
                    self.wfile.write(chunk)
                    self.wfile.flush()
            else:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass  # the client gave up, which is what most of these tests want

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Hostile:
    """A threaded server on 127.0.0.1 (TLS unless ``tls=False``) with per-test routes."""

    def __init__(self, workdir, tls=True, keep_alive=False):
        self.keep_alive = keep_alive
        self.routes = {}
        self.requests = []
        self._server = _Server(('127.0.0.1', 0), _Handler)
        self._server.owner = self
        self.ca_path = None
        if tls:
            self.ca_path, cert_path, key_path = make_ca(str(workdir))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_path, key_path)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self.base_url = f'{"https" if tls else "http"}://127.0.0.1:{self.port}'
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path):
        return self.base_url + path

    def route(self, method, path, handler):
        """Serve ``handler`` for ``method`` (or '*') on ``path``; returns the full URL."""
        self.routes[(method, path)] = handler
        return self.url(path)

    def received(self, path=None, method=None):
        return [r for r in self.requests if (path is None or r.path == path) and (method is None or r.method == method)]

    def reset(self):
        self.routes.clear()
        del self.requests[:]

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
