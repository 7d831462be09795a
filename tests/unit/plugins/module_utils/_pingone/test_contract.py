# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_pingone.contract: which kind of collection a URL is, and what the contract says of it."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone import contract

ENV = 'https://api.pingone.eu/v1/environments/5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f'

# url -> (kind, paged)
KINDS = [
    (ENV + '/populations', 'population', True),
    (ENV + '/groups/', 'group', True),
    (ENV + '/groups/g1/memberOfGroups', 'group nesting', False),
    (ENV + '/users?filter=x', 'user', True),
    (ENV + '/users/u1/memberOfGroups', 'group membership', True),
    (ENV + '/resources', 'resource', False),
    (ENV + '/resources/r1/scopes', 'resource scope', False),
    (ENV + '/applications', 'application', False),
    (ENV + '/applications/a1/grants', 'application resource grant', False),
    (ENV + '/applications/a1/secret', 'object', False),
    ('https://127.0.0.1:8443/v1/environments/e/users', 'user', True),  # a test server laid out like PingOne
    ('https://api.example.com/users', 'object', False),
]


@pytest.mark.parametrize('url, name, paged', KINDS)
def test_kind_of(url, name, paged):
    kind = contract.kind_of(url)
    assert (kind.name, kind.paged) == (name, paged)


def test_a_user_is_created_with_what_an_update_cannot_set():
    user = contract.kind_of(ENV + '/users')
    assert {'enabled', 'emailVerified', 'identityProvider.type', 'createdAt'} <= set(user.read_only)
    assert set(user.update_read_only) == {'mfaEnabled', 'lifecycle'} and user.put_immutable == ('population',)
    assert 'population' not in user.read_only  # set by the create, moved by its own endpoint
