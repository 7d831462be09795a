# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The library's import graph: ground files, wings and use cases, every import going down, no circle.

Every import counts, the type-only ones under TYPE_CHECKING and the lazy ones inside functions included: a circle
among them is a circle in the design even when Python never runs into it.
"""

from __future__ import annotations

import ast
import os

import pytest

LIBRARY = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'module_utils')
PREFIX = 'ansible_collections.jwtauth.oidc.plugins.module_utils.'

# The floors, lowest first. A module imports only from a lower floor, or from its own wing.
FLOORS = [
    {'_errors', '_masking', '_options', '_context'},  # ground: imports nothing of the collection but _errors
    {'_http'},
    {'_pingone'},
    {'_oauth'},
    {'_resources', '_store'},  # two wings side by side: neither imports the other
    {'_environment'},  # a whole PingOne environment document, over the resource engine
    {'_argspec'},
    {'_tasks'},
]


def floor_of(part):
    return next(number for number, names in enumerate(FLOORS) if part in names)


def library_modules():
    """module name (``_oauth.grants``, ``_tasks``) -> file path."""
    found = {}
    for directory, _dirs, files in os.walk(LIBRARY):
        for name in files:
            if name.endswith('.py') and name != '__init__.py':
                relative = os.path.relpath(os.path.join(directory, name), LIBRARY)[:-3]
                found[relative.replace(os.sep, '.')] = os.path.join(directory, name)
    return found


def imports_of(path):
    """The library modules a file imports, anywhere in it."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and (node.module + '.').startswith(PREFIX):
            base = node.module[len(PREFIX) :] if node.module + '.' != PREFIX else ''
            for alias in node.names:
                # "from ...module_utils import _masking" and "from ..._oauth import grants" import modules.
                candidate = f'{base}.{alias.name}' if base else alias.name
                found.add(candidate)
            if base:
                found.add(base)
    return found


def graph():
    modules = library_modules()
    return {name: sorted(target for target in imports_of(path) if target in modules) for name, path in modules.items()}


def test_the_library_reads_as_a_few_wings_and_ground_files():
    tops = {name.split('.')[0] for name in library_modules()}
    assert tops == set().union(*FLOORS)
    wings = {top for top in tops if os.path.isdir(os.path.join(LIBRARY, top))}
    assert wings == {'_argspec', '_environment', '_http', '_oauth', '_pingone', '_resources', '_store'}
    for wing in wings:
        with open(os.path.join(LIBRARY, wing, '__init__.py'), encoding='utf-8') as handle:
            assert handle.read() == '', f'{wing}/__init__.py is not empty'


def test_every_import_goes_down_or_stays_in_its_wing():
    upward = []
    for module, targets in graph().items():
        wing = module.split('.')[0]
        for target in targets:
            other = target.split('.')[0]
            if (other == wing and '.' in module) or other == '_errors':
                continue
            if floor_of(other) >= floor_of(module.split('.')[0]):
                upward.append(f'{module} -> {target}')
    assert upward == []


def test_no_circle_type_only_imports_included():
    edges = graph()
    circles = []

    def visit(module, path):
        if module in path:
            circles.append(' -> '.join(path[path.index(module) :] + [module]))
            return
        for target in edges.get(module, ()):
            visit(target, path + [module])

    for module in edges:
        visit(module, [])
    assert circles == []


@pytest.mark.parametrize('ground', sorted(FLOORS[0] - {'_errors'}))
def test_ground_files_import_nothing_of_the_collection_but_errors(ground):
    assert set(graph()[ground]) <= {'_errors'}


PLUGINS = os.path.dirname(LIBRARY)
COLLECTION = 'ansible_collections.jwtauth.oidc.plugins.'


def loaded_with(path):
    """The collection's modules (``module_utils._store.files``) and other top-level packages (``cryptography``) that
    importing the file at ``path`` runs: the imports of its module level and of the collection modules those name,
    ``try`` blocks included; not those under ``if TYPE_CHECKING`` or inside functions, which wait for their use."""
    ours, others, todo = set(), set(), [path]
    while todo:
        with open(todo.pop(), encoding='utf-8') as handle:
            body = list(ast.parse(handle.read()).body)
        while body:
            node = body.pop()
            if isinstance(node, ast.Try):
                body.extend(node.body)
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f'{node.module}.{alias.name}' for alias in node.names]
            for name in names:
                if not name.startswith(COLLECTION):
                    others.add(name.split('.')[0])
                    continue
                relative = name[len(COLLECTION) :]
                found = os.path.join(PLUGINS, *relative.split('.')) + '.py'
                if relative not in ours and os.path.exists(found):
                    ours.add(relative)
                    todo.append(found)
    return ours, others


def test_the_token_lookup_loads_no_http_client_and_no_engine():
    """Ansible compiles a collection's Python from source on every import (its collection loader keeps no bytecode), and
    every worker that templates the token lookup imports it afresh: a reference served from the token store needs the
    option layer and the store, not the HTTP client, the resource engine or the PingOne tables (loaded when a token is
    requested). Before, the option layer imported the engine for one tuple of names: 199 ms of imports, now about 40."""
    ours, others = loaded_with(os.path.join(PLUGINS, 'lookup', 'token.py'))
    heavy = {name for name in ours if name.split('.')[-1] in {'client', 'session', 'token_client', 'dialects', 'collection', 'converge', 'engine'}}
    heavy |= {name for name in ours if name in {'module_utils._pingone.contract', 'module_utils._pingone.resource_types'}}
    assert heavy == set() and others.isdisjoint({'requests', 'jwt', 'urllib3', 'jmespath', 'yaml'}), (sorted(heavy), sorted(others))
    assert 'module_utils._store.files' in ours  # what the check walks is the lookup's imports indeed
