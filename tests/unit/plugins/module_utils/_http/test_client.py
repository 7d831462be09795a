# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import email.utils

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import client as http_client
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import Throttle

NOW = 1_800_000_000.0


def half():
    return 0.5


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


@pytest.mark.parametrize(
    'value, expected',
    [
        (None, None),
        ('3', 3.0),
        (' 12 ', 12.0),
        (email.utils.formatdate(NOW + 7, usegmt=True), 7.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
        ('soon', None),
        ('-1', None),
    ],
)
def test_parse_retry_after(value, expected):
    assert http_client.parse_retry_after(value, now=NOW) == expected


# status, Retry-After, attempt, retries, single_use -> delay (None: do not resend)
RETRY_TABLE = [
    (200, None, 0, 3, False, None),
    (400, None, 0, 3, False, None),
    (401, None, 0, 3, False, None),
    (429, '2', 0, 3, False, 2.0),
    (429, '2', 0, 3, True, 2.0),
    (429, None, 1, 3, True, 0.5),  # backoff: 0.5 * min(8, 0.5 * 2**1)
    (429, '2', 3, 3, False, None),  # retries used up
    (429, '120', 0, 3, False, None),  # too long to wait
    (503, '1', 0, 3, True, 1.0),
    (503, None, 0, 3, True, None),  # may have come from a proxy after forwarding
    (503, None, 0, 3, False, 0.25),
    (500, None, 0, 3, False, 0.25),
    (500, None, 0, 3, True, None),  # the code may have been redeemed
    (502, '1', 0, 3, True, None),
    (504, None, 2, 3, False, 1.0),
    (408, None, 0, 3, True, None),
    (408, None, 0, 3, False, 0.25),
    (429, '1', 0, 0, False, None),  # retries disabled
]


@pytest.mark.parametrize('status, retry_after, attempt, retries, single_use, expected', RETRY_TABLE)
def test_retry_delay(status, retry_after, attempt, retries, single_use, expected):
    headers = {'Retry-After': retry_after} if retry_after is not None else {}
    assert http_client.retry_delay(status, headers, attempt, retries, single_use, rand=half) == expected


@pytest.mark.parametrize('retry_after, cap, expected', [('120', 30, None), ('120', 120, 120.0), ('31', 30, None), ('30', 30, 30.0)])
def test_retry_after_max_is_the_cap(retry_after, cap, expected):
    assert http_client.retry_delay(429, {'Retry-After': retry_after}, 0, 3, False, rand=half, cap=cap) == expected


@pytest.mark.parametrize('url', ['https://admin:Pa55word@api.example/v2/Users', 'https://token@api.example/v2/Users', 'http://u:p@127.0.0.1:8080/x'])
def test_a_url_with_user_credentials_is_refused_without_showing_them(url):
    with pytest.raises(ConfigurationError) as caught:
        http_client.check_url(url, 'the url option', allow_plain_http=True)
    assert str(caught.value).startswith('Refusing {0}://***@'.format(url.split(':')[0]))
    assert 'Pa55word' not in str(caught.value) + str(caught.value.details) and 'token@' not in str(caught.value)
    assert 'user credentials (user:password@)' in str(caught.value)


class Answers:
    """A stand-in for HttpClient._send_once: the statuses to answer, in order, each with Retry-After: 1."""

    def __init__(self, *statuses):
        self.statuses = list(statuses)

    def __call__(self, method, url, kwargs):
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
    monkeypatch.setattr(client.throttle, 'acquire', lambda: waits.append(client.throttle.not_before))
    monkeypatch.setattr(client, '_send_once', Answers(429, 503, 201))
    assert client.request('POST', 'https://api.example/v2/Users', 'create').status_code == 201
    # The 429 set the shared pause (no sleep of its own); the 503 with Retry-After is this request's own wait.
    assert sleeps == [1.0] and waits == [0.0, 1.0, 1.0] and client.throttle.limit == 2
    assert client.warnings == ['Create at https://api.example/v2/Users: retried 2 times after HTTP 429, HTTP 503']


def test_backoff_is_capped():
    assert http_client.backoff_delay(20, rand=lambda: 1.0) == http_client.BACKOFF_CAP


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
    ],
)
def test_describe_transport_error(exc, reason_part, never_sent):
    reason, sent = http_client.describe_transport_error(exc)
    assert reason_part in reason
    assert sent is never_sent
