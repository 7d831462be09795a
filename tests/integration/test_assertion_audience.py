# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client assertions that strict OPs accept, against the real OP's strict mounts (tests/servers/op/server.mjs AUDIENCE_RULES).

``endpoint_aud`` accepts only the URL of the endpoint called, as idpyoidc and Glewlwyd do; ``issuer_aud`` only the issuer
as one string with the typ client-authentication+jwt, as an OP that follows draft-ietf-oauth-rfc7523bis strictly does.
Each audience style works at the token, introspection, revocation and device authorization endpoints of the mount it
fits, with client_secret_jwt and private_key_jwt; what the collection sent before (the token endpoint everywhere) fails
at the strict one, with the OP's reason in its log. The library runs in process through the edge, as the action plugins
run it; the device grant's person is played by a sleep that approves the code shown, so no poll waits a second.
"""

from __future__ import annotations

import re

import pytest

from conftest import validated
from servers import hostile
from servers.op import harness
from test_revoke_introspect import claims_of, given, introspect, obtain, revoke
from test_token_module import read_pem

from ansible_collections.jwtauth.oidc.plugins.module_utils import _tasks
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.audience import ISSUER_UNKNOWN
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import TokenClient, http_client_for
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge

BIS = {'assertion_audience': 'issuer', 'assertion_typ': 'client-authentication+jwt'}
METHODS = ['csjwt', 'pkjwt']
# Where oidc-provider serves each endpoint under a mount (its default routes).
PATHS = {'token': '/token', 'introspection': '/token/introspection', 'revocation': '/token/revocation', 'device_authorization': '/device/auth'}
CLIENT_AUTH_ERRORS = ('grant.error', 'introspection.error', 'revocation.error', 'device_authorization.error')


def strict_options(op, mount, name, **overrides):
    """The connection and client options of client ``name`` at ``mount`` (a strict mount's name, or 'root')."""
    client = op.clients[name]
    options = {'issuer': op.issuer_for(mount), 'client_id': client['client_id'], 'auth_method': client['auth_method'], 'ca_path': op.ca_path}
    if client.get('client_secret'):
        options['client_secret'] = client['client_secret']
    if name == 'pkjwt':
        options.update(private_key=read_pem(client['private_key_path']), key_id=client['kid'])
    options.update(overrides)
    return given(options)


def device_grant(op, mount, options):
    """The device authorization grant in process, the person approving at ``mount`` the code shown during the first wait."""
    shown = []
    validated_options = validated(specs.token_module_kwargs(), dict(options, grant_type='device_code', scope=['openid', 'api:read'], token_store=False))
    client = TokenClient(validated_options, http_client_for(validated_options, TaskContext(shown.append)))

    def approve(_seconds):
        harness.approve_device(op, re.search(r'enter the code ([A-Z]{4}-[A-Z]{4})', shown[-1]).group(1), issuer=mount)

    client.sleep = approve
    return client.request_token()


def client_auth_errors(op, since):
    return [(event['type'], event.get('error_detail')) for event in op.events(since=since) if event['type'] in CLIENT_AUTH_ERRORS]


def statuses(op, since, mount):
    """The status of each request to the mount, by endpoint path (mount prefix removed)."""
    prefix = harness.STRICT_MOUNTS.get(mount, '')
    found = {}
    for event in op.events('request', since=since):
        if event['path'].startswith(prefix):
            found.setdefault(event['path'][len(prefix) :], []).append(event['status'])
    return found


@pytest.mark.parametrize('name', METHODS)
@pytest.mark.parametrize('mount, style', [('endpoint_aud', {}), ('issuer_aud', BIS)], ids=['endpoint-default', 'issuer-rfc7523bis'])
def test_each_style_is_accepted_where_it_fits(op, mount, style, name):
    """The default at the mount as strict as idpyoidc and Glewlwyd, the issuer and its typ at the rfc7523bis one: a token,
    an introspection, a device grant (authorization request and poll), a revocation; no client authentication refused."""
    options = strict_options(op, mount, name, **style)
    mark = op.mark()
    access = obtain(dict(options, grant_type='client_credentials'))['access_token']
    assert introspect(dict(options, token=access))['active'] is True
    device = device_grant(op, mount, options)
    assert device['grant_type'] == 'urn:ietf:params:oauth:grant-type:device_code' and device['access_token']
    assert revoke(dict(options, token=access))['changed'] is True
    assert introspect(dict(options, token=access))['active'] is False
    assert client_auth_errors(op, mark) == []
    seen = statuses(op, mark, mount)
    assert seen[PATHS['token']] == [200, 200] and seen[PATHS['device_authorization']] == [200]
    assert seen[PATHS['introspection']] == [200, 200] and seen[PATHS['revocation']] == [200]


@pytest.mark.parametrize('name', METHODS)
def test_the_token_endpoint_everywhere_fails_at_the_strict_mount(op, name):
    """What every request sent before (assertion_audience=token_endpoint): the token endpoint takes it, introspection,
    revocation and device authorization refuse it (401 invalid_client), each message saying where and what to check,
    and the OP's log saying why."""
    options = strict_options(op, 'endpoint_aud', name, assertion_audience='token_endpoint')
    access = obtain(dict(options, grant_type='client_credentials'))['access_token']
    mark = op.mark()
    refused = {'introspection': introspect(dict(options, token=access)), 'revocation': revoke(dict(options, token=access))}
    try:
        device_grant(op, 'endpoint_aud', options)
    except OIDCError as exc:
        refused['device_authorization'] = {'failed': True, 'msg': str(exc), 'error': exc.error, 'status': exc.status}
    base = op.issuer_for('endpoint_aud')
    for kind, result in refused.items():
        assert result['failed'] is True and result['error'] == 'invalid_client' and result['status'] == 401, (kind, result)
        assert f' at {base}{PATHS[kind]}: invalid_client (client authentication failed) [HTTP 401]; check client_id' in result['msg'], result['msg']
        assert 'the aud and typ this endpoint accepts (assertion_audience, audience, assertion_typ)' in result['msg']
    reasons = client_auth_errors(op, mark)
    assert sorted(kind for kind, _detail in reasons) == ['device_authorization.error', 'introspection.error', 'revocation.error']
    assert all(detail.startswith('audience (aud) must be the URL of the endpoint called') for _kind, detail in reasons), reasons
    # The token was neither revoked nor ever refused at the token endpoint.
    assert introspect(dict(options, assertion_audience='endpoint', token=access))['active'] is True


def test_the_rfc7523bis_mount_refuses_the_endpoint_and_an_untyped_assertion(op):
    """At the issuer_aud mount the default (the token endpoint at the token endpoint) and the issuer with typ JWT are both
    refused, each for its own reason; an explicit audience wins over the style, which a warning says is unused."""
    mark = op.mark()
    results = [
        obtain_or_failure(strict_options(op, 'issuer_aud', 'csjwt')),
        obtain_or_failure(strict_options(op, 'issuer_aud', 'pkjwt', assertion_audience='issuer')),
    ]
    assert [result['error'] for result in results] == ['invalid_client', 'invalid_client']
    details = [detail for _kind, detail in client_auth_errors(op, mark)]
    assert details[0].startswith('audience (aud) must be the issuer identifier') and details[1] == 'typ must be client-authentication+jwt, not "JWT"'
    explicit = obtain_or_failure(
        strict_options(op, 'issuer_aud', 'csjwt', audience=op.issuer_for('issuer_aud'), assertion_audience='token_endpoint', assertion_typ=BIS['assertion_typ'])
    )
    assert explicit['access_token'] and explicit['warnings'] == [
        'assertion_audience=token_endpoint is not used: audience is set, and the client assertion names it at every endpoint'
    ]


def obtain_or_failure(options):
    """The token task's result through the edge, failed or not."""
    return _edge.run(
        specs.token_module_kwargs(), dict(options, grant_type='client_credentials'), lambda o, context, check, diff: _tasks.run_token_task(o, context)
    )


@pytest.mark.parametrize('layout', ['root', 'pingone'])
def test_lenient_ops_take_the_rfc7523bis_assertion_too(op, layout):
    """oidc-provider's own rules (and PingOne's: the issuer is one of the audiences it lists) accept the issuer; oidc-provider
    reads no typ. On PingOne's layout the issuer comes from environment_id and auth_base_url, without discovery."""
    if layout == 'root':
        options = strict_options(op, 'root', 'pkjwt', **BIS)
    else:
        options = strict_options(op, 'root', 'csjwt', issuer=None, environment_id=op.env_id, auth_base_url=op.base_url, **BIS)
    mark = op.mark()
    access = obtain(dict(options, grant_type='client_credentials'))['access_token']
    assert introspect(dict(options, token=access))['active'] is True
    assert client_auth_errors(op, mark) == []


def test_the_issuer_style_without_an_issuer_fails_before_any_request(op):
    """With only token_endpoint (and the revocation or introspection endpoint) nothing says what the issuer is."""
    token_endpoint = op.token_endpoint('issuer_aud')  # the harness reads discovery for it: before the mark
    options = strict_options(op, 'issuer_aud', 'csjwt', issuer=None, token_endpoint=token_endpoint, **BIS)
    mark = op.mark()
    results = [
        obtain_or_failure(options),
        revoke(dict(options, token='opaque-token-value', revocation_endpoint=token_endpoint + '/revocation')),
        introspect(dict(options, token='opaque-token-value', introspection_endpoint=token_endpoint + '/introspection'), check_mode=True),
    ]
    assert [(result['failed'], result['msg']) for result in results] == [(True, ISSUER_UNKNOWN)] * 3
    assert op.events('request', since=mark) == []


def test_a_bare_401_says_the_client_authentication_failed(op, hostile_server):
    """A 401 without a body at revocation, introspection and device authorization reads as a refused client authentication,
    with the hints of invalid_client; unauthorized_client at device authorization names both of its causes."""
    empty = hostile_server.route('*', '/bare', lambda request: (401, {}, b''))
    answers = {'/device': [(401, {}, b''), hostile.json_answer(400, {'error': 'unauthorized_client'})]}
    device = hostile_server.route('POST', '/device', lambda request: answers['/device'].pop(0))
    options = strict_options(op, 'root', 'csjwt', issuer=None, token_endpoint=hostile_server.url('/token'), ca_path=hostile_server.ca_path)
    hint = 'the client authentication failed at this endpoint: check client_id, client_secret or private_key, auth_method and signing_alg'
    for result, what in (
        (revoke(dict(options, token='opaque-token-value', revocation_endpoint=empty)), 'revoke the token'),
        (introspect(dict(options, token='opaque-token-value', introspection_endpoint=empty)), 'introspect the token'),
    ):
        assert result['failed'] is True and result['status'] == 401
        assert result['msg'] == (
            f'Failed to {what} at {empty}: HTTP 401 with an empty answer, not an OAuth error response; {hint} against the client registration, '
            'and for a client assertion the aud and typ this endpoint accepts (assertion_audience, audience, assertion_typ)'
        )
    messages = []
    for _answer in range(2):
        try:
            device_grant(op, 'root', dict(options, device_authorization_endpoint=device))
        except OIDCError as exc:
            messages.append(str(exc))
    prefix = f'Failed to start the device authorization grant at {device}: '
    assert messages[0].startswith(prefix + f'HTTP 401 with an empty answer, not an OAuth error response; {hint}'), messages[0]
    assert messages[1].startswith(prefix + 'unauthorized_client [HTTP 400]; either the client registration does not allow the device authorization grant'), (
        messages[1]
    )
    assert 'or the OP refused the client authentication sent here' in messages[1] and 'does not allow this grant_type' not in messages[1]
    # Each client assertion named the endpoint it was sent to (the default style), though only token_endpoint is known.
    assert [claims_of(request.form['client_assertion'])['aud'] for request in hostile_server.received()] == [empty, empty, device, device]
