# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import compare

MATCHES = [
    ({'a': 1}, {'a': 1, 'id': 'x'}, True),  # server keys ignored
    ({'a': 1}, {'a': 2}, False),
    ({'a': 1}, {}, False),
    ({'a': None}, {}, True),  # None means absent
    ({'a': None}, {'a': []}, True),
    ({'a': None}, {'a': 'x'}, False),
    ({'members': []}, {}, True),  # RFC 7643 2.5: empty list = unassigned
    ({'members': []}, {'members': [{'value': 'u1'}]}, False),
    ({'n': {'given': 'A'}}, {'n': {'given': 'A', 'family': 'B'}}, True),
    ({'l': [1, 2]}, {'l': [2, 1]}, True),  # order carries no meaning
    ({'l': [1, 2]}, {'l': [1, 2, 3]}, False),  # an extra element is a difference
    ({'l': [1, 1]}, {'l': [1, 2]}, False),  # each desired element needs its own match
    ({'m': [{'value': 'u1'}]}, {'m': [{'value': 'u1', 'display': 'Alice', '$ref': 'x'}]}, True),
    ({'m': [{'value': 'u1'}, {'value': 'u2'}]}, {'m': [{'value': 'u2'}, {'value': 'u1'}]}, True),
    ({'active': True}, {'active': 1}, False),  # JSON booleans are not numbers
    ({'count': 1}, {'count': 1.0}, True),
    ({'a': 'x'}, {'a': 'X'}, False),
    ({'a': {'b': 1}}, {'a': [1]}, False),
]


@pytest.mark.parametrize('desired, current, expected', MATCHES)
def test_matches(desired, current, expected):
    assert compare.matches(desired, current) is expected


def test_differing_keys_keeps_desired_order():
    assert compare.differing_keys({'b': 1, 'a': 2, 'c': 3}, {'a': 2, 'b': 0}) == ['b', 'c']


def test_merged_applies_desired_and_removes_none():
    assert compare.merged({'id': '1', 'a': 1, 'b': 2}, {'b': 3, 'a': None, 'id': 'ignored'}, ('id',)) == {'id': '1', 'b': 3}
