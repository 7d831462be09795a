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

import harness
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


@pytest.mark.core_sensitive
def test_wrong_secret(op, ansible):
    options = client_options(op, 'csjwt', client_secret='wrong-' + 'x' * 60)
    result = fail(ansible, options, secrets=[options['client_secret']])
    assert result['error'] == 'invalid_client' and result['status'] == 401
    assert result['msg'].startswith('Failed to obtain a client_credentials token at {0}: invalid_client '
                                    '(client authentication failed) [HTTP 401]; check client_id'.format(op.token_endpoint()))


def test_wrong_client_id(op, ansible):
    result = fail(ansible, client_options(op, 'csjwt', client_id='no-such-client'))
    assert result['error'] == 'invalid_client' and result['url'] == op.token_endpoint()


def test_replayed_code(op, ansible):
    options = code_options(op, 'csjwt')
    first = ansible('token.yml', {'token': options})
    assert first.rc == 0, first.output
    result = fail(ansible, options, secrets=[options['code'], first.result['access_token']])
    assert result['error'] == 'invalid_grant' and result['status'] == 400
    assert 'Failed to exchange the authorization code at ' + op.token_endpoint() in result['msg']
    assert 'already used' in result['msg']


def test_expired_code(short_code_op, ansible):
    options = code_options(short_code_op, 'csjwt')
    time.sleep(2.5)
    short_op_secrets = [c['client_secret'] for c in short_code_op.clients.values() if c.get('client_secret')]
    result = fail(ansible, options, secrets=[options['code']] + short_op_secrets)
    assert result['error'] == 'invalid_grant'


def test_mismatched_redirect_uri(op, ansible):
    options = code_options(op, 'csjwt', 'pingone', redirect_uri='https://client.example.test/other')
    result = fail(ansible, options, secrets=[options['code']])
    assert result['error'] == 'invalid_grant'
    assert result['url'] == op.token_endpoint(op.pingone_issuer)


def test_wrong_code_verifier(op, ansible):
    _verifier, challenge = harness.pkce_pair()
    other_verifier, _other = harness.pkce_pair()
    options = code_options(op, 'csjwt', code_challenge=challenge, code_verifier=other_verifier)
    result = fail(ansible, options, secrets=[options['code'], other_verifier])
    assert result['error'] == 'invalid_grant'


def test_hs256_to_client_pinned_to_hs512(op, ansible):
    mark = op.mark()
    result = fail(ansible, client_options(op, 'csjwt_hs512', signing_alg='HS256'))
    assert result['error'] == 'invalid_client' and result['status'] == 401
    # The OP's own reason, which its 401 body does not say.
    assert any('alg mismatch' in str(e.get('error_detail')) for e in op.events('grant.error', since=mark))


def test_unresolvable_host(op, ansible):
    result = fail(ansible, client_options(op, 'csjwt', issuer=None, token_endpoint='https://op.invalid/as/token', retries=0))
    assert result['msg'] == 'Failed to obtain a client_credentials token at https://op.invalid/as/token: host name could not be resolved'


def test_connection_refused_is_retried_then_reported(op, ansible):
    url = 'https://127.0.0.1:{0}/as/token'.format(closed_port())
    result = fail(ansible, code_options(op, 'csjwt', issuer=None, token_endpoint=url, retries=2))
    assert result['msg'] == 'Failed to exchange the authorization code at {0}: connection refused'.format(url)


def test_timeout_does_not_resend_a_code(op, ansible):
    mark = op.mark()
    options = code_options(op, 'csjwt', token_endpoint=op.fault_url('slow'), timeout=1)
    started = time.time()
    result = fail(ansible, options, secrets=[options['code']])
    assert 'no answer within the timeout' in result['msg']
    assert time.time() - started < 30
    assert len(requests_to(op, '/faults/slow/token', mark)) == 1


def test_tls_verification_failure(op, ansible):
    options = client_options(op, 'csjwt')
    del options['ca_path']
    result = fail(ansible, options)
    assert 'TLS certificate verification failed' in result['msg'] and 'set ca_path' in result['msg']
    assert result['url'].startswith(op.issuer)


def test_validate_certs_false_skips_verification(op, ansible):
    options = client_options(op, 'csjwt', validate_certs=False)
    del options['ca_path']
    run = ansible('token.yml', {'token': options})
    assert run.rc == 0, run.output


@pytest.mark.parametrize('grant, sent', [('code', 1), ('client_credentials', 3)])
def test_html_500(op, ansible, grant, sent):
    mark = op.mark()
    overrides = dict(token_endpoint=op.fault_url('html500'), retries=2)
    options = code_options(op, 'csjwt', **overrides) if grant == 'code' else client_options(op, 'csjwt', **overrides)
    result = fail(ansible, options)
    assert result['status'] == 500
    assert 'HTTP 500 with a text/html answer, not an OAuth error response' in result['msg']
    # A code is never re-sent after a 500: the OP may have redeemed it before failing.
    assert len(requests_to(op, '/faults/html500/token', mark)) == sent


@pytest.mark.parametrize('fault, message', [
    ('notjson', 'HTTP 200 but the answer is not a JSON object (text/plain'),
    ('noaccess', 'HTTP 200 but the answer has no access_token (keys: expires_in, token_type)'),
])
def test_unusable_200(op, ansible, fault, message):
    result = fail(ansible, client_options(op, 'csjwt', token_endpoint=op.fault_url(fault)))
    assert message in result['msg'] and result['url'] == op.fault_url(fault)


def test_discovery_without_token_endpoint(op, ansible):
    issuer = op.fault_url('nodiscovery')
    result = fail(ansible, client_options(op, 'csjwt', issuer=issuer))
    assert result['msg'] == 'OpenID Provider metadata at {0}/.well-known/openid-configuration has no token_endpoint'.format(issuer)


@pytest.mark.parametrize('fault, message', [
    ('tamper', 'The ID token signature does not verify with the OP key'),
    ('audience', "The ID token is for another audience (aud 'someone-else')"),
])
def test_bad_id_token(op, ansible, fault, message):
    options = code_options(op, 'csjwt', token_endpoint=op.fault_url(fault))
    result = fail(ansible, options, secrets=[options['code']])
    assert message in result['msg']


def test_bad_id_token_passes_when_validation_is_off(op, ansible):
    options = code_options(op, 'basic', token_endpoint=op.fault_url('tamper'), validate_id_token=False)
    run = ansible('token.yml', {'token': options})
    assert run.rc == 0, run.output
    assert run.result['id_token_claims'] is None


@pytest.mark.parametrize('grant', ['code', 'client_credentials'])
def test_429_with_retry_after_is_retried(op, ansible, grant):
    mark = op.mark()
    url = op.base_url + '/faults/ratelimit/{0}/token'.format(grant)
    options = (code_options(op, 'csjwt', token_endpoint=url, validate_id_token=False) if grant == 'code'
               else client_options(op, 'csjwt', token_endpoint=url))
    run = ansible('token.yml', {'token': options})
    assert run.rc == 0, run.output
    assert run.result['access_token'].startswith('faultaccess-')
    statuses = [e['status'] for e in op.events('request', since=mark) if e['path'] == '/faults/ratelimit/{0}/token'.format(grant)]
    assert statuses == [429, 200]


def test_503_with_retry_after_gives_up_after_retries(op, ansible):
    mark = op.mark()
    options = code_options(op, 'csjwt', token_endpoint=op.fault_url('unavailable'), retries=2)
    result = fail(ansible, options, secrets=[options['code']])
    assert result['status'] == 503
    assert len(requests_to(op, '/faults/unavailable/token', mark)) == 3


BAD_OPTIONS = [
    ({'signing_alg': 'RS256'}, 'signing_alg RS256 cannot be used with client_secret_jwt'),
    ({'assertion_lifetime': 7200}, 'assertion_lifetime must be between 1 and 3600 seconds'),
    ({'grant_type': 'authorization_code'}, 'missing: code, redirect_uri'),
    ({'extra_params': {'client_assertion': 'x'}}, 'extra_params cannot set client_assertion'),
    ({'auth_method': 'private_key_jwt', 'private_key': 'not a key'}, 'private_key is not a usable PEM private key'),
]


def test_bad_options_fail_before_any_request(op, ansible):
    """Each case fails its task with its message, shown in the output; none of them sends a request."""
    mark = op.mark()
    # One playbook run, a task per case (playbooks/token_each.yml): the cases differ only in the options.
    run = ansible('token_each.yml', {'token': client_options(op, 'csjwt'), 'token_cases': [case[0] for case in BAD_OPTIONS],
                                     'show_failure': True})
    assert len(run.result) == len(BAD_OPTIONS), run.output[-3000:]
    for result, (overrides, message) in zip(run.result, BAD_OPTIONS):
        assert result['failed'] is True, (overrides, result)
        assert result['msg'] in run.output
        assert message in result['msg'], (overrides, result['msg'])
    assert op.events('request', since=mark) == []
