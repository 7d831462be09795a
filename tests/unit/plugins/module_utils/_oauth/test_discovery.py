# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import DiscoveryError, IdTokenError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import discovery
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import id_token

ISSUER = 'https://op.example.test'
CLIENT = 'client-1'
SECRET = 'z' * 64
NOW = int(time.time())

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def public_jwk(key, kid, alg):
    algorithm = jwt.get_algorithm_by_name(alg)
    jwk = json.loads(algorithm.to_jwk(key.public_key()))
    jwk.update(kid=kid, use='sig')
    return jwk


JWKS = {'keys': [public_jwk(RSA_KEY, 'r1', 'RS256'), public_jwk(EC_KEY, 'e1', 'ES256'), dict(public_jwk(OTHER_RSA_KEY, 'enc1', 'RS256'), use='enc')]}


def claims(**changes):
    base = {'iss': ISSUER, 'sub': 'user-1', 'aud': CLIENT, 'exp': NOW + 300, 'iat': NOW, 'nonce': 'n-1'}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def make(payload=None, key=RSA_KEY, alg='RS256', kid='r1'):
    headers = {'kid': kid} if kid else {}
    return jwt.encode(payload or claims(), key, algorithm=alg, headers=headers)


def tamper(token):
    header, payload, signature = token.split('.')
    forged = jwt.utils.base64url_encode(json.dumps(claims(sub='admin')).encode()).decode()
    return '.'.join((header, forged, signature))


def test_valid_rsa_token_returns_claims():
    assert id_token.validate_id_token(make(), ISSUER, CLIENT, jwks=JWKS, nonce='n-1')['sub'] == 'user-1'


def test_valid_ec_token_and_at_hash():
    at_hash = id_token.left_half_hash('access-1', 'ES256')
    token = make(claims(at_hash=at_hash), key=EC_KEY, alg='ES256', kid='e1')
    assert id_token.validate_id_token(token, ISSUER, CLIENT, jwks=JWKS, access_token='access-1')['at_hash'] == at_hash


def test_hs256_token_uses_the_client_secret():
    token = jwt.encode(claims(), SECRET.encode(), algorithm='HS256')
    assert id_token.validate_id_token(token, ISSUER, CLIENT, client_secret=SECRET)['aud'] == CLIENT


def test_token_without_kid_picks_the_only_fitting_key():
    token = make(kid=None, key=EC_KEY, alg='ES256')
    assert id_token.validate_id_token(token, ISSUER, CLIENT, jwks=JWKS)['sub'] == 'user-1'


# token factory, validation kwargs -> message part
FAILURES = [
    (lambda: tamper(make()), {}, 'signature does not verify'),
    (lambda: make(key=OTHER_RSA_KEY), {}, 'signature does not verify'),
    (lambda: make(claims(aud='someone-else')), {}, "another audience (aud 'someone-else')"),
    (lambda: make(claims(iss='https://evil.example')), {}, "issuer 'https://evil.example' is not"),
    (lambda: make(claims(exp=NOW - 3600)), {}, 'expired'),
    (lambda: make(claims(iat=NOW + 3600)), {}, 'in the future'),
    (lambda: make(claims(exp=None)), {}, "lacks the required claim 'exp'"),
    (make, {'nonce': 'other'}, 'nonce does not match'),
    (lambda: make(claims(aud=[CLIENT, 'api'])), {}, 'several audiences and azp None'),
    (lambda: make(claims(aud=[CLIENT, 'api'], azp='api')), {}, 'several audiences'),
    (lambda: make(claims(at_hash='AAAA')), {'access_token': 'access-1'}, 'at_hash does not match'),
    (lambda: make(kid='unknown'), {}, "No unique key in the OP JWKS matches the ID token (kid 'unknown'"),
    (lambda: make(kid='enc1', key=OTHER_RSA_KEY), {}, 'No unique key'),
    (lambda: jwt.encode(claims(), None, algorithm='none'), {}, "signed with 'none', which is not accepted"),
    (lambda: jwt.encode(claims(), SECRET.encode(), algorithm='HS256'), {}, 'needs the client secret'),
    (make, {'allowed_algs': ['ES256']}, "signed with 'RS256', which is not accepted"),
    (lambda: 'not-a-jwt', {}, 'not a well-formed JWT'),
]


@pytest.mark.parametrize('factory, kwargs, message', FAILURES)
def test_invalid_id_tokens(factory, kwargs, message):
    with pytest.raises(IdTokenError, match=None) as caught:
        id_token.validate_id_token(factory(), ISSUER, CLIENT, jwks=JWKS, **kwargs)
    assert message in str(caught.value)


def test_error_text_never_contains_the_token():
    token = make(claims(aud='someone-else'))
    with pytest.raises(IdTokenError) as caught:
        id_token.validate_id_token(token, ISSUER, CLIENT, jwks=JWKS)
    assert token not in str(caught.value) and token.split('.')[2] not in str(caught.value)


@pytest.mark.parametrize(
    'metadata, message',
    [
        ({'issuer': ISSUER + '/', 'token_endpoint': ISSUER + '/token'}, 'names issuer'),
        # Discovery section 4.3 "MUST be identical": a slash more is another issuer, and the message says that is all.
        ({'issuer': ISSUER + '/', 'token_endpoint': ISSUER + '/token'}, f'only the trailing slash differs: set issuer to {ISSUER}/, exactly'),
        ({'issuer': 'https://other.example.com', 'token_endpoint': ISSUER + '/token'}, r"expected '[^']*'\Z"),
        ({'issuer': ISSUER, 'jwks_uri': ISSUER + '/jwks'}, 'has no token_endpoint'),
    ],
)
def test_check_metadata(metadata, message):
    with pytest.raises(DiscoveryError, match=message):
        discovery.check_metadata(metadata, ISSUER, discovery.discovery_url(ISSUER))


def test_discovery_url():
    assert discovery.discovery_url('https://auth.pingone.com/env/as/') == 'https://auth.pingone.com/env/as/.well-known/openid-configuration'


@pytest.mark.parametrize(
    'announced, shown',
    [
        ('https://evil.example/as', "'https://evil.example/as'"),
        ('https://evil.example/\x1b[2J\r\nok: [localhost]', "'https://evil.example/ ok: [localhost]'"),
        ('https://evil.example/as ' + 'x ' * 100_000, "'https://evil.example/as x x x"),
        (None, 'None'),
        (['a'] * 100_000, 'that is not a string'),
    ],
)
def test_an_announced_issuer_is_shown_cleaned(announced, shown):
    with pytest.raises(DiscoveryError) as caught:
        discovery.check_metadata({'issuer': announced, 'token_endpoint': ISSUER + '/token'}, ISSUER, ISSUER + '/.well-known/openid-configuration')
    message = str(caught.value)
    assert f'names issuer {shown}' in message and len(message) < 500 and '\x1b' not in message and '\n' not in message
