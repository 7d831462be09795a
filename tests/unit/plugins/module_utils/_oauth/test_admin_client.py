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
from types import SimpleNamespace

import jwt

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError, OIDCError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import admin_client, audience
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
    return (found.url, found.token_endpoint, found.issuer, found.pingone)


def test_resolve_endpoint_without_discovery():
    """Each row: options, endpoint kind, then (url, token endpoint, issuer, pingone) or (error class, message): where the
    request goes, and what the options say of the OP that its client assertion may name."""
    table = [
        (dict(environment_id=ENV, region='EU'), REVOKE, (P1 + '/revoke', P1 + '/token', P1, True)),
        (dict(environment_id=ENV, region='EU'), INTROSPECT, (P1 + '/introspect', P1 + '/token', P1, True)),
        (
            dict(auth_base_url='https://login.example.com'),
            REVOKE,
            ('https://login.example.com/as/revoke', 'https://login.example.com/as/token', 'https://login.example.com/as', True),
        ),
        (
            dict(environment_id=ENV, auth_base_url='https://127.0.0.1:8443'),
            INTROSPECT,
            (f'https://127.0.0.1:8443/{ENV}/as/introspect', f'https://127.0.0.1:8443/{ENV}/as/token', f'https://127.0.0.1:8443/{ENV}/as', True),
        ),
        # An explicit endpoint wins; the token endpoint and issuer are known as far as the options say.
        (
            dict(environment_id=ENV, revocation_endpoint='https://gw.example.com/revoke'),
            REVOKE,
            ('https://gw.example.com/revoke', f'https://auth.pingone.com/{ENV}/as/token', f'https://auth.pingone.com/{ENV}/as', False),
        ),
        (
            dict(token_endpoint='https://op.example.com/token', revocation_endpoint='https://op.example.com/revoke'),
            REVOKE,
            ('https://op.example.com/revoke', 'https://op.example.com/token', None, False),
        ),
        (
            dict(issuer='https://op.example.com', revocation_endpoint='https://op.example.com/revoke'),
            REVOKE,
            ('https://op.example.com/revoke', None, 'https://op.example.com', False),
        ),
        (
            dict(introspection_endpoint='https://op.example.com/introspect'),
            INTROSPECT,
            ('https://op.example.com/introspect', None, None, False),
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
        # A bare 401 says the client authentication failed here, with the hints of invalid_client.
        (
            401,
            {},
            '',
            ResponseError,
            prefix + 'HTTP 401 with an empty answer, not an OAuth error response; the client authentication failed at this endpoint: '
            'check client_id, client_secret or private_key, auth_method and signing_alg against the client registration, and for a client '
            'assertion the aud and typ this endpoint accepts (assertion_audience, audience, assertion_typ)',
            None,
        ),
        (
            401,
            {'Content-Type': 'text/plain', 'WWW-Authenticate': 'Basic realm="op"'},
            'Unauthorized',
            ResponseError,
            prefix + 'HTTP 401 with a text/plain answer, not an OAuth error response: Unauthorized; the client authentication failed at this endpoint',
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
        'invalid_client [HTTP 401]; check client_id, client_secret or private_key, auth_method and signing_alg against the client registration, '
        'and for a client assertion the aud and typ this endpoint accepts (assertion_audience, audience, assertion_typ)'
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


class RecordingOP:
    """An HttpClient stand-in that answers every POST with ``answer`` and records the aud of each client assertion sent."""

    def __init__(self, answer):
        self.context = TaskContext()
        self.answer = answer
        self.sent = []

    def check_url(self, url, source):
        pass

    def request(self, method, url, what, single_use=False, build=None, source=None, **kwargs):
        form, _headers = build()
        self.sent.append((url, jwt.decode(form['client_assertion'], options={'verify_signature': False})['aud']))
        return SimpleNamespace(status_code=200, headers=JSON, text=json.dumps(self.answer))


SECRET = 's' * 64


def test_each_endpoint_names_the_audience_chosen():
    """Each row: options besides the client's, then the (url, aud) of a revocation and an introspection, or the error of
    prepare(), which runs before any request (check mode too)."""
    gateway = dict(token_endpoint='https://op.example.com/token', revocation_endpoint='https://op.example.com/revoke')
    gateway.update(introspection_endpoint='https://op.example.com/introspect')
    table = [
        (dict(environment_id=ENV, region='EU'), [(P1 + '/revoke', P1 + '/revoke'), (P1 + '/introspect', P1 + '/introspect')]),
        (dict(environment_id=ENV, region='EU', assertion_audience='token_endpoint'), [(P1 + '/revoke', P1 + '/token'), (P1 + '/introspect', P1 + '/token')]),
        (dict(environment_id=ENV, region='EU', assertion_audience='issuer'), [(P1 + '/revoke', P1), (P1 + '/introspect', P1)]),
        (
            dict(environment_id=ENV, region='EU', assertion_audience='issuer', audience='https://other.example'),
            [(P1 + '/revoke', 'https://other.example'), (P1 + '/introspect', 'https://other.example')],
        ),
        (
            gateway,
            [('https://op.example.com/revoke', 'https://op.example.com/revoke'), ('https://op.example.com/introspect', 'https://op.example.com/introspect')],
        ),
        (
            dict(gateway, assertion_audience='token_endpoint'),
            [('https://op.example.com/revoke', 'https://op.example.com/token'), ('https://op.example.com/introspect', 'https://op.example.com/token')],
        ),
        (dict(gateway, assertion_audience='issuer'), ('ConfigurationError', audience.ISSUER_UNKNOWN)),
        (
            dict(gateway, assertion_audience='issuer', issuer='https://op.example.com'),
            [('https://op.example.com/revoke', 'https://op.example.com'), ('https://op.example.com/introspect', 'https://op.example.com')],
        ),
    ]
    wrong = []
    for values, expected in table:
        op = RecordingOP({'active': False})
        client = admin_client.TokenAdminClient(options_of(dict(values, client_id='c1', client_secret=SECRET)), http=op)

        def both(client=client):
            client.prepare()
            client.revoke('tok')
            client.introspect('tok')

        got = outcome(both)
        got = op.sent if got is None else got
        if got != expected:
            wrong.append((values, got))
    assert wrong == []


def test_an_explicit_audience_over_a_chosen_style_is_said():
    client = admin_client.TokenAdminClient(
        options_of(dict(environment_id=ENV, client_id='c1', client_secret=SECRET, assertion_audience='token_endpoint', audience='https://x')),
        http=RecordingOP({'active': False}),
    )
    client.prepare()
    assert client.context.warnings == ['assertion_audience=token_endpoint is not used: audience is set, and the client assertion names it at every endpoint']
    # A method without an assertion neither checks nor warns: its requests name no audience.
    basic = admin_client.TokenAdminClient(
        options_of(
            dict(token_endpoint='https://op/token', client_id='c1', client_secret=SECRET, auth_method='client_secret_basic', assertion_audience='issuer')
        ),
        http=RecordingOP({'active': False}),
    )
    basic.prepare()
    assert basic.context.warnings == []
