# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: a no-change run of the pingone_platform role over N PingOne users, the environment given two ways, side
by side in one run.

1. today's way: the role's variables (``pingone_platform_users`` and the others) from an extra-vars file, as a play
   that loads an export with ``vars_files`` gives them (bench/playbooks/pingone_platform_role.yml): Ansible loads the
   lists with the play's variables and templates the document as an argument of each of the role's three
   pingone_environment tasks;
2. ours: ``pingone_platform_document_file`` (bench/playbooks/pingone_platform_role_file.yml): each task reads the file
   an export would write (the same document) itself, as YAML (``dest: ....yml``, what ``vars_files`` also loads) and as
   JSON (``dest: ....json``).

The PingOne-shaped test server holds the N users in G groups, M memberships each (made by a first converge in this
process, not timed), and answers at once (no rate limit, no latency): both ways send the same reads, so what differs
is Ansible's share. Both summaries are compact (``pingone_platform_result_detail``). Each way runs ``--repeat`` times;
the median wall time, the median less a no-op play (ansible-playbook's own start and stop), the same converge in this
process without Ansible, and the ratios are printed, for 10 users and for N.

    make bench     (or: .venv/newest/bin/python bench/document_file.py [--users 10000] [--groups 10] [--memberships 2] [--repeat 3])
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from _playbooks import ansible_env, timed_no_change, worker_auth  # first: it puts tests/ on sys.path

# rate_budget builds the collection tree and makes it importable; its directory and in-process converge are the ones
# this bench times through the role.
from rate_budget import directory, environment_task
from servers.op import harness
from servers.pingone_api import harness as p1api_harness


def library_seconds(op, api, workdir, document, repeat):
    """The median seconds of the same no-change converge in this process, without Ansible (the reads, the compare, the
    edge). What ansible-playbook adds is the rest."""
    times = []
    for _round in range(repeat):
        started = time.perf_counter()
        result = environment_task(op, api, workdir, document, result_detail='compact')
        times.append(time.perf_counter() - started)
        if result.get('changed'):
            raise SystemExit('in process: the no-change converge changed something')
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', type=int, default=10000)
    parser.add_argument('--groups', type=int, default=10)
    parser.add_argument('--memberships', type=int, default=2)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args(argv)
    harness.install()
    from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.export import dump, dump_json

    rows = []
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-document-file-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op, p1api_harness.PingOneAPI(os.path.join(workdir, 'p1api'), op) as api:
            env = ansible_env(workdir)
            auth = worker_auth(op)
            noop = timed_no_change(workdir, 'noop', 'noop.yml', {}, env, args.repeat)
            for size in (10, args.users):
                document = directory(size, min(args.groups, size), args.memberships)
                api.reset()
                environment_task(op, api, workdir, document)  # the first run: creates, not timed
                document_file = os.path.join(workdir, f'environment-{size}.yml')
                with open(document_file, 'w', encoding='utf-8') as handle:
                    handle.write(dump(document, 'pingone_platform_'))  # as pingone_environment_export writes it
                json_file = os.path.join(workdir, f'environment-{size}.json')
                with open(json_file, 'w', encoding='utf-8') as handle:
                    handle.write(dump_json(document, 'pingone_platform_'))
                today = dict(
                    p1_url=api.env_url,
                    auth=auth,
                    bench_populations=document['populations'],
                    bench_groups=document['groups'],
                    bench_users=document['users'],
                    bench_result_detail='compact',
                )
                ours = dict(p1_url=api.env_url, auth=auth, bench_document_file=document_file)
                ours_json = dict(ours, bench_document_file=json_file)
                rows.append(
                    (
                        size,
                        timed_no_change(workdir, 'today', 'pingone_platform_role.yml', today, env, args.repeat),
                        timed_no_change(workdir, 'ours', 'pingone_platform_role_file.yml', ours, env, args.repeat),
                        timed_no_change(workdir, 'ours-json', 'pingone_platform_role_file.yml', ours_json, env, args.repeat),
                        library_seconds(op, api, workdir, document, args.repeat),
                    )
                )
    print(
        f'pingone_platform role, no-change run over N users in {args.groups} groups, {args.memberships} memberships each: the environment as the '
        f"role's variables (today) or as pingone_platform_document_file (ours); median of {args.repeat}"
    )
    print(f'a no-op play takes {noop:.2f} s; "role" is the wall time less that; "library" is the same converge in process,')
    print('without Ansible (the reads, the compare, the edge, one task); "Ansible" is the role less the library: what Ansible adds')
    print(
        f'{"users":>7} {"today s":>8} {"YAML s":>7} {"JSON s":>7} {"library s":>10} {"Ansible today":>14} {"Ansible YAML":>13} {"Ansible JSON":>13}'
        f' {"role ratio YAML":>16} {"role ratio JSON":>16}'
    )
    for size, today, ours, ours_json, library in rows:
        print(
            f'{size:>7} {today:>8.2f} {ours:>7.2f} {ours_json:>7.2f} {library:>10.2f} {today - noop - library:>14.2f} {ours - noop - library:>13.2f}'
            f' {ours_json - noop - library:>13.2f} {(today - noop) / max(ours - noop, 0.001):>15.2f}x {(today - noop) / max(ours_json - noop, 0.001):>15.2f}x'
        )


if __name__ == '__main__':
    main()
