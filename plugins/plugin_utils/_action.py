# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Base of the collection's action plugins. Internal to this collection; not a public API."""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import validate, values_to_mask


class ControllerAction(ActionBase):
    """Validate the arguments with the module's own spec and run the library in the controller process.

    No module is shipped to the target: requests leave from the controller
    whatever the host, connection or delegate_to, so secrets never reach
    managed hosts.  Library exceptions become failed results whose text has
    every secret option masked.
    """

    TRANSFERS_FILES = False
    _requires_connection = False

    def module_kwargs(self):
        """The module's AnsibleModule keyword arguments (argument_spec and its constraints)."""
        raise NotImplementedError

    def execute(self, options, check_mode, diff):
        """Do the work; return the result dict or raise OIDCError."""
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validation = ArgumentSpecValidator(**self.module_kwargs()).validate(self._task.args)
        options = validation.validated_parameters
        errors = validate(validation)
        if errors:
            result.update(failed=True, msg=remove_values('; '.join(errors), values_to_mask(validation)))
            return result
        try:
            # The task's check_mode/diff keywords already fold in --check/--diff and per-task overrides.
            outcome = self.execute(options, bool(self._task.check_mode), bool(self._task.diff))
        except OIDCError as exc:
            result.update(failed=True, msg=str(exc), **exc.details)
            result.update(getattr(exc, 'done', None) or {})
            # Warnings explain failures most of all (a short HMAC secret and invalid_client, retries).
            if exc.warnings:
                result.setdefault('warnings', []).extend(exc.warnings)
            # Masked after the work: assertions and tokens minted during it are masked too, in every encoding.
            return remove_values(result, values_to_mask(validation))
        warnings = outcome.pop('warnings', [])
        if warnings:
            result.setdefault('warnings', []).extend(warnings)
        result.update(outcome)
        result['invocation'] = {'module_args': remove_values(options, values_to_mask(validation))}
        return result
