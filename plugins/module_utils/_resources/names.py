# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The names the options of api_resource choose among, and what each API style says of write-only attributes.
Internal to this collection; not a public API.

A file of its own, without imports, so that the option layer (_argspec.specs) names the choices without importing the
dialects and everything they need: Ansible compiles a collection's Python from source on every import (its collection
loader keeps no bytecode), and the token lookup imports the option layer in every worker that templates it.
"""

from __future__ import annotations

from typing import Any

# The API dialects (dialects.DIALECTS, in this order; a unit test holds them to it).
API_STYLES = ('generic', 'scim', 'pingone')

# When write-only attributes (write_only_keys) are sent: with a create only; also with an update that other
# attributes cause; or to every existing object on every run, since the server never shows whether it holds them.
SEND_WRITE_ONLY = ('on_create', 'on_update', 'always')

# api_style -> the attributes its API takes but never returns, besides those a task names. RFC 7643 section 4.1 (and
# the User schema of section 8.7.1): password has "mutability" writeOnly and "returned" never; it is the only
# attribute of the core and enterprise schemas that is either. A server's own schema may mark more: those are given
# in write_only_keys.
WRITE_ONLY_KEYS = {'scim': ('password',)}


def write_only_keys(api_style: str | None, given: Any) -> Any:
    """The write-only attributes of a task: those it names (``write_only_keys``), then those its API style knows (a
    SCIM ``password``), each once; ``given`` itself when the style knows none."""
    known = WRITE_ONLY_KEYS.get(api_style or 'generic', ())
    if not known:
        return given
    keys = list(given or ())
    return keys + [name for name in known if name not in keys]
