# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_resources.paging: pure functions over untrusted list answers, from tables."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import paging
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.dialects import DIALECTS


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
    assert DIALECTS[api_style].page_items(page, items_path) == expected


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
