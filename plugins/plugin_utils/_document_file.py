# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pingone_environment's ``document_file``: the environment read by the action plugin from a file on the controller,
an export of pingone_environment_export as it was written.  Internal to this collection; not a public API.

A document of 10,000 users given as ``document`` is loaded with the play's variables, templated as a task argument
(three times in the pingone_platform role, one task a part) and carried through Ansible's task machinery before the
collection sees it; api_resource's ``items_file`` took that from 8.8 s to 0.1 s of a no-change run.  Read here, the file
is data: nothing in it is templated but what an export writes as a template, its vault references
(``{{ pingone_platform_vault['identity provider/Google/clientSecret'] }}``), each taken from the task's variable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.export import EXPORTED_TYPES, JINJA_MARKS, vault_reference
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import top_level
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._items_file import kind

# The argument the action plugin consumes: the edge and the library see ``document`` in its place.
FILE_OPTION = 'document_file'


def document_in(data: Any, where: str) -> dict[str, Any]:
    """The document a file's parsed ``data`` holds, by type: an export's mapping as written, its lists under the prefix
    of its ``<prefix>exported_types`` key (``pingone_platform_users``), or under the types' own names (``users``).

    A key that names no type is refused here, in the file's own words: a list under a misspelt name would be converged
    by nobody, and the engine would name it without the prefix.
    """
    if not isinstance(data, Mapping):
        raise ConfigurationError(f'{where} is not a mapping of lists by type (it is a {kind(data)})')
    marker = next((str(key) for key in data if str(key).endswith(EXPORTED_TYPES)), None)
    prefix = marker[: -len(EXPORTED_TYPES)] if marker is not None else ''
    known = [resource_type.plural for resource_type in top_level()]
    document: dict[str, Any] = {}
    unknown = []
    for key, value in data.items():
        name = str(key)
        plural = name[len(prefix) :] if name.startswith(prefix) else name
        if plural not in known and plural != EXPORTED_TYPES:
            unknown.append(name)
        document[plural] = value
    if unknown:
        names = ', '.join(prefix + plural for plural in known)
        raise ConfigurationError(f'{where} has {", ".join(sorted(unknown))}, which names no type of the type table: use {names}')
    return document


def with_secrets(value: Any, secret: Callable[[str, str], Any]) -> Any:
    """``value`` with each string that is an export's vault reference replaced by ``secret(variable, path)``.

    Another string that looks like a template stays as it is: the file is data, and an export marks such a value of
    PingOne's ``!unsafe`` so that Ansible would not render it either.  Strings are looked at only when they hold ``{{``,
    so that 10,000 users cost a walk, not a match each.
    """
    if isinstance(value, dict):
        return {key: with_secrets(item, secret) for key, item in value.items()}
    if isinstance(value, list):
        return [with_secrets(item, secret) for item in value]
    if isinstance(value, str) and JINJA_MARKS[0] in value:
        reference = vault_reference(value)
        if reference is not None:
            return secret(*reference)
    return value


def vault_secrets(variable: Callable[[str], Any]) -> Callable[[str, str], Any]:
    """``secret(name, path)`` for ``with_secrets``: the key ``path`` of the task's variable ``name``, as ``variable(name)``
    gives it (rendered, a vaulted value decrypted; KeyError when it is not defined), each variable asked for once.
    An error names the variable and the key, never a value."""
    vaults: dict[str, Any] = {}

    def secret(name: str, path: str) -> Any:
        if name not in vaults:
            try:
                vaults[name] = variable(name)
            except KeyError:
                raise ConfigurationError(
                    f'{FILE_OPTION} refers to {name}[{path!r}], and {name} is not defined: load the vaulted variables file that holds it'
                ) from None
        vault = vaults[name]
        if not isinstance(vault, Mapping) or path not in vault:
            raise ConfigurationError(f'{FILE_OPTION} refers to {name}[{path!r}], and {name} has no such key')
        value = vault[path]
        if isinstance(value, (bool, int, float, Mapping, list)) or value is None:
            return value
        # A string, or an inline !vault value decrypted as a template would give it (ansible-core before 2.19 hands over
        # an AnsibleVaultEncryptedUnicode, which is no str).
        return str(value)

    return secret


def args_with_document(args: Mapping[str, Any], load: Callable[[str], Any], secret: Callable[[str, str], Any]) -> Mapping[str, Any]:
    """The task's ``args`` with ``document_file`` read into ``document`` by ``load(path)`` (which finds the file as a
    role's or play's ``files/`` and decrypts a vaulted one), its vault references by ``secret(variable, path)``, and
    ``result_detail`` compact unless the task says otherwise.

    With ``document`` also given, the arguments go on unchanged, for the validator to say they exclude each other.
    """
    path = args.get(FILE_OPTION)
    if path is None or args.get('document') is not None:
        return args
    if not isinstance(path, str) or not path:
        raise ConfigurationError(f'{FILE_OPTION} must be the path of a YAML or JSON file')
    where = f'{FILE_OPTION} {path}'
    document = with_secrets(document_in(load(path), where), secret)
    shown = {name: value for name, value in args.items() if name != FILE_OPTION}
    shown['document'] = document
    shown.setdefault('result_detail', 'compact')
    return shown
