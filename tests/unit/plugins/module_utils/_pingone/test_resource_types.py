# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_pingone.resource_types: the type table holds together, so that a row is all a new type needs."""

from __future__ import annotations

import re

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone import contract
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import (
    TYPES,
    TYPES_BY_NAME,
    children_of,
    in_delete_order,
    top_level,
)

PARAMETER = re.compile(r'\{([A-Za-z]+)\}')


@pytest.mark.parametrize('resource_type', TYPES, ids=lambda t: t.name)
def test_each_row_holds_together(resource_type):
    """A child type hangs below its parent's collection; references name types of the table; the key is one of two."""
    assert resource_type.name == resource_type.kind.name
    assert (resource_type.key is None) != (resource_type.key_query is None)
    parameters = PARAMETER.findall(resource_type.path)
    if resource_type.parent is None:
        assert not parameters
    else:
        parent = TYPES_BY_NAME[resource_type.parent]
        assert len(parameters) == 1 and resource_type.path.startswith(parent.path + '/{'), resource_type.path
    for ref in resource_type.references:
        assert ref.to in TYPES_BY_NAME, ref
        assert ref.within is None or ref.within in {other.field for other in resource_type.references}
    assert resource_type.link is None or resource_type.link in TYPES_BY_NAME
    assert not set(resource_type.defaults) & set(resource_type.role_keys)


@pytest.mark.parametrize('resource_type', TYPES, ids=lambda t: t.name)
def test_what_a_type_names_is_created_before_it_and_deleted_after_it(resource_type):
    for ref in resource_type.references:
        target = TYPES_BY_NAME[ref.to]
        assert target.create_order < resource_type.create_order, (resource_type.name, ref)
        if resource_type.delete_order is not None and target.delete_order is not None:
            assert target.delete_order > resource_type.delete_order, (resource_type.name, ref)
    if resource_type.parent:
        parent = TYPES_BY_NAME[resource_type.parent]
        assert parent.create_order < resource_type.create_order
        assert resource_type.delete_order is None or parent.delete_order is None or parent.delete_order > resource_type.delete_order


def test_orders_are_unique_and_the_role_order_is_kept():
    assert len({t.create_order for t in TYPES}) == len(TYPES)
    first_ten = ('application resource grant', 'resource scope', 'application', 'resource', 'user', 'group', 'population')
    assert [t.name for t in in_delete_order() if t.name in first_ten] == list(first_ten)
    assert len(TYPES) >= 30
    first = ('populations', 'groups', 'users', 'resources', 'applications')
    assert [t.plural for t in top_level() if t.plural in first] == list(first)
    assert [t.name for t in children_of(TYPES_BY_NAME['user'])] == ['group membership', 'user role assignment']


def test_the_contract_reads_the_table():
    """_pingone.contract knows the collections of the table, and only them."""
    assert [kind for _pattern, kind in contract.KINDS] == [t.kind for t in TYPES]
    assert contract.kind_of('https://api.pingone.eu/v1/environments/e/resources/r1/scopes') is TYPES_BY_NAME['resource scope'].kind
