# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_http.client: the HttpClient carries out the retry policy, through a throttle when one is set."""

from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ansible_collections.jwtauth.oidc.plugins.module_utils._http import client as http_client
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import Throttle, Turn


@pytest.mark.parametrize(
    'validate_certs, ca_path, expected',
    [
        (True, None, True),
        (True, '/etc/ca.pem', '/etc/ca.pem'),
        (False, '/etc/ca.pem', False),
        (False, None, False),
    ],
)
def test_make_verify(validate_certs, ca_path, expected):
    assert http_client.make_verify(validate_certs, ca_path) == expected


class Answers:
    """A stand-in for HttpClient._send_once: the statuses to answer, in order, each with Retry-After: 1."""

    def __init__(self, *statuses):
        self.statuses = list(statuses)

    def __call__(self, method, url, kwargs, timeout):
        response = requests.models.Response()
        response.status_code = self.statuses.pop(0)
        response.headers['Retry-After'] = '1'
        response._content = b'{}'
        return response


def test_with_a_throttle_a_429_pauses_through_the_throttle_not_a_sleep(monkeypatch):
    """Parallel writes share the pause: the 429's Retry-After goes to the throttle, which every request waits for."""
    sleeps = []
    client = http_client.HttpClient(sleep=sleeps.append)
    client.throttle = Throttle(4, clock=lambda: 0.0)
    waits = []
    monkeypatch.setattr(client.throttle, 'acquire', lambda max_pause: waits.append((client.throttle.bucket.not_before, max_pause)) or Turn(0.0, 0.0))
    monkeypatch.setattr(client, '_send_once', Answers(429, 503, 201))
    assert client.request('POST', 'https://api.example/v2/Users', 'create').status_code == 201
    # The 429 set the shared pause (no sleep of its own); the 503 with Retry-After is this request's own wait. Each
    # acquire may pause the request for what is left of retries x retry_after_max (3 x 30 s).
    assert sleeps == [1.0] and waits == [(0.0, 90.0), (1.0, 90.0), (1.0, 90.0)] and client.throttle.limit == 2
    assert client.context.warnings == ['Create at https://api.example/v2/Users: retried 2 times after HTTP 429, HTTP 503']


def _connection_error(reason):
    return requests.exceptions.ConnectionError(MaxRetryError(None, '/token', reason))


@pytest.mark.parametrize(
    'exc, reason_part, never_sent',
    [
        (_connection_error(NewConnectionError(None, 'Failed to establish a new connection: [Errno 111] Connection refused')), 'connection refused', True),
        (_connection_error(NewConnectionError(None, 'Failed to resolve host')), 'could not be resolved', True),
        (requests.exceptions.ConnectTimeout('x'), 'timed out connecting', True),
        (requests.exceptions.ReadTimeout('x'), 'no answer within the timeout', False),
        (requests.exceptions.SSLError('certificate verify failed: self-signed certificate'), 'ca_path', False),
        (_connection_error(ConnectionResetError('reset by peer')), 'connection lost', False),
        (requests.exceptions.ProxyError(MaxRetryError(None, '/token', ConnectionRefusedError('http://user:pw@proxy:3128'))), 'HTTPS_PROXY', True),
    ],
)
def test_describe_transport_error(exc, reason_part, never_sent):
    reason, sent = http_client.describe_transport_error(exc)
    assert reason_part in reason and 'pw@' not in reason
    assert sent is never_sent
