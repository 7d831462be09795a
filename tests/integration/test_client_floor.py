# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP client at the floor: its CA bundle loaded once, its connections kept, as many as its requests in flight.

Counts at a server of this test process (tests/servers/hostile.py): CA bundle loads, and the connections requests came on.
"""

from __future__ import annotations

import ssl
import threading
import time

import pytest

from servers.hostile import Hostile, json_answer

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import TransportError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import http_client_for


@pytest.fixture
def bundle_loads(monkeypatch):
    """The CA bundles TLS contexts load, in order (urllib3 loads ca_certs into the context of each new connection)."""
    loads = []
    real = ssl.SSLContext.load_verify_locations

    def counted(self, cafile=None, capath=None, cadata=None):
        loads.append(cafile or capath)
        return real(self, cafile, capath, cadata)

    monkeypatch.setattr(ssl.SSLContext, 'load_verify_locations', counted)
    return loads


def test_the_ca_bundle_is_loaded_once_for_every_new_connection(hostile_server, bundle_loads):
    """A server that closes every connection: ten requests, ten TLS handshakes, one load of ca_path (before: ten,
    about 1.2 ms each for a bundle of a few hundred certificates, issue 27)."""
    hostile_server.route('GET', '/thing', lambda request: json_answer(200, {'ok': True}))
    client = HttpClient(ca_path=hostile_server.ca_path)
    for _request in range(10):
        assert client.request('GET', hostile_server.url('/thing'), 'read the thing').status_code == 200
    assert len({request.peer for request in hostile_server.received('/thing')}) == 10
    assert bundle_loads == [hostile_server.ca_path]


def test_verification_still_refuses_a_server_the_bundle_does_not_vouch_for(hostile_server, tmp_path):
    """The shared context verifies as urllib3's own: a server signed by another CA is refused, naming ca_path."""
    hostile_server.route('GET', '/thing', lambda request: json_answer(200, {'ok': True}))
    with Hostile(tmp_path / 'other') as other:
        client = HttpClient(ca_path=other.ca_path, retries=0)
        with pytest.raises(TransportError, match='TLS certificate verification failed.*set ca_path'):
            client.request('GET', hostile_server.url('/thing'), 'read the thing')


def test_parallel_requests_keep_their_connections(tmp_path):
    """Sixteen requests at once, three times, on kept-alive connections: sixteen connections in all. Before, the pool
    kept ten and closed the other six after each round (requests' default pool size), so every round paid six more
    TLS handshakes."""
    with Hostile(tmp_path / 'kept', keep_alive=True) as server:
        server.route('GET', '/slow', lambda request: (time.sleep(0.2), json_answer(200, {'ok': True}))[1])
        client = http_client_for(options_of({'ca_path': server.ca_path, 'parallel': 16}))  # as a task with parallel 16 gets it
        for _round in range(3):
            threads = [threading.Thread(target=client.request, args=('GET', server.url('/slow'), 'read slowly')) for _request in range(16)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        assert len(server.received('/slow')) == 48
        assert len({request.peer for request in server.received('/slow')}) == 16
