# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: api_resource at scale (300, 3,000, 10,000 SCIM users) behind a distant server, side by side in one run.

For each N, one jwtauth.oidc.api_resource task (api_style scim, key userName, a client_secret_jwt token through
the token store) run by ansible-playbook against the test SCIM server, which holds every request ``--latency-ms``
before handling it (server.py delay_ms; it is threaded, so requests in flight wait side by side):

1. the first run (N creates) and the no-change run, with ``parallel: 1`` (sequential) and ``parallel: 4``, each on
   an empty server;
2. the first run with ``parallel: 8`` and then the no-change run on a server that lists at most 200 objects and
   ignores startIndex, as PingOne does (list_cap 200, read_strategy auto, which then reads by filter);
3. for each measured time, the floor: requests x latency / requests in flight, and the ratio measured / floor;
4. today's way extrapolated: an ansible.builtin.uri loop (a filtered GET and a POST per user) timed on 0 and
   ``--uri-sample`` users at the same latency, per user, to N;
5. the peak memory of the ansible-playbook process tree (VmRSS and PSS of every process in it, summed, every 0.2 s),
   the CPU time of that tree (the client) and of the SCIM server process (the server).

The test server is scim2-server, in one Python process: its CPU time next to the wall time says when the server,
not the client, sets the pace (a row is marked "server-bound" when the server was busy most of the run). Its filter
search matches every stored object, so behind the cap at large N its scans dominate: such runs use, above
``--plain-cap-max`` users, server.py's index_filters (an "indexed test server", labelled so), and the plain server's
own time for one 50-key filter over N users is measured directly and multiplied out.

    make bench     (or: .venv/newest/bin/python bench/scim_scale.py [--users 300,3000,10000] [--latency-ms 50])
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time

from _playbooks import (
    TOP,
    ansible_env,
    basic_client_vars,
    playbook_command,
    worker_auth,
    write_vars,
)  # first: it puts tests/ on sys.path, for the servers package
from servers.op import harness
from servers.scim import harness as scim_harness

CLOCK_TICKS = os.sysconf('SC_CLK_TCK')
PAGE_CAP = 200  # PingOne: at most 200 results an answer, startIndex ignored
SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest'
# A row whose server process was busy (CPU) this share of the wall time or more is marked server-bound: the
# server is one Python process, and its threads share one GIL.
SERVER_BOUND = 0.6


def tree_pids(root):
    """root and every process below it (from /proc/*/stat parent ids)."""
    children = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open(f'/proc/{name}/stat') as handle:
                # The command name is in parentheses and may hold spaces: the fields after it are fixed.
                ppid = int(handle.read().rsplit(')', 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _kib(path, field):
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """The peak, over samples every ``interval`` s, of the summed VmRSS and PSS of a process tree (MB).

    RSS counts the pages a forked worker shares with the controller twice; PSS shares them out.
    """

    def __init__(self, pid, interval=0.2):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0.0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            pids = tree_pids(self.pid)
            rss = sum(_kib(f'/proc/{pid}/status', 'VmRSS:') for pid in pids) / 1024.0
            pss = sum(_kib(f'/proc/{pid}/smaps_rollup', 'Pss:') for pid in pids) / 1024.0
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.done.wait(self.interval)


def cpu_seconds(pid):
    """User + system CPU time of one process so far."""
    with open(f'/proc/{pid}/stat') as handle:
        fields = handle.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_play(workdir, label, play, variables, env, scim):
    """Run bench/playbooks/<play>; a dict of wall s, requests at the server, client and server CPU s, peak memory, BENCH line."""
    vars_path = write_vars(workdir, label, variables)
    output_path = os.path.join(workdir, label + '.out')
    mark = scim.mark() if scim else 0
    server_cpu, client_cpu = (cpu_seconds(scim.pid) if scim else 0.0), children_cpu()
    with open(output_path, 'w') as output:
        started = time.perf_counter()
        proc = subprocess.Popen(playbook_command(play, vars_path), env=env, stdout=output, stderr=subprocess.STDOUT)
        sampler = MemorySampler(proc.pid)
        sampler.start()
        returncode = proc.wait()
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    with open(output_path) as handle:
        text = handle.read()
    if returncode != 0:
        raise SystemExit(f'{label} failed:\n{text[-4000:]}')
    reported = [json.loads(line.split('BENCH ', 1)[1].rstrip('"')) for line in text.replace('\\"', '"').splitlines() if '"BENCH ' in line]
    return {
        'seconds': seconds,
        'requests': scim.count(since=mark) if scim else 0,
        'writes': scim.writes(since=mark) if scim else 0,
        'client_cpu': children_cpu() - client_cpu,
        'server_cpu': (cpu_seconds(scim.pid) - server_cpu) if scim else 0.0,
        'rss': sampler.peak_rss,
        'pss': sampler.peak_pss,
        'reported': reported[-1] if reported else {},
    }


def make_users(count):
    return [
        {
            'userName': f'user{i:05d}',
            'displayName': f'User {i}',
            'active': i % 7 != 0,
            'emails': [{'value': f'user{i:05d}@example.com', 'type': 'work', 'primary': True}],
        }
        for i in range(count)
    ]


def plain_filter_seconds(scim, users, latency_ms, tries=3):
    """The plain server's own time for one 50-key userName filter (POST .search) over the users it holds, latency taken off."""
    session = scim.admin_session()
    best = None
    for attempt in range(tries):
        names = [u['userName'] for u in users[attempt :: max(1, len(users) // 50)]][:50]
        body = {'schemas': [SEARCH_SCHEMA], 'filter': ' or '.join(f'userName eq "{n}"' for n in names), 'count': 50}
        started = time.perf_counter()
        response = session.post(scim.base_url + '/Users/.search', json=body, timeout=120)
        elapsed = time.perf_counter() - started - latency_ms / 1000.0
        response.raise_for_status()
        best = elapsed if best is None else min(best, elapsed)
    return best


def floor(row, latency_ms, concurrency):
    return row['requests'] * latency_ms / 1000.0 / concurrency


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', default='300,3000,10000', help='comma-separated user counts')
    parser.add_argument('--latency-ms', type=int, default=50)
    parser.add_argument('--parallel', type=int, default=4, help='the parallel compared with parallel 1')
    parser.add_argument('--uri-sample', type=int, default=50, help='users of the timed uri loop')
    parser.add_argument('--plain-cap-max', type=int, default=3000, help='above this many users the capped no-change run uses the indexed test server')
    parser.add_argument('--sequential-max', type=int, default=None, help='skip parallel 1 above this many users')
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.users.split(',') if n.strip()]
    latency = args.latency_ms
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    rows = []  # (N, way, run, concurrency, result)
    plain_filter = {}
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-scale-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op, scim_harness.SCIMServer(os.path.join(workdir, 'scim'), op) as scim:
            env = ansible_env(workdir)
            auth = worker_auth(op)
            noop = run_play(workdir, 'noop', 'noop.yml', {}, env, None)
            startup = noop['seconds']

            # Today's way, per user: a uri loop on 0 and on --uri-sample users, each on an empty server.
            uri_vars = dict(basic_client_vars(op), scim_url=scim.base_url)
            uri = {}
            for count in (0, args.uri_sample) if args.uri_sample else ():
                scim.reset(delay_ms=latency)
                uri[count] = run_play(workdir, f'uri{count}', 'scim_scale_uri.yml', dict(uri_vars, bench_users=make_users(count)), env, scim)

            for size in sizes:
                users = make_users(size)
                variables = dict(scim_url=scim.base_url, bench_users=users, auth=auth)
                ways = [p for p in (1, args.parallel) if p != 1 or args.sequential_max is None or size <= args.sequential_max]
                for parallel in ways:
                    scim.reset(delay_ms=latency)
                    for run in ('first run', 'no-change run'):
                        result = run_play(workdir, 'ours', 'scim_scale_api_resource.yml', dict(variables, bench_parallel=parallel), env, scim)
                        # Reads go one after the other: only the writes of a first run are in flight together.
                        rows.append((size, f'parallel {parallel}', run, parallel if run == 'first run' else 1, result))
                    if parallel != 1:
                        plain_filter[size] = plain_filter_seconds(scim, users, latency)
                indexed = size > args.plain_cap_max
                scim.reset(delay_ms=latency, list_cap=PAGE_CAP, index_filters=indexed)
                server = f'cap {PAGE_CAP}{", indexed test server" if indexed else ""}'
                for run, parallel in (('first run', 8), ('no-change run', 8)):
                    result = run_play(workdir, 'ours', 'scim_scale_api_resource.yml', dict(variables, bench_parallel=parallel), env, scim)
                    way = 'parallel 8, ' + server if run == 'first run' else server + ', auto'
                    rows.append((size, way, run, parallel if run == 'first run' else 1, result))

    print(f'api_resource at scale: SCIM users behind {latency} ms a request (test server delay_ms), requests counted at the server')
    print(f'floor = requests x {latency} ms / requests in flight; every wall time includes ansible-playbook start and stop, {startup:.1f} s (a no-op play)')
    print('client CPU = the ansible-playbook process tree; server CPU = the SCIM server process (scim2-server, one GIL)')
    print('x floor net = (wall - start and stop) / floor')
    header = '{0:>6} {1:<38} {2:<14} {3:>7} {4:>8} {5:>7} {6:>7} {7:>7} {8:>7} {9:>7} {10:>7} {11:>7}  {12}'
    print(header.format('users', 'way', 'run', 'wall s', 'requests', 'floor s', 'x floor', 'x floor', 'client', 'server', 'RSS MB', 'PSS MB', 'read / note'))
    print(header.format('', '', '', '', '', '', '', 'net', 'CPU s', 'CPU s', '', '', ''))
    for size, way, run, concurrency, result in rows:
        low = floor(result, latency, concurrency)
        notes = [result['reported'].get('read_strategy', '?')]
        if result['server_cpu'] >= SERVER_BOUND * result['seconds']:
            notes.append('server-bound')
        print(
            (
                f'{size:>6} {way:<38} {run:<14} {result["seconds"]:>7.1f} {result["requests"]:>8} {low:>7.1f} '
                f'{result["seconds"] / low if low else 0.0:>6.2f}x {(result["seconds"] - startup) / low if low else 0.0:>6.2f}x '
                f'{result["client_cpu"]:>7.1f} {result["server_cpu"]:>7.1f} {result["rss"]:>7.0f} {result["pss"]:>7.0f}  {", ".join(notes)}'
            )
        )

    if uri:
        report_uri(uri, args, sizes, rows)
    report_plain_filter(plain_filter, sizes)
    report_costs(rows, noop['client_cpu'])
    report_goals(rows, sizes, args, latency)
    print(
        'load average at the end (1, 5, 15 min): {0:.2f} {1:.2f} {2:.2f} on {3} cores; other work on the machine slows the client and the server alike'.format(
            *os.getloadavg(), os.cpu_count()
        )
    )
    return 0


def report_uri(uri, args, sizes, rows):
    """Today's way, timed on a sample and extrapolated per user to each N, against our first run."""
    uri_per_user = (uri[args.uri_sample]['seconds'] - uri[0]['seconds']) / args.uri_sample
    print()
    print(
        (
            f'uri loop (GET filter + POST per user), {args.uri_sample} users: {uri[args.uri_sample]["seconds"]:.1f} s, 0 users: {uri[0]["seconds"]:.1f} '
            f's, so {uri_per_user:.2f} s a user, {uri[args.uri_sample]["requests"] / args.uri_sample:.1f} requests a user'
        )
    )
    by = {(size, way, run): result for size, way, run, _c, result in rows}
    for size in sizes:
        ours = by[(size, f'parallel {args.parallel}', 'first run')]
        extrapolated = uri[0]['seconds'] + uri_per_user * size
        print(
            (
                f'{size:>6} users: uri loop extrapolated {extrapolated:,.0f} s ({extrapolated / 60:.1f} min); api_resource parallel {args.parallel} '
                f'first run {ours["seconds"]:.1f} s: uri loop / ours {extrapolated / ours["seconds"]:.1f}x'
            )
        )


def report_plain_filter(plain_filter, sizes):
    """What the plain server's filter scans cost at each N."""
    print()
    print('The plain test server (scim2-server) matches a filter against every stored user:')
    for size in sizes:
        if size in plain_filter:
            chunks = (size + 49) // 50
            print(
                f'{size:>6} users: one 50-key filter takes the server {plain_filter[size]:.2f} s; the {chunks} filter reads of a capped no-change run '
                f'{chunks * plain_filter[size]:.0f} s of server time, one after the other'
            )


def report_costs(rows, startup_cpu):
    """CPU a request, client and server, of each run that made more than a few requests."""
    print()
    print(
        'Where the time goes: CPU ms a request (client = ansible-playbook tree less its start and stop; the server '
        'CPU includes its TLS handshakes, one a request: it answers HTTP/1.0)'
    )
    for size, way, run, _concurrency, result in rows:
        if result['requests'] >= 20:
            print(
                (
                    f'{size:>6} {way:<38} {run:<14} client {1000 * max(0.0, result["client_cpu"] - startup_cpu) / result["requests"]:5.1f} ms, server '
                    f'{1000 * result["server_cpu"] / result["requests"]:5.1f} ms a request'
                )
            )


def report_goals(rows, sizes, args, latency):
    """Each goal of the scale benchmark, pass or miss, for each N."""
    by = {(size, way, run): result for size, way, run, _c, result in rows}
    print()
    print('Goals:')
    for size in sizes:
        seq = by.get((size, 'parallel 1', 'first run'))
        par = by.get((size, f'parallel {args.parallel}', 'first run'))
        capped = [result for (n, way, run), result in by.items() if n == size and run == 'no-change run' and way.startswith('cap')]
        budget = size / 50 + 5
        lines = []
        if capped:
            lines.append(
                (f'no-change behind the cap: {capped[0]["requests"]} requests, goal <= {budget:.0f}: {"pass" if capped[0]["requests"] <= budget else "miss"}')
            )
        if par:
            ratio = par['seconds'] / floor(par, latency, args.parallel)
            lines.append(f'first run at parallel {args.parallel}: {ratio:.2f}x the floor, goal <= 1.5x: {"pass" if ratio <= 1.5 else "miss"}')
            if seq:
                speedup = seq['seconds'] / par['seconds']
                lines.append(f'first run: {speedup:.2f}x faster than sequential, goal >= 3x: {"pass" if speedup >= 3 else "miss"}')
            else:
                lines.append('first run against sequential: not measured (--sequential-max)')
        peak = max(result['rss'] for (n, _w, _r), result in by.items() if n == size)
        peak_pss = max(result['pss'] for (n, _w, _r), result in by.items() if n == size)
        lines.append(
            (
                f'peak memory of the play: {peak:.0f} MB RSS summed ({peak_pss:.0f} MB PSS), goal < 300 MB: '
                f'{"pass" if peak < 300 else ("pass by PSS only" if peak_pss < 300 else "miss")}'
            )
        )
        for line in lines:
            print(f'{size:>6} users: {line}')
    print('(the goals name 10,000 users at 50 ms; the other sizes are shown against the same rules)')


if __name__ == '__main__':
    sys.exit(main())
