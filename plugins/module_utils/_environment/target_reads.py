# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The reads of links by what they link to (a group's users, for the users' memberships) against one environment's
Management API. Internal to this collection; not a public API.

What the reads settle, and when they are worth making, is _environment.by_target's (pure, tested from tables); this
file sends them: each uncounted group's own read with its counts, then each group's users page by page, ``parallel``
at once, under the caller's throttle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment import by_target
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import PageLimitError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.parallel import run_all
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import TargetRead
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.collection import ResourceCollection
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.paging import MAX_PAGES

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient


class Listing(NamedTuple):
    """What the lists of some targets showed: target id -> the parent ids listed (the lists read to their end), and
    target id -> by_target.member_state."""

    members: dict[Any, frozenset[Any]]
    states: dict[Any, str]


def settled(wanted: Mapping[Any, Sequence[Any]], listing: Listing | None, new: set[Any]) -> dict[Any, list[Any]]:
    """by_target.settle of ``wanted`` over a listing ({} without one: every parent is read as before). A target the
    listing does not hold is unknown, so the parents that want it are read as before."""
    return {} if listing is None else by_target.settle(wanted, listing.members, listing.states, new)


class TargetReads:
    """Reads by target against the environment at ``url`` (``.../v1/environments/{id}``); ``requests`` counts what they
    sent, in the calling thread."""

    def __init__(self, http: HttpClient, source: Callable[..., str], url: str, bearer: str | None, page_size: int, parallel: int) -> None:
        self.http = http
        self.source = source
        self.url = url
        self.bearer = bearer
        self.page_size = min(page_size, by_target.LARGEST_PAGE)
        self.parallel = parallel
        self.requests = 0

    def direct_links(
        self, read: TargetRead, parent_path: str, target_path: str, wanted: Mapping[Any, Sequence[Any]], new: set[Any], kept: Mapping[str, Any]
    ) -> dict[Any, list[Any]]:
        """parent id -> the target ids it is linked to directly, among those it wants, for each parent the reads settle
        (by_target.settle); {} when reading by target would cost more than reading each parent.

        ``wanted``: parent id -> target ids; ``new``: targets with no direct link (created in this run, placeholders);
        ``kept``: target id -> the target as its list showed it (its direct count, when the list has one)."""
        targets = {target for targets in wanted.values() for target in targets} - set(new)
        return settled(wanted, self.listing(read, parent_path, target_path, len(wanted), targets, kept), new)

    def listing(self, read: TargetRead, parent_path: str, target_path: str, parents: int, targets: set[Any], kept: Mapping[str, Any]) -> Listing | None:
        """What the lists of ``targets`` say of their members, read to save the reads of ``parents`` parents' links; None
        when reading by target would cost more. Parent ids are not needed, so the engine reads ahead while the parents
        themselves are converged."""
        ordered = sorted(targets)
        direct = {target: by_target.count_at(kept.get(target), read.direct) for target in ordered}
        uncounted = [target for target in ordered if direct[target] is None]
        if not by_target.worth_counting(parents, len(uncounted)):
            return None
        counts = dict(zip(uncounted, self.each(uncounted, lambda target: self.counts(target_path, target, read))))
        # A list holds at least the direct members, all of them when the total is known.
        members = {target: count for target, count in direct.items() if count is not None}
        members.update({target: found[1] for target, found in counts.items() if found is not None})
        direct.update({target: found[0] for target, found in counts.items() if found is not None})
        caps = by_target.page_caps({target: by_target.pages_for(count, self.page_size) for target, count in members.items()}, parents - len(uncounted))
        if caps is None:
            return None
        listed = dict(zip(caps, self.each(list(caps), lambda target: self.linked_to(parent_path, target, read, caps[target]))))
        states = {target: by_target.member_state(direct.get(target), None if ids is None else len(ids)) for target, ids in listed.items()}
        return Listing({target: ids for target, ids in listed.items() if ids is not None}, states)

    def each(self, work: Sequence[Any], do: Callable[[Any], tuple[Any, int]]) -> list[Any]:
        """``do`` for each piece of ``work``, ``parallel`` at once: (value, requests made) each; the first failure is raised."""
        values = []
        for outcome in run_all(work, do, self.parallel):
            if outcome.error is not None:
                raise outcome.error
            value, requests = outcome.value
            self.requests += requests
            values.append(value)
        return values

    def counts(self, target_path: str, target_id: str, read: TargetRead) -> tuple[tuple[int, int] | None, int]:
        """A target's counts of direct and all members (``GET .../groups/{id}?include=totalMemberCounts``), or None, and the
        requests made."""
        url = f'{self.url}{target_path}/{quote(target_id, safe="")}?include={quote(read.include, safe="")}'
        collection = ResourceCollection(self.http, url, self.source, api_style='pingone', bearer=self.bearer)
        return by_target.counts_of(collection.read(), read), collection.requests

    def linked_to(self, parent_path: str, target_id: str, read: TargetRead, max_pages: int) -> tuple[frozenset[Any] | None, int]:
        """The ids of the parents the parent collection shows linked to ``target_id`` (``GET .../users?filter=memberOfGroups[id
        eq "..."]``, every page), or None when it takes more than ``max_pages`` pages; and the requests made. The filter
        is encoded with %20, as PingOne's own examples write it, never ``+``."""
        url = f'{self.url}{parent_path}?filter={quote(by_target.filter_for(read, target_id), safe="")}&limit={self.page_size}'
        collection = ResourceCollection(
            self.http, url, self.source, api_style='pingone', page_size=self.page_size, max_pages=min(max_pages, MAX_PAGES), bearer=self.bearer
        )
        try:
            return frozenset(obj.get('id') for obj in collection.list_all()), collection.requests
        except PageLimitError:
            return None, collection.requests
