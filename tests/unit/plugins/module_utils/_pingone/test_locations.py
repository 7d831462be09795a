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
        ('NA', None, ENV, 'https://auth.pingone.com/{0}/as/token'.format(ENV)),
        (None, None, ENV, 'https://auth.pingone.com/{0}/as/token'.format(ENV)),
        ('ca', None, ENV, 'https://auth.pingone.ca/{0}/as/token'.format(ENV)),
        ('EU', None, ENV, 'https://auth.pingone.eu/{0}/as/token'.format(ENV)),
        ('AU', None, ENV, 'https://auth.pingone.com.au/{0}/as/token'.format(ENV)),
        ('SG', None, ENV, 'https://auth.pingone.sg/{0}/as/token'.format(ENV)),
        ('AP', None, ENV, 'https://auth.pingone.asia/{0}/as/token'.format(ENV)),
        ('EU', 'https://127.0.0.1:8443/', ENV, 'https://127.0.0.1:8443/{0}/as/token'.format(ENV)),
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


# Issue 11, item 9: region in any case; names PingOne does not use say which to use.
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


@pytest.mark.parametrize('given', [ENV, ' {0}\n'.format(ENV), '/{0}/'.format(ENV), ENV.upper()])
def test_environment_id_is_trimmed(given):
    assert locations.check_environment_id(given).lower() == ENV
    assert locations.endpoints('eu', None, given)['issuer'].lower() == 'https://auth.pingone.eu/{0}/as'.format(ENV)


@pytest.mark.parametrize(
    'given, message',
    [
        ('my-environment', "a UUID such as 5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f (admin console, Settings > Environment > Properties), got 'my-environment'"),
        (ENV[:-1], "got '{0}'".format(ENV[:-1])),
        ('https://auth.pingone.com/{0}/as'.format(ENV), 'give the ID alone, not a URL (auth_base_url takes the host)'),
        ('x' * 300, "got '{0}...'".format('x' * 77)),
    ],
)
def test_environment_id_errors(given, message):
    with pytest.raises(ConfigurationError) as caught:
        locations.endpoints('NA', None, given)
    assert str(caught.value).startswith('environment_id must be a PingOne environment ID')
    assert message in str(caught.value)


# Issue 11, item 10: an issuer or endpoint pasted as auth_base_url is explained, never doubled.
@pytest.mark.parametrize(
    'base, env, message',
    [
        (
            'https://auth.pingone.eu/{0}/as'.format(ENV),
            None,
            'auth_base_url https://auth.pingone.eu/{0}/as is an issuer or endpoint URL (it ends in /{0}/as); auth_base_url is the part '
            'before /<environment_id>/as, and /as/token is added to it: set auth_base_url to https://auth.pingone.eu and environment_id '
            'to {0}'.format(ENV),
        ),
        ('https://auth.pingone.eu/{0}/as/token'.format(ENV), ENV, 'it ends in /{0}/as/token'.format(ENV)),
        (
            'https://auth.pingone.eu/{0}/as/'.format(ENV),
            'a1b2c3d4-0000-4000-8000-000000000002',
            '(environment_id is a1b2c3d4-0000-4000-8000-000000000002, the URL names {0}: which is it?)'.format(ENV),
        ),
        ('https://login.example.com/as', None, 'set auth_base_url to https://login.example.com, the custom domain alone'),
        ('https://login.example.com/as/token', None, 'it ends in /as/token'),
        ('https://proxy.example.com/pingone/as', ENV, 'set auth_base_url to https://proxy.example.com/pingone with environment_id'),
    ],
)
def test_auth_base_url_that_is_an_issuer(base, env, message):
    with pytest.raises(ConfigurationError) as caught:
        locations.endpoints('NA', base, env)
    assert message in str(caught.value)
    assert '/as/{0}/as'.format(ENV) not in str(caught.value)


@pytest.mark.parametrize(
    'base, env, token_endpoint',
    [
        ('https://login.example.com/', None, 'https://login.example.com/as/token'),
        ('https://proxy.example.com/pingone', ENV, 'https://proxy.example.com/pingone/{0}/as/token'.format(ENV)),
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
        ('https://auth.pingone.com/{0}/as'.format(ENV), True),
        ('https://auth.pingone.com.au/{0}/as'.format(ENV), True),
        ('https://auth.pingone.com/{0}/as/'.format(ENV), False),
        ('http://auth.pingone.com/{0}/as'.format(ENV), False),
        ('https://auth.pingone.com:8443/{0}/as'.format(ENV), False),
        ('https://auth.pingone.com.evil.example/{0}/as'.format(ENV), False),
        ('https://api.pingone.com/{0}/as'.format(ENV), False),
        ('https://login.example.com/as', False),
        (None, False),
    ],
)
def test_is_standard_issuer(issuer, standard):
    assert locations.is_standard_issuer(issuer) is standard


@pytest.mark.parametrize(
    'url, pingone, expected',
    [
        ('https://auth.pingone.eu/{0}/as/token'.format(ENV), False, 'check environment_id (the UUID in the URL), region'),
        ('https://127.0.0.1:8443/{0}/as/token'.format(ENV), False, 'check environment_id'),
        ('https://login.example.com/as/token', True, 'auth_base_url (the host of a custom domain, without /<environment_id>/as)'),
        ('https://api.pingone.eu/v1/environments/{0}/populations'.format(ENV), False, 'check the environment ID in the URL'),
        ('https://scim-api.pingone.com/environments/{0}/v2/Users'.format(ENV), False, 'check the environment ID in the URL'),
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
        ('https://auth.pingone.com/{0}/as'.format(ENV.upper()), ENV),
        ('https://proxy.example.com/p/{0}/as/token'.format(ENV), ENV),
        ('https://login.example.com/as', None),
        ('https://api.pingone.com/v1/environments/{0}/users'.format(ENV), None),
        ('https://auth.pingone.com/{0}/assets'.format(ENV), None),
    ],
)
def test_environment_of(url, env):
    assert locations.environment_of(url) == env
