# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pingone_references filter: PingOne objects that name other objects by name, made into ``{"id": ...}`` references."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import json_type

# What a reference to an object that check mode would create holds instead of its id: no request carries it
# (check mode writes nothing), and it makes the object that names it show as changing.
NOT_YET_CREATED = '(to be created) {0}'


# The key of a group that belongs to a population, among the groups' ids: a group name may repeat across populations
# ("A group name can be reused across populations", Group.name, PingOne's OpenAPI description SDK 3939-3941), so the
# role keys groups by name and population (the pingone_platform role's key_query gives the same text).
SCOPED = '{0} (population {1})'


def _reference(name, ids, what, where, check_mode, scope=None):
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
        raise AnsibleFilterError(f'{where} names {what} {name if isinstance(name, str) else str(name)!r}, which is not one of {among}')
    if ids[name] is None:
        if not check_mode:
            raise AnsibleFilterError(f'{where} names {what} {name!r}, whose id is unknown (its create was not read back)')
        return {'id': NOT_YET_CREATED.format(name)}
    return {'id': ids[name]}


# The states an item of the role's data may say it is in (present when it says none).
STATES = ('present', 'absent')


def _label(where, item, name_key):
    """An item by its place and the name it gives (``pingone_platform_users[3] (alice)``), never its other contents."""
    name = item.get(name_key) if name_key and isinstance(item, dict) else None
    return f'{where} ({name})' if isinstance(name, str) else where


def _in_state(item, where, state, name_key):
    """Whether the item is one of the given ``state``; an item whose state is neither of STATES is refused, not dropped."""
    given = item.get('state', 'present') if isinstance(item, dict) else 'present'
    if given not in STATES:
        shown = repr(given) if isinstance(given, str) else json_type(given)
        raise AnsibleFilterError(f'{_label(where, item, name_key)} has state {shown}: use present or absent')
    return given == state


def pingone_references(items, ids, key=None, what='object', drop=(), check_mode=False, source='items', scope=None, state=None, name_key='name'):
    """PingOne references in place of names.

    With ``key``: each object of ``items`` with its ``key`` (a name) replaced by ``{"id": ids[name]}`` and the keys
    of ``drop`` left out; an object without ``key`` is kept as it is. Without ``key``: ``items`` is a list of
    names, each made ``{"id": ...}`` (PingOne's group membership body, Add User to Group,
    https://developer.pingidentity.com/pingone-api/platform/users/group-membership/add-user-to-group.html).
    In check mode a name whose id is None (an object the run would create) becomes a placeholder id.
    ``scope``: the population id of the user or group whose groups ``items`` names (see _reference).
    With ``state``: only the objects whose ``state`` (``present`` when not given) is ``state``, each still named by its
    place in the whole list; an object whose state is neither ``present`` nor ``absent`` is refused.
    Messages name an item by its place in ``source`` and the name it gives (its ``name_key``), never its other contents.
    """
    converted = []
    for number, item in enumerate(items or []):
        where = f'{source}[{number}]'
        if key is None:
            converted.append(_reference(item, ids, what, where, check_mode, scope))
            continue
        if not isinstance(item, dict):
            raise AnsibleFilterError(f'{where} is not a dict')
        if state is not None and not _in_state(item, where, state, name_key):
            continue
        obj = {name: value for name, value in item.items() if name not in drop}
        if obj.get(key) is not None:
            obj[key] = _reference(obj[key], ids, what, where, check_mode)
        converted.append(obj)
    return converted


def pingone_resource_grants(grants, resource_ids, scope_ids, check_mode=False, source='grants', state='present'):
    """Application resource grants given by names, as PingOne's grant bodies: those whose ``state`` is ``state``.

    Each grant of ``grants`` is ``{"resource": name, "scopes": [scope name, ...]}``; it becomes
    ``{"resource": {"id": ...}, "scopes": [{"id": ...}, ...]}`` through ``resource_ids`` (resource name to id) and
    ``scope_ids`` (resource name to a dict of scope name to id), the body of Create Application Resource Grant
    (https://developer.pingidentity.com/pingone-api/platform/applications/application-resource-grants/create-grant.html).
    A resource or scope given as a dict is a reference already. The scopes keep their order. In check mode a name
    whose id is None becomes a placeholder id, as with pingone_references; messages name a grant by its place in
    ``source`` and the names it gives. A grant with ``state: absent`` (``present`` when not given) needs its
    resource only, and becomes ``{"resource": {"id": ...}}``, what finds the grant to delete.
    """
    converted = []
    for number, grant in enumerate(grants or []):
        where = f'{source}[{number}]'
        if not isinstance(grant, dict) or not isinstance(grant.get('resource'), (str, dict)):
            raise AnsibleFilterError(f'{where} is not a dict with a resource name')
        label = grant['resource'] if isinstance(grant['resource'], str) else grant['resource'].get('id')
        if not _in_state(grant, f'{where} (resource {label!r})', state, None):
            continue
        if state == 'absent':
            converted.append({'resource': _reference(grant['resource'], resource_ids, 'resource', where, check_mode)})
            continue
        scopes = grant.get('scopes')
        if not isinstance(scopes, list) or not scopes:
            # Create Grant: scopes is required, a non-empty array of scope references.
            raise AnsibleFilterError(f'{where} grants no scopes of resource {label!r}: name at least one')
        resource = _reference(grant['resource'], resource_ids, 'resource', where, check_mode)
        names = (scope_ids.get(label) or {}) if isinstance(grant['resource'], str) else {}
        converted.append({'resource': resource, 'scopes': [_reference(scope, names, 'scope', f'{where} (resource {label!r})', check_mode) for scope in scopes]})
    return converted


class FilterModule:
    """jwtauth.oidc filters."""

    def filters(self):
        return {'pingone_references': pingone_references, 'pingone_resource_grants': pingone_resource_grants}
