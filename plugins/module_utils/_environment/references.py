# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Names in YAML, ids in PingOne: the references of a document's items made ``{"id": ...}``. Internal to this collection;
not a public API.

An item names another object by the key it has in the document (a user's ``population: Staff``); PingOne wants
``{"id": ...}``.  The ids come from the converges that ran before, in create order.  In check mode an object the run
would create has no id yet: a reference to it holds a placeholder (NOT_YET_CREATED), which no request carries and
which makes the object that names it show as changing.  Messages name an item by its place and the name it gives,
never by its other contents.  Every function is pure and tested from tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import json_type

NOT_YET_CREATED = '(to be created) {0}'

# The key of a group that belongs to a population, among the groups' ids (see _pingone.resource_types GROUP_KEY_QUERY).
SCOPED = '{0} (population {1})'

# The states an item may say it is in (present when it says none).
STATES = ('present', 'absent')


def reference(name: Any, ids: Mapping[str, Any], what: str, where: str, check_mode: bool, scope: str | None = None) -> dict[str, Any]:
    """``{"id": ...}`` for the object ``name`` (a string) through ``ids``; a dict is a reference already.

    With ``scope`` (a population id), a name is first the group of that population, then the environment's group of
    that name: a user, or a nested group, of a population belongs to its own population's groups or to environment
    groups, and "the same user cannot belong to multiple groups with the same group name" (SDK 3939-3941).
    """
    if isinstance(name, dict):
        return name
    if isinstance(name, str) and scope is not None and SCOPED.format(name, scope) in ids:
        name = SCOPED.format(name, scope)
    if not isinstance(name, str) or name not in ids:
        among = f"the {what}s of its population nor the environment's {what}s" if scope is not None else f'the {what}s this role manages'
        raise ConfigurationError(f'{where} names {what} {name if isinstance(name, str) else str(name)!r}, which is not one of {among}')
    if ids[name] is None:
        if not check_mode:
            raise ConfigurationError(f'{where} names {what} {name!r}, whose id is unknown (its create was not read back)')
        return {'id': NOT_YET_CREATED.format(name)}
    return {'id': ids[name]}


def label(where: str, item: Any, name_key: str | None) -> str:
    """An item by its place and the name it gives (``pingone_platform_users[3] (alice)``), never its other contents."""
    name = item.get(name_key) if name_key and isinstance(item, dict) else None
    return f'{where} ({name})' if isinstance(name, str) else where


def state_of(item: Any, where: str, name_key: str | None) -> str:
    """The state an item says it is in; one that is neither of STATES is refused, not dropped."""
    given = item.get('state', 'present') if isinstance(item, dict) else 'present'
    if given not in STATES:
        shown = repr(given) if isinstance(given, str) else json_type(given)
        raise ConfigurationError(f'{label(where, item, name_key)} has state {shown}: use present or absent')
    return given


def in_state(item: Any, where: str, state: str, name_key: str | None) -> bool:
    """Whether the item is of the given ``state`` (see state_of)."""
    return state_of(item, where, name_key) == state


def references(
    items: Sequence[Any] | None,
    ids: Mapping[str, Any],
    key: str | None = None,
    what: str = 'object',
    drop: Sequence[str] = (),
    check_mode: bool = False,
    source: str = 'items',
    scope: str | None = None,
    state: str | None = None,
    name_key: str = 'name',
) -> list[Any]:
    """PingOne references in place of names.

    With ``key``: each object of ``items`` with its ``key`` (a name) replaced by ``{"id": ids[name]}`` and the keys
    of ``drop`` left out; an object without ``key`` is kept as it is. Without ``key``: ``items`` is a list of
    names, each made ``{"id": ...}`` (PingOne's group membership body, Add User to Group). ``scope``: the population id
    of the user or group whose groups ``items`` names (see reference). With ``state``: only the objects whose ``state``
    is ``state``, each still named by its place in the whole list.
    """
    converted: list[Any] = []
    for number, item in enumerate(items or []):
        where = f'{source}[{number}]'
        if key is None:
            converted.append(reference(item, ids, what, where, check_mode, scope))
            continue
        if not isinstance(item, dict):
            raise ConfigurationError(f'{where} is not a dict')
        if state is not None and not in_state(item, where, state, name_key):
            continue
        obj = {name: value for name, value in item.items() if name not in drop}
        if obj.get(key) is not None:
            obj[key] = reference(obj[key], ids, what, where, check_mode)
        converted.append(obj)
    return converted


def resource_grants(
    grants: Sequence[Any] | None,
    resource_ids: Mapping[str, Any],
    scope_ids: Mapping[str, Mapping[str, Any]],
    check_mode: bool = False,
    source: str = 'grants',
    state: str = 'present',
) -> list[dict[str, Any]]:
    """Application resource grants given by names, as PingOne's grant bodies: those whose ``state`` is ``state``.

    Each grant is ``{"resource": name, "scopes": [scope name, ...]}``; it becomes ``{"resource": {"id": ...}, "scopes":
    [{"id": ...}, ...]}`` through ``resource_ids`` and ``scope_ids`` (resource name to a dict of scope name to id), the
    body of Create Application Resource Grant. The scopes keep their order. A grant with ``state: absent`` needs its
    resource only, and becomes ``{"resource": {"id": ...}}``, what finds the grant to delete.
    """
    converted: list[dict[str, Any]] = []
    for number, grant in enumerate(grants or []):
        where = f'{source}[{number}]'
        if not isinstance(grant, dict) or not isinstance(grant.get('resource'), (str, dict)):
            raise ConfigurationError(f'{where} is not a dict with a resource name')
        named = grant['resource'] if isinstance(grant['resource'], str) else grant['resource'].get('id')
        if not in_state(grant, f'{where} (resource {named!r})', state, None):
            continue
        if state == 'absent':
            converted.append({'resource': reference(grant['resource'], resource_ids, 'resource', where, check_mode)})
            continue
        scopes = grant.get('scopes')
        if not isinstance(scopes, list) or not scopes:
            # Create Grant: scopes is required, a non-empty array of scope references.
            raise ConfigurationError(f'{where} grants no scopes of resource {named!r}: name at least one')
        resource = reference(grant['resource'], resource_ids, 'resource', where, check_mode)
        names = (scope_ids.get(named) or {}) if isinstance(grant['resource'], str) else {}
        converted.append({'resource': resource, 'scopes': [reference(scope, names, 'scope', f'{where} (resource {named!r})', check_mode) for scope in scopes]})
    return converted
