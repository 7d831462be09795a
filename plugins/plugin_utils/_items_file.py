# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""api_resource's ``items_file``: the desired objects read by the action plugin from a YAML or JSON file on the controller.
Internal to this collection; not a public API.

A list of 10,000 items given as ``items`` is loaded with the play's variables, templated as a task argument and carried
through Ansible's task machinery before the collection sees it (issue 27 measured those steps at more than half of a
no-change run).  Read here, the list is parsed once, by the task that uses it, and never templated: the file is data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import yaml  # type: ignore[import-untyped]  # no stubs in the tools venv; PyYAML comes with ansible-core

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

try:  # libyaml's parser when PyYAML has it, as ansible-core's own loader prefers
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class SafeLoader(_BaseLoader):
    """The safe loader, which also reads Ansible's ``!unsafe`` tag on a string: an export marks so a value of PingOne's
    that looks like a template (pingone_environment_export), and read as data here it is never templated anyway."""


SafeLoader.add_constructor('!unsafe', lambda loader, node: loader.construct_scalar(node))

# Arguments the action plugin consumes: the edge and the library see ``items`` in their place.
FILE_OPTIONS = ('items_file', 'items_file_key')


def kind(value: Any) -> str:
    """What a parsed value is, in YAML's words (ansible-core 2.19 and later parse strings as tagged str subclasses)."""
    for kind, word in ((bool, 'boolean'), (str, 'string'), ((int, float), 'number'), (Mapping, 'mapping'), (list, 'list')):
        if isinstance(value, kind):
            return word
    return 'null' if value is None else type(value).__name__


def parsed(data: bytes, where: str) -> Any:
    """The document a file's bytes (decrypted already when vaulted) hold: JSON, else YAML, plain data either way.

    Not ansible-core's DataLoader.load_from_file: on ansible-core 2.19 and later it tags every string with its origin
    and deep-copies the document for its cache, most of the cost of 10,000 items (bench/items_file.py). An error says
    where, never what: the parser's own message quotes the line, which may hold a password.
    """
    data = bytes(data)  # ansible-core 2.19 and later hand over a tagged bytes subclass, which libyaml's parser refuses
    try:
        return json.loads(data)
    except ValueError:
        pass
    try:
        return yaml.load(data, Loader=SafeLoader)  # noqa: S506 - a safe loader, libyaml's when present
    except yaml.constructor.ConstructorError as exc:
        # An inline !vault value, or another tag of Ansible's (!unsafe on a list or a mapping): data only, here.
        raise ConfigurationError(
            f'{where} holds a YAML tag at {_place(exc)} (an inline !vault value?): encrypt the whole file with ansible-vault instead'
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f'{where} is not a YAML or JSON document (at {_place(exc)})') from None


def _place(exc: Any) -> str:
    mark = getattr(exc, 'problem_mark', None) or getattr(exc, 'context_mark', None)
    return f'line {mark.line + 1}, column {mark.column + 1}' if mark is not None else 'an unknown place'


def items_in(data: Any, key: str | None, where: str) -> list[dict[str, Any]]:
    """The list of items a file's parsed ``data`` holds: the document itself, or its ``key`` when it is a mapping (an
    export's ``pingone_platform_users``).  Every item must be a mapping; an error names the file and the item's index,
    never a value (an item may hold a password)."""
    if key is not None:
        if not isinstance(data, Mapping):
            raise ConfigurationError(f'{where} is not a mapping, so it has no key {key!r} (items_file_key)')
        if key not in data:
            keys = ', '.join(sorted(str(name) for name in data)[:10])
            raise ConfigurationError(f'{where} has no key {key!r} (items_file_key); its keys: {keys or "none"}')
        data = data[key]
        where = f'{where} key {key}'
    elif isinstance(data, Mapping):
        raise ConfigurationError(f'{where} is a mapping: name the key that holds the list with items_file_key')
    if not isinstance(data, list):
        raise ConfigurationError(f'{where} is not a list of items (it is a {kind(data)})')
    for number, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise ConfigurationError(f'{where}: item {number} is not a mapping (it is a {kind(item)})')
    return [dict(item) for item in data]


def args_with_items(args: Mapping[str, Any], load: Callable[[str], Any]) -> Mapping[str, Any]:
    """The task's ``args`` with ``items_file`` read into ``items`` by ``load(path)`` (which finds the file as a role's or
    play's ``files/`` and decrypts a vaulted one), and ``result_detail`` compact unless the task says otherwise.

    With ``item`` or ``items`` also given, the arguments go on unchanged, for the validator to say they exclude each other.
    """
    path = args.get('items_file')
    if path is None or args.get('item') is not None or args.get('items') is not None:
        return args
    if not isinstance(path, str) or not path:
        raise ConfigurationError('items_file must be the path of a YAML or JSON file')
    key = args.get('items_file_key')
    items = items_in(load(path), None if key is None else str(key), f'items_file {path}')
    shown = {name: value for name, value in args.items() if name not in FILE_OPTIONS}
    shown['items'] = items
    shown.setdefault('items_name', f'items_file {path}')
    shown.setdefault('result_detail', 'compact')
    return shown
