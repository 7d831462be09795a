# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Revocation and introspection without the network: where the request goes, and what an answer means.

One test per function, each checking its whole table and listing every row that fails (ansible-test forks per test).
"""

from __future__ import annotations

import functools
import json

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError, OIDCError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import admin_client
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.discovery import Location
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import location_of

ENV = '5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f'
P1 = f'https://auth.pingone.eu/{ENV}/as'
JSON = {'Content-Type': 'application/json'}
REVOKE = admin_client.REVOCATION
INTROSPECT = admin_client.INTROSPECTION


def outcome(call):
    """What a call returns, or its exception's class name and message."""
    try:
        return call()
    except OIDCError as exc:
        return (type(exc).__name__, str(exc))


def resolved(values, kind):
    options = options_of(values)
    found = admin_client.resolve_endpoint(HttpClient(), location_of(options), kind, options[admin_client.ENDPOINTS[kind][0]])
    return (found.url, found.audience_url, found.pingone)


def test_resolve_endpoint_without_discovery():
    """Each row: options, endpoint kind, then (url, assertion audience, pingone) or (error class, message)."""
    table = [
        (dict(environment_id=ENV, region='EU'), REVOKE, (P1 + '/revoke', P1 + '/token', True)),
        (dict(environment_id=ENV, region='EU'), INTROSPECT, (P1 + '/introspect', P1 + '/token', True)),
        (dict(auth_base_url='https://login.example.com'), REVOKE, ('https://login.example.com/as/revoke', 'https://login.example.com/as/token', True)),
        (
            dict(environment_id=ENV, auth_base_url='https://127.0.0.1:8443'),
            INTROSPECT,
            (f'https://127.0.0.1:8443/{ENV}/as/introspect', f'https://127.0.0.1:8443/{ENV}/as/token', True),
        ),
        # An explicit endpoint wins; the audience stays the token endpoint when one is known.
        (
            dict(environment_id=ENV, revocation_endpoint='https://gw.example.com/revoke'),
            REVOKE,
            ('https://gw.example.com/revoke', f'https://auth.pingone.com/{ENV}/as/token', False),
        ),
        (
            dict(token_endpoint='https://op.example.com/token', revocation_endpoint='https://op.example.com/revoke'),
            REVOKE,
            ('https://op.example.com/revoke', 'https://op.example.com/token', False),
        ),
        (
            dict(introspection_endpoint='https://op.example.com/introspect'),
            INTROSPECT,
            ('https://op.example.com/introspect', 'https://op.example.com/introspect', False),
        ),
        (
            dict(token_endpoint='https://op.example.com/token'),
            REVOKE,
            (
                'ConfigurationError',
                'token_endpoint alone does not say where the revocation endpoint is: set revocation_endpoint, or issuer so that discovery finds it',
            ),
        ),
        (dict(), INTROSPECT, ('ConfigurationError', 'One of introspection_endpoint, issuer, environment_id or auth_base_url is required')),
        (
            dict(environment_id=ENV, issuer='https://op.example.com'),
            REVOKE,
            ('ConfigurationError', 'Set either issuer or the PingOne options (environment_id, auth_base_url), not both'),
        ),
    ]
    wrong = []
    for values, kind, expected in table:
        got = outcome(functools.partial(resolved, values, kind))
        if got != expected:
            wrong.append((values, kind, got))
    # Plain http is refused with where the URL came from, before anything is sent.
    refused = outcome(lambda: admin_client.resolve_endpoint(HttpClient(), Location(), REVOKE, 'http://op.example.com/revoke'))
    if refused[0] != 'ConfigurationError' or '(the revocation_endpoint option)' not in refused[1]:
        wrong.append(('plain http', refused))
    assert wrong == []


def test_token_form():
    table = [
        (('tok', None), {'token': 'tok'}),
        (('tok', 'refresh_token'), {'token': 'tok', 'token_type_hint': 'refresh_token'}),
        (('', None), ('ConfigurationError', 'token is empty: give the access token or refresh token to act on')),
        (('tok', 'id_token'), ('ConfigurationError', 'token_type_hint must be one of access_token, refresh_token, got id_token')),
    ]
    assert [(args, outcome(lambda args=args: admin_client.token_form(*args))) for args, expected in table] == table


def test_error_from_answer():
    """Each row: status, headers, body, then the error class, the start of its message and its OAuth error."""
    url = P1 + '/revoke'
    prefix = f'Failed to revoke the token at {url}: '
    table = [
        (
            400,
            JSON,
            {'error': 'unsupported_token_type'},
            OAuthError,
            prefix + 'unsupported_token_type [HTTP 400]; the OP does not revoke tokens of this type',
            'unsupported_token_type',
        ),
        (
            401,
            JSON,
            {'error': 'invalid_client', 'error_description': 'Request denied: Unsupported authentication method'},
            OAuthError,
            prefix + 'invalid_client (Request denied: Unsupported authentication method) [HTTP 401]; check client_id',
            'invalid_client',
        ),
        (
            400,
            JSON,
            {'error': 'invalid_request', 'error_description': 'client is not authorized to revoke the presented token'},
            OAuthError,
            prefix + 'invalid_request (client is not authorized to revoke the presented token) [HTTP 400]; the token is '
            'missing, or (oidc-provider) it was issued to another client',
            'invalid_request',
        ),
        (
            503,
            {'Content-Type': 'text/html'},
            '<html><title>Down for maintenance</title></html>',
            ResponseError,
            prefix + 'HTTP 503 with a text/html answer, not an OAuth error response: Down for maintenance',
            None,
        ),
        (
            302,
            {'Location': 'https://login.example.com/'},
            '',
            ResponseError,
            prefix + 'HTTP 302 redirect to https://login.example.com/; the endpoint does not redirect',
            None,
        ),
        (
            404,
            JSON,
            {'code': 'NOT_FOUND', 'message': 'The requested resource was not found'},
            ResponseError,
            prefix + 'HTTP 404 with a application/json answer',
            None,
        ),
    ]
    wrong = []
    for status, headers, body, error_class, start, error in table:
        text = body if isinstance(body, str) else json.dumps(body)
        found = admin_client.error_from_answer(status, headers, text, url, 'revoke the token', 0.0)
        if type(found).__name__ != error_class.__name__ or not str(found).startswith(start) or found.error != error or found.status != status:
            wrong.append((status, body, type(found).__name__, str(found), found.error))
    # A PingOne 404 says what a PingOne 404 usually means.
    not_found = admin_client.error_from_answer(404, JSON, '{}', url, 'revoke the token', 0.0)
    if 'PingOne answers 404 for an environment it does not know' not in str(not_found):
        wrong.append(('404 hint', str(not_found)))
    assert wrong == []


def test_parse_introspection():
    """Each row: status and body, then the claims or (error class, message)."""
    url = P1 + '/introspect'
    prefix = f'Failed to introspect the token at {url}: '
    no_active = prefix + 'HTTP 200 but the answer has no boolean "active" (RFC 7662 section 2.2) (keys: '
    bad_client = prefix + (
        'invalid_client [HTTP 401]; check client_id, client_secret or private_key, auth_method and signing_alg against the client registration'
    )
    table = [
        (200, {'active': False}, {'active': False}),
        (200, {'active': True, 'scope': 'openid', 'exp': 1790000000}, {'active': True, 'scope': 'openid', 'exp': 1790000000}),
        (200, {'active': 'true'}, ('ResponseError', no_active + 'active)')),
        (200, {}, ('ResponseError', no_active + 'none)')),
        (200, [True], ('ResponseError', prefix + 'HTTP 200 but the answer is not a JSON object (application/json)')),
        (401, {'error': 'invalid_client'}, ('OAuthError', bad_client)),
    ]
    got = [
        (status, body, outcome(lambda status=status, body=body: admin_client.parse_introspection(status, JSON, json.dumps(body), url, 0.0)))
        for status, body, expected in table
    ]
    assert got == table


def test_options_of_the_modules():
    """token is a secret option (masked everywhere); the modules' own options are Options attributes with their defaults."""
    from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import checks, specs

    assert 'token' in checks.SECRET_OPTIONS
    assert specs.revoke_argument_spec()['token']['no_log'] is True and specs.introspect_argument_spec()['token']['no_log'] is True
    defaults = options_of({})
    assert (defaults.token, defaults.saved_as, defaults.fail_if_inactive, defaults.revocation_endpoint) == (None, None, False, None)
