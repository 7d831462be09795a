# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading a collection page by page from answers that may be wrong or hostile. Internal to this collection; not a public API.

A link in an answer (a next page, an object's ``meta.location`` or ``_links.self.href``) is followed only
to the origin of the collection's url (_http.urls.resolve_link): the bearer token and request bodies go
nowhere else.  A read that cannot be complete is a problem, not
the end, since prune and create decisions rest on it.  Every function here is pure and tested from tables.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import json_type
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.query import json_query

# Bounds of one read of a collection against a server that pages for ever with fresh links or ids (a loop or a repeated
# page is caught at once), not tuning knobs. MAX_PAGES: the most pages that each bring fewer new objects than page_size
# (a server making up a page of one object after another stops there, as a server that ignores the page size and a
# collection that really is that large: they ask for larger pages, page_size for SCIM, a limit in the url of a generic
# API). Full pages do not count: they are bounded by MAX_OBJECTS, about what one process holds in 5 GB of PingOne users
# (4.9 KiB a user measured, bench/rate_budget.py). Before issue 27 every page counted, and a PingOne environment of more
# than 200,000 users (1,000 pages of 200) could not be listed, though PingOne holds up to 50 million.
MAX_PAGES = 1000
MAX_OBJECTS = 1_000_000

# Fields of a generic page that hold its objects, in the order they are looked for.
ITEM_FIELDS = ('items', 'data', 'results', 'value')


def scim_page_items(page: Any) -> tuple[list[Any] | None, str | None]:
    """The objects of one page of a SCIM list answer (RFC 7644 section 3.4.2: ``Resources``, which may be left out when
    empty), and what is wrong with it (None when nothing is)."""
    if not isinstance(page, dict):
        return None, f'the answer is {json_type(page)}, not a JSON object'
    items = page.get('Resources', [])
    if not isinstance(items, list):
        return None, f'Resources is {json_type(items)}, not a list'
    return _objects(items, 'Resources')


def generic_page_items(page: Any, items_path: str | None = None) -> tuple[list[Any] | None, str | None]:
    """The objects of one page of a list answer, and what is wrong with it (None when nothing is).

    The answer itself when it is a list, else ``items_path``, else the first list among ``ITEM_FIELDS`` and
    ``_embedded`` (HAL).  Every object must be a JSON object; a bad one is named by its place, never shown.
    """
    items: Any
    where: str | None
    if isinstance(page, list):
        items, where = page, 'the answer'
    elif not isinstance(page, dict):
        return None, f'the answer is {json_type(page)}, not a JSON object or list'
    elif items_path:
        items, where = json_query(items_path, page, 'items_path'), f'items_path {items_path}'
        if items is None:
            items = []
        elif not isinstance(items, list):
            return None, f'items_path {items_path} gives {json_type(items)}, not a list'
    else:
        items, where = _generic_items(page)
        if items is None:
            return None, f'no list of objects in the answer (looked for {", ".join(ITEM_FIELDS)} and _embedded); set items_path'
    return _objects(items, where)


def _objects(items: list[Any], where: str | None) -> tuple[list[Any] | None, str | None]:
    """The items when each is a JSON object; else what is wrong, the bad one named by its place, never shown."""
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            return None, f'item {number} of {where} is {json_type(item)}, not an object'
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
        return None, f'_links is {json_type(links)}, not an object'
    hal_next = (links or {}).get('next')
    if hal_next is not None:
        if not isinstance(hal_next, dict):
            return None, f'_links.next is {json_type(hal_next)}, not a link object'
        href = hal_next.get('href')
        if not isinstance(href, str) or not href:
            return None, f'_links.next.href is {"an empty string" if href == "" else json_type(href)}, not a URL'
        return href, None
    link = page.get('next')
    if link is None or link == '':
        return None, None
    if not isinstance(link, str):
        return None, f'next is {json_type(link)}, not a URL'
    return link, None


def scim_total_problem(total: Any) -> str | None:
    """What is wrong with a SCIM list answer's ``totalResults`` (RFC 7644 section 3.4.2: REQUIRED, a count), or None."""
    if total is None:
        return 'the answer has no totalResults (RFC 7644 section 3.4.2 requires it)'
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        negative = isinstance(total, int) and not isinstance(total, bool)
        return f'totalResults is {"a negative number" if negative else json_type(total)}, not a whole number'
    return None


def scim_next_index(total: int, start_index: int, received: int, fresh: int) -> tuple[int | None, str | None]:
    """RFC 7644 section 3.4.2.4 paging: the startIndex of the next page (None after the last), and what is wrong.

    ``total`` is the page's valid ``totalResults`` (see scim_total_problem), ``start_index`` the page's own
    (1-based), ``received`` how many objects it held and ``fresh`` how many of them had an id not seen
    before.  An empty page, or one of objects already read, before ``totalResults`` is reached means the
    server does not page as it says: a ``totalResults`` of 10**9 with the same page repeated would
    otherwise be read for ever.
    """
    read = start_index - 1 + received
    # Checked before the end: a server that ignores startIndex (PingOne's SCIM API answers every list from the
    # first object) sends the first page again, which would otherwise count as the last.
    if received and not fresh:
        return None, f'the page at startIndex {start_index} repeats objects already read (no new id), but totalResults is {total}'
    if read >= total:
        return None, None
    if not received:
        return None, f'the page at startIndex {start_index} is empty, but totalResults is {total}'
    return read + 1, None


def collection_name(url: str) -> str:
    """The last segment of a collection URL's path, its query left out: ``Users`` for ``.../v2/Users?filter=x``."""
    return urlsplit(url).path.rstrip('/').rsplit('/', 1)[-1] or url
