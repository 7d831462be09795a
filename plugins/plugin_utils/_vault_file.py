# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One top-level value of a YAML variables file replaced in its text, the rest of the file byte for byte as it was.
Internal to this collection; not a public API.

A YAML dump of the parsed file would lose its comments, order, quoting and layout; an Ansible Vault file is read by
people too. So the line of the key is found and only its value is written anew; the result is parsed again and
must hold the new value and every other key as before, or nothing is written.
"""

from __future__ import annotations

import re
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML, which ansible-core requires; no stubs in the tools venv

# A plain YAML scalar that needs no quotes (no indicator first, no ": " or " #" inside): PingOne's secrets are of these
# characters (base64url). Anything else is written single-quoted.
_PLAIN = re.compile(r'[A-Za-z0-9_][A-Za-z0-9_.~+/=-]*\Z')


class VaultFileError(Exception):
    """The file cannot take the value as asked; the message never holds a value of the file."""


def _line(key: str) -> re.Pattern[str]:
    # A top-level key: at the start of a line, as the key is or quoted; its value on the same line, then an optional comment.
    quoted = re.escape(key)
    return re.compile(rf'^(?P<head>(?:{quoted}|\'{quoted}\'|"{quoted}")[ \t]*:)(?P<space>[ \t]*)(?P<value>[^\n]*?)(?P<tail>[ \t]+#[^\n]*)?$', re.M)


def _scalar(value: str, style: str) -> str:
    """The value as a YAML scalar, in the quoting the old value had where it can be."""
    if style == '"':
        return '"' + value.replace('\\', '\\\\').replace('"', '\\"') + '"'
    if style == '' and _PLAIN.match(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _load(text: str, what: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise VaultFileError(f'{what} is not YAML') from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise VaultFileError(f'{what} is not a YAML mapping of variables')
    return data


def with_value(text: str, key: str, value: str) -> tuple[str, bool]:
    """(the text with ``key`` set to ``value``, whether it changed). A key not in the file is appended at its end."""
    before = _load(text, 'the decrypted file')
    if key in before and before[key] == value:
        return text, False
    found = list(_line(key).finditer(text))
    if key in before:
        if len(found) != 1:
            raise VaultFileError(f'the key {key} is not on one line of its own at the top level of the file (a block scalar, a flow mapping, or twice)')
        match = found[0]
        old = match.group('value')
        if old[:1] in ('|', '>', '&', '*', '!', '[', '{'):
            raise VaultFileError(f'the value of {key} is not a one-line scalar (block, anchor, alias, tag or collection)')
        style = old[:1] if old[:1] in ('"', "'") else ''
        new_text = text[: match.start('value')] + _scalar(value, style) + text[match.end('value') :]
        if not match.group('space'):
            new_text = text[: match.end('head')] + ' ' + new_text[match.end('head') :]
    else:
        new_text = text + ('' if not text or text.endswith('\n') else '\n') + f'{key}: {_scalar(value, "")}\n'
    after = _load(new_text, 'the file as rewritten')
    if after.get(key) != value or {k: v for k, v in after.items() if k != key} != {k: v for k, v in before.items() if k != key}:
        raise VaultFileError(f'rewriting the line of {key} would change more than its value; nothing was written')
    return new_text, True
