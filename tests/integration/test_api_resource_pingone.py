# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""api_resource with api_style pingone against the PingOne-shaped Management API test server (tests/servers/pingone_api).

The first step of the engine converges PingOne objects (HAL lists paged by limit and cursor, a page
cap below the limit, server-owned fields never sent back, PATCH for users, 429 storms). Writes and reads are
counted at the server. The tasks run in process, with a client_credentials token of the test OP through the
token store, as the action plugin would.
"""

from __future__ import annotations


import pytest
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_resource_task

from conftest import in_context, validated
from test_token_module import client_options


def pingone_task(op, api, tmp_path, collection, **task_args):
    """A function running the api_resource task on one collection of the environment, in process."""
    defaults = dict(
        client_options(op, 'csjwt'),
        token_store_path=str(tmp_path / 'store'),
        url=api.collection_url(collection),
        api_style='pingone',
        key='name',
        scope=['api:read', 'api:write'],
    )

    def run(check_mode=False, diff=False, **args):
        given = dict(dict(defaults, **task_args), **args)
        return in_context(run_resource_task, validated(api_resource_module_kwargs(), given), check_mode=check_mode, diff=diff)

    return run


POPULATIONS = [{'name': 'Employees', 'description': 'Staff'}, {'name': 'Contractors'}]


def test_populations_four_steps_and_a_put_that_sends_back_no_server_owned_field(op, p1api, tmp_path):
    task = pingone_task(op, p1api, tmp_path, 'populations', items=POPULATIONS)
    mark = p1api.mark()
    check = task(check_mode=True, diff=True)
    assert sorted(check['created']) == ['Contractors', 'Employees'] and p1api.writes(since=mark) == 0
    first = task()
    assert sorted(first['created']) == ['Contractors', 'Employees'] and all(first['ids'].values())
    assert p1api.count('POST', p1api.env_path + '/populations', since=mark, status=201) == 2
    mark = p1api.mark()
    again = task()
    assert again['changed'] is False and sorted(again['unchanged']) == ['Contractors', 'Employees'] and p1api.writes(since=mark) == 0

    # Drift behind the task's back: one PUT, whose body is the object less what PingOne owns.
    admin = p1api.admin_session()
    url = p1api.collection_url('populations', first['ids']['Employees'])
    held = admin.get(url).json()
    assert admin.put(url, json={'name': 'Employees', 'description': 'Changed'}).status_code == 200
    mark = p1api.mark()
    repaired = task(diff=True)
    assert repaired['updated'] == ['Employees'] and p1api.writes(since=mark) == 1
    (diff,) = repaired['diff']
    assert diff['before']['description'] == 'Changed' and diff['after']['description'] == 'Staff'
    for owned in ('id', 'environment', 'createdAt', 'updatedAt', '_links', 'userCount'):
        assert owned not in diff['after'], owned
    now = admin.get(url).json()
    assert now['description'] == 'Staff' and now['createdAt'] == held['createdAt'] and now['id'] == held['id']


def test_users_past_a_page_cap_of_50_with_a_429_storm_and_patch(op, p1api_server, tmp_path):
    """300 users, pages capped at 50 below the limit of 100 asked for: the next link is followed whatever a page holds."""
    api = p1api_server.reset(page_cap=50, fail_first={f'POST {p1api_server.env_path}/users*': [429, 3]})
    population = api.admin_session().post(api.collection_url('populations'), json={'name': 'Staff'}).json()['id']
    users = [{'username': f'user{i:03d}', 'population': {'id': population}, 'enabled': True, 'email': f'u{i}@example.com'} for i in range(300)]
    task = pingone_task(op, api, tmp_path, 'users', items=users, key='username', update_method='patch', retries=5, attribute_endpoints=[{'name': 'enabled'}])
    first = task()
    assert len(first['created']) == 300
    assert api.count('POST', api.env_path + '/users', status=429) == 3 and api.count('POST', api.env_path + '/users', status=201) == 300
    assert any('rate limited' in text for text in first['warnings'])
    mark = api.mark()
    again = task()
    assert again['changed'] is False and api.writes(since=mark) == 0
    assert api.count('GET', api.env_path + '/users', since=mark) == again['requests'] == 300 // 50
    assert api.session().get(api.collection_url('users'), params={'limit': 100}).json()['size'] == 50  # the cap is real

    # Drift: an email (the user's PATCH repairs it) and the enabled state (its own endpoint, Update User Enabled).
    user_url = api.collection_url('users', first['ids']['user007'])
    assert api.admin_session().patch(user_url, json={'email': 'changed@example.com'}).status_code == 200
    assert api.admin_session().put(user_url + '/enabled', json={'enabled': False}).status_code == 200
    mark = api.mark()
    repaired = task()
    assert repaired['updated'] == ['user007'] and api.count('PATCH', since=mark) == 1 and api.writes(since=mark) == 2
    assert api.count('PUT', api.env_path + f'/users/{first["ids"]["user007"]}/enabled', since=mark) == 1
    assert api.admin_session().get(user_url).json()['enabled'] is True
    assert api.admin_session().get(user_url).json()['email'] == 'u7@example.com'


def test_prune_is_guarded(op, p1api, tmp_path):
    admin = p1api.admin_session()
    for number in range(5):
        assert admin.post(p1api.collection_url('groups'), json={'name': f'old{number}'}).status_code == 201
    mark = p1api.mark()
    with pytest.raises(ConfigurationError, match=r'^prune would delete 5 objects, more than prune_max \(2\)'):
        pingone_task(op, p1api, tmp_path, 'groups', items=[{'name': 'keep'}], prune=True, prune_max=2)()
    assert p1api.writes(since=mark) == 0
