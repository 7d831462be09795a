# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: converge PingOne populations, groups, users and group memberships, first run and no-change run, two ways.

"Ops teams who use Ansible today write one ``uri`` task per object." In one run, each way on an empty
PingOne-shaped Management API test server (tests/servers/pingone_api, bearer tokens of the test OP checked by introspection):

1. our way: the jwtauth.oidc.pingone_platform role (``api_resource`` with ``api_style: pingone``: one paged read a
   collection, the users' memberships read by group (or one read a user where that is cheaper), a write only where
   an object differs);
2. today's way: an ``ansible.builtin.uri`` play as an ops engineer writes it against PingOne's Management API:
   - one token request: a ``uri`` POST to the token endpoint, ``grant_type=client_credentials`` with HTTP Basic
     client authentication (CLIENT_SECRET_BASIC, a PingOne worker application's default, and what PingOne's own
     "get a token" examples show). Not the collection's token lookup: today's way is the one without this
     collection. It costs one task a run; the role fetches its token once into the token store, so both ways make
     one token request a run at most, and the OP's token requests are not counted at the API server for either way;
   - per population, a GET by filter. Populations document only ``name sw "x"`` (Read All Populations; the test
     server's Populations.filters): the play asks for the prefix and picks the exact name. Per group a GET with
     ``name eq "x"``, per user ``username eq "x"`` (Read All Groups, Read All Users; Groups.filters, Users.filters);
   - then a POST for each object missing, and for each one present a write, since ``uri`` cannot tell whether an
     object differs: PUT for populations and groups (PingOne has no PATCH for them), PATCH for users (Update User
     (PATCH) merges, as the role's default ``pingone_platform_user_update_method: patch`` does);
   - per membership a POST to ``/users/{id}/memberOfGroups`` with ``status_code: [201, 400]``: PingOne, like the test
     server (server.py memberships_post), answers an existing membership 400 INVALID_DATA (UNIQUENESS_VIOLATION).
   ``uri`` reports every request unchanged, a POST included; the play marks a task changed when it wrote
   (``changed_when``: a create answered 201, a membership added 201, each PUT/PATCH), as careful playbooks do.

Both ways run with the same Ansible configuration (defaults), the same data and the same TLS and token checks. For
each way and run: the wall time of the ansible-playbook run, the HTTP requests and writes counted at the API server,
and the changed count of the play recap. After each run the bench reads back what the server holds (populations,
groups, users with their population, each user's direct memberships) and stops if either way did not converge.

The defaults (2 populations, 5 groups, 15 users, 2 memberships each) finish in about 2 minutes on a 2-core machine:
the uri play costs about 0.6 s an item, a module run for each request, twice (first and no-change run); with
``--users 100 --groups 10`` the bench takes about 10 minutes.

    make bench     (or: .venv/newest/bin/python bench/pingone_platform.py [--users 15] [--groups 5] [--populations 2] [--memberships 2] [--skip-uri])
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

from _playbooks import TOP, ansible_env, basic_client_vars, run_play, worker_auth  # first: it puts tests/ on sys.path, for the servers package
from servers.op import harness
from servers.pingone_api import harness as p1api_harness

OURS = 'pingone_platform role'
TODAY = 'uri play (GET + POST/PUT)'


def make_data(populations, groups, users, memberships):
    """The objects to converge, in the role's shape: users name their population and groups by name."""
    bench_populations = [{'name': f'pop{p:02d}', 'description': f'Population {p}'} for p in range(populations)]
    bench_groups = [{'name': f'group{g:03d}', 'description': f'Group {g}'} for g in range(groups)]
    bench_users = [
        {
            'username': f'user{i:05d}',
            'email': f'user{i:05d}@example.com',
            'name': {'given': 'User', 'family': str(i)},
            'population': bench_populations[i % populations]['name'],
            'groups': [bench_groups[(i + k) % groups]['name'] for k in range(memberships)],
        }
        for i in range(users)
    ]
    return bench_populations, bench_groups, bench_users


def check_converged(api, label, run, bench_populations, bench_groups, bench_users):
    """Stop unless the server holds exactly the objects and direct memberships asked for (read after the counts)."""
    session = api.admin_session()
    populations, groups, users = (api.held('populations', session=session), api.held('groups', session=session), api.held('users', 'username', session=session))
    problems = []
    if sorted(populations) != sorted(p['name'] for p in bench_populations):
        problems.append(f'populations {sorted(populations)}')
    if sorted(groups) != sorted(g['name'] for g in bench_groups):
        problems.append(f'groups {sorted(groups)}')
    if sorted(users) != sorted(u['username'] for u in bench_users):
        problems.append(f'{len(users)} users held, {len(bench_users)} asked for')
    for user in bench_users:
        obj = users.get(user['username'])
        if obj is None:
            continue
        if obj['population']['id'] != populations.get(user['population'], {}).get('id') or obj.get('email') != user['email']:
            problems.append(f'user {user["username"]}: population or email differs')
        answer = session.get(api.collection_url('users', obj['id'], 'memberOfGroups'), timeout=30)
        answer.raise_for_status()
        direct = sorted(m['name'] for m in answer.json()['_embedded']['groupMemberships'] if m['type'] == 'DIRECT')
        if direct != sorted(user['groups']):
            problems.append(f'user {user["username"]}: groups {direct}, asked for {sorted(user["groups"])}')
    if problems:
        raise SystemExit(f'{label}, {run}: the server does not hold what was asked for: {"; ".join(problems[:10])}')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--populations', type=int, default=2)
    parser.add_argument('--groups', type=int, default=5)
    parser.add_argument('--users', type=int, default=15)
    parser.add_argument('--memberships', type=int, default=2, help='groups each user is a member of')
    parser.add_argument(
        '--skip-uri', action='store_true', help='the role only (the uri play costs about 0.6 s an item: an hour at --users 1000), no ratio printed'
    )
    args = parser.parse_args(argv)
    if args.populations < 1 or args.groups < args.memberships or args.users < 1 or args.memberships < 0:
        parser.error('need at least 1 population and 1 user, and at least as many groups as memberships a user')
    bench_populations, bench_groups, bench_users = make_data(args.populations, args.groups, args.users, args.memberships)
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    results = {}
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-pingone-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op, p1api_harness.PingOneAPI(os.path.join(workdir, 'p1api'), op) as api:
            env = ansible_env(workdir)
            # The role's worker authenticates with client_secret_jwt through the token store, the uri play with
            # client_secret_basic: both are clients of the same OP with scopes api:read and api:write.
            role_auth = worker_auth(op)
            uri_vars = basic_client_vars(op)
            data = {'p1_url': api.env_url, 'bench_populations': bench_populations, 'bench_groups': bench_groups, 'bench_users': bench_users}
            ways = [(OURS, 'pingone_platform_role.yml', {'auth': role_auth}), (TODAY, 'pingone_platform_uri.yml', uri_vars)][: 1 if args.skip_uri else 2]
            for index, (label, play, extra) in enumerate(ways):
                api.reset()  # each way on an empty server
                for run in ('first run', 'no-change run'):
                    mark = api.mark()
                    seconds, changed = run_play(workdir, f'way{index}', play, dict(data, **extra), env)
                    results[(label, run)] = (seconds, api.count(since=mark), api.writes(since=mark), changed)
                    check_converged(api, label, run, bench_populations, bench_groups, bench_users)

    print(
        f'Converge {args.populations} PingOne populations, {args.groups} groups, {args.users} users (each in a population) with '
        f'{args.memberships} group memberships each ({args.users * args.memberships} memberships)'
    )
    print('HTTP requests and writes counted at the PingOne-shaped Management API test server; wall time is the ansible-playbook run')
    row = '{0:<28} {1:<14} {2:>8} {3:>10} {4:>8} {5:>14} {6:>10}'
    print(row.format('way', 'run', 'wall s', 'requests', 'writes', 'tasks changed', 'changed=0'))
    for (label, run), (seconds, requests_seen, writes, changed) in results.items():
        print(row.format(label, run, f'{seconds:.1f}', requests_seen, writes, changed, 'yes' if changed == 0 else 'no'))
    for run in ('first run', 'no-change run') if not args.skip_uri else ():
        ours, theirs = results[(OURS, run)], results[(TODAY, run)]
        print(
            (
                f'ratio uri play / role, {run}: time {theirs[0] / ours[0]:.1f}x, requests {theirs[1] / max(ours[1], 1):.1f}x, writes '
                f'{f"{theirs[2] / ours[2]:.1f}x" if ours[2] else f"{theirs[2]} against 0"}'
            )
        )
    print(
        'load average at the end (1, 5, 15 min): {0:.2f} {1:.2f} {2:.2f} on {3} cores; other work on the machine slows both ways'.format(
            *os.getloadavg(), os.cpu_count()
        )
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
