# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jwtauth.oidc.api_info against the real SCIM server and the PingOne-shaped Management API test server.

The reads run in process, as the action plugin runs them, with a token of the real OP through the token store; the
secret read runs through ansible-playbook at -vvvv, whose output is scanned for the secret the registered result holds.
"""

from __future__ import annotations

import pytest

from servers import hostile
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_info_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ResourceError
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_info_task

from conftest import in_context, validated
from test_api_resource import USERS, seed
from test_pingone_api_server import WEB_APP
from test_token_lookup import lookup_env
from test_token_module import client_options


def info_task(op, tmp_path, **defaults):
    """A function that runs the api_info task in process with a client_credentials token of the real OP."""
    defaults = dict(client_options(op, 'csjwt'), token_store_path=str(tmp_path / 'store'), scope=['api:read', 'api:write'], **defaults)

    def run(**args):
        return in_context(run_info_task, validated(api_info_module_kwargs(), dict(defaults, **args)))

    return run


def test_one_object_and_an_absent_one(op, scim, tmp_path):
    ids = seed(scim, USERS)
    read = info_task(op, tmp_path)
    alice = read(url=f'{scim.base_url}/Users/{ids["alice"]}', query='name.givenName')
    assert alice['found'] is True and alice['object']['userName'] == 'alice' and alice['value'] == 'Alice'
    assert alice['changed'] is False and alice['secrets'] is False and alice['requests'] == 1
    gone = read(url=f'{scim.base_url}/Users/no-such-user', not_found='absent')
    assert gone['found'] is False and gone['object'] is None
    with pytest.raises(ResourceError) as failed:
        read(url=f'{scim.base_url}/Users/no-such-user')
    assert '/Users/no-such-user' in str(failed.value) and 'HTTP 404' in str(failed.value)


def test_a_collection_selected_and_queried(op, scim, tmp_path):
    seed(scim, USERS)
    read = info_task(op, tmp_path, url=scim.base_url + '/Users', list=True, api_style='scim', page_size=2)
    active = read(select_query='active', query='sort([].userName)')
    # Three users over two pages of two: the second page was read, and the inactive carol left out.
    assert active['count'] == 2 and active['value'] == ['alice', 'bob'] and active['found'] is True and active['requests'] == 2
    none = read(select_query="userName == 'dave'")
    assert none['count'] == 0 and none['objects'] == [] and none['found'] is False


def test_pingone_lists_page_by_limit_only_where_the_contract_declares_it(op, p1api, tmp_path):
    admin = p1api.admin_session()
    for name in ('a', 'b', 'c'):
        assert admin.post(p1api.collection_url('populations'), json={'name': name}).status_code == 201
    read = info_task(op, tmp_path, list=True, api_style='pingone', page_size=2, query='[].name')
    populations = read(url=p1api.collection_url('populations'))
    assert sorted(populations['value']) == ['a', 'b', 'c'] and populations['requests'] == 2


def test_a_new_object_read_through_the_404s_of_eventual_consistency(op, p1api_server, tmp_path):
    """PingOne answers 404 for a moment after a create (eventual consistency): with parent_created the read is sent
    again, and the result warns that it was; without, the 404 fails the task, naming the URL."""
    api = p1api_server.reset(not_found_after_create=True)
    admin = api.admin_session()
    read = info_task(op, tmp_path)
    first = admin.post(api.collection_url('applications'), json=WEB_APP).json()['id']
    with pytest.raises(ResourceError) as failed:
        read(url=api.collection_url('applications', first))
    assert f'/applications/{first}' in str(failed.value) and 'HTTP 404' in str(failed.value)
    second = admin.post(api.collection_url('applications'), json=dict(WEB_APP, name='Portal 2')).json()['id']
    mark = api.mark()
    found = read(url=api.collection_url('applications', second), parent_created=True)
    assert found['found'] is True and found['object']['name'] == 'Portal 2'
    assert api.count('GET', f'{api.env_path}/applications/{second}', since=mark, status=404) == 1
    assert api.count('GET', f'{api.env_path}/applications/{second}', since=mark, status=200) == 1
    assert any('HTTP 404 1 time' in warning for warning in found['warnings']), found.get('warnings')


def test_a_secret_read_through_a_429(op, p1api_server, tmp_path):
    api = p1api_server.reset(fail_first={f'GET {p1api_server.env_path}/applications*': [429, 1]})
    app = api.admin_session().post(api.collection_url('applications'), json=WEB_APP).json()['id']
    mark = api.mark()
    secret = info_task(op, tmp_path)(url=api.collection_url('applications', app, 'secret'), query='secret')
    assert secret['secrets'] is True and len(secret['value']) >= 64
    # PingOne's 429 carries Retry-After (here 1 s): the read was sent once more, after it.
    assert api.count('GET', f'{api.env_path}/applications/{app}/secret', since=mark, status=429) == 1
    assert api.count('GET', f'{api.env_path}/applications/{app}/secret', since=mark, status=200) == 1


def test_a_secret_is_never_shown_and_the_registered_result_keeps_it(op, ansible, p1api, tmp_path):
    app = p1api.admin_session().post(p1api.collection_url('applications'), json=WEB_APP).json()['id']
    held = p1api.admin_session().get(p1api.collection_url('applications', app, 'secret')).json()['secret']
    env = lookup_env(op, 'csjwt', tmp_path / 'store')
    run = ansible('api_info.yml', {'info_url': p1api.collection_url('applications', app, 'secret')}, env=env, secrets=[held])
    assert run.rc == 0, run.output[-3000:]
    assert run.result['object']['secret'] == held and run.result['secrets'] is True
    # The task's own line at -vvvv is censored, not merely the secret's value masked.
    assert 'the output has been hidden due to the fact that' in run.output


def test_an_environment_pingone_does_not_know_is_named_in_the_message(op, p1api, tmp_path):
    """PingOne answers 403 ACCESS_FAILED, not 404, for an environment ID it does not know (the go-client's 403 model):
    the message says what that usually means, the environment ID in the URL first."""
    elsewhere = p1api.base_url + '/environments/0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/populations'
    with pytest.raises(ResourceError) as failed:
        info_task(op, tmp_path, list=True, api_style='pingone')(url=elsewhere)
    message = str(failed.value)
    assert 'HTTP 403' in message and 'ACCESS_FAILED' in message and 'check the environment ID in the URL' in message


SECRET_PATH = '/v1/environments/e1/applications/a1/secret'
HOSTILE_TOKEN = 'api-info-bearer-token-not-for-other-origins'


def hostile_read(server, **args):
    """api_info's task in process against ``server`` with a static bearer token: the result, or the error raised."""
    given = dict({'url': server.url(SECRET_PATH), 'bearer_token': HOSTILE_TOKEN, 'ca_path': server.ca_path, 'retries': 0, 'timeout': 10}, **args)
    return in_context(run_info_task, validated(api_info_module_kwargs(), given))


@pytest.mark.parametrize('elsewhere', ['plain_server', 'other_origin'])
def test_a_redirect_of_the_secret_read_is_not_followed(hostile_server, plain_server, tmp_path, elsewhere):
    """What ansible.builtin.uri did for the role: follow a 302 to another origin (plain http included) with the
    worker's bearer token and accept the secret from there. The collection's client follows no redirect."""
    with hostile.Hostile(tmp_path / 'other') as other:
        target = plain_server if elsewhere == 'plain_server' else other
        target.route('GET', SECRET_PATH, lambda req: hostile.json_answer(200, {'secret': 'forged'}))
        hostile_server.route('GET', SECRET_PATH, lambda req: (302, {'Location': target.url(SECRET_PATH)}, b''))
        with pytest.raises(ResourceError) as failed:
            hostile_read(hostile_server)
        assert target.requests == [] and len(hostile_server.requests) == 1
        assert 'HTTP 302' in str(failed.value) and HOSTILE_TOKEN not in str(failed.value)


def test_netrc_credentials_never_replace_the_bearer_token(hostile_server, tmp_path, monkeypatch):
    """uri reads ~/.netrc, whose password then replaces the bearer token; the collection's client never reads it."""
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login ambient password ambient-password\n')
    netrc.chmod(0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    hostile_server.route('GET', SECRET_PATH, lambda req: hostile.json_answer(200, {'secret': 's' * 64}))
    assert hostile_read(hostile_server)['secrets'] is True
    (received,) = hostile_server.received(SECRET_PATH)
    assert received.headers['Authorization'] == 'Bearer ' + HOSTILE_TOKEN


def test_a_401_says_where_the_bearer_token_came_from(op, hostile_server, tmp_path):
    """An API that refuses the token (RFC 6750 invalid_token), a renewed one too: the message says the API refused the
    bearer token and from which issuer, client and scope it came, so the fix is findable; the token never shows."""

    def refuse(request):
        return 401, {'WWW-Authenticate': 'Bearer error="invalid_token"', 'Content-Type': 'application/json'}, b'{"detail": "bearer token not accepted"}'

    hostile_server.route('GET', SECRET_PATH, refuse)
    context = TaskContext()
    options = dict(client_options(op, 'csjwt'), token_store_path=str(tmp_path / 'store'), scope=['api:read'], url=hostile_server.url(SECRET_PATH))
    bundle = tmp_path / 'ca-bundle.pem'  # the OP and the API each have a CA of their own
    bundle.write_text(open(op.ca_path).read() + open(hostile_server.ca_path).read())
    options['ca_path'] = str(bundle)
    with pytest.raises(ResourceError) as failed:
        in_context(run_info_task, validated(api_info_module_kwargs(), options), context=context)
    message = str(failed.value)
    client = op.clients['csjwt']['client_id']
    assert f'the API refused the bearer token, a client_credentials token of client {client} from {op.issuer} (scope: api:read), renewed once' in message
    assert 'bearer token not accepted [HTTP 401]' in message  # the server's own words survive the masking
    assert len(hostile_server.requests) == 2 and not [token for token in context.minted if token in message]


def test_a_401_to_a_static_token_says_it_is_never_renewed(hostile_server):
    hostile_server.route('GET', SECRET_PATH, lambda req: hostile.json_answer(401, {'detail': 'expired'}))
    with pytest.raises(ResourceError) as failed:
        hostile_read(hostile_server)
    assert 'the API refused the bearer token, the one given in bearer_token, which is never renewed (it may have expired)' in str(failed.value)
    assert HOSTILE_TOKEN not in str(failed.value)


def test_http_trace_says_what_was_sent_and_what_came_back_never_a_secret(op, ansible, p1api_server, tmp_path):
    """For support: every exchange of the task, its status and time, PingOne's Correlation-Id, and the wait a 429 asked
    for; the lookup shows its own in the job output. The run's -vvvv output is scanned for every secret and token."""
    api = p1api_server.reset(fail_first={f'GET {p1api_server.env_path}/populations*': [429, 1]})
    env = lookup_env(op, 'csjwt', tmp_path / 'store')
    run = ansible('http_trace.yml', {'info_url': api.collection_url('populations')}, env=env)
    assert run.rc == 0, run.output[-3000:]
    trace = run.result['trace']
    discovery, token, refused, wait, listed = trace
    assert (discovery['method'], discovery['url'], discovery['status']) == ('GET', op.issuer + '/.well-known/openid-configuration', 200)
    assert (token['method'], token['url'], token['status'], token['attempt']) == ('POST', op.token_endpoint(), 200, 1)
    assert (refused['method'], refused['url'], refused['status'], refused['attempt']) == ('GET', api.collection_url('populations') + '?limit=100', 429, 1)
    assert wait == {'wait': 1, 'before_attempt': 2, 'why': 'HTTP 429'}  # the test server's Retry-After: 1
    assert (listed['status'], listed['attempt']) == (200, 2) and listed['correlation_id'] != refused['correlation_id']
    assert all(isinstance(entry.get('seconds', 0), (int, float)) for entry in trace)
    assert all(
        set(entry) <= {'method', 'url', 'status', 'attempt', 'seconds', 'correlation_id', 'throttled', 'error', 'wait', 'before_attempt', 'why'}
        for entry in trace
    )
    assert run.result['looked_up'] is True
    shown = [line for line in run.output.splitlines() if 'jwtauth.oidc.token: http_trace: ' in line]
    assert len(shown) == 2 and '"/.well-known/openid-configuration' not in shown[1]  # discovery, then the token request
    assert f'"url": "{op.token_endpoint()}"' in shown[1] and '"method": "POST"' in shown[1] and '"status": 200' in shown[1]
