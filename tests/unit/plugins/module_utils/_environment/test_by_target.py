# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_environment.by_target from tables: when links are read by what they link to, and what those reads settle (the reads
themselves run against the PingOne test server: tests/integration/test_pingone_environment.py)."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment import by_target
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import TYPES_BY_NAME

READ = TYPES_BY_NAME['group membership'].by_target


@pytest.mark.parametrize(
    ('parents', 'targets', 'expected'),
    [
        (10000, 10, True),
        (16, 8, True),
        (16, 9, False),  # more than half: counting alone could cost as much as the per-user reads it saves
        (16, 16, False),
        (7, 1, False),  # too few users to be worth a plan
        (8, 4, True),
        (100, 0, True),  # every group new: nothing to read at all
    ],
)
def test_worth_counting(parents, targets, expected):
    assert by_target.worth_counting(parents, targets) is expected


@pytest.mark.parametrize(('members', 'page_size', 'expected'), [(0, 200, 1), (200, 200, 1), (201, 200, 2), (2000, 200, 10), (5, 1, 5)])
def test_pages_for(members, page_size, expected):
    # an empty group still costs its one (empty) page
    assert by_target.pages_for(members, page_size) == expected


@pytest.mark.parametrize(
    ('estimates', 'budget', 'expected'),
    [
        ({'a': 10, 'b': 10}, 100, {'a': 50, 'b': 50}),  # each its estimate and half of what is left
        ({'a': 10, 'b': 30}, 100, {'a': 40, 'b': 60}),
        ({'a': 10, 'b': 30}, 41, {'a': 10, 'b': 30}),
        ({'a': 10, 'b': 30}, 40, None),  # the estimates alone reach the budget: the per-user reads are cheaper
        ({'a': 1}, 0, None),
        ({}, 5, {}),  # nothing to list (every group new)
    ],
)
def test_page_caps(estimates, budget, expected):
    caps = by_target.page_caps(estimates, budget)
    assert caps == expected
    if caps:
        assert sum(caps.values()) <= budget and all(caps[target] >= estimates[target] for target in estimates)


@pytest.mark.parametrize(
    ('obj', 'expected'),
    [
        ({'directMemberCounts': {'users': 3}}, 3),
        ({'directMemberCounts': {'users': 0}}, 0),
        ({'directMemberCounts': {}}, None),
        ({'directMemberCounts': {'users': '3'}}, None),
        ({'directMemberCounts': {'users': True}}, None),
        ({'directMemberCounts': {'users': -1}}, None),
        ({'directMemberCounts': {'users': 1.0}}, None),
        ({'directMemberCounts': 3}, None),
        (None, None),
    ],
)
def test_count_at(obj, expected):
    assert by_target.count_at(obj, READ.direct) == expected


@pytest.mark.parametrize(
    ('answer', 'expected'),
    [
        ({'directMemberCounts': {'users': 3}, 'totalMemberCounts': {'users': 5}}, (3, 5)),
        ({'directMemberCounts': {'users': 0}, 'totalMemberCounts': {'users': 0}}, (0, 0)),
        ({'directMemberCounts': {'users': 3}}, None),  # no include answered: the total is unknown
        ({'totalMemberCounts': {'users': 3}}, None),
        ({'directMemberCounts': {'users': '3'}, 'totalMemberCounts': {'users': 3}}, None),
        (None, None),
        ([], None),
    ],
)
def test_counts_of(answer, expected):
    assert by_target.counts_of(answer, READ) == expected


@pytest.mark.parametrize(
    ('direct', 'listed', 'expected'),
    [
        (5, 5, 'exact'),  # as many listed as the group counts direct members: the list is its direct members
        (0, 0, 'exact'),
        (3, 5, 'partial'),  # two listed through a nesting or the userFilter: a listed user may be one of them
        (5, 4, 'unknown'),  # shorter than the direct count (eventual consistency): an absent user may be a member
        (None, 10, 'unknown'),
        (3, None, 'unknown'),  # the list was cut short at its cap
    ],
)
def test_member_state(direct, listed, expected):
    assert by_target.member_state(direct, listed) == expected


MEMBERS = {'staff': frozenset({'u1', 'u2', 'u3'}), 'admins': frozenset({'u1', 'u4'}), 'empty': frozenset()}


@pytest.mark.parametrize(
    ('wanted', 'states', 'new', 'expected'),
    [
        # exact groups: whoever is listed is a direct member, whoever is not is not one
        ({'u1': ['staff'], 'u4': ['staff']}, {'staff': 'exact'}, (), {'u1': ['staff'], 'u4': []}),
        ({'u1': ['staff', 'empty']}, {'staff': 'exact', 'empty': 'exact'}, (), {'u1': ['staff']}),
        # partial: a listed user may be an indirect member (read one by one); an unlisted one is not a member
        ({'u1': ['admins'], 'u2': ['admins']}, {'admins': 'partial'}, (), {'u2': []}),
        ({'u1': ['staff', 'admins']}, {'staff': 'exact', 'admins': 'partial'}, (), {}),
        # unknown, or a group never read: read one by one
        ({'u1': ['staff']}, {'staff': 'unknown'}, (), {}),
        ({'u1': ['staff'], 'u2': ['other']}, {'staff': 'exact'}, (), {'u1': ['staff']}),
        # a group this run created has no direct member yet, read or not
        ({'u1': ['fresh'], 'u2': ['fresh', 'staff']}, {'staff': 'exact'}, ('fresh',), {'u1': [], 'u2': ['staff']}),
        ({}, {'staff': 'exact'}, (), {}),
    ],
)
def test_settle(wanted, states, new, expected):
    assert by_target.settle(wanted, MEMBERS, states, new) == expected


def test_the_filter_names_the_target_as_a_json_string():
    assert by_target.filter_for(READ, 'ab-12') == 'memberOfGroups[id eq "ab-12"]'
    # An id that is not a plain one cannot end the string or the brackets early (RFC 7644 section 3.4.2.2: a JSON string).
    assert by_target.filter_for(READ, 'a"] or id sw "') == 'memberOfGroups[id eq "a\\"] or id sw \\""]'
