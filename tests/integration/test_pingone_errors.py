# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What ops teams hit first: each test makes a new user's mistake and reads the message.

The library runs in process against the real OP's PingOne-shaped mount (/<envID>/as) where the
OP can show the mistake, and against tests/servers/hostile.py where it cannot: PingOne's platform
error bodies, a token answer with a narrower scope, a custom domain announcing PingOne's issuer.
"""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from cryptography.hazmat.primitives.asymmetric import rsa

from servers import hostile
from servers.op import harness
from conftest import validated_token_options
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, DiscoveryError, IdTokenError, OAuthError
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ResourceError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import TokenClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_resource_task, run_token_task
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge

SECRET = 'pingone-errors-secret-' + 'p' * 48
ENV = '5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f'
CORRELATION = '7d3e0f4a-2b1c-4d5e-8f90-a1b2c3d4e5f6'
ERROR_ID = '0e7a1c55-7a3c-4b9a-8f0e-2d6c3b1a9f10'


def validated(**args):
    """The token module's validated options for this file's client (conftest.validated_token_options)."""
    return validated_token_options(**dict({'client_id': 'pingone-errors-client', 'client_secret': SECRET}, **args))


def op_options(op, name='csjwt', **overrides):
    """The real OP's client on its PingOne-shaped mount, as a playbook would give it."""
    client = op.clients[name]
    options = dict(
        client_id=client['client_id'],
        client_secret=client['client_secret'],
        auth_method=client['auth_method'],
        ca_path=op.ca_path,
        environment_id=op.env_id,
        auth_base_url=op.base_url,
        token_store=False,
    )
    options.update(overrides)
    return validated(**options)


def platform_404(request):
    """PingOne's platform error body (PingOne API "Error codes"), with the Correlation-Id header every answer has."""
    return hostile.json_answer(
        404, {'id': ERROR_ID, 'code': 'NOT_FOUND', 'message': 'The requested resource was not found.'}, **{'Correlation-Id': CORRELATION}
    )


def token_answer(scope=None, id_token=None):
    def answer(request):
        body = {'access_token': 'hostile-access-' + 'x' * 20, 'token_type': 'Bearer', 'expires_in': 300}
        if scope is not None:
            body['scope'] = scope
        if id_token is not None:
            body['id_token'] = id_token
        return hostile.json_answer(200, body)

    return answer


# ---------------------------------------------------------------- 9. environment, region, 404s, error bodies


def test_unknown_environment_on_the_real_op_names_what_to_check(op):
    # A typo in the environment ID: the right shape, another environment. The OP's answer is a 404.
    other = str(uuid.uuid4())
    url = f'{op.base_url}/{other}/as/token'
    with pytest.raises(ResponseError) as caught:
        TokenClient(op_options(op, environment_id=other, retries=0)).request_token()
    message = str(caught.value)
    assert caught.value.status == 404 and caught.value.url == url
    assert message.startswith(
        f'Failed to obtain a client_credentials token at {url}: HTTP 404 with a text/plain answer, not an OAuth error response: Not Found; '
    )
    assert (
        'PingOne answers 404 for an environment it does not know: check environment_id (the UUID in the URL), region (each '
        "region is a separate PingOne, so the domain must be the environment's) and auth_base_url"
    ) in message


def test_platform_error_body_and_correlation_id_are_shown(hostile_server):
    # A custom domain (auth_base_url without environment_id) whose token endpoint answers PingOne's platform 404.
    url = hostile_server.route('POST', '/as/token', platform_404)
    with pytest.raises(ResponseError) as caught:
        TokenClient(validated(auth_base_url=hostile_server.base_url, ca_path=hostile_server.ca_path)).request_token()
    assert str(caught.value) == (
        f'Failed to obtain a client_credentials token at {url}: HTTP 404 with a application/json answer, not an OAuth error response: '
        f'NOT_FOUND: The requested resource was not found.; PingOne error id {ERROR_ID}; correlation ID {CORRELATION}; PingOne answers 404 for an '
        'environment it does not know: check environment_id (the UUID in the URL), region (each region is a separate PingOne, so '
        "the domain must be the environment's) and auth_base_url (the host of a custom domain set up in PingOne, without /<environment_id>/as)"
    )
    assert caught.value.details['correlation_id'] == CORRELATION


def test_discovery_404_shows_the_answer(hostile_server):
    issuer = hostile_server.url(f'/{ENV}/as')
    hostile_server.route('GET', f'/{ENV}/as/.well-known/openid-configuration', platform_404)
    with pytest.raises(DiscoveryError) as caught:
        TokenClient(validated(issuer=issuer, ca_path=hostile_server.ca_path)).request_token()
    message = str(caught.value)
    assert message.startswith(
        f'Failed to read OpenID Provider metadata at {issuer}/.well-known/openid-configuration: HTTP 404: NOT_FOUND: '
        f'The requested resource was not found.; PingOne error id {ERROR_ID}; correlation ID {CORRELATION}; PingOne answers 404'
    )


def test_oauth_error_keeps_description_and_correlation_id(hostile_server):
    url = hostile_server.route(
        'POST',
        '/token',
        lambda r: hostile.json_answer(
            401, {'error': 'invalid_client', 'error_description': 'Request denied: Unsupported authentication method'}, **{'Correlation-Id': CORRELATION}
        ),
    )
    with pytest.raises(OAuthError) as caught:
        TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path)).request_token()
    assert str(caught.value).startswith(
        f'Failed to obtain a client_credentials token at {url}: invalid_client (Request denied: Unsupported '
        f'authentication method) [HTTP 401]; correlation ID {CORRELATION}; most likely the OP says the client is registered with another '
        'authentication method than client_secret_jwt'
    )
    assert '; else check client_id' in str(caught.value)
    assert caught.value.details['error_description'] == 'Request denied: Unsupported authentication method'


def test_api_resource_shows_the_platform_error(hostile_server):
    url = hostile_server.route(
        'GET',
        f'/v1/environments/{ENV}/populations',
        lambda r: hostile.json_answer(
            403,
            {
                'id': ERROR_ID,
                'code': 'ACCESS_FAILED',
                'message': 'The request could not be completed. You do not have access to this resource.',
                'details': [{'code': 'INSUFFICIENT_PERMISSIONS', 'message': 'Actor does not have permissions to access worker applications'}],
            },
            **{'Correlation-Id': CORRELATION},
        ),
    )
    options = dict(url=url, bearer_token='static-bearer-' + 'b' * 30, key='name', items=[{'name': 'staff'}], ca_path=hostile_server.ca_path, token_store=False)
    validation = ArgumentSpecValidator(**specs.api_resource_module_kwargs()).validate(options)
    assert not validation.error_messages
    with pytest.raises(ResourceError) as caught:
        run_resource_task(validation.validated_parameters, TaskContext())
    assert str(caught.value) == (
        f'Failed to list {url}: ACCESS_FAILED: The request could not be completed. You do not have access to this resource. (details: '
        f'Actor does not have permissions to access worker applications); PingOne error id {ERROR_ID}; correlation ID {CORRELATION} [HTTP 403]'
    )
    assert caught.value.details['correlation_id'] == CORRELATION


@pytest.mark.parametrize(
    'options, message',
    [
        ({'environment_id': f' {ENV[:-4]} '}, 'environment_id must be a PingOne environment ID, a UUID such as'),
        ({'environment_id': ENV, 'region': 'US'}, "region 'US' is not a PingOne region name; use NA"),
        ({'environment_id': ENV, 'auth_base_url': '{base}/{env}/as'}, 'is an issuer or endpoint URL (it ends in /{env}/as)'),
        ({'auth_base_url': '{base}/as/token'}, 'set auth_base_url to {base}, the custom domain alone'),
    ],
)
def test_pingone_option_mistakes_fail_before_any_request(hostile_server, options, message):
    options = {key: value.format(base=hostile_server.base_url, env=ENV) for key, value in options.items()}
    message = message.format(base=hostile_server.base_url, env=ENV)
    # The edge, as the action plugin runs it: the check comes with the option errors.
    result = _edge.run(
        specs.token_module_kwargs(),
        dict(options, client_id='c1', client_secret=SECRET, ca_path=hostile_server.ca_path),
        lambda o, context, check_mode, diff: run_token_task(o, context),
    )
    assert result['failed'] is True and message in result['msg'], result['msg']
    # The library, as tests and bench call it, refuses the same before the network.
    with pytest.raises(ConfigurationError, match='environment_id|region|auth_base_url'):
        TokenClient(options_of(dict(options, client_id='c1', client_secret=SECRET, ca_path=hostile_server.ca_path, token_store=False))).request_token()
    assert hostile_server.requests == []


def test_region_in_any_case_and_a_padded_environment_id_work(op):
    options = op_options(op, environment_id=f'  {op.env_id}/ ', region='eu')
    result = TokenClient(options).request_token()
    assert result['token_endpoint'] == f'{op.base_url}/{op.env_id}/as/token'
    assert result['access_token']


# ---------------------------------------------------------------- 6. scope downgrade


def test_scope_downgrade_warns(hostile_server):
    url = hostile_server.route('POST', '/token', token_answer(scope=''))
    client = TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path, scope=['admin:all']))
    assert client.request_token()['scope'] == ''
    assert (
        f'Obtain a client_credentials token at {url}: the OP granted no scope, without admin:all that was requested (RFC 6749 '
        'section 3.3 lets an OP grant less than asked): the token may not be allowed what the play needs; allow it for this '
        'client at the OP; scope_downgrade=fail makes this an error'
    ) in client.context.warnings
    assert hostile_server.requests[0].form['scope'] == 'admin:all'


def test_scope_granted_as_requested_or_unstated_says_nothing(hostile_server):
    for scope in (None, 'api:write api:read'):
        url = hostile_server.route('POST', '/token', token_answer(scope=scope))
        client = TokenClient(validated(token_endpoint=url, ca_path=hostile_server.ca_path, scope=['api:read', 'api:write']))
        client.request_token()
        assert client.context.warnings == []


def test_scope_downgrade_fail_fails_and_keeps_earlier_warnings(hostile_server):
    # A 429 first: the retry warning must survive the failure, next to the message.
    answers = [hostile.json_answer(429, {'error': 'slow_down'}, **{'Retry-After': '0'})]
    url = hostile_server.route('POST', '/token', lambda r: answers.pop(0) if answers else token_answer(scope='api:read')(r))
    args = dict(
        token_endpoint=url,
        client_id='c1',
        client_secret=SECRET,
        ca_path=hostile_server.ca_path,
        token_store=False,
        scope=['api:read', 'api:write'],
        scope_downgrade='fail',
    )
    result = _edge.run(specs.token_module_kwargs(), args, lambda o, context, check_mode, diff: run_token_task(o, context))
    assert result['failed'] is True
    assert result['msg'] == (
        f"Failed to obtain a client_credentials token at {url}: the OP granted scope 'api:read', without api:write "
        'that was requested (RFC 6749 section 3.3 lets an OP grant less than asked): the token may not be allowed '
        'what the play needs; allow it for this client at the OP; the token is discarded (scope_downgrade=fail)'
    )
    assert result['status'] == 200 and 'access_token' not in result
    assert any('retried 1 time after HTTP 429' in warning for warning in result['warnings'])
    assert 'hostile-access-' not in json.dumps(result)


def test_scope_downgrade_reaches_api_resource_before_the_api(hostile_server):
    token_url = hostile_server.route('POST', '/token', token_answer(scope='api:read'))
    api_url = hostile_server.route('GET', '/v2/Users', lambda r: hostile.json_answer(200, {'Resources': [], 'totalResults': 0}))
    options = dict(
        url=api_url,
        token_endpoint=token_url,
        client_id='c1',
        client_secret=SECRET,
        key='userName',
        api_style='scim',
        items=[{'userName': 'alice'}],
        scope=['api:write'],
        ca_path=hostile_server.ca_path,
        token_store=False,
    )
    validation = ArgumentSpecValidator(**specs.api_resource_module_kwargs()).validate(dict(options, scope_downgrade='fail'))
    assert not validation.error_messages
    with pytest.raises(ResponseError, match='without api:write that was requested'):
        run_resource_task(validation.validated_parameters, TaskContext(), check_mode=True)
    assert [r.path for r in hostile_server.requests] == ['/token']


def test_scope_on_a_code_exchange_is_a_warning_that_survives_the_failure(op):
    # The code is for another redirect URI than the one sent: invalid_grant. The scope warning stays on the failed result.
    code = harness.get_code(op, 'csjwt', issuer=op.pingone_issuer)['code']
    client = op.clients['csjwt']
    args = dict(
        client_id=client['client_id'],
        client_secret=client['client_secret'],
        environment_id=op.env_id,
        auth_base_url=op.base_url,
        ca_path=op.ca_path,
        token_store=False,
        code=code,
        redirect_uri='https://app.example.com/elsewhere',
        scope=['api:write'],
    )
    result = _edge.run(specs.token_module_kwargs(), args, lambda o, context, check_mode, diff: run_token_task(o, context))
    assert result['failed'] is True and result['error'] == 'invalid_grant'
    assert (
        'scope is not part of an authorization code exchange (RFC 6749 section 4.1.3): the OP grants the scope of the '
        'authorization request and most OPs ignore this one; put api:write in the authorization request instead'
    ) in result['warnings']
    # Item 11: the message shows the redirect_uri sent and PingOne's code lifetime; the code itself is masked.
    assert 'redirect_uri (sent: https://app.example.com/elsewhere)' in result['msg']
    assert 'the code expired (a PingOne code lives 10 minutes), was already used' in result['msg']
    assert code not in json.dumps(result)


# ---------------------------------------------------------------- 11. invalid_grant on the real OP


def test_replayed_code_says_what_a_reuse_does(op):
    code = harness.get_code(op, 'csjwt', issuer=op.pingone_issuer)['code']
    options = op_options(op, code=code, redirect_uri=op.redirect_uri)
    TokenClient(options).request_token()
    with pytest.raises(OAuthError) as caught:
        TokenClient(options).request_token()
    message = str(caught.value)
    assert caught.value.error == 'invalid_grant'
    assert ('was already used (RFC 6749 section 4.1.2: a reused code is refused, and the OP should revoke the tokens of its first redemption)') in message
    assert f'redirect_uri (sent: {op.redirect_uri})' in message
    assert code not in message


# ---------------------------------------------------------------- 10. custom domains

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def custom_domain(server, announced, iss, client_id='pingone-errors-client', prefix=''):
    """A custom domain at the hostile server: discovery announcing ``announced``, a token answer whose ID token says ``iss``.

    ``prefix`` (``/<envID>``) lays it out as a proxy in front of PingOne instead.
    """
    location = server.url(prefix + '/as')
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    jwk.update(kid='k1', use='sig', alg='RS256')
    server.route(
        'GET',
        prefix + '/as/.well-known/openid-configuration',
        lambda r: hostile.json_answer(
            200, {'issuer': announced.format(location=location), 'token_endpoint': location + '/token', 'jwks_uri': location + '/jwks'}
        ),
    )
    server.route('GET', prefix + '/as/jwks', lambda r: hostile.json_answer(200, {'keys': [jwk]}))
    now = int(time.time())
    id_token = jwt.encode(
        {'iss': iss.format(location=location), 'sub': 'user-1', 'aud': client_id, 'iat': now, 'exp': now + 300},
        RSA_KEY,
        algorithm='RS256',
        headers={'kid': 'k1'},
    )
    server.route('POST', prefix + '/as/token', token_answer(id_token=id_token))
    return location


STANDARD = f'https://auth.pingone.eu/{ENV}/as'


@pytest.mark.parametrize(
    'announced, iss',
    [
        (STANDARD, STANDARD),  # the custom domain announces the environment's standard issuer
        ('{location}', '{location}'),  # or its own
    ],
)
def test_custom_domain_validates_the_announced_issuer(hostile_server, announced, iss):
    location = custom_domain(hostile_server, announced, iss)
    result = TokenClient(validated(auth_base_url=hostile_server.base_url, ca_path=hostile_server.ca_path)).request_token()
    assert result['token_endpoint'] == location + '/token'
    assert result['id_token_claims']['iss'] == result['issuer'] == iss.format(location=location)


@pytest.mark.parametrize(
    'announced, iss, error, message',
    [
        (STANDARD, '{location}', IdTokenError, "The ID token issuer '{location}' is not '" + STANDARD + "'"),
        (
            'https://evil.example/as',
            'https://evil.example/as',
            DiscoveryError,
            "names issuer 'https://evil.example/as': neither this location's issuer '{location}' nor a PingOne issuer",
        ),
    ],
)
def test_custom_domain_refuses_other_issuers(hostile_server, announced, iss, error, message):
    location = custom_domain(hostile_server, announced, iss)
    with pytest.raises(error) as caught:
        TokenClient(validated(auth_base_url=hostile_server.base_url, ca_path=hostile_server.ca_path)).request_token()
    assert message.format(location=location) in str(caught.value)


def test_proxy_laid_out_like_pingone_takes_its_environment_issuer_only(hostile_server):
    # auth_base_url with environment_id: the standard issuer is accepted for the same environment, not another one.
    custom_domain(hostile_server, STANDARD, STANDARD, prefix='/' + ENV)
    options = validated(auth_base_url=hostile_server.base_url, environment_id=ENV, ca_path=hostile_server.ca_path)
    assert TokenClient(options).request_token()['issuer'] == STANDARD
    other = f'https://auth.pingone.eu/{uuid.uuid4()}/as'
    location = custom_domain(hostile_server, other, other, prefix='/' + ENV)
    with pytest.raises(DiscoveryError) as caught:
        TokenClient(options).request_token()
    assert (
        str(caught.value) == f"OpenID Provider metadata at {location}/.well-known/openid-configuration names issuer '{other}', of another "
        f'environment than {ENV}'
    )


def test_custom_domain_given_as_issuer_is_explained(hostile_server):
    location = custom_domain(hostile_server, STANDARD, STANDARD)
    with pytest.raises(DiscoveryError) as caught:
        TokenClient(validated(issuer=location, ca_path=hostile_server.ca_path)).request_token()
    assert str(caught.value).endswith(
        f"expected '{location}'; this is a PingOne custom domain announcing its environment's issuer: set "
        f'auth_base_url to {hostile_server.base_url} instead of issuer'
    )


@pytest.mark.parametrize(
    'mistake, words',
    [
        # The issuer pasted as token_endpoint: its /token left out.
        ('token_endpoint', 'is an issuer, not an endpoint: give it as issuer (its token endpoint is {issuer}/token), not as token_endpoint'),
        # The discovery URL pasted as issuer.
        ('well_known', 'the issuer was given with /.well-known/openid-configuration at its end: give the issuer without it'),
        # A slash too many (OpenID Connect Discovery section 4.3: the issuer must be identical).
        ('trailing_slash', 'only the trailing slash differs: set issuer to {issuer}, exactly as the OP names itself'),
    ],
)
def test_copy_paste_mistakes_get_their_own_hint_not_the_environments(op, mistake, words):
    """Three copy-paste mistakes that ended in "PingOne answers 404 for an environment it does not know: check
    environment_id" though no environment ID was wrong (and none given): each says what to change."""
    issuer = f'{op.base_url}/{op.env_id}/as'
    given = {
        'token_endpoint': {'token_endpoint': issuer},
        'well_known': {'issuer': issuer + '/.well-known/openid-configuration'},
        'trailing_slash': {'issuer': issuer + '/'},
    }[mistake]
    client = op.clients['csjwt']
    options = validated(
        client_id=client['client_id'], client_secret=client['client_secret'], auth_method=client['auth_method'], ca_path=op.ca_path, retries=0, **given
    )
    with pytest.raises((ResponseError, DiscoveryError)) as caught:
        TokenClient(options).request_token()
    message = str(caught.value)
    assert words.format(issuer=issuer) in message and 'check environment_id' not in message


def test_auth_base_url_on_an_api_host_fails_before_any_request(hostile_server):
    with pytest.raises(ConfigurationError) as caught:
        TokenClient(validated(environment_id=ENV, auth_base_url='https://api.pingone.eu', retries=0)).request_token()
    assert str(caught.value).startswith(
        'auth_base_url https://api.pingone.eu is not an auth host: PingOne serves sign-on and tokens at https://auth.pingone.eu'
    )


@pytest.mark.parametrize(
    'advertised, description, likely',
    [
        # The OP's metadata says which methods it takes (RFC 8414 section 2): client_secret_jwt is not one of them.
        (['client_secret_basic', 'private_key_jwt'], 'client authentication failed', 'most likely auth_method client_secret_jwt is not among the methods'),
        # PingOne's words for an application registered with another Token Endpoint Authentication Method.
        (None, 'Request denied: Unsupported authentication method (Correlation ID: 3b0c)', 'most likely the OP says the client is registered with'),
    ],
)
def test_invalid_client_names_the_most_likely_cause_first(hostile_server, advertised, description, likely):
    """invalid_client was one general checklist: what the OP advertises and what it said now lead it."""
    issuer = hostile_server.url('')
    metadata = {'issuer': issuer, 'token_endpoint': issuer + '/token'}
    if advertised:
        metadata['token_endpoint_auth_methods_supported'] = advertised
    hostile_server.route('GET', '/.well-known/openid-configuration', lambda req: hostile.json_answer(200, metadata))
    hostile_server.route('POST', '/token', lambda req: hostile.json_answer(401, {'error': 'invalid_client', 'error_description': description}))
    with pytest.raises(OAuthError) as caught:
        TokenClient(validated(issuer=issuer, ca_path=hostile_server.ca_path, retries=0)).request_token()
    message = str(caught.value)
    assert likely in message and message.index(likely) < message.index('else check client_id, client_secret or private_key')
