# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_environment.shown: the summary lines, drift entries and names of a converged environment."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment import shown

POPULATIONS = {'Staff': 'p-1', 'New': None}
GROUPS = {'admins': 'g-1', 'staff-all (population p-1)': 'g-2'}


def test_names_replace_ids_children_first():
    names = shown.names_of([GROUPS, POPULATIONS])
    assert shown.with_names('added g-2 and g-1', names) == 'added staff-all (population Staff) and admins'
    assert shown.with_names('groups: would create 1 (x (population (to be created) New))', names) == 'groups: would create 1 (x (population New))'


UUIDS = [
    ('1b4e28ba-2fa1-11d2-883f-0016d3cca427', 'admins (population 6fa459ea-ee8a-3ca4-894e-db77e160355e)'),
    ('6fa459ea-ee8a-3ca4-894e-db77e160355e', 'Staff'),
]


@pytest.mark.parametrize(
    'names, text, expected',
    [
        # ids as words: each word looked up, twice over (a group's name holds its population's id)
        (UUIDS, 'Groups of bob: added to 1b4e28ba-2fa1-11d2-883f-0016d3cca427', 'Groups of bob: added to admins (population Staff)'),
        (UUIDS, 'users: unchanged 3', 'users: unchanged 3'),
        (UUIDS, '(1b4e28ba-2fa1-11d2-883f-0016d3cca427, 6fa459ea-ee8a-3ca4-894e-db77e160355e)', '(admins (population Staff), Staff)'),
        # part of a longer word is not an id
        ([('g-1', 'admins')], 'g-12 and g-1', 'g-12 and admins'),
        # ids of different lengths: a word as short as the shortest is looked up, a shorter one left
        ([('g-1', 'admins'), ('grp-22', 'ops')], 'g-1, grp-22, g1, g', 'admins, ops, g1, g'),
        # named twice over only where the first pass named something: a name that looks like an id is named again
        ([('p-1', 'Staff'), ('g-1', 'admins (population p-1)')], 'g-1; p-1', 'admins (population Staff); Staff'),
        # the first pair of an id wins
        ([('g-1', 'admins'), ('g-1', 'other')], 'g-1', 'admins'),
        # placeholders of objects still to be created go, whatever the ids
        ([('g-1', 'admins')], 'x (population (to be created) New)', 'x (population New)'),
        # an id that is no word: each id tried in turn, in order
        ([('id:1', 'admins'), ('g-1', 'ops')], 'id:1, g-1', 'admins, ops'),
    ],
)
def test_a_namer_names_many_lines(names, text, expected):
    assert shown.namer(names)(text) == expected == shown.with_names(text, names)


@pytest.mark.parametrize(
    'result, check_mode, line',
    [
        ({'created': ['g-2', 'g-1'], 'unchanged': ['g-3']}, False, 'Groups of alice: added to admins, staff-all (population p-1), unchanged 1'),
        ({'created': ['(to be created) ops'], 'deleted': ['g-1']}, True, 'Groups of alice: would add to ops, would remove from admins'),
        ({'created': [], 'deleted': [], 'unchanged': []}, False, 'Groups of alice: none'),
    ],
)
def test_link_line(result, check_mode, line):
    assert shown.link_line('Groups of alice', result, {v: k for k, v in GROUPS.items()}, check_mode) == line


def test_other_lines():
    assert shown.collection_line('Scopes of Orders API', 'scopes: created 2 (a, b)') == 'Scopes of Orders API: created 2 (a, b)'
    assert shown.not_read_line('Groups of bob', 'user') == 'Groups of bob: not read, the user would be created first (check mode)'
    assert shown.quiet_line('groups', 9998, 'user', 'users', 19996) == 'Groups of 9998 users: unchanged 19996'
    assert shown.quiet_line('groups', 1, 'group', 'groups', 1) == 'Groups of 1 group: unchanged 1'
    assert shown.nothing_line(['a', 'b', 'c']) == 'Nothing to converge: a, b and c are empty'
    assert shown.nothing_line(['a']) == 'Nothing to converge: a are empty'


def test_drift_names_fields_never_values():
    result = {'created': ['new'], 'updated': ['portal'], 'deleted': ['old']}
    diffs = [
        {'before_header': 'new', 'before': {}, 'after': {'name': 'new', 'clientSecret': 'x'}},
        {'before_header': 'portal', 'before': {'name': 'portal', 'pkce': 'OPTIONAL', 'gone': 1}, 'after': {'name': 'portal', 'pkce': 'S256'}},
        {'before_header': 'old', 'before': {'name': 'old'}, 'after': {}},
    ]
    assert shown.drift_entries('application', None, result, diffs) == [
        {'type': 'application', 'name': 'new', 'action': 'create', 'fields': ['clientSecret', 'name']},
        {'type': 'application', 'name': 'portal', 'action': 'update', 'fields': ['gone', 'pkce']},
        {'type': 'application', 'name': 'old', 'action': 'delete', 'fields': []},
    ]
    assert (
        shown.drift_entries('resource scope', 'Orders', {'created': ['read']}, [{'before_header': 'read', 'before': {}, 'after': {}}])[0]['parent'] == 'Orders'
    )
