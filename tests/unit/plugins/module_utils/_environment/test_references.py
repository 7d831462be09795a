# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_environment.references: names made ids, placeholders in check mode, states (the filters' own cases are
tests/unit/plugins/filter/test_pingone_references.py)."""

from __future__ import annotations

import re

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment import references
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

GROUPS = {'team': 'g-env', 'team (population p-1)': 'g-staff', 'new': None}


@pytest.mark.parametrize(
    'name, scope, check_mode, expected',
    [
        ('team', None, False, {'id': 'g-env'}),
        ('team', 'p-1', False, {'id': 'g-staff'}),
        ('team', 'p-2', False, {'id': 'g-env'}),
        ('new', None, True, {'id': '(to be created) new'}),
        ({'id': 'given'}, None, False, {'id': 'given'}),
    ],
)
def test_reference(name, scope, check_mode, expected):
    assert references.reference(name, GROUPS, 'group', 'users[0]', check_mode, scope) == expected


@pytest.mark.parametrize(
    'name, scope, check_mode, message',
    [
        ('nope', None, False, "users[0] names group 'nope', which is not one of the groups this role manages"),
        ('nope', 'p-1', False, "users[0] names group 'nope', which is not one of the groups of its population nor the environment's groups"),
        ('new', None, False, "users[0] names group 'new', whose id is unknown"),
    ],
)
def test_reference_refused(name, scope, check_mode, message):
    with pytest.raises(ConfigurationError, match='^' + re.escape(message)):
        references.reference(name, GROUPS, 'group', 'users[0]', check_mode, scope)


def test_states():
    assert references.state_of({'name': 'a'}, 'x[0]', 'name') == 'present'
    assert references.in_state({'name': 'a', 'state': 'absent'}, 'x[0]', 'absent', 'name')
    with pytest.raises(ConfigurationError, match=r"^x\[0\] \(a\) has state 'gone': use present or absent$"):
        references.state_of({'name': 'a', 'state': 'gone'}, 'x[0]', 'name')
    with pytest.raises(ConfigurationError, match=r'^x\[0\] has state a list: use present or absent$'):
        references.state_of({'state': []}, 'x[0]', 'name')
