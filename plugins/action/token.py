# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs jwtauth.oidc.token in the controller process, so secrets never reach managed hosts."""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import secret_values, token_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._token_provider import run_token_task


RETURNED_TOKENS = ('access_token', 'id_token', 'refresh_token')


class ActionModule(ActionBase):
    """Validate the arguments with the module's own spec and run the library here.

    No module is shipped to the target: the token request leaves from the
    controller whatever the host, connection or delegate_to.  Returned tokens
    are not replaced by VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (the refresh-token
    trap), and a result holding a token is never displayed.
    """

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validation = ArgumentSpecValidator(**token_module_kwargs()).validate(self._task.args)
        no_log_values = set(validation._no_log_values)
        options = validation.validated_parameters
        no_log_values.update(secret_values(options))
        if validation.error_messages:
            result.update(failed=True, msg=remove_values('; '.join(validation.error_messages), no_log_values))
            return result
        # The task's check_mode keyword already folds in --check and a per-task override.
        check_mode = bool(self._task.check_mode)
        try:
            outcome = run_token_task(options, check_mode=check_mode)
        except OIDCError as exc:
            result.update(failed=True, msg=str(exc), **exc.details)
            return remove_values(result, no_log_values)
        warnings = outcome.pop('warnings', [])
        if warnings:
            result.setdefault('warnings', []).extend(warnings)
        result.update(outcome)
        result['invocation'] = {'module_args': remove_values(options, no_log_values)}
        if any(outcome.get(name) for name in RETURNED_TOKENS):
            # Censor the displayed result even without no_log on the task, at every
            # verbosity; the registered variable still holds the tokens.
            result['_ansible_no_log'] = True
        return result
