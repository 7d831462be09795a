# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jwtauth.oidc.plugins.filter.pingone_references import pingone_references, pingone_resource_grants

IDS = {'Staff': 'p1', 'New': None}

# items, arguments -> result
CONVERTED = [
    # A name becomes a reference; other keys stay; drop leaves the role's own keys out.
    (
        [{'username': 'a', 'population': 'Staff', 'state': 'present', 'groups': ['x']}],
        dict(key='population', drop=['state', 'groups']),
        [{'username': 'a', 'population': {'id': 'p1'}}],
    ),
    # A reference given as a dict, and no population at all, are kept.
    ([{'name': 'g', 'population': {'id': 'other'}}, {'name': 'h'}], dict(key='population'), [{'name': 'g', 'population': {'id': 'other'}}, {'name': 'h'}]),
    # Check mode: an object still to be created gets a placeholder id.
    ([{'name': 'g', 'population': 'New'}], dict(key='population', check_mode=True), [{'name': 'g', 'population': {'id': '(to be created) New'}}]),
    # Names only: the memberOfGroups bodies.
    (['Staff', 'New'], dict(check_mode=True), [{'id': 'p1'}, {'id': '(to be created) New'}]),
    ([], {}, []),
]


@pytest.mark.parametrize('items, arguments, expected', CONVERTED)
def test_converted(items, arguments, expected):
    assert pingone_references(items, IDS, **arguments) == expected


def test_refusals_name_the_item_never_its_contents():
    refusals = [
        (
            ([{'name': 'g', 'population': 'Nope', 'description': 'private'}], dict(key='population', what='population', source='groups')),
            "groups[0] names population 'Nope', which is not one of the populations this role manages",
        ),
        ((['Staff', 'Gone'], dict(what='group', source="alice's groups")), "alice's groups[1] names group 'Gone'"),
        (([{'name': 'g', 'population': 'New'}], dict(key='population', what='population')), "items[0] names population 'New', whose id is unknown"),
        ((['x'], dict(key='population')), 'items[0] is not a dict'),
    ]
    for (items, arguments), message in refusals:
        with pytest.raises(AnsibleFilterError) as caught:
            pingone_references(items, IDS, **arguments)
        assert str(caught.value).startswith(message) and 'private' not in str(caught.value)


def test_by_state_items_keep_their_place_in_the_whole_list():
    """The role hands each state's items to a task of its own: an item is still named by its place in the role's list,
    and one whose state is neither present nor absent is refused, not dropped."""
    users = [{'username': 'gone', 'state': 'absent'}, {'username': 'a', 'population': 'Staff'}, {'username': 'b', 'population': 'Nope', 'state': 'present'}]
    assert pingone_references(users[:2], IDS, key='population', drop=['state'], state='present') == [{'username': 'a', 'population': {'id': 'p1'}}]
    assert pingone_references(users[:2], IDS, key='population', drop=['state'], state='absent') == [{'username': 'gone'}]
    with pytest.raises(AnsibleFilterError, match=r"^users\[2\] names population 'Nope'"):
        pingone_references(users, IDS, key='population', what='population', source='users', state='present')
    for state, shown in (('deleted', "'deleted'"), (False, 'a boolean')):
        with pytest.raises(AnsibleFilterError) as caught:
            pingone_references(users[:2] + [{'username': 'c', 'state': state}], IDS, key='population', source='users', state='absent', name_key='username')
        assert str(caught.value) == f'users[2] (c) has state {shown}: use present or absent'


RESOURCE_IDS = {'Orders': 'r1', 'New': None}
SCOPE_IDS = {'Orders': {'read': 's1', 'write': 's2', 'admin': None}, 'New': {'x': None}}


def test_resource_grants():
    grants = [{'resource': 'Orders', 'scopes': ['write', 'read']}, {'resource': {'id': 'r9'}, 'scopes': [{'id': 's9'}]}]
    assert pingone_resource_grants(grants, RESOURCE_IDS, SCOPE_IDS) == [
        {'resource': {'id': 'r1'}, 'scopes': [{'id': 's2'}, {'id': 's1'}]},
        {'resource': {'id': 'r9'}, 'scopes': [{'id': 's9'}]},
    ]
    # Check mode: a resource or scope still to be created gets a placeholder id.
    assert pingone_resource_grants(
        [{'resource': 'New', 'scopes': ['x']}, {'resource': 'Orders', 'scopes': ['admin']}], RESOURCE_IDS, SCOPE_IDS, check_mode=True
    ) == [
        {'resource': {'id': '(to be created) New'}, 'scopes': [{'id': '(to be created) x'}]},
        {'resource': {'id': 'r1'}, 'scopes': [{'id': '(to be created) admin'}]},
    ]
    assert pingone_resource_grants(None, RESOURCE_IDS, SCOPE_IDS) == []


def test_resource_grants_by_state():
    """Present and absent grants go to two tasks: an absent one needs its resource only, to find the grant to delete."""
    grants = [
        {'resource': 'Orders', 'scopes': ['read'], 'state': 'present'},
        {'resource': 'Orders', 'state': 'absent'},
        {'resource': {'id': 'r9'}, 'scopes': [{'id': 's9'}]},
    ]
    assert pingone_resource_grants(grants, RESOURCE_IDS, SCOPE_IDS) == [
        {'resource': {'id': 'r1'}, 'scopes': [{'id': 's1'}]},
        {'resource': {'id': 'r9'}, 'scopes': [{'id': 's9'}]},
    ]
    assert pingone_resource_grants(grants, RESOURCE_IDS, SCOPE_IDS, state='absent') == [{'resource': {'id': 'r1'}}]


def test_resource_grant_refusals_name_the_grant():
    refusals = [
        ([{'resource': 'Nope', 'scopes': ['read']}], "app[0] names resource 'Nope', which is not one of the resources"),
        ([{'resource': 'Orders', 'scopes': ['read', 'delete']}], "app[0] (resource 'Orders') names scope 'delete', which is not one"),
        ([{'resource': 'Orders', 'scopes': []}], "app[0] grants no scopes of resource 'Orders'"),
        ([{'resource': 'Orders'}], "app[0] grants no scopes of resource 'Orders'"),
        (['Orders'], 'app[0] is not a dict with a resource name'),
        ([{'resource': 'Orders', 'scopes': ['admin']}], "app[0] (resource 'Orders') names scope 'admin', whose id is unknown"),
        ([{'resource': 'Orders', 'scopes': ['read'], 'state': 'gone'}], "app[0] (resource 'Orders') has state 'gone': use present or absent"),
    ]
    failed = []
    for grants, message in refusals:
        with pytest.raises(AnsibleFilterError) as caught:
            pingone_resource_grants(grants, RESOURCE_IDS, SCOPE_IDS, source='app')
        if not str(caught.value).startswith(message):
            failed.append((message, str(caught.value)))
    assert not failed
    with pytest.raises(AnsibleFilterError, match=r"^app\[0\] names resource 'Nope', which is not one of the resources"):
        pingone_resource_grants([{'resource': 'Nope', 'state': 'absent'}], RESOURCE_IDS, SCOPE_IDS, source='app', state='absent')
