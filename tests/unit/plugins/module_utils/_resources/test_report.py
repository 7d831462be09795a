# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a converge shows people: the summary, diffs, group members by name."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import report

MANY = [f'user{i:03d}' for i in range(12)]

# result, check_mode -> msg
SUMMARY_TABLE = [
    (
        {'created': ['alice', 'bob'], 'updated': ['carol'], 'deleted': [], 'unchanged': ['u'] * 117},
        False,
        'Users: created 2 (alice, bob), updated 1 (carol), unchanged 117',
    ),
    (
        {'created': ['alice', 'bob'], 'updated': ['carol'], 'deleted': ['dave'], 'unchanged': []},
        True,
        'Users: would create 2 (alice, bob), would update 1 (carol), would delete 1 (dave)',
    ),
    ({'created': [], 'updated': [], 'deleted': [], 'unchanged': ['alice']}, False, 'Users: unchanged 1'),
    ({'created': [], 'updated': [], 'deleted': [], 'unchanged': []}, True, 'Users: no objects'),
    ({'created': MANY, 'updated': [], 'deleted': [], 'unchanged': []}, False, f'Users: created 12 ({", ".join(MANY[:10])} and 2 more)'),
    ({'created': [7], 'updated': [], 'deleted': [], 'unchanged': []}, False, 'Users: created 1 (7)'),
]


@pytest.mark.parametrize('result, check_mode, expected', SUMMARY_TABLE)
def test_summary(result, check_mode, expected):
    assert report.summary(result, 'Users', check_mode) == expected


IDS = {'alice': 'id-a', 'bob': 'id-b', 'carol': None}

# items, check_mode -> converted items
MEMBER_TABLE = [
    ([{'displayName': 'admins', 'members': ['alice', 'bob']}], False, [{'displayName': 'admins', 'members': [{'value': 'id-a'}, {'value': 'id-b'}]}]),
    (
        [{'displayName': 'admins', 'members': ['alice', {'value': 'id-z'}]}],
        False,
        [{'displayName': 'admins', 'members': [{'value': 'id-a'}, {'value': 'id-z'}]}],
    ),
    ([{'displayName': 'empty', 'members': []}, {'displayName': 'none'}], False, [{'displayName': 'empty', 'members': []}, {'displayName': 'none'}]),
    # carol would be created by the check run before: no id yet, so the name rides along for the diff.
    ([{'displayName': 'admins', 'members': ['carol']}], True, [{'displayName': 'admins', 'members': [{'value': None, 'display': 'carol'}]}]),
]


@pytest.mark.parametrize('items, check_mode, expected', MEMBER_TABLE)
def test_member_references(items, check_mode, expected):
    assert report.member_references(items, IDS, check_mode) == expected


@pytest.mark.parametrize(
    'items, source, message',
    [
        (
            [{'displayName': 'a'}, {'displayName': 'admins', 'members': ['alice', 'zed']}],
            'items',
            "items[1] names member 'zed', which member_ids does not have",
        ),
        (
            [{'displayName': 'admins', 'members': ['carol']}],
            'item',
            "item names member 'carol', whose id in member_ids is null (was the user created in check mode?)",
        ),
        ([{'displayName': 'admins', 'members': 'alice'}], 'items', 'items[0]: members must be a list of userNames'),
    ],
)
def test_member_reference_errors(items, source, message):
    with pytest.raises(ConfigurationError) as caught:
        report.member_references(items, IDS, source=source)
    assert str(caught.value) == message


# obj, write_only, member_ids -> what --diff shows
VIEW_TABLE = [
    ({'userName': 'alice', 'password': 'p', 'active': True}, ['password'], None, {'userName': 'alice', 'active': True}),
    (
        {'displayName': 'admins', 'members': [{'value': 'id-b', 'display': 'Bob B'}, {'value': 'id-a'}]},
        [],
        IDS,
        {'displayName': 'admins', 'members': ['alice', 'bob']},
    ),
    # Unknown to member_ids: the server's display, else the id; a check-mode reference: its name.
    (
        {'displayName': 'admins', 'members': [{'value': 'id-x', 'display': 'xavier'}, {'value': 'id-y'}, {'value': None, 'display': 'carol'}]},
        [],
        IDS,
        {'displayName': 'admins', 'members': ['carol', 'id-y', 'xavier']},
    ),
    # Without member_ids, members are shown as the server has them.
    ({'displayName': 'admins', 'members': [{'value': 'id-a'}]}, [], None, {'displayName': 'admins', 'members': [{'value': 'id-a'}]}),
]


@pytest.mark.parametrize('obj, write_only, member_ids, expected', VIEW_TABLE)
def test_diff_view(obj, write_only, member_ids, expected):
    assert report.diff_view(obj, write_only, member_ids) == expected


RESULT = {'created': ['a'], 'updated': [], 'deleted': ['z'], 'unchanged': ['b', 'c'], 'ids': {'a': '1', 'b': '2', 'c': '3'}, 'msg': 'm'}


@pytest.mark.parametrize(
    'detail, expected',
    [
        ('full', dict(RESULT, counts={'created': 1, 'updated': 0, 'deleted': 1, 'unchanged': 2})),
        (
            'compact',
            {'created': ['a'], 'updated': [], 'deleted': ['z'], 'msg': 'm', 'counts': {'created': 1, 'updated': 0, 'deleted': 1, 'unchanged': 2}},
        ),
    ],
)
def test_a_result_in_detail_or_counted(detail, expected):
    assert report.detailed(RESULT, detail) == expected
    assert RESULT['unchanged'] == ['b', 'c']  # the converge's own result is left as it was
