# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the benchmarks that run playbooks against the test servers share: the servers, the playbooks, and one run.

The playbooks are the files of bench/playbooks; their variables, which hold secrets, go in a file of mode 0600
passed with -e @file, never on the command line.

Importing this module puts tests/ on sys.path, so that a benchmark imports the test servers as the package
tests/servers (``from servers.op import harness``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PLAYBOOKS = os.path.join(HERE, 'playbooks')
sys.path.insert(0, os.path.join(TOP, 'tests'))


def write_vars(workdir, label, variables):
    """A play's variables written to workdir, readable by this user only (they hold secrets): their path."""
    vars_path = os.path.join(workdir, label + '-vars.json')
    with os.fdopen(os.open(vars_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as handle:
        json.dump(variables, handle)
    return vars_path


def playbook_command(playbook, vars_path):
    """ansible-playbook of this Python's venv on bench/playbooks/<playbook>, with its variables file."""
    return [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), os.path.join(PLAYBOOKS, playbook), '-e', '@' + vars_path]


def run_play(workdir, label, playbook, variables, env):
    """Run bench/playbooks/<playbook>: (wall seconds, the changed count of the recap); stop the bench if it fails."""
    vars_path = write_vars(workdir, label, variables)
    started = time.perf_counter()
    proc = subprocess.run(
        playbook_command(playbook, vars_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f'{label} failed:\n{proc.stdout[-4000:]}')
    recap = [line for line in proc.stdout.splitlines() if line.startswith('localhost') and 'changed=' in line][-1]
    return seconds, int(recap.split('changed=')[1].split()[0])
