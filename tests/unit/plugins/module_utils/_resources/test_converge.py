# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_converge: the decisions around one converge, from tables."""

from __future__ import annotations

import gc

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._http import parallel
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import converge
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import plan


@pytest.mark.parametrize(
    'api_style, strategy, key, prune, expected',
    [
        ('scim', 'auto', 'userName', True, None),
        ('generic', 'list', None, True, None),
        ('scim', 'filter', 'userName', False, None),
        ('generic', 'filter', 'name', False, 'read_strategy filter uses SCIM filters (RFC 7644 section 3.4.2.2): it needs api_style scim'),
        ('scim', 'filter', None, False, 'read_strategy filter looks objects up by key: set key, not key_query'),
        (
            'scim',
            'filter',
            'userName',
            True,
            'prune deletes the objects that no item names, so it needs the whole collection: use read_strategy list or auto, not filter',
        ),
    ],
)
def test_read_problem(api_style, strategy, key, prune, expected):
    assert converge.read_problem(api_style, strategy, key, prune) == expected


@pytest.mark.parametrize(
    'desired, fold, expected',
    [
        ([{'userName': 'a'}, {'userName': 'b'}], plan.exact, ['a', 'b']),
        ([{'userName': 'Bob'}, {'userName': 'bob'}], plan.casefolded, ['Bob']),
        ([{'userName': 'Bob'}, {'userName': 'bob'}], plan.exact, ['Bob', 'bob']),
        # Items without a usable key are plan's to refuse, with its message; a filter read skips them.
        ([{'name': 'x'}, 'text', {'userName': ['a']}, {'userName': True}, {'userName': 7}], plan.exact, [7]),
    ],
)
def test_desired_names(desired, fold, expected):
    assert converge.desired_names(desired, 'userName', fold) == expected


def outcome(kind=None, error=None, started=True):
    found = parallel.Outcome()
    found.started = started
    found.error = error
    if kind:
        found.value = (plan.Action(kind, 'k', {}, {}, None, None), None, None)
    return found


@pytest.mark.parametrize(
    'unchanged, outcomes, expected',
    [
        (0, [outcome(started=False)], 'Users: 0 of 1 done'),
        (9996, [outcome('create'), outcome('create'), outcome('update'), outcome()], 'Users: 9,999 of 10,000 done, 2 created, 1 updated'),
        (2, [outcome('delete'), outcome(error=ValueError())], 'Users: 3 of 4 done, 1 deleted'),
    ],
)
def test_progress_line(unchanged, outcomes, expected):
    assert converge._progress_line('Users', unchanged + len(outcomes), unchanged, outcomes) == expected


@pytest.mark.parametrize('enabled_before', [True, False])
def test_the_cycle_collector_is_paused_while_a_collection_is_read_and_let_run_again_as_before(enabled_before):
    (gc.enable if enabled_before else gc.disable)()
    try:
        with converge.collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled_before
        with pytest.raises(ValueError), converge.collector_paused():
            raise ValueError('a failed read')
        assert gc.isenabled() is enabled_before
    finally:
        gc.enable()
