# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import plan
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.dialects import DIALECTS

SCIM = DIALECTS['scim'].server_owned
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
    assert kinds(plan.plan(desired, current, key='userName', state=state, prune=prune, server_owned=SCIM)) == expected


SCIM_USERNAME = DIALECTS['scim'].key_folder('userName')
BOB_CAPITAL = dict(BOB, userName='Bob')

# desired, current, fold, prune -> (kind, key) per object: userName is caseExact false (RFC 7643 section 8.7.1)
FOLD_TABLE = [
    ([{'userName': 'bob', 'active': True}], [BOB_CAPITAL], SCIM_USERNAME, False, [('none', 'bob')]),
    ([{'userName': 'BOB', 'active': False}], [BOB_CAPITAL], SCIM_USERNAME, False, [('update', 'BOB')]),
    ([{'userName': 'alice'}], [ALICE, BOB_CAPITAL], SCIM_USERNAME, True, [('none', 'alice'), ('delete', 'Bob')]),
    ([{'userName': 'BOB'}], [BOB_CAPITAL], SCIM_USERNAME, True, [('none', 'BOB')]),
    # Exact keys stay exact: a generic API's key, or SCIM's externalId (caseExact true).
    ([{'userName': 'bob'}], [BOB_CAPITAL], DIALECTS['generic'].key_folder('userName'), False, [('create', 'bob')]),
]


@pytest.mark.parametrize('desired, current, fold, prune, expected', FOLD_TABLE)
def test_caseexact_false_keys_fold(desired, current, fold, prune, expected):
    assert kinds(plan.plan(desired, current, key='userName', prune=prune, server_owned=SCIM, fold=fold)) == expected


def test_a_folded_key_keeps_the_servers_case_in_an_update():
    (action,) = plan.plan([{'userName': 'BOB', 'active': False}], [BOB_CAPITAL], key='userName', server_owned=SCIM, fold=SCIM_USERNAME)
    assert action.after == {'userName': 'Bob', 'active': False} and 'userName' not in action.desired


def test_keys_that_fold_to_one_are_the_same_item():
    with pytest.raises(ConfigurationError, match=r"items\[0\] and items\[1\] have the same key 'Bob'"):
        plan.plan([{'userName': 'bob'}, {'userName': 'Bob'}], [], key='userName', fold=SCIM_USERNAME)
    assert DIALECTS['scim'].key_folder('externalId')('Bob') == 'Bob'


def test_update_predicts_the_server_object():
    action = plan.plan([{'userName': 'alice', 'active': False}], [ALICE], key='userName', server_owned=SCIM)[0]
    assert action.before == {'userName': 'alice', 'active': True}
    assert action.after == {'userName': 'alice', 'active': False}
    assert action.current is ALICE


def test_create_keeps_the_items_schemas():
    item = {'userName': 'carol', 'schemas': ['urn:ext'], 'id': 'client-chosen'}
    assert plan.plan([item], [], key='userName', server_owned=SCIM)[0].after == {'userName': 'carol', 'schemas': ['urn:ext']}


def test_a_server_owned_key_the_user_names_is_sent_with_a_create():
    """PingOne group memberships: the item {"id": groupID} is the body of the create, and is found again by id."""
    pingone = DIALECTS['pingone'].server_owned
    listed = [{'id': 'g1', 'name': 'admins', 'type': 'DIRECT', 'environment': {'id': 'e'}, '_links': {}}]
    actions = plan.plan([{'id': 'g1'}, {'id': 'g2'}], listed, key='id', server_owned=pingone)
    assert kinds(actions) == [('none', 'g1'), ('create', 'g2')] and actions[1].after == {'id': 'g2'}
    # Any other key leaves the id out of the body, as before.
    (create,) = plan.plan([{'name': 'x', 'id': 'chosen'}], [], key='name', server_owned=pingone)
    assert create.after == {'name': 'x'}


def test_key_query():
    current = [{'id': '1', 'emails': [{'value': 'a@x', 'primary': True}]}]
    desired = [{'emails': [{'value': 'a@x', 'primary': True}], 'title': 'boss'}]
    actions = plan.plan(desired, current, key_query='emails[?primary].value | [0]', server_owned=SCIM)
    assert kinds(actions) == [('update', 'a@x')]


PASSWORD = 'Pa55-word-of-an-item'

# desired, key, key_query, source -> the whole message; an item is named by its place and key, never shown
PLAN_ERRORS = [
    ([{'userName': 'a'}, {'displayName': 'x', 'password': PASSWORD}], 'userName', None, 'items', 'items[1] has no value for its key userName'),
    ([{'displayName': 'x', 'password': PASSWORD}], 'userName', None, 'item', 'item has no value for its key userName'),
    (
        [{'emails': [], 'password': PASSWORD}],
        None,
        'emails[?primary].value | [0]',
        'items',
        'items[0] has no value for its key_query emails[?primary].value | [0]',
    ),
    ([{'userName': {'first': 'a'}, 'password': PASSWORD}], 'userName', None, 'items', 'items[0]: its key userName is an object, not a string or number'),
    ([{'userName': 'a'}, {'userName': 'b'}, {'userName': 'a', 'password': PASSWORD}], 'userName', None, 'items', "items[0] and items[2] have the same key 'a'"),
    ([{'userName': 'a'}, PASSWORD], 'userName', None, 'items', 'items[1] is a string, not an object'),
    # items_name: a role's list, named as the role's user wrote it.
    (
        [{'userName': 'a'}, {'userName': 'a'}],
        'userName',
        None,
        'scim_provision_users',
        "scim_provision_users[0] and scim_provision_users[1] have the same key 'a'",
    ),
]


@pytest.mark.parametrize('desired, key, key_query, source, message', PLAN_ERRORS)
def test_plan_errors_name_the_item_by_place_and_key_only(desired, key, key_query, source, message):
    with pytest.raises(ConfigurationError) as caught:
        plan.plan(desired, [ALICE], key=key, key_query=key_query, source=source)
    assert str(caught.value) == message


def test_server_objects_with_a_list_key_are_left_alone():
    current = [dict(ALICE, userName=['alice', 'al']), BOB]
    assert kinds(plan.plan([{'userName': 'bob'}], current, key='userName', prune=True, server_owned=SCIM)) == [('none', 'bob')]


# item, current, send_write_only -> (kind, write-only values sent); password is never compared (RFC 7643 section 7)
WRITE_ONLY_TABLE = [
    ({'userName': 'carol', 'password': PASSWORD}, [], 'on_create', ('create', {'password': PASSWORD})),
    ({'userName': 'alice', 'password': PASSWORD}, [ALICE], 'on_create', ('none', None)),
    ({'userName': 'alice', 'password': PASSWORD}, [ALICE], 'on_update', ('none', None)),
    ({'userName': 'alice', 'password': PASSWORD}, [ALICE], 'always', ('update', {'password': PASSWORD})),
    ({'userName': 'alice', 'active': False, 'password': PASSWORD}, [ALICE], 'on_create', ('update', None)),
    ({'userName': 'alice', 'active': False, 'password': PASSWORD}, [ALICE], 'on_update', ('update', {'password': PASSWORD})),
    # A server that does return the attribute (hashed, say) still never makes it differ.
    ({'userName': 'alice', 'password': PASSWORD}, [dict(ALICE, password='{SSHA}x')], 'on_update', ('none', None)),
    ({'userName': 'alice', 'password': None}, [ALICE], 'always', ('none', None)),
]


@pytest.mark.parametrize('item, current, send, expected', WRITE_ONLY_TABLE)
def test_write_only_attributes(item, current, send, expected):
    action = plan.plan([item], current, key='userName', server_owned=SCIM, write_only=['password'], send_write_only=send)[0]
    assert (action.kind, action.write_only or None) == expected
    # before and after are what diffs show: never the write-only value.
    assert PASSWORD not in json.dumps([action.before, action.after, action.desired])


def test_prune_guards():
    current = [dict(BOB, userName=f'u{i}', id=str(i)) for i in range(30)]
    actions = plan.plan([{'userName': 'u0'}], current, key='userName', prune=True, server_owned=SCIM)
    with pytest.raises(ConfigurationError, match=r'prune would delete 29 objects, more than prune_max \(20\)'):
        plan.check_prune(actions, [{'userName': 'u0'}], 20)
    # A role names the limit as its user set it (api_resource's prune_max_name).
    with pytest.raises(ConfigurationError, match=r'prune would delete 29 objects, more than scim_provision_prune_max \(20\): u1, u2'):
        plan.check_prune(actions, [{'userName': 'u0'}], 20, 'scim_provision_prune_max')
    plan.check_prune(actions, [{'userName': 'u0'}], 29)
    with pytest.raises(ConfigurationError, match='prune needs at least one item'):
        plan.check_prune([], [], 20)


def test_selector_keeps_the_objects_a_task_manages():
    """select_query: JMESPath truth decides; PingOne's INDIRECT memberships are left out with type != 'INDIRECT'."""
    memberships = [{'id': 'g1', 'type': 'DIRECT'}, {'id': 'g2', 'type': 'INDIRECT'}, {'id': 'g3'}]
    cases = [
        (None, ['g1', 'g2', 'g3']),
        ("type != 'INDIRECT'", ['g1', 'g3']),
        ("type == 'DIRECT'", ['g1']),
        ('type', ['g1', 'g2']),  # a non-empty string is true, a missing key (null) false
        ("starts_with(id, 'g')", ['g1', 'g2', 'g3']),
    ]
    assert [[obj['id'] for obj in memberships if plan.selector(query)(obj)] for query, _ids in cases] == [ids for _query, ids in cases]
    with pytest.raises(ConfigurationError, match=r"^select_query 'type ==' is not a valid JMESPath expression"):
        plan.selector('type ==')


class TaggedStr(str):
    """What ansible-core 2.19 and later hand a task's string arguments as: a subclass of str."""


def test_key_query_functions_take_the_strings_ansible_hands_over():
    """jmespath's join() refuses a str subclass; the items of a task are made plain before a query runs."""
    item = {'name': TaggedStr('staff'), 'population': {'id': TaggedStr('p1')}}
    query = "join('', [name, population.id && join('', [' (population ', population.id, ')']) || ''])"
    assert plan.key_of(item, key_query=query) == 'staff (population p1)'
    with pytest.raises(ConfigurationError, match=r"key_query 'join\(name\)' cannot be applied: Expected 2 arguments for function join\(\)"):
        plan.key_of(item, key_query='join(name)')
