# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jwtauth.oidc.token under bad input: each case fails the task with a message saying what failed and why.

The OP is real; misbehaviour a certified OP cannot produce (HTML 500s, non-JSON
answers, altered ID tokens) comes from fault routes on the same server.  The
ansible fixture fails any run whose -vvvv output holds a secret, a JWT or a traceback.
"""

from __future__ import annotations

import socket
import time

import pytest

from servers.op import harness
from conftest import TokenCase
from test_token_module import client_options, code_options


@pytest.fixture(scope='module')
def short_code_op(tmp_path_factory):
    """An OP whose authorization codes live one second, to redeem an expired code."""
    with harness.OP(str(tmp_path_factory.mktemp('op-short')), ttl={'AuthorizationCode': 1}) as provider:
        yield provider


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def fail(ansible, options, secrets=()):
    """Run the token task expecting failure; return the registered result after checking the message is shown."""
    run = ansible('token.yml', {'token': options, 'show_failure': True}, secrets=secrets)
    assert run.result['failed'] is True, run.output
    assert run.result['msg'] in run.output
    return run.result


def requests_to(op, path, since):
    return [e for e in op.events('request', since=since) if e['path'] == path]


def code_case(op, name, **overrides):
    """A case that redeems a fresh code: the code is among the secrets its output must not show."""
    options = code_options(op, name, **overrides)
    return TokenCase(options, [options['code']])


@pytest.fixture(scope='module')
def failures(op, short_code_op, token_batch):
    """The cases below that need no run of their own, all in one ansible-playbook run (playbooks/token_each.yml).

    The task runs without no_log (show_failure), so that each failure message is shown; the tokens of the cases
    that succeed are censored in the output all the same, which the secret scan checks. Cases that count requests
    at a fault route have a path of their own (harness OP.fault_url's label).
    """
    # The code of the OP whose codes live one second is fetched first; the run waits until it is expired.
    expired = code_options(short_code_op, 'csjwt')
    expired_at = time.time() + 2.5
    short_op_secrets = [c['client_secret'] for c in short_code_op.clients.values() if c.get('client_secret')]
    _verifier, challenge = harness.pkce_pair()
    other_verifier, _other = harness.pkce_pair()
    wrong_verifier = code_options(op, 'csjwt', code_challenge=challenge, code_verifier=other_verifier)
    no_verifier = code_options(op, 'csjwt', code_challenge=challenge)
    replayed = code_options(op, 'csjwt')
    no_verification = client_options(op, 'csjwt', validate_certs=False)
    del no_verification['ca_path']
    no_ca_path = client_options(op, 'csjwt')
    del no_ca_path['ca_path']
    refused = f'https://127.0.0.1:{closed_port()}/as/token'
    batch = {
        'wrong_client_id': TokenCase(client_options(op, 'csjwt', client_id='no-such-client')),
        # The same code twice: the first redeems it, the second is a replay.
        'replayed_code_first': TokenCase(replayed, [replayed['code']]),
        'replayed_code': TokenCase(replayed, [replayed['code']]),
        'expired_code': TokenCase(expired, [expired['code']] + short_op_secrets),
        'mismatched_redirect_uri': code_case(op, 'csjwt', layout='pingone', redirect_uri='https://client.example.test/other'),
        'wrong_code_verifier': TokenCase(wrong_verifier, [wrong_verifier['code'], other_verifier]),
        'missing_code_verifier': TokenCase(no_verifier, [no_verifier['code']]),
        'hs256_to_hs512': TokenCase(client_options(op, 'csjwt_hs512', signing_alg='HS256')),
        'unresolvable_host': TokenCase(client_options(op, 'csjwt', issuer=None, token_endpoint='https://op.invalid/as/token', retries=0)),
        'connection_refused': code_case(op, 'csjwt', issuer=None, token_endpoint=refused, retries=2),
        'tls_verification_failure': TokenCase(no_ca_path),
        'validate_certs_false': TokenCase(no_verification),
        'html500_code': code_case(op, 'csjwt', token_endpoint=op.fault_url('html500', 'code'), retries=2),
        'html500_client_credentials': TokenCase(client_options(op, 'csjwt', token_endpoint=op.fault_url('html500', 'client_credentials'), retries=2)),
        'notjson': TokenCase(client_options(op, 'csjwt', token_endpoint=op.fault_url('notjson'))),
        'noaccess': TokenCase(client_options(op, 'csjwt', token_endpoint=op.fault_url('noaccess'))),
        'discovery_without_token_endpoint': TokenCase(client_options(op, 'csjwt', issuer=op.fault_url('nodiscovery'))),
        'tamper': code_case(op, 'csjwt', token_endpoint=op.fault_url('tamper')),
        'audience': code_case(op, 'csjwt', token_endpoint=op.fault_url('audience')),
        'tamper_not_validated': code_case(op, 'basic', token_endpoint=op.fault_url('tamper'), validate_id_token=False),
        'ratelimit_code': code_case(op, 'csjwt', token_endpoint=op.fault_url('ratelimit', 'code'), validate_id_token=False),
        'ratelimit_client_credentials': TokenCase(client_options(op, 'csjwt', token_endpoint=op.fault_url('ratelimit', 'client_credentials'))),
        'unavailable': code_case(op, 'csjwt', token_endpoint=op.fault_url('unavailable', 'code'), retries=2),
    }
    for index, (overrides, _message) in enumerate(BAD_OPTIONS):
        batch[f'bad_options_{index}'] = TokenCase(client_options(op, 'csjwt', **overrides))
    time.sleep(max(0, expired_at - time.time()))
    return token_batch(batch, show_failure=True)


def failed(failures, name):
    """The registered result of a case, after checking that it failed and that its message is shown in its part of the output."""
    result = failures.results[name]
    assert result['failed'] is True, (name, result)
    assert result['msg'] in failures.shown(name)
    return result


def succeeded(failures, name):
    result = failures.results[name]
    assert result.get('failed') is not True, (name, result)
    return result


@pytest.mark.core_sensitive
def test_wrong_secret(op, ansible):
    options = client_options(op, 'csjwt', client_secret='wrong-' + 'x' * 60)
    result = fail(ansible, options, secrets=[options['client_secret']])
    assert result['error'] == 'invalid_client' and result['status'] == 401
    assert result['msg'].startswith(
        f'Failed to obtain a client_credentials token at {op.token_endpoint()}: invalid_client (client authentication failed) [HTTP 401]; check client_id'
    )


def test_wrong_client_id(op, failures):
    result = failed(failures, 'wrong_client_id')
    assert result['error'] == 'invalid_client' and result['url'] == op.token_endpoint()


def test_replayed_code(op, failures):
    succeeded(failures, 'replayed_code_first')
    result = failed(failures, 'replayed_code')
    assert result['error'] == 'invalid_grant' and result['status'] == 400
    assert 'Failed to exchange the authorization code at ' + op.token_endpoint() in result['msg']
    assert 'already used' in result['msg']


def test_expired_code(failures):
    result = failed(failures, 'expired_code')
    assert result['error'] == 'invalid_grant'


def test_mismatched_redirect_uri(op, failures):
    result = failed(failures, 'mismatched_redirect_uri')
    assert result['error'] == 'invalid_grant'
    assert result['url'] == op.token_endpoint(op.pingone_issuer)


def test_wrong_code_verifier(failures):
    result = failed(failures, 'wrong_code_verifier')
    assert result['error'] == 'invalid_grant' and 'no code_verifier was sent' not in result['msg']


def test_a_missing_code_verifier_is_named(failures):
    """The code came from an authorization request with a code_challenge; the exchange sent no code_verifier."""
    result = failed(failures, 'missing_code_verifier')
    assert result['error'] == 'invalid_grant', result['msg']
    assert result['msg'].endswith('; no code_verifier was sent: an authorization request with a code_challenge (PKCE, RFC 7636 section 4.5) needs it')


def test_hs256_to_client_pinned_to_hs512(op, failures):
    result = failed(failures, 'hs256_to_hs512')
    assert result['error'] == 'invalid_client' and result['status'] == 401
    # The OP's own reason, which its 401 body does not say; this is the run's only case with that client.
    errors = [e for e in failures.events if e['type'] == 'grant.error' and e.get('client_id') == op.clients['csjwt_hs512']['client_id']]
    assert any('alg mismatch' in str(e.get('error_detail')) for e in errors)


def test_unresolvable_host(failures):
    result = failed(failures, 'unresolvable_host')
    assert result['msg'] == 'Failed to obtain a client_credentials token at https://op.invalid/as/token: host name could not be resolved'


def test_connection_refused_is_retried_then_reported(failures):
    result = failed(failures, 'connection_refused')
    url = failures.cases['connection_refused'].options['token_endpoint']
    assert result['msg'] == f'Failed to exchange the authorization code at {url}: connection refused'


# Not batched: it checks how long the task took.
def test_timeout_does_not_resend_a_code(op, ansible):
    mark = op.mark()
    options = code_options(op, 'csjwt', token_endpoint=op.fault_url('slow'), timeout=1)
    started = time.time()
    result = fail(ansible, options, secrets=[options['code']])
    assert 'no answer within the timeout' in result['msg']
    assert time.time() - started < 30
    assert len(requests_to(op, '/faults/slow/token', mark)) == 1


def test_tls_verification_failure(op, failures):
    result = failed(failures, 'tls_verification_failure')
    assert 'TLS certificate verification failed' in result['msg'] and 'set ca_path' in result['msg']
    assert result['url'].startswith(op.issuer)


def test_validate_certs_false_skips_verification(failures):
    assert succeeded(failures, 'validate_certs_false')['access_token']


@pytest.mark.parametrize('grant, sent', [('code', 1), ('client_credentials', 3)])
def test_html_500(failures, grant, sent):
    result = failed(failures, 'html500_' + grant)
    assert result['status'] == 500
    assert 'HTTP 500 with a text/html answer, not an OAuth error response' in result['msg']
    # A code is never re-sent after a 500: the OP may have redeemed it before failing.
    assert len(failures.requests_to(f'/faults/html500/{grant}/token')) == sent


@pytest.mark.parametrize(
    'fault, message',
    [
        ('notjson', 'HTTP 200 but the answer is not a JSON object (text/plain'),
        ('noaccess', 'HTTP 200 but the answer has no access_token (keys: expires_in, token_type)'),
    ],
)
def test_unusable_200(op, failures, fault, message):
    result = failed(failures, fault)
    assert message in result['msg'] and result['url'] == op.fault_url(fault)


def test_discovery_without_token_endpoint(op, failures):
    issuer = op.fault_url('nodiscovery')
    result = failed(failures, 'discovery_without_token_endpoint')
    assert result['msg'] == f'OpenID Provider metadata at {issuer}/.well-known/openid-configuration has no token_endpoint'


@pytest.mark.parametrize(
    'fault, message',
    [
        ('tamper', 'The ID token signature does not verify with the OP key'),
        ('audience', "The ID token is for another audience (aud 'someone-else')"),
    ],
)
def test_bad_id_token(failures, fault, message):
    result = failed(failures, fault)
    assert message in result['msg']


def test_bad_id_token_passes_when_validation_is_off(failures):
    result = succeeded(failures, 'tamper_not_validated')
    assert result['id_token_claims'] is None


@pytest.mark.parametrize('grant', ['code', 'client_credentials'])
def test_429_with_retry_after_is_retried(failures, grant):
    result = succeeded(failures, 'ratelimit_' + grant)
    assert result['access_token'].startswith('faultaccess-')
    statuses = [e['status'] for e in failures.requests_to(f'/faults/ratelimit/{grant}/token')]
    assert statuses == [429, 200]


def test_503_with_retry_after_gives_up_after_retries(failures):
    result = failed(failures, 'unavailable')
    assert result['status'] == 503
    assert len(failures.requests_to('/faults/unavailable/code/token')) == 3


BAD_OPTIONS = [
    ({'signing_alg': 'RS256'}, 'signing_alg RS256 cannot be used with client_secret_jwt'),
    ({'assertion_lifetime': 7200}, 'assertion_lifetime must be between 1 and 3600 seconds'),
    ({'grant_type': 'authorization_code'}, 'missing: code, redirect_uri'),
    ({'extra_params': {'client_assertion': 'x'}}, 'extra_params cannot set client_assertion'),
    ({'auth_method': 'private_key_jwt', 'private_key': 'not a key'}, 'private_key is not a PEM private key: it has no -----BEGIN'),
    # The commonest private_key mistake: the key file's path where its text goes.
    ({'auth_method': 'private_key_jwt', 'private_key': '/etc/jwtauth/worker.pem'}, 'private_key looks like a file path, not a key'),
]


def test_bad_options_fail_before_any_request(failures):
    """Each case fails its task with its message, shown in the output; none of them sends a request."""
    for index, (overrides, message) in enumerate(BAD_OPTIONS):
        name = f'bad_options_{index}'
        result = failed(failures, name)
        assert message in result['msg'], (overrides, result['msg'])
        assert failures.events_of(name) == [], overrides
    # Every request of the run is some case's (each sends its own User-Agent), so none of these went unseen.
    assert all(e.get('agent', '').startswith(failures.agent('')) for e in failures.events if e['type'] == 'request')
