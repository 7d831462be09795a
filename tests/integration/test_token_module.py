# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jwtauth.oidc.token against a real OP (panva oidc-provider over TLS): every grant and auth method."""

from __future__ import annotations

import pytest

from servers.op import harness
from conftest import TokenCase


def client_options(op, name, layout='root', **overrides):
    """Module options for one of the OP's clients, on the root issuer or the PingOne-shaped one.

    An override of None removes that option.
    """
    client = op.clients[name]
    options = {'client_id': client['client_id'], 'auth_method': client['auth_method'], 'ca_path': op.ca_path}
    if layout == 'root':
        options['issuer'] = op.issuer
    else:
        options.update(environment_id=op.env_id, auth_base_url=op.base_url)
    if client.get('client_secret'):
        options['client_secret'] = client['client_secret']
    options.update(overrides)
    return {key: value for key, value in options.items() if value is not None}


def code_options(op, name, layout='root', nonce=None, code_challenge=None, **overrides):
    """Options that redeem a fresh authorization code obtained through the OP's login and consent pages."""
    issuer_url = op.issuer if layout == 'root' else op.pingone_issuer
    code = harness.get_code(op, name, issuer=issuer_url, nonce=nonce, code_challenge=code_challenge)
    return client_options(op, name, layout, **dict({'code': code['code'], 'redirect_uri': op.redirect_uri}, **overrides))


def read_pem(path):
    with open(path) as handle:
        return handle.read()


def token_requests(events):
    """The token requests among what the OP logged."""
    return [event for event in events if event['type'] == 'request' and event['path'].endswith('/token')]


CODE_EXCHANGES = [('root', 'HS384'), ('root', 'HS512'), ('pingone', 'HS256'), ('pingone', 'HS384'), ('pingone', 'HS512')]
PRIVATE_KEY_JWT = [('rsa1', 'RS256'), ('rsa1', 'PS256'), ('ec1', 'ES256')]


def csjwt_code_exchange(op, issuer, alg):
    options = code_options(op, 'csjwt', issuer, nonce='nonce-' + alg, signing_alg=alg)
    options['nonce'] = 'nonce-' + alg
    return options


@pytest.fixture(scope='module')
def exchanges(op, token_batch):
    """The successful requests below that need no run of their own, all in one ansible-playbook run
    (playbooks/token_each.yml), the task no_log as in token.yml."""
    batch = {}
    for issuer, alg in CODE_EXCHANGES:
        options = csjwt_code_exchange(op, issuer, alg)
        batch[f'csjwt-{issuer}-{alg}'] = TokenCase(options, [options['code']])
    batch['hs512_pinned'] = code_options(op, 'csjwt_hs512', 'pingone', signing_alg='HS512')
    for kid, alg in PRIVATE_KEY_JWT:
        key = op.clients['pkjwt']['private_keys'][kid]
        batch[f'pkjwt-{kid}-{alg}'] = code_options(op, 'pkjwt', 'pingone', private_key=read_pem(key['path']), key_id=kid, signing_alg=alg)
    for name in ('basic', 'post'):
        batch['secret-' + name] = code_options(op, name)
    verifier, challenge = harness.pkce_pair()
    batch['public_pkce'] = TokenCase(code_options(op, 'public', code_challenge=challenge, code_verifier=verifier), [verifier])
    verifier, challenge = harness.pkce_pair()
    batch['confidential_pkce'] = TokenCase(code_options(op, 'csjwt', 'pingone', code_challenge=challenge, code_verifier=verifier), [verifier])
    batch['client_credentials_scope'] = client_options(op, 'csjwt', 'pingone', scope=['api:read'])
    token_endpoint_only = code_options(op, 'csjwt')
    del token_endpoint_only['issuer']
    token_endpoint_only['token_endpoint'] = op.token_endpoint()
    batch['token_endpoint_only'] = token_endpoint_only
    # Every code is a secret of its case.
    batch = {name: case if isinstance(case, TokenCase) else TokenCase(case, [case.get('code')]) for name, case in batch.items()}
    return token_batch(batch)


def succeeded(batch, name):
    result = batch.results[name]
    assert result.get('failed') is not True, (name, result)
    return result


def check_code_exchange(op, result, options, issuer, events):
    """What a client_secret_jwt code exchange returns, and what the OP logged for it."""
    assert result['changed'] is False
    assert result['token_type'] == 'Bearer'
    assert result['id_token_claims']['sub'] == 'test-user'
    assert result['id_token_claims']['aud'] == op.clients['csjwt']['client_id']
    assert result['id_token_claims']['nonce'] == options['nonce']
    assert result['issuer'] == (op.issuer if issuer == 'root' else op.pingone_issuer)
    assert result['token_endpoint'].endswith('/as/token') is (issuer == 'pingone')
    # expires_at against the time the OP logged the token request.
    requested = [e['ts'] for e in token_requests(events)]
    assert len(requested) == 1 and abs(result['expires_at'] - (requested[0] + result['expires_in'])) < 60
    assert 'offline_access' in result['scope'] and result['refresh_token']
    success = [e for e in events if e['type'] == 'grant.success']
    assert len(success) == 1 and success[0]['provider'] == issuer
    # One discovery request each: the issuer's, or with auth_base_url the location's, whose document says the ID
    # token issuer (a PingOne custom domain may issue the environment's standard one). Only the standard
    # PingOne hosts, which a test cannot reach, derive everything from environment_id and region.
    discovery = [e for e in events if e['type'] == 'request' and 'well-known' in e['path']]
    assert len(discovery) == 1
    assert discovery[0]['path'].startswith(f'/{op.env_id}/as/' if issuer == 'pingone' else '/.well-known/')


@pytest.mark.parametrize('issuer, alg', CODE_EXCHANGES)
def test_client_secret_jwt_code_exchange(op, exchanges, issuer, alg):
    name = f'csjwt-{issuer}-{alg}'
    check_code_exchange(op, succeeded(exchanges, name), exchanges.cases[name].options, issuer, exchanges.events_of(name))


# This exchange runs its task without no_log (show_failure), in a run of its own: the tokens in its result are
# still censored at -vvvv.
@pytest.mark.core_sensitive
def test_client_secret_jwt_code_exchange_shown(op, ansible):
    options = csjwt_code_exchange(op, 'root', 'HS256')
    mark = op.mark()
    run = ansible('token.yml', {'token': options, 'show_failure': True}, secrets=[options['code']])
    assert run.rc == 0, run.output
    assert run.result['access_token'] and run.result['refresh_token'] and run.result['id_token']
    assert "'no_log: true' was specified for this result" in run.output
    check_code_exchange(op, run.result, options, 'root', op.events(since=mark))


def test_hs512_pinned_client(exchanges):
    assert succeeded(exchanges, 'hs512_pinned')['access_token']


@pytest.mark.parametrize('kid, alg', PRIVATE_KEY_JWT)
def test_private_key_jwt(exchanges, kid, alg):
    assert succeeded(exchanges, f'pkjwt-{kid}-{alg}')['id_token_claims']['sub'] == 'test-user'


@pytest.mark.parametrize('name', ['basic', 'post'])
def test_secret_methods(op, exchanges, name):
    assert succeeded(exchanges, 'secret-' + name)['id_token_claims']['aud'] == op.clients[name]['client_id']


def test_public_client_with_pkce(exchanges):
    assert succeeded(exchanges, 'public_pkce')['access_token']


def test_confidential_client_with_pkce(exchanges):
    succeeded(exchanges, 'confidential_pkce')


def test_client_credentials_with_resource_free_scope(exchanges):
    result = succeeded(exchanges, 'client_credentials_scope')
    assert result['grant_type'] == 'client_credentials'
    assert result['id_token'] is None and result['id_token_claims'] is None
    assert [e['grant_type'] for e in exchanges.events_of('client_credentials_scope', 'grant.success')] == ['client_credentials']


@pytest.mark.core_sensitive
def test_refresh_token_unrotated_comes_back_usable(op, ansible):
    # One run: the exchange, then the refresh with the refresh token it registered (playbooks/token_refresh.yml).
    # Every token of both results is in the secret scan.
    options = code_options(op, 'csjwt')
    run = ansible('token_refresh.yml', {'token': options}, secrets=[options['code']])
    assert run.rc == 0, run.output
    first, second = run.result
    refresh_token = first['refresh_token']
    assert refresh_token
    assert second['grant_type'] == 'refresh_token'
    assert second['access_token'] != first['access_token']
    # oidc-provider does not rotate refresh tokens of confidential clients: the same value comes
    # back, and must not be masked as VALUE_SPECIFIED_IN_NO_LOG_PARAMETER.
    assert second['refresh_token'] == refresh_token
    assert second['id_token_claims']['sub'] == 'test-user'


def test_token_endpoint_only_validates_same_origin_issuer(op, exchanges):
    assert succeeded(exchanges, 'token_endpoint_only')['id_token_claims']['iss'] == op.issuer


@pytest.mark.core_sensitive
def test_options_from_environment_variables(op, ansible):
    options = code_options(op, 'csjwt', 'pingone')
    env = {
        'JWTAUTH_OIDC_CLIENT_ID': options.pop('client_id'),
        'JWTAUTH_OIDC_CLIENT_SECRET': options.pop('client_secret'),
        'JWTAUTH_OIDC_ENVIRONMENT_ID': options.pop('environment_id'),
        'JWTAUTH_OIDC_AUTH_BASE_URL': options.pop('auth_base_url'),
        'JWTAUTH_OIDC_CA_PATH': options.pop('ca_path'),
        'JWTAUTH_OIDC_SIGNING_ALG': 'HS512',
    }
    run = ansible('token.yml', {'token': {'code': options['code'], 'redirect_uri': options['redirect_uri']}}, env=env)
    assert run.rc == 0, run.output
    assert run.result['id_token_claims']['aud'] == env['JWTAUTH_OIDC_CLIENT_ID']
    assert run.result['issuer'] == op.pingone_issuer


@pytest.fixture(scope='module')
def checked(op, token_batch):
    """Both check-mode cases in one ansible-playbook run with --check (a mode of the whole run)."""
    code = code_options(op, 'csjwt')
    return token_batch({'code': TokenCase(code, [code['code']]), 'client_credentials': TokenCase(client_options(op, 'csjwt'))}, check=True)


@pytest.mark.core_sensitive
def test_check_mode_does_not_spend_the_code(op, ansible, checked):
    result = checked.results['code']
    assert result['skipped'] is True and 'access_token' not in result
    # No token request in that run but the client_credentials case's.
    assert [e for e in token_requests(checked.events) if e.get('agent') != checked.agent('client_credentials')] == []
    # The code is still good afterwards.
    run = ansible('token.yml', {'token': checked.cases['code'].options})
    assert run.rc == 0, run.output


def test_check_mode_runs_client_credentials(checked):
    assert succeeded(checked, 'client_credentials')['access_token']


@pytest.mark.core_sensitive
def test_delegate_to_and_remote_host_stay_on_controller(op, ansible):
    """A play aimed at a host that cannot be reached still gets its token: the request leaves from the controller."""
    run = ansible('token_unreachable_host.yml', {'token': client_options(op, 'basic')})
    assert run.rc == 0, run.output
    assert run.result['access_token']


@pytest.mark.core_sensitive
def test_module_defaults_action_group(op, ansible):
    client = op.clients['csjwt']
    run = ansible(
        'module_defaults_group.yml',
        {'op_issuer': op.issuer, 'op_client_id': client['client_id'], 'op_client_secret': client['client_secret'], 'op_ca_path': op.ca_path},
    )
    assert run.rc == 0, run.output[-3000:]
    assert run.result['access_token'] and run.result['issuer'] == op.issuer
