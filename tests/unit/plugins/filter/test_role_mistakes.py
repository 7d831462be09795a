# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os

import pytest
import yaml
from ansible_collections.jwtauth.oidc.plugins.filter.role_mistakes import item_mistakes, role_mistakes, unknown_auth_keys, unknown_variables

ROLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles')

OPTIONS = ['pingone_platform_users', 'pingone_platform_groups', 'pingone_platform_prune_memberships', 'pingone_platform_prune_max']
ROLE = 'jwtauth.oidc.pingone_platform'

# variable names -> the sentences
UNKNOWN_VARIABLES = [
    (['pingone_platform_users', 'pingone_platform_groups'], []),
    # The role's own facts and registered results start with an underscore, other roles' variables with their prefix.
    (['_pingone_platform_users_result', 'scim_provision_user', 'ansible_check_mode'], []),
    (['pingone_platform_user'], [f'pingone_platform_user is not a variable of the role {ROLE} (did you mean pingone_platform_users?)']),
    (['pingone_platform_prunemax'], [f'pingone_platform_prunemax is not a variable of the role {ROLE} (did you mean pingone_platform_prune_max?)']),
    # Nothing close: the suffix alone is compared, not the prefix every name shares.
    (['pingone_platform_xyz'], [f'pingone_platform_xyz is not a variable of the role {ROLE} (ansible-doc -t role {ROLE} lists them)']),
]


@pytest.mark.parametrize('names, expected', UNKNOWN_VARIABLES)
def test_unknown_variables(names, expected):
    assert unknown_variables(names, OPTIONS, ROLE, 'pingone_platform_') == expected


# auth dict -> the sentences
UNKNOWN_AUTH_KEYS = [
    ({'client_id': 'c', 'client_secret': 's', 'timeout': 5, 'scope': ['a']}, []),
    ({'timout': 5}, ['x_auth.timout is not a connection option of jwtauth.oidc.api_resource (did you mean timeout?)']),
    ({'clientid': 'c'}, ['x_auth.clientid is not a connection option of jwtauth.oidc.api_resource (did you mean client_id?)']),
    # Not a connection option: api_resource's own options are the role's to set.
    ({'items': []}, ['x_auth.items is not a connection option of jwtauth.oidc.api_resource (ansible-doc jwtauth.oidc.api_resource lists them)']),
    ('client_id=c', ['x_auth is a string, not a dict of jwtauth.oidc.api_resource options']),
]


@pytest.mark.parametrize('auth, expected', UNKNOWN_AUTH_KEYS)
def test_unknown_auth_keys(auth, expected):
    assert unknown_auth_keys(auth, 'x_auth') == expected


def test_auth_mistakes_never_show_a_value():
    found = unknown_auth_keys({'client_secert': 'hunter2-secret', 'client_id': 'c'}, 'x_auth')
    assert found == ['x_auth.client_secert is not a connection option of jwtauth.oidc.api_resource (did you mean client_secret?)']


USERS = {'key': 'username', 'states': ['present', 'absent'], 'unique': ['username'], 'fold': True}
GROUPS = {'key': 'name', 'states': ['present', 'absent'], 'unique': ['name', 'population']}
RESOURCES = {'key': 'name', 'states': ['present', 'absent'], 'lists': {'scopes': {'key': 'name', 'states': ['present', 'absent']}}}
SCIM_USERS = {'key': 'userName', 'state_variable': 'scim_provision_state'}

# items, spec, api -> the sentences
ITEM_MISTAKES = [
    ([{'username': 'a'}, {'username': 'b', 'state': 'present'}, {'username': 'c', 'state': 'absent'}], USERS, []),
    (None, USERS, []),
    ([], USERS, []),
    # A state the role does not know: its place and key, the value, the choices.
    ([{'username': 'a'}, {'username': 'b', 'state': 'deleted'}], USERS, ["u[1] (b) has state 'deleted': use present or absent"]),
    ([{'username': 'b', 'state': True}], USERS, ['u[0] (b) has state a boolean: use present or absent']),
    ([{'username': 'b', 'state': None}], USERS, ['u[0] (b) has state null: use present or absent']),
    # The other API's spelling of the key, whether the item also has the key or not.
    ([{'userName': 'carol'}], USERS, ['u[0] has userName: PingOne spells it username']),
    ([{'username': 'carol', 'UserName': 'carol'}], USERS, ['u[0] (carol) has UserName: PingOne spells it username']),
    ([{'username': 'erin'}], SCIM_USERS, ['u[0] has username: PingOne spells it userName']),
    ([{'email': 'x@example.com'}, {'username': ''}], USERS, ['u[0] has no username', 'u[1] has no username']),
    (['alice', 7], USERS, ['u[0] is a string, not an object', 'u[1] is a number, not an object']),
    ('alice', USERS, ['u is a string, not a list']),
    # Two items of one key: usernames without case; groups by name and population.
    ([{'username': 'alice'}, {'username': 'bob'}, {'username': 'Alice', 'state': 'absent'}], USERS, ['u[0] (alice) and u[2] (Alice) have the same username']),
    ([{'name': 'team'}, {'name': 'team', 'population': 'Staff'}, {'name': 'Team'}], GROUPS, []),
    (
        [{'name': 'team', 'population': 'Staff'}, {'name': 'team', 'population': 'Staff'}],
        GROUPS,
        ['u[0] (team) and u[1] (team) have the same name and population'],
    ),
    # A nested list, named by the path to it.
    (
        [{'name': 'Orders', 'scopes': [{'name': 'r'}, {'name': 'w', 'state': 'Absent'}, 'x']}],
        RESOURCES,
        ["u[0] (Orders).scopes[1] (w) has state 'Absent': use present or absent", 'u[0] (Orders).scopes[2] is a string, not an object'],
    ),
    ([{'name': 'Orders', 'scopes': {'name': 'r'}}], RESOURCES, ['u[0] (Orders).scopes is an object, not a list']),
    # A list whose items have no state of their own.
    ([{'userName': 'frank', 'state': 'absent'}], SCIM_USERS, ['u[0] (frank) has a state: scim_provision_state sets the state of every item']),
]


@pytest.mark.parametrize('items, spec, expected', ITEM_MISTAKES)
def test_item_mistakes(items, spec, expected):
    assert item_mistakes(items, 'u', spec, 'PingOne') == expected


def test_item_mistakes_name_an_item_by_its_key_only():
    found = item_mistakes([{'username': 'alice', 'password': 'hunter2-secret', 'state': 'gone'}], 'u', USERS, 'PingOne')
    assert found == ["u[0] (alice) has state 'gone': use present or absent"]


def role_spec(role):
    """The role's own options and checks, as its first task reads them."""
    with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml')) as handle:
        options = yaml.safe_load(handle)['argument_specs']['main']['options']
    with open(os.path.join(ROLES, role, 'vars', 'main.yml')) as handle:
        checks = yaml.safe_load(handle)[f'_{role}_checks']
    return options, checks


@pytest.mark.parametrize('role', ['pingone_platform', 'scim_provision'])
def test_the_roles_defaults_and_returned_facts_are_no_mistake(role):
    options, checks = role_spec(role)
    with open(os.path.join(ROLES, role, 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    variables = dict(defaults, **{name: {} for name in checks.get('returns') or ()})
    assert role_mistakes(variables, options, checks) == []
    # Every variable the role's checks read is one the role documents.
    assert set(checks['lists']) | {checks['auth']} <= set(options)


def test_role_mistakes_reads_every_check_of_the_pingone_platform_role():
    options, checks = role_spec('pingone_platform')
    variables = {
        'pingone_platform_user': [],
        'pingone_platform_auth': {'environment_id': 'e', 'regoin': 'EU'},
        'pingone_platform_users': [{'userName': 'alice'}],
        'pingone_platform_applications': [{'name': 'portal', 'grants': [{'resource': 'Orders', 'state': 'deleted'}]}],
        'pingone_platform_secrets': {'portal': 'secret'},
    }
    assert role_mistakes(variables, options, checks) == [
        'pingone_platform_user is not a variable of the role jwtauth.oidc.pingone_platform (did you mean pingone_platform_users?)',
        'pingone_platform_auth.regoin is not a connection option of jwtauth.oidc.api_resource (did you mean region?)',
        "pingone_platform_users[0] has userName: PingOne's Management API spells it username",
        "pingone_platform_applications[0] (portal).grants[0] (Orders) has state 'deleted': use present or absent",
    ]
