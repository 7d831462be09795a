# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs jwtauth.oidc.revoke in the controller process, so secrets and tokens never reach managed hosts."""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import revoke_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_revoke_task
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._action import ControllerAction


class ActionModule(ControllerAction):
    """The result names what was revoked, never a token."""

    def module_kwargs(self):
        return revoke_module_kwargs()

    def execute(self, options, context, check_mode, diff):
        return run_revoke_task(options, context, check_mode=check_mode)
