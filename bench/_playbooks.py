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
import statistics
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
    """Run bench/playbooks/<playbook>: (wall seconds, the changed count of the recap, 0 for a play whose recap names no
    host, as noop.yml's); stop the bench if it fails."""
    vars_path = write_vars(workdir, label, variables)
    started = time.perf_counter()
    proc = subprocess.run(
        playbook_command(playbook, vars_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f'{label} failed:\n{proc.stdout[-4000:]}')
    recap = [line for line in proc.stdout.splitlines() if line.startswith('localhost') and 'changed=' in line]
    return seconds, int(recap[-1].split('changed=')[1].split()[0]) if recap else 0


def timed_no_change(workdir, label, playbook, variables, env, repeat):
    """The median wall seconds of ``repeat`` runs of a play that must change nothing (a no-change run's benchmark)."""
    times = []
    for _round in range(repeat):
        seconds, changed = run_play(workdir, label, playbook, variables, env)
        if changed:
            raise SystemExit(f'{label}: a no-change run changed {changed} tasks')
        times.append(seconds)
    return statistics.median(times)


def ansible_env(workdir):
    """The environment of every benchmark play: the collection built into .build, a token store and an Ansible home
    of the run's own, this Python, and no warnings that only the benchmark's inventory would cause."""
    return dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.path.join(TOP, '.build'),
        ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
        ANSIBLE_LOCALHOST_WARNING='false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        JWTAUTH_OIDC_TOKEN_STORE_PATH=os.path.join(workdir, 'store'),
    )


def worker_auth(op):
    """The collection's way: the test OP's client_secret_jwt client through the token store, with the API's scopes."""
    csjwt = op.clients['csjwt']
    return {
        'issuer': op.issuer,
        'client_id': csjwt['client_id'],
        'client_secret': csjwt['client_secret'],
        'ca_path': op.ca_path,
        'scope': ['api:read', 'api:write'],
    }


def basic_client_vars(op):
    """Today's way: a client_secret_basic client of the same OP, for plays that get their token with uri."""
    basic = op.clients['basic']
    return {'token_endpoint': op.token_endpoint(), 'basic_client_id': basic['client_id'], 'basic_client_secret': basic['client_secret'], 'ca_path': op.ca_path}
