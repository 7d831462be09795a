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

from _playbooks import TOP, ansible_env, run_play, timed_no_change, worker_auth  # first: it puts tests/ on sys.path

# Importing edge_overhead installs the collection's finder (.build), for the library's own time in process.
import edge_overhead  # noqa: F401  pylint: disable=unused-import
from scim_scale import make_users
from servers.op import harness
from servers.scim import harness as scim_harness


def library_seconds(auth, url, users_file, store, repeat):
    """The median seconds of the same no-change converge in this process, without Ansible: the JSON file read and the
    edge (_edge.run, as the action plugin calls it) over run_resource_task. What ansible-playbook adds is the rest."""
    from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs
    from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_resource_task
    from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge

    times = []
    for _round in range(repeat):
        started = time.perf_counter()
        with open(users_file, encoding='utf-8') as handle:
            items = json.load(handle)
        args = dict(auth, url=url, api_style='scim', key='userName', items=items, parallel=4, token_store_path=store, result_detail='compact')
        result = _edge.run(api_resource_module_kwargs(), args, run_resource_task)
        times.append(time.perf_counter() - started)
        if result.get('failed') or result.get('changed'):
            raise SystemExit(f'in process: {result.get("msg")}')
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
            noop = timed_no_change(workdir, 'noop', 'noop.yml', {}, env, args.repeat)
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
                        timed_no_change(workdir, 'today', 'scim_scale_api_resource.yml', today, env, args.repeat),
                        timed_no_change(workdir, 'ours', 'items_file_api_resource.yml', ours, env, args.repeat),
                        library_seconds(auth, scim.base_url + '/Users', users_file, env['JWTAUTH_OIDC_TOKEN_STORE_PATH'], args.repeat),
                    )
                )
    print(f'api_resource, no-change run over N SCIM users: the list as items from extra vars (today) or as items_file (ours); median of {args.repeat}')
    print(f'a no-op play takes {noop:.2f} s; "task" is the wall time less that; "library" is the same converge in process,')
    print('without Ansible (the reads, the compare, the edge); "Ansible" is a task less the library: what Ansible adds')
    print(f'{"users":>7} {"today s":>8} {"ours s":>7} {"library s":>10} {"Ansible today":>14} {"Ansible ours":>13} {"task ratio":>11} {"Ansible ratio":>14}')
    for size, today, ours, library in rows:
        task_ratio = (today - noop) / max(ours - noop, 0.001)
        ansible_today, ansible_ours = today - noop - library, ours - noop - library
        print(
            f'{size:>7} {today:>8.2f} {ours:>7.2f} {library:>10.2f} {ansible_today:>14.2f} {ansible_ours:>13.2f} {task_ratio:>10.2f}x'
            f' {ansible_today / max(ansible_ours, 0.001):>13.2f}x'
        )


if __name__ == '__main__':
    main()
