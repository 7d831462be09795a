# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a converge of an environment shows people: its summary lines, drift entries and diff headers, with names where
PingOne has ids. Internal to this collection; not a public API.

Keys of PingOne objects hold ids where an object is keyed by a reference (a grant by its resource's id, a group by
its population's id): people read names.  Every function is pure and tested from tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.references import NOT_YET_CREATED

PLACEHOLDER = NOT_YET_CREATED.format('')

# How a link (a group membership, a group nesting) says what changed: (result field, words in a run, in check mode).
LINK_CHANGES = (('created', 'added to', 'would add to'), ('deleted', 'removed from', 'would remove from'))


# What an id looks like when it is a word of its own (PingOne's are UUIDs): such ids are looked up word by word.
ID_WORD = re.compile(r'[A-Za-z0-9_-]+')


def with_names(text: str, names: Sequence[tuple[str, str]]) -> str:
    """``text`` with each id of ``names`` ((id, name) pairs, in the order to replace) as its name, and the
    placeholders of objects still to be created (check mode) as the names they hold."""
    return namer(names)(text)


def namer(names: Sequence[tuple[str, str]]) -> Callable[[str], str]:
    """with_names for many texts: a function of one text. When every id is a word (ID_WORD), each word of the text is
    looked up once, twice over (a group's name holds its population's id): 10,000 summary lines of 10,000 users cost
    milliseconds, where trying each id on each line cost 1.8 s. Else each id is tried in turn, in order."""
    first: dict[str, str] = {}
    for object_id, name in names:
        first.setdefault(object_id, name)
    if all(ID_WORD.fullmatch(object_id) for object_id in first):
        # Only words as long as the shortest id are looked up (a user's summary line has none of PingOne's 36
        # characters), and the second pass is made only when the first named something.
        word = re.compile(r'[A-Za-z0-9_-]{%d,}' % min((len(object_id) for object_id in first), default=1))

        def by_word(found: re.Match[str]) -> str:
            return first.get(found.group(0), found.group(0))

        def named(text: str) -> str:
            text = text.replace(PLACEHOLDER, '')
            once = word.sub(by_word, text)
            return once if once == text else word.sub(by_word, once)

        return named

    def each_in_turn(text: str) -> str:
        text = text.replace(PLACEHOLDER, '')
        for object_id, name in names:
            if object_id in text:
                text = text.replace(object_id, name)
        return text

    return each_in_turn


def names_of(ids_by_type: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(id, key) pairs of every object with an id, from maps of key to id given children first: a group's key names its
    population's id, which the population's own pair, later, makes a name."""
    pairs: list[tuple[str, str]] = []
    for ids in ids_by_type:
        pairs.extend((object_id, str(key)) for key, object_id in ids.items() if isinstance(object_id, str) and object_id)
    return pairs


def collection_line(head: str, msg: str) -> str:
    """A converge's summary (``scopes: created 2 (read, write)``) under the head the document gives it (``Scopes of Orders API``)."""
    _collection, _sep, rest = msg.partition(': ')
    return f'{head}: {rest}'


def link_line(head: str, result: Mapping[str, Any], names: Mapping[str, str], check_mode: bool) -> str:
    """What a converge of links (group memberships) did, by the names of what they link to:
    ``Groups of alice: added to admins, staff-all, unchanged 1``."""
    parts = []
    for field, done, would in LINK_CHANGES:
        linked = result.get(field) or []
        if linked:
            shown = sorted(names.get(object_id) or str(object_id).replace(PLACEHOLDER, '') for object_id in linked)
            parts.append(f'{would if check_mode else done} {", ".join(shown)}')
    if result.get('unchanged'):
        parts.append(f'unchanged {len(result["unchanged"])}')
    return f'{head}: {", ".join(parts) if parts else "none"}'


def quiet_line(plural: str, parents: int, parent_word: str, parent_plural: str, links: int) -> str:
    """The links of many objects left as they were, in one line (result_detail compact): ``Groups of 9998 users: unchanged
    19996`` where each user had its own line."""
    return f'{plural.capitalize()} of {parents} {parent_word if parents == 1 else parent_plural}: unchanged {links}'


def not_read_line(head: str, parent_word: str) -> str:
    """The line of a collection below an object that check mode would create: it has no id yet, so it was not read."""
    return f'{head}: not read, the {parent_word} would be created first (check mode)'


def nothing_line(sources: Sequence[str]) -> str:
    """``Nothing to converge: a, b and c are empty``."""
    listed = ', '.join(sources[:-1]) + ' and ' + sources[-1] if len(sources) > 1 else ''.join(sources)
    return f'Nothing to converge: {listed} are empty'


def changed_fields(kind: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The top-level fields a create sets, an update changes, or a delete removes: names only, never values."""
    if kind == 'create':
        return sorted(after)
    if kind == 'delete':
        return []
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def drift_entries(type_name: str, parent: str | None, result: Mapping[str, Any], diffs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per object a converge changed (or would): its type, key, parent, action and the fields that differ."""
    kinds = {str(key): kind for kind, field in (('create', 'created'), ('update', 'updated'), ('delete', 'deleted')) for key in result.get(field) or ()}
    entries = []
    for diff in diffs:
        key = str(diff['before_header'])
        kind = kinds.get(key, 'update')
        entry = {'type': type_name, 'name': key, 'action': kind, 'fields': changed_fields(kind, diff['before'], diff['after'])}
        if parent is not None:
            entry['parent'] = parent
        entries.append(entry)
    return entries
