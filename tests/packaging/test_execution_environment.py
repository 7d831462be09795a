# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""the execution environment. No container engine runs here, so the image is not built:
ansible-builder creates the build context, and its introspection reads what an image build would install."""

from __future__ import annotations

import os
import re
import tarfile

import pytest
import yaml

from conftest import BIN, TOP, run

EE_FILE = os.path.join(TOP, 'extensions', 'ee', 'execution-environment.yml')
PYTHON_DEPS = {'pyjwt', 'requests', 'jmespath', 'cryptography'}


def names(requirement_lines):
    """Distribution names (lower case) of pip requirement lines, comments and blanks skipped."""
    found = set()
    for line in requirement_lines:
        line = line.split('#', 1)[0].strip()
        if line:
            found.add(re.match(r'[A-Za-z0-9._-]+', line).group(0).lower())
    return found


@pytest.fixture(scope='module')
def context(tmp_path_factory, collection_tarball):
    path = str(tmp_path_factory.mktemp('ee') / 'context')
    proc = run([os.path.join(BIN, 'ansible-builder'), 'create', '--file', EE_FILE, '--context', path, '-v', '3'])
    assert proc.returncode == 0, proc.stdout
    return path


def test_create_lists_the_python_requirements(context):
    with open(os.path.join(context, '_build', 'requirements.txt')) as handle:
        listed = names(handle)
    assert PYTHON_DEPS <= listed, f'missing from the EE context: {PYTHON_DEPS - listed}'


def test_create_carries_the_collection_and_system_requirements(context):
    with open(os.path.join(context, '_build', 'requirements.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    [entry] = galaxy['collections']
    assert entry['type'] == 'file'
    # The galaxy stage copies _build to /build, so the requirement points at the copied tarball.
    local = os.path.join(context, '_build', os.path.relpath(entry['name'], '/build'))
    with tarfile.open(local) as archive:
        manifest = yaml.safe_load(archive.extractfile('MANIFEST.json'))
    assert (manifest['collection_info']['namespace'], manifest['collection_info']['name']) == ('jwtauth', 'oidc')
    with open(os.path.join(context, '_build', 'bindep.txt')) as handle, open(os.path.join(TOP, 'bindep.txt')) as ours:
        assert handle.read() == ours.read()
    instructions = [name for name in os.listdir(context) if name in ('Containerfile', 'Dockerfile')]
    with open(os.path.join(context, instructions[0])) as handle:
        text = handle.read()
    assert 'ansible-galaxy collection install' in text and 'requirements.yml' in text


def test_introspection_of_the_installed_collection(tmp_path, collection_tarball):
    """What ansible-builder finds in meta/execution-environment.yml when jwtauth.oidc is in any EE's requirements."""
    collections = str(tmp_path / 'collections')
    proc = run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', collections, collection_tarball])
    assert proc.returncode == 0, proc.stdout
    pip_out, bindep_out = str(tmp_path / 'pip.txt'), str(tmp_path / 'bindep.txt')
    proc = run([os.path.join(BIN, 'ansible-builder'), 'introspect', '--sanitize', collections, '--write-pip', pip_out, '--write-bindep', bindep_out])
    assert proc.returncode == 0, proc.stdout
    with open(pip_out) as handle:
        lines = handle.read().splitlines()
    assert names(lines) == PYTHON_DEPS
    assert all('from collection jwtauth.oidc' in line for line in lines if line.strip())
    with open(bindep_out) as handle:
        assert 'gcc [compile platform:rpm]' in handle.read()


def requirement_lines(path):
    with open(path) as handle:
        return [line.split('#', 1)[0].strip() for line in handle if line.split('#', 1)[0].strip()]


def test_the_ee_takes_the_collections_requirements_with_only_the_cap():
    """The EE's requirements are the collection's, each as it is, but cryptography, which also has the test venvs' cap
    (tests/constraints.txt): a change to requirements.txt that the EE misses fails here."""
    collection = requirement_lines(os.path.join(TOP, 'requirements.txt'))
    ee = requirement_lines(os.path.join(TOP, 'extensions', 'ee', 'requirements.txt'))
    cap = [line for line in requirement_lines(os.path.join(TOP, 'tests', 'constraints.txt')) if line.startswith('cryptography')]
    assert [line for line in ee if not line.startswith('cryptography')] == [line for line in collection if not line.startswith('cryptography')]
    (held,) = [line for line in ee if line.startswith('cryptography')]
    (floor,) = [line for line in collection if line.startswith('cryptography')]
    assert held == floor + ',' + cap[0][len('cryptography') :]
