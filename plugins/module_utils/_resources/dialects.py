# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The API dialects of api_resource (its api_style): how each kind of REST API lists, pages and writes its objects.

Internal to this collection; not a public API.  Each dialect is a small class that declares what differs (content
type, the first page, the objects of a page, the next page, the keys the server owns, the PATCH body, how keys
compare, whether filters and conflict adoption exist), as client authentication methods are strategies of
_oauth.client_auth.  The collection and the converge ask the dialect and never branch on api_style.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import UnpagedListError, failed_to
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.urls import with_query
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.compare import differing_keys
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.paging import (
    generic_page_items,
    next_link,
    scim_next_index,
    scim_page_items,
    scim_total_problem,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.plan import Action, casefolded, exact

SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
# RFC 7643 sections 4.1 and 4.2, used when an item does not name its schemas.
SCIM_CORE_SCHEMAS = {
    'Users': 'urn:ietf:params:scim:schemas:core:2.0:User',
    'Groups': 'urn:ietf:params:scim:schemas:core:2.0:Group',
}


class Page(NamedTuple):
    """One page of a list as read: its answer, its URL, the 1-based position of its first object in the collection,
    how many objects it held, and how many of those had an id not seen before."""

    answer: Any
    url: str
    start_index: int
    received: int
    fresh: int


class Generic:
    """A JSON collection: the answer a list or an object holding one, a ``next`` link or HAL ``_links.next``;
    PATCH as an RFC 7396 merge patch."""

    name = 'generic'
    content_type = 'application/json'
    patch_content_type = 'application/merge-patch+json'
    # Keys the server owns, never compared nor sent back.
    server_owned: tuple[str, ...] = ('id', '_links', '_embedded')
    # Whether objects can be read by SCIM filters (read_strategy filter, RFC 7644 section 3.4.2.2).
    filters = False
    # Whether a create refused with 409 means "it exists already" (RFC 7644 section 3.3, uniqueness), so that the
    # object is read back by key and converged as an update.
    adopts_conflicts = False

    def first_page(self, url: str, page_size: int) -> str:
        """The URL of the first page of the collection at ``url``."""
        return url

    def page_items(self, answer: Any, items_path: str | None) -> tuple[list[Any] | None, str | None]:
        """The objects of one page, and what is wrong with it (None when nothing is): see _resources.paging."""
        return generic_page_items(answer, items_path)

    def next_page(self, page: Page, collection_url: str, page_size: int, listed: int) -> tuple[str | None, str | None]:
        """The link to the page after ``page`` (None after the last), and what is wrong with it; a link is followed
        only on the collection's origin (_http.urls.resolve_link)."""
        return next_link(page.answer)

    def key_folder(self, key: str | None) -> Callable[[Any], Any]:
        """How keys compare: exactly."""
        return exact

    def patch(self, action: Action, differing: list[str], write_only: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        """The body and content type of a PATCH: RFC 7396 JSON merge patch, the differing keys, null to remove."""
        body = {name: action.desired[name] for name in differing}
        body.update(write_only)
        return body, self.patch_content_type

    def with_schemas(self, body: dict[str, Any], current: Mapping[str, Any] | None, collection: str) -> dict[str, Any]:
        """The body of a create or PUT, as the API wants it."""
        return body


class PingOne(Generic):
    """PingOne's Platform API: HAL lists paged by ``limit`` and ``_links.next``, PATCH as application/json."""

    name = 'pingone'
    # PingOne "Update User (PATCH)" takes the same partial object as application/json
    # (https://developer.pingidentity.com/pingone-api/platform/users/users-1/update-user-patch.html).
    patch_content_type = 'application/json'
    # What every object carries ("Data models": id, environment, createdAt, updatedAt, _links), and the counts PingOne
    # computes (population userCount, group directMemberCounts/totalMemberCounts). A PUT replaces the whole object
    # (https://developer.pingidentity.com/pingone-api/platform/populations/update-population.html): these are never
    # compared nor sent back.
    server_owned = ('id', 'environment', 'createdAt', 'updatedAt', '_links', '_embedded', 'userCount', 'directMemberCounts', 'totalMemberCounts')

    def first_page(self, url: str, page_size: int) -> str:
        """PingOne pages with ``limit`` (https://developer.pingidentity.com/pingone-api/platform/reference/paging-ordering-collections.html)
        and may answer fewer than asked: the next page is wherever ``_links.next`` leads, whatever size a page had.
        A ``limit`` already in ``url`` is kept."""
        if 'limit=' in urlsplit(url).query:
            return url
        return with_query(url, limit=page_size)


class Scim(Generic):
    """SCIM 2.0 (RFC 7644): ``Resources`` paged by ``startIndex`` and ``count``, filters, PATCH operations, schemas."""

    name = 'scim'
    content_type = 'application/scim+json'
    # RFC 7643 section 3.1.
    server_owned = ('id', 'meta', 'schemas')
    filters = True
    adopts_conflicts = True
    # Keys whose core schema says "caseExact": false (RFC 7643 section 8.7.1: User userName and displayName, Group
    # displayName): a server holding "Bob" holds the object "bob" names (RFC 7643 section 2.1), and refuses to create it
    # again (409 uniqueness). Other keys (externalId, ids) compare exactly.
    case_insensitive_keys = ('userName', 'displayName')

    def first_page(self, url: str, page_size: int) -> str:
        return with_query(url, startIndex=1, count=page_size)

    def page_items(self, answer: Any, items_path: str | None) -> tuple[list[Any] | None, str | None]:
        return scim_page_items(answer)

    def next_page(self, page: Page, collection_url: str, page_size: int, listed: int) -> tuple[str | None, str | None]:
        """RFC 7644 section 3.4.2.4: the next startIndex from ``totalResults``.  A server that holds more objects than it
        lists and ignores startIndex (PingOne's SCIM API answers at most 200) raises UnpagedListError: its objects
        can be read by filter, not listed."""
        total = page.answer.get('totalResults')
        problem = scim_total_problem(total)
        if problem:
            return None, problem
        start_index, problem = scim_next_index(total, page.start_index, page.received, page.fresh)
        if problem:
            raise UnpagedListError(
                failed_to(f'list {collection_url}', None, f'{problem} (page {page.url}); it lists {listed} of its {total} objects'),
                listed=listed,
                total=total,
                url=page.url,
            )
        return (with_query(collection_url, startIndex=start_index, count=page_size) if start_index else None), None

    def key_folder(self, key: str | None) -> Callable[[Any], Any]:
        """Case-insensitively for a key whose schema says caseExact false, else exactly."""
        return casefolded if key in self.case_insensitive_keys else exact

    def patch(self, action: Action, differing: list[str], write_only: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        """RFC 7644 section 3.5.2: one replace (or remove) operation per differing attribute, and per write-only one sent."""
        return patch_operations(action), self.content_type

    def with_schemas(self, body: dict[str, Any], current: Mapping[str, Any] | None, collection: str) -> dict[str, Any]:
        """SCIM bodies carry their schemas (RFC 7643 section 3): the server's on update, the core schema on create."""
        if 'schemas' not in body:
            if current and current.get('schemas'):
                body['schemas'] = current['schemas']
            elif collection in SCIM_CORE_SCHEMAS:
                body['schemas'] = [SCIM_CORE_SCHEMAS[collection]]
        return body


def patch_operations(action: Action) -> dict[str, Any]:
    """The SCIM PatchOp of an update (RFC 7644 section 3.5.2): replace each differing attribute, remove one set to
    null, and replace each write-only attribute sent."""
    operations = []
    desired = action.desired
    for name in differing_keys(desired, action.current):
        if desired.get(name) is None:
            operations.append({'op': 'remove', 'path': name})
        else:
            operations.append({'op': 'replace', 'path': name, 'value': desired[name]})
    for name, value in (action.write_only or {}).items():
        operations.append({'op': 'replace', 'path': name, 'value': value})
    return {'schemas': [SCIM_PATCH_SCHEMA], 'Operations': operations}


# api_style -> its dialect.
DIALECTS: dict[str, Generic] = {dialect.name: dialect for dialect in (Generic(), Scim(), PingOne())}
