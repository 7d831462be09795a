# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_collection: reads and writes of one collection against an HttpClient stand-in."""

from __future__ import annotations

import json
import threading

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ResponseError, UnpagedListError
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import collection as resource_collection
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import dialects, plan

ALICE = {'id': 'u1', 'userName': 'alice', 'active': True, 'meta': {'location': 'https://s/v2/Users/u1'}, 'schemas': ['core']}
PASSWORD = 'Pa55-word-of-an-item'
COLLECTION = 'https://api.example.com/v1/environments/e1/users'
SCIM_USERS = 'https://s/v2/Users'


@pytest.mark.parametrize(
    'update_method, api_style, expected',
    [
        ('put', 'scim', {'userName': 'alice', 'active': False, 'password': PASSWORD, 'schemas': ['core']}),
        (
            'patch',
            'scim',
            {
                'schemas': [dialects.SCIM_PATCH_SCHEMA],
                'Operations': [{'op': 'replace', 'path': 'active', 'value': False}, {'op': 'replace', 'path': 'password', 'value': PASSWORD}],
            },
        ),
        ('patch', 'generic', {'active': False, 'password': PASSWORD}),
    ],
)
def test_write_only_values_go_in_the_update_body(update_method, api_style, expected):
    sent = []

    class Recorder:
        def request(self, method, url, what, single_use=False, **kwargs):
            sent.append(json.loads(kwargs['data']))
            return Answer({}, 200)

    users = resource_collection.ResourceCollection(Recorder(), 'https://s/v2/Users', lambda renew=False: 'T', api_style=api_style, update_method=update_method)
    action = plan.plan(
        [{'userName': 'alice', 'active': False, 'password': PASSWORD}],
        [ALICE],
        key='userName',
        server_owned=users.server_owned,
        write_only=['password'],
        send_write_only='on_update',
    )[0]
    users.apply(action)
    assert sent == [expected]


def test_create_body_carries_the_write_only_values():
    sent = []

    class Recorder:
        def request(self, method, url, what, single_use=False, **kwargs):
            sent.append((method, json.loads(kwargs['data'])))
            return Answer({'id': 'u9', 'userName': 'carol'}, 201)

    users = resource_collection.ResourceCollection(Recorder(), 'https://s/v2/Users?x=1', lambda renew=False: 'T', api_style='scim')
    action = plan.plan([{'userName': 'carol', 'password': PASSWORD}], [], key='userName', server_owned=users.server_owned, write_only=['password'])[0]
    assert users.apply(action)['id'] == 'u9'
    # The collection's name leaves the query out, so the core schema is still found.
    assert sent == [('POST', {'userName': 'carol', 'password': PASSWORD, 'schemas': [dialects.SCIM_CORE_SCHEMAS['Users']]})]


class Answer:
    """The parts of a requests response the collection reads."""

    def __init__(self, document, status_code=200, headers=None):
        self.status_code = status_code
        self.text = json.dumps(document)
        self.url = None
        self.headers = headers or {}


class Pages:
    """An HttpClient stand-in that answers each GET from a function of the URL and records the URLs."""

    def __init__(self, answer):
        self.answer = answer
        self.urls = []

    def request(self, method, url, what, single_use=False, **kwargs):
        self.urls.append(url)
        return Answer(self.answer(url))


def collection(answer, **kwargs):
    return resource_collection.ResourceCollection(Pages(answer), COLLECTION, lambda renew=False: 'T', **kwargs)


def test_paging_stops_at_max_pages_with_an_error():
    users = collection(lambda url: {'items': [{'id': url}], 'next': url + 'x'}, max_pages=5)
    with pytest.raises(ResponseError, match=rf'^Failed to list {COLLECTION}: more than 5 pages, the last at {COLLECTION}xxxx; stopping'):
        users.list_all()
    assert len(users.http.urls) == 5


def cursor_pages(sizes):
    """Pages of ``sizes[n]`` new objects each, page n at ``?cursor=n``, the last with no next link."""

    def answer(url):
        number = int(url.rpartition('=')[2]) if '=' in url else 0
        page = {'items': [{'id': f'{number}-{index}'} for index in range(sizes[number])]}
        if number + 1 < len(sizes):
            page['next'] = f'{COLLECTION}?cursor={number + 1}'
        return page

    return answer


@pytest.mark.parametrize(
    'sizes, expected',
    [
        # Full pages do not count against MAX_PAGES (3 here): a PingOne list of 200,000 users and more is 1,000 full pages.
        ([2] * 4 + [1], None),
        ([1] * 3, None),
        ([1] * 4, 'more than 3 pages, the last at'),
        ([2, 2, 1, 1, 1, 1], 'more than 3 pages of fewer than 2 new objects, the last at'),
        # MAX_OBJECTS (9 here) bounds the full pages.
        ([2] * 6, 'more than 9 objects, the last at'),
    ],
)
def test_paging_bounds_the_pages_that_are_not_full_and_the_objects(monkeypatch, sizes, expected):
    monkeypatch.setattr(resource_collection, 'MAX_PAGES', 3)
    monkeypatch.setattr(resource_collection, 'MAX_OBJECTS', 9)
    users = collection(cursor_pages(sizes), page_size=2)
    if expected is None:
        assert len(users.list_all()) == sum(sizes) and len(users.http.urls) == len(sizes)
        return
    with pytest.raises(ResponseError, match=rf'^Failed to list {COLLECTION}: {expected} {COLLECTION}\?cursor=\d; stopping rather than return part'):
        users.list_all()


def test_paging_loop_is_an_error_not_a_partial_list():
    pages = {COLLECTION: '?cursor=2', COLLECTION + '?cursor=2': COLLECTION}
    users = collection(lambda url: {'items': [{'id': url}], '_links': {'next': {'href': pages[url]}}})
    with pytest.raises(ResponseError, match=rf'the next link of page {COLLECTION}\?cursor=2 leads back to {COLLECTION}, already read'):
        users.list_all()
    assert users.http.urls == [COLLECTION, COLLECTION + '?cursor=2']


def test_relative_next_links_and_object_links_resolve_against_their_page():
    pages = {
        COLLECTION: {'_embedded': {'users': [{'id': 'u1'}]}, '_links': {'next': {'href': '/v1/environments/e1/users?cursor=2'}}},
        COLLECTION + '?cursor=2': {'_embedded': {'users': [{'id': 'u2', '_links': {'self': {'href': 'users/u2'}}}]}},
    }
    users = collection(pages.get)
    found = users.list_all()
    assert [u['id'] for u in found] == ['u1', 'u2']
    assert users.object_url(found[0], 'u1') == COLLECTION + '/u1'
    assert users.object_url(found[1], 'u2') == 'https://api.example.com/v1/environments/e1/users/u2'


@pytest.mark.parametrize(
    'obj, message',
    [
        (
            {'id': 'u1', 'meta': {'location': 'http://api.example.com/v1/environments/e1/users/u1'}},
            "Failed to update users 'alice': its meta.location, http://api.example.com/v1/environments/e1/users/u1, is http, not https; "
            'the bearer token goes only to the origin of url, over https',
        ),
        (
            {'id': 'u1', '_links': {'self': {'href': 'https://evil.example/u1'}}},
            "Failed to update users 'alice': its _links.self.href, https://evil.example/u1, is on another origin",
        ),
        ({'userName': 'alice'}, "Failed to update users 'alice': the server gave it no meta.location, _links.self.href or id"),
    ],
)
def test_object_url_refusals(obj, message):
    with pytest.raises(ResponseError) as caught:
        collection(lambda url: {}).object_url(obj, 'alice')
    assert str(caught.value).startswith(message)


def test_object_url_quotes_the_id():
    assert collection(lambda url: {}).object_url({'id': '../admin'}, 'x') == COLLECTION + '/..%2Fadmin'


class Searches:
    """An HttpClient stand-in for filter reads: records (method, url, body) and answers from ``answer(method, url, body)``."""

    def __init__(self, answer):
        self.answer = answer
        self.sent = []
        self.sleep = self.sent.append

    def request(self, method, url, what, single_use=False, **kwargs):
        body = json.loads(kwargs['data']) if kwargs.get('data') else None
        self.sent.append((method, url, body))
        return self.answer(method, url, body)


def users_named(*names):
    return [{'id': 'id-' + name, 'userName': name} for name in names]


def test_search_asks_for_chunks_of_keys_through_search_and_checks_the_answer_again():
    held = {'alice': 'Alice', 'bob': 'bob', 'carol': 'carol'}

    def answer(method, url, body):
        # A loose server: it also sends an object the filter did not name; the client drops it.
        asked = [term.split(' eq ')[1].strip('"') for term in body['filter'].split(' or ')]
        found = users_named(*[held[name] for name in asked if name in held]) + users_named('mallory')
        return Answer({'totalResults': len(found), 'Resources': found})

    http = Searches(answer)
    users = resource_collection.ResourceCollection(http, SCIM_USERS, lambda renew=False: 'T', api_style='scim')
    found = users.search('userName', ['alice', 'bob', 'carol', 'dave', 'erin'], plan.casefolded, chunk=2)
    assert [user['userName'] for user in found] == ['Alice', 'bob', 'carol']
    assert [(method, url, body['filter'], body['count']) for method, url, body in http.sent] == [
        ('POST', SCIM_USERS + '/.search', 'userName eq "alice" or userName eq "bob"', 2),
        ('POST', SCIM_USERS + '/.search', 'userName eq "carol" or userName eq "dave"', 2),
        ('POST', SCIM_USERS + '/.search', 'userName eq "erin"', 1),
    ]
    assert http.sent[0][2]['schemas'] == ['urn:ietf:params:scim:api:messages:2.0:SearchRequest']
    assert users.requests == 3


@pytest.mark.parametrize('status', [404, 405, 501])
def test_search_falls_back_to_get_once_the_server_has_no_search_endpoint(status):
    def answer(method, url, body):
        if method == 'POST':
            return Answer({'detail': 'no'}, status)
        return Answer({'totalResults': 1, 'Resources': users_named('a"b')})

    http = Searches(answer)
    users = resource_collection.ResourceCollection(http, SCIM_USERS, lambda renew=False: 'T', api_style='scim')
    assert [user['userName'] for user in users.search('userName', ['a"b', 'c'], chunk=1)] == ['a"b']
    # The value is a JSON string (RFC 7644 section 3.4.2.2): a quote in a name stays inside it.
    assert [(method, url) for method, url, _body in http.sent] == [
        ('POST', SCIM_USERS + '/.search'),
        ('GET', SCIM_USERS + '?filter=userName+eq+%22a%5C%22b%22&startIndex=1&count=1'),
        ('GET', SCIM_USERS + '?filter=userName+eq+%22c%22&startIndex=1&count=1'),
    ]


def test_a_search_answer_that_holds_less_than_it_matched_fails():
    http = Searches(lambda method, url, body: Answer({'totalResults': 3, 'Resources': users_named('alice')}))
    users = resource_collection.ResourceCollection(http, SCIM_USERS, lambda renew=False: 'T', api_style='scim')
    with pytest.raises(
        ResponseError,
        match=r'a filter for 2 objects matched 3 but the answer holds 1 \(filter at https://s/v2/Users/.search\); '
        'lower filter_chunk$',
    ):
        users.search('userName', ['alice', 'bob'])


def test_a_scim_list_that_ignores_startindex_is_an_unpaged_list_error():
    page = {'totalResults': 500, 'Resources': users_named('alice', 'bob')}
    users = resource_collection.ResourceCollection(Pages(lambda url: page), SCIM_USERS, lambda renew=False: 'T', api_style='scim', page_size=2)
    with pytest.raises(UnpagedListError) as caught:
        users.list_all()
    assert (caught.value.listed, caught.value.total) == (2, 500)
    assert str(caught.value).endswith('(page https://s/v2/Users?startIndex=3&count=2); it lists 2 of its 500 objects')


@pytest.mark.parametrize(
    'reads, found, warned',
    [
        ([200], 'id-new', None),
        (
            [404, 404, 200],
            'id-new',
            "Read the created Users 'new' at https://s/v2/Users/id-new: answered HTTP 404 2 times before it was found (eventual consistency)",
        ),
        ([404] * 4, None, "Users 'new' was created, but reading it back at https://s/v2/Users/id-new gave HTTP 404: its id is unknown"),
    ],
)
def test_a_create_answered_with_location_only_is_read_back(reads, found, warned):
    statuses = iter(reads)
    warnings = []

    def answer(method, url, body):
        if method == 'POST':
            return Answer(None, 201, {'Location': '/v2/Users/id-new'})
        status = next(statuses)
        return Answer({'id': 'id-new', 'userName': 'new'} if status == 200 else {}, status)

    http = Searches(answer)
    http.warn = warnings.append
    users = resource_collection.ResourceCollection(http, SCIM_USERS, lambda renew=False: 'T', api_style='scim')
    (action,) = plan.plan([{'userName': 'new'}], [], key='userName')
    assert (users.apply(action) or {}).get('id') == found
    assert warnings == ([warned] if warned else [])
    sleeps = [entry for entry in http.sent if isinstance(entry, float)]
    assert sleeps == [0.5, 1.0, 2.0][: len(reads) - 1]


def test_a_location_off_the_collections_origin_is_not_followed():
    http = Searches(lambda method, url, body: Answer(None, 201, {'Location': 'https://evil.example/v2/Users/x'}))
    users = resource_collection.ResourceCollection(http, SCIM_USERS, lambda renew=False: 'T', api_style='scim')
    (action,) = plan.plan([{'userName': 'new'}], [], key='userName')
    with pytest.raises(
        ResponseError, match="^Failed to read the created Users 'new': its Location header, https://evil.example/v2/Users/x, is on another origin"
    ):
        users.apply(action)
    assert len(http.sent) == 1


@pytest.mark.parametrize('renewed_elsewhere, renewals', [(False, 1), (True, 0)])
def test_a_401_renews_the_token_unless_another_writer_already_did(renewed_elsewhere, renewals):
    """Parallel writes share one token: after a 401, a request whose token another thread renewed meanwhile takes
    the new one rather than renew it again."""
    store = {'token': 'old', 'renewals': 0, 'reads': 0}

    def source(renew=False):
        if renew:
            store['renewals'] += 1
            store['token'] = 'new'
        else:
            store['reads'] += 1
            if renewed_elsewhere and store['reads'] == 2:
                store['token'] = 'new'  # another writer renewed it between this request's 401 and its retry
        return store['token']

    sent = []

    def answer(method, url, body):
        return Answer({'Resources': [], 'totalResults': 0}, 401 if sent[-1] == 'old' else 200)

    http = Searches(answer)
    real = http.request
    http.request = lambda method, url, what, single_use=False, **kwargs: (
        sent.append(kwargs['headers']['Authorization'].split()[1]),
        real(method, url, what, single_use, **kwargs),
    )[1]
    resource_collection.ResourceCollection(http, SCIM_USERS, source, api_style='scim').list_all()
    assert sent == ['old', 'new'] and store['renewals'] == renewals


def test_search_reads_the_first_chunk_alone_then_the_rest_in_parallel():
    """The first read learns whether the server has .search (here: 405); the other chunks then go by GET, 4 at once."""
    lock = threading.Lock()

    def answer(method, url, body):
        if method == 'POST':
            return Answer({'detail': 'no'}, 405)
        name = url.split('%22')[1]
        return Answer({'totalResults': 1, 'Resources': users_named(name)})

    http = Searches(answer)
    real = http.request

    def request(*args, **kwargs):
        with lock:
            return real(*args, **kwargs)

    http.request = request
    names = [f'u{n:02d}' for n in range(10)]
    users = resource_collection.ResourceCollection(http, SCIM_USERS, lambda renew=False: 'T', api_style='scim')
    found = users.search('userName', names, chunk=1, parallel=4)
    assert sorted(user['userName'] for user in found) == names
    assert [method for method, _url, _body in http.sent] == ['POST'] + ['GET'] * 10


@pytest.mark.parametrize(
    'api_style, url, first',
    [
        ('pingone', 'https://api.pingone.eu/v1/environments/e1/users', 'https://api.pingone.eu/v1/environments/e1/users?limit=100'),
        ('pingone', 'https://api.pingone.eu/v1/environments/e1/users?limit=20', 'https://api.pingone.eu/v1/environments/e1/users?limit=20'),
        ('generic', 'https://api.example.com/v1/users', 'https://api.example.com/v1/users'),
    ],
)
def test_the_first_page_of_a_pingone_list_asks_for_page_size_objects(api_style, url, first):
    assert resource_collection.ResourceCollection(Pages(lambda u: {}), url, lambda renew=False: 'T', api_style=api_style).first_page() == first


@pytest.mark.parametrize(
    'update_method, expected',
    [
        ('put', ('PUT', 'application/json', {'name': 'Staff', 'description': 'new', 'theme': {'id': 't1'}})),
        ('patch', ('PATCH', 'application/json', {'description': 'new'})),
    ],
)
def test_a_pingone_update_sends_back_no_server_owned_field(update_method, expected):
    """PingOne's PUT replaces the whole object: what the server holds goes back, less what PingOne owns."""
    held = {
        'id': 'p1',
        'environment': {'id': 'e1'},
        'name': 'Staff',
        'description': 'old',
        'theme': {'id': 't1'},
        'userCount': 7,
        'createdAt': '2026-01-01T00:00:00.000Z',
        'updatedAt': '2026-01-02T00:00:00.000Z',
        '_links': {'self': {'href': 'https://api.pingone.eu/v1/environments/e1/populations/p1'}},
    }
    sent = []

    class Recorder:
        def request(self, method, url, what, single_use=False, **kwargs):
            sent.append((method, kwargs['headers']['Content-Type'], json.loads(kwargs['data'])))
            return Answer(dict(held, description='new'), 200)

    populations = resource_collection.ResourceCollection(
        Recorder(), 'https://api.pingone.eu/v1/environments/e1/populations', lambda renew=False: 'T', api_style='pingone', update_method=update_method
    )
    (action,) = plan.plan([{'name': 'Staff', 'description': 'new'}], [held], key='name', server_owned=populations.server_owned)
    populations.apply(action)
    assert sent == [expected]


USER_URL = 'https://api.pingone.eu/v1/environments/e1/users/u7'
HELD_USER = {'id': 'u7', 'username': 'alice', 'email': 'old@example.com', 'enabled': True, 'population': {'id': 'p1'}, '_links': {'self': {'href': USER_URL}}}
ENDPOINTS = {'population': ('population', 'value'), 'enabled': ('enabled', 'object')}


@pytest.mark.parametrize(
    'update_method, item, expected',
    [
        # Only separate attributes differ: no update of the user itself, one PUT each to its own endpoint.
        (
            'patch',
            {'username': 'alice', 'population': {'id': 'p2'}, 'enabled': False},
            [('PUT', USER_URL + '/population', {'id': 'p2'}), ('PUT', USER_URL + '/enabled', {'enabled': False})],
        ),
        # With other attributes: the PATCH leaves them out, then the move.
        (
            'patch',
            {'username': 'alice', 'email': 'new@example.com', 'population': {'id': 'p2'}},
            [('PATCH', USER_URL, {'email': 'new@example.com'}), ('PUT', USER_URL + '/population', {'id': 'p2'})],
        ),
        # A PUT sends the server's population back (the server refuses to change it there), never enabled (read-only in
        # the contract, SDK 8203), then the move.
        (
            'put',
            {'username': 'alice', 'email': 'new@example.com', 'population': {'id': 'p2'}},
            [
                ('PUT', USER_URL, {'username': 'alice', 'email': 'new@example.com', 'population': {'id': 'p1'}}),
                ('PUT', USER_URL + '/population', {'id': 'p2'}),
            ],
        ),
        # Nothing separate differs: the update as before.
        ('patch', {'username': 'alice', 'email': 'new@example.com', 'population': {'id': 'p1'}}, [('PATCH', USER_URL, {'email': 'new@example.com'})]),
    ],
)
def test_attributes_with_an_endpoint_of_their_own_are_updated_there(update_method, item, expected):
    """attribute_endpoints: PingOne moves a user (Update User Population) and enables one (Update User Enabled) apart."""
    sent = []

    class Recorder:
        def request(self, method, url, what, single_use=False, **kwargs):
            body = json.loads(kwargs['data'])
            sent.append((method, url, body))
            # The user as the server then holds it (an endpoint of its own answers the user too).
            return Answer(dict(HELD_USER, **(body if url == USER_URL else {})), 200)

    users = resource_collection.ResourceCollection(
        Recorder(),
        'https://api.pingone.eu/v1/environments/e1/users',
        lambda renew=False: 'T',
        api_style='pingone',
        update_method=update_method,
        attribute_endpoints=ENDPOINTS,
    )
    (action,) = plan.plan([item], [HELD_USER], key='username', server_owned=users.server_owned, separate=ENDPOINTS)
    now = users.apply(action)
    assert sent == expected
    assert all(now[name] == value for name, value in item.items())
    # A create sends them with the rest.
    (create,) = plan.plan([dict(item, username='bob')], [HELD_USER], key='username', server_owned=users.server_owned, separate=ENDPOINTS)
    assert create.kind == 'create' and create.after['population'] == item['population'] and create.separate is None


USERS = 'https://api.pingone.eu/v1/environments/e1/users'


class PingOneRecorder:
    """A PingOne API stand-in: records each request; a create answers the user as PingOne holds it (enabled true, a
    few fields only the server sets); ``missing`` answers 404 to the first N requests."""

    def __init__(self, missing=0):
        self.sent = []
        self.missing = missing
        self.sleep = lambda seconds: self.sent.append(('sleep', seconds, None))
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def request(self, method, url, what, single_use=False, **kwargs):
        body = json.loads(kwargs['data']) if kwargs.get('data') else None
        self.sent.append((method, url, body))
        if self.missing:
            self.missing -= 1
            return Answer({'code': 'NOT_FOUND', 'message': 'not found'}, 404)
        if method == 'GET':
            return Answer({'_embedded': {'users': []}, '_links': {}}, 200)
        if method == 'POST':
            return Answer(dict(body, id='u9', enabled=True, mfaEnabled=False, createdAt='2026-01-01T00:00:00Z', _links={'self': {'href': 'x'}}), 201)
        return Answer(dict(body or {}, id='u9'), 200)


def pingone_users(http, **kwargs):
    return resource_collection.ResourceCollection(http, USERS, lambda renew=False: 'T', api_style='pingone', **kwargs)


def test_a_read_only_attribute_of_its_own_endpoint_is_set_there_after_the_create():
    """Create User takes no enabled (User.enabled is readOnly, SDK 8203): the user is created, then disabled."""
    http = PingOneRecorder()
    users = pingone_users(http, attribute_endpoints=ENDPOINTS)
    (create,) = plan.plan([{'username': 'dave', 'population': {'id': 'p1'}, 'enabled': False}], [], key='username', server_owned=users.server_owned)
    now = users.apply(create)
    assert http.sent == [('POST', USERS, {'username': 'dave', 'population': {'id': 'p1'}}), ('PUT', USERS + '/u9/enabled', {'enabled': False})]
    assert now['enabled'] is False
    # Enabled as PingOne creates it: nothing more to send.
    http.sent.clear()
    (create,) = plan.plan([{'username': 'erin', 'enabled': True}], [], key='username', server_owned=users.server_owned)
    users.apply(create)
    assert http.sent == [('POST', USERS, {'username': 'erin'})]


def test_the_contract_decides_what_an_update_sends():
    """Server-owned fields are never sent back in a PUT; a field an update cannot set fails with a message that says so."""
    held = {
        'id': 'u9', 'username': 'dave', 'email': 'd@example.com', 'enabled': True, 'mfaEnabled': False, 'emailVerified': False,
        'lifecycle': {'status': 'ACCOUNT_OK'}, 'identityProvider': {'type': 'PING_ONE'}, 'lastSignOn': {'at': 'x'},
        'createdAt': 'c', 'updatedAt': 'u', 'environment': {'id': 'e1'}, '_links': {'self': {'href': 'https://elsewhere.example/u9'}},
    }  # fmt: skip
    http = PingOneRecorder()
    users = pingone_users(http, update_method='put')
    (update,) = plan.plan([{'username': 'DAVE', 'email': 'new@example.com'}], [held], key='username', server_owned=users.server_owned,
                          fold=users.dialect.key_folder('username'))  # fmt: skip
    users.apply(update)
    # At <collection>/<id>, never where _links.self points; the key compares without its case and keeps the server's.
    assert http.sent == [('PUT', USERS + '/u9', {'username': 'dave', 'email': 'new@example.com'})]
    (update,) = plan.plan([{'username': 'dave', 'mfaEnabled': True}], [held], key='username', server_owned=users.server_owned)
    with pytest.raises(Exception, match='mfaEnabled cannot be changed by an update of a user'):
        users.apply(update)


def test_a_groups_population_is_kept_as_created():
    """A group's population "is read-only after it is initially set" (Groups page; Terraform RequiresReplace): an update
    sends it as held, as Terraform does, and an item that moves a group to another population fails naming the field
    rather than send it."""
    groups_url = USERS.rsplit('/', 1)[0] + '/groups'
    held = {'id': 'g1', 'name': 'team', 'description': 'Old', 'population': {'id': 'p1'}, 'environment': {'id': 'e1'}}
    http = PingOneRecorder()
    groups = resource_collection.ResourceCollection(http, groups_url, lambda renew=False: 'T', api_style='pingone', update_method='put')
    (update,) = plan.plan([{'name': 'team', 'description': 'New', 'population': {'id': 'p1'}}], [held], key='name', server_owned=groups.server_owned)
    groups.apply(update)
    assert http.sent == [('PUT', groups_url + '/g1', {'name': 'team', 'description': 'New', 'population': {'id': 'p1'}})]
    (move,) = plan.plan([{'name': 'team', 'population': {'id': 'p2'}}], [held], key='name', server_owned=groups.server_owned)
    with pytest.raises(Exception, match='population cannot be changed by an update of a group'):
        groups.apply(move)


@pytest.mark.parametrize('missing, parent_created, sent', [(2, True, 5), (1, False, 1)])
def test_a_new_parents_collection_answering_404_is_read_again_only_when_asked(missing, parent_created, sent):
    http = PingOneRecorder(missing=missing)
    users = pingone_users(http, not_found_retries=3 if parent_created else 0)
    if parent_created:
        assert users.list_all() == [] and [entry[0] for entry in http.sent] == ['GET', 'sleep', 'GET', 'sleep', 'GET']
        assert [entry[1] for entry in http.sent if entry[0] == 'sleep'] == [0.5, 1.0] and 'answered HTTP 404 2 times' in http.warnings[0]
    else:
        with pytest.raises(Exception, match='HTTP 404'):
            users.list_all()
        assert len(http.sent) == sent


def test_a_users_population_moves_by_its_endpoint_or_a_patch_never_by_a_put():
    """ "population ... cannot be updated using PUT .../users/{{userID}}" (SDK 8357): a PUT sends it as held, and a move
    without its own endpoint fails with PUT rather than send it; a PATCH, or the endpoint (attribute_endpoints), moves it."""
    held = {'id': 'u9', 'username': 'dave', 'population': {'id': 'p1'}, 'title': 'Old'}
    http = PingOneRecorder()
    users = pingone_users(http, update_method='put')
    (update,) = plan.plan([{'username': 'dave', 'title': 'New'}], [held], key='username', server_owned=users.server_owned)
    users.apply(update)
    assert http.sent == [('PUT', USERS + '/u9', {'username': 'dave', 'population': {'id': 'p1'}, 'title': 'New'})]
    (move,) = plan.plan([{'username': 'dave', 'population': {'id': 'p2'}}], [held], key='username', server_owned=users.server_owned)
    with pytest.raises(Exception, match='population cannot be changed by an update of a user'):
        users.apply(move)
    http.sent.clear()
    pingone_users(http, update_method='patch').apply(move)
    assert http.sent == [('PATCH', USERS + '/u9', {'population': {'id': 'p2'}})]
    http.sent.clear()
    users = pingone_users(http, update_method='put', attribute_endpoints=ENDPOINTS)
    (move,) = plan.plan([{'username': 'dave', 'population': {'id': 'p2'}}], [held], key='username', server_owned=users.server_owned, separate=ENDPOINTS)
    users.apply(move)
    assert http.sent == [('PUT', USERS + '/u9/population', {'id': 'p2'})]
