# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pingone_references filter: PingOne objects that name other objects by name, made into ``{"id": ...}`` references."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment import references as _references
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

# What a reference to an object that check mode would create holds instead of its id (see _environment.references).
NOT_YET_CREATED = _references.NOT_YET_CREATED
SCOPED = _references.SCOPED
STATES = _references.STATES


def pingone_references(items, ids, key=None, what='object', drop=(), check_mode=False, source='items', scope=None, state=None, name_key='name'):
    """PingOne references in place of names (_environment.references.references): with ``key``, each object's ``key``
    made ``{"id": ...}`` and ``drop`` left out; without, each name of ``items`` made ``{"id": ...}``."""
    try:
        return _references.references(items, ids, key, what, drop, check_mode, source, scope, state, name_key)
    except ConfigurationError as exc:
        raise AnsibleFilterError(str(exc)) from None


def pingone_resource_grants(grants, resource_ids, scope_ids, check_mode=False, source='grants', state='present'):
    """Application resource grants given by names, as PingOne's grant bodies (_environment.references.resource_grants)."""
    try:
        return _references.resource_grants(grants, resource_ids, scope_ids, check_mode, source, state)
    except ConfigurationError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    """jwtauth.oidc filters."""

    def filters(self):
        return {'pingone_references': pingone_references, 'pingone_resource_grants': pingone_resource_grants}
