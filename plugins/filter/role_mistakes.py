# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role_mistakes filter: what is wrong with a role's variables, in the role's words, before anything is sent.

Mistakes that would otherwise run green (a misspelt variable is simply never read, an item whose ``state`` is neither
``present`` nor ``absent`` matches neither of the role's lists) or fail far from their cause (``items[3]`` of a list
the role filtered, a 13 kB argument-spec dump for one unknown key of the ``*_auth`` dict).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.checks import closest_option
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_auth_argument_spec
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import json_type


def unknown_variables(names: Iterable[str], options: Iterable[str], role: str, prefix: str) -> list[str]:
    """A sentence for each name of ``names`` with the role's ``prefix`` that is not one of its ``options``.

    Names starting with ``_`` (the role's own facts, vars and registered results) never have the prefix. The
    closest option is found by the part after the prefix, which every candidate shares.
    """
    known = {option[len(prefix) :]: {} for option in options if option.startswith(prefix)}
    found = []
    for name in sorted(set(names)):
        if not name.startswith(prefix) or name[len(prefix) :] in known:
            continue
        closest = closest_option(name[len(prefix) :], known)
        hint = f'did you mean {prefix}{closest}?' if closest else f'ansible-doc -t role {role} lists them'
        found.append(f'{name} is not a variable of the role {role} ({hint})')
    return found


def unknown_auth_keys(auth: Any, name: str) -> list[str]:
    """A sentence for each key of the ``*_auth`` dict ``auth`` that is not a connection option of api_resource."""
    if not isinstance(auth, Mapping):
        return [f'{name} is {json_type(auth)}, not a dict of jwtauth.oidc.api_resource options']
    spec = api_auth_argument_spec()
    found = []
    for key in sorted(str(key) for key in auth if str(key) not in spec):
        closest = closest_option(key, spec)
        hint = f'did you mean {closest}?' if closest else 'ansible-doc jwtauth.oidc.api_resource lists them'
        found.append(f'{name}.{key} is not a connection option of jwtauth.oidc.api_resource ({hint})')
    return found


def _identity(item: Mapping[str, Any], attributes: Iterable[str], fold: bool) -> str | None:
    """What makes an item the object it is (its key, for groups its key and population) as comparable text."""
    values = []
    for attribute in attributes:
        value = item.get(attribute)
        if fold and isinstance(value, str):
            value = value.casefold()
        values.append(value)
    if values[0] is None:
        return None
    return json.dumps(values, sort_keys=True, default=str)


def item_mistakes(items: Any, where: str, spec: Mapping[str, Any], api: str) -> list[str]:
    """A sentence for each item of the list ``where`` that the role's tasks would drop or misname.

    ``spec``: ``key`` (the attribute that names an item), ``states`` (the values its ``state`` may take; without
    it, ``state_variable`` names what sets the state of every item instead), ``unique`` (attributes no two items
    may share, ``fold`` comparing strings without case), ``lists`` (attribute -> the spec of a nested list). An item is
    named by its place and its key, never by its other contents (they may hold secrets).
    """
    if items is None:
        return []
    if not isinstance(items, list):
        return [f'{where} is {json_type(items)}, not a list']
    key = spec['key']
    found: list[str] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        place = f'{where}[{index}]'
        if not isinstance(item, Mapping):
            found.append(f'{place} is {json_type(item)}, not an object')
            continue
        name = item.get(key)
        label = f'{place} ({name})' if isinstance(name, (str, int, float)) and not isinstance(name, bool) else place
        # The same word, spelt the other API's way: PingOne's username is SCIM's userName (RFC 7643 section 4.1.1).
        spelt = sorted(other for other in item if isinstance(other, str) and other != key and other.casefold() == key.casefold())
        if spelt:
            found.append(f'{label} has {spelt[0]}: {api} spells it {key}')
        elif name is None or name == '':
            found.append(f'{place} has no {key}')
        if 'state' in item:
            if 'states' not in spec:
                found.append(f'{label} has a state: {spec.get("state_variable", "the role")} sets the state of every item')
            elif item['state'] not in spec['states']:
                shown = repr(item['state']) if isinstance(item['state'], str) else json_type(item['state'])
                found.append(f'{label} has state {shown}: use {" or ".join(spec["states"])}')
        if 'unique' in spec:
            identity = _identity(item, spec['unique'], spec.get('fold', False))
            if identity in seen:
                found.append(f'{seen[identity]} and {label} have the same {" and ".join(spec["unique"])}')
            elif identity is not None:
                seen[identity] = label
        for attribute, nested in (spec.get('lists') or {}).items():
            if attribute in item:
                found.extend(item_mistakes(item[attribute], f'{label}.{attribute}', nested, api))
    return found


def role_mistakes(variables: Mapping[str, Any], options: Iterable[str], checks: Mapping[str, Any]) -> list[str]:
    """Every mistake of a role's ``variables`` (name -> value, those with the role's prefix), as sentences; none, ``[]``.

    ``options``: the variables the role documents (its ``meta/argument_specs.yml`` options). ``checks``: ``role`` (its
    full name), ``prefix``, ``returns`` (facts the role sets, which a later include sees), ``auth`` (the variable of
    api_resource's connection options), ``api`` (what the API is called, for a key spelt another API's way) and
    ``lists`` (variable -> the spec of item_mistakes).
    """
    found = unknown_variables(variables, list(options) + list(checks.get('returns') or ()), checks['role'], checks['prefix'])
    if checks.get('auth') in variables:
        found.extend(unknown_auth_keys(variables[checks['auth']], checks['auth']))
    for name, spec in (checks.get('lists') or {}).items():
        found.extend(item_mistakes(variables.get(name), name, spec, checks['api']))
    return found


class FilterModule:
    """jwtauth.oidc filters."""

    def filters(self):
        return {'role_mistakes': role_mistakes}
