# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One REST collection over HTTP: paged and filtered reads, one write per object. Internal to this collection; not a public API.

Answers are untrusted (see _paging): a read that cannot be complete fails rather than
return part of the collection, and links are followed only to the collection's origin.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, cast
from urllib.parse import quote

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import PageLimitError, ResourceError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import correlation_id, json_type, media_type, summarise
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.parallel import run_all
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.urls import resolve_link, shown_url, with_query
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.compare import changed_fields, differing_keys, matches, without
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.dialects import DIALECTS, Generic, Page
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.paging import MAX_OBJECTS, MAX_PAGES, collection_name
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.plan import Action, exact

# RFC 7644 section 3.4.3: the body of a POST .search.
SCIM_SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest'

# How many keys one filter read asks for: 50 "userName eq ..." terms are about 2 KB, and an answer of 50 users
# stays well under PingOne's 200 results an answer.
FILTER_CHUNK = 50

# Answers to POST .search that mean "no such endpoint here" (RFC 7644 section 3.4.3 makes it optional; 501 is
# what section 3.12 gives for a feature not supported): filters then go by GET.
NO_SEARCH_ENDPOINT = (404, 405, 501)

# Reads of an object just created that answer 404 (eventual consistency): tries, and the first wait (doubled each time).
READ_AFTER_CREATE_TRIES = 4
READ_AFTER_CREATE_DELAY = 0.5

if TYPE_CHECKING:
    from requests import Response

    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient


def error_detail(response: Response, dialect: Generic = DIALECTS['generic']) -> str:
    """The server's own words from an error response (see summarise) and its status, plus what the dialect knows it
    usually means (PingOne's unknown environment or object)."""
    said = summarise(response.headers, response.text)
    text = f'{said} [HTTP {response.status_code}]' if said else f'HTTP {response.status_code}'
    hint = dialect.refusal_hint(response.url, response.status_code, response.text)
    return f'{text}; {hint}' if hint else text


def refused(
    what: str, where: str | None, response: Response, url: str | None = None, dialect: Generic = DIALECTS['generic'], bearer: str | None = None
) -> ResourceError:
    """The error of an answer that refused a read or write: what the server said, its status and correlation ID; for a
    401, where the bearer token came from (``bearer``), since the API refused the token and not the request."""
    detail = error_detail(response, dialect)
    if response.status_code == 401:
        # RFC 6750 section 3.1 invalid_token: expired, revoked, malformed or for another resource; it was sent twice,
        # the second time renewed, so an expiry is ruled out unless the token is a static one.
        detail += (
            f'; the API refused the bearer token, {bearer or "the one given"}: check that the API accepts tokens of that issuer '
            'and audience, and the scope it needs'
        )
    return ResourceError.failure(what, where, detail, url=url or response.url, status=response.status_code, correlation_id=correlation_id(response.headers))


def _identity(obj: dict[str, Any]) -> str | int:
    """What tells two listed objects apart: the server's id, else the whole object."""
    return obj['id'] if isinstance(obj.get('id'), (str, int)) else json.dumps(obj, sort_keys=True)


class ResourceCollection:
    """One REST collection (e.g. SCIM /Users) read with paging and written object by object."""

    def __init__(
        self,
        http: HttpClient,
        url: str,
        token_source: Callable[..., str],
        api_style: str = 'generic',
        page_size: int = 100,
        items_path: str | None = None,
        update_method: str = 'put',
        server_owned: Iterable[str] = (),
        max_pages: int | None = None,
        attribute_endpoints: Mapping[str, tuple[str, str]] | None = None,
        not_found_retries: int = 0,
        bearer: str | None = None,
    ) -> None:
        self.http = http
        # Where the bearer token comes from, in words, for a 401 ("a client_credentials token of client c1 from ...").
        self.bearer = bearer
        self.url = url.rstrip('/')
        self.token_source = token_source
        self.dialect = DIALECTS[api_style]
        self.page_size = page_size
        self.items_path = items_path
        self.update_method = update_method
        # Attribute -> (path below the object's URL, 'value' or 'object'): see _resources.plan's separate.
        self.attribute_endpoints = dict(attribute_endpoints or {})
        # What the API's contract says of this collection (PingOne: _pingone.contract): its read-only fields are never
        # sent, and never compared unless they change through an endpoint of their own (a PingOne user's enabled).
        self.rules = self.dialect.rules(self.url)
        self.read_only = tuple(name for name in self.rules.read_only if name not in self.attribute_endpoints)
        self.server_owned = self.dialect.server_owned + tuple(name for name in self.read_only if '.' not in name) + tuple(server_owned)
        self.content_type = self.dialect.content_type
        # The most pages a list reads, or None: MAX_PAGES not full, and MAX_OBJECTS (see list_all).
        self.max_pages = max_pages
        # How often a 404 of the list or of a create is tried again: the collection belongs to an object created earlier in
        # this run, which PingOne may not know everywhere yet (eventual consistency, see READ_AFTER_CREATE_TRIES).
        self.not_found_retries = not_found_retries
        self.requests = 0
        self.objects: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        # POST .search until the server answers that it has none; then GET ?filter=.
        self.search_by_post = True
        # id() of each listed object -> the page that listed it, the base of its relative links. The
        # objects stay referenced by self.objects, so their id() values are not reused.
        self._found_at: dict[int, str] = {}

    def _send(self, method: str, url: str, what: str, body: Any = None, single_use: bool = False, content_type: str | None = None) -> Response:
        """One request with the bearer token; on a 401, renew the token once and resend."""
        token = ''
        for attempt in (0, 1):
            with self._lock:  # parallel writes share one token: one renewal after a 401, not one per thread
                refused, token = token, self.token_source()
                if attempt == 1 and token == refused:
                    token = self.token_source(renew=True)  # no other thread has renewed it since
                self.requests += 1
            headers = {'Authorization': 'Bearer ' + token, 'Accept': self.content_type}
            data = None
            if body is not None:
                headers['Content-Type'] = content_type or self.content_type
                data = json.dumps(body)
            response = self.http.request(method, url, what, single_use=single_use, headers=headers, data=data)
            if response.status_code != 401 or attempt == 1:
                return response
        return response

    def list_all(self) -> list[dict[str, Any]]:
        """Every object of the collection, page after page (SCIM startIndex/count, or HAL/next links).

        Raises ResponseError rather than return part of the collection: a page that is not a list answer,
        a next link off the origin of ``url``, a loop, more than ``max_pages`` pages (when given; else more than
        MAX_PAGES pages that were not full, or more than MAX_OBJECTS objects); UnpagedListError for a SCIM server that
        does not page as its ``totalResults`` says (its objects can still be read by filter).
        """
        objects: list[dict[str, Any]] = []
        read: list[str] = []
        ids: set[str | int] = set()
        position = 1  # of the page's first object in the collection (SCIM startIndex)
        short = 0  # pages that brought fewer new objects than page_size
        url: str | None = self.first_page()
        while url:
            bound = self._past_bound(len(read), short, len(objects))
            if bound:
                raise PageLimitError.failure(
                    f'list {self.url}', None, f'{bound}, the last at {read[-1]}; stopping rather than return part of the collection', url=read[-1]
                )
            read.append(url)
            page = self._read_page(url)
            items, problem = self.dialect.page_items(page, self.items_path)
            if problem:
                self._list_failed(f'{problem} (page {url})', url)
            items = cast('list[dict[str, Any]]', items)  # page_items gives a list whenever it finds no problem
            fresh = [item for item in items if _identity(item) not in ids]
            ids.update(_identity(item) for item in fresh)
            self._found_at.update((id(item), url) for item in fresh)
            objects.extend(fresh)
            short += len(fresh) < self.page_size
            link, problem = self.dialect.next_page(Page(page, url, position, len(items), len(fresh)), self.url, self.page_size, len(objects))
            position += len(items)
            url = self._follow(link, url, 'the next link of page ' + url) if link and not problem else None
            if problem:
                self._list_failed(f'{problem} (page {read[-1]})', read[-1])
            if url in read:
                self._list_failed(
                    (
                        f'the next link of page {read[-1]} leads back to {"itself" if url == read[-1] else url}, already read; stopping rather than '
                        'return part of the collection'
                    ),
                    read[-1],
                )
        self.objects = objects
        return objects

    def _past_bound(self, pages: int, short: int, objects: int) -> str | None:
        """What a list that read ``pages`` pages, ``short`` of them not full, and ``objects`` objects is past, or None."""
        if self.max_pages is not None:
            return f'more than {self.max_pages} pages' if pages >= self.max_pages else None
        if short >= MAX_PAGES:
            return f'more than {MAX_PAGES} pages' + (f' of fewer than {self.page_size} new objects' if short < pages else '')
        if objects >= MAX_OBJECTS:
            return f'more than {MAX_OBJECTS:,} objects'
        return None

    def read(self, missing_ok: bool = False) -> dict[str, Any] | None:
        """The JSON object at ``url`` itself (one object, such as a PingOne application's secret), or None for a 404 when
        ``missing_ok``; a 404 is first sent again as ``not_found_retries`` says."""
        what = f'read {self.url}'
        response = self._send_until_found('GET', self.url, what)
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise refused(what, None, response, dialect=self.dialect, bearer=self.bearer)
        try:
            answer = json.loads(response.text)
        except ValueError:
            raise ResponseError.failure(what, None, f'the answer is not JSON ({media_type(response.headers)})', status=200) from None
        if not isinstance(answer, dict):
            raise ResponseError.failure(what, None, f'the answer is {json_type(answer)}, not a JSON object', status=200)
        return answer

    def first_page(self) -> str:
        """The URL of the first page of the collection, as its dialect pages."""
        return self.dialect.first_page(self.url, self.page_size)

    def find(self, key: str, name: Any, fold: Callable[[Any], Any] = exact) -> dict[str, Any] | None:
        """The object whose ``key`` is ``name``, read by filter (see search), or None."""
        found = self.search(key, [name], fold)
        return found[0] if found else None

    def search(self, key: str, names: Sequence[Any], fold: Callable[[Any], Any] = exact, chunk: int = FILTER_CHUNK, parallel: int = 1) -> list[dict[str, Any]]:
        """The objects whose ``key`` is one of ``names``, read with SCIM filters, ``chunk`` names a request.

        Each request asks for ``key eq "a" or key eq "b" ...`` (RFC 7644 section 3.4.2.2; a value is a JSON
        string) through POST ``.search`` (section 3.4.3, which PingOne prefers for filters and which keeps the
        names out of URLs and their length limits), or through GET ``?filter=`` once the server answers that it
        has no ``.search`` (404, 405 or 501).  The answer is checked again with ``fold``: a server may filter
        more loosely than its schema compares.  A chunk's answer must hold every object it matched, since a
        missing one would be created again: one that says it matched more than it sent fails.  After the first,
        ``parallel`` reads run at once (200 reads one after the other are a floor of 10 s at 50 ms a request).
        """
        parts = [list(names[start : start + chunk]) for start in range(0, len(names), chunk)]
        answers = [self._search_part(key, part, fold) for part in parts[:1]]  # the first alone: it learns whether .search exists
        outcomes = run_all(parts[1:], lambda part: self._search_part(key, part, fold), parallel)
        for outcome in outcomes:
            if outcome.error is not None:
                raise outcome.error
            answers.append(outcome.value)
        found: list[dict[str, Any]] = []
        seen: set[str | int] = set()
        for url, items in answers:
            for item in items:
                if _identity(item) not in seen:
                    seen.add(_identity(item))
                    self._found_at[id(item)] = url
                    found.append(item)
        self.objects.extend(found)  # keeps id(item) from being reused while _found_at names it
        return found

    def _search_part(self, key: str, part: list[Any], fold: Callable[[Any], Any]) -> tuple[str, list[dict[str, Any]]]:
        """One filter read for the names of ``part``: (the URL read, the objects of the answer that it named)."""
        wanted = {fold(name) for name in part}
        query = ' or '.join(f'{key} eq {json.dumps(name)}' for name in part)
        url, page = self._filtered_page(query, len(part))
        items, problem = self.dialect.page_items(page, self.items_path)
        if problem:
            self._list_failed(f'{problem} (filter at {url})', url)
        items = cast('list[dict[str, Any]]', items)
        total = page.get('totalResults')
        if isinstance(total, int) and not isinstance(total, bool) and total > len(items):
            self._list_failed(
                f'a filter for {len(part)} objects matched {total} but the answer holds {len(items)} (filter at {url}); lower filter_chunk',
                url,
            )
        return url, [item for item in items if fold(item.get(key)) in wanted]

    def _filtered_page(self, query: str, count: int) -> tuple[str, Any]:
        """One filtered read: (the URL read, the answer), by POST .search unless the server has shown it has none."""
        if self.search_by_post:
            url = self.url + '/.search'
            body = {'schemas': [SCIM_SEARCH_SCHEMA], 'filter': query, 'startIndex': 1, 'count': count}
            response = self._send('POST', url, f'search {self.url}', body=body)
            if response.status_code not in NO_SEARCH_ENDPOINT:
                return url, self._page_of(response, url)
            self.search_by_post = False
        url = with_query(self.url, filter=query, startIndex=1, count=count)
        return url, self._read_page(url)

    def _read_page(self, url: str) -> Any:
        return self._page_of(self._send_until_found('GET', url, f'list {self.url}'), url)

    def _send_until_found(self, method: str, url: str, what: str, retries: int | None = None, **kwargs: Any) -> Response:
        """A request that answers 404 sent again ``retries`` times (``not_found_retries`` when not given), waiting 0.5, 1,
        2 ... s between: what it reads or writes below was just created, and PingOne answers 404 for a short while after a
        create ("Eventual consistency and retryable 404 errors", PingOne's retry best practices,
        https://developer.pingidentity.com/pingone-api/platform/working-with-pingone-apis/retry-best-practices.html; neither
        Ping's SDK nor its Terraform provider retries these). Safe for a create too: a 404 means the parent was not found,
        so nothing was created.  The result warns when a 404 was waited out."""
        retries = self.not_found_retries if retries is None else retries
        for attempt in range(retries + 1):
            response = self._send(method, url, what, **kwargs)
            if response.status_code != 404 or attempt == retries:
                break
            self.http.sleep(READ_AFTER_CREATE_DELAY * 2**attempt)
        if attempt and response.status_code != 404:
            times = 'time' if attempt == 1 else 'times'
            self.http.warn(f'{what[:1].upper()}{what[1:]} at {url}: answered HTTP 404 {attempt} {times} before it was found (eventual consistency)')
        return response

    def _page_of(self, response: Response, url: str) -> Any:
        if response.status_code != 200:
            raise refused(f'list {self.url}', None, response, url=url, dialect=self.dialect, bearer=self.bearer)
        try:
            return json.loads(response.text)
        except ValueError:
            raise ResponseError.failure(f'list {self.url}', None, f'the answer is not JSON (page {url})', url=url, status=200) from None

    def _list_failed(self, why: str, url: str) -> NoReturn:
        raise ResponseError.failure(f'list {self.url}', None, why, url=url)

    def _follow(self, link: Any, base: str, where: str, what: str | None = None) -> str:
        """The URL a link leads to; ResponseError, before any request, when the token may not go there.  ``what`` is the
        step that needs it (listing the collection when not given)."""
        url, refusal = resolve_link(link, base, self.url)
        if refusal:
            shown = f', {shown_url(url)},' if url else ''
            reason = f'{where}{shown} {refusal}; the bearer token goes only to the origin of url, over https'
            raise ResponseError.failure(what or f'list {self.url}', None, reason, url=base)
        return cast(str, url)  # resolve_link gives a URL whenever it has no refusal

    @property
    def name(self) -> str:
        """The collection's name for messages: the last segment of its path (``Users``)."""
        return collection_name(self.url)

    def label(self, key: Any) -> str:
        """How messages name an object: its collection and key, never its contents."""
        return f'{self.name} {key!r}'

    def object_url(self, obj: dict[str, Any], key: Any, kind: str = 'update') -> str:
        """Where an object lives: SCIM meta.location, a HAL self link, or <collection>/<id>.

        A link is resolved against the page that listed the object, and must stay on the origin of ``url``.
        """
        base = self._found_at.get(id(obj), self.url)
        what = f'{kind} {self.label(key)}'
        meta, links = obj.get('meta'), obj.get('_links')
        if self.dialect.follows_self_links and isinstance(meta, dict) and meta.get('location') not in (None, ''):
            return self._follow(meta['location'], base, 'its meta.location', what)
        if self.dialect.follows_self_links and isinstance(links, dict) and isinstance(links.get('self'), dict) and links['self'].get('href') not in (None, ''):
            return self._follow(links['self']['href'], base, 'its _links.self.href', what)
        object_id = obj.get('id')
        if isinstance(object_id, (str, int)) and not isinstance(object_id, bool) and str(object_id):
            # The id is one path segment: quoted, so an id such as "../admin" stays inside the collection.
            return f'{self.url}/{quote(str(object_id), safe="")}'
        raise ResponseError.failure(what, None, 'the server gave it no meta.location, _links.self.href or id', url=self.url)

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
            # An attribute of its own endpoint that the contract makes read-only (a PingOne user's enabled) is set there after.
            body = without(dict(action.after, **write_only), self.rules.read_only)
            response = self._send_until_found('POST', self.url, 'create ' + label, body=self.dialect.with_schemas(body, None, self.name), single_use=True)
            expected: tuple[int, ...] = (200, 201)
        elif action.kind == 'update':
            url = self.object_url(action.current, action.key)
            # What differs besides the attributes that go to their own endpoint: with none (and no write-only
            # attribute to send), the object itself is not written.
            others = [k for k in differing_keys(action.desired, action.current) if k not in (action.separate or {})]
            if action.separate and not (others or write_only):
                return self._update_apart(url, action, action.current)
            # A field only a create sets, or one the contract keeps as created, is never changed by an update: say so
            # rather than send it (the server would refuse it, or ignore it and the next run would try again).
            fixed = self.rules.update_read_only + self.rules.immutable + (self.rules.put_immutable if self.update_method == 'put' else ())
            fixed = tuple(name for name in fixed if name.partition('.')[0] not in (action.separate or {}))
            refused_fields = changed_fields(action.desired, action.current, fixed)
            if refused_fields:
                raise ResourceError.failure(
                    f'update {label}',
                    url,
                    f'{", ".join(refused_fields)} cannot be changed by an update of a {self.rules.name} (its API contract sets '
                    'it on create only); leave it out of the item, or delete and create the object',
                )
            if self.update_method == 'patch':
                body, content_type = self.dialect.patch(action, others, write_only)
                response = self._send('PATCH', url, 'update ' + label, body=body, content_type=content_type)
            else:
                # What goes to its own endpoint keeps the server's value here: the server refuses to change it in a PUT;
                # the fields the contract makes read-only, or read-only on update, are never sent back (the immutable
                # ones are, as held: a PingOne application's type says which model its PUT body is read as).
                after = dict(action.after, **{k: action.before[k] for k in action.separate or {} if k in action.before})
                after = without(after, self.rules.read_only + self.rules.update_read_only)
                response = self._send('PUT', url, 'update ' + label, body=self.dialect.with_schemas(dict(after, **write_only), action.current, self.name))
            expected = (200, 204)
        elif action.kind == 'delete':
            response = self._send('DELETE', self.object_url(action.current, action.key, 'delete'), 'delete ' + label)
            expected = (200, 204, 404)
        else:
            return action.current
        if response.status_code not in expected:
            raise refused(f'{action.kind} {label}', response.url or self.url, response, dialect=self.dialect, bearer=self.bearer)
        if action.kind == 'delete':
            return None
        try:
            answer = json.loads(response.text) if response.status_code != 204 and response.text else None
        except ValueError:
            answer = None
        if action.kind == 'update' and action.separate:
            return self._update_apart(url, action, answer if isinstance(answer, dict) else action.current)
        if action.kind == 'create':
            created = answer if isinstance(answer, dict) else None
            if created is None and response.headers.get('Location'):
                # RFC 9110 section 15.3.2: a 201 names the new object in Location; the object itself tells its id.
                created = self._read_created(response.headers['Location'], action)
            return self._set_apart_after_create(action, created or action.after)
        if isinstance(answer, dict):
            return answer
        return action.after

    def _set_apart_after_create(self, action: Action, created: dict[str, Any]) -> dict[str, Any]:
        """The attributes of their own endpoint that a create could not send (read-only in the contract), set there when the
        created object does not hold what the item says (a PingOne user created, then disabled with PUT .../enabled)."""
        apart = {
            name: action.desired[name]
            for name in self.attribute_endpoints
            if name in self.rules.read_only and name in (action.desired or {}) and not matches(action.desired[name], created.get(name))
        }
        if not apart or not created.get('id'):
            return created
        url = self.object_url(created, action.key)
        return self._update_apart(url, action._replace(separate=apart), created)

    def _update_apart(self, url: str, action: Action, server_object: dict[str, Any]) -> dict[str, Any]:
        """PUT each separate attribute of an update to its own endpoint, below the object's URL; the object as it now is.

        ``value`` sends the attribute's value as the body (PingOne's Update User Population takes ``{"id": ...}``,
        https://developer.pingidentity.com/pingone-api/platform/users/user-populations/update-user-population.html);
        ``object`` sends ``{name: value}`` (Update User Enabled takes ``{"enabled": false}``,
        https://developer.pingidentity.com/pingone-api/platform/users/enable-users/update-user-enabled.html).
        """
        label = self.label(action.key)
        updated = dict(server_object)
        for name, value in action.separate.items():
            path, shape = self.attribute_endpoints[name]
            target = f'{url}/{quote(path, safe="/")}'
            response = self._send('PUT', target, f'update {name} of {label}', body=value if shape == 'value' else {name: value})
            if response.status_code not in (200, 204):
                raise refused(f'update {name} of {label}', response.url or target, response, dialect=self.dialect, bearer=self.bearer)
            updated[name] = value
        return updated

    def _read_created(self, location: str, action: Action) -> Any:
        """The object a create answered with only a Location, read there; a 404 is retried a few times (eventual consistency,
        see _send_until_found).  When the object still cannot be read, the create stands and the result says its id is
        unknown.
        """
        label = self.label(action.key)
        url = self._follow(location, self.url, 'its Location header', f'read the created {label}')
        response = self._send_until_found('GET', url, 'read the created ' + label, retries=READ_AFTER_CREATE_TRIES - 1)
        if response.status_code == 200:
            try:
                answer = json.loads(response.text)
            except ValueError:
                answer = None
            if isinstance(answer, dict):
                return answer
        self.http.warn(f'{label} was created, but reading it back at {url} gave {error_detail(response, self.dialect)}: its id is unknown')
        return action.after
