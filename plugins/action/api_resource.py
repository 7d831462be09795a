# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs jwtauth.oidc.api_resource in the controller process, next to the token store."""

from __future__ import annotations

from ansible.utils.display import Display

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_resource_task
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._action import ControllerAction

display = Display()


class ActionModule(ControllerAction):
    """The module's work, done where the tokens are."""

    def module_kwargs(self):
        return api_resource_module_kwargs()

    _host = 'localhost'

    def run(self, tmp=None, task_vars=None):
        self._host = (task_vars or {}).get('inventory_hostname') or self._host
        return super().run(tmp, task_vars)

    def execute(self, options, check_mode, diff):
        return run_resource_task(options, check_mode=check_mode, diff=diff, progress=self.progress)

    def progress(self, line):
        """A long converge says how far it is while it runs (a worker's display goes to the job output at once)."""
        display.display('api_resource [{0}]: {1}'.format(self._host, line))
