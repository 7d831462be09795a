# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pingone_platform role (issue 14) through ansible-playbook against the PingOne-shaped Management API test server.

Writes are counted at the server: check mode writes nothing, the first run writes each object once, a drift is
repaired with exactly the writes it needs, and the run after writes nothing.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from conftest import TOP

_spec = importlib.util.spec_from_file_location('p1api_harness_for_role', os.path.join(TOP, 'tests', 'pingone_api', 'harness.py'))
p1api_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(p1api_harness)

POPULATIONS = [{'name': 'Staff', 'description': 'Employees'}, {'name': 'Contractors'}]
GROUPS = [{'name': 'admins', 'description': 'Administrators'}, {'name': 'staff-all', 'population': 'Staff'},
          {'name': 'contractors', 'population': 'Contractors'}]
USERS = [{'username': 'alice', 'population': 'Staff', 'email': 'alice@example.com', 'groups': ['admins', 'staff-all']},
         {'username': 'bob', 'population': 'Contractors', 'enabled': True, 'groups': ['contractors']},
         {'username': 'carol', 'population': 'Staff', 'groups': []}]


@pytest.fixture(scope='session')
def p1api_server(op, tmp_path_factory):
    with p1api_harness.PingOneAPI(str(tmp_path_factory.mktemp('p1api-role')), op) as server:
        yield server


def recap_changed(output):
    line = [line for line in output.splitlines() if line.startswith('localhost') and 'changed=' in line][-1]
    return int(line.split('changed=')[1].split()[0])


def held(admin, api, collection, key='name'):
    """What the server holds in a collection, by key, page after page."""
    found, url = {}, api.collection_url(collection)
    while url:
        page = admin.get(url).json()
        found.update((obj[key], obj) for obj in page['_embedded'][collection])
        url = page['_links'].get('next', {}).get('href')
    return found


def memberships(admin, api, user_id):
    answer = admin.get(api.collection_url('users', user_id, 'memberOfGroups')).json()
    return sorted(group['name'] for group in answer['_embedded']['groupMemberships'])


@pytest.mark.core_sensitive
def test_role_converges_populations_groups_users_memberships(op, ansible, p1api_server, tmp_path):
    # Pages of 2 whatever the role asks (3 groups take two pages), and a 429 storm on the first two group creates.
    api = p1api_server.reset(page_cap=2, fail_first={'POST {0}/groups'.format(p1api_server.env_path): [429, 2]})
    admin = api.admin_session()
    # Already there: the population Staff and the user alice, so that check mode also reads memberships of an
    # existing user whose groups do not exist yet.
    staff = admin.post(api.collection_url('populations'), json={'name': 'Staff', 'description': 'Employees'}).json()['id']
    assert admin.post(api.collection_url('users'), json={'username': 'alice', 'population': {'id': staff},
                                                         'email': 'alice@example.com'}).status_code == 201
    client = op.clients['csjwt']
    variables = {'p1_url': api.env_url, 'p1_populations': POPULATIONS, 'p1_groups': GROUPS, 'p1_users': USERS,
                 'p1_auth': {'issuer': op.issuer, 'client_id': client['client_id'], 'client_secret': client['client_secret'],
                             'ca_path': op.ca_path, 'scope': ['api:read', 'api:write'], 'retries': 4}}
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}

    mark = api.mark()
    checked = ansible('role_pingone_platform_once.yml', variables, env=env, check=True, verbosity=0, extra_args=['--diff'])
    assert checked.rc == 0, checked.output[-3000:]
    assert api.writes(since=mark) == 0
    for line in ('populations: would create 1 (Contractors), unchanged 1', 'groups: would create 3 (admins, staff-all, contractors)',
                 'users: would create 2 (bob, carol), unchanged 1',
                 # alice exists: her memberships are read, and the groups still to create are named.
                 'Groups of alice: would add to admins, staff-all',
                 'Groups of bob: not read, the user would be created first (check mode)'):
        assert '"{0}"'.format(line) in checked.output, (line, checked.output[-3000:])

    # The first run, at -vvvv (its output scanned for the worker's secret and every token): each object written once.
    mark = api.mark()
    first = ansible('role_pingone_platform_once.yml', variables, env=env)
    assert first.rc == 0, first.output[-3000:]
    assert '"Groups of alice: added to admins, staff-all"' in first.output and '"Groups of bob: added to contractors"' in first.output
    assert '"Groups of carol: none"' in first.output
    path = api.env_path
    assert api.count('POST', path + '/populations', since=mark, status=201) == 1
    assert api.count('POST', path + '/groups', since=mark, status=201) == 3
    assert api.count('POST', path + '/groups', since=mark, status=429) == 2
    # bob and carol, then 3 memberships (alice's 2, bob's 1) under /users/{id}/memberOfGroups.
    assert api.count('POST', path + '/users', since=mark, status=201) == 2 + 3
    assert api.writes(since=mark) == 1 + (3 + 2) + 2 + 3  # the 2 group creates refused with 429 included
    populations, groups, users = held(admin, api, 'populations'), held(admin, api, 'groups'), held(admin, api, 'users', 'username')
    assert groups['staff-all']['population'] == {'id': staff} and groups['contractors']['population'] == {'id': populations['Contractors']['id']}
    assert 'population' not in groups['admins']
    assert users['bob']['population'] == {'id': populations['Contractors']['id']} and users['carol']['population'] == {'id': staff}
    assert memberships(admin, api, users['alice']['id']) == ['admins', 'staff-all']
    assert memberships(admin, api, users['bob']['id']) == ['contractors'] and memberships(admin, api, users['carol']['id']) == []

    # Drift behind the role's back, and a change of the data: carol to be deleted, memberships pruned.
    assert admin.put(api.collection_url('groups', groups['admins']['id']), json={'name': 'admins', 'description': 'Changed'}).status_code == 200
    assert admin.delete(api.collection_url('users', users['alice']['id'], 'memberOfGroups', groups['staff-all']['id'])).status_code == 204
    assert admin.post(api.collection_url('users', users['bob']['id'], 'memberOfGroups'), json={'id': groups['admins']['id']}).status_code == 201
    changed = dict(variables, p1_users=USERS[:2] + [dict(USERS[2], state='absent')], p1_prune_memberships=True)
    mark = api.mark()
    repaired = ansible('role_pingone_platform_once.yml', changed, env=env, verbosity=0, extra_args=['--diff'])
    assert repaired.rc == 0, repaired.output[-3000:]
    for line in ('groups: updated 1 (admins), unchanged 2', 'Groups of alice: added to staff-all, unchanged 1',
                 'Groups of bob: removed from admins, unchanged 1', 'users: deleted 1 (carol)'):
        assert '"{0}"'.format(line) in repaired.output, (line, repaired.output[-3000:])
    assert api.count('PUT', path + '/groups/' + groups['admins']['id'], since=mark) == 1
    assert api.count('DELETE', path + '/users/' + users['carol']['id'], since=mark) == 1
    assert api.writes(since=mark) == 4
    assert held(admin, api, 'groups')['admins']['description'] == 'Administrators'
    assert memberships(admin, api, users['alice']['id']) == ['admins', 'staff-all'] and memberships(admin, api, users['bob']['id']) == ['contractors']

    # The run after writes nothing and reports no change.
    mark = api.mark()
    again = ansible('role_pingone_platform_once.yml', changed, env=env, verbosity=0)
    assert again.rc == 0, again.output[-3000:]
    assert api.writes(since=mark) == 0 and recap_changed(again.output) == 0
    assert '"populations: unchanged 2"' in again.output and '"Groups of alice: unchanged 2"' in again.output
