# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 5: playbooks/awx_credential_type.yml against the real awx.awx.credential_type module.

No AWX runs here, so the controller is a closed port: the module must accept
every argument the playbook derives from extensions/awx/credential_type.yml
(AnsibleModule validates them before it connects) and fail only on the
connection. The control case shows a bad argument fails before that.
"""

from __future__ import annotations

import os
import socket

import pytest

from conftest import BIN, TOP, run


@pytest.fixture
def controller_env(tmp_path):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    # The socket is closed again: nothing listens on the port.
    env = {key: value for key, value in os.environ.items() if not key.startswith(('ANSIBLE_', 'CONTROLLER_', 'TOWER_'))}
    env.update(CONTROLLER_HOST='https://127.0.0.1:{0}'.format(port), CONTROLLER_USERNAME='admin',
               CONTROLLER_PASSWORD='registration-test-password', ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
               ANSIBLE_NOCOLOR='1',
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    return env


def test_registration_playbook_passes_the_modules_argument_checks(controller_env):
    proc = run([os.path.join(BIN, 'ansible-playbook'), os.path.join(TOP, 'playbooks', 'awx_credential_type.yml'), '-vvv'],
               env=controller_env)
    assert proc.returncode == 2, proc.stdout
    assert 'Connection refused' in proc.stdout, proc.stdout
    assert 'Unsupported parameters' not in proc.stdout and 'value of' not in proc.stdout
    assert 'registration-test-password' not in proc.stdout


def test_control_a_bad_argument_fails_before_connecting(controller_env):
    proc = run([os.path.join(BIN, 'ansible'), 'localhost', '-m', 'awx.awx.credential_type',
                '-a', 'name=x kind=oidc inputs={} injectors={}'], env=controller_env)
    assert proc.returncode == 2, proc.stdout
    assert 'value of kind must be one of' in proc.stdout and 'Connection refused' not in proc.stdout
