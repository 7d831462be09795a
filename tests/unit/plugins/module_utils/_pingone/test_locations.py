# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone import locations

ENV = 'a1b2c3d4-0000-4000-8000-000000000001'


@pytest.mark.parametrize(
    'region, base, env, token_endpoint',
    [
        ('NA', None, ENV, f'https://auth.pingone.com/{ENV}/as/token'),
        (None, None, ENV, f'https://auth.pingone.com/{ENV}/as/token'),
        ('ca', None, ENV, f'https://auth.pingone.ca/{ENV}/as/token'),
        ('EU', None, ENV, f'https://auth.pingone.eu/{ENV}/as/token'),
        ('AU', None, ENV, f'https://auth.pingone.com.au/{ENV}/as/token'),
        ('SG', None, ENV, f'https://auth.pingone.sg/{ENV}/as/token'),
        ('AP', None, ENV, f'https://auth.pingone.asia/{ENV}/as/token'),
        ('EU', 'https://127.0.0.1:8443/', ENV, f'https://127.0.0.1:8443/{ENV}/as/token'),
        (None, 'https://auth.example.com', None, 'https://auth.example.com/as/token'),
    ],
)
def test_endpoints(region, base, env, token_endpoint):
    urls = locations.endpoints(region, base, env)
    assert urls['token_endpoint'] == token_endpoint
    assert urls['issuer'] == token_endpoint[: -len('/token')]
    assert urls['jwks_uri'] == urls['issuer'] + '/jwks'
    assert urls['device_authorization_endpoint'] == urls['issuer'] + '/device_authorization'


@pytest.mark.parametrize(
    'region, base, env, message',
    [
        ('NA', None, None, 'environment_id is required'),
        ('XX', None, ENV, 'region must be one of'),
    ],
)
def test_endpoints_errors(region, base, env, message):
    with pytest.raises(ConfigurationError, match=message):
        locations.endpoints(region, base, env)


# region in any case; names PingOne does not use say which to use.
@pytest.mark.parametrize(
    'region, expected',
    [
        ('eu', 'EU'),
        (' Eu ', 'EU'),
        ('na', 'NA'),
        ('com.au', None),
        (None, 'NA'),
        ('', 'NA'),
    ],
)
def test_check_region(region, expected):
    if expected is None:
        with pytest.raises(ConfigurationError, match="region 'com.au' is a top-level domain; use the region name AU"):
            locations.check_region(region)
    else:
        assert locations.check_region(region) == expected


@pytest.mark.parametrize(
    'region, message',
    [
        ('US', "region 'US' is not a PingOne region name; use NA (PingOne calls its regions NA, CA, EU, AU, SG, AP)"),
        ('usa', "region 'usa' is not a PingOne region name; use NA"),
        ('Asia', "region 'Asia' is not a PingOne region name; use AP"),
        ('MARS', "region must be one of NA, CA, EU, AU, SG, AP (in any case), got 'MARS'"),
    ],
)
def test_check_region_errors(region, message):
    with pytest.raises(ConfigurationError) as caught:
        locations.check_region(region)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize('given', [ENV, f' {ENV}\n', f'/{ENV}/', ENV.upper()])
def test_environment_id_is_trimmed(given):
    assert locations.check_environment_id(given).lower() == ENV
    assert locations.endpoints('eu', None, given)['issuer'].lower() == f'https://auth.pingone.eu/{ENV}/as'


@pytest.mark.parametrize(
    'given, message',
    [
        ('my-environment', "a UUID such as 5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f (admin console, Settings > Environment > Properties), got 'my-environment'"),
        (ENV[:-1], f"got '{ENV[:-1]}'"),
        (f'https://auth.pingone.com/{ENV}/as', 'give the ID alone, not a URL (auth_base_url takes the host)'),
        ('x' * 300, f"got '{'x' * 77}...'"),
    ],
)
def test_environment_id_errors(given, message):
    with pytest.raises(ConfigurationError) as caught:
        locations.endpoints('NA', None, given)
    assert str(caught.value).startswith('environment_id must be a PingOne environment ID')
    assert message in str(caught.value)


# an issuer or endpoint pasted as auth_base_url is explained, never doubled.
@pytest.mark.parametrize(
    'base, env, message',
    [
        (
            f'https://auth.pingone.eu/{ENV}/as',
            None,
            f'auth_base_url https://auth.pingone.eu/{ENV}/as is an issuer or endpoint URL (it ends in /{ENV}/as); auth_base_url is the part '
            'before /<environment_id>/as, and /as/token is added to it: set auth_base_url to https://auth.pingone.eu and environment_id '
            f'to {ENV}',
        ),
        (f'https://auth.pingone.eu/{ENV}/as/token', ENV, f'it ends in /{ENV}/as/token'),
        (
            f'https://auth.pingone.eu/{ENV}/as/',
            'a1b2c3d4-0000-4000-8000-000000000002',
            f'(environment_id is a1b2c3d4-0000-4000-8000-000000000002, the URL names {ENV}: which is it?)',
        ),
        ('https://login.example.com/as', None, 'set auth_base_url to https://login.example.com, the custom domain alone'),
        ('https://login.example.com/as/token', None, 'it ends in /as/token'),
        ('https://proxy.example.com/pingone/as', ENV, 'set auth_base_url to https://proxy.example.com/pingone with environment_id'),
        # PingOne's API and apps hosts serve no /<envID>/as: only auth. (or a custom domain) does.
        (
            'https://api.pingone.eu',
            ENV,
            'auth_base_url https://api.pingone.eu is not an auth host: PingOne serves sign-on and tokens at https://auth.pingone.eu',
        ),
        ('https://apps.pingone.com/', ENV, 'at https://auth.pingone.com (leave auth_base_url out and set region)'),
    ],
)
def test_auth_base_url_that_is_an_issuer(base, env, message):
    with pytest.raises(ConfigurationError) as caught:
        locations.endpoints('NA', base, env)
    assert message in str(caught.value)
    assert f'/as/{ENV}/as' not in str(caught.value)


@pytest.mark.parametrize(
    'base, env, token_endpoint',
    [
        ('https://login.example.com/', None, 'https://login.example.com/as/token'),
        ('https://proxy.example.com/pingone', ENV, f'https://proxy.example.com/pingone/{ENV}/as/token'),
        ('https://login.example.com/assets', None, 'https://login.example.com/assets/as/token'),
    ],
)
def test_auth_base_url_with_a_path(base, env, token_endpoint):
    assert locations.endpoints(None, base, env)['token_endpoint'] == token_endpoint


@pytest.mark.parametrize(
    'env, region, base, errors',
    [
        (ENV, 'eu', None, 0),
        (None, 'NA', 'https://login.example.com', 0),
        ('nope', 'US', None, 2),
        (ENV, 'MARS', 'https://login.example.com', 0),  # region is ignored with auth_base_url
        (None, 'NA', 'https://login.example.com/as', 1),
    ],
)
def test_check_options(env, region, base, errors):
    assert len(locations.check_options(env, region, base)) == errors


@pytest.mark.parametrize(
    'issuer, standard',
    [
        (f'https://auth.pingone.com/{ENV}/as', True),
        (f'https://auth.pingone.com.au/{ENV}/as', True),
        (f'https://auth.pingone.com/{ENV}/as/', False),
        (f'http://auth.pingone.com/{ENV}/as', False),
        (f'https://auth.pingone.com:8443/{ENV}/as', False),
        (f'https://auth.pingone.com.evil.example/{ENV}/as', False),
        (f'https://api.pingone.com/{ENV}/as', False),
        ('https://login.example.com/as', False),
        (None, False),
    ],
)
def test_is_standard_issuer(issuer, standard):
    assert locations.is_standard_issuer(issuer) is standard


@pytest.mark.parametrize(
    'url, pingone, expected',
    [
        (f'https://auth.pingone.eu/{ENV}/as/token', False, 'check environment_id (the UUID in the URL), region'),
        (f'https://127.0.0.1:8443/{ENV}/as/token', False, 'check environment_id'),
        ('https://login.example.com/as/token', True, 'auth_base_url (the host of a custom domain set up in PingOne, without /<environment_id>/as)'),
        # token_endpoint given the issuer: the hint names the fix, not the environment.
        (
            f'https://auth.pingone.eu/{ENV}/as',
            False,
            f'is an issuer, not an endpoint: give it as issuer (its token endpoint is https://auth.pingone.eu/{ENV}/as/token)',
        ),
        ('https://login.example.com/as/', True, 'its token endpoint is https://login.example.com/as/token'),
        # An issuer pasted with the discovery suffix, PingOne's or any OP's.
        (f'https://auth.pingone.eu/{ENV}/as/.well-known/openid-configuration/.well-known/openid-configuration', False, 'give the issuer without it'),
        ('https://op.example.test/.well-known/openid-configuration/.well-known/openid-configuration', False, 'given with /.well-known/openid-configuration'),
        (f'https://login.example.com/{ENV}/as/{ENV}/as/token', True, 'holds /<environment_id>/as twice'),
        (f'https://api.pingone.eu/v1/environments/{ENV}/populations', False, 'check the id in the URL (an environment it does not know answers 403)'),
        (f'https://scim-api.pingone.com/environments/{ENV}/v2/Users', False, 'check the id in the URL (an environment it does not know answers 403)'),
        ('https://login.example.com/as/token', False, None),
        ('https://op.example.test/token', False, None),
    ],
)
def test_not_found_hint(url, pingone, expected):
    hint = locations.not_found_hint(url, pingone)
    assert (hint is None) if expected is None else (expected in hint)


@pytest.mark.parametrize(
    'url, env',
    [
        (f'https://auth.pingone.com/{ENV.upper()}/as', ENV),
        (f'https://proxy.example.com/p/{ENV}/as/token', ENV),
        ('https://login.example.com/as', None),
        (f'https://api.pingone.com/v1/environments/{ENV}/users', None),
        (f'https://auth.pingone.com/{ENV}/assets', None),
    ],
)
def test_environment_of(url, env):
    assert locations.environment_of(url) == env
