# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare desired JSON objects with what a server holds. Internal to this collection; not a public API.

Only the keys the user set are compared (servicenow.itsm ``is_superset``
style); lists are compared without regard to order, since the APIs this
collection converges (SCIM multi-valued attributes, RFC 7643 section 2.4)
give their order no meaning.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any


def matches(desired: Any, current: Any) -> bool:
    """True when ``current`` holds everything ``desired`` sets.

    Dicts: every desired key must match in current; keys only in current are
    server data and ignored; a desired None means absent (or empty).  Lists:
    the same number of elements, and each desired element matches a distinct
    current element, in any order.
    """
    if isinstance(desired, str):
        return desired == current  # most values: a string equals a string only (and never True, unlike 1)
    # RFC 7643 section 2.5: an unassigned attribute, null and an empty list are equivalent;
    # servers leave such attributes out of their JSON.
    if desired is None or desired == [] or desired == {}:
        return current in (None, [], {}, '')
    if isinstance(desired, dict):
        return isinstance(current, dict) and all(matches(value, current.get(key)) for key, value in desired.items())
    if isinstance(desired, list):
        if not isinstance(current, list) or len(desired) != len(current):
            return False
        unused = list(current)
        for element in desired:
            for index, candidate in enumerate(unused):
                if matches(element, candidate):
                    del unused[index]
                    break
            else:
                return False
        return True
    if isinstance(desired, bool) or isinstance(current, bool):
        return desired is current  # True == 1 in Python, not in JSON
    return desired == current


def differing_keys(desired: Mapping[str, Any], current: Mapping[str, Any] | None) -> list[str]:
    """The top-level keys of ``desired`` whose values do not match ``current``, in a stable order."""
    return [key for key in desired if not matches(desired[key], (current or {}).get(key))]


def merged(current: Mapping[str, Any] | None, desired: Mapping[str, Any], server_owned: Collection[str] = ()) -> dict[str, Any]:
    """What the object looks like once the desired keys are applied: the prediction for check and diff modes."""
    result = dict(current or {})
    for key, value in desired.items():
        if key in server_owned:
            continue
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def without(obj: Mapping[str, Any], paths: Collection[str]) -> dict[str, Any]:
    """The object less the fields at ``paths``, dotted for nested ones (``identityProvider.type``); nested objects are
    copied, never changed in place, and one left empty by it goes too (nothing of it was the client's to send)."""
    result = dict(obj)
    for path in paths:
        head, _dot, rest = path.partition('.')
        if head not in result:
            continue
        if not rest:
            del result[head]
        elif isinstance(result[head], Mapping) and result[head]:
            result[head] = without(result[head], [rest])
            if not result[head]:
                del result[head]
    return result


_MISSING = object()


def value_at(obj: Any, path: str, default: Any = None) -> Any:
    """The value at the dotted ``path`` of ``obj`` (``identityProvider.id``), or ``default`` when it has none."""
    for part in path.split('.'):
        if not isinstance(obj, Mapping) or part not in obj:
            return default
        obj = obj[part]
    return obj


def changed_fields(desired: Mapping[str, Any], current: Mapping[str, Any] | None, paths: Collection[str]) -> list[str]:
    """The dotted ``paths`` that ``desired`` gives a value the current object does not hold (compared as ``matches``)."""
    changed = []
    for path in paths:
        wanted = value_at(desired, path, _MISSING)
        if wanted is not _MISSING and not matches(wanted, value_at(current or {}, path)):
            changed.append(path)
    return changed


def strip(obj: Mapping[str, Any] | None, server_owned: Collection[str]) -> dict[str, Any]:
    """The object without server-owned keys (id, meta, ...), for diffs and PUT bodies."""
    return {key: value for key, value in (obj or {}).items() if key not in server_owned}
