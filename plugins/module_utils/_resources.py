# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Declarative JSON resources over REST: read, plan, write only what differs. Internal to this collection; not a public API.

``plan`` is pure (desired objects, current objects -> actions) so it is tested
from a table; ``ResourceCollection`` does the HTTP: paged reads and one write
per object that differs.  Check mode stops after ``plan``.
"""

from __future__ import annotations

import json
from collections import namedtuple
from urllib.parse import urlencode, urlsplit, urlunsplit, parse_qsl

from ansible_collections.jwtauth.oidc.plugins.module_utils import _compare
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, OIDCError, ResponseError

SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
# RFC 7643 sections 4.1 and 4.2, used when an item does not name its schemas.
SCIM_CORE_SCHEMAS = {
    'Users': 'urn:ietf:params:scim:schemas:core:2.0:User',
    'Groups': 'urn:ietf:params:scim:schemas:core:2.0:Group',
}

# Keys the server owns, never compared nor sent back (RFC 7643 section 3.1 for SCIM).
SERVER_OWNED = {
    'scim': ('id', 'meta', 'schemas'),
    'generic': ('id', '_links', '_embedded'),
}

# kind: create, update, delete or none; before/after: the object without server-owned keys (for diffs);
# current: the server's object; desired: what the item sets (None values mean remove).
Action = namedtuple('Action', ['kind', 'key', 'before', 'after', 'current', 'desired'])


class ResourceError(OIDCError):
    """A read or write failed; ``done`` lists what was already changed."""

    def __init__(self, message, done=None, **details):
        super().__init__(message, **details)
        self.done = done or []


def key_of(obj, key=None, key_query=None):
    """The identity of an object: an attribute (``userName``) or a JMESPath expression."""
    if key_query:
        import jmespath

        return jmespath.search(key_query, obj)
    return obj.get(key)


def plan(desired, current, key=None, key_query=None, state='present', prune=False, server_owned=()):
    """Actions that bring ``current`` to ``desired``: create, update, delete or none, one per object.

    Desired objects are compared on the keys they set (``_compare.matches``).
    With ``prune``, current objects that no desired object names are deleted.
    """
    index = {}
    for obj in current:
        index.setdefault(key_of(obj, key, key_query), obj)
    actions = []
    named = set()
    for item in desired:
        name = key_of(item, key, key_query)
        if name is None:
            raise ConfigurationError('An item has no value for its key {0}: {1}'.format(key or key_query, json.dumps(item, sort_keys=True)))
        if name in named:
            raise ConfigurationError('Two items have the same key {0!r}'.format(name))
        named.add(name)
        found = index.get(name)
        if state == 'absent':
            actions.append(Action('delete', name, _compare.strip(found, server_owned), {}, found, None) if found else
                           Action('none', name, {}, {}, None, None))
        elif found is None:
            # A create sends what the user gave (SCIM schemas included), less what only the server may set.
            body = _compare.strip(item, [k for k in server_owned if k != 'schemas'])
            actions.append(Action('create', name, {}, body, None, body))
        elif _compare.differing_keys(_compare.strip(item, server_owned), found):
            before = _compare.strip(found, server_owned)
            actions.append(Action('update', name, before, _compare.merged(before, item, server_owned), found,
                                  _compare.strip(item, server_owned)))
        else:
            unchanged = _compare.strip(found, server_owned)
            actions.append(Action('none', name, unchanged, unchanged, found, None))
    if prune and state == 'present':
        for name, found in index.items():
            if name not in named:
                actions.append(Action('delete', name, _compare.strip(found, server_owned), {}, found, None))
    return actions


def check_prune(actions, desired, prune_max):
    """The guard against wiping a collection by mistake: refuse before any write."""
    deletions = [a for a in actions if a.kind == 'delete']
    if not desired:
        raise ConfigurationError('prune needs at least one item: with none it would delete every object')
    if len(deletions) > prune_max:
        raise ConfigurationError('prune would delete {0} objects, more than prune_max ({1}): {2}{3}'.format(
            len(deletions), prune_max, ', '.join(str(a.key) for a in deletions[:10]), ' ...' if len(deletions) > 10 else ''))


def scim_patch_body(action):
    """RFC 7644 section 3.5.2: one replace (or remove) operation per differing attribute."""
    operations = []
    desired = action.desired
    for name in _compare.differing_keys(desired, action.current):
        if desired.get(name) is None:
            operations.append({'op': 'remove', 'path': name})
        else:
            operations.append({'op': 'replace', 'path': name, 'value': desired[name]})
    return {'schemas': [SCIM_PATCH_SCHEMA], 'Operations': operations}


def with_query(url, **params):
    """The URL with query parameters added or replaced."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items() if v is not None})
    return urlunsplit(parts._replace(query=urlencode(query)))


def error_detail(response):
    """The server's own words from an error response: SCIM ``detail``, or the usual JSON keys, or the status."""
    try:
        body = json.loads(response.text)
    except ValueError:
        return 'HTTP {0}'.format(response.status_code)
    if isinstance(body, dict):
        for field in ('detail', 'error_description', 'message', 'error'):
            if isinstance(body.get(field), str):
                return '{0} [HTTP {1}]'.format(body[field], response.status_code)
    return 'HTTP {0}'.format(response.status_code)


class ResourceCollection:
    """One REST collection (e.g. SCIM /Users) read with paging and written object by object."""

    def __init__(self, http, url, token_source, api_style='generic', page_size=100, items_path=None, update_method='put',
                 server_owned=()):
        self.http = http
        self.url = url.rstrip('/')
        self.token_source = token_source
        self.api_style = api_style
        self.page_size = page_size
        self.items_path = items_path
        self.update_method = update_method
        self.server_owned = tuple(SERVER_OWNED[api_style]) + tuple(server_owned)
        self.content_type = 'application/scim+json' if api_style == 'scim' else 'application/json'
        self.requests = 0

    def _send(self, method, url, what, body=None, single_use=False, content_type=None):
        """One request with the bearer token; on a 401, renew the token once and resend."""
        for attempt in (0, 1):
            headers = {'Authorization': 'Bearer ' + self.token_source(renew=attempt == 1), 'Accept': self.content_type}
            data = None
            if body is not None:
                headers['Content-Type'] = content_type or self.content_type
                data = json.dumps(body)
            self.requests += 1
            response = self.http.request(method, url, what, single_use=single_use, headers=headers, data=data)
            if response.status_code != 401 or attempt == 1:
                return response
        return response

    def _items(self, page):
        if self.api_style == 'scim':
            return page.get('Resources', [])
        if isinstance(page, list):
            return page
        if self.items_path:
            import jmespath

            return jmespath.search(self.items_path, page) or []
        for field in ('items', 'data', 'results', 'value'):
            if isinstance(page.get(field), list):
                return page[field]
        embedded = page.get('_embedded')
        if isinstance(embedded, dict):
            for value in embedded.values():
                if isinstance(value, list):
                    return value
        return []

    def list_all(self):
        """Every object of the collection, following SCIM startIndex/count or HAL/next links."""
        objects = []
        url = with_query(self.url, startIndex=1, count=self.page_size) if self.api_style == 'scim' else self.url
        while url:
            response = self._send('GET', url, 'list {0}'.format(self.url))
            if response.status_code != 200:
                raise ResourceError('Failed to list {0}: {1}'.format(self.url, error_detail(response)), url=url, status=response.status_code)
            try:
                page = json.loads(response.text)
            except ValueError:
                raise ResponseError('Failed to list {0}: the answer is not JSON'.format(self.url), url=url, status=200) from None
            items = self._items(page)
            objects.extend(items)
            url = self._next_url(page, items, len(objects))
        return objects

    def _next_url(self, page, items, seen):
        if self.api_style == 'scim':
            # RFC 7644 section 3.4.2.4: 1-based startIndex; stop at totalResults or an empty page.
            total = page.get('totalResults', 0)
            if not items or seen >= total:
                return None
            return with_query(self.url, startIndex=seen + 1, count=self.page_size)
        if not isinstance(page, dict):
            return None
        links = page.get('_links') or {}
        nxt = links.get('next')
        if isinstance(nxt, dict):
            return nxt.get('href')
        return page.get('next') if isinstance(page.get('next'), str) else None

    def object_url(self, obj):
        """Where an object lives: SCIM meta.location, a HAL self link, or <collection>/<id>."""
        location = (obj.get('meta') or {}).get('location') if isinstance(obj.get('meta'), dict) else None
        if location:
            return location
        self_link = ((obj.get('_links') or {}).get('self') or {}).get('href') if isinstance(obj.get('_links'), dict) else None
        return self_link or '{0}/{1}'.format(self.url, obj['id'])

    def apply(self, action):
        """Carry out one action; return the object as the server now holds it (None after a delete)."""
        label = '{0} {1!r}'.format(self.url.rsplit('/', 1)[-1], action.key)
        if action.kind == 'create':
            body = dict(action.after)
            response = self._send('POST', self.url, 'create ' + label, body=self._with_schemas(body), single_use=True)
            expected = (200, 201)
        elif action.kind == 'update':
            url = self.object_url(action.current)
            if self.update_method == 'patch':
                if self.api_style == 'scim':
                    body, content_type = scim_patch_body(action), None
                else:
                    # RFC 7396 JSON merge patch: the differing keys, null to remove.
                    body = {k: action.desired[k] for k in _compare.differing_keys(action.desired, action.current)}
                    content_type = 'application/merge-patch+json'
                response = self._send('PATCH', url, 'update ' + label, body=body, content_type=content_type)
            else:
                response = self._send('PUT', url, 'update ' + label, body=self._with_schemas(dict(action.after), action.current))
            expected = (200, 204)
        elif action.kind == 'delete':
            response = self._send('DELETE', self.object_url(action.current), 'delete ' + label)
            expected = (200, 204, 404)
        else:
            return action.current
        if response.status_code not in expected:
            raise ResourceError('Failed to {0} {1} at {2}: {3}'.format(action.kind, label, response.url or self.url, error_detail(response)),
                                url=response.url, status=response.status_code)
        if action.kind == 'delete' or response.status_code == 204 or not response.text:
            return None if action.kind == 'delete' else action.after
        try:
            return json.loads(response.text)
        except ValueError:
            return action.after

    def _with_schemas(self, body, current=None):
        """SCIM bodies carry their schemas (RFC 7643 section 3): the server's on update, the core schema on create."""
        if self.api_style == 'scim' and 'schemas' not in body:
            if current and current.get('schemas'):
                body['schemas'] = current['schemas']
            elif self.url.rsplit('/', 1)[-1] in SCIM_CORE_SCHEMAS:
                body['schemas'] = [SCIM_CORE_SCHEMAS[self.url.rsplit('/', 1)[-1]]]
        return body
