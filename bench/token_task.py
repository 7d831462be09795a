# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: what one token task costs, against a uri task, in one run.

Each way is a play on localhost with one task looped ``--items`` times (bench/playbooks), and the same play with the
task written out ``--items`` times instead (a worker process each, as separate tasks of a playbook run):

1. jwtauth.oidc.token (client_credentials, client_secret_jwt): the module sends its grant every time, a token request
   an item, as uri makes;
2. a set_fact task whose argument is the jwtauth.oidc.token lookup: one token request, the other items served from
   the token store (what a play that passes a token to other tasks does);
3. today's way: ansible.builtin.uri POSTing to the token endpoint (client_secret_basic: uri cannot sign an assertion).

A task's cost is the play's time less that of the same play with no item (ansible-playbook's start and stop, the
play's templating), over the items or tasks: the median of ``--repeat`` runs. Token requests are counted at the OP, and each
way's count is checked (one an item, one, one an item). Prints the seconds an item and each way's ratio to uri.

    make bench     (or: .venv/newest/bin/python bench/token_task.py [--items 40] [--repeat 3])
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import yaml

from _playbooks import PLAYBOOKS, TOP, ansible_env, basic_client_vars, run_play  # first: it puts tests/ on sys.path
from servers.op import harness

SHAPES = ('an item of a loop', 'a task of its own')


def written_out(workdir, play, count):
    """The play of bench/playbooks/``play`` with its one task written out ``count`` times, no loop: its path."""
    with open(os.path.join(PLAYBOOKS, play), encoding='utf-8') as handle:
        plays = yaml.safe_load(handle)
    task = {key: value for key, value in plays[0]['tasks'][0].items() if key != 'loop'}
    plays[0]['tasks'] = [task] * count
    path = os.path.join(workdir, f'tasks-{count}-{play}')
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(plays, handle)
    return path  # absolute: run_play's join with PLAYBOOKS keeps it


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--items', type=int, default=40)
    parser.add_argument('--repeat', type=int, default=3, help='runs of each play; the median is used')
    args = parser.parse_args(argv)
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-task-') as workdir, harness.OP(os.path.join(workdir, 'op')) as op:
        env = ansible_env(workdir)
        csjwt = op.clients['csjwt']
        ours = {'issuer': op.issuer, 'client_id': csjwt['client_id'], 'client_secret': csjwt['client_secret'], 'ca_path': op.ca_path}
        ways = (
            ('token task', 'token_task.yml', ours, args.items),
            ('lookup task, token store', 'token_lookup_task.yml', {f'jwtauth_oidc_{name}': value for name, value in ours.items()}, 1),
            ('uri task', 'token_uri_task.yml', basic_client_vars(op), args.items),
        )
        per_item = {}
        for number, (label, play, variables, wanted) in enumerate(ways):
            for shape in SHAPES:
                runs = []
                for attempt in range(args.repeat):
                    timed = {}
                    for count in (0, args.items):
                        store = os.path.join(workdir, f'store-{number}-{shape[:4]}-{attempt}-{count}')  # empty: the first requests a token
                        playbook = play if shape == SHAPES[0] or not count else written_out(workdir, play, count)
                        mark = op.mark()
                        timed[count], _changed = run_play(
                            workdir, f'way{number}', playbook, dict(variables, count=count), dict(env, JWTAUTH_OIDC_TOKEN_STORE_PATH=store)
                        )
                        requests_seen = op.count('request', path=op.token_endpoint(), since=mark)
                        if requests_seen != (wanted if count else 0):
                            raise SystemExit(f'{label}, {shape}: {requests_seen} token requests for {count}, expected {wanted if count else 0}')
                    runs.append((timed[args.items] - timed[0]) / args.items)
                per_item[(label, shape)] = statistics.median(runs)
    print(f'One task, {args.items} times on localhost, median of {args.repeat} runs, less the same play with none')
    for shape in SHAPES:
        uri = per_item[('uri task', shape)]
        for (label, each), seconds in per_item.items():
            if each == shape:
                print(f'  {label:<26} {shape:<18} {seconds * 1000:8.1f} ms   {seconds / uri:6.3f}x the uri task')
    return 0


if __name__ == '__main__':
    sys.exit(main())
