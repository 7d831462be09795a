# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The installed_modules filter: which of some modules Ansible can find, asked before a task needs one.

A task whose module is not installed fails when the playbook is loaded, with "couldn't resolve module/action",
before any task can say which collection to install (playbooks/awx_credential_type.yml: awx.awx or
ansible.controller).
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.plugins.loader import module_loader


def installed_modules(names):
    """The names of ``names`` (fully qualified module names) that resolve to an installed module, in their order."""
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise AnsibleFilterError('installed_modules takes a list of fully qualified module names')
    found = []
    for name in names:
        if module_loader.find_plugin_with_context(str(name), ignore_deprecated=True).resolved:
            found.append(name)
    return found


class FilterModule:
    """jwtauth.oidc filters."""

    def filters(self):
        return {'installed_modules': installed_modules}
