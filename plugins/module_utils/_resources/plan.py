# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Declarative JSON resources: what to write so a collection holds the desired objects. Internal to this collection; not a public API.

``plan`` is pure (desired objects, current objects -> actions) so it is tested
from a table; ``collection.ResourceCollection`` reads the current objects and
carries the actions out.  Check mode stops after ``plan``.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.compare import differing_keys, merged, strip
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.query import compile_query, json_query, truthy
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import json_type

# kind: create, update, delete or none; before/after: the object without server-owned keys (for diffs; after is
# also the body of a create or PUT); current: the server's object; desired: what the item sets (None values mean
# remove); write_only: write-only attributes this write sends besides (RFC 7643 section 7), never in before/after;
# separate: the differing attributes of an update that go to an endpoint of their own (attribute_endpoints), not in
# the object's PUT or PATCH.
Action = namedtuple('Action', ['kind', 'key', 'before', 'after', 'current', 'desired', 'write_only', 'separate'], defaults=(None, None))


def key_of(obj: Mapping[Any, Any], key: str | None = None, key_query: str | None = None) -> Any:
    """The identity of an object: an attribute (``userName``) or a JMESPath expression."""
    if key_query:
        return json_query(key_query, obj, 'key_query')
    return obj.get(key)


def selector(select_query: str | None) -> Callable[[Mapping[str, Any]], bool]:
    """Which current objects a task manages: those for which the JMESPath ``select_query`` is true (all without one).

    PingOne lists a user's indirect group memberships (through nested groups) beside the direct ones, with
    ``type: INDIRECT`` (GroupMembership, Read All Group Memberships for User,
    https://developer.pingidentity.com/pingone-api/platform/users/group-membership/read-all-group-memberships-for-user.html):
    they cannot be removed, and a direct membership to the same group is still the user's to add.
    """
    if not select_query:
        return lambda obj: True
    compile_query(select_query, 'select_query')  # fails before any request when it does not parse
    return lambda obj: truthy(json_query(select_query, obj, 'select_query'))


def exact(name: Any) -> Any:
    """A key as it compares by default: unchanged."""
    return name


def casefolded(name: Any) -> Any:
    """A key as a caseExact false attribute compares (RFC 7643 section 2.1): a string without its case."""
    return name.casefold() if isinstance(name, str) else name


def item_label(index: int, source: str = 'items') -> str:
    """How messages name a desired object: by its place in the task's option (``items[2]``), never by its contents."""
    return source if source == 'item' else f'{source}[{index}]'


def _desired_key(item: Any, index: int, source: str, key: str | None, key_query: str | None) -> Any:
    """The key of one desired item; ConfigurationError, naming the item by its place only, when it has no usable one."""
    what = f'key {key}' if key else f'key_query {key_query}'
    if not isinstance(item, dict):
        raise ConfigurationError(f'{item_label(index, source)} is {json_type(item)}, not an object')
    name = key_of(item, key, key_query)
    if name is None:
        raise ConfigurationError(f'{item_label(index, source)} has no value for its {what}')
    if isinstance(name, (dict, list)):
        raise ConfigurationError(f'{item_label(index, source)}: its {what} is {json_type(name)}, not a string or number')
    return name


def plan(
    desired: Iterable[dict[str, Any]],
    current: Iterable[dict[str, Any]],
    key: str | None = None,
    key_query: str | None = None,
    state: str = 'present',
    prune: bool = False,
    server_owned: Sequence[str] = (),
    write_only: Sequence[str] = (),
    send_write_only: str = 'on_create',
    source: str = 'items',
    fold: Callable[[Any], Any] = exact,
    separate: Iterable[str] = (),
) -> list[Action]:
    """Actions that bring ``current`` to ``desired``: create, update, delete or none, one per object.

    Desired objects are compared on the keys they set (``compare.matches``), less the ``write_only``
    attributes, which a server never returns (RFC 7643 section 7, ``writeOnly``: "Attribute values SHALL NOT
    be returned"), so they could never match; they are sent as ``send_write_only`` says.  With ``prune``,
    current objects that no desired object names are deleted.  ``source`` names the option the desired
    objects come from, for messages, which name an item by its place and key only.  ``fold`` makes keys that
    compare equal the same (a dialect's ``key_folder``): such a key is not an update when only its case differs.  The
    ``separate`` attributes of an existing object change only through an endpoint of their own (PingOne moves a
    user with ``PUT .../users/{id}/population``): an update carries those that differ in ``Action.separate``.
    """
    separate = tuple(separate)
    # Sets made once, looked up once a key of each object: lists, made again for each item, were a third of the time
    # planning 10,000 unchanged objects took.
    owned = frozenset(server_owned)
    unsent_always = owned | frozenset(write_only)
    create_unsent = frozenset(k for k in owned if k not in ('schemas', key)) | frozenset(write_only)
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
            raise ConfigurationError(f'{item_label(named[folded], source)} and {item_label(number, source)} have the same key {name!r}')
        named[folded] = number
        found = index.get(folded)
        secret = {k: item[k] for k in write_only if k in item and item[k] is not None}
        unsent = unsent_always
        if found is not None and key and found.get(key) != name:
            unsent = unsent | {key}  # found by the folded key: the same key by its schema's rule, its case the server's business
        compared = strip(item, unsent)
        if state == 'absent':
            actions.append(Action('delete', name, strip(found, owned), {}, found, None) if found else Action('none', name, {}, {}, None, None))
        elif found is None:
            # A create sends what the user gave (SCIM schemas included), less what only the server may set. A key
            # the user names is theirs even when the server owns it elsewhere: PingOne adds a user to a group by
            # POST .../users/{id}/memberOfGroups with {"id": groupID} (Add User to Group,
            # https://developer.pingidentity.com/pingone-api/platform/users/group-membership/add-user-to-group.html).
            body = strip(item, create_unsent)
            actions.append(Action('create', name, {}, body, None, body, secret))
        elif differing := differing_keys(compared, found):
            before = strip(found, owned)
            apart = {k: compared[k] for k in differing if k in separate} or None
            actions.append(
                Action('update', name, before, merged(before, compared, owned), found, compared, secret if send_write_only != 'on_create' else None, apart)
            )
        elif secret and send_write_only == 'always':
            unchanged = strip(found, owned)
            actions.append(Action('update', name, unchanged, unchanged, found, {}, secret))
        else:
            unchanged = strip(found, owned)
            actions.append(Action('none', name, unchanged, unchanged, found, None))
    if prune and state == 'present':
        for folded, found in index.items():
            if folded not in named:
                actions.append(Action('delete', key_of(found, key, key_query), strip(found, owned), {}, found, None))
    return actions


def check_prune(actions: Sequence[Action], desired: Sequence[dict[str, Any]], prune_max: int, prune_max_name: str = 'prune_max') -> None:
    """The guard against wiping a collection by mistake: refuse before any write, naming the limit as the user set it."""
    deletions = [a for a in actions if a.kind == 'delete']
    if not desired:
        raise ConfigurationError('prune needs at least one item: with none it would delete every object')
    if len(deletions) > prune_max:
        raise ConfigurationError(
            (
                f'prune would delete {len(deletions)} objects, more than {prune_max_name} ({prune_max}): {", ".join(str(a.key) for a in deletions[:10])}'
                f'{" ..." if len(deletions) > 10 else ""}'
            )
        )
