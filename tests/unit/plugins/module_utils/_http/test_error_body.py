# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Error answers that are not OAuth error responses, in a few words."""

from __future__ import annotations

import json

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._http import error_body

JSON = {'Content-Type': 'application/json'}
ERROR_ID = '0e7a1c55-7a3c-4b9a-8f0e-2d6c3b1a9f10'
CORRELATION = '3f1c9e8a-1111-4b2b-9c3d-5e6f7a8b9c0d'
JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQtMSIsImF1ZCI6Imh0dHBzOi8vb3AifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'


def platform(**changes):
    """PingOne's platform error body (PingOne API "Error codes")."""
    body = {'id': ERROR_ID, 'code': 'NOT_FOUND', 'message': 'The requested resource was not found.'}
    body.update(changes)
    return json.dumps(body)


# headers, body -> summary (None: the answer says nothing)
SUMMARIES = [
    (JSON, platform(), 'NOT_FOUND: The requested resource was not found.; PingOne error id ' + ERROR_ID),
    (
        JSON,
        platform(
            code='INVALID_DATA',
            message='The request could not be completed. One or more validation errors were in the request.',
            details=[{'code': 'INVALID_VALUE', 'target': 'username', 'message': 'must be unique'}],
        ),
        'INVALID_DATA: The request could not be completed. One or more validation errors were in the request. '
        '(details: must be unique (username)); PingOne error id ' + ERROR_ID,
    ),
    (JSON, platform(details=[{'message': f'm{n}'} for n in range(5)]), '(details: m0; m1; m2; 2 more)'),
    (
        dict(JSON, **{'Correlation-Id': CORRELATION}),
        platform(),
        f'NOT_FOUND: The requested resource was not found.; PingOne error id {ERROR_ID}; correlation ID {CORRELATION}',
    ),
    (
        {'Content-Type': 'application/scim+json'},
        json.dumps({'schemas': ['urn:ietf:params:scim:api:messages:2.0:Error'], 'status': '409', 'scimType': 'uniqueness', 'detail': 'userName alice exists'}),
        'userName alice exists (scimType uniqueness)',
    ),
    (JSON, json.dumps({'message': 'Forbidden'}), 'Forbidden'),
    (JSON, json.dumps({'unexpected': 1}), None),
    (JSON, '[]', None),
    ({'Content-Type': 'text/html'}, '<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>', '502 Bad Gateway'),
    ({'Content-Type': 'text/html'}, '<html><body><script>var x=1;</script><p>Service &amp; maintenance</p></body></html>', 'Service & maintenance'),
    (
        {'Content-Type': 'text/plain'},
        'upstream connect error\n  or disconnect/reset before headers',
        'upstream connect error or disconnect/reset before headers',
    ),
    ({'Content-Type': 'text/plain'}, 'x' * 39 + ' ' + 'word ' * 100, 'x' * 39 + ' ' + ('word ' * 100)[: 160 - 43].rstrip() + '...'),
    ({'Content-Type': 'application/octet-stream'}, 'PK\x03\x04 binary', None),
    ({'Content-Type': 'text/plain'}, '   ', None),
    ({'Correlation-Id': CORRELATION}, '', 'correlation ID ' + CORRELATION),
    ({'X-Request-Id': 'req-42'}, 'Not Found', 'Not Found; correlation ID req-42'),
    (None, None, None),
]


@pytest.mark.parametrize('headers, text, expected', SUMMARIES)
def test_summarise(headers, text, expected):
    said = error_body.summarise(headers, text)
    if expected is None or not expected.startswith('(details'):
        assert said == expected
    else:
        assert expected in said


# The server's words about a bearer token stay: only a credential-like value after Bearer or Basic goes.
@pytest.mark.parametrize(
    'text',
    ['bearer token not accepted', 'Bearer Authentication required', 'WWW-Authenticate: Bearer realm="api"', 'basic auth is disabled'],
)
def test_words_about_credentials_are_kept(text):
    assert error_body.summarise({'Content-Type': 'text/plain'}, text) == text


# What could be a credential never comes back, whatever field it arrives in.
@pytest.mark.parametrize(
    'headers, text',
    [
        ({'Content-Type': 'text/plain'}, f'rejected client_assertion={JWT}'),
        ({'Content-Type': 'text/plain'}, 'Authorization: Bearer abc.def-ghi was refused'),
        ({'Content-Type': 'text/plain'}, 'Authorization: Basic dXNlcjpwYXNz was refused'),
        (JSON, platform(message=f'token {"A" * 64} is not valid')),
        (JSON, platform(details=[{'message': f'assertion {JWT} expired'}])),
        ({'Content-Type': 'text/html'}, f'<title>{JWT}</title>'),
    ],
)
def test_credentials_are_redacted(headers, text):
    said = error_body.summarise(headers, text)
    assert '[redacted]' in said
    for secret in (JWT, JWT.split('.')[1], 'abc.def-ghi', 'dXNlcjpwYXNz', 'A' * 64):
        assert secret not in said


def test_urls_and_uuids_stay_readable():
    url = f'https://auth.pingone.com/{ERROR_ID}/as/token'
    assert error_body.clean(f'no route to {url}') == f'no route to {url}'


@pytest.mark.parametrize(
    'body, oauth',
    [
        ({'error': 'invalid_grant'}, True),
        ({'error': {'code': 1}}, False),
        ({'code': 'NOT_FOUND'}, False),
        ('error', False),
        (None, False),
    ],
)
def test_is_oauth_error(body, oauth):
    assert error_body.is_oauth_error(body) is oauth
