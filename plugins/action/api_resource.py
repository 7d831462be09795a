# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs jwtauth.oidc.api_resource in the controller process, next to the token store."""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_resource_task
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._action import ControllerAction
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._items_file import args_with_items


class ActionModule(ControllerAction):
    """The module's work, done where the tokens are; a long converge says how far it is while it runs."""

    def module_kwargs(self):
        return api_resource_module_kwargs()

    def task_args(self):
        return args_with_items(self._task.args, lambda path: self.load_file('items_file', path))

    def execute(self, options, context, check_mode, diff):
        # check_mode in the result: ansible_check_mode sees --check only, not a check_mode keyword on a block or play
        # around the task, and a role that passes this run's ids on (a null id is an object check mode would create)
        # must know which it was.
        return dict(run_resource_task(options, context, check_mode=check_mode, diff=diff), check_mode=check_mode)
