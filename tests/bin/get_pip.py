# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for pip's get-pip.py bootstrap script.

ansible-test bootstraps pip into each sanity virtual environment with a
get-pip.py it downloads from a host CI here cannot reach; it uses a cached copy
at ~/.ansible/test/cache/get_pip_<version>.py when there is one.  This script
takes that place: ensurepip puts the bundled pip in, then pip installs the
exact versions ansible-test asks for from the package index.
"""

from __future__ import annotations

import subprocess
import sys

# get-pip.py options that plain "pip install" does not know.
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    # In a child process: ensurepip.bootstrap() sets PIP_CONFIG_FILE=/dev/null in
    # its own environment, which would hide the machine's pip.conf (index, CA) from the install below.
    # Run from the venv itself: ansible-test may call this from a directory it has removed.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'], cwd=sys.prefix)
    sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + args, cwd=sys.prefix))


if __name__ == '__main__':
    main()
