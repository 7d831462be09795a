# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options a lookup of the collection is given: its keywords, then its ``jwtauth_oidc_*`` variables (templated),
then ansible.cfg, as the token lookup's option definitions say; the environment is left to the option layer.

Shared by the token lookup and the settings lookup, which hands the same settings to ``module_defaults``.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from typing import Any

from ansible import constants as C

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.sources import credential_env_vars, without_unset


def _plain(value: Any) -> Any:
    """``value`` with every mapping and list made a plain dict and list, recursively.

    ansible-core 2.19+ hands a lookup its keyword and variable values as lazy templating containers, which carry
    their templar: the argument spec validator deep-copies its parameters, and copying a templar prints a
    DEPRECATION WARNING about plugin loader aliases on ansible-core 2.21 (a ``scope`` list from a variable did).
    """
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _first_variable(variables: Mapping[str, Any], entries: Any) -> tuple[bool, Any]:
    """``(True, value)`` of the first of an option's ``vars:`` entries that ``variables`` defines, else ``(False, None)``
    (later entries win in Ansible's configuration, as here: the list is read from its end)."""
    for entry in reversed(entries or ()):
        if entry.get('name') in variables:
            return True, variables[entry['name']]
    return False, None


# ansible.cfg as parsed, by path, size and modification time: every option of every reference read it again (about
# 70 parses a reference), the same file in the same worker.
_PARSED: dict[tuple[str, int, int], configparser.ConfigParser | None] = {}


def _parsed(path: str) -> configparser.ConfigParser | None:
    """ansible.cfg parsed once for as long as it is the same file, or None when it cannot be read."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    key = (path, found.st_size, found.st_mtime_ns)
    if key not in _PARSED:
        parser: configparser.ConfigParser | None = configparser.ConfigParser(inline_comment_prefixes=(';',))
        try:
            with open(path, encoding='utf-8') as handle:
                parser.read_file(handle)  # type: ignore[union-attr]
        except (OSError, configparser.Error, UnicodeDecodeError):
            parser = None
        _PARSED.clear()
        _PARSED[key] = parser
    return _PARSED[key]


def _ini_value(entries: Any, option_type: str | None) -> str | None:
    """The value ansible.cfg gives an option through its ``ini:`` entries (the last one set wins), or None.

    Read as ansible-core reads it (configparser, ``;`` inline comments, raw); a relative path is relative to the
    configuration file, as Ansible resolves it.
    """
    path = getattr(C, 'CONFIG_FILE', None)
    if not path or not entries:
        return None
    parser = _parsed(path)
    if parser is None:
        return None  # Ansible itself reports a configuration file it cannot read
    value = None
    for entry in entries:
        found = parser.get(entry.get('section', 'defaults'), entry.get('key', ''), raw=True, fallback=None)
        if found is not None:
            value = found
    if value is not None and option_type == 'path':
        value = os.path.join(os.path.dirname(os.path.abspath(path)), os.path.expanduser(value))
    return value


def options_given(lookup_name: str, spec: Mapping[str, Any], variables: Mapping[str, Any], direct: Mapping[str, Any], templar: Any) -> dict[str, Any]:
    """What the keywords, the variables and ansible.cfg set; the environment is left to the option layer.

    Keywords the spec does not know are passed on as they are, for the edge to refuse by name.  Variables are
    templated here, then converted by the argument spec like every other value: Ansible hands a lookup its
    variables as written, so ``jwtauth_oidc_client_secret: "{{ vault_secret }}"`` would otherwise sign with the
    text of the template, and a path or number would be converted before it is templated.  The argument spec's
    fallbacks read JWTAUTH_OIDC_* as they do for the modules (an empty variable is unset), then apply the
    defaults: the environment is read, never changed.  An environment variable still outranks ansible.cfg, as
    in Ansible's own configuration precedence.  The option definitions (``vars:``, ``ini:``) are the lookup's
    documentation, as Ansible's configuration reads them.
    """
    definitions = C.config.get_configuration_definitions(plugin_type='lookup', name=lookup_name)
    options = {name: value for name, value in direct.items() if name not in spec}
    for name, option_spec in spec.items():
        if name in direct:
            options[name] = direct[name]
            continue
        definition = definitions.get(name) or {}
        found, value = _first_variable(variables, definition.get('vars'))
        if found:
            options[name] = templar.template(value)
            continue
        env_set = 'fallback' in option_spec and any(os.environ.get(variable) for variable in credential_env_vars(name, direct.get('credential'), os.environ))
        if not env_set:
            value = _ini_value(definition.get('ini'), option_spec.get('type'))
            if value is not None:
                options[name] = value
    return {name: _plain(value) for name, value in without_unset(options).items()}
