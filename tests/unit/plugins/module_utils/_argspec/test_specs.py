# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The argument specs against what the roles declare they pass on."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs

ROLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..', 'roles')
# Each role that passes a dict of api_resource's connection options through, and that dict.
ROLE_AUTH = {'scim_provision': 'scim_provision_auth', 'pingone_platform': 'pingone_platform_auth'}


def role_auth_suboptions(role):
    with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml')) as handle:
        return yaml.safe_load(handle)['argument_specs']['main']['options'][ROLE_AUTH[role]]['options']


@pytest.mark.parametrize('role', sorted(ROLE_AUTH))
def test_role_auth_takes_exactly_the_modules_connection_options(role):
    """the auth dict declares every api_resource option about reaching the API, and no other."""
    assert sorted(role_auth_suboptions(role)) == sorted(specs.api_auth_argument_spec())


@pytest.mark.parametrize('role', sorted(ROLE_AUTH))
def test_role_auth_suboptions_match_the_module(role):
    problems = []
    for name, module in sorted(specs.api_auth_argument_spec().items()):
        role_option = role_auth_suboptions(role).get(name, {})
        for field in ('type', 'elements', 'choices'):
            if role_option.get(field) != module.get(field):
                problems.append((name, field))
        if bool(role_option.get('no_log')) != bool(module.get('no_log')):
            problems.append((name, 'no_log'))
        # No defaults in the role: a key left out takes the module's default or its JWTAUTH_OIDC_* variable.
        if 'default' in role_option or 'required' in role_option:
            problems.append((name, 'default or required'))
        if f'O(jwtauth.oidc.api_resource#module:{name})' not in role_option.get('description', ''):
            problems.append((name, 'description'))
    assert not problems
