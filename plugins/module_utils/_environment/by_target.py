# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Links read by what they link to: the users of a group in a few pages, instead of the memberships of each user in a
request of their own. Internal to this collection; not a public API.

A no-change run of 10,000 users in 10 groups read each user's ``memberOfGroups``: 10,000 requests, 100 s at PingOne's
100 requests a second. PingOne's users list takes ``filter=memberOfGroups[id eq "<groupID>"]`` (readAllUsers, the
contract's own example, SDK 28304-28308; the prose Read All Users in a Group page), so the same facts cost a read of
each group and its members' pages: about 110 requests.

That list "returns all of the users who belong to the specified group", which may include (UNCONFIRMED) users who
belong through a nested group or the group's ``userFilter``; the engine converges direct memberships only (the ones
POST .../memberOfGroups adds and DELETE removes). So a user's direct membership of a group is known only:

- not to exist, when the group's list does not show the user (whoever belongs at all is listed);
- to exist, when it shows the user and every member of the group is a direct one: the group's ``directMemberCounts.users``
  (SDK 3960-3967: users added with POST .../memberOfGroups) equals its ``totalMemberCounts.users`` (SDK 3968-3976,
  readOneGroup with ``include=totalMemberCounts``, SDK 17084-17088) and the list holds exactly that many users;
- not to exist, for a group this run created (no one was added to it yet).

Anything else (a group with indirect members that lists the user; counts missing or not integers; a list shorter than
the direct count, which eventual consistency can give) leaves the user's memberships to be read as before, one request
a user. Every function here is pure and tested from tables; _environment.engine does the reading.
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
    """Whether to read the counts of ``targets`` groups to save the reads of ``parents`` users: at most half as many (a
    group count read that then shows the group's pages would cost more is lost, so the worst case is 1.5 times the
    per-user reads, the usual case a hundredth)."""
    return parents >= FEWEST_PARENTS and targets * 2 <= parents


def pages_for(totals: Iterable[int], page_size: int) -> int:
    """The pages a group's members take at ``page_size`` a page (at least one a group, the empty page)."""
    return sum(max(1, math.ceil(total / page_size)) for total in totals)


def worth_listing(parents: int, counted: int, pages: int) -> bool:
    """Whether reading ``pages`` pages (after ``counted`` count reads) is cheaper than ``parents`` per-user reads."""
    return counted + pages < parents


def counts_of(answer: Any, read: TargetRead) -> tuple[int, int] | None:
    """(direct, total) members of a group as its single read with ``include`` gives them, or None when either is missing or
    not a non-negative integer (a server that does not count is read user by user)."""
    if not isinstance(answer, Mapping):
        return None
    direct, total = value_in(answer, read.direct), value_in(answer, read.total)
    for count in (direct, total):
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            return None
    return direct, total


def member_state(counts: tuple[int, int] | None, listed: int) -> str:
    """What a group's list of members says of direct membership: ``exact`` (every member listed is a direct one),
    ``partial`` (a member not listed is not one; a listed one may be indirect), or ``unknown`` (the list is shorter than
    the count of direct members, or there are no counts)."""
    if counts is None:
        return 'unknown'
    direct, total = counts
    if listed < direct:
        return 'unknown'
    return 'exact' if direct == total == listed else 'partial'


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
