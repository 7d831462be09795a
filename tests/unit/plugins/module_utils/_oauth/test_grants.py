# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_oauth.grants: what each grant sends, from tables."""

from __future__ import annotations


import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import grants

URL = 'https://op.example.test/as/token'
WHAT = 'exchange the authorization code'
JSON = {'Content-Type': 'application/json'}


@pytest.mark.parametrize(
    'grant_type, code, refresh_token, expected',
    [
        (None, 'abc', None, 'authorization_code'),
        (None, None, 'rt', 'refresh_token'),
        (None, None, None, 'client_credentials'),
        ('client_credentials', 'abc', None, 'client_credentials'),
    ],
)
def test_infer_grant_type(grant_type, code, refresh_token, expected):
    assert grants.infer_grant_type(grant_type, code, refresh_token) == expected


@pytest.mark.parametrize(
    'kwargs, expected',
    [
        (
            {'grant_type': 'authorization_code', 'code': 'c1', 'redirect_uri': 'https://app/cb'},
            {'grant_type': 'authorization_code', 'code': 'c1', 'redirect_uri': 'https://app/cb'},
        ),
        (
            {'grant_type': 'authorization_code', 'code': 'c1', 'redirect_uri': 'https://app/cb', 'code_verifier': 'v' * 43},
            {'grant_type': 'authorization_code', 'code': 'c1', 'redirect_uri': 'https://app/cb', 'code_verifier': 'v' * 43},
        ),
        (
            {'grant_type': 'client_credentials', 'scope': ['api:read', 'api:write'], 'extra_params': {'resource': 'https://api'}},
            {'grant_type': 'client_credentials', 'scope': 'api:read api:write', 'resource': 'https://api'},
        ),
        ({'grant_type': 'refresh_token', 'refresh_token': 'r1', 'scope': 'openid'}, {'grant_type': 'refresh_token', 'refresh_token': 'r1', 'scope': 'openid'}),
        # A list is the field repeated (RFC 8707 section 2: resource=a&resource=b).
        (
            {'grant_type': 'client_credentials', 'extra_params': {'resource': ['https://a', 'https://b']}},
            {'grant_type': 'client_credentials', 'resource': ['https://a', 'https://b']},
        ),
    ],
)
def test_grant_form(kwargs, expected):
    assert grants.grant_form(**kwargs) == expected


@pytest.mark.parametrize(
    'kwargs, message',
    [
        ({'grant_type': 'authorization_code'}, 'code and redirect_uri are required when grant_type is authorization_code'),
        ({'grant_type': 'authorization_code', 'code': 'c'}, 'redirect_uri is required'),
        ({'grant_type': 'refresh_token'}, 'refresh_token is required'),
        ({'grant_type': 'password'}, 'grant_type must be one of'),
        ({'grant_type': 'client_credentials', 'extra_params': {'client_assertion': 'x'}}, 'extra_params cannot set client_assertion'),
        # A form field is text: requests would send a dict's keys, and a list inside a list flattened, as the value.
        ({'grant_type': 'client_credentials', 'extra_params': {'claims': {'userinfo': {'email': None}}}}, '^extra_params claims is a dict: a form field'),
        ({'grant_type': 'client_credentials', 'extra_params': {'resource': ['https://a', ['https://b']]}}, '^extra_params resource is a list holding a list'),
        ({'grant_type': 'client_credentials', 'extra_params': {'resource': [{'uri': 'https://a'}]}}, '^extra_params resource is a list holding a dict'),
    ],
)
def test_grant_form_errors(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        grants.grant_form(**kwargs)


def test_single_use_grants():
    assert {name for name, grant in grants.GRANTS.items() if grant.single_use} == {'authorization_code', 'refresh_token', 'pingone_flow', grants.DEVICE_CODE}


EXCHANGE = {'subject_token': 'st-1', 'subject_token_type': grants.ACCESS_TOKEN_TYPE}
# (grant_form kwargs, the form or the start of the ConfigurationError's message); one test, every failure listed.
EXCHANGE_FORMS = [
    ({'grant_type': 'token_exchange', 'exchange': EXCHANGE, 'scope': ['api:read']}, dict(EXCHANGE, grant_type=grants.TOKEN_EXCHANGE, scope='api:read')),
    (
        {
            'grant_type': grants.TOKEN_EXCHANGE,
            'exchange': dict(EXCHANGE, resource=['https://a', 'https://b'], audience=['reports'], requested_token_type='urn:x', actor_token=None),
        },
        dict(EXCHANGE, grant_type=grants.TOKEN_EXCHANGE, resource=['https://a', 'https://b'], audience=['reports'], requested_token_type='urn:x'),
    ),
    (
        {'grant_type': 'token_exchange', 'exchange': dict(EXCHANGE, actor_token='at', actor_token_type='urn:y')},
        dict(EXCHANGE, grant_type=grants.TOKEN_EXCHANGE, actor_token='at', actor_token_type='urn:y'),
    ),
    ({'grant_type': 'device_code', 'scope': ['openid']}, {'grant_type': grants.DEVICE_CODE, 'scope': 'openid'}),
    (
        {'grant_type': 'token_exchange', 'exchange': {'subject_token_type': grants.ACCESS_TOKEN_TYPE}},
        'subject_token is required when grant_type is ' + grants.TOKEN_EXCHANGE,
    ),
    ({'grant_type': 'token_exchange', 'exchange': dict(EXCHANGE, actor_token='at')}, 'actor_token_type is required with actor_token'),
    ({'grant_type': 'client_credentials', 'exchange': {'resource': ['https://a']}}, 'resource and token_audience are token exchange'),
    (
        {'grant_type': 'token_exchange', 'exchange': EXCHANGE, 'extra_params': {'audience': 'x'}},
        'extra_params cannot set audience; use the option of that name (token_audience)',
    ),
    ({'grant_type': 'token_exchange', 'exchange': EXCHANGE, 'extra_params': {'subject_token': 'x'}}, 'extra_params cannot set subject_token'),
    ({'grant_type': 'device_code', 'extra_params': {'device_code': 'x'}}, 'extra_params cannot set device_code'),
]


def test_device_and_exchange_forms():
    wrong = []
    for kwargs, expected in EXCHANGE_FORMS:
        try:
            got = grants.grant_form(**kwargs)
        except ConfigurationError as exc:
            got = str(exc)
            if isinstance(expected, str) and got.startswith(expected):
                continue
        if got != expected:
            wrong.append((kwargs, got))
    assert not wrong
    # The aliases are the URNs everywhere: results, the store's identity.
    assert grants.infer_grant_type('device_code') == grants.DEVICE_CODE
    assert grants.infer_grant_type('token_exchange') == grants.TOKEN_EXCHANGE


# requested scopes the answer does not grant (RFC 6749 sections 3.3 and 5.1).
@pytest.mark.parametrize(
    'requested, granted, missing',
    [
        ('admin:all', '', ['admin:all']),
        ('admin:all', None, []),  # no scope in the answer: granted as requested
        ('a b', 'b a', []),
        ('a b c', 'a', ['b', 'c']),
        (['a', 'b c'], 'a c', ['b']),
        (None, 'a', []),
        ('a', 'A', ['a']),  # scope tokens are case-sensitive
        ('a', 42, ['a']),
    ],
)
def test_missing_scopes(requested, granted, missing):
    assert grants.missing_scopes(requested, granted) == missing


@pytest.mark.parametrize(
    'missing, granted, text',
    [
        (['admin:all'], '', 'the OP granted no scope, without admin:all that was requested (RFC 6749 section 3.3'),
        (['b', 'c'], 'a  x', "the OP granted scope 'a x', without b, c that was requested"),
        (['b', 'c'], 'a', 'allow them for this client at the OP'),
        # A scope the OP wrote is shown as every text of a server is (error_body.clean): one line, bounded.
        (['b'], 'a\x1b[2J\r\nok:\x1b[0m' + ' x' * 1000, "the OP granted scope 'a ok: x x x"),
        (['b'], 'a\x1b[2J\r\nok:\x1b[0m' + ' x' * 1000, '... [cut: 2013 characters in all]'),
    ],
)
def test_scope_downgrade_text(missing, granted, text):
    assert text in grants.scope_downgrade_text(missing, granted)
