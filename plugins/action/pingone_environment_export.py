# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs jwtauth.oidc.pingone_environment_export in the controller process, next to the token store; its file is the controller's."""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import pingone_environment_export_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_export_task
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._action import ControllerAction


class ActionModule(ControllerAction):
    """An export of a PingOne environment, written on the controller."""

    def module_kwargs(self):
        return pingone_environment_export_module_kwargs()

    def execute(self, options, context, check_mode, diff):
        return run_export_task(options, context, check_mode=check_mode, diff=diff)
