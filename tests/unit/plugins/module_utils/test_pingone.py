# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils import _pingone
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

ENV = 'a1b2c3d4-0000-4000-8000-000000000001'


@pytest.mark.parametrize('region, base, env, token_endpoint', [
    ('NA', None, ENV, 'https://auth.pingone.com/{0}/as/token'.format(ENV)),
    (None, None, ENV, 'https://auth.pingone.com/{0}/as/token'.format(ENV)),
    ('ca', None, ENV, 'https://auth.pingone.ca/{0}/as/token'.format(ENV)),
    ('EU', None, ENV, 'https://auth.pingone.eu/{0}/as/token'.format(ENV)),
    ('AU', None, ENV, 'https://auth.pingone.com.au/{0}/as/token'.format(ENV)),
    ('SG', None, ENV, 'https://auth.pingone.sg/{0}/as/token'.format(ENV)),
    ('AP', None, ENV, 'https://auth.pingone.asia/{0}/as/token'.format(ENV)),
    ('EU', 'https://127.0.0.1:8443/', ENV, 'https://127.0.0.1:8443/{0}/as/token'.format(ENV)),
    (None, 'https://auth.example.com', None, 'https://auth.example.com/as/token'),
])
def test_endpoints(region, base, env, token_endpoint):
    urls = _pingone.endpoints(region, base, env)
    assert urls['token_endpoint'] == token_endpoint
    assert urls['issuer'] == token_endpoint[:-len('/token')]
    assert urls['jwks_uri'] == urls['issuer'] + '/jwks'


@pytest.mark.parametrize('region, base, env, message', [
    ('NA', None, None, 'environment_id is required'),
    ('XX', None, ENV, 'region must be one of'),
])
def test_endpoints_errors(region, base, env, message):
    with pytest.raises(ConfigurationError, match=message):
        _pingone.endpoints(region, base, env)
