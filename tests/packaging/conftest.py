# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the packaging checks, run from the tools venv (ansible 12.3 with awx.awx, ansible-builder)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
# Where extensions/ee/execution-environment.yml expects the collection tarball.
EE_DIR = os.path.join(TOP, '.build', 'ee')


def run(command, **kwargs):
    """Run a command; return the CompletedProcess with stdout and stderr together."""
    kwargs.setdefault('cwd', TOP)
    return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=600, check=False, **kwargs)


@pytest.fixture(scope='session')
def collection_tarball():
    """The collection built from this checkout, as `make ee` builds it."""
    os.makedirs(EE_DIR, exist_ok=True)
    proc = run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', EE_DIR, TOP])
    assert proc.returncode == 0, proc.stdout
    built = proc.stdout.strip().rsplit(' at ', 1)[-1]
    target = os.path.join(EE_DIR, 'jwtauth-oidc.tar.gz')
    os.replace(built, target)
    return target
