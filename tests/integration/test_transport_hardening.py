# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Secrets travel only over TLS to the origin they belong to, waits are bounded, nothing echoed leaks.

Each test points the library (in process, for speed) or a playbook (where the
edge matters: masking, warnings) at a misbehaving server of tests/servers/hostile.py.
"""

from __future__ import annotations

import base64
import email.utils
import json
import time
from urllib.parse import quote, quote_plus

import pytest
from ansible.release import __version__ as ansible_version

from servers import hostile
from conftest import validated_token_options
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import checks
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, OAuthError, TransportError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import client as http_client
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import retry
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import TokenClient

# A secret whose URL-encoded and Base64 forms differ from it.
ODD_SECRET = 'a+b/c=d&e f%' + 'S' * 40

ANSIBLE_VERSION = tuple(int(part) for part in ansible_version.split('.')[:2])


def validated(**args):
    """The token module's validated options for this file's client (conftest.validated_token_options)."""
    return validated_token_options(**dict({'client_id': 'hostile-client', 'client_secret': ODD_SECRET}, **args))


def token_answer(request):
    return hostile.json_answer(200, {'access_token': 'hostile-access-' + 'x' * 20, 'token_type': 'Bearer', 'expires_in': 300})


def claims_of(assertion):
    payload = assertion.split('.')[1]
    return json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))


# ---------------------------------------------------------------- 1. TLS only


def test_plain_http_token_endpoint_is_refused_before_sending(plain_server):
    url = plain_server.route('POST', '/token', token_answer)
    with pytest.raises(ConfigurationError) as caught:
        TokenClient(validated(token_endpoint=url)).request_token()
    assert str(caught.value).startswith(f'Refusing {url} (the token_endpoint option): secrets and tokens are sent only over https')
    assert plain_server.requests == []


def test_discovery_that_downgrades_the_token_endpoint_is_refused(hostile_server, plain_server):
    # A TLS-terminating proxy that drops X-Forwarded-Proto makes the OP announce http:// endpoints.
    plain_token = plain_server.route('POST', '/token', token_answer)
    issuer = hostile_server.url('/op')
    hostile_server.route(
        'GET',
        '/op/.well-known/openid-configuration',
        lambda r: hostile.json_answer(200, {'issuer': issuer, 'token_endpoint': plain_token, 'jwks_uri': plain_server.url('/jwks')}),
    )
    with pytest.raises(ConfigurationError) as caught:
        TokenClient(validated(issuer=issuer, ca_path=hostile_server.ca_path)).request_token()
    assert f'Refusing {plain_token} (token_endpoint of the discovery document at {issuer}/.well-known/openid-configuration)' in str(caught.value)
    assert plain_server.requests == []


def test_plain_http_auth_base_url_is_refused(plain_server):
    with pytest.raises(ConfigurationError, match=r'\(the auth_base_url option\)'):
        TokenClient(validated(auth_base_url=plain_server.base_url, environment_id='env')).request_token()
    assert plain_server.requests == []


def test_allow_plain_http_reaches_loopback_only_and_says_so(plain_server):
    url = plain_server.route('POST', '/token', token_answer)
    client = TokenClient(validated(token_endpoint=url, allow_plain_http=True))
    assert client.request_token()['access_token'].startswith('hostile-access-')
    assert any(f'allow_plain_http: {url}' in w and 'without TLS' in w for w in client.context.warnings)
    with pytest.raises(ConfigurationError, match='allow_plain_http permits plain HTTP to a loopback address only'):
        TokenClient(validated(token_endpoint='http://op.example.invalid/token', allow_plain_http=True)).request_token()


@pytest.mark.parametrize(
    'url, loopback',
    [
        ('http://127.0.0.1:8080/t', True),
        ('http://127.9.9.9/t', True),
        ('http://[::1]:80/t', True),
        ('http://localhost/t', True),
        ('http://10.0.0.1/t', False),
        ('http://localhost.example.com/t', False),
        ('http://0x7f.example/t', False),
    ],
)
def test_loopback_table(url, loopback):
    if loopback:
        assert 'without TLS' in http_client.check_url(url, 'x', allow_plain_http=True)
    else:
        with pytest.raises(ConfigurationError):
            http_client.check_url(url, 'x', allow_plain_http=True)


@pytest.mark.parametrize('url', ['ftp://op.example/token', '/as/token', 'https://', ''])
def test_not_an_https_url(url):
    with pytest.raises(ConfigurationError, match='is not an absolute https URL'):
        http_client.check_url(url, 'the token_endpoint option')


# ---------------------------------------------------------------- 3. no ambient credentials


def test_netrc_credentials_are_not_sent(hostile_server, tmp_path, monkeypatch):
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login ambient password ambient-password\n')
    netrc.chmod(0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    url = hostile_server.route('POST', '/token', token_answer)
    TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path)).request_token()
    (received,) = hostile_server.received('/token')
    assert 'Authorization' not in received.headers
    assert received.form['client_assertion_type'] == 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


# ---------------------------------------------------------------- 5. a fresh assertion per attempt


def strict_jti_endpoint(first_status):
    """A token endpoint that answers ``first_status`` once, then refuses any jti it has seen (RFC 7523 section 3, item 7)."""
    seen = []

    def handler(request):
        jti = claims_of(request.form['client_assertion'])['jti']
        if jti in seen:
            return hostile.json_answer(401, {'error': 'invalid_client', 'error_description': 'jti already used'})
        seen.append(jti)
        if len(seen) == 1:
            return hostile.json_answer(first_status, {'error': 'temporarily_unavailable'}, **{'Retry-After': '0'})
        return token_answer(request)

    return handler


@pytest.mark.parametrize('status', [429, 503])
def test_every_attempt_carries_a_new_assertion(hostile_server, status):
    url = hostile_server.route('POST', '/token', strict_jti_endpoint(status))
    client = TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path, grant_type='client_credentials'))
    assert client.request_token()['access_token'].startswith('hostile-access-')
    first, second = [claims_of(r.form['client_assertion']) for r in hostile_server.received('/token')]
    assert first['jti'] != second['jti'] and second['exp'] > second['iat'] >= first['iat']
    assert f'retried 1 time after HTTP {status}' in ' '.join(client.context.warnings)


# ---------------------------------------------------------------- 8. bounded waits


def test_trickling_answer_is_cut_at_the_timeout(hostile_server):
    def trickling(request):
        return 200, {'Content-Type': 'application/json'}, hostile.trickle(b' ', every=0.2, count=100, then=b'{}')

    url = hostile_server.route('POST', '/token', trickling)
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path, timeout=1, retries=0)).request_token()
    # The whole answer takes 20 s: stopping well before that is the timeout at work. The margin is for a
    # loaded machine; the message below says which limit cut it.
    assert time.monotonic() - started < 10
    assert str(caught.value) == f'Failed to obtain a client_credentials token at {url}: the answer did not arrive in full within the timeout of 1 s'


def test_endless_answer_is_refused_at_the_size_cap(hostile_server):
    hostile_server.route('GET', '/op/.well-known/openid-configuration', lambda r: (200, {'Content-Type': 'application/json'}, hostile.endless()))
    with pytest.raises(TransportError, match='the answer is larger than 16777216 bytes; refused'):
        TokenClient(validated(issuer=hostile_server.url('/op'), ca_path=hostile_server.ca_path, retries=0)).request_token()


def test_declared_oversize_answer_is_refused_unread(hostile_server):
    url = hostile_server.route('POST', '/token', lambda r: (200, {'Content-Length': str(10**10)}, hostile.endless()))
    with pytest.raises(TransportError, match='larger than'):
        TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path, retries=0)).request_token()


# ---------------------------------------------------------------- clear errors


@pytest.mark.parametrize('header', ['\u00b2', '99999999999999999999', 'Fri, 99 Foo 2026 99:99:99 GMT', '-5'])
def test_unparseable_retry_after_falls_back_to_backoff(hostile_server, header):
    answers = [hostile.json_answer(429, {'error': 'slow_down'}, **{'Retry-After': header}), None]

    def handler(request):
        return answers.pop(0) or token_answer(request)

    url = hostile_server.route('POST', '/token', handler)
    waits = []
    http = http_client.HttpClient(ca_path=hostile_server.ca_path, sleep=waits.append)
    client = TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path), http=http)
    assert client.request_token()['access_token'].startswith('hostile-access-')
    assert len(waits) == 1 and 0 <= waits[0] <= retry.BACKOFF_BASE


def test_missing_ca_path_names_the_option(tmp_path):
    with pytest.raises(ConfigurationError, match=f'ca_path {tmp_path / "nope.pem"} cannot be read: No such file or directory'):
        TokenClient(validated(token_endpoint='https://127.0.0.1:1/token', ca_path=str(tmp_path / 'nope.pem')))


def test_non_pem_ca_path_names_the_option(tmp_path):
    bogus = tmp_path / 'ca.der'
    bogus.write_bytes(b'\x30\x82\x01\x0a not a PEM file')
    with pytest.raises(ConfigurationError, match='holds no PEM certificate'):
        TokenClient(validated(token_endpoint='https://127.0.0.1:1/token', ca_path=str(bogus)))


@pytest.mark.parametrize('offset, words', [(-600, '600 s ahead of'), (900, '900 s behind')])
def test_invalid_client_with_a_skewed_clock_says_so(hostile_server, offset, words):
    # The skewed Date is written when the answer is, as a real OP's is: a slow start of the client does not
    # add to the skew the message reports.
    url = hostile_server.route(
        'POST',
        '/token',
        lambda r: hostile.json_answer(
            401, {'error': 'invalid_client', 'error_description': 'assertion expired'}, Date=email.utils.formatdate(time.time() + offset, usegmt=True)
        ),
    )
    with pytest.raises(OAuthError) as caught:
        TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path)).request_token()
    message = str(caught.value)
    # Within a few seconds of the offset: the request itself takes time.
    assert 'the controller clock is' in message and "the OP's (its Date header)" in message
    assert words.split(' ', 2)[2] in message and abs(int(message.split('the controller clock is ')[1].split(' ')[0]) - abs(offset)) <= 3


def test_invalid_client_with_a_good_clock_does_not_blame_it(hostile_server):
    url = hostile_server.route('POST', '/token', lambda r: hostile.json_answer(401, {'error': 'invalid_client'}, Date=email.utils.formatdate(usegmt=True)))
    with pytest.raises(OAuthError) as caught:
        TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path)).request_token()
    assert 'clock' not in str(caught.value)


@pytest.mark.parametrize(
    'option, value, message',
    [
        ('timeout', -1, 'timeout must be between 1 and 3600 seconds, got -1'),
        ('timeout', 0, 'timeout must be between 1 and 3600 seconds, got 0'),
        ('assertion_lifetime', 0, 'assertion_lifetime must be between 1 and 3600 seconds, got 0'),
        ('expiry_leeway', -5, 'expiry_leeway must be between 0 and 86400 seconds, got -5'),
        ('retries', -1, 'retries must be between 0 and 10, got -1'),
        ('clock_skew', -1, 'clock_skew must be between 0 and 3600 seconds, got -1'),
    ],
)
def test_out_of_range_options_are_refused(option, value, message):
    assert checks.check_ranges({option: value}) == [message]
    assert checks.check_ranges({option: None}) == []


# ---------------------------------------------------------------- 4. masking, through the real edge


def echo_request(request):
    """An OP that echoes the whole request, headers included, in error_description."""
    echoed = f'got {request.body.decode("utf-8", "replace")} with headers {json.dumps(request.headers)}'
    return hostile.json_answer(400, {'error': 'invalid_request', 'error_description': echoed})


# Where each client authentication method puts the credential: the request the echo shows.
CREDENTIAL_IN = {
    'client_secret_post': ('form', 'client_secret'),
    'client_secret_basic': ('headers', 'Authorization'),
    'client_secret_jwt': ('form', 'client_assertion'),
}


@pytest.mark.core_sensitive
def test_echoed_secret_is_masked_in_every_encoding(ansible, hostile_server):
    """One task per client authentication method, in one ansible-playbook run (playbooks/token_each.yml)."""
    url = hostile_server.route('POST', '/token', echo_request)
    cases = [
        {
            'token_endpoint': url,
            'ca_path': hostile_server.ca_path,
            'client_id': 'echo client',
            'client_secret': ODD_SECRET,
            'auth_method': auth_method,
            'retries': 0,
        }
        for auth_method in CREDENTIAL_IN
    ]
    run = ansible(
        'token_each.yml',
        {'token': {}, 'token_cases': cases, 'show_failure': True},
        secrets=[ODD_SECRET, quote(ODD_SECRET, safe=''), quote_plus(ODD_SECRET), base64.b64encode(f'echo+client:{quote_plus(ODD_SECRET)}'.encode()).decode()],
    )
    received = hostile_server.received('/token')
    assert len(received) == len(CREDENTIAL_IN) == len(run.result)
    for auth_method, result, request in zip(CREDENTIAL_IN, run.result, received):
        assert result['failed'] is True and result['error'] == 'invalid_request', auth_method
        # The echo really carried the credential: the masking, not the OP, kept it out (or, for a server's text, the
        # redaction of the word that holds it, or the cut after 200 characters: _http.error_body.clean).
        where, name = CREDENTIAL_IN[auth_method]
        sent = getattr(request, where).get(name)
        assert sent and sent not in run.output, auth_method
        assert 'got ' in result['msg'] and any(mark in result['msg'] for mark in ('********', '[redacted]', '... [cut: ')), auth_method


@pytest.mark.core_sensitive
def test_retry_warning_reaches_the_result(ansible, hostile_server):
    answers = [hostile.json_answer(503, {'error': 'temporarily_unavailable'}, **{'Retry-After': '0'})]
    url = hostile_server.route('POST', '/token', lambda r: answers.pop(0) if answers else token_answer(r))
    run = ansible('token.yml', {'token': {'token_endpoint': url, 'ca_path': hostile_server.ca_path, 'client_id': 'c', 'client_secret': ODD_SECRET}})
    assert run.rc == 0, run.output
    warning = f'Obtain a client_credentials token at {url}: retried 1 time after HTTP 503'
    assert any(text.startswith(warning) for text in run.result['warnings'])
    # Shown too, where ansible-core shows the warnings of a no_log task (2.19 and later; 2.16 hides them).
    if ANSIBLE_VERSION >= (2, 19):
        assert warning in run.flat
