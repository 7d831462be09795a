# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: what one token task costs, against a uri task, in one run.

Each way is a play on localhost with one task looped ``--items`` times (bench/playbooks):

1. jwtauth.oidc.token (client_credentials, client_secret_jwt): the module sends its grant every time, a token request
   an item, as uri makes;
2. a set_fact task whose argument is the jwtauth.oidc.token lookup: one token request, the other items served from
   the token store (what a play that passes a token to other tasks does);
3. today's way: ansible.builtin.uri POSTing to the token endpoint (client_secret_basic: uri cannot sign an assertion).

A task's cost is the play's time less that of the same play with no item (ansible-playbook's start and stop, the
play's templating), over the items: the median of ``--repeat`` runs. Token requests are counted at the OP, and each
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

from _playbooks import TOP, ansible_env, basic_client_vars, run_play  # first: it puts tests/ on sys.path
from servers.op import harness


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
            runs = []
            for attempt in range(args.repeat):
                timed = {}
                for count in (0, args.items):
                    store = os.path.join(workdir, f'store-{number}-{attempt}-{count}')  # empty: the first item requests a token
                    mark = op.mark()
                    timed[count], _changed = run_play(
                        workdir, f'way{number}', play, dict(variables, count=count), dict(env, JWTAUTH_OIDC_TOKEN_STORE_PATH=store)
                    )
                    requests_seen = op.count('request', path=op.token_endpoint(), since=mark)
                    if requests_seen != (wanted if count else 0):
                        raise SystemExit(f'{label}: {requests_seen} token requests for {count} items, expected {wanted if count else 0}')
                runs.append((timed[args.items] - timed[0]) / args.items)
            per_item[label] = statistics.median(runs)
    print(f'One task, looped {args.items} times on localhost, median of {args.repeat} runs, less the same play with no item')
    uri = per_item['uri task']
    for label, seconds in per_item.items():
        print(f'  {label:<26} {seconds * 1000:8.1f} ms an item   {seconds / uri:6.3f}x the uri task')
    return 0


if __name__ == '__main__':
    sys.exit(main())
