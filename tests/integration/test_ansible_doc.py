# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What ansible-doc shows for every plugin of the collection, as an ops engineer reads it in a terminal."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import BIN, COLLECTIONS, PYTHON_WARNING, TREE

PLUGIN_TYPES = {'modules': 'module', 'lookup': 'lookup', 'filter': 'filter'}


def plugins_of(kind):
    """The collection's plugins of one kind, by their FQCN (a filter's name from its .yml documentation)."""
    folder = os.path.join(TREE, 'plugins', kind)
    names = sorted({os.path.splitext(name)[0] for name in os.listdir(folder) if name.endswith(('.py', '.yml')) and not name.startswith('_')})
    return ['jwtauth.oidc.' + name for name in names]


@pytest.mark.core_sensitive
@pytest.mark.parametrize('kind', sorted(PLUGIN_TYPES))
def test_rendered_docs_carry_no_markup_escapes(kind):
    """A backslash that escapes markup (C(name (x\\))) shows in the terminal as a stray backslash, and a reference
    inside parentheses as a broken quote: each is written so that it renders as plain words."""
    names = plugins_of(kind)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1')
    shown = subprocess.run(
        [os.path.join(BIN, 'ansible-doc'), '-t', PLUGIN_TYPES[kind]] + names,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stdout[-2000:]
    assert not PYTHON_WARNING.findall(shown.stdout), 'ansible-doc printed a Python warning'
    assert all(name in shown.stdout for name in names)
    flat = ' '.join(shown.stdout.split())
    assert not re.findall(r".{30}\\[)'(].{10}", flat), 'a markup escape shows in ansible-doc'
    assert not re.findall(r'.{30}\(of (?:module|plugin) [^()]*\)\)', flat), 'a reference nested in parentheses renders with a broken quote'
