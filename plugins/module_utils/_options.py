# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options of one task or lookup call, frozen. Internal to this collection; not a public API.

Built at the edge by _argspec.build.options_of (the argument specs' defaults filled in, spellings made canonical)
and read by the use cases as attributes.  Imports nothing of the collection.
"""

from __future__ import annotations

from collections.abc import KeysView, Mapping
from types import MappingProxyType
from typing import Any, NoReturn


class Options:
    """The validated options of one task or lookup: frozen, read as attributes (``options.timeout``).

    Not a Mapping on purpose: ``items``, ``values`` or ``get`` would shadow options of those names
    (api_resource has ``items``).  ``options[name]`` reads an option by a name held in a variable,
    and ``dict(options)`` gives them all.
    """

    __slots__ = ('_values',)

    def __init__(self, values: Mapping[str, Any], **changes: Any) -> None:
        object.__setattr__(self, '_values', MappingProxyType(dict(values, **changes)))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f'jwtauth.oidc has no option {name!r}') from None

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError('Options are frozen: use replace()')

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def keys(self) -> KeysView[str]:
        """The option names (for ``dict(options)``)."""
        return self._values.keys()

    def __repr__(self) -> str:
        # Never the values: some are secrets.
        return f'Options({", ".join(sorted(name for name, value in self._values.items() if value is not None))})'

    def replace(self, **changes: Any) -> Options:
        """A copy with some options changed (a refresh grant from a stored token, say)."""
        return Options(self._values, **changes)
