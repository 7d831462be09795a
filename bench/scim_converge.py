# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: converge 300 SCIM users and 20 groups, first run and no-change run, two ways, in one run.

1. the jwtauth.oidc.scim_provision role (api_resource: one paged read, writes only where objects differ);
2. today's way: an ansible.builtin.uri loop, a filtered GET per user and group, then a POST for each missing
   one and a PUT for each existing one (uri cannot tell whether an object differs).

Both run against the same real SCIM server (scim2-server, tokens checked at the test OP), each on an empty
server. HTTP requests are counted at the SCIM server; wall time is the ansible-playbook run.

    make bench     (or: .venv/py311/bin/python bench/scim_converge.py [--users 300] [--groups 20])
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

from _playbooks import TOP, ansible_env, basic_client_vars, run_play, worker_auth  # first: it puts tests/ on sys.path, for the servers package
from servers.op import harness
from servers.scim import harness as scim_harness


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', type=int, default=300)
    parser.add_argument('--groups', type=int, default=20)
    args = parser.parse_args(argv)
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    users = [
        {
            'userName': f'user{i:04d}',
            'displayName': f'User {i}',
            'active': i % 7 != 0,
            'emails': [{'value': f'user{i:04d}@example.com', 'type': 'work', 'primary': True}],
        }
        for i in range(args.users)
    ]
    groups = [{'displayName': f'group{g:02d}', 'members': [u['userName'] for u in users[g :: args.groups]][:25]} for g in range(args.groups)]
    results = {}
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-scim-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op:
            env = ansible_env(workdir)
            role_auth = worker_auth(op)
            uri_vars = basic_client_vars(op)
            ways = [('scim_provision role', 'scim_converge_role.yml', {'auth': role_auth}), ('uri loop (GET + POST/PUT)', 'scim_converge_uri.yml', uri_vars)]
            for index, (label, play, extra) in enumerate(ways):
                with scim_harness.SCIMServer(os.path.join(workdir, f'scim{index}'), op) as scim:
                    variables = dict(extra, scim_url=scim.base_url, bench_users=users, bench_groups=groups)  # 'groups' is Ansible's own
                    for run in ('first run', 'no-change run'):
                        mark = scim.mark()
                        seconds, changed = run_play(workdir, f'way{index}', play, variables, env)
                        results[(label, run)] = (seconds, scim.count(since=mark), scim.writes(since=mark), changed)

    print(f'Converge {args.users} SCIM users and {args.groups} groups; HTTP requests counted at the SCIM server')
    print(f'{"way":<28} {"run":<14} {"wall s":>8} {"requests":>10} {"writes":>8} {"tasks changed":>16}')
    for (label, run), (seconds, requests_seen, writes, changed) in results.items():
        print(f'{label:<28} {run:<14} {seconds:>8.1f} {requests_seen:>10} {writes:>8} {changed:>16}')
    for run in ('first run', 'no-change run'):
        ours, theirs = results[('scim_provision role', run)], results[('uri loop (GET + POST/PUT)', run)]
        print(f'ratio uri loop / role, {run}: time {theirs[0] / ours[0]:.1f}x, requests {theirs[1] / max(ours[1], 1):.1f}x')
    return 0


if __name__ == '__main__':
    sys.exit(main())
