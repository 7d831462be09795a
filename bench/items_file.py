# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: a no-change api_resource run over N SCIM users, the list given two ways, side by side in one run.

1. today's way: ``items: "{{ bench_users }}"`` from an extra-vars file (bench/playbooks/scim_scale_api_resource.yml):
   Ansible loads the list with the play's variables, templates it as the task's argument and carries the full result
   (every key unchanged, every id) back to the controller;
2. ours: ``items_file`` (bench/playbooks/items_file_api_resource.yml): the action plugin reads the same users from a
   JSON file and returns a compact result (counts, the keys of what changed).

The server holds the N users (created by a first run, not timed) and answers at once (no latency): both ways send the
same reads, so what differs is Ansible's share. Each way runs ``--repeat`` times; the median wall time, the median
less a no-op play (ansible-playbook's own start and stop) and the ratio are printed, with the same for 10 users: the
goal is a 10,000-user task that costs Ansible about what a 10-user one does.

    make bench     (or: .venv/newest/bin/python bench/items_file.py [--users 10000] [--repeat 3])
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

from _playbooks import TOP, ansible_env, playbook_command, run_play, worker_auth, write_vars  # first: it puts tests/ on sys.path
from scim_scale import make_users
from servers.op import harness
from servers.scim import harness as scim_harness


def timed(workdir, label, playbook, variables, env, repeat):
    """The median wall seconds of ``repeat`` runs of a play that must change nothing."""
    times = []
    for _ in range(repeat):
        seconds, changed = run_play(workdir, label, playbook, variables, env)
        if changed:
            raise SystemExit(f'{label}: a no-change run changed {changed} tasks')
        times.append(seconds)
    return statistics.median(times)


def noop_seconds(workdir, env, repeat):
    """The median wall seconds of a play that does nothing: ansible-playbook's own start and stop."""
    command = playbook_command('noop.yml', write_vars(workdir, 'noop', {}))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', type=int, default=10000)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args(argv)
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    rows = []
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-items-file-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op, scim_harness.SCIMServer(os.path.join(workdir, 'scim'), op) as scim:
            env = ansible_env(workdir)
            auth = worker_auth(op)
            noop = noop_seconds(workdir, env, args.repeat)
            for size in (10, args.users):
                users = make_users(size)
                users_file = os.path.join(workdir, f'users-{size}.json')
                with open(users_file, 'w', encoding='utf-8') as handle:
                    json.dump(users, handle)
                scim.reset(delay_ms=0)
                ours = dict(scim_url=scim.base_url, bench_items_file=users_file, auth=auth)
                run_play(workdir, 'seed', 'items_file_api_resource.yml', ours, env)  # the first run: creates, not timed
                today = dict(scim_url=scim.base_url, bench_users=users, bench_parallel=4, auth=auth)
                rows.append(
                    (
                        size,
                        timed(workdir, 'today', 'scim_scale_api_resource.yml', today, env, args.repeat),
                        timed(workdir, 'ours', 'items_file_api_resource.yml', ours, env, args.repeat),
                    )
                )
    print(f'api_resource, no-change run over N SCIM users: the list as items from extra vars (today) or as items_file (ours); median of {args.repeat}')
    print(f'a no-op play takes {noop:.2f} s; "task" is the wall time less that')
    print(f'{"users":>7} {"today s":>9} {"ours s":>8} {"today task":>11} {"ours task":>10} {"ratio":>6}')
    for size, today, ours in rows:
        ratio = (today - noop) / max(ours - noop, 0.001)
        print(f'{size:>7} {today:>9.2f} {ours:>8.2f} {today - noop:>11.2f} {ours - noop:>10.2f} {ratio:>5.2f}x')
    (small, _, small_ours), (large, _, large_ours) = rows[0], rows[-1]
    print(f'ours: {large} users cost {(large_ours - noop) / max(small_ours - noop, 0.001):.1f}x the task time of {small}')


if __name__ == '__main__':
    main()
