# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a converge shows people: the summary in words, diffs without write-only attributes, group members by name.
Internal to this collection; not a public API.

SCIM group members are references to users by id (RFC 7643 section 4.2, ``{"value": id}``).  People
write and read them as userNames: ``member_references`` turns the names of the items into references
for the server, and ``diff_view`` turns references back into names for ``--diff``.  Every function is
pure and tested from tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

# The most keys a summary names for one kind of change; the count says how many there are in all.
SHOWN_KEYS = 10

# (result field, words in a real run, words in check mode), in the order a summary gives them.
CHANGES = (('created', 'created', 'would create'), ('updated', 'updated', 'would update'), ('deleted', 'deleted', 'would delete'))


def _keys(keys: Sequence[Any]) -> str:
    shown = ', '.join(str(key) for key in keys[:SHOWN_KEYS])
    return shown + (f' and {len(keys) - SHOWN_KEYS} more' if len(keys) > SHOWN_KEYS else '')


def summary(result: Mapping[str, Sequence[Any]], collection: str, check_mode: bool = False) -> str:
    """What a converge did, in words: ``Users: created 2 (alice, bob), updated 1 (carol), unchanged 117``.

    Keys only, never contents; unchanged objects are counted, not named.
    """
    parts = []
    for field, done, would in CHANGES:
        keys = result.get(field) or []
        if keys:
            parts.append(f'{would if check_mode else done} {len(keys)} ({_keys(keys)})')
    if result.get('unchanged'):
        parts.append(f'unchanged {len(result["unchanged"])}')
    return f'{collection}: {", ".join(parts) if parts else "no objects"}'


def member_references(items: Sequence[Any], member_ids: Mapping[str, Any], check_mode: bool = False, source: str = 'items') -> list[Any]:
    """The items with ``members`` named by userName made SCIM references ``{"value": id}`` through ``member_ids``.

    A member that is already an object is left as it is.  A name without an id fails, naming the item by
    its place: a group must not lose a member silently.  In check mode a user the run would create has no id
    yet (``member_ids`` holds None for it): its reference carries the name as ``display``, so the group
    shows as changing and the diff names the member; nothing is sent in check mode.
    """
    converted: list[Any] = []
    for number, item in enumerate(items):
        if not isinstance(item, dict) or item.get('members') is None:
            converted.append(item)
            continue
        where = source if source == 'item' else f'{source}[{number}]'
        if not isinstance(item['members'], list):
            raise ConfigurationError(f'{where}: members must be a list of userNames')
        members = []
        for member in item['members']:
            if isinstance(member, dict):
                members.append(member)
                continue
            if not isinstance(member, str) or member not in member_ids:
                raise ConfigurationError(f'{where} names member {member if isinstance(member, str) else str(member)!r}, which member_ids does not have')
            if member_ids[member] is not None:
                members.append({'value': member_ids[member]})
            elif check_mode:
                members.append({'value': None, 'display': member})
            else:
                raise ConfigurationError(f'{where} names member {member!r}, whose id in member_ids is null (was the user created in check mode?)')
        converted.append(dict(item, members=members))
    return converted


def _member_name(member: Any, names: Mapping[Any, str]) -> Any:
    """A member as people know it: its userName from member_ids, else the server's display, else its id."""
    if not isinstance(member, dict):
        return member
    value = member.get('value')
    if isinstance(value, (str, int)) and value in names:
        return names[value]
    return member.get('display') or value


def diff_view(obj: Mapping[str, Any], write_only: Sequence[str] = (), member_ids: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An object as ``--diff`` shows it: write-only attributes left out, members by name when ``member_ids`` is given.

    Members are sorted: SCIM gives their order no meaning (RFC 7643 section 2.4).
    """
    shown = {key: value for key, value in obj.items() if key not in write_only}
    if member_ids is not None and isinstance(shown.get('members'), list):
        names = {value: name for name, value in member_ids.items() if isinstance(value, (str, int))}
        shown['members'] = sorted((_member_name(member, names) for member in shown['members']), key=str)
    return shown


# (result field, counted) in a result's counts.
COUNTED = ('created', 'updated', 'deleted', 'unchanged')


def detailed(result: Mapping[str, Any], detail: str | None) -> dict[str, Any]:
    """A converge's result with ``counts`` of each kind of action, and at ``compact`` detail without the lists that grow
    with the collection: ``unchanged`` (its count stays) and ``ids`` (what a later task would look up). The keys of
    what changed stay: a run that changes 10,000 objects says which."""
    shaped = dict(result)
    shaped['counts'] = {field: len(result.get(field) or ()) for field in COUNTED}
    if detail == 'compact':
        shaped.pop('unchanged', None)
        shaped.pop('ids', None)
    return shaped
