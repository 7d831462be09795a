# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test plumbing: write a task's ``content`` to ``dest`` on the controller, in the controller's process.

The playbooks under test hand what they registered to pytest through a file (the ``result_path`` the test
gives). ansible.builtin.copy did that as a module: an AnsiballZ payload and a Python process of its own,
1.7 of the 4 CPU seconds of a typical test playbook run. This action plugin (found next to the playbooks)
writes the file itself, mode 0600, and returns nothing of the content.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """save_result: content (text, or data saved as JSON) and dest (a path on the controller)."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('content', 'dest'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        content = self._task.args['content']
        text = content if isinstance(content, str) else json.dumps(content)
        fd = os.open(self._task.args['dest'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w', encoding='utf-8') as saved:
            saved.write(text)
        result['changed'] = True
        return result
