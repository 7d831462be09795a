# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The built tarball installs with ansible-galaxy and works from the installed copy."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tarfile

import pytest

from conftest import BIN, TREE, client_secrets


@pytest.mark.core_sensitive  # ansible-galaxy build and install are ansible-core's
def test_tarball_installs_and_runs(tmp_path, op):
    out_dir = tmp_path / 'dist'
    subprocess.run(
        [os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(out_dir), TREE],
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    tarball = glob.glob(str(out_dir / 'jwtauth-oidc-*.tar.gz'))[0]
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert 'plugins/modules/token.py' in names and 'plugins/action/token.py' in names
    assert not [name for name in names if 'node_modules' in name or name.startswith(('.venv', '.build', '.cache'))]

    install_dir = tmp_path / 'collections'
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path / 'ansible-home'))
    subprocess.run(
        [os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-p', str(install_dir), tarball],
        check=True,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    client = op.clients['csjwt']
    task = ('jwtauth.oidc.token', f'issuer={op.issuer} ca_path={op.ca_path} grant_type=client_credentials')
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(install_dir),
        JWTAUTH_OIDC_CLIENT_ID=client['client_id'],
        JWTAUTH_OIDC_CLIENT_SECRET=client['client_secret'],
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
    )
    proc = subprocess.run(
        [os.path.join(BIN, 'ansible'), 'localhost', '-c', 'local', '-m', task[0], '-a', task[1], '-vvvv'],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout
    assert str(install_dir) in proc.stdout  # loaded from the installed copy
    assert 'localhost | SUCCESS' in proc.stdout
    # The result holds a token: censored even at -vvvv without no_log on the task.
    assert "'no_log: true' was specified for this result" in proc.stdout
    assert 'access_token' not in proc.stdout
    for secret in client_secrets(op):
        assert secret not in proc.stdout
