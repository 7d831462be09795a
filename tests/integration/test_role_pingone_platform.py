# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pingone_platform role through ansible-playbook against the PingOne-shaped Management API test server.

Writes are counted at the server: check mode writes nothing, the first run writes each object once (populations,
groups, users, memberships, a resource with scopes, applications, a grant) and reads the application secret it is
asked for after a 404, a drift is repaired with exactly the writes it needs, and the run after writes nothing.
The applications are clients of the test OP (tests/servers/pingone_api/op_clients.py): a service account signs on as
the CLIENT_SECRET_JWT application the role created, with the client id and secret the role returned, and a deleted
application's client is refused.
"""

from __future__ import annotations

import json

import pytest
import requests

from conftest import validated_token_options

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils import _tasks


POPULATIONS = [{'name': 'Staff', 'description': 'Employees'}, {'name': 'Contractors'}]
GROUPS = [
    {'name': 'admins', 'description': 'Administrators'},
    {'name': 'staff-all', 'population': 'Staff'},
    {'name': 'contractors', 'population': 'Contractors'},
]
USERS = [
    {'username': 'alice', 'population': 'Staff', 'email': 'alice@example.com', 'groups': ['admins', 'staff-all']},
    {'username': 'bob', 'population': 'Contractors', 'enabled': True, 'groups': ['contractors']},
    {'username': 'carol', 'population': 'Staff', 'groups': []},
]
RESOURCES = [{'name': 'Orders API', 'audience': 'https://orders.example.com', 'scopes': [{'name': 'orders:read'}, {'name': 'orders:write'}]}]
APPLICATIONS = [
    # The guide's application: a web application that authenticates with CLIENT_SECRET_JWT, its secret returned.
    {
        'name': 'portal',
        'type': 'WEB_APP',
        'tokenEndpointAuthMethod': 'CLIENT_SECRET_JWT',
        'grantTypes': ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
        'responseTypes': ['CODE'],
        'redirectUris': ['https://portal.example.com/callback'],
        'pkceEnforcement': 'S256_REQUIRED',
        'return_secret': True,
        'grants': [{'resource': 'Orders API', 'scopes': ['orders:read', 'orders:write']}],
    },
    {'name': 'nightly-job', 'type': 'WORKER', 'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC', 'grantTypes': ['CLIENT_CREDENTIALS']},
]


def worker_auth(op, **extra):
    """pingone_platform_auth for the worker: the test OP's client_secret_jwt client, with the API's scopes."""
    client = op.clients['csjwt']
    auth = {'issuer': op.issuer, 'client_id': client['client_id'], 'client_secret': client['client_secret'], 'ca_path': op.ca_path}
    return dict(auth, scope=['api:read', 'api:write'], **extra)


def recap_changed(output):
    line = [line for line in output.splitlines() if line.startswith('localhost') and 'changed=' in line][-1]
    return int(line.split('changed=')[1].split()[0])


def memberships(admin, api, user_id):
    answer = admin.get(api.collection_url('users', user_id, 'memberOfGroups')).json()
    return sorted(group['name'] for group in answer['_embedded']['groupMemberships'])


@pytest.mark.core_sensitive
def test_role_converges_populations_groups_users_memberships(op, ansible, p1api_server, tmp_path):
    # Pages of 2 whatever the role asks (3 groups take two pages), a 429 storm on the first two group creates, and
    # the first read of each new object (an application's secret included) answering 404.
    api = p1api_server.reset(page_cap=2, fail_first={f'POST {p1api_server.env_path}/groups': [429, 2]}, not_found_after_create=True)
    admin = api.admin_session()
    # Already there: the population Staff and the user alice, so that check mode also reads memberships of an
    # existing user whose groups do not exist yet.
    staff = admin.post(api.collection_url('populations'), json={'name': 'Staff', 'description': 'Employees'}).json()['id']
    assert admin.post(api.collection_url('users'), json={'username': 'alice', 'population': {'id': staff}, 'email': 'alice@example.com'}).status_code == 201
    variables = {
        'p1_url': api.env_url,
        'p1_populations': POPULATIONS,
        'p1_groups': GROUPS,
        'p1_users': USERS,
        'p1_resources': RESOURCES,
        'p1_applications': APPLICATIONS,
        'p1_secrets_path': str(tmp_path / 'secrets.json'),
        'p1_auth': worker_auth(op, retries=4),
    }
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}

    mark = api.mark()
    checked = ansible('role_pingone_platform_once.yml', variables, env=env, check=True, verbosity=0, extra_args=['--diff'])
    assert checked.rc == 0, checked.output[-3000:]
    assert api.writes(since=mark) == 0
    for line in (
        'populations: would create 1 (Contractors), unchanged 1',
        # A group of a population is named with it: a group name may repeat across populations.
        'groups: would create 3 (admins, staff-all (population Staff), contractors (population Contractors))',
        'users: would create 2 (bob, carol), unchanged 1',
        # alice exists: her memberships are read, and the groups still to create are named.
        'Groups of alice: would add to admins, staff-all (population Staff)',
        'Groups of bob: not read, the user would be created first (check mode)',
        'resources: would create 1 (Orders API)',
        'Scopes of Orders API: not read, the resource would be created first (check mode)',
        'applications: would create 2 (portal, nightly-job)',
        'Secrets in pingone_platform_secrets: none; not read, the application would be created first (check mode): portal',
        'Grants of portal: not read, the application would be created first (check mode)',
    ):
        assert f'"{line}"' in checked.output, (line, checked.output[-3000:])

    # The first run, at -vvvv (its output scanned for the worker's secret and every token): each object written once.
    mark = api.mark()
    first = ansible('role_pingone_platform_once.yml', variables, env=env)
    assert first.rc == 0, first.output[-3000:]
    assert '"Groups of alice: added to admins, staff-all (population Staff)"' in first.output
    assert '"Groups of bob: added to contractors (population Contractors)"' in first.output
    assert '"Groups of carol: none"' in first.output
    path = api.env_path
    assert api.count('POST', path + '/populations', since=mark, status=201) == 1
    assert api.count('POST', path + '/groups', since=mark, status=201) == 3
    assert api.count('POST', path + '/groups', since=mark, status=429) == 2
    # bob and carol, then 3 memberships (alice's 2, bob's 1) under /users/{id}/memberOfGroups.
    assert api.count('POST', path + '/users', since=mark, status=201) == 2 + 3
    # Then the resource, its 2 scopes, the 2 applications and portal's grant.
    assert api.count('POST', path + '/resources', since=mark, status=201) == 1 + 2
    assert api.count('POST', path + '/applications', since=mark, status=201) == 2 + 1
    assert api.writes(since=mark) == 1 + (3 + 2) + 2 + 3 + 3 + 3  # the 2 group creates refused with 429 included
    for line in (
        'resources: created 1 (Orders API)',
        'Scopes of Orders API: created 2 (orders:read, orders:write)',
        'applications: created 2 (portal, nightly-job)',
        'Secrets in pingone_platform_secrets: portal',
        'Grants of portal: created 1 (Orders API)',
    ):
        assert f'"{line}"' in first.output, (line, first.output[-3000:])
    applications, resources = api.held('applications', session=admin), api.held('resources', session=admin)
    portal, orders = applications['portal'], resources['Orders API']
    scopes = api.held('scopes', under=('resources', orders['id']), session=admin)
    assert orders['audience'] == 'https://orders.example.com' and sorted(scopes) == ['orders:read', 'orders:write']
    assert {key: portal[key] for key in APPLICATIONS[0] if key not in ('return_secret', 'grants')} == {
        key: value for key, value in APPLICATIONS[0].items() if key not in ('return_secret', 'grants')
    }
    assert portal['protocol'] == 'OPENID_CONNECT' and portal['enabled'] is True
    assert applications['nightly-job']['type'] == 'WORKER' and applications['nightly-job']['tokenEndpointAuthMethod'] == 'CLIENT_SECRET_BASIC'
    grants = list(api.held('grants', key='id', under=('applications', portal['id']), session=admin).values())
    assert [(grant['resource'], grant['scopes']) for grant in grants] == [
        ({'id': orders['id']}, [{'id': scopes['orders:read']['id']}, {'id': scopes['orders:write']['id']}])
    ]
    # The secret: read once more after the 404 that followed the create, handed to the play, never printed.
    secret_path = path + f'/applications/{portal["id"]}/secret'
    assert api.count('GET', secret_path, since=mark, status=404) == 1 and api.count('GET', secret_path, since=mark, status=200) == 1
    secret = admin.get(api.collection_url('applications', portal['id'], 'secret')).json()['secret']
    with open(variables['p1_secrets_path']) as saved:
        assert json.load(saved) == {'secrets': {'portal': secret}, 'client_ids': {name: application['id'] for name, application in applications.items()}}
    first.assert_no_secrets([secret])

    # From an empty environment to a code exchange: a service account signs on through PingOne's flow API as portal,
    # with the client id and secret the role returned, and portal's code is redeemed with a client_secret_jwt
    # assertion (in process: the playbook of test_pingone_flow.py covers what ansible-playbook shows of this grant).
    since = op.log_length()
    account = op.flow_accounts['svc-ansible']
    signed_on = _tasks.run_token_task(
        validated_token_options(
            client_id=portal['id'],
            client_secret=secret,
            auth_method='client_secret_jwt',
            grant_type='pingone_flow',
            environment_id=op.env_id,
            auth_base_url=op.base_url,
            ca_path=op.ca_path,
            redirect_uri=APPLICATIONS[0]['redirectUris'][0],
            username='svc-ansible',
            password=account['password'],
            scope=['openid', 'profile', 'offline_access'],
        ),
        TaskContext(),
    )
    assert signed_on['flow_status'] == 'COMPLETED' and signed_on['access_token'] and signed_on['refresh_token']
    assert signed_on['id_token_claims']['aud'] == portal['id'] and signed_on['id_token_claims']['sub'] == 'svc-ansible'
    assert [(e['client_id'], e['grant_type']) for e in op.events('grant.success', since=since)] == [(portal['id'], 'authorization_code')]
    # One token request: the OP registered portal with token_endpoint_auth_method client_secret_jwt (from
    # CLIENT_SECRET_JWT) and accepts no other method for it, so the library's assertion was signed with the secret.
    assert [e['status'] for e in op.events('request', since=since, method='POST', path=f'/{op.env_id}/as/token')] == [200]
    populations, groups, users = api.held('populations', session=admin), api.held('groups', session=admin), api.held('users', 'username', session=admin)
    assert groups['staff-all']['population'] == {'id': staff} and groups['contractors']['population'] == {'id': populations['Contractors']['id']}
    assert 'population' not in groups['admins']
    assert users['bob']['population'] == {'id': populations['Contractors']['id']} and users['carol']['population'] == {'id': staff}
    assert memberships(admin, api, users['alice']['id']) == ['admins', 'staff-all']
    assert memberships(admin, api, users['bob']['id']) == ['contractors'] and memberships(admin, api, users['carol']['id']) == []

    # Drift behind the role's back, and a change of the data: carol to be deleted, memberships pruned.
    assert admin.put(api.collection_url('groups', groups['admins']['id']), json={'name': 'admins', 'description': 'Changed'}).status_code == 200
    assert admin.delete(api.collection_url('users', users['alice']['id'], 'memberOfGroups', groups['staff-all']['id'])).status_code == 204
    assert admin.post(api.collection_url('users', users['bob']['id'], 'memberOfGroups'), json={'id': groups['admins']['id']}).status_code == 201
    # An application and a grant changed behind the role's back too.
    # A PUT as PingOne takes it: the application without the fields its model makes read-only.
    writable = {key: value for key, value in portal.items() if key not in ('id', '_links', 'environment', 'createdAt', 'updatedAt')}
    assert admin.put(api.collection_url('applications', portal['id']), json=dict(writable, pkceEnforcement='OPTIONAL')).status_code == 200
    assert (
        admin.put(
            api.collection_url('applications', portal['id'], 'grants', grants[0]['id']),
            json={'resource': {'id': orders['id']}, 'scopes': [{'id': scopes['orders:read']['id']}]},
        ).status_code
        == 200
    )
    # nightly-job is deleted below: its client works at the OP until then (its secret read behind the role's back).
    nightly = applications['nightly-job']['id']
    # (The first read of a new application answers 404: not_found_after_create.)
    assert admin.get(api.collection_url('applications', nightly, 'secret')).status_code == 404
    nightly_secret = admin.get(api.collection_url('applications', nightly, 'secret')).json()['secret']

    def client_credentials():
        return requests.post(
            op.token_endpoint('pingone'), data={'grant_type': 'client_credentials'}, auth=(nightly, nightly_secret), verify=op.ca_path, timeout=10
        )

    assert client_credentials().status_code == 200
    changed = dict(
        variables,
        p1_users=USERS[:2] + [dict(USERS[2], state='absent')],
        p1_prune_memberships=True,
        p1_applications=[APPLICATIONS[0], dict(APPLICATIONS[1], state='absent')],
    )
    mark = api.mark()
    repaired = ansible('role_pingone_platform_once.yml', changed, env=env, verbosity=0, extra_args=['--diff'])
    assert repaired.rc == 0, repaired.output[-3000:]
    for line in (
        'groups: updated 1 (admins), unchanged 2',
        'Groups of alice: added to staff-all (population Staff), unchanged 1',
        'Groups of bob: removed from admins, unchanged 1',
        'users: deleted 1 (carol)',
        'applications: updated 1 (portal)',
        'applications: deleted 1 (nightly-job)',
        'Grants of portal: updated 1 (Orders API)',
    ):
        assert f'"{line}"' in repaired.output, (line, repaired.output[-3000:])
    assert api.count('PUT', path + '/groups/' + groups['admins']['id'], since=mark) == 1
    assert api.count('DELETE', path + '/users/' + users['carol']['id'], since=mark) == 1
    assert api.count('PUT', path + '/applications/' + portal['id'], since=mark) == 2  # the application and its grant
    assert api.count('DELETE', path + '/applications/' + nightly, since=mark) == 1
    assert api.writes(since=mark) == 4 + 2 + 1
    # The deleted application's client is gone from the OP: its id and secret no longer get a token.
    refused = client_credentials()
    assert refused.status_code == 401 and refused.json()['error'] == 'invalid_client', refused.text
    assert api.held('applications', session=admin)['portal']['pkceEnforcement'] == 'S256_REQUIRED'
    assert len(api.held('grants', key='id', under=('applications', portal['id']), session=admin)[grants[0]['id']]['scopes']) == 2
    assert api.held('groups', session=admin)['admins']['description'] == 'Administrators'
    assert memberships(admin, api, users['alice']['id']) == ['admins', 'staff-all'] and memberships(admin, api, users['bob']['id']) == ['contractors']

    # The run after writes nothing and reports no change.
    mark = api.mark()
    again = ansible('role_pingone_platform_once.yml', changed, env=env, verbosity=0)
    assert again.rc == 0, again.output[-3000:]
    assert api.writes(since=mark) == 0 and recap_changed(again.output) == 0
    assert '"populations: unchanged 2"' in again.output and '"Groups of alice: unchanged 2"' in again.output
    assert '"Grants of portal: unchanged 1"' in again.output and '"Scopes of Orders API: unchanged 2"' in again.output


def test_role_reads_300_users_past_a_page_cap_of_50_and_guards_membership_prune(op, ansible, p1api_server, tmp_path):
    """the page cap of 50 with 300 users, through the role: the users are read in 6 pages and left as they are;
    a membership prune that would remove more than pingone_platform_prune_max is refused, before any write, in the
    role's words."""
    api = p1api_server.reset(page_cap=50)
    admin = api.admin_session()
    staff = admin.post(api.collection_url('populations'), json={'name': 'Staff'}).json()['id']
    groups = {name: admin.post(api.collection_url('groups'), json={'name': name}).json()['id'] for name in ('g1', 'g2', 'g3', 'g4')}
    users = [{'username': f'user{i:03d}', 'population': 'Staff'} for i in range(300)]
    ids = {
        user['username']: admin.post(api.collection_url('users'), json={'username': user['username'], 'population': {'id': staff}}).json()['id']
        for user in users
    }
    for group in groups.values():
        assert admin.post(api.collection_url('users', ids['user000'], 'memberOfGroups'), json={'id': group}).status_code == 201
    users[0] = dict(users[0], groups=['g1'])  # the other three memberships would be pruned: more than prune_max 2
    variables = {
        'p1_url': api.env_url,
        'p1_populations': [{'name': 'Staff'}],
        'p1_groups': [{'name': name} for name in groups],
        'p1_users': users,
        'p1_prune_memberships': True,
        'p1_prune_max': 2,
        'p1_auth': worker_auth(op),
    }
    mark = api.mark()
    run = ansible('role_pingone_platform_once.yml', variables, env={'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}, verbosity=0)
    assert run.rc != 0 and 'prune would delete 3 objects, more than pingone_platform_prune_max (2)' in run.output, run.output[-3000:]
    assert api.writes(since=mark) == 0
    assert api.count('GET', api.env_path + '/users', since=mark) - api.count('GET', api.env_path + '/users/', since=mark) == 300 // 50
    assert memberships(admin, api, ids['user000']) == ['g1', 'g2', 'g3', 'g4']


def test_role_deletes_only_the_scopes_and_grants_marked_absent(op, ansible, p1api_server, tmp_path):
    """A scope and a grant with state absent are deleted (the grant first: it names the scope); a grant or scope the
    data leaves out is kept. Check mode first: it says what it would delete and deletes nothing."""
    api = p1api_server.reset()
    admin = api.admin_session()
    orders = admin.post(api.collection_url('resources'), json={'name': 'Orders API', 'audience': 'https://orders.example.com'}).json()['id']
    billing = admin.post(api.collection_url('resources'), json={'name': 'Billing API'}).json()['id']
    scopes = {name: admin.post(api.collection_url('resources', orders, 'scopes'), json={'name': name}).json()['id'] for name in ('orders:read', 'orders:write')}
    invoices = admin.post(api.collection_url('resources', billing, 'scopes'), json={'name': 'invoices:read'}).json()['id']
    job = admin.post(
        api.collection_url('applications'),
        json={
            'name': 'nightly-job',
            'type': 'WORKER',
            'protocol': 'OPENID_CONNECT',
            'enabled': True,
            'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
            'grantTypes': ['CLIENT_CREDENTIALS'],
        },
    ).json()['id']
    grants = {
        resource: admin.post(
            api.collection_url('applications', job, 'grants'), json={'resource': {'id': resource}, 'scopes': [{'id': scope} for scope in scope_ids]}
        ).json()['id']
        for resource, scope_ids in ((orders, scopes.values()), (billing, [invoices]))
    }
    variables = {
        'p1_url': api.env_url,
        'p1_populations': [],
        'p1_groups': [],
        'p1_users': [],
        'p1_resources': [{'name': 'Orders API', 'scopes': [{'name': 'orders:read'}, {'name': 'orders:write', 'state': 'absent'}]}, {'name': 'Billing API'}],
        'p1_applications': [{'name': 'nightly-job', 'type': 'WORKER', 'grants': [{'resource': 'Orders API', 'state': 'absent'}]}],
        'p1_auth': worker_auth(op),
    }
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}

    mark = api.mark()
    checked = ansible('role_pingone_platform_once.yml', variables, env=env, check=True, verbosity=0)
    assert checked.rc == 0, checked.output[-3000:]
    assert api.writes(since=mark) == 0
    assert '"Grants of nightly-job: would delete 1 (Orders API)"' in checked.output, checked.output[-3000:]
    assert '"Scopes of Orders API: would delete 1 (orders:write)"' in checked.output, checked.output[-3000:]

    mark = api.mark()
    run = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert run.rc == 0, run.output[-3000:]
    assert '"Grants of nightly-job: deleted 1 (Orders API)"' in run.output and '"Scopes of Orders API: deleted 1 (orders:write)"' in run.output
    grant_path = f'{api.env_path}/applications/{job}/grants/'
    assert api.count('DELETE', grant_path + grants[orders], since=mark) == 1
    assert api.count('DELETE', f'{api.env_path}/resources/{orders}/scopes/{scopes["orders:write"]}', since=mark) == 1
    assert api.writes(since=mark) == 2
    # What the data leaves out is kept: Billing API's grant and scope, and the other scope of Orders API.
    assert sorted(api.held('grants', key='id', under=('applications', job), session=admin)) == [grants[billing]]
    assert sorted(api.held('scopes', under=('resources', orders), session=admin)) == ['orders:read']
    assert sorted(api.held('scopes', under=('resources', billing), session=admin)) == ['invoices:read']


def test_role_nests_groups_and_prunes_only_what_it_is_told(op, ansible, p1api_server, tmp_path):
    """the "groups (optionally nested)": a group's groups are the groups it is nested in, added once, pruned only
    with pingone_platform_prune_memberships; check mode says what it would do for an existing group and skips a new one."""
    # A membership's and a nesting's _links.self name the group itself: a prune that deleted there would delete the group.
    api = p1api_server.reset(membership_links_to_group=True)
    admin = api.admin_session()
    ids = {name: admin.post(api.collection_url('groups'), json={'name': name}).json()['id'] for name in ('all-staff', 'admins', 'legacy')}
    assert admin.post(api.collection_url('groups', ids['admins'], 'memberOfGroups'), json={'id': ids['legacy']}).status_code == 201
    # dana is a direct member of admins, so PingOne lists her in legacy (and, after the run, in all-staff) as INDIRECT:
    # with prune, the role must leave those alone (PingOne refuses to remove them) and add nothing.
    population = admin.post(api.collection_url('populations'), json={'name': 'Staff', 'default': True}).json()['id']
    dana = admin.post(api.collection_url('users'), json={'username': 'dana', 'population': {'id': population}}).json()['id']
    assert admin.post(api.collection_url('users', dana, 'memberOfGroups'), json={'id': ids['admins']}).status_code == 201
    variables = {
        'p1_url': api.env_url,
        'p1_populations': [],
        'p1_users': [{'username': 'dana', 'groups': ['admins']}],
        'p1_prune_memberships': True,
        'p1_groups': [{'name': 'all-staff'}, {'name': 'admins', 'groups': ['all-staff']}, {'name': 'ops', 'groups': ['admins']}, {'name': 'legacy'}],
        'p1_auth': worker_auth(op),
    }
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}

    mark = api.mark()
    checked = ansible('role_pingone_platform_once.yml', variables, env=env, check=True, verbosity=0)
    assert checked.rc == 0 and api.writes(since=mark) == 0, checked.output[-3000:]
    for line in (
        'Groups of group admins: would add to all-staff, would remove from legacy',
        'Groups of group ops: not read, the group would be created first (check mode)',
    ):
        assert f'"{line}"' in checked.output, (line, checked.output[-3000:])

    mark = api.mark()
    run = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert run.rc == 0, run.output[-3000:]
    for line in (
        'groups: created 1 (ops), unchanged 3',
        'Groups of group admins: added to all-staff, removed from legacy',
        'Groups of group ops: added to admins',
    ):
        assert f'"{line}"' in run.output, (line, run.output[-3000:])
    ops = api.held('groups', session=admin)['ops']['id']
    nested = api.env_path + '/groups/{0}/memberOfGroups'
    assert api.count('POST', nested.format(ids['admins']), since=mark, status=201) == 1
    assert api.count('DELETE', nested.format(ids['admins']) + '/' + ids['legacy'], since=mark, status=204) == 1
    assert api.count('POST', nested.format(ops), since=mark, status=201) == 1
    assert api.writes(since=mark) == 1 + 3  # the group ops, then the three nesting changes

    def parents(group_id):
        listed = admin.get(api.collection_url('groups', group_id, 'memberOfGroups')).json()['_embedded']['groupMemberships']
        return sorted(m['name'] for m in listed if m['type'] == 'DIRECT')

    assert parents(ids['admins']) == ['all-staff'] and parents(ops) == ['admins'] and parents(ids['all-staff']) == []
    assert api.count('DELETE', api.env_path + '/groups/' + ids['legacy'], since=mark) == 0  # the prune removed the nesting only
    assert admin.get(api.collection_url('groups', ids['legacy'])).status_code == 200
    assert '"Groups of dana: unchanged 1"' in run.output
    listed = admin.get(api.collection_url('users', dana, 'memberOfGroups')).json()['_embedded']['groupMemberships']
    assert sorted((m['name'], m['type']) for m in listed) == [('admins', 'DIRECT'), ('all-staff', 'INDIRECT')]

    mark = api.mark()
    again = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert again.rc == 0 and api.writes(since=mark) == 0 and recap_changed(again.output) == 0, again.output[-3000:]
    assert '"Groups of group admins: unchanged 1"' in again.output


def test_role_moves_a_user_and_disables_one_through_their_own_endpoints(op, ansible, p1api_server, tmp_path):
    """A user's population changes with PUT .../users/{id}/population and its enabled state with PUT .../enabled (the
    test server, strictly, refuses both in the user's PATCH): exactly those two writes, PingOne's removal from the old
    population's groups, and a run after that writes nothing."""
    api = p1api_server.reset()
    admin = api.admin_session()
    staff = admin.post(api.collection_url('populations'), json={'name': 'Staff'}).json()['id']
    contractors = admin.post(api.collection_url('populations'), json={'name': 'Contractors'}).json()['id']
    staff_only = admin.post(api.collection_url('groups'), json={'name': 'staff-only', 'population': {'id': staff}}).json()['id']
    bob = admin.post(api.collection_url('users'), json={'username': 'bob', 'population': {'id': staff}, 'email': 'bob@example.com'}).json()['id']
    assert admin.post(api.collection_url('users', bob, 'memberOfGroups'), json={'id': staff_only}).status_code == 201
    # What the role must not do: change either in the user's own PATCH.
    assert admin.patch(api.collection_url('users', bob), json={'population': {'id': contractors}}).status_code == 400
    variables = {
        'p1_url': api.env_url,
        'p1_populations': [{'name': 'Staff'}, {'name': 'Contractors'}],
        'p1_groups': [],
        'p1_users': [{'username': 'bob', 'population': 'Contractors', 'enabled': False, 'email': 'bob@example.com'}],
        'p1_auth': worker_auth(op),
    }
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}

    mark = api.mark()
    run = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert run.rc == 0, run.output[-3000:]
    assert '"users: updated 1 (bob)"' in run.output, run.output[-3000:]
    user_path = f'{api.env_path}/users/{bob}'
    assert api.count('PUT', user_path + '/population', since=mark, status=200) == 1
    assert api.count('PUT', user_path + '/enabled', since=mark, status=200) == 1
    assert api.writes(since=mark) == 2
    held_bob = admin.get(api.collection_url('users', bob)).json()
    assert held_bob['population'] == {'id': contractors} and held_bob['enabled'] is False
    assert admin.get(api.collection_url('users', bob, 'memberOfGroups')).json()['_embedded']['groupMemberships'] == []

    mark = api.mark()
    again = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert again.rc == 0 and api.writes(since=mark) == 0 and recap_changed(again.output) == 0, again.output[-3000:]


def test_role_keys_groups_by_name_and_population_and_usernames_without_case(op, ansible, p1api_server, tmp_path):
    """PingOne's contract: "A group name can be reused across populations" (Group.name, SDK 3939-3941), and "The username
    value is case-insensitive" (Create User). Two groups named alike in two populations each get their own item and their
    own members; a user listed as alice is the Alice PingOne holds; nothing is written on the next run."""
    api = p1api_server.reset()
    admin = api.admin_session()
    staff = admin.post(api.collection_url('populations'), json={'name': 'Staff'}).json()['id']
    contractors = admin.post(api.collection_url('populations'), json={'name': 'Contractors'}).json()['id']
    # Only the Contractors' "team" exists: the Staff's must be created, and the Contractors' left alone.
    theirs = admin.post(api.collection_url('groups'), json={'name': 'team', 'population': {'id': contractors}, 'description': 'Theirs'}).json()['id']
    alice = admin.post(api.collection_url('users'), json={'username': 'Alice', 'population': {'id': staff}}).json()['id']
    variables = {
        'p1_url': api.env_url,
        'p1_populations': [{'name': 'Staff'}, {'name': 'Contractors'}],
        'p1_groups': [{'name': 'team', 'population': 'Staff', 'description': 'Ours'}, {'name': 'team', 'population': 'Contractors', 'description': 'Theirs'}],
        'p1_users': [
            {'username': 'alice', 'population': 'Staff', 'groups': ['team']},
            {'username': 'bob', 'population': 'Contractors', 'groups': ['team']},
        ],
        'p1_auth': worker_auth(op),
    }
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}
    mark = api.mark()
    run = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert run.rc == 0, run.output[-3000:]
    assert '"groups: created 1 (team (population Staff)), unchanged 1"' in run.output, run.output[-3000:]
    assert '"users: created 1 (bob), unchanged 1"' in run.output, run.output[-3000:]
    groups = admin.get(api.collection_url('groups')).json()['_embedded']['groups']
    ours = [g['id'] for g in groups if g['name'] == 'team' and g['population']['id'] == staff]
    assert len(ours) == 1 and [g['description'] for g in groups if g['id'] == theirs] == ['Theirs']
    assert api.count('PUT', api.env_path + '/groups/' + theirs, since=mark) == 0  # never a population change, nor any write
    bob = admin.get(api.collection_url('users'), params={'filter': 'username eq "bob"'}).json()['_embedded']['users'][0]['id']
    listed = {user: admin.get(api.collection_url('users', user, 'memberOfGroups')).json()['_embedded']['groupMemberships'] for user in (alice, bob)}
    assert [m['id'] for m in listed[alice]] == ours and [m['id'] for m in listed[bob]] == [theirs]
    mark = api.mark()
    again = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert again.rc == 0 and api.writes(since=mark) == 0 and recap_changed(again.output) == 0, again.output[-3000:]


def test_role_waits_out_the_404s_of_new_parents_and_a_429_on_the_secret(op, ansible, p1api_server, tmp_path):
    """PingOne is eventually consistent: right after a create, the new user's, group's, resource's and application's
    sub-collections may answer 404 (retry best practices, "Eventual consistency and retryable 404 errors"), and any
    request may answer 429, the secret read included. The role sends those again (bounded) only below what it has
    just created, says so, and ends with every object, membership, nesting, scope, grant and the secret."""
    env_path = p1api_server.env_path
    api = p1api_server.reset(not_found_under_new_parent={'GET': 1, 'POST': 1}, fail_first={f'GET {env_path}/applications/*': [429, 2]})
    variables = {
        'p1_url': api.env_url,
        'p1_populations': [{'name': 'Staff'}],
        'p1_groups': [{'name': 'all-staff', 'population': 'Staff'}, {'name': 'admins', 'population': 'Staff', 'groups': ['all-staff']}],
        'p1_users': [{'username': 'alice', 'population': 'Staff', 'groups': ['admins']}],
        'p1_resources': RESOURCES,
        'p1_applications': APPLICATIONS[:1],
        'p1_secrets_path': str(tmp_path / 'secrets.json'),
        'p1_auth': worker_auth(op),
    }
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}
    mark = api.mark()
    run = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert run.rc == 0, run.output[-3000:]
    admin = api.admin_session()
    held = {kind: api.held(kind, session=admin) for kind in ('groups', 'resources', 'applications')}
    held['users'] = api.held('users', key='username', session=admin)
    alice, portal = held['users']['alice']['id'], held['applications']['portal']['id']
    orders = held['resources']['Orders API']['id']
    below = {
        'memberships': f'{env_path}/users/{alice}/memberOfGroups',
        'nesting': f'{env_path}/groups/{held["groups"]["admins"]["id"]}/memberOfGroups',
        'scopes': f'{env_path}/resources/{orders}/scopes',
        'grants': f'{env_path}/applications/{portal}/grants',
    }
    for what, path in below.items():
        assert api.count(None, path, since=mark, status=404) >= 1, what  # the fault was met, and waited out
        assert api.count('POST', path, since=mark, status=201) >= 1, what
    # The links of what the run created are known to be none: never read. The fault of their first GET, which models the
    # moments after the create, is still armed: met here, so that the second run reads them as they are by then.
    for what in ('memberships', 'nesting'):
        assert api.count('GET', below[what], since=mark) == 0, what
        assert admin.get(api.root_url + below[what]).status_code == 404, what
    # The role reads the secret first below the new application: both 429s were its, and waited out.
    assert api.count('GET', f'{env_path}/applications/{portal}/secret', since=mark, status=429) == 2
    assert 'before it was found (eventual consistency)' in run.output
    secrets = json.loads((tmp_path / 'secrets.json').read_text())['secrets']
    assert secrets['portal'] == admin.get(api.collection_url('applications', portal, 'secret')).json()['secret']
    assert memberships(admin, api, alice) == ['admins', 'all-staff']  # all-staff through the nesting
    mark = api.mark()
    again = ansible('role_pingone_platform_once.yml', variables, env=env, verbosity=0)
    assert again.rc == 0 and api.writes(since=mark) == 0, again.output[-3000:]
