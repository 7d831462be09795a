# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs jwtauth.oidc.token in the controller process, so secrets never reach managed hosts."""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import token_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.responses import SECRET_TOKEN_FIELDS
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_token_task
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._action import ControllerAction


class ActionModule(ControllerAction):
    """Returned tokens are not replaced by VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (the refresh-token trap), and a result
    holding a token is never displayed.  The device authorization grant's instructions (verification URI and user
    code, never the device code) reach the job output at once, before the task ends (RFC 8628 section 3.3)."""

    def module_kwargs(self):
        return token_module_kwargs()

    def execute(self, options, context, check_mode, diff):
        outcome = run_token_task(options, context, check_mode=check_mode)
        if any(outcome.get(name) for name in SECRET_TOKEN_FIELDS):
            # Censor the displayed result even without no_log on the task, at every
            # verbosity; the registered variable still holds the tokens.
            outcome['_ansible_no_log'] = True
        return outcome
