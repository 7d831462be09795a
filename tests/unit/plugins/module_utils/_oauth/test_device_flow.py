# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import DeadlineError, OAuthError, ResponseError, TransportError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import device_flow
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.device_flow import DENIED, DONE, EXPIRED, FAILED, POLL, TIMEOUT
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import DEVICE_CODE as DEVICE_GRANT

TOKEN = 'https://op.example.test/as/token'
DEVICE_AUTHORIZATION = 'https://op.example.test/as/device_authorization'
# The aud the caller chose for the polls: not the token endpoint, to show the poller sends what it is given.
POLL_AUDIENCE = 'https://op.example.test/as'
DEVICE_CODE = 'device-code-secret-0123456789'

# RFC 8628 section 3.5: (answer, interval, now, deadline) -> (decision, next interval).
POLL_TABLE = [
    ('tokens', 5, 0, 100, DONE, 5),
    ('authorization_pending', 5, 0, 100, POLL, 5),
    ('slow_down', 5, 0, 100, POLL, 10),  # +5 s, for this and every later poll
    ('slow_down', 10, 0, 100, POLL, 15),
    ('transport', 5, 0, 100, POLL, 10),  # a lost answer doubles the interval
    ('transport', 200, 0, 1000, POLL, 300),  # up to the cap
    ('access_denied', 5, 0, 100, DENIED, 5),
    ('expired_token', 5, 0, 100, EXPIRED, 5),
    ('invalid_grant', 5, 0, 100, FAILED, 5),
    ('invalid_client', 5, 0, 100, FAILED, 5),
    ('authorization_pending', 5, 96, 100, TIMEOUT, 5),  # the next poll would come after the deadline
    ('authorization_pending', 5, 95, 100, TIMEOUT, 5),  # ... or exactly at it: it would have no time for its answer
    ('authorization_pending', 5, 94, 100, POLL, 5),
    ('slow_down', 5, 91, 100, TIMEOUT, 10),
]


def test_poll_step_table():
    wrong = [(row, device_flow.poll_step(*row[:4])) for row in POLL_TABLE if device_flow.poll_step(*row[:4]) != row[4:]]
    assert not wrong


def answer(status, body):
    return SimpleNamespace(status_code=status, headers={'Content-Type': 'application/json'}, text=json.dumps(body))


class FakeHttp:
    """Answers the polls from a script; a TransportError in it is raised instead."""

    def __init__(self, script):
        self.script = list(script)
        self.sent = []
        self.context = TaskContext()

    def request(self, method, url, what, build=None, **kwargs):
        self.sent.append(build()[0])
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


class FakeAuth:
    def __init__(self):
        self.assertions = 0
        self.audiences = []

    def apply(self, audience):
        self.assertions += 1
        self.audiences.append(audience)
        return {'client_id': 'c1', 'client_assertion': f'assertion-{self.assertions}'}, {}


class Clock:
    def __init__(self):
        self.now = 1000.0
        self.waits = []

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


AUTHORIZATION = device_flow.DeviceAuthorization(DEVICE_CODE, 'ABCD-EFGH', 'https://op.example.test/device', None, 60, 2)
PENDING = answer(400, {'error': 'authorization_pending'})
SLOW = answer(400, {'error': 'slow_down'})
TOKENS = answer(200, {'access_token': 'at-1', 'token_type': 'Bearer', 'expires_in': 300})


def poller(script, device_timeout=600):
    clock = Clock()
    http = FakeHttp(script)
    auth = FakeAuth()
    return device_flow.DevicePoller(http, auth, TOKEN, POLL_AUDIENCE, device_timeout, sleep=clock.sleep, clock=lambda: clock.now), clock, http, auth


def test_polls_at_the_interval_until_approved():
    device, clock, http, auth = poller([PENDING, SLOW, TransportError('lost', url=TOKEN), PENDING, TOKENS])
    tokens = device.poll(AUTHORIZATION, {'grant_type': DEVICE_GRANT})
    assert tokens['access_token'] == 'at-1'
    # 2 s as announced, 2 again after pending, 7 after slow_down, 14 after a lost answer, 14 again.
    assert clock.waits == [2, 2, 7, 14, 14]
    # Every poll carries the device code and a client assertion of its own, for the audience the caller chose.
    assert [form['device_code'] for form in http.sent] == [DEVICE_CODE] * 5
    assert len({form['client_assertion'] for form in http.sent}) == 5
    assert auth.audiences == [POLL_AUDIENCE] * 5


def test_authorize_signs_for_the_audience_it_is_given():
    device, _clock, http, auth = poller(
        [answer(200, {'device_code': DEVICE_CODE, 'user_code': 'WDJB-MJHT', 'verification_uri': 'https://op/d', 'expires_in': 60})]
    )
    found = device.authorize(DEVICE_AUTHORIZATION, 'openid', DEVICE_AUTHORIZATION)
    assert found.device_code == DEVICE_CODE and http.sent == [{'scope': 'openid', 'client_id': 'c1', 'client_assertion': 'assertion-1'}]
    assert auth.audiences == [DEVICE_AUTHORIZATION]


@pytest.mark.parametrize(
    'script, device_timeout, error, words',
    [
        ([PENDING, answer(400, {'error': 'access_denied'})], 600, 'access_denied', 'the user denied the request'),
        # The OP's expired_token says what the client's own deadline says (the OP's clock started first).
        ([PENDING, answer(400, {'error': 'expired_token'})], 600, 'expired_token', 'the device code expires after 60 s (expires_in), and the token endpoint'),
        ([PENDING, answer(400, {'error': 'expired_token'})], 9, 'expired_token', 'the device code expires after 60 s (expires_in), and the token endpoint'),
        ([PENDING] * 40, 600, 'expired_token', 'the device code expires after 60 s (expires_in)'),
        ([PENDING] * 40, 9, None, 'device_timeout is 9 s'),
    ],
)
def test_ends_without_tokens(script, device_timeout, error, words):
    device, clock, http, _auth = poller(script, device_timeout)
    with pytest.raises(OAuthError) as caught:
        device.poll(AUTHORIZATION, {'grant_type': DEVICE_GRANT})
    assert caught.value.error == error and words in str(caught.value)
    assert DEVICE_CODE not in str(caught.value)
    # The wait is bounded: never beyond the deadline.
    assert clock.now - 1000 <= min(60, device_timeout)


def test_authorization_response():
    good = {'device_code': DEVICE_CODE, 'user_code': 'WDJB-MJHT', 'verification_uri': 'https://op/device', 'expires_in': 1800}
    parsed = device_flow.parse_device_authorization(200, {}, json.dumps(good), 'https://op/device_authorization', 0)
    assert parsed.interval == 5  # RFC 8628 section 3.2: the default
    text = device_flow.instructions(parsed, 600)
    assert 'WDJB-MJHT' in text and 'https://op/device' in text and DEVICE_CODE not in text and 'up to 600 s' in text
    for key in ('user_code', 'expires_in'):
        with pytest.raises(ResponseError, match='lacks ' + key) as caught:
            device_flow.parse_device_authorization(200, {}, json.dumps(dict(good, **{key: None})), 'https://op/d', 0)
        assert DEVICE_CODE not in str(caught.value)


def test_refused_device_authorization():
    """Each row: status, headers, body, then the error class and the words its message must hold (all of them), or lack (a
    leading '!'). A refused client authentication reads as such, bare 401 included; unauthorized_client names both causes."""
    url = DEVICE_AUTHORIZATION
    prefix = f'Failed to start the device authorization grant at {url}: '
    json_type = {'Content-Type': 'application/json'}
    table = [
        (
            400,
            json_type,
            {'error': 'unauthorized_client'},
            OAuthError,
            [
                prefix + 'unauthorized_client [HTTP 400]; either the client registration does not allow the device authorization grant',
                'or the OP refused the client authentication sent here',
                'assertion_audience',
                '!the client registration does not allow this grant_type',
            ],
        ),
        (
            401,
            json_type,
            {'error': 'invalid_client', 'error_description': 'client authentication failed'},
            OAuthError,
            [prefix + 'invalid_client (client authentication failed) [HTTP 401]; check client_id', 'assertion_audience, audience, assertion_typ'],
        ),
        (
            401,
            {},
            '',
            ResponseError,
            [prefix + 'HTTP 401 with an empty answer, not an OAuth error response; the client authentication failed at this endpoint: check client_id'],
        ),
        (
            400,
            json_type,
            {'error': 'invalid_request', 'error_description': 'urn:ietf:params:oauth:grant-type:device_code is not allowed for this client'},
            OAuthError,
            [prefix + 'invalid_request (urn:ietf:params:oauth:grant-type:device_code is not allowed for this client) [HTTP 400]'],
        ),
        (
            503,
            {'Content-Type': 'text/html'},
            '<title>Down</title>',
            ResponseError,
            [prefix + 'HTTP 503 with a text/html answer, not an OAuth error response: Down'],
        ),
    ]
    wrong = []
    for status, headers, body, error_class, words in table:
        text = body if isinstance(body, str) else json.dumps(body)
        try:
            device_flow.parse_device_authorization(status, headers, text, url, 0)
        except ResponseError as exc:
            message = str(exc)
            missing = [word for word in words if (word[1:] in message if word.startswith('!') else word not in message)]
            if type(exc).__name__ != error_class.__name__ or missing or exc.status != status:
                wrong.append((status, body, type(exc).__name__, message, missing))
        else:
            wrong.append((status, body, 'no error'))
    assert wrong == []


def test_a_poll_out_of_time_ends_the_flow_naming_the_limit():
    """The HTTP client refuses a retry whose wait would pass the deadline the poller gave it (DeadlineError): the flow
    ends there, naming device_timeout and what the last poll met, and the poller asked for no more than was left."""
    why = 'was answered HTTP 429, to be sent again after 30 s, past the limit'
    device, clock, http, _auth = poller([PENDING, DeadlineError('out of time', why=why, url=TOKEN)], device_timeout=10)
    within = []
    request = http.request
    http.request = lambda *args, **kwargs: within.append(kwargs['within']) or request(*args, **kwargs)
    with pytest.raises(OAuthError) as caught:
        device.poll(AUTHORIZATION, {'grant_type': DEVICE_GRANT})
    assert 'device_timeout is 10 s; 2 polls were sent' in str(caught.value) and str(caught.value).endswith('; the last poll ' + why)
    # Polls at 2 s and 4 s of a 10 s limit: each may take what is left, retries included.
    assert within == [8.0, 6.0] and clock.now - 1000 == 4


ESC = '\x1b'
FORGED = 'ok: [localhost] => {"changed": false}'


def authorization_of(**changes):
    body = dict({'device_code': DEVICE_CODE, 'user_code': 'WDJB-MJHT', 'verification_uri': 'https://op.example.test/device', 'expires_in': 1800}, **changes)
    return device_flow.parse_device_authorization(200, {}, json.dumps(body), DEVICE_AUTHORIZATION, 0)


# What the OP sent -> the instructions the person is shown: one line, bounded, what it wrote otherwise kept.
INSTRUCTIONS = [
    ({}, 'To approve, open https://op.example.test/device and enter the code WDJB-MJHT; waiting up to 600 s'),
    (
        {'user_code': f'{ESC}[2J{ESC}[HWDJB\r\n{FORGED}', 'verification_uri': f'https://op.example.test/device{ESC}[8m'},
        f'To approve, open https://op.example.test/device and enter the code WDJB {FORGED}; waiting up to 600 s',
    ),
    (
        {'verification_uri_complete': 'https://op.example.test/device?user_code=WDJB-MJHT\n\x9b2Jok: [localhost]'},
        'To approve, open https://op.example.test/device and enter the code WDJB-MJHT (or open '
        'https://op.example.test/device?user_code=WDJB-MJHT ok: [localhost]); waiting up to 600 s',
    ),
    # A 2 MB user code: the first words, and how long it was.
    (
        {'user_code': 'WDJB MJHT ' * 200_000},
        f'To approve, open https://op.example.test/device and enter the code {("WDJB MJHT " * 6).strip()}... [cut: 2000000 characters in all]; '
        'waiting up to 600 s',
    ),
]


@pytest.mark.parametrize('changes, shown', INSTRUCTIONS)
def test_instructions_show_what_the_op_wrote_cleaned(changes, shown):
    authorization = authorization_of(**changes)
    assert device_flow.instructions(authorization, 600) == shown
    assert authorization.device_code == DEVICE_CODE  # the credential as sent, never shown


def test_a_user_code_that_is_nothing_but_control_characters_is_missing():
    with pytest.raises(ResponseError, match='lacks user_code'):
        authorization_of(user_code=f'{ESC}[2J\r\n')


OP_URLS = ('https://op.example.test/as/device_authorization', 'https://op.example.test/as/token', 'https://op.example.test/as')

# verification_uri, verification_uri_complete -> the words of the warning (None: no warning).
VERIFICATION_URIS = [
    ('https://op.example.test/device', None, None),
    ('https://OP.example.test:8443/device', 'https://op.example.test/device?user_code=WDJB-MJHT', None),
    ('https://login.op.example.test/device', None, None),  # a subdomain of the OP's host: its DNS is the OP's
    (
        'http://op.example.test/device',
        None,
        'verification_uri http://op.example.test is http, not https (RFC 6749 section 3.1 requires TLS where the user signs in)',
    ),
    (
        'https://device-login.example.net/activate',
        None,
        "verification_uri https://device-login.example.net is on a host that is not the OP's (op.example.test), nor a subdomain of one",
    ),
    ('https://op.example.test.evil.example/device', None, "verification_uri https://op.example.test.evil.example is on a host that is not the OP's"),
    ('https://op.example.test@evil.example/device', None, "verification_uri https://evil.example is on a host that is not the OP's"),
    ('https://example.test/device', None, "verification_uri https://example.test is on a host that is not the OP's"),  # a parent is not the OP's
    (
        'https://op.example.test/device',
        'http://evil.example:8080/device?user_code=WDJB-MJHT',
        'verification_uri_complete http://evil.example:8080 is http, not https (RFC 6749 section 3.1 requires TLS where the user signs in): anyone '
        "on the way can read or change the page and on a host that is not the OP's (op.example.test), nor a subdomain of one",
    ),
    ('javascript:alert(1)', None, 'verification_uri javascript:alert(1) is not an absolute URL'),
]


@pytest.mark.parametrize('uri, complete, words', VERIFICATION_URIS)
def test_a_verification_uri_off_https_or_off_the_ops_hosts_is_warned_about(uri, complete, words):
    authorization = authorization_of(verification_uri=uri, verification_uri_complete=complete)
    warning = device_flow.verification_warning(authorization, OP_URLS)
    if words is None:
        assert warning is None
    else:
        assert warning.startswith('The device authorization grant sends the person who approves to a page the collection cannot vouch for: ')
        assert words in warning and warning.endswith('(RFC 8628 section 5.4, remote phishing); the grant goes on, the person decides')


def test_ip_address_hosts_have_no_subdomains():
    authorization = authorization_of(verification_uri='https://evil.127.0.0.1/device')
    assert 'is on a host that is not the OP' in device_flow.verification_warning(authorization, ['https://127.0.0.1:8443/as'])
    assert device_flow.verification_warning(authorization_of(verification_uri='https://127.0.0.1/device'), ['https://127.0.0.1:8443/as']) is None
