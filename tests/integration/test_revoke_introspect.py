# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jwtauth.oidc.revoke (RFC 7009) and jwtauth.oidc.introspect (RFC 7662) against the real OP over TLS, both mounts.

The library runs in process through the edge the action plugins use (argument validation, masking, error to failed
result); one ansible-playbook run covers the action group, check mode, the display and the -vvvv secret scan.
"""

from __future__ import annotations

import json
import secrets

import jwt
import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils import _tasks
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._store import provider
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge
from servers import hostile
from test_token_module import client_options, code_options, read_pem

LAYOUTS = ['root', 'pingone']


def given(args):
    """The task's arguments without those set to None (not given)."""
    return {key: value for key, value in args.items() if value is not None}


def revoke(args, check_mode=False):
    """The revoke task's result, as the action plugin returns it."""
    args = given(args)
    return _edge.run(
        specs.revoke_module_kwargs(), args, lambda o, context, check, diff: _tasks.run_revoke_task(o, context, check_mode=check), check_mode=check_mode
    )


def introspect(args, check_mode=False):
    """The introspect task's result, as the action plugin returns it."""
    args = given(args)
    return _edge.run(
        specs.introspect_module_kwargs(), args, lambda o, context, check, diff: _tasks.run_introspect_task(o, context, check_mode=check), check_mode=check_mode
    )


def obtain(options):
    """Tokens from the token module's use case, through the edge."""
    result = _edge.run(specs.token_module_kwargs(), options, lambda o, context, check, diff: _tasks.run_token_task(o, context))
    assert not result.get('failed'), result.get('msg')
    return result


def connection(op, name, layout):
    """The connection and client options of client ``name``: what revoke and introspect take besides the token."""
    options = client_options(op, name, layout)
    if op.clients[name].get('signing_alg'):
        options['signing_alg'] = op.clients[name]['signing_alg']  # a client pinned to one algorithm
    if name == 'pkjwt':
        options.update(private_key=read_pem(op.clients['pkjwt']['private_key_path']), key_id='rsa1')
    return options


def endpoint_path(op, layout, kind):
    """Where oidc-provider serves revocation or introspection: its default routes, or PingOne's names on the PingOne mount."""
    if layout == 'root':
        return {'revocation': '/token/revocation', 'introspection': '/token/introspection'}[kind]
    name = {'revocation': 'revoke', 'introspection': 'introspect'}[kind]
    return f'/{op.env_id}/as/{name}'


def admin_requests(op, since, layout, kind):
    return [e for e in op.events('request', since=since) if e['path'] == endpoint_path(op, layout, kind)]


def shown(result):
    return json.dumps(result, sort_keys=True)


@pytest.mark.parametrize('layout', LAYOUTS)
@pytest.mark.parametrize('revoked', ['access_token', 'refresh_token'])
def test_revoke_then_introspect(op, layout, revoked):
    """Tokens from a code are active, with their claims; once one is revoked, both are inactive: RFC 7009 section 2.1
    says revoking a refresh token SHOULD revoke the access tokens of its grant, and lets an OP revoke the grant when an
    access token is revoked, which oidc-provider does."""
    tokens = obtain(code_options(op, 'csjwt', layout))
    access, refresh = tokens['access_token'], tokens['refresh_token']
    base = connection(op, 'csjwt', layout)
    mark = op.mark()

    seen = introspect(dict(base, token=access, token_type_hint='access_token'))
    assert seen['changed'] is False and seen['active'] is True
    claims = seen['claims']
    assert claims['sub'] == 'test-user' and claims['client_id'] == op.clients['csjwt']['client_id']
    assert 'openid' in claims['scope'].split() and claims['token_type'] == 'Bearer' and claims['exp'] > claims['iat']
    assert seen['introspection_endpoint'] == op.base_url + endpoint_path(op, layout, 'introspection')
    assert access not in shown(seen) and refresh not in shown(seen)
    assert introspect(dict(base, token=refresh, token_type_hint='refresh_token'))['active'] is True

    done = revoke(dict(base, token=tokens[revoked], token_type_hint=revoked))
    assert done['changed'] is True and done['revoked'] == [revoked], done
    assert done['revocation_endpoint'] == op.base_url + endpoint_path(op, layout, 'revocation')
    assert access not in shown(done) and refresh not in shown(done)

    assert introspect(dict(base, token=access))['claims'] == {'active': False}
    assert introspect(dict(base, token=refresh))['claims'] == {'active': False}
    # Every request went to the mount's own endpoint and was answered 200; none failed.
    assert [e['status'] for e in admin_requests(op, mark, layout, 'revocation')] == [200]
    assert [e['status'] for e in admin_requests(op, mark, layout, 'introspection')] == [200] * 4
    assert op.events('revocation.error', since=mark) == [] and op.events('introspection.error', since=mark) == []


@pytest.mark.parametrize('name', ['basic', 'post', 'pkjwt', 'csjwt_hs512'])
def test_every_client_authentication(op, name):
    """Each auth method of _client_auth authenticates revocation and introspection as it does token requests
    (PingOne applies the application's token endpoint auth method to both)."""
    layout = 'pingone' if name in ('pkjwt', 'csjwt_hs512') else 'root'
    base = connection(op, name, layout)
    access = obtain(dict(base, grant_type='client_credentials'))['access_token']
    mark = op.mark()
    assert introspect(dict(base, token=access))['active'] is True
    assert revoke(dict(base, token=access))['changed'] is True
    assert introspect(dict(base, token=access))['active'] is False
    assert op.events('revocation.error', since=mark) == [] and op.events('introspection.error', since=mark) == []


@pytest.mark.parametrize('layout', LAYOUTS)
def test_unknown_token_is_revoked_and_inactive(op, layout):
    """RFC 7009 section 2.2: an unknown token is answered 200, so the task succeeds (changed: the OP said 200); the
    public client (auth_method none) may do it too. RFC 7662 section 2.2: an unknown token is inactive, not an error."""
    unknown = 'not-a-token-' + secrets.token_urlsafe(16)
    for name in ('csjwt', 'public'):
        done = revoke(dict(connection(op, name, layout), token=unknown))
        assert done['changed'] is True and done['revoked'] == ['token'], done
        assert 'RFC 7009 section 2.2' in done['msg'] and unknown not in shown(done)
    seen = introspect(dict(connection(op, 'csjwt', layout), token=unknown))
    assert seen['active'] is False and seen['changed'] is False and not seen.get('failed')


def test_check_mode_sends_nothing(op):
    base = connection(op, 'csjwt', 'pingone')
    access = obtain(dict(base, grant_type='client_credentials'))['access_token']
    mark = op.mark()
    done = revoke(dict(base, token=access), check_mode=True)
    assert done['changed'] is True and done['revoked'] == [] and done['msg'].startswith('Check mode: would revoke')
    assert op.events('request', since=mark) == []
    assert introspect(dict(base, token=access), check_mode=True)['active'] is True  # introspection reads, so it runs


@pytest.mark.parametrize('layout', LAYOUTS)
def test_wrong_client_secret(op, layout):
    """invalid_client in the OAuth error style, the HTTP status and URL; neither the wrong secret nor the token shown."""
    wrong = secrets.token_urlsafe(64)
    access = obtain(dict(connection(op, 'csjwt', layout), grant_type='client_credentials'))['access_token']
    base = dict(connection(op, 'csjwt', layout), client_secret=wrong, token=access)
    for result, what, kind in ((revoke(base), 'revoke the token', 'revocation'), (introspect(base), 'introspect the token', 'introspection')):
        url = op.base_url + endpoint_path(op, layout, kind)
        assert result['failed'] is True and result['error'] == 'invalid_client' and result['status'] == 401
        assert result['msg'].startswith(f'Failed to {what} at {url}: invalid_client ('), result['msg']
        assert 'check client_id, client_secret' in result['msg']
        assert wrong not in shown(result) and access not in shown(result)
    # The token is still good: a failed revocation revoked nothing.
    assert introspect(dict(connection(op, 'csjwt', layout), token=access))['active'] is True


def test_revoking_a_saved_token_removes_it_from_the_store(op, tmp_path):
    """saved_as: the refresh token, then the access token are revoked, and the entry is removed (check mode first:
    nothing sent, nothing removed). A second run has nothing to do; a lookup of the name then has nothing to serve."""
    store = dict(token_store=True, token_store_path=str(tmp_path / 'store'))
    saved = obtain(dict(code_options(op, 'csjwt', 'pingone'), save_as='login', **store))
    base = dict(connection(op, 'csjwt', 'pingone'), **store)
    mark = op.mark()

    predicted = revoke(dict(base, saved_as='login'), check_mode=True)
    assert predicted['changed'] is True and predicted['removed'] is False
    assert "would revoke the refresh token and access token of the saved token 'login'" in predicted['msg']
    assert op.events('request', since=mark) == []

    done = revoke(dict(base, saved_as='login'))
    assert done['changed'] is True and done['removed'] is True and done['revoked'] == ['refresh_token', 'access_token'], done
    assert [e['status'] for e in admin_requests(op, mark, 'pingone', 'revocation')] == [200, 200]
    for token in (saved['access_token'], saved['refresh_token']):
        assert token not in shown(done)
        assert introspect(dict(connection(op, 'csjwt', 'pingone'), token=token))['active'] is False

    again = revoke(dict(base, saved_as='login'))
    assert again['changed'] is False and again['removed'] is False and again['msg'].startswith("No saved token 'login'")
    with pytest.raises(StoreError, match="No saved token 'login'"):
        provider.TokenProvider(options_of(base), TaskContext()).get('login')


def test_revoking_the_lookups_entry_makes_the_lookup_fetch_a_new_token(op, tmp_path):
    """Neither token nor saved_as: the entry the lookup keeps for the same options (scope included) is revoked and
    removed, and the next lookup requests a new, active token."""
    base = dict(connection(op, 'csjwt', 'root'), token_store=True, token_store_path=str(tmp_path / 'store'), scope=['api:read'])
    validated = options_of(base)
    first = provider.TokenProvider(options_of(validated), TaskContext()).get()['access_token']
    assert provider.TokenProvider(options_of(validated), TaskContext()).get()['access_token'] == first  # served from the store

    other_scope = revoke(dict(base, scope=['api:write']))
    assert other_scope['changed'] is False  # another scope is another entry: nothing to revoke

    done = revoke(base)
    assert done['changed'] is True and done['revoked'] == ['access_token'] and done['removed'] is True, done
    plain = connection(op, 'csjwt', 'root')
    assert introspect(dict(plain, token=first))['active'] is False
    second = provider.TokenProvider(options_of(validated), TaskContext()).get()['access_token']
    assert second != first and introspect(dict(plain, token=second))['active'] is True


def claims_of(assertion):
    return jwt.decode(assertion, options={'verify_signature': False})


def test_retry_after_503_then_unsupported_token_type(op, hostile_server):
    """A 503 with Retry-After is retried with a new client assertion (new jti, aud the revocation endpoint, not the
    token_endpoint given beside it); an unsupported_token_type answer (RFC 7009 section 2.2.1) fails in the OAuth error style, with the retry in a warning."""
    answers = [
        hostile.json_answer(503, {'error': 'temporarily_unavailable'}, **{'Retry-After': '0'}),
        hostile.json_answer(400, {'error': 'unsupported_token_type', 'error_description': 'access tokens are forever'}),
    ]
    url = hostile_server.route('POST', '/revoke', lambda request: answers.pop(0))
    token_endpoint = hostile_server.url('/token')
    token = 'opaque-' + secrets.token_urlsafe(24)
    result = revoke(
        dict(
            connection(op, 'csjwt', 'root'),
            issuer=None,
            token_endpoint=token_endpoint,
            revocation_endpoint=url,
            ca_path=hostile_server.ca_path,
            token=token,
            token_type_hint='access_token',
        )
    )
    assert result['failed'] is True and result['error'] == 'unsupported_token_type' and result['status'] == 400
    assert result['msg'].startswith(
        f'Failed to revoke the token at {url}: unsupported_token_type (access tokens are forever) [HTTP 400]; the OP does not revoke tokens of this type'
    ), result['msg']
    assert any('retried 1 time after HTTP 503' in warning for warning in result['warnings'])
    first, second = [request.form for request in hostile_server.received('/revoke')]
    assert first['token'] == second['token'] == token and first['token_type_hint'] == 'access_token'
    claims = [claims_of(form['client_assertion']) for form in (first, second)]
    assert claims[0]['jti'] != claims[1]['jti'] and claims[0]['aud'] == claims[1]['aud'] == url
    assert token not in shown(result)


@pytest.mark.parametrize(
    'answer, expected',
    [
        ((200, {'active': 'true'}), 'HTTP 200 but the answer has no boolean "active" (RFC 7662 section 2.2) (keys: active)'),
        ((200, ['active']), 'HTTP 200 but the answer is not a JSON object'),
    ],
)
def test_introspection_answers_without_a_boolean_active_fail(op, hostile_server, answer, expected):
    url = hostile_server.route('POST', '/introspect', lambda request: hostile.json_answer(*answer))
    result = introspect(
        dict(connection(op, 'csjwt', 'root'), issuer=None, introspection_endpoint=url, ca_path=hostile_server.ca_path, token='opaque-token-value')
    )
    assert result['failed'] is True and expected in result['msg'], result['msg']
    # The assertion names the endpoint called (assertion_audience=endpoint, the default).
    assert claims_of(hostile_server.received('/introspect')[0].form['client_assertion'])['aud'] == url


def test_options_that_cannot_work_fail_before_any_request(op):
    base = connection(op, 'csjwt', 'root')
    token = 'opaque-' + secrets.token_urlsafe(24)  # a token of one letter would mask that letter in every message
    token_endpoint = op.token_endpoint()  # the harness reads discovery for it: before the mark
    mark = op.mark()
    both = revoke(dict(base, token=token, saved_as='login'))
    assert both['failed'] is True and 'mutually exclusive' in both['msg']
    hint_without_token = revoke(dict(base, token_type_hint='access_token'))
    assert hint_without_token['failed'] is True and 'token_type_hint' in hint_without_token['msg']
    no_endpoint = introspect(dict(base, issuer=None, token_endpoint=token_endpoint, token=token))
    assert no_endpoint['msg'] == (
        'token_endpoint alone does not say where the introspection endpoint is: set introspection_endpoint, or issuer so that discovery finds it'
    )
    plain = revoke(dict(base, token=token, revocation_endpoint='http://198.51.100.7/revoke'))
    assert plain['failed'] is True and 'http://198.51.100.7/revoke (the revocation_endpoint option)' in plain['msg'], plain['msg']
    no_store = revoke(dict(base, token_store=False, saved_as='login'))
    assert no_store['msg'].startswith("Cannot revoke the saved token 'login'")
    assert op.events('request', since=mark) == []


@pytest.mark.core_sensitive
def test_playbook_module_defaults_check_mode_and_no_secret_in_output(op, ansible):
    """One -vvvv run: both modules take the group's module_defaults; the check run sends nothing and the token stays
    active; the real run revokes it; fail_if_inactive fails saying why. The fixture scans the output for the token
    and every client secret."""
    client = op.clients['csjwt']
    connection_options = {
        'environment_id': op.env_id,
        'auth_base_url': op.base_url,
        'client_id': client['client_id'],
        'client_secret': client['client_secret'],
        'ca_path': op.ca_path,
    }
    access = obtain(dict(connection_options, grant_type='client_credentials'))['access_token']
    mark = op.mark()
    run = ansible('revoke_introspect.yml', {'op_connection': connection_options, 'access_token': access}, secrets=[access])
    assert run.rc == 0, run.output[-3000:]
    results = run.result
    assert results['before']['active'] is True and results['before']['claims']['client_id'] == client['client_id']
    assert results['revoke_check']['changed'] is True and results['after_check']['active'] is True
    assert results['revoked']['changed'] is True and results['revoked']['revoked'] == ['access_token']
    assert results['after']['active'] is False and results['after']['changed'] is False
    failure = results['inactive_failure']
    assert failure['failed'] is True and 'The token is not active according to' in failure['msg']
    # One revocation: the real run's; the check run sent nothing.
    assert len(admin_requests(op, mark, 'pingone', 'revocation')) == 1
    # The display shows what was done and the claims, not the token (the scan checked that).
    assert 'Check mode: would revoke the given access token; nothing was sent' in run.flat
    assert '"active": false' in run.output
