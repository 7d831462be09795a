# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jwtauth.oidc.api_resource against a real SCIM 2.0 server (scim2-server) that accepts only the OP's tokens.

Writes are counted at the SCIM server, so "check mode writes nothing" and
"the second run changes nothing" are measured, not assumed.
"""

from __future__ import annotations

import json
import re

import pytest
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, ResourceError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import parallel
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_resource_task

from conftest import in_context, validated
from test_token_lookup import lookup_env
from test_token_module import client_options

USERS = [
    {
        'userName': 'alice',
        'name': {'givenName': 'Alice', 'familyName': 'Doe'},
        'active': True,
        'emails': [{'value': 'alice@example.com', 'type': 'work', 'primary': True}],
    },
    {'userName': 'bob', 'displayName': 'Bob B', 'active': True},
    {'userName': 'carol', 'active': False},
]


def seed(scim, users):
    """Create ``users`` at the SCIM server directly; returns their ids by userName.

    The state the module's first converge reaches, which test_four_steps_create_then_nothing proves: the
    tests that start from it need not run that playbook again.
    """
    admin = scim.admin_session()
    ids = {}
    for user in users:
        created = admin.post(scim.base_url + '/Users', json=user)
        assert created.status_code == 201, created.text
        ids[user['userName']] = created.json()['id']
    return ids


def converge(ansible, op, scim, tmp_path, users, secrets=(), **variables):
    """playbooks/api_resource_scim.yml: its four steps through ansible-playbook, authenticated by the environment."""
    env = lookup_env(op, 'csjwt', tmp_path / 'store')
    return ansible('api_resource_scim.yml', dict({'scim_url': scim.base_url, 'scim_users': users}, **variables), env=env, secrets=secrets)


def resource_task(op, scim, tmp_path, **task_args):
    """A function that runs the api_resource task in process, as the action plugin would, against the real SCIM
    server with a token of the real OP (client_secret_jwt, through the token store at tmp_path/store).

    An option given as None is left out (bearer_token=token, **NO_CLIENT: a token of the test's own).
    """
    defaults = dict(
        client_options(op, 'csjwt'),
        token_store_path=str(tmp_path / 'store'),
        url=scim.base_url + '/Users',
        api_style='scim',
        key='userName',
        scope=['api:read', 'api:write'],
    )

    def run(check_mode=False, diff=False, progress=None, context=None, **args):
        given = {key: value for key, value in dict(dict(defaults, **task_args), **args).items() if value is not None}
        context = TaskContext(progress) if context is None else context
        return in_context(run_resource_task, validated(api_resource_module_kwargs(), given), check_mode=check_mode, diff=diff, context=context)

    return run


NO_CLIENT = {'issuer': None, 'client_id': None, 'client_secret': None, 'auth_method': None, 'token_store_path': None}


def four_steps(task):
    """What playbooks/api_resource_scim.yml does, in process: check, apply, idempotent check, idempotent."""
    return {'check': task(check_mode=True, diff=True), 'apply': task(), 'idempotent_check': task(check_mode=True), 'idempotent': task()}


def test_four_steps_create_then_nothing(op, ansible, scim, tmp_path):
    mark = scim.mark()
    run = converge(ansible, op, scim, tmp_path, USERS)
    assert run.rc == 0, run.output[-3000:]
    steps = run.result
    assert steps['check']['changed'] is True and sorted(steps['check']['created']) == ['alice', 'bob', 'carol']
    assert steps['check']['ids'] == {'alice': None, 'bob': None, 'carol': None}
    assert steps['apply']['changed'] is True and sorted(steps['apply']['created']) == ['alice', 'bob', 'carol']
    assert all(steps['apply']['ids'].values())
    for step in ('idempotent_check', 'idempotent'):
        assert steps[step]['changed'] is False, steps[step]
        assert sorted(steps[step]['unchanged']) == ['alice', 'bob', 'carol']
        assert steps[step]['ids'] == steps['apply']['ids']
    # Three POSTs in all: the check runs and the idempotent run wrote nothing.
    assert scim.writes(since=mark) == 3
    assert scim.count('POST', since=mark) == 3
    # The check run had diff on: before and after of each object it would create.
    diffs = {d['after_header']: d for d in steps['check']['diff']}
    assert diffs['alice']['before'] == {} and diffs['alice']['after']['emails'] == USERS[0]['emails']
    assert 'diff' not in steps['apply']


@pytest.mark.parametrize('update_method', ['put', 'patch'])
def test_drift_is_detected_and_repaired(op, scim, tmp_path, update_method):
    bob_id = seed(scim, USERS)['bob']
    admin = scim.admin_session()
    drifted = admin.patch(
        f'{scim.base_url}/Users/{bob_id}',
        json={'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': [{'op': 'replace', 'path': 'active', 'value': False}]},
    )
    assert drifted.status_code in (200, 204)
    mark = scim.mark()
    steps = four_steps(resource_task(op, scim, tmp_path, items=USERS, update_method=update_method))
    assert steps['check']['updated'] == ['bob'] and steps['check']['changed'] is True
    assert steps['apply']['updated'] == ['bob']
    assert steps['idempotent_check']['changed'] is False and steps['idempotent']['changed'] is False
    # One write: the repair. The check run before it wrote nothing.
    assert scim.writes(since=mark) == 1
    assert scim.count(update_method.upper(), since=mark) == 1
    assert admin.get(f'{scim.base_url}/Users/{bob_id}').json()['active'] is True


def test_read_only_token_gets_a_clear_403(op, scim, tmp_path):
    token = scim.token('api:read')
    task = resource_task(op, scim, tmp_path, items=[{'userName': 'dave'}], bearer_token=token, **NO_CLIENT)
    with pytest.raises(ResourceError) as caught:
        task()
    assert str(caught.value) == f"Failed to create Users 'dave' at {scim.base_url}/Users: Scope api:write is required for POST [HTTP 403]"
    assert caught.value.status == 403


def test_prune_deletes_what_is_not_listed(op, scim, tmp_path):
    seed(scim, USERS)
    mark = scim.mark()
    steps = four_steps(resource_task(op, scim, tmp_path, items=USERS[:2], prune=True))
    assert steps['check']['deleted'] == ['carol'] and steps['apply']['deleted'] == ['carol']
    assert steps['idempotent']['changed'] is False
    assert scim.count('DELETE', since=mark) == 1


def test_absent(op, scim, tmp_path):
    seed(scim, USERS)
    steps = four_steps(resource_task(op, scim, tmp_path, items=[{'userName': 'bob'}], state='absent'))
    assert steps['apply']['deleted'] == ['bob'] and steps['idempotent']['changed'] is False
    assert steps['check']['deleted'] == ['bob'] and steps['idempotent_check']['changed'] is False


def test_usernames_compare_as_their_schema_says(op, scim, tmp_path):
    """RFC 7643 sections 2.1 and 8.7.1: userName is caseExact false; the server's "Bob" is the item "bob"."""
    bob_id = seed(scim, [{'userName': 'Bob', 'active': True}])['Bob']
    mark = scim.mark()
    steps = four_steps(resource_task(op, scim, tmp_path, items=[{'userName': 'bob', 'active': True}]))
    assert steps['apply']['unchanged'] == ['bob'] and steps['apply']['ids'] == {'bob': bob_id}
    assert scim.writes(since=mark) == 0
    updated = resource_task(op, scim, tmp_path, items=[{'userName': 'BOB', 'active': False}])()
    assert updated['updated'] == ['BOB'] and scim.writes(since=mark) == 1
    # The update kept the server's spelling of the key.
    held = scim.admin_session().get(f'{scim.base_url}/Users/{bob_id}').json()
    assert held['userName'] == 'Bob' and held['active'] is False


def test_a_service_that_lists_part_of_a_collection_is_refused_before_any_write(op, scim_server, tmp_path):
    """The test SCIM server as PingOne's SCIM API answers lists (list_cap: at most N, startIndex ignored).

    A list read sees the same first page again and stops rather than plan from part of the collection: no
    user beyond the cap is created a second time. read_strategy auto reads such a service by filter
    (test_a_directory_past_the_list_cap_is_read_by_filter).
    """
    scim = scim_server.reset(list_cap=2)
    seed(scim, USERS)
    page = scim.admin_session().get(scim.base_url + '/Users', params={'startIndex': 3, 'count': 100}).json()
    first = scim.admin_session().get(scim.base_url + '/Users').json()
    assert page['totalResults'] == 3 and len(page['Resources']) == 2 and page['Resources'] == first['Resources']
    mark = scim.mark()
    with pytest.raises(ResponseError) as caught:
        resource_task(op, scim, tmp_path, items=USERS, read_strategy='list')()
    assert str(caught.value) == (
        f'Failed to list {scim.base_url}/Users: the page at startIndex 3 repeats objects already read (no new id), but '
        f'totalResults is 3 (page {scim.base_url}/Users?startIndex=3&count=100); it lists 2 of its 3 objects'
    )
    assert scim.writes(since=mark) == 0
    # Prune needs the whole collection: auto reads by filter here, so prune is refused, before any write.
    with pytest.raises(ResponseError) as caught:
        resource_task(op, scim, tmp_path, items=USERS[:1], prune=True)()
    assert str(caught.value).endswith(f'prune needs the whole collection, and {scim.base_url}/Users does not list it: prune is refused, nothing was written')
    assert scim.writes(since=mark) == 0


def test_many_users_cost_a_handful_of_requests(op, scim, tmp_path):
    users = [{'userName': f'user{i:03d}', 'active': True} for i in range(250)]
    steps = four_steps(resource_task(op, scim, tmp_path, items=users))
    # 250 creates, then each later step reads 3 pages of 100 and writes nothing.
    assert steps['apply']['requests'] == 1 + 250
    assert steps['idempotent']['requests'] == 3
    assert steps['idempotent']['changed'] is False


GROUPS = [{'displayName': 'admins', 'members': ['alice', 'bob']}, {'displayName': 'empty', 'members': []}]


def recap_changed(output):
    line = [line for line in output.splitlines() if line.startswith('localhost') and 'changed=' in line][-1]
    return int(line.split('changed=')[1].split()[0])


@pytest.fixture
def flaky_scim(scim_server, request):
    """The SCIM server, empty, with the faults of the test's parameter armed."""
    return scim_server.reset(fail_first=request.param)


def test_a_directory_past_the_list_cap_is_read_by_filter(op, scim_server, tmp_path, monkeypatch):
    """1,000 users behind PingOne's list cap of 200 (startIndex ignored, filters and .search capped too).

    The first run lists an empty directory and creates every user, 4 at a time, saying how far it is while it runs;
    the second lists, sees the first page again, and reads the users by filter, 50 a request: no write, and at
    most 1,000 / 50 + 2 reads. A third, by filter, repairs three users changed behind its back.
    """
    monkeypatch.setattr(parallel, 'PROGRESS_INTERVAL', 0.2)
    scim = scim_server.reset(list_cap=200)
    users = [{'userName': f'user{i:04d}', 'active': True} for i in range(1000)]
    task = resource_task(op, scim, tmp_path, items=users)
    lines = []
    first = task(progress=lines.append)
    assert len(first['created']) == 1000 and first['requests'] == 1 + 1000 and first['read_strategy'] == 'list'
    assert scim.count('POST', '/v2/Users', status=201) == 1000
    assert lines and all(re.fullmatch(r'Users: [0-9,]+ of 1,000 done(, [0-9,]+ created)?', line) for line in lines), lines[:3]

    mark = scim.mark()
    second = task()
    assert second['changed'] is False and len(second['unchanged']) == 1000 and second['read_strategy'] == 'filter'
    assert scim.writes(since=mark) == 0
    assert scim.count(since=mark) == second['requests'] <= 1000 // 50 + 2
    assert scim.count('POST', '/v2/Users/.search', since=mark) == 1000 // 50
    assert second['warnings'] == [
        f"{scim.base_url}/Users lists 100 of its 1000 objects and ignores startIndex (PingOne's SCIM API answers at most 200), "
        'so the objects were read by filter, 50 keys a request; set read_strategy to filter to skip the '
        'list'
    ]

    admin = scim.admin_session()
    for name in ('user0007', 'user0500', 'user0999'):
        found = admin.get(scim.base_url + '/Users', params={'filter': f'userName eq "{name}"'}).json()['Resources'][0]
        assert admin.put(found['meta']['location'], json=dict(found, active=False)).status_code == 200
    mark = scim.mark()
    # Three items only: scim2-server tests every object against every term of a filter, so reading the 1,000 again
    # would cost this test 10 more seconds of the server's CPU (the bench measures that case).
    third = task(items=[dict(user, displayName='Changed') for user in users[7:8]] + users[500:501] + users[999:], read_strategy='filter')
    assert sorted(third['updated']) == ['user0007', 'user0500', 'user0999'] and third['read_strategy'] == 'filter'
    assert scim.writes(since=mark) == 3 and scim.count('GET', since=mark) == 0 and third['requests'] == 1 + 3
    assert 'warnings' not in third


@pytest.mark.parametrize('flaky_scim', [{'POST /v2/Users': [429, 5]}], indirect=True)
def test_a_429_storm_pauses_every_writer_and_lowers_the_concurrency(op, flaky_scim, tmp_path):
    """Five 429s with Retry-After: 1 while 4 writers create 20 users: every user is created once, and the
    result says the service throttled the task. retries=5, so even one request that meets every 429 is resent."""
    users = [{'userName': f'storm{i:02d}'} for i in range(20)]
    result = resource_task(op, flaky_scim, tmp_path, items=users, retries=5)()
    assert len(result['created']) == 20 and all(result['ids'].values())
    assert flaky_scim.count('POST', '/v2/Users', status=429) == 5 and flaky_scim.count('POST', '/v2/Users', status=201) == 20
    (summary,) = [text for text in result['warnings'] if 'rate limited' in text]
    found = re.fullmatch(
        r'Users: the service answered HTTP 429 \(rate limited\) 5 times: every request paused (\d+) times? as '
        r'Retry-After said, and the requests in flight went down to (\d) of 4'
        # When a pause follows successes, the requests are paced under what went through (issue 27).
        r'(; paced at [0-9.]+ requests/s learnt from them)?',
        summary,
    )
    assert found, summary
    # The first 429 halves the writers at once; later pauses may lower them further.
    assert 1 <= int(found.group(1)) <= 5 and int(found.group(2)) <= 2


def test_an_object_created_without_a_body_is_read_back_through_a_404(op, scim_server, tmp_path):
    """A create answered 201 with Location only; the first two reads there answer 404 (eventual consistency)."""
    scim = scim_server.reset(bare_create=True, fail_first={'GET /v2/Users/*': [404, 2]})
    result = resource_task(op, scim, tmp_path, items=[{'userName': 'gina'}])()
    server_id = scim.admin_session().get(scim.base_url + '/Users', params={'filter': 'userName eq "gina"'}).json()['Resources'][0]['id']
    assert result['created'] == ['gina'] and result['ids'] == {'gina': server_id}
    assert [e['status'] for e in scim.requests_log() if e['method'] == 'GET' and e['path'].startswith('/v2/Users/')] == [404, 404, 200]
    assert result['warnings'] == [
        f"Read the created Users 'gina' at {scim.base_url}/Users/{server_id}: answered HTTP 404 2 times before it was found (eventual consistency)"
    ]


@pytest.mark.parametrize('flaky_scim', [{'POST /v2/Users': [400, 1]}], indirect=True)
def test_a_failed_write_stops_new_writes_and_reports_those_done(op, flaky_scim, tmp_path):
    users = [{'userName': f'halt{i:02d}'} for i in range(30)]
    context = TaskContext()
    with pytest.raises(ResourceError) as caught:
        resource_task(op, flaky_scim, tmp_path, items=users)(context=context)
    done = caught.value.done
    created = len(done['created'])
    # The writes in flight when the first failed finish and are reported; no other starts (how many were in flight
    # depends on scheduling, so the bound is that some were never started, not a number).
    assert flaky_scim.count('POST', '/v2/Users') == created + 1 and created < 29
    assert done['changed'] is (created > 0)
    assert context.warnings[-1] == f'Stopped after the failure: {30 - 1 - created} other writes were not started'


@pytest.mark.parametrize('flaky_scim', [{'POST /v2/Users': [503, 1]}], indirect=True)
def test_503_with_retry_after_is_retried_once_safely(op, flaky_scim, tmp_path):
    mark = flaky_scim.mark()
    steps = four_steps(resource_task(op, flaky_scim, tmp_path, items=[{'userName': 'erin'}]))
    posts = [e['status'] for e in flaky_scim.requests_log(since=mark) if e['method'] == 'POST']
    assert posts == [503, 201]
    assert steps['apply']['created'] == ['erin'] and steps['idempotent']['changed'] is False


@pytest.mark.parametrize('flaky_scim', [{'POST /v2/Users': [500, 1]}], indirect=True)
def test_failed_create_is_not_resent_and_earlier_writes_are_reported(op, flaky_scim, tmp_path):
    alice = {'userName': 'alice', 'active': True}
    first = resource_task(op, flaky_scim, tmp_path, items=[alice], bearer_token=flaky_scim.token(), **NO_CLIENT)
    # The first POST answers 500: the task reports it and does not send the POST again.
    with pytest.raises(ResourceError) as caught:
        first()
    assert str(caught.value) == f"Failed to create Users 'alice' at {flaky_scim.base_url}/Users: Injected fault [HTTP 500]"
    assert flaky_scim.count('POST') == 1
    # Now alice exists (created behind the task's back) and needs an update, and frank is new.
    admin = flaky_scim.admin_session()
    assert admin.post(flaky_scim.base_url + '/Users', json={'userName': 'alice', 'active': False}).status_code == 201
    steps = four_steps(resource_task(op, flaky_scim, tmp_path, items=[alice, {'userName': 'frank'}]))
    assert steps['apply']['updated'] == ['alice'] and steps['apply']['created'] == ['frank']


def test_revoked_stored_token_is_renewed_after_a_401(op, ansible, scim, tmp_path):
    import time
    import uuid

    import jwt
    import requests

    task = resource_task(op, scim, tmp_path, items=USERS[:1])
    assert task()['created'] == ['alice']
    # The lookup, with the same options, reads the very token api_resource stored (no new request).
    mark = op.mark()
    read = ansible('lookup_token.yml', {'lookup_scope': ['api:read', 'api:write']}, env=lookup_env(op, 'csjwt', tmp_path / 'store'))
    assert read.rc == 0, read.output[-3000:]
    assert op.count('request', path=op.token_endpoint(), since=mark) == 0
    # Revoke it at the OP (RFC 7009), authenticating with a client_secret_jwt assertion.
    client = op.clients['csjwt']
    endpoint = op.discovery()['revocation_endpoint']
    now = int(time.time())
    assertion = jwt.encode(
        {'iss': client['client_id'], 'sub': client['client_id'], 'aud': endpoint, 'iat': now, 'exp': now + 60, 'jti': str(uuid.uuid4())},
        client['client_secret'].encode(),
        algorithm='HS256',
    )
    revoked = requests.post(
        endpoint,
        data={
            'token': read.result['token'],
            'client_id': client['client_id'],
            'client_assertion': assertion,
            'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        },
        verify=op.ca_path,
        timeout=10,
    )
    assert revoked.status_code == 200
    scim.reset()  # forget the cached introspection answer (3 s), as a server whose cache expired would
    seed(scim, USERS[:1])
    mark, scim_mark = op.mark(), scim.mark()
    assert task()['unchanged'] == ['alice']
    # One 401 on the stale token, one new token, then every step succeeds.
    assert scim.count(status=401, since=scim_mark) == 1
    assert op.count('request', path=op.token_endpoint(), since=mark) == 1


@pytest.mark.parametrize('flaky_scim', [{'PUT /v2/Users/*': [400, 1]}], indirect=True)
def test_failure_names_the_object_and_keeps_what_succeeded(op, ansible, flaky_scim):
    admin = flaky_scim.admin_session()
    assert admin.post(flaky_scim.base_url + '/Users', json={'userName': 'bob', 'active': False}).status_code == 201
    token = flaky_scim.token()
    run = ansible(
        'api_resource_once.yml',
        {
            'scim_url': flaky_scim.base_url,
            'scim_bearer_token': token,
            'scim_ca_path': op.ca_path,
            'scim_users': [{'userName': 'carl'}, {'userName': 'bob', 'active': True}],
        },
        secrets=[token],
    )
    result = run.result
    assert result['failed'] is True
    assert result['msg'].startswith(f"Failed to update Users 'bob' at {flaky_scim.base_url}/Users/")
    assert result['msg'].endswith('Injected fault [HTTP 400]')
    # carl was created before bob failed, and the failed result says so, and that the run changed something.
    assert result['created'] == ['carl'] and result['updated'] == [] and result['changed'] is True
    assert flaky_scim.count('PUT') == 1


PASSWORD = 'Initial-pa55word-never-shown'


def role_auth(op):
    client = op.clients['csjwt']
    return {
        'issuer': op.issuer,
        'client_id': client['client_id'],
        'client_secret': client['client_secret'],
        'ca_path': op.ca_path,
        'scope': ['api:read', 'api:write'],
    }


@pytest.mark.core_sensitive
def test_role_converges_users_and_groups_and_says_what_changed(op, ansible, scim, tmp_path):
    """The scim_provision role: check mode writes nothing, the first run writes each object once, the second
    nothing. at verbosity 0 the role prints what changed in words; --diff shows group
    members by userName (not ids, not null for users still to create) and never the write-only password."""
    users = [dict(USERS[0], password=PASSWORD), USERS[1], USERS[2]]
    variables = {'scim_url': scim.base_url, 'scim_users': users, 'scim_groups': GROUPS, 'scim_auth': role_auth(op)}
    env = {'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}
    mark = scim.mark()
    checked = ansible('role_scim_provision_once.yml', variables, env=env, check=True, verbosity=0, extra_args=['--diff'], secrets=[PASSWORD])
    assert checked.rc == 0, checked.output[-3000:]
    assert scim.writes(since=mark) == 0
    assert '"Users: would create 3 (alice, bob, carol)"' in checked.output
    assert '"Groups: would create 2 (admins, empty)"' in checked.output
    # The group diff names its members; the users have no id yet in check mode.
    assert '+    "members": [\n+        "alice",\n+        "bob"\n+    ]' in checked.output, checked.output
    assert 'null' not in checked.output
    first = ansible('role_scim_provision_once.yml', variables, env=env, verbosity=0, extra_args=['--diff'], secrets=[PASSWORD])
    assert first.rc == 0, first.output[-3000:]
    assert '"Users: created 3 (alice, bob, carol)"' in first.output and '"Groups: created 2 (admins, empty)"' in first.output
    assert scim.writes(since=mark) == len(USERS) + len(GROUPS)
    admin = scim.admin_session()
    ids = {u['userName']: u['id'] for u in admin.get(scim.base_url + '/Users').json()['Resources']}
    assert not any(user_id in first.output for user_id in ids.values())
    groups = {g['displayName']: g for g in admin.get(scim.base_url + '/Groups').json()['Resources']}
    names = {user_id: name for name, user_id in ids.items()}
    assert sorted(names[m['value']] for m in groups['admins']['members']) == ['alice', 'bob']
    assert not groups['empty'].get('members')
    # The password was never compared: the run after, at -vvvv (its output scanned for the password and every
    # client secret), creates nothing and changes nothing.
    mark = scim.mark()
    second = ansible('role_scim_provision_once.yml', variables, env=env, secrets=[PASSWORD])
    assert second.rc == 0, second.output[-3000:]
    assert 'Users: unchanged 3' in second.output and 'Groups: unchanged 2' in second.output
    assert recap_changed(second.output) == 0
    assert scim.writes(since=mark) == 0


@pytest.mark.core_sensitive
@pytest.mark.parametrize(
    'auth_change, message',
    [
        # A misspelt key: the role's first task names it and the closest valid one.
        ({'timout': 5}, 'scim_provision_auth.timout is not a connection option of jwtauth.oidc.api_resource (did you mean timeout?)'),
        # A key the role used to drop: it reaches the module, which checks its range.
        ({'timeout': 0}, 'timeout must be between 1 and 3600 seconds, got 0'),
    ],
)
def test_role_auth_keys_are_checked_and_passed_on(op, ansible, scim, tmp_path, auth_change, message):
    """an unknown scim_provision_auth key fails with its name; a known one is passed on, not dropped."""
    variables = {'scim_url': scim.base_url, 'scim_users': [{'userName': 'dave'}], 'scim_auth': dict(role_auth(op), **auth_change)}
    mark = scim.mark()
    run = ansible('role_scim_provision_once.yml', variables, env={'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}, verbosity=0)
    assert run.rc != 0
    assert message in run.output, run.output[-3000:]
    assert scim.count(since=mark) == 0


@pytest.mark.parametrize('named', [['password'], []], ids=['named', 'by-rfc7643'])
def test_write_only_password_is_sent_never_compared_never_shown(op, scim, tmp_path, named):
    """In process against the real SCIM server: a password is sent on create, not compared after,
    sent again only when asked, and never in the result, its diff or its msg; whether or not the task names it
    (RFC 7643 section 4.1 makes a SCIM password writeOnly, returned never)."""
    task = resource_task(
        op,
        scim,
        tmp_path,
        items=[{'userName': 'carol', 'password': PASSWORD, 'active': True}],
        write_only_keys=named,
        bearer_token=scim.token(),
        **NO_CLIENT,
    )

    def converge(**task_args):
        result = task(diff=True, **task_args)
        assert PASSWORD not in json.dumps(result)
        return result

    mark = scim.mark()
    assert converge()['created'] == ['carol']
    assert converge()['msg'] == 'Users: unchanged 1'
    assert scim.writes(since=mark) == 1
    # The server never returns it (RFC 7643 section 7): comparing it would make every run an update.
    admin = scim.admin_session()
    listed = admin.get(scim.base_url + '/Users').json()['Resources']
    assert [u.get('password') for u in listed] == [None]
    again = converge(send_write_only='always')
    assert again['updated'] == ['carol'] and again['diff'][0]['before'] == again['diff'][0]['after']
    assert scim.writes(since=mark) == 2


def test_item_errors_name_the_place_not_the_password(op, scim, tmp_path):
    task = resource_task(op, scim, tmp_path, items=[{'userName': 'erin'}, {'username': 'frank', 'password': PASSWORD}], bearer_token=scim.token(), **NO_CLIENT)
    mark = scim.mark()
    with pytest.raises(ConfigurationError) as caught:
        task()
    assert str(caught.value) == 'items[1] has no value for its key userName'
    assert scim.writes(since=mark) == 0


def test_url_at_the_scim_root_says_so_before_writing(op, scim, tmp_path):
    """RFC 7644 section 3.4.2.1: the root lists every resource type, so users are "found" there, and a create at the
    root answers 405. Said before any write, with what to add to the URL."""
    seed(scim, USERS[:1])
    task = resource_task(op, scim, tmp_path, url=scim.base_url, items=[USERS[0], {'userName': 'dave'}], bearer_token=scim.token(), **NO_CLIENT)
    mark = scim.mark()
    with pytest.raises(ConfigurationError) as caught:
        task()
    assert str(caught.value) == (
        f'url {scim.base_url} is the SCIM service root, not a resource collection: end it with the resource endpoint, for example /Users or '
        '/Groups; nothing was written'
    )
    assert scim.writes(since=mark) == 0
