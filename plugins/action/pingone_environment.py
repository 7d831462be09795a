# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs jwtauth.oidc.pingone_environment in the controller process, next to the token store."""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import pingone_environment_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_environment_task
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._action import ControllerAction
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._document_file import FILE_OPTION, args_with_document, vault_secrets


class ActionModule(ControllerAction):
    """The converge of a whole environment; a result that holds a secret it read is never displayed."""

    def module_kwargs(self):
        return pingone_environment_module_kwargs()

    def task_args(self):
        return args_with_document(self._task.args, lambda path: self.load_file(FILE_OPTION, path), vault_secrets(self.task_variable))

    def execute(self, options, context, check_mode, diff):
        outcome = dict(run_environment_task(options, context, check_mode=check_mode, diff=diff), check_mode=check_mode)
        if outcome.get('secrets'):
            # Censor the displayed result even without no_log on the task, at every verbosity; the registered variable keeps it.
            outcome['_ansible_no_log'] = True
        return outcome
