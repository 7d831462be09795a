# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Links read by what they link to: the users of a group in a few pages, instead of the memberships of each user in a
request of their own. Internal to this collection; not a public API.

A no-change run of 10,000 users in 10 groups read each user's ``memberOfGroups``: 10,000 requests, 100 s at PingOne's
100 requests a second. PingOne's users list takes ``filter=memberOfGroups[id eq "<groupID>"]`` (readAllUsers, the
contract's own example, SDK 28304-28308; the prose Read All Users in a Group page), so the same facts cost the pages
of each group's users: 100 requests for 20,000 memberships.

That list "returns all of the users who belong to the specified group", which may include (UNCONFIRMED) users who
belong through a nested group or the group's ``userFilter``; the engine converges direct memberships only (the ones
POST .../memberOfGroups adds and DELETE removes), which the list holds all of. So a user's direct membership of a group
is known:

- not to exist, when the group's list does not show the user;
- to exist, when it shows the user and holds exactly as many users as the group's ``directMemberCounts.users`` (SDK
  3960-3967: the users added with POST .../memberOfGroups): the list is then the direct members and no one else;
- not to exist, for a group this run created (no one was added to it yet).

A group's direct count comes with the groups' list the run read anyway (UNCONFIRMED that PingOne's list answers carry
it: the contract says only of ``totalMemberCounts`` that a list leaves it out), else from the group's own read with
``include=totalMemberCounts`` (readOneGroup, SDK 17084-17088), which gives the total as well. A list longer than its
share of the reads it saves is not read to its end. Anything else (a group with more members than direct ones that lists
the user; no count; a list shorter than the direct count, which eventual consistency can give; a list cut short) leaves
the user's memberships to be read as before, one request a user. Every function here is pure and tested from tables;
_environment.target_reads does the reading.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import TargetRead, value_in

# The most users a page of PingOne's users list holds, whatever limit asks ("the page size limit of 200 for the
# /environments/{{envID}}/users endpoint", the prose Paging page; the contract allows limit up to 1000, SDK 28309-28315).
LARGEST_PAGE = 200
# Below this many users whose links would be read one by one, a read by group is not tried: the counts of the groups
# alone could cost as much.
FEWEST_PARENTS = 8


def worth_counting(parents: int, targets: int) -> bool:
    """Whether to read the counts of ``targets`` groups (those the groups' list gave none for) to save the reads of
    ``parents`` users: at most half as many. Counts read and then found not worth their pages are lost, and a list cut
    short at its cap too, so the worst case is about twice the per-user reads, the usual case a hundredth."""
    return parents >= FEWEST_PARENTS and targets * 2 <= parents


def pages_for(members: int, page_size: int) -> int:
    """The pages a group's members take at ``page_size`` a page (at least one, the empty page)."""
    return max(1, math.ceil(members / page_size))


def count_at(obj: Any, dotted: str) -> int | None:
    """A count at a dotted field (``directMemberCounts.users``), or None when it is missing or not a non-negative integer
    (a server that does not count is read user by user)."""
    count = value_in(obj, dotted)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return None
    return count


def counts_of(answer: Any, read: TargetRead) -> tuple[int, int] | None:
    """(direct, total) members of a group as its single read with ``include`` gives them, or None when either is missing."""
    direct, total = count_at(answer, read.direct), count_at(answer, read.total)
    return None if direct is None or total is None else (direct, total)


def member_state(direct: int | None, listed: int | None) -> str:
    """What a group's list of members says of direct membership, given how many direct members the group counts:
    ``exact`` (the list is its direct members), ``partial`` (a member not listed is not one; a listed one may be
    indirect), or ``unknown`` (no count; no list, or one shorter than the count)."""
    if direct is None or listed is None or listed < direct:
        return 'unknown'
    return 'exact' if listed == direct else 'partial'


def page_caps(estimates: Mapping[Any, int], budget: int) -> dict[Any, int] | None:
    """The most pages each group's list may take: its estimate and an even share of what the budget leaves, or None
    when the estimates alone reach the budget (the per-user reads are cheaper). An estimate is a floor (a group's
    direct count, when its total is not known), so a list that needs more than its cap is given up, not read on."""
    needed = sum(estimates.values())
    if not estimates or needed >= budget:
        return None if estimates else {}
    spare = (budget - needed) // len(estimates)
    return {target: pages + spare for target, pages in estimates.items()}


def settle(wanted: Mapping[Any, Sequence[Any]], members: Mapping[Any, frozenset[Any]], states: Mapping[Any, str], new: Iterable[Any]) -> dict[Any, list[Any]]:
    """parent id -> the ids of the targets it is linked to directly, among the ones it wants, for each parent whose
    every wanted target is settled (see the module's rules); a parent left out is read as before.

    ``wanted``: parent id -> the target ids its item lists; ``members``: target id -> the parent ids its list showed;
    ``states``: target id -> member_state; ``new``: target ids with no direct member (created in this run, or a check
    mode placeholder)."""
    new = set(new)
    settled: dict[Any, list[Any]] = {}
    for parent, targets in wanted.items():
        direct: list[Any] = []
        for target in targets:
            if target in new:
                continue
            state = states.get(target, 'unknown')
            if state == 'unknown':
                break
            if parent not in members.get(target, frozenset()):
                continue
            if state != 'exact':
                break
            direct.append(target)
        else:
            settled[parent] = direct
    return settled


def filter_for(read: TargetRead, target_id: str) -> str:
    """The list filter that shows the parents linked to ``target_id`` (the id as a JSON string, RFC 7644 section 3.4.2.2)."""
    return read.filter.format(id=json.dumps(target_id))
