# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""JMESPath expressions of the options (key_query, select_query, items_path, query), one way for all of them.

Internal to this collection; not a public API.  An expression that does not parse, or that fails on the value it is
applied to (a function given the wrong type), is a ConfigurationError naming the option and the expression, never an
unexpected error.  jmespath is imported on first use: a lookup served from the token store needs none.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError


def _jmespath() -> Any:
    try:
        import jmespath  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise ConfigurationError('The Python library "jmespath" is required on the controller for JMESPath expressions: pip install jmespath') from None
    return jmespath


@lru_cache(maxsize=64)
def _compiled(expression: str) -> Any:
    return _jmespath().compile(expression)


def compile_query(expression: str, option: str) -> Any:
    """The compiled expression of ``option``, or ConfigurationError saying why it does not parse."""
    jmespath = _jmespath()
    try:
        return _compiled(expression)
    except jmespath.exceptions.JMESPathError as exc:
        raise ConfigurationError(f'{option} {expression!r} is not a valid JMESPath expression: {exc}') from None
    except RecursionError:
        # jmespath's parser recurses once a nesting level: an expression of thousands of parentheses exhausts the stack.
        raise ConfigurationError(f'{option} is not a usable JMESPath expression: it is nested too deep ({len(expression)} characters)') from None


def plain(value: Any) -> Any:
    """``value`` with plain ``str``, ``dict`` and ``list`` in place of their subclasses: ansible-core 2.19 and later hand
    a task's arguments as tagged strings, which jmespath's functions refuse as not strings (``join`` of a name)."""
    if isinstance(value, str):
        return str.__str__(value)  # the str itself, or a plain copy of a subclass's
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def json_query(expression: str, value: Any, option: str) -> Any:
    """What ``expression`` (the value of ``option``) selects from ``value``."""
    compiled = compile_query(expression, option)
    try:
        return compiled.search(plain(value))
    except _jmespath().exceptions.JMESPathError as exc:
        raise ConfigurationError(f'{option} {expression!r} cannot be applied: {exc}') from None
    except RecursionError:
        raise ConfigurationError(f'{option} {expression!r} cannot be applied: it nests too deep for the value it is applied to') from None


def truthy(value: Any) -> bool:
    """JMESPath truth (JEP 9, "false values"): false, null, an empty string, array or object are false; anything else is true."""
    # Not "value in (False, None, ...)": 0 == False in Python, and 0 is true in JMESPath.
    if value is None or value is False:
        return False
    return not isinstance(value, (str, list, dict)) or bool(value)
