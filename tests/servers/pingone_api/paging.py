# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lists of the PingOne test server: EntityArray pages (``_links``, ``_embedded``, ``count``, ``size``; SDK 2371-2596)
with an opaque cursor in ``_links.next.href`` ("The cursor value is returned in the _links.next.href link", SDK
23573-23577), and the SCIM filter subset the lists take.

Every list pages, whatever it declares: Ping's SDK pager follows ``_links.next`` for every EntityArray list
(api_utils_pagination_ext.go:26-30), so a list that declares no ``limit`` (group nestings, resources, scopes,
applications, grants) is paged at this server's own size, and a client that ignores the next link misses objects.
Its next link carries only the cursor (the operation declares no ``limit``); a list that declares ``limit`` gets
``limit`` and ``cursor`` in it, as PingOne's prose shows (https://developer.pingidentity.com/pingone-api/platform/reference/paging-ordering-collections.html).
"""

import base64
import bisect
import hmac
import json
import re
import secrets
from urllib.parse import quote

from .errors import bad_request, invalid

# Page sizes: the most a page holds, whatever ``limit`` asks. Users: "the page size limit of 200 for the
# /environments/{{envID}}/users endpoint result may be smaller" (prose Paging page); groups: the declared maximum of
# limit (SDK 16939-16945). The others are UNCONFIRMED: this server's choice, small for the lists that declare no limit.
PAGE_SIZES = {
    'readAllPopulations': 200,
    'readAllGroups': 1000,
    'readAllUsers': 200,
    'readAllGroupMembershipsForUser': 200,
    'readGroupNesting': 20,
    'readAllResources': 20,
    'readAllResourceScopes': 20,
    'readAllApplications': 20,
    'readAllApplicationGrants': 20,
}

# The lists of the types beyond the first ten (contract_types.py): small pages, so that the next link is followed.
OTHER_PAGE_SIZE = 20

# ---- filters: the SCIM filter subset PingOne documents (attr op "value", joined by and/or, left to right) ----

FILTER_TERM = re.compile(r'\s*(?:(memberOfGroups)\[\s*id\s+(eq)\s+"((?:[^"\\]|\\.)*)"\s*\]|([A-Za-z][\w.]*)\s+(eq|sw)\s+"((?:[^"\\]|\\.)*)")\s*')
FILTER_JOIN = re.compile(r'(and|or)\b', re.IGNORECASE)


def parse_filter(text, filters, what):
    """[(joiner, attr, op, value), ...] for a filter of attributes and operators in ``filters``; raises APIError otherwise."""

    def bad(why):
        return invalid(('INVALID_FILTER', 'filter', 'Invalid filter: %s' % why))

    if filters is None:
        raise bad('the %s list does not support filtering' % what)
    terms, pos, joiner = [], 0, None
    while True:
        found = FILTER_TERM.match(text, pos)
        if not found:
            raise bad('expected attr eq|sw "value" at offset %d' % pos)
        if found.group(1):
            attr, op, value = 'memberOfGroups.id', 'eq', found.group(3)
        else:
            attr, op, value = found.group(4), found.group(5), found.group(6)
        if op not in filters.get(attr, ()):
            raise bad('%s %s is not supported on %s' % (attr, op, what))
        terms.append((joiner, attr, op, value.replace('\\"', '"')))
        pos = found.end()
        if pos >= len(text):
            return terms
        join = FILTER_JOIN.match(text, pos)
        if not join:
            raise bad('expected and/or at offset %d' % pos)
        joiner, pos = join.group(1).lower(), join.end()


def attribute(obj, dotted):
    value = obj
    for part in dotted.split('.'):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def matches(obj, terms, groups_of):
    """The filter's truth for one object; ``and`` binds tighter than ``or``. ``groups_of(id)``: the groups an object is a
    member of, however it came in (``memberOfGroups[id eq ...]``: "returns all of the users who belong to the specified
    group", the prose Read All Users in a Group page; the stricter reading, nested and dynamic members included)."""
    groups, current = [], []
    for joiner, attr, op, value in terms:
        if joiner == 'or':
            groups.append(current)
            current = []
        if attr == 'memberOfGroups.id':
            ok = value in groups_of(obj['id'])
        else:
            have = attribute(obj, attr)
            # SCIM string comparisons are case-insensitive for caseExact false attributes (RFC 7644 section 3.4.2.2).
            have = have.lower() if isinstance(have, str) else have
            want = value.lower()
            ok = isinstance(have, str) and (have == want if op == 'eq' else have.startswith(want))
        current.append(ok)
    groups.append(current)
    return any(all(g) for g in groups)


# ---- cursors: opaque, HMAC-protected, naming their list and carrying its filter, expand, limit and last place ----


class Cursors(object):
    def __init__(self):
        self.key = secrets.token_bytes(32)

    def encode(self, state):
        raw = json.dumps(state, separators=(',', ':')).encode()
        mac = hmac.new(self.key, raw, 'sha256').digest()[:12]
        return base64.urlsafe_b64encode(mac + raw).rstrip(b'=').decode()

    def state(self, text):
        """The state of a cursor of this server, or None."""
        try:
            blob = base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))
            mac, raw = blob[:12], blob[12:]
            if hmac.compare_digest(mac, hmac.new(self.key, raw, 'sha256').digest()[:12]):
                return json.loads(raw)
        except (ValueError, TypeError):
            pass
        return None

    def owns(self, op, text):
        """Whether a cursor is one this server gave for this list operation."""
        state = self.state(text)
        return state is not None and state.get('o') == op.operation_id

    def decode(self, op, text):
        state = self.state(text)
        if state is None or state.get('o') != op.operation_id:
            raise invalid(('INVALID_VALUE', 'cursor', 'The cursor is invalid or expired'))
        return state


def requested_limit(op, query, state):
    """The limit a list request asks for (its own, or the one its cursor carries), or None."""
    text = (query.get('limit') or [None])[0]
    if text is None:
        return state.get('l') if state else None
    if not re.fullmatch(r'[0-9]+', text):
        raise bad_request(('INVALID_VALUE', 'limit', 'limit must be an integer'))
    if int(text) < 1:
        raise invalid(('INVALID_VALUE', 'limit', 'limit must be a positive integer', {'rangeMinimumValue': 1}))
    return int(text)


class Pager(object):
    """Pages of a list: which rows a request gets, and the links to the next."""

    def __init__(self, cursors, href, page_cap=None):
        self.cursors = cursors
        self.href = href  # path -> absolute URL
        self.page_cap = page_cap

    def page(self, op, path, query, rows, filters=None, groups_of=None, present=None, derived=None):
        """The EntityArray answer of a list operation over ``rows``: (seqs, items, obj_of), the items in order of their
        sequence numbers ``seqs`` (ascending) and ``obj_of(item)`` the object an item stands for.

        ``filters`` are the attributes a filter may use (None: the list takes none), matched against each item's object
        (``memberOfGroups[id eq ...]`` against ``groups_of``); ``present(item, expand)`` turns an item into what the
        page shows, with the ``expand`` the request (or its cursor) asks for. A page costs its own size: the cursor's
        place is found by bisection, and only the page's items are shown; a filter's choice is made once and kept until
        the next write (``derived``: Store.derived, when given), so that reading a group's 100,000 members by filter is
        not quadratic (the benchmarks time the client, not this server).
        """
        state = self.cursors.decode(op, query['cursor'][0]) if query.get('cursor') else None
        filter_text = (query.get('filter') or [None])[0]
        expand = (query.get('expand') or [None])[0]
        if state is not None:
            if filter_text is not None and filter_text != state.get('f'):
                raise invalid(('INVALID_VALUE', 'filter', 'The filter does not match the cursor'))
            filter_text, expand = state.get('f'), expand or state.get('e')
        limit = requested_limit(op, query, state)
        largest = PAGE_SIZES.get(op.operation_id, OTHER_PAGE_SIZE)
        size = min(limit or largest, largest)
        size = min(size, self.page_cap) if self.page_cap else size
        terms = parse_filter(filter_text, filters, op.operation_id) if filter_text else None
        seqs, items, obj_of = rows
        if terms is not None:
            every_seq, every_item = seqs, items

            def choose():
                chosen = [n for n, item in enumerate(every_item) if matches(obj_of(item), terms, groups_of or (lambda _member: ()))]
                return [every_seq[n] for n in chosen], [every_item[n] for n in chosen]

            seqs, items = choose() if derived is None else derived(('filtered', op.operation_id, path, filter_text), choose)
        start = bisect.bisect_right(seqs, state['a']) if state else 0
        chunk = items[start : start + size]
        self_query = '&'.join('%s=%s' % (k, quote(v[0], safe='')) for k, v in sorted(query.items()))
        links = {'self': {'href': self.href(path + ('?' + self_query if self_query else ''))}}
        if len(items) > start + size:
            cursor = self.cursors.encode({'o': op.operation_id, 'f': filter_text, 'e': expand, 'a': seqs[start + size - 1], 'l': limit})
            shown_limit = 'limit=%d&' % (limit or size) if 'limit' in op.query else ''
            links['next'] = {'href': self.href('%s?%scursor=%s' % (path, shown_limit, cursor))}
        shown = present or (lambda item, expand: obj_of(item))
        items_shown = [shown(item, expand) for item in chunk]
        return {'_links': links, '_embedded': {op.list_key: items_shown}, 'count': len(items), 'size': len(chunk)}
