# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""api_resource against a collection server that lies: links to other origins, loops, endless pages, bad shapes.

Each test runs the library in process (``run_resource_task`` with options validated like the module's),
then asserts on what the servers received, above all that no request carrying the bearer token went
anywhere but the origin of ``url``, and on the message.
"""

from __future__ import annotations

import json
import time

import pytest

from servers import hostile
from servers.hostile import json_answer

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import http_client_for
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_resource_task
from conftest import in_context

TOKEN = 'hardening-bearer-token-not-for-other-origins'
PASSWORD = 'S3cret-password-of-an-item'
USERS_PATH = '/v1/environments/e1/users'
SCIM_PATH = '/v2/Users'


def options(server, path, **task_args):
    """The module's validated parameters for a task against ``server``, with a static bearer token."""
    args = dict({'url': server.url(path), 'key': 'userName', 'bearer_token': TOKEN, 'ca_path': server.ca_path, 'retries': 0, 'timeout': 10}, **task_args)
    validation = ArgumentSpecValidator(**api_resource_module_kwargs()).validate(args)
    assert not validation.error_messages, validation.error_messages
    return validation.validated_parameters


def converge_fails(opts, check_mode=False):
    """The message of the OIDCError a run raises; it never holds the token or an item's password."""
    with pytest.raises(OIDCError) as caught:
        in_context(run_resource_task, opts, check_mode=check_mode)
    message = str(caught.value)
    assert TOKEN not in message and PASSWORD not in message
    assert TOKEN not in json.dumps(caught.value.details) and PASSWORD not in json.dumps(caught.value.details)
    return message


def bearer_requests(server):
    return [r for r in server.requests if 'Authorization' in r.headers]


@pytest.fixture
def other_https(tmp_path):
    """Another HTTPS origin on the same host: only the port differs."""
    with hostile.Hostile(tmp_path / 'other') as server:
        yield server


def hal_page(users, next_href=None):
    page = {'_embedded': {'users': users}, 'count': len(users)}
    if next_href is not None:
        page['_links'] = {'next': {'href': next_href}}
    return page


def user(name, **extra):
    return dict({'id': 'id-' + name, 'userName': name, 'active': True}, **extra)


@pytest.mark.parametrize('elsewhere', ['plain_server', 'other_https'])
def test_next_link_to_another_origin_gets_nothing(hostile_server, elsewhere, request):
    """A next link to http on the same host, or to https on another port: refused before any request to it."""
    other = request.getfixturevalue(elsewhere)
    other.route('GET', USERS_PATH, lambda req: json_answer(200, hal_page([user('bob')])))
    link = other.url(USERS_PATH + '?cursor=2')
    hostile_server.route('GET', USERS_PATH, lambda req: json_answer(200, hal_page([user('alice')], link)))
    message = converge_fails(options(hostile_server, USERS_PATH, items=[{'userName': 'alice'}]))
    assert other.requests == []
    assert [r.method for r in hostile_server.requests] == ['GET']
    why = (
        'is http, not https'
        if elsewhere == 'plain_server'
        else f'is on another origin (https://127.0.0.1:{other.port}) than url (https://127.0.0.1:{hostile_server.port})'
    )
    assert message == (
        f'Failed to list {hostile_server.url(USERS_PATH)}: the next link of page {hostile_server.url(USERS_PATH)}, {link}, {why}; the bearer token '
        'goes only to the origin of url, over https'
    )


@pytest.mark.parametrize('state, link_field', [('present', 'meta'), ('absent', 'meta'), ('present', '_links')])
def test_object_link_to_another_origin_gets_no_token_and_no_body(hostile_server, plain_server, state, link_field):
    """An http meta.location (or HAL self link) of an object to update or delete: refused before the first write."""
    location = plain_server.url(SCIM_PATH + '/id-alice')
    alice = user('alice', meta={'location': location}) if link_field == 'meta' else user('alice', _links={'self': {'href': location}})
    page = {'schemas': ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], 'totalResults': 1, 'Resources': [alice]}
    hostile_server.route('GET', SCIM_PATH, lambda req: json_answer(200, page))
    plain_server.route('*', SCIM_PATH + '/id-alice', lambda req: json_answer(200, alice))
    # carol is new: her create comes first in the plan, and must not be sent either.
    items = [{'userName': 'carol'}, {'userName': 'alice', 'active': False, 'password': PASSWORD}]
    message = converge_fails(options(hostile_server, SCIM_PATH, api_style='scim', items=items, state=state))
    assert plain_server.requests == []
    assert [r.method for r in hostile_server.requests] == ['GET']
    field = 'meta.location' if link_field == 'meta' else '_links.self.href'
    kind = 'update' if state == 'present' else 'delete'
    assert message == (
        f"Failed to {kind} Users 'alice': its {field}, {location}, is http, not https; the bearer token goes only to the origin of url, over https"
    )


def test_check_mode_refuses_the_same_links(hostile_server, plain_server):
    """Check mode says what the real run would do: fail on the link, having written nothing anyway."""
    alice = user('alice', meta={'location': plain_server.url(SCIM_PATH + '/id-alice')})
    hostile_server.route('GET', SCIM_PATH, lambda req: json_answer(200, {'totalResults': 1, 'Resources': [alice]}))
    message = converge_fails(options(hostile_server, SCIM_PATH, api_style='scim', items=[{'userName': 'alice', 'active': False}]), check_mode=True)
    assert message.startswith("Failed to update Users 'alice': its meta.location")
    assert plain_server.requests == []


def test_relative_hal_links_are_followed_on_the_same_origin(hostile_server):
    """PingOne-style relative links: the next page and the object's self link resolve against the page that carried them."""
    second = USERS_PATH + '?cursor=2'
    bob = user('bob', _links={'self': {'href': 'users/id-bob'}})
    hostile_server.route(
        'GET', USERS_PATH, lambda req: json_answer(200, hal_page([user('alice')], second) if req.query.get('cursor') != '2' else hal_page([bob]))
    )
    hostile_server.route('PUT', USERS_PATH + '/id-bob', lambda req: json_answer(200, dict(bob, active=False)))
    result = in_context(run_resource_task, options(hostile_server, USERS_PATH, items=[{'userName': 'alice'}, {'userName': 'bob', 'active': False}]))
    assert result['updated'] == ['bob'] and result['unchanged'] == ['alice']
    assert [(r.method, r.path, r.query) for r in hostile_server.requests] == [
        ('GET', USERS_PATH, {}),
        ('GET', USERS_PATH, {'cursor': '2'}),
        ('PUT', USERS_PATH + '/id-bob', {}),
    ]
    assert all(r.headers['Authorization'] == 'Bearer ' + TOKEN for r in hostile_server.requests)
    assert hostile_server.requests[2].json['active'] is False


@pytest.mark.parametrize(
    'next_of',
    [
        lambda server: USERS_PATH,  # a next link to itself, written relative
        lambda server: server.url(USERS_PATH),  # the same, absolute
    ],
)
def test_next_link_to_itself_is_one_request_and_an_error(hostile_server, next_of):
    link = next_of(hostile_server)
    hostile_server.route('GET', USERS_PATH, lambda req: json_answer(200, hal_page([user('alice')], link)))
    message = converge_fails(options(hostile_server, USERS_PATH, items=[{'userName': 'alice'}]))
    assert len(hostile_server.requests) == 1
    url = hostile_server.url(USERS_PATH)
    assert message == (
        f'Failed to list {url}: the next link of page {url} leads back to itself, already read; stopping rather than return part of the collection'
    )


def test_two_page_loop_is_two_requests_and_an_error(hostile_server):
    hostile_server.route(
        'GET',
        USERS_PATH,
        lambda req: json_answer(200, hal_page([user('alice')], '?cursor=2') if req.query.get('cursor') != '2' else hal_page([user('bob')], USERS_PATH)),
    )
    message = converge_fails(options(hostile_server, USERS_PATH, items=[{'userName': 'alice'}], prune=True))
    assert len(hostile_server.requests) == 2
    assert f'the next link of page {hostile_server.url(USERS_PATH)}?cursor=2 leads back to {hostile_server.url(USERS_PATH)}, already read' in message


def test_scim_page_repeated_for_ever_stops_at_the_second_request(hostile_server):
    """totalResults 10**9 and the same page whatever startIndex says: it made hundreds of requests before."""
    page = {'totalResults': 10**9, 'itemsPerPage': 2, 'startIndex': 1, 'Resources': [user('alice'), user('bob')]}
    hostile_server.route('GET', SCIM_PATH, lambda req: json_answer(200, page))
    message = converge_fails(options(hostile_server, SCIM_PATH, api_style='scim', items=[{'userName': 'carol'}], page_size=2, read_strategy='list'))
    assert [r.query for r in hostile_server.requests] == [{'startIndex': '1', 'count': '2'}, {'startIndex': '3', 'count': '2'}]
    assert message == (
        f'Failed to list {hostile_server.url(SCIM_PATH)}: the page at startIndex 3 repeats objects already read (no new id), but '
        f'totalResults is 1000000000 (page {hostile_server.url(SCIM_PATH)}?startIndex=3&count=2); it lists 2 of its 1000000000 objects'
    )


def test_a_filter_answer_that_says_it_matched_more_than_it_holds_is_an_error(hostile_server):
    """read_strategy auto leaves such a list for filter reads; their answers are held to the same rule: all or fail."""
    page = {'totalResults': 10**9, 'itemsPerPage': 2, 'startIndex': 1, 'Resources': [user('alice'), user('bob')]}
    hostile_server.route('GET', SCIM_PATH, lambda req: json_answer(200, page))
    hostile_server.route('POST', SCIM_PATH + '/.search', lambda req: json_answer(200, page))
    message = converge_fails(options(hostile_server, SCIM_PATH, api_style='scim', items=[{'userName': 'carol'}, {'userName': 'alice'}], page_size=2))
    assert [(r.method, r.path) for r in hostile_server.requests] == [('GET', SCIM_PATH)] * 2 + [('POST', SCIM_PATH + '/.search')]
    assert hostile_server.requests[2].json == {
        'schemas': ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        'filter': 'userName eq "carol" or userName eq "alice"',
        'startIndex': 1,
        'count': 2,
    }
    assert message == (
        f'Failed to list {hostile_server.url(SCIM_PATH)}: a filter for 2 objects matched 1000000000 but the answer holds 2 (filter at '
        f'{hostile_server.url(SCIM_PATH)}/.search); lower filter_chunk'
    )


def test_scim_empty_page_before_totalresults_is_an_error(hostile_server):
    def answer(req):
        resources = [user('alice')] if req.query['startIndex'] == '1' else []
        return json_answer(200, {'totalResults': 10**9, 'Resources': resources})

    hostile_server.route('GET', SCIM_PATH, answer)
    message = converge_fails(options(hostile_server, SCIM_PATH, api_style='scim', items=[{'userName': 'carol'}], read_strategy='list'))
    assert len(hostile_server.requests) == 2
    assert message.startswith(f'Failed to list {hostile_server.url(SCIM_PATH)}: the page at startIndex 2 is empty, but totalResults is 1000000000')


def test_endless_fresh_pages_stop_at_max_pages(hostile_server):
    """A server that makes up a new cursor and a new object on every page: bounded by MAX_PAGES (1000)."""

    def answer(req):
        cursor = int(req.query.get('cursor', '0'))
        return json_answer(200, hal_page([user(f'u{cursor}')], f'?cursor={cursor + 1}'))

    hostile_server.route('GET', USERS_PATH, answer)
    started = time.monotonic()
    message = converge_fails(options(hostile_server, USERS_PATH, items=[{'userName': 'u0'}]))
    assert len(hostile_server.requests) == 1000
    assert message == (
        f'Failed to list {hostile_server.url(USERS_PATH)}: more than 1000 pages, the last at {hostile_server.url(USERS_PATH)}?cursor=999; stopping '
        'rather than return part of the collection'
    )
    # The request count is the bound; the time only shows no wait between pages (a second per page would be
    # 1000 s). A thousand TLS connections took over 60 s on a loaded 2-core machine, hence the margin.
    assert time.monotonic() - started < 300


SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

# What the SCIM server answers to the first list request -> why "Failed to list <url>: " says it failed
BAD_SCIM_ANSWERS = [
    ({'schemas': [SCIM_LIST], 'totalResults': '5', 'Resources': [user('alice')]}, 'totalResults is a string, not a whole number'),
    ({'schemas': [SCIM_LIST], 'Resources': [user('alice')]}, 'the answer has no totalResults (RFC 7644 section 3.4.2 requires it)'),
    ({'schemas': [SCIM_LIST], 'totalResults': 2, 'Resources': [user('alice', password=PASSWORD), 'bob']}, 'item 2 of Resources is a string, not an object'),
    ({'schemas': [SCIM_LIST], 'totalResults': 1, 'Resources': {'alice': user('alice', password=PASSWORD)}}, 'Resources is an object, not a list'),
    ([user('alice', password=PASSWORD)], 'the answer is a list, not a JSON object'),
    ('Resources', 'the answer is a string, not a JSON object'),
    (None, 'the answer is null, not a JSON object'),
]


@pytest.mark.parametrize('answer, why', BAD_SCIM_ANSWERS)
def test_bad_scim_answers_say_what_was_wrong(hostile_server, answer, why):
    hostile_server.route('GET', SCIM_PATH, lambda req: json_answer(200, answer))
    message = converge_fails(options(hostile_server, SCIM_PATH, api_style='scim', items=[{'userName': 'alice'}]))
    url = hostile_server.url(SCIM_PATH)
    assert message == f'Failed to list {url}: {why} (page {url}?startIndex=1&count=100)'
    assert len(hostile_server.requests) == 1


# What a generic API answers -> why
BAD_GENERIC_ANSWERS = [
    (json_answer(200, 42), 'the answer is a number, not a JSON object or list'),
    (json_answer(200, {'_embedded': {'users': [user('alice', password=PASSWORD), 'bob']}}), 'item 2 of _embedded.users is a string, not an object'),
    (json_answer(200, {'count': 0}), 'no list of objects in the answer (looked for items, data, results, value and _embedded); set items_path'),
    (json_answer(200, dict(hal_page([user('alice')]), _links={'next': {'href': 7}})), '_links.next.href is a number, not a URL'),
    ((200, {'Content-Type': 'application/json'}, b'<html>' + PASSWORD.encode() + b'</html>'), 'the answer is not JSON'),
]


@pytest.mark.parametrize('answer, why', BAD_GENERIC_ANSWERS)
def test_bad_generic_answers_say_what_was_wrong(hostile_server, answer, why):
    hostile_server.route('GET', USERS_PATH, lambda req: answer)
    message = converge_fails(options(hostile_server, USERS_PATH, items=[{'userName': 'alice'}]))
    url = hostile_server.url(USERS_PATH)
    assert message == f'Failed to list {url}: {why} (page {url})'


@pytest.mark.core_sensitive
def test_the_module_fails_with_the_message_and_no_token(hostile_server, plain_server, ansible):
    """Through ansible-playbook at -vvvv: the refusal is the task's msg, and the token appears nowhere in the output."""
    location = plain_server.url(SCIM_PATH + '/id-alice')
    page = {'totalResults': 1, 'Resources': [user('alice', meta={'location': location})]}
    hostile_server.route('GET', SCIM_PATH, lambda req: json_answer(200, page))
    run = ansible(
        'resource_links.yml',
        {
            'collection_url': hostile_server.url(SCIM_PATH),
            'collection_api_style': 'scim',
            'collection_items': [{'userName': 'alice', 'active': False, 'password': PASSWORD}],
            'collection_bearer_token': TOKEN,
            'collection_ca_path': hostile_server.ca_path,
        },
        secrets=[TOKEN, PASSWORD],
    )
    assert run.result['failed'] is True
    assert run.result['msg'] == (
        f"Failed to update Users 'alice': its meta.location, {location}, is http, not https; the bearer token goes only to the origin of url, over https"
    )
    assert plain_server.requests == []
    assert [r.method for r in hostile_server.requests] == ['GET']


def test_a_retried_page_says_so_in_a_warning(hostile_server):
    """The API's HTTP client is built from the options, and its warnings reach the result."""
    answers = [json_answer(503, {'detail': 'busy'}, **{'Retry-After': '0'}), json_answer(200, {'totalResults': 0})]
    hostile_server.route('GET', SCIM_PATH, lambda req: answers.pop(0))
    result = in_context(run_resource_task, options(hostile_server, SCIM_PATH, api_style='scim', items=[{'userName': 'alice'}], retries=1), check_mode=True)
    assert result['created'] == ['alice']
    assert result['warnings'] == [
        (f'List {hostile_server.url(SCIM_PATH)} at {hostile_server.url(SCIM_PATH)}?startIndex=1&count=100: retried 1 time after HTTP 503')
    ]


def test_allow_plain_http_collection_follows_its_own_links_only(plain_server, hostile_server):
    """With allow_plain_http, a loopback http collection may follow http links of its own origin, never https ones elsewhere."""
    own = user('alice', meta={'location': plain_server.url(SCIM_PATH + '/id-alice')})
    away = user('bob', meta={'location': hostile_server.url(SCIM_PATH + '/id-bob')})
    plain_server.route('GET', SCIM_PATH, lambda req: json_answer(200, {'totalResults': 2, 'Resources': [own, away]}))
    plain_server.route('PUT', SCIM_PATH + '/id-alice', lambda req: json_answer(200, dict(own, active=False)))
    opts = dict(options(plain_server, SCIM_PATH, api_style='scim', allow_plain_http=True, items=[{'userName': 'alice', 'active': False}]), ca_path=None)
    result = in_context(run_resource_task, opts)
    assert result['updated'] == ['alice'] and any('allow_plain_http' in text for text in result['warnings'])
    assert [(r.method, r.path) for r in plain_server.requests] == [('GET', SCIM_PATH), ('PUT', SCIM_PATH + '/id-alice')]
    message = converge_fails(dict(opts, items=[{'userName': 'bob', 'active': False}]))
    assert message.startswith(f"Failed to update Users 'bob': its meta.location, {away['meta']['location']}, is on another origin")
    assert hostile_server.requests == []


# -- a SCIM create refused with 409 uniqueness is read back by key and converged as an update


def scim_user(name, **extra):
    return dict(user(name, schemas=['urn:ietf:params:scim:schemas:core:2.0:User']), **extra)


def uniqueness_server(server, dave):
    """A SCIM server that holds dave but does not list him (PingOne lists at most 200, and is eventually
    consistent): the list shows alice only, a filter by userName finds dave, a create of dave is refused."""

    def users(req):
        if 'filter' in req.query:
            found = [dave] if req.query['filter'] == 'userName eq "dave"' else []
            return json_answer(200, {'totalResults': len(found), 'Resources': found})
        return json_answer(200, {'totalResults': 1, 'itemsPerPage': 1, 'startIndex': 1, 'Resources': [scim_user('alice')]})

    server.route('GET', SCIM_PATH, users)
    server.route(
        'POST',
        SCIM_PATH,
        lambda req: json_answer(
            409, {'schemas': ['urn:ietf:params:scim:api:messages:2.0:Error'], 'status': '409', 'scimType': 'uniqueness', 'detail': 'userName is already in use'}
        ),
    )
    server.route('PUT', SCIM_PATH + '/id-dave', lambda req: json_answer(200, dict(dave, **req.json)))


@pytest.mark.parametrize('active, kind', [(False, 'updated'), (True, 'unchanged')])
def test_a_create_refused_as_not_unique_is_adopted(hostile_server, active, kind):
    uniqueness_server(hostile_server, scim_user('dave', active=True))
    result = in_context(run_resource_task, options(hostile_server, SCIM_PATH, api_style='scim', items=[{'userName': 'dave', 'active': active}]))
    assert result[kind] == ['dave'] and result['created'] == [] and result['changed'] is (kind == 'updated')
    assert result['ids'] == {'dave': 'id-dave'}
    assert result['warnings'] == [
        (
            f"Users 'dave' existed although the list of {hostile_server.url(SCIM_PATH)} did not show it: its create was refused (HTTP 409), so it was "
            f'read back by userName and {"updated" if kind == "updated" else "left as it was"}'
        )
    ]
    sent = [(r.method, r.path, r.query.get('filter')) for r in hostile_server.requests]
    # This server has no POST .search (404): the filter goes by GET, as RFC 7644 section 3.4.2.2 has it.
    assert sent == [('GET', SCIM_PATH, None), ('POST', SCIM_PATH, None), ('POST', SCIM_PATH + '/.search', None), ('GET', SCIM_PATH, 'userName eq "dave"')] + (
        [('PUT', SCIM_PATH + '/id-dave', None)] if kind == 'updated' else []
    )


def test_a_409_for_an_object_that_cannot_be_found_stays_a_failure(hostile_server):
    """A 409 whose object no filter finds: looked for 4 times, waiting 0.5, 1 and 2 s between (eventual
    consistency), then the create's own failure, as the server gave it."""
    uniqueness_server(hostile_server, scim_user('dave'))
    opts = options(hostile_server, SCIM_PATH, api_style='scim', items=[{'userName': 'erin'}])
    waits = []
    http = http_client_for(options_of(opts))
    http.sleep = waits.append
    with pytest.raises(OIDCError) as caught:
        in_context(run_resource_task, opts, http=http)
    assert str(caught.value) == f"Failed to create Users 'erin' at {hostile_server.url(SCIM_PATH)}: userName is already in use (scimType uniqueness) [HTTP 409]"
    assert waits == [0.5, 1.0, 2.0]
    assert [r.query.get('filter') for r in hostile_server.requests if r.method == 'GET'][1:] == ['userName eq "erin"'] * 4


def test_requests_of_a_task_reuse_one_connection(tmp_path):
    """Keep-alive: every page of a read goes over one TLS connection, since the bounded body read (_send_once)
    reads each answer to its end. A handshake and a CA bundle load cost more than a request on loopback.
    (scim2-server's wsgiref answers HTTP/1.0 and closes every connection: there the cost is the server's.)"""
    with hostile.Hostile(tmp_path, keep_alive=True) as server:

        def answer(req):
            cursor = int(req.query.get('cursor', '0'))
            return json_answer(200, hal_page([user(f'u{cursor}')], f'?cursor={cursor + 1}' if cursor < 4 else None))

        server.route('GET', USERS_PATH, answer)
        result = in_context(run_resource_task, options(server, USERS_PATH, items=[{'userName': 'u0'}]))
        assert result['unchanged'] == ['u0'] and result['requests'] == 5
        assert len(server.requests) == 5 and len({r.peer for r in server.requests}) == 1
