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

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import UnpagedListError, failed_to
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import json_or_none
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.urls import with_query
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.contract import UNKNOWN, Kind, kind_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.locations import access_failed_hint, not_found_hint
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.compare import differing_keys
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.paging import (
    generic_page_items,
    next_link,
    scim_next_index,
    scim_page_items,
    scim_total_problem,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.names import WRITE_ONLY_KEYS
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.plan import Action, casefolded, exact

SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
# RFC 7644 section 4: the discovery endpoints, and the resourceType of what they list; section 3.7 Bulk, 3.11 Me.
SCIM_DISCOVERY = ('Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'Bulk', 'Me', '.search')
SCIM_DISCOVERY_TYPES = ('Schema', 'ResourceType', 'ServiceProviderConfig')
# The last segment of a SCIM service root URL: ".../scim/v2", ".../v2", ".../scim".
_SCIM_ROOT = re.compile(r'(?i)v\d+|scim|')
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
    # Whether an object is written at the link it carries (SCIM meta.location, HAL _links.self.href), or always at
    # <collection>/<id>.
    follows_self_links = True
    # Keys that compare without their case (RFC 7643 section 2.1 caseExact false, or the API's own word).
    case_insensitive_keys: tuple[str, ...] = ()
    # Attributes the API takes but never returns: never compared, never shown in a diff, masked (write_only_keys).
    write_only_keys: tuple[str, ...] = ()

    def rules(self, url: str) -> Kind:
        """What the API's contract says of the collection at ``url``: paging, read-only fields (nothing known here)."""
        return UNKNOWN

    def refusal_hint(self, url: str | None, status: int, text: str | None) -> str | None:
        """What an answer that refused a request usually means, besides what the server said: PingOne's 404 when the URL is
        PingOne's."""
        return not_found_hint(url) if status == 404 else None

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
        """How keys compare: without their case for a key the API compares so, else exactly."""
        return casefolded if key in self.case_insensitive_keys else exact

    def patch(self, action: Action, differing: list[str], write_only: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        """The body and content type of a PATCH: RFC 7396 JSON merge patch, the differing keys, null to remove."""
        body = {name: action.desired[name] for name in differing}
        body.update(write_only)
        return body, self.patch_content_type

    def with_schemas(self, body: dict[str, Any], current: Mapping[str, Any] | None, collection: str) -> dict[str, Any]:
        """The body of a create or PUT, as the API wants it."""
        return body

    def collection_problem(self, url: str, objects: list[Any]) -> str | None:
        """Why ``url``, whose list answered ``objects``, is not a collection of objects to converge; None when it is."""
        return None


class PingOne(Generic):
    """PingOne's Platform API, as its OpenAPI contract describes it (_pingone.contract): HAL lists followed by
    ``_links.next``, ``limit`` only where a list declares it, objects at ``<collection>/<id>``, read-only fields never
    sent, PATCH as application/json."""

    name = 'pingone'
    # The contract's paths: a membership is removed at /users/{userID}/memberOfGroups/{groupID} (removeUserFromGroup,
    # SDK 29374-29379) and a nesting at /groups/{groupID}/memberOfGroups/{nestedGroupID} (deleteGroupNesting, SDK 17396),
    # never at whatever a listed object's _links.self names: a self link naming the group would delete the group.
    follows_self_links = False
    # "The username value is case-insensitive, and must be unique to an environment (spanning populations)" (Create User,
    # https://developer.pingidentity.com/pingone-api/platform/users/users-1/create-user.html; the OpenAPI is silent, and
    # Terraform's user data source matches usernames with strings.EqualFold, data_source_user.go:687).
    case_insensitive_keys = ('username',)
    # PingOne "Update User (PATCH)" takes the same partial object as application/json
    # (https://developer.pingidentity.com/pingone-api/platform/users/users-1/update-user-patch.html).
    patch_content_type = 'application/json'
    # What every object carries ("Data models": id, environment, createdAt, updatedAt, _links), and the counts PingOne
    # computes (population userCount, group directMemberCounts/totalMemberCounts). A PUT replaces the whole object
    # (https://developer.pingidentity.com/pingone-api/platform/populations/update-population.html): these are never
    # compared nor sent back.
    server_owned = ('id', 'environment', 'createdAt', 'updatedAt', '_links', '_embedded', 'userCount', 'directMemberCounts', 'totalMemberCounts')

    def rules(self, url: str) -> Kind:
        return kind_of(url)

    def refusal_hint(self, url: str | None, status: int, text: str | None) -> str | None:
        """PingOne's words for a 404 (an object it does not know) and a 403 ACCESS_FAILED (an environment it does not know,
        or a worker without the role), whatever the host (a proxy, a test server)."""
        if status == 404:
            return not_found_hint(url, pingone=True)
        body = json_or_none(text or '')
        code = body.get('code') if isinstance(body, dict) else None
        return access_failed_hint(url, code if isinstance(code, str) else None, pingone=True) if status == 403 else None

    def first_page(self, url: str, page_size: int) -> str:
        """``limit`` where the list declares it (populations, groups, users, a user's memberships), nothing elsewhere: "not
        all management API endpoints support paging", and an undeclared parameter is a request the contract does not
        know.  PingOne may answer fewer than asked: the next page is wherever ``_links.next`` leads, whatever size a page
        had.  A ``limit`` already in ``url`` is kept."""
        if 'limit=' in urlsplit(url).query or not kind_of(url).paged:
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
    write_only_keys = WRITE_ONLY_KEYS['scim']  # names.WRITE_ONLY_KEYS says why

    def first_page(self, url: str, page_size: int) -> str:
        return with_query(url, startIndex=1, count=page_size)

    def collection_problem(self, url: str, objects: list[Any]) -> str | None:
        """RFC 7644 section 3.4.2.1: a GET at the service root lists the resources of every type, and the discovery
        endpoints (section 4) list schemas, resource types or the configuration: none of them takes a POST (405), so a
        converge there would "find" users and then fail at its first create."""
        segment = urlsplit(url).path.rstrip('/').rsplit('/', 1)[-1]
        types = sorted({obj['meta']['resourceType'] for obj in objects if isinstance((obj.get('meta') or {}).get('resourceType'), str)})
        if segment in SCIM_DISCOVERY or any(kind in SCIM_DISCOVERY_TYPES for kind in types):
            return f'{url} is a SCIM discovery endpoint (RFC 7644 section 4), not a resource collection'
        if _SCIM_ROOT.fullmatch(segment) or len(types) > 1:
            listed = f' (it lists {", ".join(types)} resources alike)' if len(types) > 1 else ''
            return f'{url} is the SCIM service root{listed}, not a resource collection: end it with the resource endpoint, for example /Users or /Groups'
        return None

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


# api_style -> its dialect, in the order of names.API_STYLES (the option layer's choices, which import no dialect).
DIALECTS: dict[str, Generic] = {dialect.name: dialect for dialect in (Generic(), Scim(), PingOne())}
