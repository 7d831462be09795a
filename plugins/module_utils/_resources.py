# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Declarative JSON resources over REST: read, plan, write only what differs. Internal to this collection; not a public API.

``plan`` is pure (desired objects, current objects -> actions) so it is tested
from a table; ``ResourceCollection`` does the HTTP: paged reads and one write
per object that differs.  Check mode stops after ``plan``.

Answers are untrusted.  A link in an answer (a next page, an object's
``meta.location`` or ``_links.self.href``) is resolved against the URL of the
answer that carried it and followed only to the origin of ``url``: the bearer
token and request bodies go nowhere else.  A read that cannot be complete fails
rather than return part of the collection, since prune and create decisions rest
on it.  ``resolve_link``, ``page_items``, ``next_link`` and ``scim_next_index``
are pure and tested from tables.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, cast
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from ansible_collections.jwtauth.oidc.plugins.module_utils import _compare, _error_body, _pingone
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, ResourceError, ResponseError

if TYPE_CHECKING:
    from requests import Response

    from ansible_collections.jwtauth.oidc.plugins.module_utils._http import HttpClient

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

# SCIM keys whose core schema says "caseExact": false (RFC 7643 section 8.7.1: User userName and displayName,
# Group displayName): a server holding "Bob" holds the object "bob" names (RFC 7643 section 2.1), and refuses
# to create it again (409 uniqueness). Other keys (externalId, ids) compare exactly.
SCIM_CASE_INSENSITIVE_KEYS = ('userName', 'displayName')

# The most pages one read of a collection follows: 100,000 objects at the default page_size of 100. A bound
# against a server that pages for ever with fresh links or ids (a loop or a repeated page is caught at once),
# not a tuning knob: a collection really that large asks for larger pages (page_size for SCIM, a limit in
# the url of a generic API), which also costs fewer requests.
MAX_PAGES = 1000

# RFC 6454 section 4: a URL without a port has the scheme's default port.
DEFAULT_PORTS = {'https': 443, 'http': 80}

# Fields of a generic page that hold its objects, in the order they are looked for.
ITEM_FIELDS = ('items', 'data', 'results', 'value')

# kind: create, update, delete or none; before/after: the object without server-owned keys (for diffs; after is
# also the body of a create or PUT); current: the server's object; desired: what the item sets (None values mean
# remove); write_only: write-only attributes this write sends besides (RFC 7643 section 7), never in before/after.
Action = namedtuple('Action', ['kind', 'key', 'before', 'after', 'current', 'desired', 'write_only'], defaults=(None,))

# When write-only attributes (write_only_keys) are sent: with a create only; also with an update that other
# attributes cause; or to every existing object on every run, since the server never shows whether it holds them.
SEND_WRITE_ONLY = ('on_create', 'on_update', 'always')


def key_of(obj: Mapping[Any, Any], key: str | None = None, key_query: str | None = None) -> Any:
    """The identity of an object: an attribute (``userName``) or a JMESPath expression."""
    if key_query:
        import jmespath

        return jmespath.search(key_query, obj)
    return obj.get(key)


def exact(name: Any) -> Any:
    """A key as it compares by default: unchanged."""
    return name


def casefolded(name: Any) -> Any:
    """A key as a caseExact false attribute compares (RFC 7643 section 2.1): a string without its case."""
    return name.casefold() if isinstance(name, str) else name


def key_folder(api_style: str, key: str | None) -> Callable[[Any], Any]:
    """How keys compare: case-insensitively for a SCIM key whose schema says caseExact false, else exactly."""
    return casefolded if api_style == 'scim' and key in SCIM_CASE_INSENSITIVE_KEYS else exact


def item_label(index: int, source: str = 'items') -> str:
    """How messages name a desired object: by its place in the task's option (``items[2]``), never by its contents."""
    return source if source == 'item' else '{0}[{1}]'.format(source, index)


def _desired_key(item: Any, index: int, source: str, key: str | None, key_query: str | None) -> Any:
    """The key of one desired item; ConfigurationError, naming the item by its place only, when it has no usable one."""
    what = 'key {0}'.format(key) if key else 'key_query {0}'.format(key_query)
    if not isinstance(item, dict):
        raise ConfigurationError('{0} is {1}, not an object'.format(item_label(index, source), json_type(item)))
    name = key_of(item, key, key_query)
    if name is None:
        raise ConfigurationError('{0} has no value for its {1}'.format(item_label(index, source), what))
    if isinstance(name, (dict, list)):
        raise ConfigurationError('{0}: its {1} is {2}, not a string or number'.format(item_label(index, source), what, json_type(name)))
    return name


def plan(desired: Iterable[dict[str, Any]], current: Iterable[dict[str, Any]], key: str | None = None, key_query: str | None = None,
         state: str = 'present', prune: bool = False, server_owned: Sequence[str] = (), write_only: Sequence[str] = (),
         send_write_only: str = 'on_create', source: str = 'items', fold: Callable[[Any], Any] = exact) -> list[Action]:
    """Actions that bring ``current`` to ``desired``: create, update, delete or none, one per object.

    Desired objects are compared on the keys they set (``_compare.matches``), less the ``write_only``
    attributes, which a server never returns (RFC 7643 section 7, ``writeOnly``: "Attribute values SHALL NOT
    be returned"), so they could never match; they are sent as ``send_write_only`` says.  With ``prune``,
    current objects that no desired object names are deleted.  ``source`` names the option the desired
    objects come from, for messages, which name an item by its place and key only.  ``fold`` makes keys that
    compare equal the same (``key_folder``): such a key is not an update when only its case differs.
    """
    index: dict[Any, dict[str, Any]] = {}
    for obj in current:
        name = key_of(obj, key, key_query)
        # A server object whose key is a list or object can be named by no item (their keys are scalars).
        if not isinstance(name, (dict, list)):
            index.setdefault(fold(name), obj)
    actions: list[Action] = []
    named: dict[Any, int] = {}
    for number, item in enumerate(desired):
        name = _desired_key(item, number, source, key, key_query)
        folded = fold(name)
        if folded in named:
            raise ConfigurationError('{0} and {1} have the same key {2!r}'.format(
                item_label(named[folded], source), item_label(number, source), name))
        named[folded] = number
        found = index.get(folded)
        secret = {k: item[k] for k in write_only if k in item and item[k] is not None}
        unsent = list(server_owned) + list(write_only)
        if found is not None and key and found.get(key) != name:
            unsent.append(key)  # found by the folded key: the same key by its schema's rule, its case the server's business
        compared = _compare.strip(item, unsent)
        if state == 'absent':
            actions.append(Action('delete', name, _compare.strip(found, server_owned), {}, found, None) if found else
                           Action('none', name, {}, {}, None, None))
        elif found is None:
            # A create sends what the user gave (SCIM schemas included), less what only the server may set.
            body = _compare.strip(item, [k for k in server_owned if k != 'schemas'] + list(write_only))
            actions.append(Action('create', name, {}, body, None, body, secret))
        elif _compare.differing_keys(compared, found):
            before = _compare.strip(found, server_owned)
            actions.append(Action('update', name, before, _compare.merged(before, compared, server_owned), found, compared,
                                  secret if send_write_only != 'on_create' else None))
        elif secret and send_write_only == 'always':
            unchanged = _compare.strip(found, server_owned)
            actions.append(Action('update', name, unchanged, unchanged, found, {}, secret))
        else:
            unchanged = _compare.strip(found, server_owned)
            actions.append(Action('none', name, unchanged, unchanged, found, None))
    if prune and state == 'present':
        for folded, found in index.items():
            if folded not in named:
                actions.append(Action('delete', key_of(found, key, key_query), _compare.strip(found, server_owned), {}, found, None))
    return actions


def check_prune(actions: Sequence[Action], desired: Sequence[dict[str, Any]], prune_max: int) -> None:
    """The guard against wiping a collection by mistake: refuse before any write."""
    deletions = [a for a in actions if a.kind == 'delete']
    if not desired:
        raise ConfigurationError('prune needs at least one item: with none it would delete every object')
    if len(deletions) > prune_max:
        raise ConfigurationError('prune would delete {0} objects, more than prune_max ({1}): {2}{3}'.format(
            len(deletions), prune_max, ', '.join(str(a.key) for a in deletions[:10]), ' ...' if len(deletions) > 10 else ''))


def scim_patch_body(action: Action) -> dict[str, Any]:
    """RFC 7644 section 3.5.2: one replace (or remove) operation per differing attribute, and per write-only one sent."""
    operations = []
    desired = action.desired
    for name in _compare.differing_keys(desired, action.current):
        if desired.get(name) is None:
            operations.append({'op': 'remove', 'path': name})
        else:
            operations.append({'op': 'replace', 'path': name, 'value': desired[name]})
    for name, value in (action.write_only or {}).items():
        operations.append({'op': 'replace', 'path': name, 'value': value})
    return {'schemas': [SCIM_PATCH_SCHEMA], 'Operations': operations}


def with_query(url: str, **params: Any) -> str:
    """The URL with query parameters added or replaced."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in params.items() if v is not None})
    return urlunsplit(parts._replace(query=urlencode(query)))


def json_type(value: Any) -> str:
    """The JSON type of a value, in words, for messages that must not show the value itself."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, list):
        return 'a list'
    return 'an object'


def origin(url: str) -> tuple[str, str, int | None]:
    """RFC 6454 section 4: the (scheme, host, port) of an absolute URL; ValueError when its port is not a port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or '').lower(), parts.port or DEFAULT_PORTS.get(scheme)


def shown_url(url: str) -> str:
    """A URL fit for a message: user credentials a server put in a link are left out."""
    parts = urlsplit(url)
    if '@' not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc='***@' + parts.netloc.rsplit('@', 1)[1]))


def resolve_link(link: Any, base: str, collection_url: str) -> tuple[str | None, str | None]:
    """Where a link found in an answer leads, and whether the bearer token may go there.

    ``link`` is resolved against ``base``, the URL of the answer that carried it (RFC 3986 section 5; HAL
    links are often relative).  Returns ``(url, refusal)``: ``refusal`` is None when ``url`` has the origin
    of ``collection_url`` (same scheme, host and port, RFC 6454), else why not, as words that complete
    "the link ...".  Like requests, which drops Authorization on a redirect to another host, the token
    never follows a link off its origin, and never from https down to http.
    """
    if not isinstance(link, str) or not link.strip():
        return None, 'is {0}, not a URL'.format('an empty string' if isinstance(link, str) else json_type(link))
    url = urljoin(base, link)
    try:
        found, wanted = origin(url), origin(collection_url)
    except ValueError:
        return url, 'is not a valid URL'
    if found[0] not in DEFAULT_PORTS or not found[1]:
        return url, 'is not an http(s) URL'
    if '@' in urlsplit(url).netloc:
        return url, 'carries user credentials'
    if found[0] != wanted[0] and wanted[0] == 'https':
        return url, 'is {0}, not https'.format(found[0])
    if found != wanted:
        return url, 'is on another origin ({0}://{1}:{2}) than url ({3}://{4}:{5})'.format(*(found + wanted))
    return url, None


def page_items(page: Any, api_style: str = 'generic', items_path: str | None = None) -> tuple[list[Any] | None, str | None]:
    """The objects of one page of a list answer, and what is wrong with it (None when nothing is).

    SCIM (RFC 7644 section 3.4.2): ``Resources``, which may be left out when empty.  Generic: the answer
    itself when it is a list, else ``items_path``, else the first list among ``ITEM_FIELDS`` and
    ``_embedded`` (HAL).  Every object must be a JSON object; a bad one is named by its place, never shown.
    """
    items: Any
    where: str | None
    if api_style == 'scim':
        if not isinstance(page, dict):
            return None, 'the answer is {0}, not a JSON object'.format(json_type(page))
        items, where = page.get('Resources', []), 'Resources'
        if not isinstance(items, list):
            return None, 'Resources is {0}, not a list'.format(json_type(items))
    elif isinstance(page, list):
        items, where = page, 'the answer'
    elif not isinstance(page, dict):
        return None, 'the answer is {0}, not a JSON object or list'.format(json_type(page))
    elif items_path:
        import jmespath

        items, where = jmespath.search(items_path, page), 'items_path {0}'.format(items_path)
        if items is None:
            items = []
        elif not isinstance(items, list):
            return None, 'items_path {0} gives {1}, not a list'.format(items_path, json_type(items))
    else:
        items, where = _generic_items(page)
        if items is None:
            return None, 'no list of objects in the answer (looked for {0} and _embedded); set items_path'.format(', '.join(ITEM_FIELDS))
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            return None, 'item {0} of {1} is {2}, not an object'.format(number, where, json_type(item))
    return items, None


def _generic_items(page: dict[str, Any]) -> tuple[list[Any] | None, str | None]:
    for field in ITEM_FIELDS:
        if isinstance(page.get(field), list):
            return page[field], field
    embedded = page.get('_embedded')
    if isinstance(embedded, dict):
        for name, value in embedded.items():
            if isinstance(value, list):
                return value, '_embedded.' + name
    return None, None


def next_link(page: Any) -> tuple[str | None, str | None]:
    """The next-page link of a generic page (HAL ``_links.next.href`` or a ``next`` URL), and what is wrong with it.

    Returns ``(link, problem)``; neither at the last page.  A ``next`` that is there but not a URL is a
    problem, not the end: stopping there would return part of the collection.
    """
    if not isinstance(page, dict):
        return None, None
    links = page.get('_links')
    if links is not None and not isinstance(links, dict):
        return None, '_links is {0}, not an object'.format(json_type(links))
    hal_next = (links or {}).get('next')
    if hal_next is not None:
        if not isinstance(hal_next, dict):
            return None, '_links.next is {0}, not a link object'.format(json_type(hal_next))
        href = hal_next.get('href')
        if not isinstance(href, str) or not href:
            return None, '_links.next.href is {0}, not a URL'.format('an empty string' if href == '' else json_type(href))
        return href, None
    link = page.get('next')
    if link is None or link == '':
        return None, None
    if not isinstance(link, str):
        return None, 'next is {0}, not a URL'.format(json_type(link))
    return link, None


def scim_next_index(total: Any, start_index: int, received: int, fresh: int) -> tuple[int | None, str | None]:
    """RFC 7644 section 3.4.2.4 paging: the startIndex of the next page (None after the last), and what is wrong.

    ``start_index`` is the page's own (1-based), ``received`` how many objects it held and ``fresh`` how many
    of them had an id not seen before.  An empty page, or one of objects already read, before
    ``totalResults`` is reached means the server does not page as it says: a ``totalResults`` of 10**9
    with the same page repeated would otherwise be read for ever.
    """
    if total is None:
        return None, 'the answer has no totalResults (RFC 7644 section 3.4.2 requires it)'
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        negative = isinstance(total, int) and not isinstance(total, bool)
        return None, 'totalResults is {0}, not a whole number'.format('a negative number' if negative else json_type(total))
    read = start_index - 1 + received
    # Checked before the end: a server that ignores startIndex (PingOne's SCIM API answers every list from the
    # first object) sends the first page again, which would otherwise count as the last.
    if received and not fresh:
        return None, 'the page at startIndex {0} repeats objects already read (no new id), but totalResults is {1}'.format(start_index, total)
    if read >= total:
        return None, None
    if not received:
        return None, 'the page at startIndex {0} is empty, but totalResults is {1}'.format(start_index, total)
    return read + 1, None


def collection_name(url: str) -> str:
    """The last segment of a collection URL's path, its query left out: ``Users`` for ``.../v2/Users?filter=x``."""
    return urlsplit(url).path.rstrip('/').rsplit('/', 1)[-1] or url


def error_detail(response: Response) -> str:
    """The server's own words from an error response (see _error_body.summarise) and its status, plus PingOne's 404 hint."""
    said = _error_body.summarise(response.headers, response.text)
    text = '{0} [HTTP {1}]'.format(said, response.status_code) if said else 'HTTP {0}'.format(response.status_code)
    hint = _pingone.not_found_hint(response.url) if response.status_code == 404 else None
    return '{0}; {1}'.format(text, hint) if hint else text


def _identity(obj: dict[str, Any]) -> str | int:
    """What tells two listed objects apart: the server's id, else the whole object."""
    return obj['id'] if isinstance(obj.get('id'), (str, int)) else json.dumps(obj, sort_keys=True)


class ResourceCollection:
    """One REST collection (e.g. SCIM /Users) read with paging and written object by object."""

    def __init__(self, http: HttpClient, url: str, token_source: Callable[..., str], api_style: str = 'generic', page_size: int = 100,
                 items_path: str | None = None, update_method: str = 'put', server_owned: Iterable[str] = (),
                 max_pages: int = MAX_PAGES) -> None:
        self.http = http
        self.url = url.rstrip('/')
        self.token_source = token_source
        self.api_style = api_style
        self.page_size = page_size
        self.items_path = items_path
        self.update_method = update_method
        self.server_owned = tuple(SERVER_OWNED[api_style]) + tuple(server_owned)
        self.content_type = 'application/scim+json' if api_style == 'scim' else 'application/json'
        self.max_pages = max_pages
        self.requests = 0
        self.objects: list[dict[str, Any]] = []
        # id() of each listed object -> the page that listed it, the base of its relative links. The
        # objects stay referenced by self.objects, so their id() values are not reused.
        self._found_at: dict[int, str] = {}

    def _send(self, method: str, url: str, what: str, body: Any = None, single_use: bool = False, content_type: str | None = None) -> Response:
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

    def list_all(self) -> list[dict[str, Any]]:
        """Every object of the collection, page after page (SCIM startIndex/count, or HAL/next links).

        Raises ResponseError rather than return part of the collection: a page that is not a list answer,
        a next link off the origin of ``url``, a loop, more than ``max_pages`` pages, a SCIM server that
        does not page as its ``totalResults`` says.
        """
        scim = self.api_style == 'scim'
        objects: list[dict[str, Any]] = []
        read: list[str] = []
        ids: set[str | int] = set()
        start_index: int | None = 1
        url: str | None = with_query(self.url, startIndex=start_index, count=self.page_size) if scim else self.url
        while url:
            if len(read) == self.max_pages:
                self._list_failed('more than {0} pages, the last at {1}; stopping rather than return part of the collection'.format(
                    self.max_pages, read[-1]), read[-1])
            read.append(url)
            page = self._read_page(url)
            items, problem = page_items(page, self.api_style, self.items_path)
            if problem:
                self._list_failed('{0} (page {1})'.format(problem, url), url)
            # page_items gives a list whenever it finds no problem; paging goes on only with a start index.
            items = cast('list[dict[str, Any]]', items)
            fresh = [item for item in items if _identity(item) not in ids]
            ids.update(_identity(item) for item in fresh)
            self._found_at.update((id(item), url) for item in fresh)
            objects.extend(fresh)
            if scim:
                start_index, problem = scim_next_index(page.get('totalResults'), cast(int, start_index), len(items), len(fresh))
                url = with_query(self.url, startIndex=start_index, count=self.page_size) if start_index else None
            else:
                link, problem = next_link(page)
                url = self._follow(link, url, 'the next link of page ' + url) if link and not problem else None
            if problem:
                self._list_failed('{0} (page {1})'.format(problem, read[-1]), read[-1])
            if url in read:
                self._list_failed('the next link of page {0} leads back to {1}, already read; stopping rather than return part of the '
                                  'collection'.format(read[-1], 'itself' if url == read[-1] else url), read[-1])
        self.objects = objects
        return objects

    def find(self, key: str, name: Any, fold: Callable[[Any], Any] = exact) -> dict[str, Any] | None:
        """The object whose ``key`` is ``name``, read with a SCIM filter (RFC 7644 section 3.4.2.2), or None.

        The filter's value is a JSON string (``userName eq "bob"``); the answer is checked again with ``fold``,
        since a server may filter more loosely than its schema compares.
        """
        url = with_query(self.url, filter='{0} eq {1}'.format(key, json.dumps(name)))
        page = self._read_page(url)
        items, problem = page_items(page, self.api_style, self.items_path)
        if problem:
            self._list_failed('{0} (page {1})'.format(problem, url), url)
        for item in cast('list[dict[str, Any]]', items):
            if fold(item.get(key)) == fold(name):
                self._found_at[id(item)] = url
                self.objects.append(item)  # keeps id(item) from being reused while _found_at names it
                return item
        return None

    def _read_page(self, url: str) -> Any:
        response = self._send('GET', url, 'list {0}'.format(self.url))
        if response.status_code != 200:
            raise ResourceError('Failed to list {0}: {1}'.format(self.url, error_detail(response)), url=url, status=response.status_code,
                                correlation_id=_error_body.correlation_id(response.headers))
        try:
            return json.loads(response.text)
        except ValueError:
            raise ResponseError('Failed to list {0}: the answer is not JSON (page {1})'.format(self.url, url), url=url, status=200) from None

    def _list_failed(self, why: str, url: str) -> NoReturn:
        raise ResponseError('Failed to list {0}: {1}'.format(self.url, why), url=url)

    def _follow(self, link: Any, base: str, where: str, failed: str | None = None) -> str:
        """The URL a link leads to; ResponseError, before any request, when the token may not go there."""
        url, refusal = resolve_link(link, base, self.url)
        if refusal:
            shown = ', {0},'.format(shown_url(url)) if url else ''
            raise ResponseError('{0}: {1}{2} {3}; the bearer token goes only to the origin of url, over https'.format(
                failed or 'Failed to list {0}'.format(self.url), where, shown, refusal), url=base)
        return cast(str, url)  # resolve_link gives a URL whenever it has no refusal

    @property
    def name(self) -> str:
        """The collection's name for messages: the last segment of its path (``Users``)."""
        return collection_name(self.url)

    def label(self, key: Any) -> str:
        """How messages name an object: its collection and key, never its contents."""
        return '{0} {1!r}'.format(self.name, key)

    def object_url(self, obj: dict[str, Any], key: Any, kind: str = 'update') -> str:
        """Where an object lives: SCIM meta.location, a HAL self link, or <collection>/<id>.

        A link is resolved against the page that listed the object, and must stay on the origin of ``url``.
        """
        base = self._found_at.get(id(obj), self.url)
        failed = 'Failed to {0} {1}'.format(kind, self.label(key))
        meta, links = obj.get('meta'), obj.get('_links')
        if isinstance(meta, dict) and meta.get('location') not in (None, ''):
            return self._follow(meta['location'], base, 'its meta.location', failed)
        if isinstance(links, dict) and isinstance(links.get('self'), dict) and links['self'].get('href') not in (None, ''):
            return self._follow(links['self']['href'], base, 'its _links.self.href', failed)
        object_id = obj.get('id')
        if isinstance(object_id, (str, int)) and not isinstance(object_id, bool) and str(object_id):
            # The id is one path segment: quoted, so an id such as "../admin" stays inside the collection.
            return '{0}/{1}'.format(self.url, quote(str(object_id), safe=''))
        raise ResponseError('{0}: the server gave it no meta.location, _links.self.href or id'.format(failed), url=self.url)

    def check_links(self, actions: Iterable[Action]) -> None:
        """Refuse, before the first write, an update or delete whose object URL the token may not follow."""
        for action in actions:
            if action.kind in ('update', 'delete'):
                self.object_url(action.current, action.key, action.kind)

    def apply(self, action: Action) -> Any:
        """Carry out one action; return the object as the server now holds it (None after a delete)."""
        label = self.label(action.key)
        write_only = action.write_only or {}
        if action.kind == 'create':
            body = dict(action.after, **write_only)
            response = self._send('POST', self.url, 'create ' + label, body=self._with_schemas(body), single_use=True)
            expected: tuple[int, ...] = (200, 201)
        elif action.kind == 'update':
            url = self.object_url(action.current, action.key)
            if self.update_method == 'patch':
                if self.api_style == 'scim':
                    body, content_type = scim_patch_body(action), None
                else:
                    # RFC 7396 JSON merge patch: the differing keys, null to remove.
                    body = {k: action.desired[k] for k in _compare.differing_keys(action.desired, action.current)}
                    body.update(write_only)
                    content_type = 'application/merge-patch+json'
                response = self._send('PATCH', url, 'update ' + label, body=body, content_type=content_type)
            else:
                response = self._send('PUT', url, 'update ' + label, body=self._with_schemas(dict(action.after, **write_only), action.current))
            expected = (200, 204)
        elif action.kind == 'delete':
            response = self._send('DELETE', self.object_url(action.current, action.key, 'delete'), 'delete ' + label)
            expected = (200, 204, 404)
        else:
            return action.current
        if response.status_code not in expected:
            raise ResourceError('Failed to {0} {1} at {2}: {3}'.format(action.kind, label, response.url or self.url, error_detail(response)),
                                url=response.url, status=response.status_code, correlation_id=_error_body.correlation_id(response.headers))
        if action.kind == 'delete' or response.status_code == 204 or not response.text:
            return None if action.kind == 'delete' else action.after
        try:
            return json.loads(response.text)
        except ValueError:
            return action.after

    def _with_schemas(self, body: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
        """SCIM bodies carry their schemas (RFC 7643 section 3): the server's on update, the core schema on create."""
        if self.api_style == 'scim' and 'schemas' not in body:
            if current and current.get('schemas'):
                body['schemas'] = current['schemas']
            elif self.name in SCIM_CORE_SCHEMAS:
                body['schemas'] = [SCIM_CORE_SCHEMAS[self.name]]
        return body
