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
    ({'Content-Type': 'text/plain'}, 'x' * 39 + ' ' + 'word ' * 100, 'x' * 39 + ' ' + ('word ' * 24).rstrip() + '... [cut: 540 characters in all]'),
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


ESC = '\x1b'
# A line a hostile server writes to pass for Ansible's own output.
FORGED = 'ok: [localhost] => {"changed": false}'

# text, limit -> what clean() shows: one line of plain text, credential-like runs redacted, bounded with what was cut.
CLEANED = [
    ('plain words, kept as they are', 200, 'plain words, kept as they are'),
    ('é€ 日本語 😀 non-ASCII stays readable', 200, 'é€ 日本語 😀 non-ASCII stays readable'),
    (f'{ESC}[1;31mred{ESC}[0m and {ESC}[2J{ESC}[Hcleared', 200, 'red and cleared'),
    (f'denied\r\n{FORGED}', 200, f'denied {FORGED}'),
    ('denied\rok: [localhost]', 200, 'denied ok: [localhost]'),
    (f'{ESC}]0;window title{ESC}\\{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\ here', 200, 'click here'),
    ('8-bit \x9b2J csi and \x9d0;title\x9c osc', 200, '8-bit csi and osc'),
    ('bell\x07 nul\x00 del\x7f nel\x85 tab\t vt\x0b ff\x0c ls\u2028 ps\u2029 end', 200, 'bell nul del nel tab vt ff ls ps end'),
    ('invoice\u202efdp.exe and \u2066isolated\u2069', 200, 'invoice fdp.exe and isolated'),
    (f'lone escape at the end {ESC}', 200, 'lone escape at the end'),
    (f'token {JWT} echoed', 200, 'token [redacted] echoed'),
    # A word that holds a credential-like run goes whole: nothing is left of the secret beside it for the edge to miss.
    ('got grant_type=client_credentials&client_secret=a%2Bb%2Fc%25' + 'S' * 40 + ' back', 200, 'got [redacted] back'),
    (f'"client_assertion":"{JWT}",', 200, '[redacted]'),
    ('word ' * 100, 20, 'word word word word... [cut: 500 characters in all]'),
    # The cut falls in the echoed password: the whole word goes, not a prefix the edge could not mask.
    ('the server got password=S3cr!t/S3cr!t/S3cr!t/S3cr!t/S3cr!t', 40, 'the server got... [cut: 58 characters in all]'),
    # Even a word that is all there is to show: a long URL is not shown in part either.
    ('https://op.example.test/a/very/long/path/to/the/error/page', 30, '... [cut: 58 characters in all]'),
]


@pytest.mark.parametrize('text, limit, expected', CLEANED)
def test_clean_shows_a_servers_text_as_one_bounded_line(text, limit, expected):
    assert error_body.clean(text, limit) == expected


def test_clean_bounds_a_huge_text_and_redacts_what_it_shows():
    # 300 kB of error_description, a token-like string early on: a few hundred characters come back, the token not.
    text = f'{ESC}[31mrejected\r\n{FORGED}\r\nassertion {JWT} and token {"A" * 64} ' + 'padding ' * 37500
    shown = error_body.clean(text)
    assert shown.startswith(f'rejected {FORGED} assertion [redacted] and token [redacted] padding')
    assert shown.endswith(f'... [cut: {len(text)} characters in all]') and len(shown) < error_body.FIELD_CHARS + 40
    assert ESC not in shown and '\n' not in shown and JWT.split('.')[1] not in shown


def test_clean_reads_only_the_start_of_a_huge_text():
    # A 2 MB text of one word: only the first MIN_SCAN_CHARS are read, and the word cut there is not shown in part.
    shown = error_body.clean('start ' + 'x' * 2_000_000, 60)
    assert shown == 'start... [cut: 2000006 characters in all]'


def test_an_answer_that_lacks_a_field_names_a_few_clean_keys():
    body = {f'{ESC}[31mkey\r\n{FORGED}': 1, **{f'k{number:03d}': number for number in range(100)}}
    said = error_body.lacks(body, 'access_token')
    assert said.startswith('HTTP 200 but the answer has no access_token (keys: key ok: [localhost] => {"changed":... [cut: 47 characters in all], k000,')
    assert said.endswith('k018 and 81 more)') and ESC not in said and '\n' not in said
