# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The examples users copy: each of ansible-doc's EXAMPLES and each YAML block of the guides and READMEs."""

from __future__ import annotations

import glob
import os
import re

import yaml

from conftest import TOP

LOOKUP_CALL = re.compile(r"lookup\('jwtauth\.oidc\.token'[^)]*\)", re.S)


def examples():
    """(where, YAML text) of every example: the plugins' EXAMPLES, and the yaml code blocks of the docs."""
    for path in sorted(glob.glob(os.path.join(TOP, 'plugins', '*', '*.py'))):
        with open(path) as handle:
            text = handle.read()
        found = re.search(r'EXAMPLES = r"""(.*?)"""', text, re.S)
        if found:
            yield os.path.relpath(path, TOP), found.group(1)
    for path in sorted(glob.glob(os.path.join(TOP, 'docs', 'docsite', 'rst', '*.rst'))):
        with open(path) as handle:
            text = handle.read()
        for number, block in enumerate(re.findall(r'\.\. code-block:: yaml\n\n((?:(?: {3,}.*)?\n)+)', text)):
            yield f'{os.path.relpath(path, TOP)} block {number + 1}', '\n'.join(line[4:] for line in block.splitlines())
    for path in [os.path.join(TOP, 'README.md')] + sorted(glob.glob(os.path.join(TOP, 'roles', '*', 'README.md'))):
        with open(path) as handle:
            text = handle.read()
        for number, block in enumerate(re.findall(r'```yaml\n(.*?)```', text, re.S)):
            yield f'{os.path.relpath(path, TOP)} block {number + 1}', block


def mappings(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from mappings(value)
    elif isinstance(node, list):
        for value in node:
            yield from mappings(value)


def test_a_pingone_example_names_its_region_wherever_it_names_its_environment():
    """region defaults to NA: an example that says region EU in one task and leaves it out of the next sends that
    task to North America, where the environment does not exist (a 404, blamed on environment_id)."""
    missing = []
    for where, text in examples():
        document = yaml.safe_load(text)
        for mapping in mappings(document):
            if 'environment_id' in mapping and not {'region', 'auth_base_url'} & set(mapping):
                missing.append(f'{where}: {sorted(mapping)}')
        for call in LOOKUP_CALL.findall(text):
            if 'environment_id=' in call and not re.search(r'\b(region|auth_base_url)=', call):
                missing.append(f'{where}: {" ".join(call.split())}')
    assert not missing, '\n'.join(missing)


def task_files():
    """(where, YAML text) of every file of tasks: the roles', the playbooks', the integration playbooks' and targets'."""
    patterns = (
        'roles/*/tasks/*.yml',
        'roles/*/handlers/*.yml',
        'playbooks/*.yml',
        'tests/integration/playbooks/*.yml',
        'tests/integration/targets/*/tasks/*.yml',
    )
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(TOP, pattern))):
            with open(path) as handle:
                yield os.path.relpath(path, TOP), handle.read()


def test_no_task_of_ours_gives_action_as_a_mapping():
    """ansible-core deprecates ``action: {module: ...}`` (and ``local_action`` so); conftest.upstream_deprecation lets
    ansible-core 2.16.20's warning for its own role argument spec task through, so none of ours may write one: every
    task of the roles, playbooks, integration playbooks and targets, and of the examples."""
    sources = list(task_files())
    found = []
    for where, text in sources + list(examples()):
        for document in yaml.safe_load_all(text):
            found.extend(
                f'{where}: {node.get("name", "a task")}'
                for node in mappings(document)
                if any(isinstance(node.get(key), dict) for key in ('action', 'local_action'))
            )
    assert len(sources) > 10 and not found, found
