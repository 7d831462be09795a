# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for pip's get-pip.py bootstrap script.

ansible-test bootstraps pip into each sanity virtual environment with a
get-pip.py it downloads from a host CI here cannot reach; it uses a cached copy
at ~/.ansible/test/cache/get_pip_<version>.py when there is one.  This script
takes that place and installs the exact packages ansible-test asks for (pip==X).

The first call for an interpreter installs them the slow way, in a scratch
virtual environment: ensurepip puts the bundled pip in, then pip installs the
requested versions from the package index.  It keeps the installed files
(bytecode included) next to this script, and every later call copies them into
its environment.  Installing pip compiles pip's ~800 modules, ten CPU seconds
per sanity environment on this machine; a copy takes a tenth of a second, and
the result is the same files with the same RECORD, so ansible-test's "pip
uninstall pip" at the end works as after any install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

# get-pip.py options that plain "pip install" does not know.
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def site_packages(prefix):
    """The purelib directory of the environment at ``prefix``."""
    return sysconfig.get_paths(vars={'base': prefix, 'platbase': prefix})['purelib']


def distribution_roots(purelib, packages):
    """The top-level names under ``purelib`` that the RECORDs of ``packages`` (``name==version``) list."""
    roots = set()
    for entry in os.listdir(purelib):
        name = entry.split('-', 1)[0].lower()
        if not entry.endswith('.dist-info') or not any(package.split('==')[0].lower() == name for package in packages):
            continue
        with open(os.path.join(purelib, entry, 'RECORD'), encoding='utf-8') as record:
            for line in record:
                path = line.rsplit(',', 2)[0]
                if path and not path.startswith('..'):  # console scripts live in bin/, outside purelib
                    roots.add(path.split('/', 1)[0])
    return sorted(roots)


def build_template(template, options, packages):
    """Install ``packages`` in a scratch environment and keep their files at ``template``."""
    with tempfile.TemporaryDirectory(dir=os.path.dirname(template)) as scratch:
        venv = os.path.join(scratch, 'venv')
        subprocess.check_call([sys.executable, '-m', 'venv', '--without-pip', venv])
        python = os.path.join(venv, 'bin', 'python')
        # In a child process: ensurepip.bootstrap() sets PIP_CONFIG_FILE=/dev/null in its own environment,
        # which would hide the machine's pip.conf (index, CA) from the install below.
        subprocess.check_call([python, '-m', 'ensurepip', '--upgrade'], cwd=scratch)
        subprocess.check_call([python, '-m', 'pip', 'install'] + options + packages, cwd=scratch)
        purelib = site_packages(venv)
        kept = os.path.join(scratch, 'kept')
        os.mkdir(kept)
        for root in distribution_roots(purelib, packages):
            shutil.move(os.path.join(purelib, root), os.path.join(kept, root))
        try:
            os.rename(kept, template)  # atomic: a concurrent call sees no template or a whole one
        except OSError:
            if not os.path.isdir(template):
                raise


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    options = [arg for arg in args if arg.startswith('-')]
    packages = [arg for arg in args if not arg.startswith('-')]
    # Bytecode is specific to the interpreter: one template per interpreter and package set.
    cache = os.path.dirname(os.path.abspath(os.environ.get('GET_PIP') or __file__))
    template = os.path.join(cache, 'get-pip-{0}-{1}'.format(sys.implementation.cache_tag, '-'.join(sorted(packages)).replace('=', '')))
    if not os.path.isdir(template):
        build_template(template, options, packages)
    purelib = site_packages(sys.prefix)
    for root in os.listdir(template):
        source = os.path.join(template, root)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(purelib, root))  # copy2: the sources keep the mtimes their bytecode records
        else:
            shutil.copy2(source, purelib)


if __name__ == '__main__':
    main()
