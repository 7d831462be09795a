# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test servers' token introspection (tests/servers/scim/server.py Introspector, which the PingOne test server uses
too): a request whose connection closes before any answer is sent once more, on a new connection, with a new
assertion. Node (the test OP) closes a kept-alive connection idle for 5 s; a request sent on it as it closes got no
answer, and the server under test answered its client 503 for it, once in some thousands of requests."""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import parse_qs

import jwt

from servers.scim.server import Introspector


def test_an_introspection_whose_connection_closes_unanswered_is_sent_again():
    listener = socket.create_server(('127.0.0.1', 0))
    port = listener.getsockname()[1]
    assertions = []

    def serve():
        for number in range(2):
            connection, _address = listener.accept()
            with connection:
                data = b''
                while b'\r\n\r\n' not in data:
                    data += connection.recv(65536)
                head, _sep, body = data.partition(b'\r\n\r\n')
                length = int([line.split(b':')[1] for line in head.split(b'\r\n') if line.lower().startswith(b'content-length')][0])
                while len(body) < length:
                    body += connection.recv(65536)
                assertions.append(parse_qs(body.decode())['client_assertion'][0])
                if number == 0:
                    continue  # closed without a word, as a kept-alive connection closed by its server
                answer = json.dumps({'active': True, 'exp': int(time.time()) + 60, 'scope': 'scim'}).encode()
                connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' % (len(answer), answer))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    introspector = Introspector({'introspection_endpoint': f'http://127.0.0.1:{port}/token/introspection', 'client_id': 'rs', 'client_secret': 's' * 32})
    assert introspector.introspect('a-token')['active'] is True
    thread.join(5)
    listener.close()
    jtis = [jwt.decode(assertion, options={'verify_signature': False})['jti'] for assertion in assertions]
    assert len(jtis) == 2 and jtis[0] != jtis[1]
