# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_paging: pure functions over untrusted list answers, from tables."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import paging


@pytest.mark.parametrize(
    'url, params, expected',
    [
        ('https://s/v2/Users', {'startIndex': 1, 'count': 100}, 'https://s/v2/Users?startIndex=1&count=100'),
        ('https://s/v2/Users?filter=x&count=5', {'count': 10}, 'https://s/v2/Users?filter=x&count=10'),
    ],
)
def test_with_query(url, params, expected):
    assert paging.with_query(url, **params) == expected


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
    ('https://evil.example/v1/x', PAGE, 'https://evil.example/v1/x', 'is on another origin (https://evil.example:443) than url (https://api.example.com:443)'),
    (
        'https://api.example.com:8443/v1/x',
        PAGE,
        'https://api.example.com:8443/v1/x',
        'is on another origin (https://api.example.com:8443) than url (https://api.example.com:443)',
    ),
    ('//evil.example/v1/x', PAGE, 'https://evil.example/v1/x', 'is on another origin (https://evil.example:443) than url (https://api.example.com:443)'),
    (
        'https://api.example.com.evil.example/x',
        PAGE,
        'https://api.example.com.evil.example/x',
        'is on another origin (https://api.example.com.evil.example:443) than url (https://api.example.com:443)',
    ),
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
    assert paging.resolve_link(link, base, COLLECTION) == (url, refusal)


@pytest.mark.parametrize(
    'collection, link, refusal',
    [
        # An http collection (only if HttpClient lets one through) may follow its own origin, never another.
        ('http://127.0.0.1:8080/v2/Users', 'http://127.0.0.1:8080/v2/Users/u1', None),
        (
            'http://127.0.0.1:8080/v2/Users',
            'https://127.0.0.1:8080/v2/Users/u1',
            'is on another origin (https://127.0.0.1:8080) than url (http://127.0.0.1:8080)',
        ),
        (
            'https://127.0.0.1:8443/v2/Users',
            'https://localhost:8443/v2/Users/u1',
            'is on another origin (https://localhost:8443) than url (https://127.0.0.1:8443)',
        ),
    ],
)
def test_resolve_link_origins(collection, link, refusal):
    assert paging.resolve_link(link, collection, collection)[1] == refusal


@pytest.mark.parametrize(
    'url, shown',
    [
        ('https://me:pw@h/x', 'https://***@h/x'),
        ('https://h/x?a=b', 'https://h/x?a=b'),
    ],
)
def test_shown_url_hides_credentials(url, shown):
    assert paging.shown_url(url) == shown


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
    assert paging.page_items(page, api_style, items_path) == expected


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
    assert paging.next_link(page) == expected


# totalResults, startIndex of the page, objects on it, new ones among them -> (next startIndex, problem)
SCIM_PAGING_TABLE = [
    (250, 1, 100, 100, (101, None)),
    (250, 201, 50, 50, (None, None)),
    (0, 1, 0, 0, (None, None)),
    (3, 1, 2, 2, (3, None)),  # a server may send fewer than count: ask for the rest
    # ... and one that ignores startIndex (PingOne: at most 200, from the first) sends the first page again,
    # which reaches totalResults by its count but is no last page.
    (3, 3, 2, 0, (None, 'the page at startIndex 3 repeats objects already read (no new id), but totalResults is 3')),
    (10**9, 101, 100, 0, (None, 'the page at startIndex 101 repeats objects already read (no new id), but totalResults is 1000000000')),
    (500, 101, 0, 0, (None, 'the page at startIndex 101 is empty, but totalResults is 500')),
]


@pytest.mark.parametrize('total, start_index, received, fresh, expected', SCIM_PAGING_TABLE)
def test_scim_next_index(total, start_index, received, fresh, expected):
    assert paging.scim_next_index(total, start_index, received, fresh) == expected


@pytest.mark.parametrize(
    'total, expected',
    [
        (0, None),
        (10**9, None),
        ('5', 'totalResults is a string, not a whole number'),
        (5.0, 'totalResults is a number, not a whole number'),
        (True, 'totalResults is a boolean, not a whole number'),
        (-1, 'totalResults is a negative number, not a whole number'),
        (None, 'the answer has no totalResults (RFC 7644 section 3.4.2 requires it)'),
    ],
)
def test_scim_total_problem(total, expected):
    assert paging.scim_total_problem(total) == expected
