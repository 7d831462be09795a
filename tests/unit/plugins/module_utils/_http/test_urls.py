# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_http.urls: the one origin rule, link resolution and the https rule, from tables."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import urls

# first, second -> same origin (RFC 6454 section 4: scheme, host and port, the default port when none is written)
SAME_ORIGIN_TABLE = [
    ('https://op.example', 'https://op.example:443/as/token', True),
    ('https://OP.example/x', 'HTTPS://op.example/y', True),
    ('http://op.example', 'http://op.example:80/x', True),
    ('https://op.example', 'https://op.example:8443', False),
    ('https://op.example', 'http://op.example', False),
    ('https://op.example', 'https://evil.example', False),
    ('https://op.example:99999', 'https://op.example:99999', False),  # not a port: not an origin
    ('/relative', '/relative', False),
    ('', '', False),
]


@pytest.mark.parametrize('first, second, expected', SAME_ORIGIN_TABLE)
def test_same_origin(first, second, expected):
    # The rule is symmetric: each way round gives the same answer.
    assert urls.same_origin(first, second) is expected
    assert urls.same_origin(*reversed((first, second))) is expected


@pytest.mark.parametrize(
    'url, params, expected',
    [
        ('https://s/v2/Users', {'startIndex': 1, 'count': 100}, 'https://s/v2/Users?startIndex=1&count=100'),
        ('https://s/v2/Users?filter=x&count=5', {'count': 10}, 'https://s/v2/Users?filter=x&count=10'),
    ],
)
def test_with_query(url, params, expected):
    assert urls.with_query(url, **params) == expected


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
    assert urls.resolve_link(link, base, COLLECTION) == (url, refusal)


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
    assert urls.resolve_link(link, collection, collection)[1] == refusal


@pytest.mark.parametrize(
    'url, shown',
    [
        ('https://me:pw@h/x', 'https://***@h/x'),
        ('https://h/x?a=b', 'https://h/x?a=b'),
    ],
)
def test_shown_url_hides_credentials(url, shown):
    assert urls.shown_url(url) == shown


@pytest.mark.parametrize('url', ['https://admin:Pa55word@api.example/v2/Users', 'https://token@api.example/v2/Users', 'http://u:p@127.0.0.1:8080/x'])
def test_a_url_with_user_credentials_is_refused_without_showing_them(url):
    with pytest.raises(ConfigurationError) as caught:
        urls.check_url(url, 'the url option', allow_plain_http=True)
    assert str(caught.value).startswith(f'Refusing {url.split(":")[0]}://***@')
    assert 'Pa55word' not in str(caught.value) + str(caught.value.details) and 'token@' not in str(caught.value)
    assert 'user credentials (user:password@)' in str(caught.value)


# A URL no request can be sent to, whatever the network says -> the words of its refusal (None: accepted).
AUTHORITIES = [
    ('https://op.example.com/token', None),
    ('https://op.example.com:8443/token', None),
    ('https://127.0.0.1:/token', None),  # an empty port is the default one (RFC 3986 section 3.2.3)
    ('https://[::1]:8443/token', None),
    ('https://op-1.example_test/token', None),  # "_" is unreserved; DNS decides
    ('https://b\u00fccher.example/token', None),  # an internationalized name: requests encodes it (IDNA)
    ('https://exa mple.com/token', "its host 'exa mple.com' is not a host name"),
    ('https://op<script>.example/token', "its host 'op<script>.example' is not a host name"),
    ('https://op.example.com:99999/token', "its port '99999' is not a number from 0 to 65535"),
    ('https://op.example.com:https/token', "its port 'https' is not a number from 0 to 65535"),
    ('https://[::zz]/token', 'is not a valid URL'),
    ('https://[::1/token', 'is not a valid URL'),
]


def test_a_url_that_cannot_be_sent_is_refused_naming_its_source():
    wrong = []
    for url, refusal in AUTHORITIES:
        try:
            urls.check_url(url, 'the token_endpoint option')
        except ConfigurationError as exc:
            if refusal is None or refusal not in str(exc) or '(the token_endpoint option)' not in str(exc):
                wrong.append((url, str(exc)))
        else:
            if refusal is not None:
                wrong.append((url, 'accepted'))
    assert not wrong


@pytest.mark.parametrize(
    'url, shown',
    [
        ('https://op.example.test/as/token', 'https://op.example.test/as/token'),
        ('https://api.example.test/v2/Users?startIndex=1&count=100', 'https://api.example.test/v2/Users?startIndex=1&count=100'),
        ('https://op.example.test/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz', 'https://op.example.test/cb?code=***&state=***'),
        ('https://op.example.test/x?Access_Token=abc&filter=userName+eq+%22a%22', 'https://op.example.test/x?Access_Token=***&filter=userName+eq+%22a%22'),
        ('https://user:pass@api.example.test/v1?id_token_hint=eyJ', 'https://***@api.example.test/v1?id_token_hint=***'),
    ],
)
def test_traced_url_keeps_no_credential(url, shown):
    assert urls.traced_url(url) == shown
