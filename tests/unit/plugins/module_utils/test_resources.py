# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils import _resources
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, ResponseError

SCIM = _resources.SERVER_OWNED['scim']
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
    assert kinds(_resources.plan(desired, current, key='userName', state=state, prune=prune, server_owned=SCIM)) == expected


SCIM_USERNAME = _resources.key_folder('scim', 'userName')
BOB_CAPITAL = dict(BOB, userName='Bob')

# desired, current, fold, prune -> (kind, key) per object: userName is caseExact false (RFC 7643 section 8.7.1)
FOLD_TABLE = [
    ([{'userName': 'bob', 'active': True}], [BOB_CAPITAL], SCIM_USERNAME, False, [('none', 'bob')]),
    ([{'userName': 'BOB', 'active': False}], [BOB_CAPITAL], SCIM_USERNAME, False, [('update', 'BOB')]),
    ([{'userName': 'alice'}], [ALICE, BOB_CAPITAL], SCIM_USERNAME, True, [('none', 'alice'), ('delete', 'Bob')]),
    ([{'userName': 'BOB'}], [BOB_CAPITAL], SCIM_USERNAME, True, [('none', 'BOB')]),
    # Exact keys stay exact: a generic API's key, or SCIM's externalId (caseExact true).
    ([{'userName': 'bob'}], [BOB_CAPITAL], _resources.key_folder('generic', 'userName'), False, [('create', 'bob')]),
]


@pytest.mark.parametrize('desired, current, fold, prune, expected', FOLD_TABLE)
def test_caseexact_false_keys_fold(desired, current, fold, prune, expected):
    assert kinds(_resources.plan(desired, current, key='userName', prune=prune, server_owned=SCIM, fold=fold)) == expected


def test_a_folded_key_keeps_the_servers_case_in_an_update():
    (action,) = _resources.plan([{'userName': 'BOB', 'active': False}], [BOB_CAPITAL], key='userName', server_owned=SCIM, fold=SCIM_USERNAME)
    assert action.after == {'userName': 'Bob', 'active': False} and 'userName' not in action.desired


def test_keys_that_fold_to_one_are_the_same_item():
    with pytest.raises(ConfigurationError, match=r"items\[0\] and items\[1\] have the same key 'Bob'"):
        _resources.plan([{'userName': 'bob'}, {'userName': 'Bob'}], [], key='userName', fold=SCIM_USERNAME)
    assert _resources.key_folder('scim', 'externalId')('Bob') == 'Bob'


def test_update_predicts_the_server_object():
    action = _resources.plan([{'userName': 'alice', 'active': False}], [ALICE], key='userName', server_owned=SCIM)[0]
    assert action.before == {'userName': 'alice', 'active': True}
    assert action.after == {'userName': 'alice', 'active': False}
    assert action.current is ALICE


def test_create_keeps_the_items_schemas():
    item = {'userName': 'carol', 'schemas': ['urn:ext'], 'id': 'client-chosen'}
    assert _resources.plan([item], [], key='userName', server_owned=SCIM)[0].after == {'userName': 'carol', 'schemas': ['urn:ext']}


def test_key_query():
    current = [{'id': '1', 'emails': [{'value': 'a@x', 'primary': True}]}]
    desired = [{'emails': [{'value': 'a@x', 'primary': True}], 'title': 'boss'}]
    actions = _resources.plan(desired, current, key_query='emails[?primary].value | [0]', server_owned=SCIM)
    assert kinds(actions) == [('update', 'a@x')]


PASSWORD = 'Pa55-word-of-an-item'

# desired, key, key_query, source -> the whole message; an item is named by its place and key, never shown (issue 11, item 4)
PLAN_ERRORS = [
    ([{'userName': 'a'}, {'displayName': 'x', 'password': PASSWORD}], 'userName', None, 'items',
     'items[1] has no value for its key userName'),
    ([{'displayName': 'x', 'password': PASSWORD}], 'userName', None, 'item', 'item has no value for its key userName'),
    ([{'emails': [], 'password': PASSWORD}], None, 'emails[?primary].value | [0]', 'items',
     'items[0] has no value for its key_query emails[?primary].value | [0]'),
    ([{'userName': {'first': 'a'}, 'password': PASSWORD}], 'userName', None, 'items',
     'items[0]: its key userName is an object, not a string or number'),
    ([{'userName': 'a'}, {'userName': 'b'}, {'userName': 'a', 'password': PASSWORD}], 'userName', None, 'items',
     "items[0] and items[2] have the same key 'a'"),
    ([{'userName': 'a'}, PASSWORD], 'userName', None, 'items', 'items[1] is a string, not an object'),
]


@pytest.mark.parametrize('desired, key, key_query, source, message', PLAN_ERRORS)
def test_plan_errors_name_the_item_by_place_and_key_only(desired, key, key_query, source, message):
    with pytest.raises(ConfigurationError) as caught:
        _resources.plan(desired, [ALICE], key=key, key_query=key_query, source=source)
    assert str(caught.value) == message


def test_server_objects_with_a_list_key_are_left_alone():
    current = [dict(ALICE, userName=['alice', 'al']), BOB]
    assert kinds(_resources.plan([{'userName': 'bob'}], current, key='userName', prune=True, server_owned=SCIM)) == [('none', 'bob')]


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
    action = _resources.plan([item], current, key='userName', server_owned=SCIM, write_only=['password'], send_write_only=send)[0]
    assert (action.kind, action.write_only or None) == expected
    # before and after are what diffs show: never the write-only value.
    assert PASSWORD not in json.dumps([action.before, action.after, action.desired])


@pytest.mark.parametrize('update_method, api_style, expected', [
    ('put', 'scim', {'userName': 'alice', 'active': False, 'password': PASSWORD, 'schemas': ['core']}),
    ('patch', 'scim', {'schemas': [_resources.SCIM_PATCH_SCHEMA], 'Operations': [
        {'op': 'replace', 'path': 'active', 'value': False}, {'op': 'replace', 'path': 'password', 'value': PASSWORD}]}),
    ('patch', 'generic', {'active': False, 'password': PASSWORD}),
])
def test_write_only_values_go_in_the_update_body(update_method, api_style, expected):
    sent = []

    class Recorder:
        def request(self, method, url, what, single_use=False, **kwargs):
            sent.append(json.loads(kwargs['data']))
            return Answer({}, 200)

    users = _resources.ResourceCollection(Recorder(), 'https://s/v2/Users', lambda renew=False: 'T', api_style=api_style,
                                          update_method=update_method)
    action = _resources.plan([{'userName': 'alice', 'active': False, 'password': PASSWORD}], [ALICE], key='userName',
                             server_owned=users.server_owned, write_only=['password'], send_write_only='on_update')[0]
    users.apply(action)
    assert sent == [expected]


def test_create_body_carries_the_write_only_values():
    sent = []

    class Recorder:
        def request(self, method, url, what, single_use=False, **kwargs):
            sent.append((method, json.loads(kwargs['data'])))
            return Answer({'id': 'u9', 'userName': 'carol'}, 201)

    users = _resources.ResourceCollection(Recorder(), 'https://s/v2/Users?x=1', lambda renew=False: 'T', api_style='scim')
    action = _resources.plan([{'userName': 'carol', 'password': PASSWORD}], [], key='userName', server_owned=users.server_owned,
                             write_only=['password'])[0]
    assert users.apply(action)['id'] == 'u9'
    # The collection's name leaves the query out, so the core schema is still found.
    assert sent == [('POST', {'userName': 'carol', 'password': PASSWORD, 'schemas': [_resources.SCIM_CORE_SCHEMAS['Users']]})]


def test_prune_guards():
    current = [dict(BOB, userName='u{0}'.format(i), id=str(i)) for i in range(30)]
    actions = _resources.plan([{'userName': 'u0'}], current, key='userName', prune=True, server_owned=SCIM)
    with pytest.raises(ConfigurationError, match='prune would delete 29 objects, more than prune_max'):
        _resources.check_prune(actions, [{'userName': 'u0'}], 20)
    _resources.check_prune(actions, [{'userName': 'u0'}], 29)
    with pytest.raises(ConfigurationError, match='prune needs at least one item'):
        _resources.check_prune([], [], 20)


def test_scim_patch_body():
    action = _resources.plan([{'userName': 'alice', 'active': False, 'title': None, 'nickName': 'al'}],
                             [dict(ALICE, title='x')], key='userName', server_owned=SCIM)[0]
    body = _resources.scim_patch_body(action)
    assert body['schemas'] == [_resources.SCIM_PATCH_SCHEMA]
    assert body['Operations'] == [{'op': 'replace', 'path': 'active', 'value': False}, {'op': 'remove', 'path': 'title'},
                                  {'op': 'replace', 'path': 'nickName', 'value': 'al'}]


@pytest.mark.parametrize('url, params, expected', [
    ('https://s/v2/Users', {'startIndex': 1, 'count': 100}, 'https://s/v2/Users?startIndex=1&count=100'),
    ('https://s/v2/Users?filter=x&count=5', {'count': 10}, 'https://s/v2/Users?filter=x&count=10'),
])
def test_with_query(url, params, expected):
    assert _resources.with_query(url, **params) == expected


COLLECTION = 'https://api.example.com/v1/environments/e1/users'
PAGE = COLLECTION + '?cursor=abc'

# link, base (the page that carried it) -> (resolved URL, refusal); a refusal completes "the link ..."
LINK_TABLE = [
    # Relative HAL links resolve against the page (RFC 3986 section 5), query and all.
    ('/v1/environments/e1/users?cursor=def', PAGE, COLLECTION + '?cursor=def', None),
    ('?cursor=def', PAGE, COLLECTION + '?cursor=def', None),
    ('users/u1', COLLECTION + '/', COLLECTION + '/users/u1', None),
    ('u1', PAGE, 'https://api.example.com/v1/environments/e1/u1', None),
    (COLLECTION + '/u1', PAGE, COLLECTION + '/u1', None),
    # The default port, written or not, and the host's case are the same origin (RFC 6454 section 4).
    ('https://API.example.com:443/v1/x', PAGE, 'https://API.example.com:443/v1/x', None),
    # Another origin: host, port, scheme-relative host, a look-alike.
    ('https://evil.example/v1/x', PAGE, 'https://evil.example/v1/x',
     'is on another origin (https://evil.example:443) than url (https://api.example.com:443)'),
    ('https://api.example.com:8443/v1/x', PAGE, 'https://api.example.com:8443/v1/x',
     'is on another origin (https://api.example.com:8443) than url (https://api.example.com:443)'),
    ('//evil.example/v1/x', PAGE, 'https://evil.example/v1/x',
     'is on another origin (https://evil.example:443) than url (https://api.example.com:443)'),
    ('https://api.example.com.evil.example/x', PAGE, 'https://api.example.com.evil.example/x',
     'is on another origin (https://api.example.com.evil.example:443) than url (https://api.example.com:443)'),
    # Down to http, even on the same host.
    ('http://api.example.com/v1/x', PAGE, 'http://api.example.com/v1/x', 'is http, not https'),
    # User credentials in the link (requests would turn them into a Basic Authorization header).
    ('https://me:pw@api.example.com/v1/x', PAGE, 'https://me:pw@api.example.com/v1/x', 'carries user credentials'),
    # Not a URL the token can follow at all.
    ('javascript:alert(1)', PAGE, 'javascript:alert(1)', 'is not an http(s) URL'),
    ('https://api.example.com:99999/x', PAGE, 'https://api.example.com:99999/x', 'is not a valid URL'),
    (42, PAGE, None, 'is a number, not a URL'),
    ({'href': '/x'}, PAGE, None, 'is an object, not a URL'),
    ('', PAGE, None, 'is an empty string, not a URL'),
]


@pytest.mark.parametrize('link, base, url, refusal', LINK_TABLE)
def test_resolve_link(link, base, url, refusal):
    assert _resources.resolve_link(link, base, COLLECTION) == (url, refusal)


@pytest.mark.parametrize('collection, link, refusal', [
    # An http collection (only if HttpClient lets one through) may follow its own origin, never another.
    ('http://127.0.0.1:8080/v2/Users', 'http://127.0.0.1:8080/v2/Users/u1', None),
    ('http://127.0.0.1:8080/v2/Users', 'https://127.0.0.1:8080/v2/Users/u1',
     'is on another origin (https://127.0.0.1:8080) than url (http://127.0.0.1:8080)'),
    ('https://127.0.0.1:8443/v2/Users', 'https://localhost:8443/v2/Users/u1',
     'is on another origin (https://localhost:8443) than url (https://127.0.0.1:8443)'),
])
def test_resolve_link_origins(collection, link, refusal):
    assert _resources.resolve_link(link, collection, collection)[1] == refusal


@pytest.mark.parametrize('url, shown', [
    ('https://me:pw@h/x', 'https://***@h/x'),
    ('https://h/x?a=b', 'https://h/x?a=b'),
])
def test_shown_url_hides_credentials(url, shown):
    assert _resources.shown_url(url) == shown


U1, U2 = {'id': 'u1'}, {'id': 'u2'}

# page, api_style, items_path -> (items, problem)
ITEMS_TABLE = [
    ({'Resources': [U1, U2], 'totalResults': 2}, 'scim', None, ([U1, U2], None)),
    ({'totalResults': 0}, 'scim', None, ([], None)),  # RFC 7644: Resources may be left out when empty
    ({'Resources': {'id': 'u1'}}, 'scim', None, (None, 'Resources is an object, not a list')),
    ({'Resources': [U1, 'alice']}, 'scim', None, (None, 'item 2 of Resources is a string, not an object')),
    ([U1], 'scim', None, (None, 'the answer is a list, not a JSON object')),
    ('text', 'scim', None, (None, 'the answer is a string, not a JSON object')),
    ([U1, U2], 'generic', None, ([U1, U2], None)),
    ([U1, None], 'generic', None, (None, 'item 2 of the answer is null, not an object')),
    ({'items': [U1]}, 'generic', None, ([U1], None)),
    ({'value': [U1], 'data': {}}, 'generic', None, ([U1], None)),
    ({'_embedded': {'users': [U1]}, 'count': 1}, 'generic', None, ([U1], None)),
    ({'_embedded': {'users': [7]}}, 'generic', None, (None, 'item 1 of _embedded.users is a number, not an object')),
    ({'count': 0}, 'generic', None, (None, 'no list of objects in the answer (looked for items, data, results, value and _embedded); set items_path')),
    (12, 'generic', None, (None, 'the answer is a number, not a JSON object or list')),
    (None, 'generic', None, (None, 'the answer is null, not a JSON object or list')),
    ({'page': {'rows': [U1]}}, 'generic', 'page.rows', ([U1], None)),
    ({'page': {}}, 'generic', 'page.rows', ([], None)),
    ({'page': {'rows': 'x'}}, 'generic', 'page.rows', (None, 'items_path page.rows gives a string, not a list')),
]


@pytest.mark.parametrize('page, api_style, items_path, expected', ITEMS_TABLE)
def test_page_items(page, api_style, items_path, expected):
    assert _resources.page_items(page, api_style, items_path) == expected


# page -> (link, problem)
NEXT_TABLE = [
    ({'_links': {'next': {'href': '/v1/users?cursor=2'}}}, ('/v1/users?cursor=2', None)),
    ({'_links': {'self': {'href': '/v1/users'}}}, (None, None)),
    ({'next': 'https://h/v1/users?page=2'}, ('https://h/v1/users?page=2', None)),
    ({'next': None}, (None, None)),
    ({'next': ''}, (None, None)),
    ([U1], (None, None)),
    ({'_links': {'next': [{'href': '/a'}, {'href': '/b'}]}}, (None, '_links.next is a list, not a link object')),
    ({'_links': {'next': {'href': 5}}}, (None, '_links.next.href is a number, not a URL')),
    ({'_links': {'next': {}}}, (None, '_links.next.href is null, not a URL')),
    ({'_links': 'next'}, (None, '_links is a string, not an object')),
    ({'next': {'cursor': 'x'}}, (None, 'next is an object, not a URL')),
]


@pytest.mark.parametrize('page, expected', NEXT_TABLE)
def test_next_link(page, expected):
    assert _resources.next_link(page) == expected


# totalResults, startIndex of the page, objects on it, new ones among them -> (next startIndex, problem)
SCIM_PAGING_TABLE = [
    (250, 1, 100, 100, (101, None)),
    (250, 201, 50, 50, (None, None)),
    (0, 1, 0, 0, (None, None)),
    (3, 1, 2, 2, (3, None)),  # a server may send fewer than count: ask for the rest
    # ... and one that ignores startIndex (PingOne: at most 200, from the first) sends the first page again,
    # which reaches totalResults by its count but is no last page.
    (3, 3, 2, 0, (None, 'the page at startIndex 3 repeats objects already read (no new id), but totalResults is 3')),
    (10 ** 9, 101, 100, 0, (None, 'the page at startIndex 101 repeats objects already read (no new id), but totalResults is 1000000000')),
    (500, 101, 0, 0, (None, 'the page at startIndex 101 is empty, but totalResults is 500')),
    ('5', 1, 5, 5, (None, 'totalResults is a string, not a whole number')),
    (5.0, 1, 5, 5, (None, 'totalResults is a number, not a whole number')),
    (True, 1, 1, 1, (None, 'totalResults is a boolean, not a whole number')),
    (-1, 1, 0, 0, (None, 'totalResults is a negative number, not a whole number')),
    (None, 1, 1, 1, (None, 'the answer has no totalResults (RFC 7644 section 3.4.2 requires it)')),
]


@pytest.mark.parametrize('total, start_index, received, fresh, expected', SCIM_PAGING_TABLE)
def test_scim_next_index(total, start_index, received, fresh, expected):
    assert _resources.scim_next_index(total, start_index, received, fresh) == expected


class Answer:
    """The parts of a requests response the collection reads."""

    def __init__(self, document, status_code=200):
        self.status_code = status_code
        self.text = json.dumps(document)
        self.url = None


class Pages:
    """An HttpClient stand-in that answers each GET from a function of the URL and records the URLs."""

    def __init__(self, answer):
        self.answer = answer
        self.urls = []

    def request(self, method, url, what, single_use=False, **kwargs):
        self.urls.append(url)
        return Answer(self.answer(url))


def collection(answer, **kwargs):
    return _resources.ResourceCollection(Pages(answer), COLLECTION, lambda renew=False: 'T', **kwargs)


def test_paging_stops_at_max_pages_with_an_error():
    users = collection(lambda url: {'items': [{'id': url}], 'next': url + 'x'}, max_pages=5)
    with pytest.raises(ResponseError, match=r'^Failed to list {0}: more than 5 pages, the last at {0}xxxx; stopping'.format(COLLECTION)):
        users.list_all()
    assert len(users.http.urls) == 5


def test_paging_loop_is_an_error_not_a_partial_list():
    pages = {COLLECTION: '?cursor=2', COLLECTION + '?cursor=2': COLLECTION}
    users = collection(lambda url: {'items': [{'id': url}], '_links': {'next': {'href': pages[url]}}})
    with pytest.raises(ResponseError, match=r'the next link of page {0}\?cursor=2 leads back to {0}, already read'.format(COLLECTION)):
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


@pytest.mark.parametrize('obj, message', [
    ({'id': 'u1', 'meta': {'location': 'http://api.example.com/v1/environments/e1/users/u1'}},
     "Failed to update users 'alice': its meta.location, http://api.example.com/v1/environments/e1/users/u1, is http, not https; "
     "the bearer token goes only to the origin of url, over https"),
    ({'id': 'u1', '_links': {'self': {'href': 'https://evil.example/u1'}}},
     "Failed to update users 'alice': its _links.self.href, https://evil.example/u1, is on another origin"),
    ({'userName': 'alice'}, "Failed to update users 'alice': the server gave it no meta.location, _links.self.href or id"),
])
def test_object_url_refusals(obj, message):
    with pytest.raises(ResponseError) as caught:
        collection(lambda url: {}).object_url(obj, 'alice')
    assert str(caught.value).startswith(message)


def test_object_url_quotes_the_id():
    assert collection(lambda url: {}).object_url({'id': '../admin'}, 'x') == COLLECTION + '/..%2Fadmin'
