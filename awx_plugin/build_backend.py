# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PEP 517 build backend of jwtauth-oidc-awx: the plugin's sources plus the collection's library, vendored.

The plugin runs in AWX's own Python (the web and task processes of the control plane), which has neither ansible-core
nor Ansible's collection loader, so it cannot import ``ansible_collections.jwtauth.oidc.plugins.module_utils``. The
build copies the library from ``../plugins/module_utils`` into the wheel as the private package
``jwtauth_oidc_awx._library``, rewriting the one import prefix, as pip's vendoring tool does for pip's own ``_vendor``:
the same code, never a copy in the repository that could drift. Only the modules the plugin imports, directly or
through each other, are vendored (_library_closure).

An sdist carries the vendored library already rewritten (``_library/`` beside this file), so a wheel builds from it
without the repository. The backend uses the standard library only: a build needs nothing from a package index.
"""

from __future__ import annotations

import ast
import base64
import csv
import hashlib
import io
import os
import re
import tarfile
import tomllib
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = os.path.join(HERE, 'src')
PACKAGE = 'jwtauth_oidc_awx'
LIBRARY_PACKAGE = PACKAGE + '._library'
# The library in the repository, and in an sdist (already rewritten).
REPOSITORY_LIBRARY = os.path.join(HERE, '..', 'plugins', 'module_utils')
SDIST_LIBRARY = os.path.join(HERE, '_library')
COLLECTION_PREFIX = 'ansible_collections.jwtauth.oidc.plugins.module_utils'
# Where the version comes from: the collection's, since the wheel carries that version of its library.
GALAXY = os.path.join(HERE, '..', 'galaxy.yml')
LICENSE = os.path.join(HERE, '..', 'COPYING')
# Zip entries dated SOURCE_DATE_EPOCH or 1980-01-01: the same sources give the same wheel, byte for byte.
EPOCH = (1980, 1, 1, 0, 0, 0)


def _project() -> dict:
    with open(os.path.join(HERE, 'pyproject.toml'), 'rb') as handle:
        return tomllib.load(handle)['project']


def _version() -> str:
    pkg_info = os.path.join(HERE, 'PKG-INFO')
    if os.path.exists(pkg_info):  # an sdist
        with open(pkg_info, encoding='utf-8') as handle:
            return re.search(r'^Version: (.+)$', handle.read(), re.M).group(1).strip()
    with open(GALAXY, encoding='utf-8') as handle:
        return re.search(r'^version:\s*(\S+)\s*$', handle.read(), re.M).group(1).strip('\'"')


def _metadata(version: str) -> str:
    project = _project()
    lines = [
        'Metadata-Version: 2.1',
        f'Name: {project["name"]}',
        f'Version: {version}',
        f'Summary: {project["description"]}',
        f'License: {project["license"]["text"]}',
        f'Requires-Python: {project["requires-python"]}',
    ]
    lines += [f'Project-URL: {name}, {url}' for name, url in project.get('urls', {}).items()]
    lines += [f'Classifier: {classifier}' for classifier in project.get('classifiers', [])]
    lines += [f'Requires-Dist: {requirement}' for requirement in project['dependencies']]
    with open(os.path.join(HERE, project['readme']), encoding='utf-8') as handle:
        readme = handle.read()
    lines.append('Description-Content-Type: text/markdown')
    return '\n'.join(lines) + '\n\n' + readme


def _entry_points() -> str:
    text = []
    for group, entries in _project()['entry-points'].items():
        text.append(f'[{group}]')
        text.extend(f'{name} = {target}' for name, target in entries.items())
        text.append('')
    return '\n'.join(text)


def _rewritten(source: str) -> str:
    return source.replace(COLLECTION_PREFIX, LIBRARY_PACKAGE)


def _library_modules() -> dict[str, str]:
    """Dotted name under _library -> source text (rewritten), of every module of the library."""
    found = {}
    if os.path.isdir(REPOSITORY_LIBRARY):
        root, rewrite = REPOSITORY_LIBRARY, _rewritten
    elif os.path.isdir(SDIST_LIBRARY):
        root, rewrite = SDIST_LIBRARY, str  # rewritten when the sdist was made
    else:
        raise RuntimeError(
            f'No library to vendor: neither {os.path.normpath(REPOSITORY_LIBRARY)} (a checkout of the jwtauth.oidc repository) nor '
            f'{SDIST_LIBRARY} (an sdist). Build awx_plugin/ from the repository, in place (pip does; "python -m build" does)'
        )
    for directory, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith('.py'):
                relative = os.path.relpath(os.path.join(directory, name), root)[:-3].replace(os.sep, '.')
                with open(os.path.join(directory, name), encoding='utf-8') as handle:
                    found[relative] = rewrite(handle.read())
    return found


def _imports(source: str) -> set[str]:
    """The _library modules a source imports anywhere in it (type-only and lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and (node.module + '.').startswith(LIBRARY_PACKAGE + '.'):
            base = node.module[len(LIBRARY_PACKAGE) + 1 :]
            if base:
                found.add(base)
            found.update(f'{base}.{alias.name}' if base else alias.name for alias in node.names)
    return found


def _library_closure(plugin_sources: list[str], modules: dict[str, str]) -> dict[str, str]:
    """The library modules the plugin needs, with the __init__ of each sub-package on the way."""
    pending = set().union(*(_imports(source) for source in plugin_sources))
    needed: set[str] = set()
    while pending:
        name = pending.pop()
        if name in needed or name not in modules:
            continue  # an imported name that is a function, not a module
        needed.add(name)
        pending |= _imports(modules[name])
        parts = name.split('.')
        pending |= {'.'.join(parts[:depth]) + '.__init__' for depth in range(1, len(parts))}
    return {name: modules[name] for name in sorted(needed)}


def _files(version: str) -> dict[str, bytes]:
    """Archive path -> content of the wheel's package files."""
    files = {}
    plugin_sources = []
    for directory, _dirs, names in os.walk(os.path.join(SOURCES, PACKAGE)):
        for name in sorted(names):
            if name.endswith(('.py', '.typed')):
                path = os.path.join(directory, name)
                with open(path, 'rb') as handle:
                    files[os.path.relpath(path, SOURCES).replace(os.sep, '/')] = handle.read()
                if name.endswith('.py'):
                    plugin_sources.append(files[os.path.relpath(path, SOURCES).replace(os.sep, '/')].decode('utf-8'))
    library = _library_closure(plugin_sources, _library_modules())
    files[f'{PACKAGE}/_library/__init__.py'] = b'"""The jwtauth.oidc collection\'s library, vendored at build time (build_backend.py). Not a public API."""\n'
    for name, source in library.items():
        files[f'{PACKAGE}/_library/{name.replace(".", "/")}.py'] = source.encode('utf-8')
    files[f'{PACKAGE}/_version.py'] = f'VERSION = {version!r}\n'.encode()
    return files


def _zip_info(name: str) -> zipfile.ZipInfo:
    epoch = os.environ.get('SOURCE_DATE_EPOCH')
    stamp = EPOCH if not epoch else __import__('time').gmtime(max(int(epoch), 315532800))[:6]
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _record_hash(data: bytes) -> str:
    return 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode('ascii')


def _license() -> bytes:
    path = LICENSE if os.path.exists(LICENSE) else os.path.join(HERE, 'COPYING')
    with open(path, 'rb') as handle:
        return handle.read()


# PEP 517 hooks ---------------------------------------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):  # noqa: ARG001 - PEP 517 signature
    return []


def get_requires_for_build_sdist(config_settings=None):  # noqa: ARG001 - PEP 517 signature
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):  # noqa: ARG001 - PEP 517 signature
    version = _version()
    name = _project()['name'].replace('-', '_')
    dist_info = f'{name}-{version}.dist-info'
    files = _files(version)
    files[f'{dist_info}/METADATA'] = _metadata(version).encode('utf-8')
    files[f'{dist_info}/WHEEL'] = b'Wheel-Version: 1.0\nGenerator: jwtauth-oidc build_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n'
    files[f'{dist_info}/entry_points.txt'] = _entry_points().encode('utf-8')
    files[f'{dist_info}/top_level.txt'] = f'{PACKAGE}\n'.encode()
    files[f'{dist_info}/licenses/COPYING'] = _license()
    record = io.StringIO()
    writer = csv.writer(record, lineterminator='\n')
    for path in sorted(files):
        writer.writerow([path, _record_hash(files[path]), len(files[path])])
    writer.writerow([f'{dist_info}/RECORD', '', ''])
    files[f'{dist_info}/RECORD'] = record.getvalue().encode('utf-8')
    filename = f'{name}-{version}-py3-none-any.whl'
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), 'w') as wheel:
        # dist-info last, as the wheel specification recommends; RECORD at the very end.
        for path in sorted(files, key=lambda path: (path.startswith(dist_info), path.endswith('/RECORD'), path)):
            wheel.writestr(_zip_info(path), files[path])
    return filename


def build_sdist(sdist_directory, config_settings=None):  # noqa: ARG001 - PEP 517 signature
    version = _version()
    name = _project()['name'].replace('-', '_')
    root = f'{name}-{version}'
    members = {}
    for relative in ('pyproject.toml', 'build_backend.py', _project()['readme']):
        with open(os.path.join(HERE, relative), 'rb') as handle:
            members[relative] = handle.read()
    members['COPYING'] = _license()
    members['PKG-INFO'] = _metadata(version).encode('utf-8')
    for path, data in _files(version).items():
        if path.startswith(f'{PACKAGE}/_library/'):
            members['_library/' + path[len(f'{PACKAGE}/_library/') :]] = data
        elif not path.endswith('/_version.py'):
            members['src/' + path] = data
    filename = f'{root}.tar.gz'
    with tarfile.open(os.path.join(sdist_directory, filename), 'w:gz', format=tarfile.PAX_FORMAT) as archive:
        for path in sorted(members):
            info = tarfile.TarInfo(f'{root}/{path}')
            info.size = len(members[path])
            info.mode = 0o644
            info.mtime = int(os.environ.get('SOURCE_DATE_EPOCH') or 315532800)
            archive.addfile(info, io.BytesIO(members[path]))
    return filename
