# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PingOne-shaped Management API test server (tests/servers/pingone_api) against PingOne's documented behaviour.

Plain requests with tokens of the test OP: what the server answers is what the role's tests will rely on, so it is
checked here first (shapes, paging, errors, faults), before any client code runs against it. What it refuses by
PingOne's contract, rule by rule, is in test_pingone_api_contract.py. These tests send requests the contract refuses
on purpose (a PATCH where there is none, a filter where none is declared), so they are exempt from the conftest check.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from servers.op import harness

pytestmark = pytest.mark.pingone_contract_exempt

ISO = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
WEB_APP = {
    'name': 'Portal',
    'enabled': True,
    'type': 'WEB_APP',
    'protocol': 'OPENID_CONNECT',
    'grantTypes': ['AUTHORIZATION_CODE'],
    'responseTypes': ['CODE'],
    'redirectUris': ['https://portal.example.test/cb'],
    'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
}


def built_in_resources(admin, p1api):
    """The ids of the resources every environment starts with (PINGONE_API, OPENID_CONNECT)."""
    return [r['id'] for r in admin.get(p1api.collection_url('resources')).json()['_embedded']['resources'] if r['type'] != 'CUSTOM']


def assert_error(resp, status, code, detail_code=None, target=None):
    """PingOne's error body (Error codes page): id (a UUID), code, message, and details when asked."""
    assert resp.status_code == status, (resp.status_code, resp.text)
    body = resp.json()
    uuid.UUID(body['id'])
    assert body['code'] == code and body['message'].startswith('The request could not be completed.'), body
    if detail_code is not None:
        assert any(d['code'] == detail_code and (target is None or d['target'] == target) for d in body['details']), body
    return body


def assert_object(obj, p1api, url):
    """id, environment.id, createdAt/updatedAt and an absolute _links.self.href, as PingOne answers."""
    uuid.UUID(obj['id'])
    assert obj['environment'] == {'id': p1api.env_id}
    assert ISO.match(obj['createdAt']) and ISO.match(obj['updatedAt'])
    assert obj['_links']['self']['href'] == '%s/%s' % (url, obj['id'])


def create(admin, url, body):
    resp = admin.post(url, json=body)
    assert resp.status_code == 201, resp.text
    assert resp.headers['Location'] == resp.json()['_links']['self']['href']
    return resp.json()


def test_round_trip_per_collection(p1api, admin):
    """Create (201), read, list, replace (PUT), delete (204), then 404, for each collection; PATCH only on users."""
    pops = p1api.collection_url('populations')
    population = create(admin, pops, {'name': 'Staff', 'default': True})
    app = create(admin, p1api.collection_url('applications'), WEB_APP)
    resource = create(admin, p1api.collection_url('resources'), {'name': 'Orders API'})
    assert (resource['type'], resource['audience'], resource['accessTokenValiditySeconds']) == ('CUSTOM', 'Orders API', 3600)
    scope = create(admin, p1api.collection_url('resources', resource['id'], 'scopes'), {'name': 'orders:read'})
    assert scope['resource'] == {'id': resource['id']}
    cases = [
        ('populations', pops, population, {'name': 'Staff EU', 'default': True}),
        ('groups', p1api.collection_url('groups'), {'name': 'Admins'}, {'name': 'Admins', 'description': 'ops'}),
        (
            'users',
            p1api.collection_url('users'),
            {'username': 'alice', 'email': 'alice@example.test'},
            {'username': 'alice', 'email': 'alice@corp.example.test'},
        ),
        ('applications', p1api.collection_url('applications'), app, dict(WEB_APP, name='Portal 2')),
        ('resources', p1api.collection_url('resources'), resource, {'name': 'Orders API', 'audience': 'https://orders.example.test'}),
        ('scopes', p1api.collection_url('resources', resource['id'], 'scopes'), scope, {'name': 'orders:read', 'description': 'read'}),
        (
            'grants',
            p1api.collection_url('applications', app['id'], 'grants'),
            {'resource': {'id': resource['id']}, 'scopes': [{'id': scope['id']}]},
            {'resource': {'id': resource['id']}, 'scopes': [{'id': scope['id']}]},
        ),
    ]
    built_in = built_in_resources(admin, p1api)
    for name, url, created, replacement in cases:
        obj = created if 'id' in created else create(admin, url, created)
        assert_object(obj, p1api, url)
        one = admin.get('%s/%s' % (url, obj['id']))
        assert one.status_code == 200 and one.json()['id'] == obj['id'], (name, one.text)
        listed = admin.get(url).json()
        expected = (built_in if name == 'resources' else []) + [obj['id']]
        assert [o['id'] for o in listed['_embedded'][name]] == expected and listed['count'] == listed['size'] == len(expected), name
        put = admin.put('%s/%s' % (url, obj['id']), json=replacement)
        assert put.status_code == 200, (name, put.text)
        for key, value in replacement.items():
            assert put.json()[key] == value, (name, key)
        assert put.json()['createdAt'] == obj['createdAt'], name
        patch = admin.patch('%s/%s' % (url, obj['id']), json={'description': 'x'})
        if name == 'users':
            assert patch.status_code == 200 and patch.json()['email'] == 'alice@corp.example.test', patch.text
        else:
            assert_error(patch, 405, 'METHOD_NOT_ALLOWED')
    # PUT replaces: the description set above is gone when a later PUT leaves it out.
    groups = p1api.collection_url('groups')
    group_id = admin.get(groups).json()['_embedded']['groups'][0]['id']
    assert 'description' not in admin.put('%s/%s' % (groups, group_id), json={'name': 'Admins'}).json()
    for name, url, _created, _replacement in reversed(cases):
        obj_id = admin.get(url).json()['_embedded'][name][-1]['id']
        gone = admin.delete('%s/%s' % (url, obj_id))
        assert gone.status_code == 204 and gone.content == b'', name
        assert_error(admin.get('%s/%s' % (url, obj_id)), 404, 'NOT_FOUND')
    assert p1api.writes() == 4 + 3 + 7 * 2 + 1 + 7  # creates, creates in cases, PUT+PATCH, the extra PUT, deletes


def test_paging_with_cursor_and_page_cap(p1api, admin):
    """limit pages with an opaque cursor in _links.next.href; page_cap gives fewer than asked, size says how many."""
    url = p1api.collection_url('groups')
    ids = [create(admin, url, {'name': 'g%02d' % i})['id'] for i in range(7)]
    p1api.reset(page_cap=2)
    for i in range(7):
        create(admin, url, {'name': 'g%02d' % i})
    mark = p1api.mark()
    seen, page_url, sizes = [], url + '?limit=3', []
    while page_url:
        page = admin.get(page_url).json()
        sizes.append(page['size'])
        assert page['count'] == 7 and page['size'] == len(page['_embedded']['groups'])
        seen += [g['name'] for g in page['_embedded']['groups']]
        page_url = page['_links'].get('next', {}).get('href')
        if page_url:
            assert page_url.startswith(p1api.root_url) and 'cursor' in parse_qs(urlsplit(page_url).query)
    assert seen == ['g%02d' % i for i in range(7)] and sizes == [2, 2, 2, 1]
    assert p1api.count('GET', p1api.env_path + '/groups', since=mark) == 4
    assert ids  # the first seven went with the reset
    # A filter pages too, and the cursor carries it.
    p1api.reset()
    for name in ('ops-a', 'dev-a', 'ops-b', 'ops-c'):
        create(admin, url, {'name': name})
    first = admin.get(url, params={'filter': 'name sw "ops"', 'limit': 2}).json()
    assert [g['name'] for g in first['_embedded']['groups']] == ['ops-a', 'ops-b'] and first['count'] == 3
    second = admin.get(first['_links']['next']['href']).json()
    assert [g['name'] for g in second['_embedded']['groups']] == ['ops-c'] and 'next' not in second['_links']
    exact = admin.get(url, params={'filter': 'name eq "OPS-B"'}).json()
    assert [g['name'] for g in exact['_embedded']['groups']] == ['ops-b']
    assert_error(admin.get(url, params={'cursor': 'forged'}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'cursor')
    # limit is 1 to 1000 on groups (readAllGroups); populations take a filter on name (sw) and id (eq) only; applications
    # declare no query parameter at all.
    assert_error(admin.get(url, params={'limit': '0'}), 400, 'INVALID_REQUEST', 'OUT_OF_RANGE', 'limit')
    assert_error(admin.get(p1api.collection_url('populations'), params={'filter': 'name eq "x"'}), 400, 'INVALID_DATA', 'INVALID_FILTER')
    assert_error(admin.get(p1api.collection_url('applications'), params={'filter': 'name eq "x"'}), 400, 'INVALID_REQUEST', 'INVALID_PARAMETER', 'filter')


def test_auth_errors(p1api, admin):
    """401 ACCESS_FAILED (detail INVALID_TOKEN) without or with a bad token, 403 ACCESS_FAILED without the scope, secret
    reads need api:write, an unknown environment is a 403."""
    url = p1api.collection_url('populations')
    bare = p1api.session()
    bare.headers.pop('Authorization')
    assert_error(bare.get(url), 401, 'ACCESS_FAILED', 'INVALID_TOKEN')
    bare.headers['Authorization'] = 'Bearer not-a-token'
    resp = bare.get(url)
    assert_error(resp, 401, 'ACCESS_FAILED', 'INVALID_TOKEN')
    assert 'invalid_token' in resp.headers['WWW-Authenticate']
    reader = p1api.session('api:read')
    assert reader.get(url).status_code == 200
    assert_error(reader.post(url, json={'name': 'x'}), 403, 'ACCESS_FAILED', 'INSUFFICIENT_PERMISSIONS')
    app = create(admin, p1api.collection_url('applications'), WEB_APP)
    assert_error(reader.get(p1api.collection_url('applications', app['id'], 'secret')), 403, 'ACCESS_FAILED')
    assert_error(admin.get(p1api.base_url + '/environments/%s/populations' % uuid.uuid4()), 403, 'ACCESS_FAILED')
    assert p1api.writes() == 2 and p1api.count(status=401) == 2 and p1api.count(status=403) == 3


def test_invalid_bodies(p1api, admin):
    """400 INVALID_DATA with details (REQUIRED_VALUE / INVALID_VALUE / UNIQUENESS_VIOLATION), 415 for non-JSON."""
    apps = p1api.collection_url('applications')
    wrong = {'name': 'x', 'enabled': True, 'type': 'DESKTOP', 'protocol': 'SAML', 'grantTypes': ['PASSWORD'], 'tokenEndpointAuthMethod': 'CLIENT_SECRET'}
    body = assert_error(admin.post(apps, json=wrong), 400, 'INVALID_DATA')
    targets = {(d['code'], d['target']) for d in body['details']}
    assert {('INVALID_VALUE', 'type'), ('INVALID_VALUE', 'protocol'), ('INVALID_VALUE', 'grantTypes'), ('INVALID_VALUE', 'tokenEndpointAuthMethod')} <= targets
    assert 'CLIENT_SECRET_JWT' in next(d for d in body['details'] if d['target'] == 'tokenEndpointAuthMethod')['innerError']['allowedValues']
    missing = assert_error(admin.post(apps, json={}), 400, 'INVALID_DATA')
    assert {'name', 'enabled', 'type', 'protocol', 'grantTypes', 'tokenEndpointAuthMethod'} <= {d['target'] for d in missing['details']}
    assert_error(admin.post(apps, json=dict(WEB_APP, redirectUris=[])), 400, 'INVALID_DATA', 'REQUIRED_VALUE', 'redirectUris')
    for method in ('CLIENT_SECRET_JWT', 'CLIENT_SECRET_BASIC', 'CLIENT_SECRET_POST', 'PRIVATE_KEY_JWT', 'NONE'):
        assert admin.post(apps, json=dict(WEB_APP, tokenEndpointAuthMethod=method)).status_code == 201, method
    worker = {
        'name': 'Robot',
        'enabled': True,
        'type': 'WORKER',
        'protocol': 'OPENID_CONNECT',
        'grantTypes': ['CLIENT_CREDENTIALS'],
        'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
    }
    assert admin.post(apps, json=worker).status_code == 201
    pops = p1api.collection_url('populations')
    create(admin, pops, {'name': 'Staff'})
    assert_error(admin.post(pops, json={'name': 'staff'}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION', 'name')
    users = p1api.collection_url('users')
    assert_error(admin.post(users, json={'username': 'bob'}), 400, 'INVALID_DATA', 'REQUIRED_VALUE', 'population.id')
    resources = p1api.collection_url('resources')
    assert_error(admin.post(resources, json={'name': 'r', 'accessTokenValiditySeconds': 10}), 400, 'INVALID_DATA', 'OUT_OF_RANGE')
    resource = create(admin, resources, {'name': 'r'})
    scopes = p1api.collection_url('resources', resource['id'], 'scopes')
    create(admin, scopes, {'name': 'read'})
    assert_error(admin.post(scopes, json={'name': 'read'}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION')
    app_id = admin.get(apps).json()['_embedded']['applications'][0]['id']
    grants = p1api.collection_url('applications', app_id, 'grants')
    other = create(admin, resources, {'name': 'other'})
    other_scope = create(admin, p1api.collection_url('resources', other['id'], 'scopes'), {'name': 'x'})
    assert_error(
        admin.post(grants, json={'resource': {'id': resource['id']}, 'scopes': [{'id': other_scope['id']}]}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'scopes.id'
    )
    assert_error(admin.post(pops, data='name=x', headers={'Content-Type': 'application/x-www-form-urlencoded'}), 415, 'INVALID_REQUEST')
    assert_error(admin.post(pops, data='{', headers={'Content-Type': 'application/json'}), 400, 'INVALID_REQUEST')


def test_rate_limit_and_not_found_after_create(p1api, admin):
    """fail_first 429 is REQUEST_LIMITED with LIMIT_EXCEEDED and a Retry-After; not_found_after_create 404s the first GET only."""
    users = p1api.collection_url('users')
    p1api.reset(fail_first={'POST %s/populations*' % p1api.env_path: [429, 2]}, not_found_after_create=True)
    for _attempt in range(2):
        resp = admin.post(p1api.collection_url('populations'), json={'name': 'Staff', 'default': True})
        assert_error(resp, 429, 'REQUEST_LIMITED', 'LIMIT_EXCEEDED')
        assert resp.headers['Retry-After'] == '1'
    population = create(admin, p1api.collection_url('populations'), {'name': 'Staff', 'default': True})
    user = create(admin, users, {'username': 'alice'})
    assert user['population'] == {'id': population['id']}
    assert_error(admin.get('%s/%s' % (users, user['id'])), 404, 'NOT_FOUND')
    assert admin.get('%s/%s' % (users, user['id'])).status_code == 200
    assert admin.get(users).json()['count'] == 1  # lists are not affected
    assert p1api.count('POST', status=429) == 2 and p1api.count('GET', status=404) == 1


def test_secret_and_memberships(p1api, admin, op):
    """GET .../secret answers {"secret"} (64+ characters, never in the log); memberOfGroups add, list, filter, remove,
    for users and (group nesting) for groups."""
    app = create(admin, p1api.collection_url('applications'), WEB_APP)
    secret = admin.get(p1api.collection_url('applications', app['id'], 'secret'))
    assert secret.status_code == 200 and len(secret.json()['secret']) >= 64
    assert secret.json()['secret'] not in open(p1api.log_path).read()
    assert secret.json()['secret'] not in open(p1api.output_path).read()
    assert 'secret' not in app
    population = create(admin, p1api.collection_url('populations'), {'name': 'Staff', 'default': True})
    user = create(admin, p1api.collection_url('users'), {'username': 'alice'})
    groups = [create(admin, p1api.collection_url('groups'), {'name': n})['id'] for n in ('ops', 'dev', 'qa')]
    members = p1api.collection_url('users', user['id'], 'memberOfGroups')
    for gid in groups[:2]:
        added = admin.post(members, json={'id': gid})
        assert added.status_code == 201 and added.json()['id'] == gid and added.json()['type'] == 'DIRECT'
    assert_error(admin.post(members, json={'id': str(uuid.uuid4())}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'id')
    listed = admin.get(members).json()
    assert [m['name'] for m in listed['_embedded']['groupMemberships']] == ['ops', 'dev'] and listed['count'] == 2
    in_ops = admin.get(p1api.collection_url('users'), params={'filter': 'memberOfGroups[id eq "%s"]' % groups[0]}).json()
    assert [u['username'] for u in in_ops['_embedded']['users']] == ['alice']
    assert admin.delete('%s/%s' % (members, groups[0])).status_code == 204
    assert_error(admin.get('%s/%s' % (members, groups[0])), 404, 'NOT_FOUND')
    assert [m['id'] for m in admin.get(members).json()['_embedded']['groupMemberships']] == [groups[1]]
    assert admin.get(p1api.collection_url('populations', population['id'])).json()['userCount'] == 1
    assert_error(admin.delete(p1api.collection_url('populations', population['id'])), 400, 'INVALID_DATA')
    # Group nesting: the same shape under groups/{id}/memberOfGroups. Circular nesting is allowed; an environment-level
    # group does not go into a population-level group; deleting a group takes its nestings, both ways.
    nest = p1api.collection_url('groups', groups[1], 'memberOfGroups')
    assert admin.post(nest, json={'id': groups[0]}).json()['name'] == 'ops'
    assert admin.post(p1api.collection_url('groups', groups[0], 'memberOfGroups'), json={'id': groups[1]}).status_code == 201
    assert_error(admin.post(nest, json={'id': groups[0]}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION', 'id')
    assert_error(admin.post(nest, json={'id': groups[1]}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'id')
    staff_only = create(admin, p1api.collection_url('groups'), {'name': 'staff-only', 'population': {'id': population['id']}})['id']
    assert_error(admin.post(nest, json={'id': staff_only}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'id')
    assert [m['name'] for m in admin.get(nest).json()['_embedded']['groupMemberships']] == ['ops']
    # alice, a member of dev, is one of ops through the nesting: listed as INDIRECT, after the direct ones, and not
    # removable as a membership of her own; a direct one to the same group can still be added.
    listed = admin.get(members).json()['_embedded']['groupMemberships']
    assert [(m['name'], m['type']) for m in listed] == [('dev', 'DIRECT'), ('ops', 'INDIRECT')]
    assert admin.get('%s/%s' % (members, groups[0])).json()['type'] == 'INDIRECT'
    assert_error(admin.delete('%s/%s' % (members, groups[0])), 400, 'INVALID_DATA', 'INVALID_VALUE', 'id')
    assert admin.post(members, json={'id': groups[0]}).json()['type'] == 'DIRECT'
    assert admin.delete('%s/%s' % (members, groups[0])).status_code == 204
    assert admin.delete(p1api.collection_url('groups', groups[0])).status_code == 204
    assert admin.get(nest).json()['_embedded']['groupMemberships'] == []
    # No token, secret or body is logged: each line has exactly method, path, query, status and how many requests were in
    # flight.
    assert all(set(line) == {'method', 'path', 'query', 'status', 'in_flight'} and isinstance(line['in_flight'], int) for line in p1api.requests_log())
    assert all(info.get('client_secret', '') not in open(p1api.log_path).read() for info in op.clients.values() if info.get('client_secret'))


def test_a_groups_users_by_filter_are_all_its_members_and_only_direct_ones_count_as_direct(p1api, admin):
    """readAllUsers with memberOfGroups[id eq "..."] lists everyone who belongs to the group: direct members, members of a
    group nested in it, and users its userFilter matches (the stricter reading of "all of the users who belong to the
    specified group"); directMemberCounts counts the direct ones, totalMemberCounts (readOneGroup include) all of them;
    a user's own list shows the dynamic membership as INDIRECT. What a filter chose is kept only until the next write."""
    create(admin, p1api.collection_url('populations'), {'name': 'Staff', 'default': True})
    users = {name: create(admin, p1api.collection_url('users'), {'username': name})['id'] for name in ('ann', 'ben', 'boss1', 'boss2')}
    leads = create(admin, p1api.collection_url('groups'), {'name': 'leads'})['id']
    admins = create(admin, p1api.collection_url('groups'), {'name': 'admins'})['id']
    bosses = create(admin, p1api.collection_url('groups'), {'name': 'bosses', 'userFilter': 'username sw "boss"'})['id']
    assert admin.post(p1api.collection_url('users', users['ann'], 'memberOfGroups'), json={'id': admins}).status_code == 201
    assert admin.post(p1api.collection_url('users', users['ben'], 'memberOfGroups'), json={'id': leads}).status_code == 201
    assert admin.post(p1api.collection_url('groups', leads, 'memberOfGroups'), json={'id': admins}).status_code == 201
    assert admin.post(p1api.collection_url('users', users['boss1'], 'memberOfGroups'), json={'id': bosses}).status_code == 201

    def in_group(group_id):
        answer = admin.get(p1api.collection_url('users'), params={'filter': 'memberOfGroups[id eq "%s"]' % group_id}).json()
        return sorted(user['username'] for user in answer['_embedded']['users'])

    def counts(group_id):
        answer = admin.get(p1api.collection_url('groups', group_id), params={'include': 'totalMemberCounts'}).json()
        return answer['directMemberCounts']['users'], answer['totalMemberCounts']['users']

    assert in_group(admins) == ['ann', 'ben'] and counts(admins) == (1, 2)
    assert in_group(bosses) == ['boss1', 'boss2'] and counts(bosses) == (1, 2)
    assert in_group(leads) == ['ben'] and counts(leads) == (1, 1)
    listed = admin.get(p1api.collection_url('users', users['boss2'], 'memberOfGroups')).json()['_embedded']['groupMemberships']
    assert [(entry['name'], entry['type']) for entry in listed] == [('bosses', 'INDIRECT')]
    assert_error(admin.delete(p1api.collection_url('users', users['boss2'], 'memberOfGroups', bosses)), 400, 'INVALID_DATA', 'INVALID_VALUE', 'id')
    # A write changes what the same filter chooses: ben leaves leads, so admins no longer holds him.
    assert admin.delete(p1api.collection_url('users', users['ben'], 'memberOfGroups', leads)).status_code == 204
    assert in_group(admins) == ['ann'] and counts(admins) == (1, 1)
    assert admin.patch(p1api.collection_url('users', users['boss2']), json={'username': 'ex-boss2'}).status_code == 200
    assert in_group(bosses) == ['boss1']
    # A group's new userFilter chooses at once (the filters parsed once a revision are parsed again after a write).
    assert admin.put(p1api.collection_url('groups', bosses), json={'name': 'bosses', 'userFilter': 'username sw "an"'}).status_code == 200
    assert in_group(bosses) == ['ann', 'boss1'] and counts(bosses) == (1, 2)


def test_a_users_population_and_enabled_state_have_endpoints_of_their_own(p1api, admin):
    """Update User Population and Update User Enabled: PUT .../users/{id}/population and .../enabled; the user's own PUT
    and PATCH refuse to change either (the stricter reading); a move drops the old population's group memberships."""
    old, new = (create(admin, p1api.collection_url('populations'), {'name': n})['id'] for n in ('Old', 'New'))
    group = create(admin, p1api.collection_url('groups'), {'name': 'old-only', 'population': {'id': old}})['id']
    user = create(admin, p1api.collection_url('users'), {'username': 'carol', 'population': {'id': old}})
    url = p1api.collection_url('users', user['id'])
    assert admin.post(url + '/memberOfGroups', json={'id': group}).status_code == 201
    assert_error(admin.patch(url, json={'population': {'id': new}}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'population.id')
    assert_error(admin.put(url, json={'username': 'carol', 'enabled': False}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'enabled')
    # A PUT that leaves both out keeps them.
    assert admin.put(url, json={'username': 'carol'}).json()['population'] == {'id': old}
    assert admin.get(url + '/population').json()['id'] == old and admin.get(url + '/enabled').json()['enabled'] is True
    assert_error(admin.put(url + '/population', json={'id': str(uuid.uuid4())}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'id')
    assert_error(admin.put(url + '/enabled', json={'enabled': 'no'}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'enabled')
    assert admin.put(url + '/population', json={'id': new}).json()['id'] == new
    assert admin.put(url + '/enabled', json={'enabled': False}).json()['enabled'] is False
    held = admin.get(url).json()
    assert held['population'] == {'id': new} and held['enabled'] is False
    assert admin.get(url + '/memberOfGroups').json()['_embedded']['groupMemberships'] == []
    assert admin.get(p1api.collection_url('populations', new)).json()['userCount'] == 1
    assert_error(admin.get(p1api.collection_url('users', str(uuid.uuid4()), 'enabled')), 404, 'NOT_FOUND')


def test_oidc_applications_are_clients_of_the_op(p1api, admin, op):
    """An OIDC application is a client of the environment's OP (server.py OPClients): its id is the client_id and its
    secret the client secret (a code exchange runs with them); a PUT updates the client, a DELETE deletes it; a
    registration the OP refuses is a 500 and stores nothing; PRIVATE_KEY_JWT without keys stays this server's own."""
    apps = p1api.collection_url('applications')
    since = op.log_length()
    app = create(admin, apps, dict(WEB_APP, pkceEnforcement='S256_REQUIRED'))
    assert [e['client_id'] for e in op.events('registration_create.success', since=since)] == [app['id']]
    secret = admin.get(p1api.collection_url('applications', app['id'], 'secret')).json()['secret']
    client = {'client_id': app['id'], 'redirect_uri': WEB_APP['redirectUris'][0]}
    token_endpoint = op.token_endpoint('pingone')

    def exchange(client_secret, redirect_uri):
        verifier, challenge = harness.pkce_pair()
        code = harness.get_code(op, dict(client, redirect_uri=redirect_uri), issuer='pingone', code_challenge=challenge)['code']
        return requests.post(
            token_endpoint,
            data={'grant_type': 'authorization_code', 'code': code, 'redirect_uri': redirect_uri, 'code_verifier': verifier},
            auth=(app['id'], client_secret),
            verify=op.ca_path,
            timeout=10,
        )

    assert exchange(secret, WEB_APP['redirectUris'][0]).status_code == 200
    # pkceEnforcement S256_REQUIRED: the OP refuses an authorization request without a code challenge.
    with pytest.raises(harness.OPError, match='PKCE'):
        harness.get_code(op, client, issuer='pingone')
    # The PUT moves the redirect URI at the OP too; the secret stays.
    moved = dict(WEB_APP, redirectUris=['https://portal.example.test/cb2'])
    assert admin.put(p1api.collection_url('applications', app['id']), json=moved).status_code == 200
    with pytest.raises(harness.OPError, match='redirect_uri'):
        harness.get_code(op, client, issuer='pingone', code_challenge=harness.pkce_pair()[1])
    assert exchange(secret, moved['redirectUris'][0]).status_code == 200
    assert admin.get(p1api.collection_url('applications', app['id'], 'secret')).json()['secret'] == secret
    assert admin.delete(p1api.collection_url('applications', app['id'])).status_code == 204
    with pytest.raises(harness.OPError, match='invalid_client'):
        harness.get_code(op, dict(client, redirect_uri=moved['redirectUris'][0]), issuer='pingone', code_challenge=harness.pkce_pair()[1])
    assert [e['type'] for e in op.events(since=since) if e['type'].startswith('registration_')] == [
        'registration_create.success',
        'registration_update.success',
        'registration_delete.success',
    ]
    # A grant the test OP has no use for (CIBA): the OP refuses the client, the API answers 500 and keeps nothing.
    refused = assert_error(admin.post(apps, json=dict(WEB_APP, grantTypes=['AUTHORIZATION_CODE', 'CIBA'])), 500, 'UNEXPECTED_ERROR')
    assert 'The test OP refused to register' in refused['message'] and 'invalid_client_metadata' in refused['message']
    assert admin.get(apps).json()['count'] == 0
    keyless = create(admin, apps, dict(WEB_APP, tokenEndpointAuthMethod='PRIVATE_KEY_JWT'))
    assert op.events('registration_create.success', since=since, client_id=keyless['id']) == []
    # The registration tokens stay in the server's memory: never in its log or output.
    assert op.registration_token not in open(p1api.log_path).read() + open(p1api.output_path).read()


def test_a_page_costs_the_page_not_the_collection():
    """The server's pages, without HTTP: a page shows only its own objects and looks at no other (the cursor's place is
    found by bisection over an order kept until the collection changes), so a benchmark of 100,000 users times the client,
    not a sort of every user for each page; the order follows adds and removes, and a sub-collection is its parent's."""
    from servers.pingone_api.contract import OPERATIONS_BY_ID
    from servers.pingone_api.models import COLLECTIONS
    from servers.pingone_api.paging import Cursors, Pager
    from servers.pingone_api.store import Store

    store, env = Store(['env']), 'env'
    ids = [store.add(env, 'users', {'username': 'u%04d' % n})['id'] for n in range(1000)]
    pager, op = Pager(Cursors(), lambda path: 'https://p1.test' + path), OPERATIONS_BY_ID['readAllUsers']
    looked, shown = [], []

    def page(query):
        seqs, keys = store.ordered(env, 'users')
        rows = (seqs, keys, lambda obj_id: looked.append(obj_id) or store.items(env, 'users')[obj_id]['obj'])
        return pager.page(op, '/environments/env/users', query, rows, COLLECTIONS['users'].filters, {}, lambda obj_id, _expand: shown.append(obj_id) or obj_id)

    def cursor(answer):
        return parse_qs(urlsplit(answer['_links']['next']['href']).query)['cursor']

    first = page({'limit': ['200']})
    order = store.orders[(env, 'users', None)]
    second = page({'cursor': cursor(first)})
    assert first['_embedded']['users'] == ids[:200] and second['_embedded']['users'] == ids[200:400]
    assert shown == ids[:400] and looked == [] and first['count'] == 1000 and second['size'] == 200
    assert store.orders[(env, 'users', None)] is order  # not built again for the second page
    # An add goes last in the kept order, not built again either.
    early = store.add(env, 'users', {'username': 'early'})['id']
    assert store.orders[(env, 'users', None)] is order and store.ordered(env, 'users')[1][-1] == early
    ids.append(early)
    # A removed object leaves its place; one added goes last; the cursor keeps its place.
    store.remove(env, 'users', ids[400])
    late = store.add(env, 'users', {'username': 'late'})['id']
    rest, url = [], second
    while 'next' in url['_links']:
        url = page({'cursor': cursor(url)})
        rest += url['_embedded']['users']
    assert rest == ids[401:] + [late] and store.orders[(env, 'users', None)] is not order
    # A filter looks at every object (1,000, one removed, two added), each time: without the store's revision (the API
    # passes it) what a filter chose is not kept.
    looked.clear()
    page({'filter': ['username sw "u09"']})
    page({'filter': ['username sw "u09"']})
    assert len(looked) == 2 * 1001
    # A sub-collection: the scopes of one resource, not another's.
    resources = [store.add(env, 'resources', {'name': name, 'type': 'CUSTOM'})['id'] for name in ('a', 'b')]
    scopes = {r: [store.add(env, 'scopes', {'name': 's%d' % n, 'resource': {'id': r}})['id'] for n in range(3)] for r in resources}
    for resource in resources:
        assert store.ordered(env, 'scopes', 'resource', resource)[1] == scopes[resource]
    assert store.ordered(env, 'scopes', 'resource', 'none') == ([], [])
