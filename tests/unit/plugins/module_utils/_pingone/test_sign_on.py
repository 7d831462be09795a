# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The requests and answers of PingOne's headless sign-on, from tables (the flow against the test OP: tests/integration)."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import pingone_root
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone import sign_on as flow_

ENV = 'a1b2c3d4-0000-4000-8000-000000000001'
ROOT = 'https://auth.pingone.eu/' + ENV
FLOW = 'f1f2f3f4-0000-4000-8000-000000000002'
JSON = {'Content-Type': 'application/json'}


def test_requests():
    verifier, challenge = flow_.pkce_pair()
    # RFC 7636 4.1: 43 to 128 characters; 4.2: S256 is BASE64URL(SHA256(verifier)) without padding.
    assert 43 <= len(verifier) <= 128 and verifier != flow_.pkce_pair()[0]
    assert challenge == base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b'=').decode()
    url = flow_.authorize_url(ROOT, 'client', 'https://app.example/cb', ['openid', 'profile'], 'st', 'no', challenge)
    parts = urlsplit(url)
    assert f'{parts.scheme}://{parts.netloc}{parts.path}' == ROOT + '/as/authorize'
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        'response_type': 'code',
        'response_mode': 'pi.flow',
        'client_id': 'client',
        'redirect_uri': 'https://app.example/cb',
        'scope': 'openid profile',
        'state': 'st',
        'nonce': 'no',
        'code_challenge': challenge,
        'code_challenge_method': 'S256',
    }
    assert flow_.resume_url(ROOT, FLOW) == f'{ROOT}/as/resume?flowId={FLOW}'
    body, headers = flow_.credentials_request('svc', 'pa"ss')
    assert json.loads(body) == {'username': 'svc', 'password': 'pa"ss'}
    assert headers['Content-Type'] == 'application/vnd.pingidentity.usernamePassword.check+json'
    # The credentials go to the flow's own link when it is on the auth origin, else to {root}/flows/{id}.
    link = {'id': FLOW, '_links': {'usernamePassword.check': {'href': ROOT + '/flows/' + FLOW}}}
    assert flow_.check_action_url(link, ROOT, FLOW) == ROOT + '/flows/' + FLOW
    assert flow_.check_action_url({'id': FLOW}, ROOT, FLOW) == ROOT + '/flows/' + FLOW
    for href in ('https://evil.example/flows/x', 'http://auth.pingone.eu/x', 'https://auth.pingone.eu:444/x', '//evil.example/x'):
        with pytest.raises(flow_.FlowError, match='off the auth origin'):
            flow_.check_action_url({'_links': {'usernamePassword.check': {'href': href}}}, ROOT, FLOW)
    for bad in (None, '', '../as/token', 'a/b', 'x' * 200, 5):
        with pytest.raises(flow_.FlowError, match='no usable id'):
            flow_.flow_id_of({'id': bad}, ROOT)


@pytest.mark.parametrize(
    'options, message',
    [
        ({'issuer': 'https://op.example'}, 'set environment_id'),
        ({'environment_id': ENV, 'issuer': 'https://op.example'}, 'do not set issuer or token_endpoint'),
        ({'environment_id': ENV, 'token_endpoint': 'https://op.example/token'}, 'do not set issuer or token_endpoint'),
        ({'environment_id': ENV, 'region': 'EU'}, None),
        ({'auth_base_url': 'https://login.example.com'}, None),
    ],
)
def test_auth_root(options, message):
    if message:
        with pytest.raises(ConfigurationError, match=message):
            pingone_root(options_of(options))
    else:
        assert pingone_root(options_of(options)) in (ROOT, 'https://login.example.com')


PLATFORM_400 = json.dumps(
    {
        'id': 'err-1',
        'code': 'INVALID_DATA',
        'message': 'One or more validation errors.',
        'details': [{'code': 'INVALID_VALUE', 'target': 'password', 'message': 'The provided password did not match'}],
    }
)


# (status, headers, body, expected flow status or the words of the error, its status, error code, flow_status)
READ_CASES = [
    (200, JSON, json.dumps({'id': FLOW, 'status': 'USERNAME_PASSWORD_REQUIRED'}), 'USERNAME_PASSWORD_REQUIRED', None, None),
    (
        400,
        JSON,
        PLATFORM_400,
        'HTTP 400: INVALID_DATA: One or more validation errors. (details: The provided password did not match (password)); PingOne error id err-1',
        400,
        'INVALID_VALUE',
    ),
    (
        400,
        JSON,
        json.dumps({'code': 'INVALID_DATA', 'message': 'm', 'details': [{'code': 'INVALID_CREDENTIALS', 'target': 'password', 'message': 'wrong'}]}),
        'the username or password is wrong; each failed sign-on counts towards the account',
        400,
        'INVALID_CREDENTIALS',
    ),
    (
        400,
        JSON,
        json.dumps({'code': 'INVALID_DATA', 'message': 'm', 'details': [{'code': 'PASSWORD_LOCKED_OUT', 'innerError': {'secondsUntilUnlock': 61}}]}),
        'the account is locked after too many failed sign-ons: PingOne unlocks it in 2 minutes',
        400,
        'PASSWORD_LOCKED_OUT',
    ),
    (
        400,
        JSON,
        json.dumps({'code': 'INVALID_DATA', 'message': 'm', 'details': [{'code': 'PASSWORD_LOCKED_OUT', 'innerError': {'secondsUntilUnlock': 'soon'}}]}),
        "PingOne unlocks it when its password policy's lockout ends",
        400,
        'PASSWORD_LOCKED_OUT',
    ),
    (404, JSON, json.dumps({'id': 'e', 'code': 'NOT_FOUND', 'message': 'Not found.'}), 'PingOne ends a flow after 15 minutes', 404, 'NOT_FOUND'),
    (
        302,
        {'Location': 'https://app.example/cb?error=unsupported_response_mode&error_description=no'},
        '',
        'redirect instead of a flow object to the redirect_uri with error unsupported_response_mode (no)',
        302,
        None,
    ),
    (302, {'Location': 'https://app.example/cb?code=SECRETCODE'}, '', 'redirect instead of a flow object;', 302, None),
    (200, {'Content-Type': 'text/html'}, '<html>sign on</html>', 'HTTP 200 with a text/html answer, not a flow object', 200, None),
    (200, JSON, json.dumps({'id': FLOW}), 'the answer has no flow status (keys: id)', 200, None),
    (500, JSON, json.dumps({'error': 'server_error'}), 'HTTP 500: server_error', 500, 'server_error'),
    # PingOne's words are shown cleaned (error_body.clean), the error code of the details too.
    (
        400,
        JSON,
        json.dumps({'code': 'INVALID_DATA', 'message': 'bad\r\nok: [localhost]', 'details': [{'code': '\x1b[31mX\x1b[0m\r\nY', 'message': 'm'}]}),
        'HTTP 400: INVALID_DATA: bad ok: [localhost] (details: m)',
        400,
        'X Y',
    ),
]


def test_read_flow():
    """One test for the table: each answer gives the flow, or an error that says what PingOne said, never the Location's code."""
    for status, headers, body, expected, error_status, error in READ_CASES:
        url = ROOT + '/as/authorize?state=s&nonce=n'
        if error_status is None:
            assert flow_.read_flow(status, headers, body, url, 'start', 'https://app.example/cb')['status'] == expected
            continue
        with pytest.raises(flow_.FlowError) as caught:
            flow_.read_flow(status, headers, body, url, 'start', 'https://app.example/cb')
        exc = caught.value
        assert expected in str(exc), (status, str(exc))
        assert str(exc).startswith(f'Failed to start at {ROOT}/as/authorize:')  # without the query
        assert (exc.status, exc.error, exc.url) == (error_status, error, ROOT + '/as/authorize')
        assert 'SECRETCODE' not in str(exc) and 'nonce=' not in str(exc)


@pytest.mark.parametrize(
    'status, hint',
    [
        ('MFA_REQUIRED', 'multi-factor authentication'),
        ('OTP_REQUIRED', 'multi-factor authentication'),
        ('DEVICE_SELECTION_REQUIRED', 'multi-factor authentication'),
        ('PASSWORD_EXPIRED', 'the password has expired'),
        ('MUST_CHANGE_PASSWORD', 'change the password first'),
        ('FAILED', 'ended the flow as failed'),
        ('SOMETHING_NEW', 'nothing but a username and password'),
    ],
)
def test_check_status(status, hint):
    with pytest.raises(flow_.FlowError) as caught:
        flow_.check_status({'status': status, 'error': {'code': 'X', 'message': 'said'}}, 'COMPLETED', ROOT + '/flows/' + FLOW, 'sign on')
    exc = caught.value
    assert f'the PingOne flow is {status}, not COMPLETED; ' in str(exc) and hint in str(exc) and '(PingOne: X: said)' in str(exc)
    assert exc.flow_status == status and exc.details['flow_status'] == status
    assert flow_.check_status({'status': 'COMPLETED'}, 'COMPLETED', ROOT, 'sign on') == 'COMPLETED'


def test_read_code():
    done = {'status': 'COMPLETED', 'authorizeResponse': {'code': 'the-code', 'state': 'st'}}
    url = flow_.resume_url(ROOT, FLOW)
    assert flow_.read_code(done, 'st', url) == 'the-code'
    for answer, words in [
        ({'status': 'COMPLETED', 'authorizeResponse': {'code': 'the-code', 'state': 'other'}}, 'state in authorizeResponse is not the one sent'),
        ({'status': 'COMPLETED', 'authorizeResponse': {'code': 'the-code'}}, 'state in authorizeResponse is not the one sent'),
        ({'status': 'COMPLETED', 'authorizeResponse': {'state': 'st'}}, 'authorizeResponse has no code'),
        ({'status': 'COMPLETED'}, 'has no authorizeResponse'),
        ({'status': 'COMPLETED', 'authorizeResponse': {'error': 'access_denied', 'error_description': 'no'}}, 'access_denied (no)'),
        ({'status': 'MFA_REQUIRED', 'authorizeResponse': {'code': 'the-code', 'state': 'st'}}, 'the PingOne flow is MFA_REQUIRED'),
    ]:
        with pytest.raises(flow_.FlowError) as caught:
            flow_.read_code(answer, 'st', url)
        assert words in str(caught.value) and 'the-code' not in str(caught.value)
        assert '?' not in str(caught.value)  # the resume URL is shown without the flow id query


class _Cookie:
    def __init__(self, name, value, path):
        self.name, self.value, self.path = name, value, path


class _Answer:
    def __init__(self, *cookies):
        self.cookies = [_Cookie(*cookie) for cookie in cookies]


def test_flow_cookies_go_to_the_auth_origin_only():
    context = TaskContext()
    jar = flow_.FlowCookies(ROOT, context)
    jar.take(_Answer(('ST', 'session-token', '/' + ENV), ('other', 'x', '/'), ('deep', 'y', f'/{ENV}/as')))
    assert jar.names() == ['ST', 'deep', 'other'] and context.minted == {'session-token', 'x', 'y'}
    assert jar.header(ROOT + '/as/resume?flowId=' + FLOW) == {'Cookie': 'ST=session-token; deep=y; other=x'}
    assert jar.header(ROOT + '/flows/' + FLOW) == {'Cookie': 'ST=session-token; other=x'}
    assert jar.header('https://auth.pingone.eu/other-env/as/resume') == {'Cookie': 'other=x'}
    for elsewhere in ('https://evil.example/' + ENV, 'http://auth.pingone.eu/' + ENV, 'https://auth.pingone.eu:8443/' + ENV):
        assert jar.header(elsewhere) == {}
