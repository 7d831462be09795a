# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PingOne test server refuses what PingOne's contract refuses, rule by rule, with plain requests.

Error bodies as the contract types them; query parameters only as declared, and every list paged; read-only fields
refused and server-owned fields produced; group names by population; the built-in resources; the application secret
and its rotation; 404 under a new parent; the record of violations the conftest check reads. Each test sends what
the contract refuses on purpose and asserts the record itself, so the module is exempt from the conftest check.
"""

from __future__ import annotations

import datetime
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from servers.pingone_api.times import iso, parse_iso, utc_now
from test_pingone_api_server import WEB_APP, assert_error, create

pytestmark = pytest.mark.pingone_contract_exempt

# PRIVATE_KEY_JWT without keys: no client the test OP can hold, so the application stays this server's own (its
# previous.lastUsed is set through the control route only).
KEYLESS_APP = dict(WEB_APP, name='Keyless', tokenEndpointAuthMethod='PRIVATE_KEY_JWT')
WORKER = {
    'name': 'Robot',
    'enabled': True,
    'type': 'WORKER',
    'protocol': 'OPENID_CONNECT',
    'grantTypes': ['CLIENT_CREDENTIALS'],
    'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
}


def recorded(p1api):
    """The violations the server recorded, as (operationId, kind, name)."""
    return [(v['operationId'], v['kind'], v['name']) for v in p1api.violations()]


def built_ins(admin, p1api):
    """The built-in resources by type, each with its scopes by name."""
    found = {}
    for resource in admin.get(p1api.collection_url('resources')).json()['_embedded']['resources']:
        if resource['type'] != 'CUSTOM':
            scopes = admin.get(p1api.collection_url('resources', resource['id'], 'scopes')).json()['_embedded']['scopes']
            found[resource['type']] = dict(resource, scopes={s['name']: s for s in scopes})
    return found


def test_error_bodies_are_the_contract_models(p1api, admin):
    """401 ACCESS_FAILED with INVALID_TOKEN, 403 ACCESS_FAILED (an unknown environment too), 415 INVALID_REQUEST, 429
    REQUEST_LIMITED with LIMIT_EXCEEDED, innerError.retryAfter (a date-time) and Retry-After, on the secret read too."""
    pops = p1api.collection_url('populations')
    bare = p1api.session()
    bare.headers.pop('Authorization')
    body = assert_error(bare.get(pops), 401, 'ACCESS_FAILED', 'INVALID_TOKEN')
    assert set(body) == {'id', 'code', 'message', 'details'}
    reader = p1api.session('api:read')
    assert_error(reader.post(pops, json={'name': 'x'}), 403, 'ACCESS_FAILED', 'INSUFFICIENT_PERMISSIONS')
    elsewhere = p1api.base_url + '/environments/%s' % uuid.uuid4()
    assert_error(admin.get(elsewhere + '/populations'), 403, 'ACCESS_FAILED')
    assert_error(admin.post(elsewhere + '/users', json={'username': 'x'}), 403, 'ACCESS_FAILED')
    assert_error(admin.post(pops, data='name=x', headers={'Content-Type': 'text/plain'}), 415, 'INVALID_REQUEST', 'INVALID_VALUE', 'Content-Type')
    assert_error(admin.get(p1api.collection_url('users', uuid.uuid4())), 404, 'NOT_FOUND')
    assert recorded(p1api) == [('createPopulation', 'undeclared content type', 'text/plain')]

    # The secret read too: the first GET under applications/ after the reset is refused with a 429.
    p1api.reset(fail_first={'GET %s/applications/*' % p1api.env_path: [429, 1]})
    app = create(admin, p1api.collection_url('applications'), WEB_APP)
    secret_url = p1api.collection_url('applications', app['id'], 'secret')
    limited = admin.get(secret_url)
    body = assert_error(limited, 429, 'REQUEST_LIMITED', 'LIMIT_EXCEEDED')
    assert limited.headers['Retry-After'] == '1'
    retry_after = parse_iso(body['details'][0]['innerError']['retryAfter'])
    assert retry_after is not None and utc_now() - datetime.timedelta(seconds=5) < retry_after < utc_now() + datetime.timedelta(seconds=5)
    assert admin.get(secret_url).status_code == 200


def test_undeclared_query_parameters_are_refused_and_recorded(p1api, admin):
    """limit where the operation declares none (applications, resources, scopes, grants, group nestings), any unknown
    name, a limit beyond its declared bounds: 400 naming the parameter, recorded with the operationId."""
    population = create(admin, p1api.collection_url('populations'), {'name': 'Staff', 'default': True})['id']
    app = create(admin, p1api.collection_url('applications'), WORKER)['id']
    resource = create(admin, p1api.collection_url('resources'), {'name': 'Orders API'})['id']
    group = create(admin, p1api.collection_url('groups'), {'name': 'ops'})['id']
    undeclared = {
        'readAllApplications': p1api.collection_url('applications'),
        'readAllResources': p1api.collection_url('resources'),
        'readAllResourceScopes': p1api.collection_url('resources', resource, 'scopes'),
        'readAllApplicationGrants': p1api.collection_url('applications', app, 'grants'),
        'readGroupNesting': p1api.collection_url('groups', group, 'memberOfGroups'),
    }
    for url in undeclared.values():
        assert_error(admin.get(url, params={'limit': 10}), 400, 'INVALID_REQUEST', 'INVALID_PARAMETER', 'limit')
        assert admin.get(url).status_code == 200
    assert_error(admin.get(p1api.collection_url('populations'), params={'order': 'name'}), 400, 'INVALID_REQUEST', 'INVALID_PARAMETER', 'order')
    users = p1api.collection_url('users')
    body = assert_error(admin.get(users, params={'limit': 1001}), 400, 'INVALID_REQUEST', 'OUT_OF_RANGE', 'limit')
    assert body['details'][0]['innerError'] == {'rangeMinimumValue': 1, 'rangeMaximumValue': 1000}
    assert admin.get(users, params={'limit': 1000}).status_code == 200
    assert admin.get(p1api.collection_url('groups'), params={'limit': 1000}).status_code == 200
    assert admin.get(p1api.collection_url('populations'), params={'limit': 5000}).status_code == 200  # no bound declared
    assert admin.get(p1api.collection_url('populations', population), params={'include': 'x'}).status_code == 400
    assert recorded(p1api) == [(op, 'undeclared query parameter', 'limit') for op in undeclared] + [
        ('readAllPopulations', 'undeclared query parameter', 'order'),
        ('readAllUsers', 'query parameter out of its declared range', 'limit'),
        ('readOnePopulation', 'undeclared query parameter', 'include'),
    ]


def test_declared_filter_expand_and_include(p1api, admin):
    """A user's memberships take filter and expand=group; a group include=totalMemberCounts; a user include=memberOfGroupIDs
    and memberOfGroupNames. None of it is a violation."""
    create(admin, p1api.collection_url('populations'), {'name': 'Staff', 'default': True})
    alice = create(admin, p1api.collection_url('users'), {'username': 'alice'})['id']
    ops, dev, all_staff = (create(admin, p1api.collection_url('groups'), {'name': name})['id'] for name in ('ops', 'dev', 'all-staff'))
    for group in (ops, dev):
        assert admin.post(p1api.collection_url('users', alice, 'memberOfGroups'), json={'id': group}).status_code == 201
    assert admin.post(p1api.collection_url('groups', ops, 'memberOfGroups'), json={'id': all_staff}).status_code == 201
    members = p1api.collection_url('users', alice, 'memberOfGroups')

    def names(params):
        answer = admin.get(members, params=params)
        assert answer.status_code == 200, answer.text
        return [(m['name'], m['type']) for m in answer.json()['_embedded']['groupMemberships']]

    assert names({}) == [('ops', 'DIRECT'), ('dev', 'DIRECT'), ('all-staff', 'INDIRECT')]
    assert names({'filter': 'type eq "DIRECT"'}) == [('ops', 'DIRECT'), ('dev', 'DIRECT')]
    assert names({'filter': 'name sw "a"', 'limit': 5}) == [('all-staff', 'INDIRECT')]
    expanded = admin.get(members, params={'expand': 'group', 'limit': 1}).json()
    assert expanded['_embedded']['groupMemberships'][0]['_embedded']['group']['displayName'] == 'ops'
    second = admin.get(expanded['_links']['next']['href']).json()['_embedded']['groupMemberships'][0]
    assert second['name'] == 'dev' and second['_embedded']['group']['id'] == dev  # the cursor keeps the expand
    one = admin.get('%s/%s' % (members, dev), params={'expand': 'group'}).json()
    assert one['_embedded']['group']['name'] == 'dev'
    counted = admin.get(p1api.collection_url('groups', all_staff), params={'include': 'totalMemberCounts'}).json()
    assert counted['totalMemberCounts'] == {'users': 1} and counted['directMemberCounts'] == {'users': 0}
    user = admin.get(p1api.collection_url('users', alice), params={'include': 'memberOfGroupNames'}).json()
    assert user['memberOfGroupNames'] == ['ops', 'dev', 'all-staff'] and 'memberOfGroupIDs' not in user
    assert admin.get(p1api.collection_url('users', alice), params={'include': 'memberOfGroupIDs'}).json()['memberOfGroupIDs'] == [ops, dev, all_staff]
    assert_error(admin.get(p1api.collection_url('users', alice), params={'include': 'everything'}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'include')
    assert_error(admin.get(members, params={'filter': 'username eq "alice"'}), 400, 'INVALID_DATA', 'INVALID_FILTER')
    assert recorded(p1api) == []


def test_every_list_pages_even_without_a_declared_limit(p1api, admin):
    """readAllResources declares no limit: its pages are the server's size (20), its next link carries only a cursor of
    this server, which is no violation; a client that ignores the next link misses a resource; a forged cursor is one."""
    url = p1api.collection_url('resources')
    created = [create(admin, url, {'name': 'api-%02d' % i})['id'] for i in range(19)]
    first = admin.get(url).json()
    assert first['count'] == 21 and first['size'] == 20
    next_url = first['_links']['next']['href']
    assert list(parse_qs(urlsplit(next_url).query)) == ['cursor']
    second = admin.get(next_url).json()
    assert second['size'] == 1 and 'next' not in second['_links']
    seen = [r['id'] for r in first['_embedded']['resources'] + second['_embedded']['resources']]
    assert set(created) < set(seen) and len(seen) == 21 and created[-1] not in [r['id'] for r in first['_embedded']['resources']]
    assert recorded(p1api) == []
    assert_error(admin.get(url, params={'cursor': 'forged'}), 400, 'INVALID_REQUEST', 'INVALID_PARAMETER', 'cursor')
    # A cursor of another list is not this list's either.
    for i in range(21):
        create(admin, p1api.collection_url('groups'), {'name': 'g%02d' % i})
    groups_next = admin.get(p1api.collection_url('groups'), params={'limit': 20}).json()['_links']['next']['href']
    assert set(parse_qs(urlsplit(groups_next).query)) == {'limit', 'cursor'}
    foreign = parse_qs(urlsplit(groups_next).query)['cursor'][0]
    assert_error(admin.get(url, params={'cursor': foreign}), 400, 'INVALID_REQUEST', 'INVALID_PARAMETER', 'cursor')
    assert recorded(p1api) == [('readAllResources', 'undeclared query parameter', 'cursor')] * 2


def without(obj, names):
    """A copy of an object less dotted field names."""
    copy = {key: (dict(value) if isinstance(value, dict) else value) for key, value in obj.items()}
    for name in names:
        head, _sep, rest = name.partition('.')
        if rest and isinstance(copy.get(head), dict):
            copy[head].pop(rest, None)
            if not copy[head]:
                copy.pop(head)
        else:
            copy.pop(head, None)
    return copy


def test_server_owned_fields_are_produced_and_an_echo_is_refused(p1api, admin):
    """Each type's answer carries the fields the server owns; PUT back as read, it is refused naming them (recorded); the
    same body less its readOnly fields is taken, the fields the update may not change sent with the value held."""
    population = create(admin, p1api.collection_url('populations'), {'name': 'Staff', 'default': True})
    group = create(admin, p1api.collection_url('groups'), {'name': 'ops', 'population': {'id': population['id']}})
    user = create(admin, p1api.collection_url('users'), {'username': 'alice', 'email': 'alice@example.test'})
    assert admin.post(p1api.collection_url('users', user['id'], 'memberOfGroups'), json={'id': group['id']}).status_code == 201
    resource = create(admin, p1api.collection_url('resources'), {'name': 'Orders API'})
    scope = create(admin, p1api.collection_url('resources', resource['id'], 'scopes'), {'name': 'orders:read'})
    app = create(admin, p1api.collection_url('applications'), WORKER)
    grant = create(admin, p1api.collection_url('applications', app['id'], 'grants'), {'resource': {'id': resource['id']}, 'scopes': [{'id': scope['id']}]})
    held_user = admin.get(p1api.collection_url('users', user['id'])).json()
    assert {key: held_user[key] for key in ('enabled', 'mfaEnabled', 'emailVerified', 'lifecycle', 'identityProvider', 'account', 'verifyStatus')} == {
        'enabled': True,
        'mfaEnabled': False,
        'emailVerified': False,
        'lifecycle': {'status': 'ACCOUNT_OK'},
        'identityProvider': {'type': 'PING_ONE'},
        'account': {'canAuthenticate': True, 'status': 'OK'},
        'verifyStatus': 'NOT_INITIATED',
    }
    held_group = admin.get(p1api.collection_url('groups', group['id'])).json()
    assert held_group['displayName'] == 'ops' and held_group['directMemberCounts'] == {'users': 1}
    assert admin.get(p1api.collection_url('populations', population['id'])).json()['userCount'] == 1
    cases = [
        ('updatePopulation', ('populations', population['id']), {'_links', 'id', 'environment', 'createdAt', 'updatedAt', 'userCount'}),
        ('updateGroup', ('groups', group['id']), {'_links', 'id', 'environment', 'displayName', 'directMemberCounts', 'createdAt', 'updatedAt'}),
        (
            'updateUserPut',
            ('users', user['id']),
            {'_links', 'id', 'environment', 'createdAt', 'updatedAt', 'enabled', 'emailVerified', 'identityProvider.type'},
        ),
        ('updateResource', ('resources', resource['id']), {'_links', 'id', 'environment', 'createdAt', 'updatedAt'}),
        ('updateResourceScope', ('resources', resource['id'], 'scopes', scope['id']), {'_links', 'id', 'environment', 'createdAt', 'updatedAt', 'resource'}),
        ('updateApplication', ('applications', app['id']), {'_links', 'id', 'environment', 'createdAt', 'updatedAt'}),
        ('updateApplicationGrant', ('applications', app['id'], 'grants', grant['id']), {'_links', 'id', 'createdAt', 'updatedAt', 'application'}),
    ]
    for operation_id, parts, owned in cases:
        url = p1api.collection_url(*parts)
        held = admin.get(url).json()
        mark = len(p1api.violations())
        refused = assert_error(admin.put(url, json=held), 400, 'INVALID_DATA', 'INVALID_VALUE')
        assert {d['target'] for d in refused['details']} == owned, operation_id
        assert {(v['operationId'], v['kind']) for v in p1api.violations()[mark:]} == {(operation_id, 'read-only field')}
        taken = admin.put(url, json=without(held, owned))
        assert taken.status_code == 200, (operation_id, taken.text)
        assert {key: value for key, value in taken.json().items() if key != 'updatedAt'} == {k: v for k, v in held.items() if k != 'updatedAt'}
    # The user's PATCH too; a create with an id.
    assert_error(admin.patch(p1api.collection_url('users', user['id']), json={'enabled': True}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'enabled')
    assert_error(admin.post(p1api.collection_url('groups'), json={'name': 'dev', 'id': str(uuid.uuid4())}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'id')


def test_fields_an_update_cannot_set_are_refused_when_changed(p1api, admin):
    """mfaEnabled, population, lifecycle of a user's PUT or PATCH; a group's population; an application's type and
    clientId; a grant's resource: the value held is taken, another refused (recorded). A create may set mfaEnabled; only a
    user import sets lifecycle.status and emailVerified; no create sets enabled."""
    staff, other = (create(admin, p1api.collection_url('populations'), {'name': name})['id'] for name in ('Staff', 'Other'))
    users = p1api.collection_url('users')
    user = create(admin, users, {'username': 'alice', 'population': {'id': staff}, 'mfaEnabled': True})
    assert user['mfaEnabled'] is True
    url = p1api.collection_url('users', user['id'])
    assert admin.put(url, json={'username': 'alice', 'mfaEnabled': True, 'population': {'id': staff}, 'lifecycle': {'status': 'ACCOUNT_OK'}}).status_code == 200
    assert_error(admin.put(url, json={'username': 'alice', 'mfaEnabled': False}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'mfaEnabled')
    assert_error(admin.patch(url, json={'mfaEnabled': False}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'mfaEnabled')
    assert_error(admin.put(url, json={'username': 'alice', 'population': {'id': other}}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'population')
    assert_error(admin.patch(url, json={'lifecycle': {'status': 'VERIFICATION_REQUIRED'}}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'lifecycle')
    assert_error(admin.patch(url, json={'account': {'canAuthenticate': False, 'status': 'LOCKED'}}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'account')
    assert_error(admin.post(users, json={'username': 'bob', 'population': {'id': staff}, 'enabled': True}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'enabled')
    imported = {'username': 'carol', 'population': {'id': staff}, 'emailVerified': True, 'lifecycle': {'status': 'VERIFICATION_REQUIRED'}}
    assert_error(admin.post(users, json=imported), 400, 'INVALID_DATA', 'INVALID_VALUE', 'emailVerified')
    carol = admin.post(users, json=imported, headers={'Content-Type': 'application/vnd.pingidentity.user.import+json'})
    assert carol.status_code == 201 and carol.json()['emailVerified'] is True and carol.json()['lifecycle'] == {'status': 'VERIFICATION_REQUIRED'}
    group = create(admin, p1api.collection_url('groups'), {'name': 'ops', 'population': {'id': staff}})['id']
    group_url = p1api.collection_url('groups', group)
    assert admin.put(group_url, json={'name': 'ops', 'population': {'id': staff}}).status_code == 200
    assert_error(admin.put(group_url, json={'name': 'ops', 'population': {'id': other}}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'population')
    assert admin.get(group_url).json()['population'] == {'id': staff}
    app = create(admin, p1api.collection_url('applications'), WORKER)['id']
    app_url = p1api.collection_url('applications', app)
    assert_error(admin.put(app_url, json=dict(WORKER, type='WEB_APP', redirectUris=['https://x.test/cb'])), 400, 'INVALID_DATA', 'INVALID_VALUE', 'type')
    assert_error(admin.put(app_url, json=dict(WORKER, clientId='chosen-by-me')), 400, 'INVALID_DATA', 'INVALID_VALUE', 'clientId')
    resources = [create(admin, p1api.collection_url('resources'), {'name': name})['id'] for name in ('A', 'B')]
    scopes = [create(admin, p1api.collection_url('resources', r, 'scopes'), {'name': 's'})['id'] for r in resources]
    grant = create(admin, p1api.collection_url('applications', app, 'grants'), {'resource': {'id': resources[0]}, 'scopes': [{'id': scopes[0]}]})['id']
    grant_url = p1api.collection_url('applications', app, 'grants', grant)
    moved = {'resource': {'id': resources[1]}, 'scopes': [{'id': scopes[1]}]}
    assert_error(admin.put(grant_url, json=moved), 400, 'INVALID_DATA', 'INVALID_VALUE', 'resource')
    assert recorded(p1api) == [
        ('updateUserPut', 'read-only field', 'mfaEnabled'),
        ('updateUserPatch', 'read-only field', 'mfaEnabled'),
        ('updateUserPut', 'read-only field', 'population'),
        ('updateUserPatch', 'read-only field', 'lifecycle'),
        ('updateUserPatch', 'read-only field', 'account'),
        ('createUser', 'read-only field', 'enabled'),
        ('createUser', 'read-only field', 'emailVerified'),
        ('createUser', 'read-only field', 'lifecycle.status'),
        ('updateGroup', 'read-only field', 'population'),
        ('updateApplication', 'read-only field', 'type'),
        ('updateApplication', 'read-only field', 'clientId'),
        ('updateApplicationGrant', 'read-only field', 'resource'),
    ]


def test_group_names_by_population(p1api, admin):
    """A group name may repeat across populations, never within one, and never between a population group and an
    environment group (Group.name); the population of a group stays."""
    groups = p1api.collection_url('groups')
    staff, other = (create(admin, p1api.collection_url('populations'), {'name': name})['id'] for name in ('Staff', 'Other'))
    ops = create(admin, groups, {'name': 'ops', 'population': {'id': staff}})['id']
    create(admin, groups, {'name': 'ops', 'population': {'id': other}})
    assert_error(admin.post(groups, json={'name': 'OPS', 'population': {'id': staff}}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION', 'name')
    assert_error(admin.post(groups, json={'name': 'ops'}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION', 'name')
    admins = create(admin, groups, {'name': 'admins'})['id']
    assert_error(admin.post(groups, json={'name': 'admins', 'population': {'id': other}}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION', 'name')
    assert_error(admin.put('%s/%s' % (groups, admins), json={'name': 'ops'}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION', 'name')
    assert admin.put('%s/%s' % (groups, ops), json={'name': 'ops', 'description': 'x'}).json()['population'] == {'id': staff}
    listed = admin.get(groups, params={'filter': 'name eq "ops"'}).json()['_embedded']['groups']
    assert sorted(g['population']['id'] for g in listed) == sorted([staff, other])


def test_built_in_resources_and_their_scopes(p1api, admin):
    """Every environment starts with the PINGONE_API resource "PingOne API" and the OPENID_CONNECT resource "openid" with
    their predefined scopes; only CUSTOM resources can be created; the PingOne API resource takes p1:read:user:{suffix}
    and p1:update:user:{suffix} scopes, openid any; neither built-in resource nor predefined scope can be deleted."""
    found = built_ins(admin, p1api)
    assert found['PINGONE_API']['name'] == 'PingOne API' and set(found['PINGONE_API']['scopes']) == {'p1:read:user', 'p1:update:user'}
    assert found['OPENID_CONNECT']['name'] == 'openid' and set(found['OPENID_CONNECT']['scopes']) == {'address', 'email', 'openid', 'phone', 'profile'}
    resources = p1api.collection_url('resources')
    assert_error(admin.post(resources, json={'name': 'Mine', 'type': 'PINGONE_API'}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'type')
    assert_error(admin.post(resources, json={'name': 'openid'}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION', 'name')
    assert create(admin, resources, {'name': 'Mine', 'type': 'CUSTOM'})['type'] == 'CUSTOM'
    p1 = p1api.collection_url('resources', found['PINGONE_API']['id'], 'scopes')
    for name in ('p1:read:user:helpdesk', 'p1:update:user:helpdesk'):
        assert create(admin, p1, {'name': name, 'schemaAttributes': ['name.given']})['resource'] == {'id': found['PINGONE_API']['id']}
    for name in ('orders:read', 'p1:delete:user:x', 'p1:read:env'):
        assert_error(admin.post(p1, json={'name': name}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'name')
    assert_error(admin.post(p1, json={'name': 'p1:read:user'}), 400, 'INVALID_DATA', 'UNIQUENESS_VIOLATION', 'name')
    create(admin, p1api.collection_url('resources', found['OPENID_CONNECT']['id'], 'scopes'), {'name': 'shirt_size'})
    assert_error(admin.delete(p1api.collection_url('resources', found['PINGONE_API']['id'])), 400, 'INVALID_DATA', 'CONSTRAINT_VIOLATION')
    openid_scope = found['OPENID_CONNECT']['scopes']['openid']['id']
    assert_error(
        admin.delete(p1api.collection_url('resources', found['OPENID_CONNECT']['id'], 'scopes', openid_scope)), 400, 'INVALID_DATA', 'CONSTRAINT_VIOLATION'
    )
    app = create(admin, p1api.collection_url('applications'), WORKER)['id']
    read_user = found['PINGONE_API']['scopes']['p1:read:user']['id']
    create(admin, p1api.collection_url('applications', app, 'grants'), {'resource': {'id': found['PINGONE_API']['id']}, 'scopes': [{'id': read_user}]})
    assert recorded(p1api) == []


def test_application_secret_read_rotate_and_end_the_previous(p1api, admin):
    """GET the secret; POST {} rotates it (200), POST {"previous": {"expiresAt"}} keeps the old one until then (1 minute to
    30 days), with lastUsed only once known; DELETE ends the previous one (204). An application that is not a client of
    the test OP: lastUsed comes from the control route."""
    app = create(admin, p1api.collection_url('applications'), KEYLESS_APP)['id']
    url = p1api.collection_url('applications', app, 'secret')
    first = admin.get(url).json()
    assert set(first) == {'_links', 'environment', 'secret'} and len(first['secret']) >= 64
    rotated = admin.post(url, json={})
    assert rotated.status_code == 200 and set(rotated.json()) == {'_links', 'environment', 'secret'} and rotated.json()['secret'] != first['secret']
    second = rotated.json()['secret']
    until = iso(utc_now() + datetime.timedelta(hours=1))
    kept = admin.post(url, json={'previous': {'expiresAt': until}})
    assert kept.status_code == 200, kept.text
    assert kept.json()['previous'] == {'secret': second, 'expiresAt': until} and kept.json()['secret'] not in (first['secret'], second)
    assert admin.get(url).json()['previous'] == {'secret': second, 'expiresAt': until}
    used = iso(utc_now())
    assert p1api.previous_secret_used(app, used) is True
    assert admin.get(url).json()['previous'] == {'secret': second, 'expiresAt': until, 'lastUsed': used}
    for seconds, code in ((30, 'OUT_OF_RANGE'), (31 * 86400, 'OUT_OF_RANGE')):
        too = iso(utc_now() + datetime.timedelta(seconds=seconds))
        assert_error(admin.post(url, json={'previous': {'expiresAt': too}}), 400, 'INVALID_DATA', code, 'previous.expiresAt')
    assert_error(admin.post(url, json={'previous': {}}), 400, 'INVALID_DATA', 'REQUIRED_VALUE', 'previous.expiresAt')
    assert_error(admin.post(url, json={'secret': 'chosen-by-me'}), 400, 'INVALID_DATA', 'INVALID_VALUE', 'secret')
    assert 'chosen-by-me' not in open(p1api.violations_path).read()
    assert admin.delete(url).status_code == 204
    assert 'previous' not in admin.get(url).json()
    assert_error(admin.delete(url), 404, 'NOT_FOUND')
    assert p1api.previous_secret_used(app, used) is False
    assert recorded(p1api) == [('updateApplicationSecret', 'read-only field', 'secret')]


# A CLIENT_SECRET_JWT worker: a client of the test OP that gets tokens by client credentials.
JWT_WORKER = dict(WORKER, name='Rotated', tokenEndpointAuthMethod='CLIENT_SECRET_JWT')


def secret_jwt_token(op, client_id, secret):
    """A client credentials grant at the OP's PingOne issuer, authenticated by a client_secret_jwt assertion (RFC 7523
    section 3): the answer's status."""
    token_endpoint = op.discovery('pingone')['token_endpoint']
    now = int(time.time())
    claims = {'iss': client_id, 'sub': client_id, 'aud': token_endpoint, 'iat': now, 'exp': now + 60, 'jti': uuid.uuid4().hex}
    form = {
        'grant_type': 'client_credentials',
        'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        'client_assertion': jwt.encode(claims, secret, algorithm='HS256'),
    }
    return requests.post(token_endpoint, data=form, verify=op.ca_path, timeout=10).status_code


def test_rotation_of_an_op_client_keeps_the_previous_secret_at_the_op_until_it_ends(op, p1api, admin):
    """An application that is a client of the test OP rotates there: the new secret authenticates at once, the previous
    one until DELETE, and its use at the OP is previous.lastUsed; after DELETE, and after a rotation that keeps nothing,
    the old secret is refused (401 invalid_client)."""
    app = create(admin, p1api.collection_url('applications'), JWT_WORKER)['id']
    url = p1api.collection_url('applications', app, 'secret')
    first = admin.get(url).json()['secret']
    assert secret_jwt_token(op, app, first) == 200
    until = iso(utc_now() + datetime.timedelta(hours=1))
    kept = admin.post(url, json={'previous': {'expiresAt': until}})
    assert kept.status_code == 200, kept.text
    second = kept.json()['secret']
    assert second != first and len(second) == 86 and kept.json()['previous'] == {'secret': first, 'expiresAt': until}
    assert secret_jwt_token(op, app, second) == 200
    # Only the new secret used so far: no lastUsed.
    assert 'lastUsed' not in admin.get(url).json()['previous']
    before = utc_now() - datetime.timedelta(seconds=1)
    assert secret_jwt_token(op, app, first) == 200
    used = parse_iso(admin.get(url).json()['previous']['lastUsed'])
    assert before <= used <= utc_now() + datetime.timedelta(seconds=1)
    assert admin.delete(url).status_code == 204
    assert secret_jwt_token(op, app, first) == 401
    assert secret_jwt_token(op, app, second) == 200
    # A rotation that keeps nothing ends the old secret at once.
    third = admin.post(url, json={}).json()['secret']
    assert secret_jwt_token(op, app, second) == 401 and secret_jwt_token(op, app, third) == 200
    assert 'previous' not in admin.get(url).json()
    with open(op.log_path) as events:
        logged = events.read()
    assert not any(secret in logged for secret in (first, second, third))
    assert recorded(p1api) == []


def test_not_found_under_a_new_parent(p1api, admin):
    """not_found_under_new_parent: the first reads and POSTs of a new user's, group's, resource's and application's
    sub-collection answer 404, then it answers; the parent itself, and parents older than the reset, are not affected."""
    p1api.reset(not_found_under_new_parent={'GET': 2, 'POST': 1})
    create(admin, p1api.collection_url('populations'), {'name': 'Staff', 'default': True})
    user = create(admin, p1api.collection_url('users'), {'username': 'alice'})['id']
    group, parent = (create(admin, p1api.collection_url('groups'), {'name': name})['id'] for name in ('ops', 'all'))
    resource = create(admin, p1api.collection_url('resources'), {'name': 'Orders API'})['id']
    app = create(admin, p1api.collection_url('applications'), WORKER)['id']
    assert admin.get(p1api.collection_url('users', user)).status_code == 200
    cases = [
        (p1api.collection_url('users', user, 'memberOfGroups'), {'id': group}),
        (p1api.collection_url('groups', group, 'memberOfGroups'), {'id': parent}),
        (p1api.collection_url('resources', resource, 'scopes'), {'name': 'orders:read'}),
    ]
    for url, body in cases:
        assert [admin.get(url).status_code for _attempt in range(3)] == [404, 404, 200], url
        assert [admin.post(url, json=body).status_code for _attempt in range(2)] == [404, 201], url
    grants = p1api.collection_url('applications', app, 'grants')
    scope = admin.get(p1api.collection_url('resources', resource, 'scopes')).json()['_embedded']['scopes'][0]['id']
    assert_error(admin.post(grants, json={'resource': {'id': resource}, 'scopes': [{'id': scope}]}), 404, 'NOT_FOUND')
    assert admin.post(grants, json={'resource': {'id': resource}, 'scopes': [{'id': scope}]}).status_code == 201
    assert [admin.get(grants).status_code for _attempt in range(3)] == [404, 404, 200]
    built_in = next(r for r in admin.get(p1api.collection_url('resources')).json()['_embedded']['resources'] if r['type'] == 'PINGONE_API')
    assert admin.get(p1api.collection_url('resources', built_in['id'], 'scopes')).status_code == 200
    assert p1api.count(status=404) == 2 * 4 + 4


def test_membership_self_links_may_name_the_group(p1api, admin):
    """membership_links_to_group: a membership's _links.self names its group, so a client that deletes a membership at
    its self link deletes the group; the path the contract names removes the membership only."""
    p1api.reset(membership_links_to_group=True)
    create(admin, p1api.collection_url('populations'), {'name': 'Staff', 'default': True})
    user = create(admin, p1api.collection_url('users'), {'username': 'alice'})['id']
    group = create(admin, p1api.collection_url('groups'), {'name': 'ops'})['id']
    members = p1api.collection_url('users', user, 'memberOfGroups')
    added = admin.post(members, json={'id': group})
    assert added.headers['Location'] == '%s/%s' % (members, group)
    listed = admin.get(members).json()['_embedded']['groupMemberships'][0]
    assert listed['_links']['self']['href'] == p1api.collection_url('groups', group)
    assert admin.delete('%s/%s' % (members, group)).status_code == 204
    assert admin.get(p1api.collection_url('groups', group)).status_code == 200
    assert recorded(p1api) == []


def test_violations_are_recorded_by_operation_and_sender(p1api, admin):
    """An unknown route (404) and a method the contract has not on a path (405) are recorded too, with the sender's
    User-Agent; only names are recorded, never a value; a reset empties the record."""
    group = create(admin, p1api.collection_url('groups'), {'name': 'ops'})['id']
    assert_error(admin.get(p1api.collection_url('widgets')), 404, 'NOT_FOUND')
    assert_error(admin.patch(p1api.collection_url('groups', group), json={'description': 'x'}), 405, 'METHOD_NOT_ALLOWED')
    assert admin.patch(p1api.collection_url('groups', group), json={}).headers['Allow'] == 'DELETE, GET, PUT'
    assert_error(admin.put(p1api.collection_url('groups', group), json={'name': 'ops', 'displayName': 'value-never-logged'}), 400, 'INVALID_DATA')
    found = p1api.violations()
    assert [(v['operationId'], v['method'], v['kind'], v['name']) for v in found] == [
        (None, 'GET', 'unknown route', None),
        (None, 'PATCH', 'method not in the contract', 'PATCH'),
        (None, 'PATCH', 'method not in the contract', 'PATCH'),
        ('updateGroup', 'PUT', 'read-only field', 'displayName'),
    ]
    assert all(v['agent'].startswith('python-requests/') and v['path'].startswith(p1api.env_path) for v in found)
    assert 'GET (readOneGroup), PUT (updateGroup), DELETE (deleteGroup)' in found[1]['message']
    assert 'value-never-logged' not in open(p1api.violations_path).read()
    p1api.reset()
    assert p1api.violations() == []


def test_a_previous_secret_is_refused_at_the_op_once_it_expires(op, p1api, admin):
    """The OP's end of the overlap: the previous secret authenticates until its expiresAt, not after (PingOne keeps it at
    least a minute; the OP's own rotation route takes any time to come, so the test waits two seconds, not one minute)."""
    app = create(admin, p1api.collection_url('applications'), JWT_WORKER)['id']
    old = admin.get(p1api.collection_url('applications', app, 'secret')).json()['secret']
    url = '%s/%s/secret' % (op.discovery('pingone')['registration_endpoint'], app)
    until = time.time() + 2
    answer = requests.post(
        url, json={'previous_expires_at': until}, headers={'Authorization': 'Bearer ' + op.registration_token}, verify=op.ca_path, timeout=10
    )
    assert answer.status_code == 200, answer.text
    new = answer.json()['client_secret']
    time.sleep(max(0.0, until - time.time()) + 0.5)
    assert secret_jwt_token(op, app, old) == 401 and secret_jwt_token(op, app, new) == 200
    gone = requests.get(url + '/previous', headers={'Authorization': 'Bearer ' + op.registration_token}, verify=op.ca_path, timeout=10)
    assert gone.status_code == 404
    # Without the registration endpoint's initial access token, no rotation.
    refused = requests.post(url, json={'previous_expires_at': None}, headers={'Authorization': 'Bearer wrong'}, verify=op.ca_path, timeout=10)
    assert refused.status_code == 401 and secret_jwt_token(op, app, new) == 200
