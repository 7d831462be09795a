# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The argument specs against what the roles declare they pass on."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs

ROLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..', 'roles')
# Each role that passes a dict of api_resource's connection options through, and that dict.
ROLE_AUTH = {'scim_provision': 'scim_provision_auth', 'pingone_platform': 'pingone_platform_auth'}
# Options the roles' auth dicts take (role_mistakes reads the spec) but do not document yet: the rate budget (issue 27)
# joins their documentation with the changes to roles/ of issue 26.
NOT_YET_IN_ROLE_DOCS = {'rate_limit', 'rate_limit_burst', 'rate_limit_name'}


def role_auth_keys(role):
    """The keys the role's auth dict documents: the api_resource options its description links to, in its last item.

    The dict declares no suboptions: ansible-core's role validation would refuse an unknown key with a dump of the
    whole argument spec; the role's first task (the role_mistakes filter) refuses it with the closest key instead.
    """
    with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml')) as handle:
        option = yaml.safe_load(handle)['argument_specs']['main']['options'][ROLE_AUTH[role]]
    assert option['type'] == 'dict' and 'options' not in option
    return re.findall(r'O\(jwtauth\.oidc\.api_resource#module:(\w+)\)', option['description'][-1])


@pytest.mark.parametrize('role', sorted(ROLE_AUTH))
def test_role_auth_names_exactly_the_modules_connection_options(role):
    """the auth dict documents every api_resource option about reaching the API, and no other."""
    assert role_auth_keys(role) == sorted(set(specs.api_auth_argument_spec()) - NOT_YET_IN_ROLE_DOCS)
