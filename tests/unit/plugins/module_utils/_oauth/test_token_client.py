# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The token client without the network: which aud each of its requests' client assertions names, and what it refuses
before sending anything."""

from __future__ import annotations

import json
from types import SimpleNamespace

import jwt

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import audience
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import TokenClient

ENV = '5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f'
P1 = f'https://auth.pingone.com/{ENV}/as'
SECRET = 's' * 64
TOKENS = {'access_token': 'at-1', 'token_type': 'Bearer', 'expires_in': 300}
DEVICE = {'device_code': 'dc-1', 'user_code': 'ABCD-EFGH', 'verification_uri': P1 + '/device', 'expires_in': 60, 'interval': 1}


class RecordingOP:
    """An HttpClient stand-in: the device authorization answer at */device_authorization, tokens elsewhere; records the
    URL, aud and typ of every client assertion sent."""

    def __init__(self):
        self.context = TaskContext()
        self.sent = []

    def check_url(self, url, source):
        pass

    @staticmethod
    def clock():
        return 0.0

    def request(self, method, url, what, single_use=False, build=None, source=None, **kwargs):
        form, _headers = build()
        assertion = form['client_assertion']
        aud = jwt.decode(assertion, options={'verify_signature': False})['aud']
        self.sent.append((url.rsplit('/', 1)[-1], aud, jwt.get_unverified_header(assertion)['typ']))
        answer = DEVICE if url.endswith('/device_authorization') else TOKENS
        return SimpleNamespace(status_code=200, headers={'Content-Type': 'application/json'}, text=json.dumps(answer))


def sent(values):
    """What a client credentials grant and a device grant (PingOne's layout: no discovery) send, or the error of prepare()."""
    op = RecordingOP()
    try:
        for grant in ('client_credentials', 'device_code'):
            client = TokenClient(options_of(dict(values, environment_id=ENV, client_id='c1', client_secret=SECRET, grant_type=grant)), http=op)
            client.sleep = lambda seconds: None
            client.request_token()
    except OIDCError as exc:
        return (type(exc).__name__, str(exc))
    return op.sent


def test_audience_and_typ_of_each_request():
    """Each row: options, then (endpoint, aud, typ) of the client credentials grant, the device authorization request
    and the device grant's poll."""
    table = [
        ({}, [('token', P1 + '/token', 'JWT'), ('device_authorization', P1 + '/device_authorization', 'JWT'), ('token', P1 + '/token', 'JWT')]),
        (
            dict(assertion_audience='token_endpoint'),
            [('token', P1 + '/token', 'JWT'), ('device_authorization', P1 + '/token', 'JWT'), ('token', P1 + '/token', 'JWT')],
        ),
        (
            dict(assertion_audience='issuer', assertion_typ='client-authentication+jwt'),
            [('token', P1, 'client-authentication+jwt'), ('device_authorization', P1, 'client-authentication+jwt'), ('token', P1, 'client-authentication+jwt')],
        ),
        (
            dict(audience='https://aud.example'),
            [('token', 'https://aud.example', 'JWT'), ('device_authorization', 'https://aud.example', 'JWT'), ('token', 'https://aud.example', 'JWT')],
        ),
    ]
    wrong = [(values, sent(values)) for values, expected in table if sent(values) != expected]
    assert wrong == []


def test_the_issuer_style_without_an_issuer_fails_before_any_request():
    op = RecordingOP()
    client = TokenClient(
        options_of(dict(token_endpoint='https://op.example/token', client_id='c1', client_secret=SECRET, assertion_audience='issuer')), http=op
    )
    try:
        client.request_token()
    except OIDCError as exc:
        assert str(exc) == audience.ISSUER_UNKNOWN
    else:
        raise AssertionError('no error')
    assert op.sent == []


class ForeignDeviceOP(RecordingOP):
    """An OP whose device authorization answer sends the person to another host, over http."""

    def request(self, method, url, what, single_use=False, build=None, source=None, **kwargs):
        answer = super().request(method, url, what, single_use, build, source, **kwargs)
        if url.endswith('/device_authorization'):
            answer.text = json.dumps(dict(DEVICE, verification_uri='http://evil.example/device'))
        return answer


def test_a_foreign_verification_uri_is_warned_about_before_the_instructions():
    shown = []
    op = ForeignDeviceOP()
    op.context = TaskContext(shown.append)
    client = TokenClient(options_of(dict(environment_id=ENV, client_id='c1', client_secret=SECRET, grant_type='device_code')), http=op)
    client.sleep = lambda seconds: None
    client.request_token()
    warning = 'verification_uri http://evil.example is http, not https (RFC 6749 section 3.1 requires TLS where the user signs in)'
    assert len(op.context.warnings) == 1 and warning in op.context.warnings[0] and 'auth.pingone.com' in op.context.warnings[0]
    assert shown == ['WARNING: ' + op.context.warnings[0], 'To approve, open http://evil.example/device and enter the code ABCD-EFGH; waiting up to 60 s']
