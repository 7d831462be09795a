# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import client_auth
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.assertion import CLIENT_ASSERTION_TYPE

TOKEN_ENDPOINT = 'https://op.example.test/as/token'
SECRET = 'S3cr3t+/=&' + 'x' * 60


def pem(key, password=None):
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
EC384_KEY = ec.generate_private_key(ec.SECP384R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()


def test_registry_has_every_method():
    assert sorted(client_auth.AUTH_METHODS) == sorted(['none', 'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'])


def test_basic_form_urlencodes_before_base64():
    auth = client_auth.make_client_auth('client_secret_basic', client_id='my client', client_secret=SECRET)
    assert auth.validate() == []
    form, headers = auth.apply(TOKEN_ENDPOINT)
    assert form == {}
    decoded = base64.b64decode(headers['Authorization'].split(' ', 1)[1]).decode()
    assert decoded == 'my+client:S3cr3t%2B%2F%3D%26' + 'x' * 60


@pytest.mark.parametrize(
    'method, form',
    [
        ('client_secret_post', {'client_id': 'c', 'client_secret': SECRET}),
        ('none', {'client_id': 'c'}),
    ],
)
def test_form_methods(method, form):
    auth = client_auth.make_client_auth(method, client_id='c', client_secret=SECRET)
    auth.validate()
    assert auth.apply(TOKEN_ENDPOINT) == (form, {})


@pytest.mark.parametrize('alg', [None, 'HS256', 'HS384', 'HS512'])
def test_client_secret_jwt(alg):
    auth = client_auth.make_client_auth('client_secret_jwt', client_id='c', client_secret=SECRET, signing_alg=alg)
    assert auth.validate() == []
    form, headers = auth.apply(TOKEN_ENDPOINT)
    assert headers == {}
    assert form['client_assertion_type'] == CLIENT_ASSERTION_TYPE
    assert 'client_secret' not in form
    used = alg or 'HS256'
    claims = jwt.decode(form['client_assertion'], SECRET.encode(), algorithms=[used], audience=TOKEN_ENDPOINT)
    assert claims['iss'] == claims['sub'] == 'c'
    assert claims['exp'] - claims['iat'] == 60


def test_assertion_is_new_per_request_and_names_the_audience_it_is_given():
    auth = client_auth.make_client_auth('client_secret_jwt', client_id='c', client_secret=SECRET)
    first = jwt.decode(auth.apply('https://op/as')[0]['client_assertion'], options={'verify_signature': False})
    second = jwt.decode(auth.apply('https://op/as/revoke')[0]['client_assertion'], options={'verify_signature': False})
    assert first['jti'] != second['jti']
    assert (first['aud'], second['aud']) == ('https://op/as', 'https://op/as/revoke')


@pytest.mark.parametrize('method, key', [('client_secret_jwt', {'client_secret': SECRET}), ('private_key_jwt', {'private_key': pem(EC_KEY)})])
def test_assertion_typ(method, key):
    """JWT unless assertion_typ says client-authentication+jwt (draft-ietf-oauth-rfc7523bis); the methods without an assertion sign nothing."""
    typs = []
    for typ in (None, 'JWT', 'client-authentication+jwt'):
        auth = client_auth.make_client_auth(method, client_id='c', **dict(key, **({'assertion_typ': typ} if typ else {})))
        auth.validate()
        assert auth.uses_assertion
        typs.append(jwt.get_unverified_header(auth.apply(TOKEN_ENDPOINT)[0]['client_assertion'])['typ'])
    assert typs == ['JWT', 'JWT', 'client-authentication+jwt']
    assert not client_auth.make_client_auth('client_secret_basic', client_id='c', client_secret=SECRET).uses_assertion


def test_short_secret_warns():
    auth = client_auth.make_client_auth('client_secret_jwt', client_id='c', client_secret='short', signing_alg='HS512')
    assert 'RFC 7518' in auth.validate()[0]


@pytest.mark.parametrize(
    'key, alg, expected_alg',
    [
        (RSA_KEY, None, 'RS256'),
        (RSA_KEY, 'PS256', 'PS256'),
        (RSA_KEY, 'RS512', 'RS512'),
        (EC_KEY, None, 'ES256'),
        (EC384_KEY, None, 'ES384'),
        (ED_KEY, None, 'EdDSA'),
    ],
)
def test_private_key_jwt(key, alg, expected_alg):
    auth = client_auth.make_client_auth('private_key_jwt', client_id='c', private_key=pem(key), key_id='k1', signing_alg=alg)
    assert auth.validate() == []
    assertion = auth.apply(TOKEN_ENDPOINT)[0]['client_assertion']
    header = jwt.get_unverified_header(assertion)
    assert header['alg'] == expected_alg and header['kid'] == 'k1'
    jwt.decode(assertion, key.public_key(), algorithms=[expected_alg], audience=TOKEN_ENDPOINT)


def test_encrypted_private_key():
    auth = client_auth.make_client_auth('private_key_jwt', client_id='c', private_key=pem(EC_KEY, 'pw'), private_key_passphrase='pw', key_id='k')
    auth.validate()
    assert auth.apply(TOKEN_ENDPOINT)[0]['client_assertion']


@pytest.mark.parametrize(
    'method, kwargs, message',
    [
        ('client_secret_jwt', {}, 'client_secret is required when auth_method is client_secret_jwt'),
        ('client_secret_basic', {}, 'client_secret is required'),
        ('client_secret_post', {}, 'client_secret is required'),
        ('private_key_jwt', {}, 'private_key is required'),
        ('client_secret_jwt', {'client_secret': SECRET, 'signing_alg': 'RS256'}, 'cannot be used with client_secret_jwt'),
        ('private_key_jwt', {'private_key': pem(RSA_KEY), 'signing_alg': 'HS256'}, 'cannot be used with private_key_jwt'),
        ('private_key_jwt', {'private_key': pem(RSA_KEY), 'signing_alg': 'ES256'}, 'does not fit a RSA private key'),
        ('private_key_jwt', {'private_key': pem(EC_KEY), 'signing_alg': 'ES384'}, 'does not fit a EC-P-256 private key'),
        ('private_key_jwt', {'private_key': pem(EC_KEY, 'pw')}, 'wrong or missing private_key_passphrase'),
        ('private_key_jwt', {'private_key': 'not a key'}, 'is not a PEM private key: it has no -----BEGIN'),
        ('private_key_jwt', {'private_key': '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----'}, 'not a usable PEM private key'),
        ('client_secret_jwt', {'client_secret': SECRET, 'assertion_lifetime': 7200}, 'assertion_lifetime'),
        ('client_secret_jwt', {'client_secret': SECRET, 'assertion_typ': 'at+jwt'}, 'assertion_typ must be one of JWT, client-authentication'),
        ('bogus', {}, 'auth_method must be one of'),
    ],
)
def test_validation_errors(method, kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        client_auth.make_client_auth(method, client_id='c', **kwargs).validate()


class Sent:
    """An HttpClient stand-in: records each attempt's form and headers, as request() builds them."""

    def __init__(self, attempts=2):
        self.context = TaskContext()
        self.attempts = attempts
        self.sent = []

    def request(self, method, url, what, single_use=False, build=None, source=None, within=None):
        for _attempt in range(self.attempts):
            self.sent.append(build())
        return 'answer'


@pytest.mark.parametrize('method', ['client_secret_jwt', 'client_secret_basic', 'client_secret_post'])
def test_post_presents_the_client_anew_for_each_attempt_and_remembers_what_it_sent(method):
    http = Sent(attempts=2)
    auth = client_auth.make_client_auth(method, client_id='c1', client_secret='s' * 32)
    answer, sent_at = client_auth.post(http, auth, 'https://op/token', {'grant_type': 'client_credentials'}, 'obtain a token', audience='https://op/token')
    assert answer == 'answer' and sent_at > 0
    (first_form, first_headers), (second_form, second_headers) = http.sent
    assert first_form['grant_type'] == 'client_credentials' and first_headers['Accept'] == 'application/json'
    credentials = client_auth.presented_credentials(first_form, first_headers) + client_auth.presented_credentials(second_form, second_headers)
    assert credentials and set(credentials) <= http.context.minted
    if method == 'client_secret_jwt':
        # A retry must not replay a jti (RFC 7523 section 3, item 7).
        assert first_form['client_assertion'] != second_form['client_assertion']


OP_METADATA = {
    'token_endpoint_auth_methods_supported': ['client_secret_basic', 'private_key_jwt'],
    'token_endpoint_auth_signing_alg_values_supported': ['RS256', 'ES256'],
}


@pytest.mark.parametrize(
    'method, settings, metadata, description, expected',
    [
        # Nothing points anywhere: no cause, the general checklist stays alone.
        ('client_secret_basic', {'client_secret': SECRET}, OP_METADATA, 'client authentication failed', []),
        ('client_secret_post', {'client_secret': SECRET}, None, None, []),
        # The OP's metadata (RFC 8414 section 2) does not list the method, or the assertion's algorithm.
        (
            'client_secret_jwt',
            {'client_secret': SECRET},
            OP_METADATA,
            None,
            [
                'auth_method client_secret_jwt is not among the methods the OP advertises (client_secret_basic, private_key_jwt)',
                'signing_alg HS256 is not among the assertion algorithms the OP advertises (RS256, ES256)',
            ],
        ),
        # PingOne's words for an application registered with another method.
        (
            'client_secret_post',
            {'client_secret': SECRET},
            None,
            'Request denied: Unsupported authentication method (Correlation ID: 1)',
            ['the OP says the client is registered with another authentication method than client_secret_post'],
        ),
        # An HMAC secret too short to be a registered one.
        ('client_secret_jwt', {'client_secret': 'short', 'signing_alg': 'HS512'}, None, None, ['client_secret is shorter than the 64 bytes']),
        # The OP names the key or the signature.
        ('private_key_jwt', {'private_key': None, 'key_id': 'k1'}, None, 'invalid signature', ["the OP knows no key 'k1' of this client"]),
        ('private_key_jwt', {'private_key': None}, None, 'no matching key (kid) found', ['register the public key, and set key_id when']),
    ],
)
def test_refusal_causes_point_at_what_is_most_likely_wrong(method, settings, metadata, description, expected):
    if 'private_key' in settings:
        settings = dict(settings, private_key=pem(RSA_KEY))
    auth = client_auth.make_client_auth(method, client_id='c', **settings)
    causes = auth.refusal_causes(metadata, description)
    assert len(causes) == len(expected) and all(cause.startswith(words) or words in cause for cause, words in zip(causes, expected))
