# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs jwtauth.oidc.pingone_application_secret in the controller process, next to the token store."""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import pingone_application_secret_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_secret_rotation_task
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._action import ControllerAction


class ActionModule(ControllerAction):
    """A result that holds the new secret is never displayed; the registered variable still holds it."""

    def module_kwargs(self):
        return pingone_application_secret_module_kwargs()

    def execute(self, options, context, check_mode, diff):
        # check_mode in the result: ansible_check_mode sees --check only, not a check_mode keyword on a block or include
        # around the task, and the role must not hand anything over then.
        outcome = dict(run_secret_rotation_task(options, context, check_mode=check_mode), check_mode=check_mode)
        if outcome.get('secret'):
            # Censor the displayed result even without no_log on the task, at every verbosity.
            outcome['_ansible_no_log'] = True
        return outcome
