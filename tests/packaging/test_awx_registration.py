# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/awx_credential_type.yml against the real credential_type module of awx.awx or ansible.controller.

No AWX runs here, so the controller is a closed port: the module must accept
every argument the playbook derives from extensions/awx/credential_type.yml
(AnsibleModule validates them before it connects) and fail only on the
connection. The control case shows a bad argument fails before that.

Automation Controller users have ansible.controller rather than awx.awx.
ansible.controller is published only on Red Hat's Automation Hub, not on
PyPI (the ansible package bundles awx.awx alone), and Galaxy is out of reach here,
so that case runs a stand-in: awx.awx's own tree installed under the name
ansible.controller, which is how Red Hat builds ansible.controller from the AWX
source, with the bundled awx.awx hidden (collections_scan_sys_path off).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys

import pytest

from conftest import BIN, TOP, run


@pytest.fixture(scope='module')
def collection_root(tmp_path_factory):
    """A collections path holding this checkout as jwtauth.oidc: the playbook's first task uses its filter."""
    root = tmp_path_factory.mktemp('jwtauth')
    proc = run([os.path.join(TOP, 'tests', 'bin', 'build-tree'), str(root / 'ansible_collections' / 'jwtauth' / 'oidc')])
    assert proc.returncode == 0, proc.stdout
    return str(root)


@pytest.fixture
def controller_env(tmp_path, collection_root):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    # The socket is closed again: nothing listens on the port.
    env = {key: value for key, value in os.environ.items() if not key.startswith(('ANSIBLE_', 'CONTROLLER_', 'TOWER_'))}
    env.update(
        CONTROLLER_HOST=f'https://127.0.0.1:{port}',
        CONTROLLER_USERNAME='admin',
        CONTROLLER_PASSWORD='registration-test-password',
        ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
        ANSIBLE_COLLECTIONS_PATH=collection_root,
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_LOCALHOST_WARNING='false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
    )
    return env


def command(name):
    """An Ansible command of this venv, run by its Python: a venv's scripts keep the interpreter path they were installed with."""
    return [sys.executable, os.path.join(BIN, name)]


def register(env):
    return run(command('ansible-playbook') + [os.path.join(TOP, 'playbooks', 'awx_credential_type.yml'), '-vvv'], env=env)


def bundled_awx():
    """The awx.awx collection the tools venv has (from the ansible package)."""
    from ansible_collections.awx import awx  # pylint: disable=import-outside-toplevel

    return list(awx.__path__)[0]  # a namespace package: no __file__


def test_registration_playbook_passes_the_modules_argument_checks(controller_env):
    proc = register(controller_env)
    assert proc.returncode == 2, proc.stdout
    assert 'Connection refused' in proc.stdout, proc.stdout
    assert 'Unsupported parameters' not in proc.stdout and 'value of' not in proc.stdout
    assert 'registration-test-password' not in proc.stdout
    assert os.path.join('ansible_collections', 'awx', 'awx', 'plugins', 'modules', 'credential_type.py') in proc.stdout
    # Both types reach the module (the application type for a job's second client), each refused only by the connection.
    for label in ('credential_type.yml', 'application_credential_type.yml'):
        assert f'failed: [localhost] (item={label})' in proc.stdout, proc.stdout


def test_registration_playbook_takes_ansible_controller_without_awx(controller_env, tmp_path, collection_root):
    collections = tmp_path / 'collections'
    shutil.copytree(bundled_awx(), str(collections / 'ansible_collections' / 'ansible' / 'controller'))
    env = dict(controller_env, ANSIBLE_COLLECTIONS_PATH=f'{collections}:{collection_root}', ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')
    proc = register(env)
    assert proc.returncode == 2, proc.stdout
    assert 'Connection refused' in proc.stdout, proc.stdout
    assert 'Unsupported parameters' not in proc.stdout and 'value of' not in proc.stdout
    assert 'registration-test-password' not in proc.stdout
    # The module that ran is ansible.controller's: awx.awx is not on the search path at all.
    assert str(collections / 'ansible_collections' / 'ansible' / 'controller' / 'plugins' / 'modules' / 'credential_type.py') in proc.stdout
    assert os.path.join('awx', 'awx', 'plugins', 'modules') not in proc.stdout


def test_registration_playbook_without_either_collection_says_what_to_install(controller_env):
    env = dict(controller_env, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false')  # jwtauth.oidc only
    proc = register(env)
    assert proc.returncode == 2, proc.stdout
    flat = ' '.join(proc.stdout.split())
    assert 'Neither awx.awx nor ansible.controller is installed' in flat and 'ansible-galaxy collection install awx.awx' in flat, proc.stdout
    # Checked first, in the playbook's words: not Ansible's "couldn't resolve module/action", nothing sent.
    assert "couldn't resolve module" not in flat and 'Connection refused' not in flat and 'No controller is named' not in flat


def test_registration_playbook_without_a_controller_says_what_to_set(controller_env, tmp_path):
    env = {key: value for key, value in controller_env.items() if not key.startswith('CONTROLLER_')}
    env['HOME'] = str(tmp_path / 'home')  # no ~/.tower_cli.cfg
    proc = run(command('ansible-playbook') + [os.path.join(TOP, 'playbooks', 'awx_credential_type.yml')], env=env, cwd=str(tmp_path))
    assert proc.returncode == 2, proc.stdout
    flat = ' '.join(proc.stdout.split())
    assert 'No controller is named: export CONTROLLER_HOST=https://awx.example.com' in flat, proc.stdout
    # Not the module's attempt at https://127.0.0.1, nor a complaint about the collections, which are there.
    assert 'Connection refused' not in flat and '127.0.0.1/api' not in flat and 'Neither awx.awx' not in flat


def test_control_a_bad_argument_fails_before_connecting(controller_env):
    proc = run(command('ansible') + ['localhost', '-m', 'awx.awx.credential_type', '-a', 'name=x kind=oidc inputs={} injectors={}'], env=controller_env)
    assert proc.returncode == 2, proc.stdout
    assert 'value of kind must be one of' in proc.stdout and 'Connection refused' not in proc.stdout
