# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils import _resources
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

SCIM = _resources.SERVER_OWNED['scim']
ALICE = {'id': 'u1', 'userName': 'alice', 'active': True, 'meta': {'location': 'https://s/v2/Users/u1'}, 'schemas': ['core']}
BOB = {'id': 'u2', 'userName': 'bob', 'active': True, 'meta': {}, 'schemas': ['core']}


def kinds(actions):
    return [(a.kind, a.key) for a in actions]


# desired, current, state, prune -> (kind, key) per object
PLAN_TABLE = [
    ([{'userName': 'alice', 'active': True}], [ALICE], 'present', False, [('none', 'alice')]),
    ([{'userName': 'alice', 'active': False}], [ALICE], 'present', False, [('update', 'alice')]),
    ([{'userName': 'carol'}], [ALICE], 'present', False, [('create', 'carol')]),
    ([{'userName': 'alice'}], [ALICE, BOB], 'present', True, [('none', 'alice'), ('delete', 'bob')]),
    ([{'userName': 'alice'}], [ALICE, BOB], 'absent', False, [('delete', 'alice')]),
    ([{'userName': 'carol'}], [ALICE], 'absent', False, [('none', 'carol')]),
    ([{'userName': 'alice', 'id': 'other', 'meta': {'x': 1}}], [ALICE], 'present', False, [('none', 'alice')]),  # server-owned ignored
]


@pytest.mark.parametrize('desired, current, state, prune, expected', PLAN_TABLE)
def test_plan(desired, current, state, prune, expected):
    assert kinds(_resources.plan(desired, current, key='userName', state=state, prune=prune, server_owned=SCIM)) == expected


def test_update_predicts_the_server_object():
    action = _resources.plan([{'userName': 'alice', 'active': False}], [ALICE], key='userName', server_owned=SCIM)[0]
    assert action.before == {'userName': 'alice', 'active': True}
    assert action.after == {'userName': 'alice', 'active': False}
    assert action.current is ALICE


def test_create_keeps_the_items_schemas():
    item = {'userName': 'carol', 'schemas': ['urn:ext'], 'id': 'client-chosen'}
    assert _resources.plan([item], [], key='userName', server_owned=SCIM)[0].after == {'userName': 'carol', 'schemas': ['urn:ext']}


def test_key_query():
    current = [{'id': '1', 'emails': [{'value': 'a@x', 'primary': True}]}]
    desired = [{'emails': [{'value': 'a@x', 'primary': True}], 'title': 'boss'}]
    actions = _resources.plan(desired, current, key_query='emails[?primary].value | [0]', server_owned=SCIM)
    assert kinds(actions) == [('update', 'a@x')]


@pytest.mark.parametrize('desired, message', [
    ([{'displayName': 'x'}], 'An item has no value for its key userName'),
    ([{'userName': 'a'}, {'userName': 'a'}], "Two items have the same key 'a'"),
])
def test_plan_errors(desired, message):
    with pytest.raises(ConfigurationError, match=message):
        _resources.plan(desired, [], key='userName')


def test_prune_guards():
    current = [dict(BOB, userName='u{0}'.format(i), id=str(i)) for i in range(30)]
    actions = _resources.plan([{'userName': 'u0'}], current, key='userName', prune=True, server_owned=SCIM)
    with pytest.raises(ConfigurationError, match='prune would delete 29 objects, more than prune_max'):
        _resources.check_prune(actions, [{'userName': 'u0'}], 20)
    _resources.check_prune(actions, [{'userName': 'u0'}], 29)
    with pytest.raises(ConfigurationError, match='prune needs at least one item'):
        _resources.check_prune([], [], 20)


def test_scim_patch_body():
    action = _resources.plan([{'userName': 'alice', 'active': False, 'title': None, 'nickName': 'al'}],
                             [dict(ALICE, title='x')], key='userName', server_owned=SCIM)[0]
    body = _resources.scim_patch_body(action)
    assert body['schemas'] == [_resources.SCIM_PATCH_SCHEMA]
    assert body['Operations'] == [{'op': 'replace', 'path': 'active', 'value': False}, {'op': 'remove', 'path': 'title'},
                                  {'op': 'replace', 'path': 'nickName', 'value': 'al'}]


@pytest.mark.parametrize('url, params, expected', [
    ('https://s/v2/Users', {'startIndex': 1, 'count': 100}, 'https://s/v2/Users?startIndex=1&count=100'),
    ('https://s/v2/Users?filter=x&count=5', {'count': 10}, 'https://s/v2/Users?filter=x&count=10'),
])
def test_with_query(url, params, expected):
    assert _resources.with_query(url, **params) == expected
