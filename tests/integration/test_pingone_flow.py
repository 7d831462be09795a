# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""grant_type=pingone_flow against the test OP's emulation of PingOne's headless sign-on (server.mjs handlePiFlow), over TLS.

The library runs in process for the outcomes; one ansible-playbook run covers check mode, the environment
variables an AWX credential injects, what Ansible displays and the -vvvv secret scan.
"""

from __future__ import annotations

import hashlib
import os

import pytest

from conftest import validated, validated_token_options

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils import _tasks
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.sign_on import FlowError
from ansible_collections.jwtauth.oidc.plugins.lookup.token import lookup_tokens

SCOPE = ['openid', 'profile', 'offline_access']


def flow_options(op, username, password, **overrides):
    client = op.clients['csjwt']
    args = dict(
        grant_type='pingone_flow',
        environment_id=op.env_id,
        auth_base_url=op.base_url,
        ca_path=op.ca_path,
        redirect_uri=op.redirect_uri,
        username=username,
        password=password,
        scope=SCOPE,
    )
    args.update(overrides)
    return validated_token_options(client_id=client['client_id'], client_secret=client['client_secret'], **args)


def requests_of(op, suffix):
    return [event for event in op.since_mark('request') if event['path'].endswith(suffix)]


def test_sign_on_to_tokens_with_client_secret_jwt_and_nonce(op):
    account = op.flow_accounts['svc-ansible']
    op.mark()
    context = TaskContext()
    result = _tasks.run_token_task(flow_options(op, 'svc-ansible', account['password'], nonce='nonce-of-this-test'), context)
    assert result['grant_type'] == 'pingone_flow' and result['flow_status'] == 'COMPLETED'
    assert result['access_token'] and result['refresh_token'] and result['token_type'] == 'Bearer'
    claims = result['id_token_claims']
    # The OP's devInteractions made the signed-on username the subject; the ID token carries the nonce that was sent.
    assert claims['sub'] == 'svc-ansible' and claims['nonce'] == 'nonce-of-this-test'
    assert claims['aud'] == op.clients['csjwt']['client_id'] and result['issuer'] == op.pingone_issuer
    assert set(result['scope'].split()) == set(SCOPE)
    # One flow, in order: authorize (pi.flow), the password check, the resume; then one client_secret_jwt code exchange.
    flow_paths = [
        e['path']
        for e in op.since_mark('request')
        if e.get('agent') != 'jwtauth-tests pi.flow emulation' and not e['path'].endswith(('/jwks', '/openid-configuration'))
    ]
    assert flow_paths == [
        f'/{op.env_id}/as/authorize',
        f'/{op.env_id}/flows/' + flow_paths[1].rsplit('/', 1)[1],
        f'/{op.env_id}/as/resume',
        f'/{op.env_id}/as/token',
    ]
    success = op.since_mark('grant.success')
    assert [(e['provider'], e['grant_type'], e['client_id']) for e in success] == [('pingone', 'authorization_code', 'csjwt-client')]
    assert not context.warnings


def test_without_a_nonce_option_a_random_one_is_sent_and_checked(op):
    """The library picks a nonce of 128 random bits for the sign-on; the ID token validation compares it."""
    account = op.flow_accounts['svc-ansible']
    nonces = [_tasks.run_token_task(flow_options(op, 'svc-ansible', account['password']), TaskContext())['id_token_claims']['nonce'] for _run in '12']
    assert all(len(nonce) >= 22 for nonce in nonces) and nonces[0] != nonces[1]


@pytest.mark.parametrize(
    'username, password, status, error, flow_status, words',
    [
        (
            'svc-ansible',
            'not-the-password',
            400,
            'INVALID_CREDENTIALS',
            None,
            [
                'HTTP 400',
                'INVALID_DATA',
                'The provided password did not match provisioned password (password)',
                'PingOne error id',
                'the username or password is wrong',
            ],
        ),
        ('svc-mfa', None, 200, None, 'OTP_REQUIRED', ['the PingOne flow is OTP_REQUIRED, not COMPLETED', 'multi-factor authentication']),
        ('svc-expired', None, 200, None, 'PASSWORD_EXPIRED', ['the PingOne flow is PASSWORD_EXPIRED, not COMPLETED', 'password has expired']),
    ],
)
def test_a_flow_that_does_not_complete_fails_before_any_code_is_redeemed(op, username, password, status, error, flow_status, words):
    password = password or op.flow_accounts[username]['password']
    op.mark()
    with pytest.raises(FlowError) as caught:
        _tasks.run_token_task(flow_options(op, username, password), TaskContext())
    exc = caught.value
    assert exc.status == status and exc.error == error and exc.flow_status == flow_status
    assert exc.details.get('flow_status') == flow_status
    assert exc.url == f'{op.base_url}/{op.env_id}/flows/' + exc.url.rsplit('/', 1)[1]
    message = str(exc)
    assert message.startswith(f"Failed to sign on as '{username}' (usernamePassword.check) at {exc.url}")
    for text in words:
        assert text in message
    assert password not in message
    # No resume, no code, no token request.
    assert requests_of(op, '/as/resume') == [] and requests_of(op, '/as/token') == []
    assert op.since_mark('grant.success') == []


def test_a_redirect_uri_the_client_does_not_have_is_refused_at_authorize(op):
    account = op.flow_accounts['svc-ansible']
    op.mark()
    with pytest.raises(FlowError) as caught:
        _tasks.run_token_task(flow_options(op, 'svc-ansible', account['password'], redirect_uri='https://elsewhere.example.test/cb'), TaskContext())
    assert caught.value.status == 400 and 'redirect_uri' in str(caught.value)
    assert '?' not in caught.value.url  # the authorize URL is shown without its query (state, nonce, challenge)
    assert requests_of(op, '/as/authorize') and not [e for e in op.since_mark('request') if '/flows/' in e['path']]


@pytest.mark.core_sensitive
def test_playbook_check_mode_env_credentials_display_and_secret_scan(op, ansible):
    good = op.flow_accounts['svc-ansible']['password']
    mfa = op.flow_accounts['svc-mfa']['password']
    wrong = 'wrong-password-of-the-playbook-test'
    client = op.clients['csjwt']
    before = {kind: len(op.issued_secrets(kind)) for kind in ('ST', 'code')}
    flow = dict(
        environment_id=op.env_id,
        auth_base_url=op.base_url,
        client_id=client['client_id'],
        client_secret=client['client_secret'],
        redirect_uri=op.redirect_uri,
        ca_path=op.ca_path,
        nonce='nonce-of-the-playbook',
        username='svc-ansible',
        wrong_password=wrong,
        mfa_password=mfa,
    )
    # The first sign-on's username and password come from the variables an AWX credential injects.
    env = {'JWTAUTH_OIDC_USERNAME': 'svc-ansible', 'JWTAUTH_OIDC_PASSWORD': good}
    run = ansible('pingone_flow.yml', {'flow': flow}, env=env, secrets=[good, mfa, wrong])
    # One sign-on completed: one ST cookie and one code were handed out, and neither is in the output.
    issued = {kind: op.issued_secrets(kind)[before[kind] :] for kind in ('ST', 'code')}
    assert {kind: len(values) for kind, values in issued.items()} == {'ST': 1, 'code': 1}
    run.assert_no_secrets(issued['ST'] + issued['code'])
    assert run.rc == 0, run.output[-3000:]
    results = run.result
    checked = results['checked']
    assert checked['skipped'] is True and 'pingone_flow grant spends a single-use value' in checked['msg']
    signed_on = results['signed_on']
    assert signed_on['flow_status'] == 'COMPLETED' and signed_on['id_token_claims']['nonce'] == 'nonce-of-the-playbook'
    assert signed_on['id_token_claims']['sub'] == 'svc-ansible'
    wrong_result = results['wrong_password']
    assert wrong_result['failed'] is True and wrong_result['error'] == 'INVALID_CREDENTIALS' and wrong_result['status'] == 400
    assert 'did not match provisioned password' in wrong_result['msg']
    mfa_result = results['mfa']
    assert mfa_result['failed'] is True and mfa_result['flow_status'] == 'OTP_REQUIRED'
    # What Ansible displays: the failures' messages; the token result is censored.
    assert 'the PingOne flow is OTP_REQUIRED, not COMPLETED' in run.flat
    assert 'did not match provisioned password' in run.flat
    assert 'censored' in run.flat


def test_a_locked_account_says_when_it_unlocks(op):
    """PingOne's sign-on sample reads PASSWORD_LOCKED_OUT and innerError.secondsUntilUnlock: so does the message."""
    for _attempt in range(5):
        with pytest.raises(FlowError) as caught:
            _tasks.run_token_task(flow_options(op, 'svc-lockable', 'not-the-password'), TaskContext())
        assert caught.value.error == 'INVALID_CREDENTIALS'
    with pytest.raises(FlowError) as caught:
        _tasks.run_token_task(flow_options(op, 'svc-lockable', op.flow_accounts['svc-lockable']['password']), TaskContext())
    assert caught.value.error == 'PASSWORD_LOCKED_OUT'
    assert 'the account is locked after too many failed sign-ons: PingOne unlocks it in 15 minutes' in str(caught.value)
    assert op.flow_accounts['svc-lockable']['password'] not in str(caught.value)


def lookup_flow(op, store, password, **overrides):
    """What the token lookup returns (its library call, lookup_tokens) for svc-ansible with ``password``, the store on."""
    client = op.clients['csjwt']
    args = dict(
        grant_type='pingone_flow',
        environment_id=op.env_id,
        auth_base_url=op.base_url,
        ca_path=op.ca_path,
        redirect_uri=op.redirect_uri,
        username='svc-ansible',
        password=password,
        scope=SCOPE,
        client_id=client['client_id'],
        client_secret=client['client_secret'],
        token_store_path=str(store),
        query='@',
    )
    args.update(overrides)
    options = validated(specs.token_module_kwargs(specs.lookup_argument_spec()), args)
    return lookup_tokens([], options, TaskContext())['values'][0]


def sign_on_counts(op, mark):
    """(password checks, token requests) at the OP since ``mark``, and the grants it issued tokens for."""
    requests = op.events('request', since=mark)
    checks = [e for e in requests if e['method'] == 'POST' and f'/{op.env_id}/flows/' in e['path']]
    tokens = [e for e in requests if e['path'] == f'/{op.env_id}/as/token']
    return len(checks), len(tokens), [e['grant_type'] for e in op.events('grant.success', since=mark)]


def test_a_stored_sign_on_is_served_only_for_the_password_that_signed_on(op, tmp_path):
    """Issue 23: the lookup served a signed-on user's stored token, and renewed it with the stored refresh token,
    whatever password the task gave. Another password is another entry now, and the OP checks it."""
    store = tmp_path / 'store'
    good = op.flow_accounts['svc-ansible']['password']
    wrong = 'not-the-password-of-svc-ansible'
    mark = op.mark()
    first = lookup_flow(op, store, good)
    assert first['flow_status'] == 'COMPLETED' and first['refresh_token']
    assert sign_on_counts(op, mark) == (1, 1, ['authorization_code'])
    # The right password again: the stored token, no request at the OP.
    assert lookup_flow(op, store, good)['access_token'] == first['access_token']
    assert sign_on_counts(op, mark) == (1, 1, ['authorization_code'])
    # A wrong password: not served, not renewed with the stored refresh token; the OP checks it and refuses.
    for action in ('use', 'renew'):
        with pytest.raises(FlowError) as caught:
            lookup_flow(op, store, wrong, token_store_action=action)
        assert caught.value.error == 'INVALID_CREDENTIALS' and wrong not in str(caught.value)
    assert sign_on_counts(op, mark) == (3, 1, ['authorization_code'])
    # The right password is still served the stored token, and renews it with its refresh token.
    assert lookup_flow(op, store, good)['access_token'] == first['access_token']
    renewed = lookup_flow(op, store, good, token_store_action='renew')
    assert renewed['access_token'] != first['access_token']
    assert sign_on_counts(op, mark) == (3, 2, ['authorization_code', 'refresh_token'])
    # What the store keeps names no password: not the password, nor an unkeyed hash of it, in any file name or file.
    for name in os.listdir(str(store)):
        text = (store / name).read_bytes()
        for secret in (good, wrong):
            for form in (secret, hashlib.sha256(secret.encode()).hexdigest()):
                assert form not in name and form.encode() not in text
