# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Base of the collection's action plugins. Internal to this collection; not a public API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._items_file import parsed

# The library imports these where it first uses them. The linear strategy loads an action plugin's class in
# the controller (action_loader.get(..., class_only=True)) before it forks a worker for each task and host, so
# imported here they are imported once per play rather than once per task: 45 ms of CPU a task on this machine
# (30 token tasks: 4.4 CPU-s against 5.8). A missing one is reported by the library when it is needed. The
# lookup keeps importing them lazily: a token served from the store needs neither.
try:
    import cryptography.hazmat.primitives.ciphers.aead  # noqa: F401  pylint: disable=unused-import
    import jwt  # noqa: F401  pylint: disable=unused-import
    import requests  # noqa: F401  pylint: disable=unused-import
except ImportError:
    pass

display = Display()


class ControllerAction(ActionBase):
    """Run the library in the controller process, through the edge shared with the lookup.

    No module is shipped to the target: requests leave from the controller
    whatever the host, connection or delegate_to, so secrets never reach
    managed hosts.
    """

    TRANSFERS_FILES = False
    _requires_connection = False
    _host = 'localhost'
    _task_vars: Mapping[str, Any] = {}

    def module_kwargs(self) -> dict[str, Any]:
        """The module's AnsibleModule keyword arguments (argument_spec and its constraints)."""
        raise NotImplementedError

    def execute(self, options: Options, context: TaskContext, check_mode: bool, diff: bool) -> Mapping[str, Any]:
        """Do the work; return the result dict or raise (what the user must also be told goes to ``context``)."""
        raise NotImplementedError

    def task_args(self) -> Mapping[str, Any]:
        """The arguments the edge validates: the task's, or what a plugin reads in their place (api_resource's items_file).
        A ConfigurationError says what is wrong with them."""
        return self._task.args

    def load_file(self, option: str, path: str) -> Any:
        """The data file an option names, parsed: searched like a template or copy source (the role's and the play's
        files/), decrypted with the play's vault secrets, then parsed as plain data (_items_file.parsed)."""
        try:
            found = self._find_needle('files', path)
        except AnsibleError:
            raise ConfigurationError(f"{option} {path} was not found (looked in the role's and the play's files/ and as given)") from None
        try:
            data, _shown = self._loader._get_file_contents(found)  # pylint: disable=protected-access
        except AnsibleError as exc:
            # A vault error's text is about the vault, never the file's content; any other says only that it failed.
            what = "could not be decrypted with the play's vault secrets" if 'vault' in f'{type(exc).__name__} {exc}'.lower() else 'could not be read'
            raise ConfigurationError(f'{option} {path} {what}') from None
        return parsed(data, f'{option} {path}')

    def task_variable(self, name: str) -> Any:
        """The task's variable ``name`` as Ansible gives it to a template (rendered, a vaulted value decrypted);
        KeyError when it is not defined."""
        return self._templar.template(self._task_vars[name])

    def progress(self, line: str) -> None:
        """A line in the job output while the task runs: a worker's display reaches it before the task ends."""
        display.display(f'{self._task.action.rsplit(".", 1)[-1]} [{self._host}]: {line}')

    def run(self, tmp: str | None = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        self._host = (task_vars or {}).get('inventory_hostname') or 'localhost'
        self._task_vars = task_vars or {}
        try:
            args = self.task_args()
        except ConfigurationError as exc:
            result.update(failed=True, msg=str(exc))
            return result
        # The task's check_mode/diff keywords already fold in --check/--diff and per-task overrides.
        result.update(_edge.run(self.module_kwargs(), args, self.execute, bool(self._task.check_mode), bool(self._task.diff), progress=self.progress))
        if _edge.NO_LOG_HIDES_FAILURES and self._task.no_log:
            # The first contact on AAP: a token task with no_log that fails would say only "the output has been hidden".
            for line in _edge.hidden_by_no_log(result):
                self.progress(f'{line} (shown here: no_log hides this result on ansible-core before 2.19; the text holds no secret)')
        return result
