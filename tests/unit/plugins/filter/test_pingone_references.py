# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jwtauth.oidc.plugins.filter.pingone_references import pingone_references

IDS = {'Staff': 'p1', 'New': None}

# items, arguments -> result
CONVERTED = [
    # A name becomes a reference; other keys stay; drop leaves the role's own keys out.
    ([{'username': 'a', 'population': 'Staff', 'state': 'present', 'groups': ['x']}], dict(key='population', drop=['state', 'groups']),
     [{'username': 'a', 'population': {'id': 'p1'}}]),
    # A reference given as a dict, and no population at all, are kept.
    ([{'name': 'g', 'population': {'id': 'other'}}, {'name': 'h'}], dict(key='population'),
     [{'name': 'g', 'population': {'id': 'other'}}, {'name': 'h'}]),
    # Check mode: an object still to be created gets a placeholder id.
    ([{'name': 'g', 'population': 'New'}], dict(key='population', check_mode=True),
     [{'name': 'g', 'population': {'id': '(to be created) New'}}]),
    # Names only: the memberOfGroups bodies.
    (['Staff', 'New'], dict(check_mode=True), [{'id': 'p1'}, {'id': '(to be created) New'}]),
    ([], {}, []),
]


@pytest.mark.parametrize('items, arguments, expected', CONVERTED)
def test_converted(items, arguments, expected):
    assert pingone_references(items, IDS, **arguments) == expected


def test_refusals_name_the_item_never_its_contents():
    refusals = [
        (([{'name': 'g', 'population': 'Nope', 'description': 'private'}], dict(key='population', what='population', source='groups')),
         "groups[0] names population 'Nope', which is not one of the populations this role manages"),
        ((['Staff', 'Gone'], dict(what='group', source="alice's groups")), "alice's groups[1] names group 'Gone'"),
        (([{'name': 'g', 'population': 'New'}], dict(key='population', what='population')),
         "items[0] names population 'New', whose id is unknown"),
        ((['x'], dict(key='population')), 'items[0] is not a dict'),
    ]
    for (items, arguments), message in refusals:
        with pytest.raises(AnsibleFilterError) as caught:
            pingone_references(items, IDS, **arguments)
        assert str(caught.value).startswith(message) and 'private' not in str(caught.value)
