# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import jwt
import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import assertion

AUD = 'https://auth.pingone.com/env/as/token'


def test_claims_follow_rfc7523_section3():
    claims = assertion.assertion_claims('client-1', AUD, lifetime=60, now=1000.7, jti='j1')
    assert claims == {'iss': 'client-1', 'sub': 'client-1', 'aud': AUD, 'iat': 1000, 'exp': 1060, 'jti': 'j1'}


def test_each_assertion_gets_a_new_jti():
    jtis = {assertion.assertion_claims('c', AUD)['jti'] for dummy in range(50)}
    assert len(jtis) == 50


@pytest.mark.parametrize('lifetime', [0, -5, 3601, 86400])
def test_lifetime_bounds(lifetime):
    with pytest.raises(ConfigurationError, match='assertion_lifetime'):
        assertion.assertion_claims('c', AUD, lifetime=lifetime)


@pytest.mark.parametrize(
    'secret, alg, warns',
    [
        ('s' * 31, 'HS256', True),
        ('s' * 32, 'HS256', False),
        ('s' * 47, 'HS384', True),
        ('s' * 48, 'HS384', False),
        ('s' * 63, 'HS512', True),
        ('\u00e9' * 32, 'HS512', False),  # bytes count, not characters: 64 UTF-8 octets
    ],
)
def test_hmac_key_warning(secret, alg, warns):
    assert bool(assertion.hmac_key_warning(secret, alg)) is warns


@pytest.mark.parametrize('alg', assertion.HMAC_ALGS)
def test_sign_hmac_verifies_with_secret_octets(alg):
    secret = 'k' * 64
    claims = assertion.assertion_claims('c', AUD)
    token = assertion.sign(claims, secret, alg)
    assert jwt.get_unverified_header(token)['alg'] == alg
    assert jwt.decode(token, secret.encode(), algorithms=[alg], audience=AUD) == claims


def test_bad_pem_does_not_echo_the_key():
    bogus = '-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n'
    with pytest.raises(ConfigurationError) as caught:
        assertion.load_private_key(bogus)
    assert 'TOPSECRETMATERIAL' not in str(caught.value)
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    'given, words',
    [
        ('/etc/jwtauth/client.pem', 'private_key looks like a file path, not a key'),
        ('~/keys/client.key', "lookup('ansible.builtin.file'"),
        ('client.pem', 'looks like a file path'),
        ('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw', 'has no -----BEGIN ... PRIVATE KEY----- line'),
        ('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'private_key is a certificate'),
        ('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n', 'private_key is a public key'),
    ],
)
def test_what_is_plainly_not_a_private_key_is_named_never_shown(given, words):
    with pytest.raises(ConfigurationError) as caught:
        assertion.load_private_key(given)
    assert words in str(caught.value) and given.strip().split('\n')[0] not in str(caught.value).replace('-----BEGIN ... PRIVATE KEY-----', '')
