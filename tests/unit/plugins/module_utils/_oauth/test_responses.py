# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_oauth.responses: token endpoint answers, OAuth errors in words, and token lifetimes, from tables."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import grants, responses

URL = 'https://op.example.test/as/token'
WHAT = 'exchange the authorization code'
JSON = {'Content-Type': 'application/json'}


def test_issued_token_type_is_returned_when_sent():
    body = {'access_token': 'at', 'token_type': 'N_A', 'issued_token_type': 'urn:ietf:params:oauth:token-type:jwt'}
    tokens = responses.parse_token_response(200, JSON, json.dumps(body), URL, 'exchange the subject token', 0)
    assert tokens['issued_token_type'] == 'urn:ietf:params:oauth:token-type:jwt'
    assert 'issued_token_type' not in responses.parse_token_response(200, JSON, json.dumps({'access_token': 'at'}), URL, WHAT, 0)


def test_exchange_refusals_say_what_is_wrong_with_the_tokens():
    # RFC 8693 section 2.2.2 says invalid_request for a bad subject token; many OPs say invalid_grant: both get the hint.
    for error in ('invalid_request', 'invalid_grant'):
        exc = responses.oauth_error('exchange the subject token', 400, JSON, {'error': error}, URL, 0, grant_type=grants.TOKEN_EXCHANGE)
        assert 'subject_token or actor_token is expired' in str(exc), (error, str(exc))
    exc = responses.oauth_error('x', 400, JSON, {'error': 'invalid_target'}, URL, 0, grant_type=grants.TOKEN_EXCHANGE)
    assert 'resource or token_audience' in str(exc)


def test_success_response():
    body = json.dumps({'access_token': 'at', 'token_type': 'Bearer', 'expires_in': 3600, 'id_token': 'x.y.z', 'scope': 'openid'})
    tokens = responses.parse_token_response(200, JSON, body, URL, WHAT, sent_at=1000.9)
    assert tokens == {
        'access_token': 'at',
        'token_type': 'Bearer',
        'expires_in': 3600,
        'expires_at': 4600,
        'scope': 'openid',
        'id_token': 'x.y.z',
        'refresh_token': None,
    }


def test_expires_in_as_string_is_tolerated():
    tokens = responses.parse_token_response(200, JSON, '{"access_token": "a", "expires_in": "60"}', URL, WHAT, sent_at=0)
    assert tokens['expires_in'] == 60 and tokens['expires_at'] == 60


# status, headers, body -> exception class, message
ERROR_TABLE = [
    (
        400,
        JSON,
        '{"error": "invalid_grant", "error_description": "grant request is invalid"}',
        OAuthError,
        f'Failed to exchange the authorization code at {URL}: invalid_grant (grant request is invalid) [HTTP 400]',
    ),
    (401, JSON, '{"error": "invalid_client"}', OAuthError, f'Failed to exchange the authorization code at {URL}: invalid_client [HTTP 401]'),
    (500, {'Content-Type': 'text/html'}, '<html>boom</html>', ResponseError, 'HTTP 500 with a text/html answer, not an OAuth error response'),
    (302, {'Location': 'https://op/login'}, '', ResponseError, 'HTTP 302 redirect to https://op/login'),
    (200, {'Content-Type': 'text/plain'}, 'OK', ResponseError, 'HTTP 200 but the answer is not a JSON object (text/plain)'),
    (200, JSON, '[1, 2]', ResponseError, 'not a JSON object'),
    (200, JSON, '{"token_type": "Bearer", "expires_in": 300}', ResponseError, 'HTTP 200 but the answer has no access_token (keys: expires_in, token_type)'),
    (200, JSON, '{"access_token": ""}', ResponseError, 'no access_token'),
]


@pytest.mark.parametrize('status, headers, body, exc_class, message', ERROR_TABLE)
def test_error_responses(status, headers, body, exc_class, message):
    with pytest.raises(exc_class) as caught:
        responses.parse_token_response(status, headers, body, URL, WHAT, sent_at=0)
    assert message in str(caught.value)
    assert caught.value.status == status
    assert caught.value.url == URL


def test_oauth_error_details():
    with pytest.raises(OAuthError) as caught:
        responses.parse_token_response(400, JSON, '{"error": "invalid_grant", "error_description": "expired", "error_uri": "https://e"}', URL, WHAT, sent_at=0)
    assert caught.value.details == {'url': URL, 'status': 400, 'error': 'invalid_grant', 'error_description': 'expired', 'error_uri': 'https://e'}


ESC = '\x1b'
HOSTILE_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQtMSIsImF1ZCI6Imh0dHBzOi8vb3AifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'


LONG_DESCRIPTION = f'assertion {HOSTILE_JWT} ' + 'is refused ' * 30000

# The OP's error, error_description and error_uri -> the message's words, and how each detail starts and ends: cleaned
# (error_body.clean) in both.
HOSTILE_ERRORS = [
    (
        {'error': f'invalid_request{ESC}[2J', 'error_description': f'{ESC}[31mdenied{ESC}[0m\r\nok: [localhost] => {{}}', 'error_uri': 'https://e/\r\nx'},
        'invalid_request (denied ok: [localhost] => {}) [HTTP 400]',
        {'error': ('invalid_request', ''), 'error_description': ('denied ok: [localhost] => {}', ''), 'error_uri': ('https://e/ x', '')},
    ),
    (
        {'error': 'invalid_client', 'error_description': LONG_DESCRIPTION},
        'invalid_client (assertion [redacted] is refused is refused',
        {'error_description': ('assertion [redacted] is refused is refused', f'... [cut: {len(LONG_DESCRIPTION)} characters in all]')},
    ),
    (
        {'error': 'x' * 5000, 'error_uri': 'https://op.example/' + 'e/' * 250},
        '... [cut: 5000 characters in all] [HTTP 400]',
        {'error': ('... [cut: 5000 characters in all]', ''), 'error_uri': ('... [cut: 519 characters in all]', '')},
    ),
]


@pytest.mark.parametrize('body, words, details', HOSTILE_ERRORS)
def test_an_ops_error_is_shown_cleaned(body, words, details):
    with pytest.raises(OAuthError) as caught:
        responses.parse_token_response(400, JSON, json.dumps(body), URL, WHAT, sent_at=0)
    message = str(caught.value)
    assert words in message and len(message) < 1000
    assert ESC not in message and '\n' not in message and HOSTILE_JWT.split('.')[1] not in message
    for key, (start, end) in details.items():
        shown = caught.value.details[key]
        assert shown.startswith(start) and shown.endswith(end) and len(shown) < 300, key


def test_a_redirect_location_is_shown_cleaned():
    with pytest.raises(ResponseError) as caught:
        responses.parse_token_response(302, {'Location': f'https://op/{ESC}[2Jlogin' + '/a' * 5000}, '', URL, WHAT, sent_at=0)
    assert 'HTTP 302 redirect to ... [cut: 10020 characters in all]' in str(caught.value)


def jwt_with(claims):
    """A compact JWS whose payload is ``claims``; the signature is never checked for the expiry."""

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip('=')

    return f'{part({"alg": "RS256"})}.{part(claims)}.c2ln'


YEAR = responses.MAX_TOKEN_LIFETIME
SENT = 1_800_000_000


# The answer's expires_in (JSON text) and access token -> expires_in and expires_at returned.
EXPIRY_TABLE = [
    ('3600', 'opaque', 3600, SENT + 3600),
    ('"3600"', 'opaque', 3600, SENT + 3600),  # a string: not RFC 6749, unambiguous
    ('0', 'opaque', 0, SENT),
    ('59.9', 'opaque', 59, SENT + 59),
    ('-5', 'opaque', 0, SENT),  # negative: already expired, never a past-dated nonsense
    ('1e12', 'opaque', YEAR, SENT + YEAR),  # absurd: clamped to a year
    ('1e400', 'opaque', YEAR, SENT + YEAR),  # json reads it as inf
    ('Infinity', 'opaque', YEAR, SENT + YEAR),
    ('-Infinity', 'opaque', None, None),  # meaningless: as if absent
    ('NaN', 'opaque', None, None),
    ('true', 'opaque', None, None),
    ('"soon"', 'opaque', None, None),
    ('null', 'opaque', None, None),
    ('null', jwt_with({'exp': SENT + 900}), None, SENT + 900),  # RFC 9068: the JWT access token's exp
    ('null', jwt_with({'exp': SENT - 900}), None, SENT),  # already expired by our clock
    ('null', jwt_with({'exp': 10**30}), None, SENT + YEAR),
    ('null', jwt_with({'exp': 'tomorrow'}), None, None),
    ('null', jwt_with(['not', 'claims']), None, None),
    ('null', 'eyJ.not-base64!.x', None, None),
    ('120', jwt_with({'exp': SENT + 900}), 120, SENT + 120),  # expires_in wins
]


@pytest.mark.parametrize('expires_in, access_token, expected_in, expected_at', EXPIRY_TABLE)
def test_expiry(expires_in, access_token, expected_in, expected_at):
    body = f'{{"access_token": {json.dumps(access_token)}, "expires_in": {expires_in}}}'
    tokens = responses.parse_token_response(200, JSON, body, URL, WHAT, sent_at=SENT)
    assert (tokens['expires_in'], tokens['expires_at']) == (expected_in, expected_at)


def test_expires_in_absent():
    tokens = responses.parse_token_response(200, JSON, '{"access_token": "a"}', URL, WHAT, sent_at=SENT)
    assert tokens['expires_in'] is None and tokens['expires_at'] is None


@pytest.mark.parametrize(
    'tokens, default, expected',
    [
        ({'expires_at': None}, 300, SENT + 300),
        ({'expires_at': None}, 0, None),  # 0: do not vouch for a token of unknown lifetime
        ({'expires_at': None}, None, None),
        ({'expires_at': None}, 10**12, SENT + YEAR),
        ({'expires_at': SENT + 5}, 300, SENT + 5),  # the OP's statement wins
    ],
)
def test_with_default_expiry(tokens, default, expected):
    assert responses.with_default_expiry(tokens, default, SENT)['expires_at'] == expected


# the invalid_grant hint says what it can for the grant, and what was sent.
PINGONE_URL = 'https://auth.pingone.eu/a1b2c3d4-0000-4000-8000-000000000001/as/token'
INVALID_GRANT = '{"error": "invalid_grant", "error_description": "Authorization code is invalid or expired"}'


@pytest.mark.parametrize(
    'grant_type, redirect_uri, url, pingone, parts, absent',
    [
        (
            'authorization_code',
            'https://app.example.com/cb',
            'https://login.example.com/as/token',
            True,
            [
                'invalid_grant (Authorization code is invalid or expired) [HTTP 400]; the code expired (a PingOne code lives 10 minutes)',
                'was already used (RFC 6749 section 4.1.2: a reused code is refused, and the OP should revoke the tokens of its first redemption)',
                'redirect_uri (sent: https://app.example.com/cb) or code_verifier differ from the authorization request',
            ],
            [],
        ),
        # A token_endpoint option on PingOne's layout is PingOne's too.
        ('authorization_code', 'https://app.example.com/cb', PINGONE_URL, False, ['a PingOne code lives 10 minutes'], []),
        (
            'authorization_code',
            'https://app.example.com/cb',
            URL,
            False,
            ['RFC 6749 section 4.1.2 recommends codes live 10 minutes at most', '(sent: https://app.example.com/cb)'],
            ['PingOne'],
        ),
        ('refresh_token', None, PINGONE_URL, True, ['the refresh token expired, was revoked, or was already used', 'PingOne does'], ['redirect_uri', 'sent:']),
        (None, None, URL, False, ['the code or refresh token is expired'], ['sent:']),
    ],
)
def test_invalid_grant_hint(grant_type, redirect_uri, url, pingone, parts, absent):
    with pytest.raises(OAuthError) as caught:
        responses.parse_token_response(400, JSON, INVALID_GRANT, url, WHAT, sent_at=0, grant_type=grant_type, redirect_uri=redirect_uri, pingone=pingone)
    for part in parts:
        assert part in str(caught.value)
    for part in absent:
        assert part not in str(caught.value)


# the correlation ID is kept with the OAuth error, once; other answers say what they are.
CORRELATION = '3f1c9e8a-1111-4b2b-9c3d-5e6f7a8b9c0d'
PLATFORM_404 = json.dumps({'id': 'e-1d2c', 'code': 'NOT_FOUND', 'message': 'The requested resource was not found.'})


@pytest.mark.parametrize(
    'status, headers, body, url, pingone, parts',
    [
        (
            401,
            dict(JSON, **{'Correlation-Id': CORRELATION}),
            '{"error": "invalid_client"}',
            URL,
            False,
            [f'invalid_client [HTTP 401]; correlation ID {CORRELATION}; check client_id'],
        ),
        (
            401,
            dict(JSON, **{'Correlation-Id': CORRELATION}),
            f'{{"error": "invalid_client", "error_description": "Request denied: Unsupported authentication method (Correlation ID: {CORRELATION})"}}',
            URL,
            False,
            [f'invalid_client (Request denied: Unsupported authentication method (Correlation ID: {CORRELATION})) [HTTP 401]; check'],
        ),
        (
            404,
            dict(JSON, **{'Correlation-Id': CORRELATION}),
            PLATFORM_404,
            PINGONE_URL,
            False,
            [
                f'Failed to exchange the authorization code at {PINGONE_URL}: HTTP 404 with a application/json answer, not an OAuth error response: '
                f'NOT_FOUND: The requested resource was not found.; PingOne error id e-1d2c; correlation ID {CORRELATION}; PingOne answers 404 for an '
                'environment it does not know: check environment_id (the UUID in the URL), region'
            ],
        ),
        (404, JSON, PLATFORM_404, 'https://login.example.com/as/token', True, ['auth_base_url (the host of a custom domain']),
        (404, JSON, PLATFORM_404, URL, False, ['PingOne error id e-1d2c']),
        (
            503,
            {'Content-Type': 'text/html'},
            '<title>Service Unavailable</title>',
            URL,
            False,
            ['HTTP 503 with a text/html answer, not an OAuth error response: Service Unavailable'],
        ),
    ],
)
def test_answers_keep_what_support_asks_for(status, headers, body, url, pingone, parts):
    with pytest.raises(ResponseError) as caught:
        responses.parse_token_response(status, headers, body, url, WHAT, sent_at=0, pingone=pingone)
    for part in parts:
        assert part in str(caught.value)
    assert str(caught.value).count(CORRELATION) <= 1
    if 'Correlation-Id' in headers:
        assert caught.value.details['correlation_id'] == CORRELATION
    if url == URL:
        assert 'PingOne answers 404' not in str(caught.value)
