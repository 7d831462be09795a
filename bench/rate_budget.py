# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: creating users under a licence's strict rate limit, six ways side by side in one run.

The PingOne-shaped test server (tests/servers/pingone_api) enforces a licence's budget: ``--rate`` requests a second,
``--burst`` at once, ``--share`` of both for each client IP (everything here comes from 127.0.0.1), answering over it
``429 REQUEST_LIMITED`` with Retry-After in whole seconds (limits.py); it holds every request ``--latency-ms``. The
allowed rate is ``--rate`` x ``--share``. Each way creates ``--users`` users in an empty environment:

1. a plain client: ``--parallel`` threads of one requests.Session, each POSTing a user and, answered 429, sleeping the
   Retry-After before sending it again, as a script does;
2. api_resource (in process, as its action plugin runs it) with the throttle before issue 27 (bench/_legacy_throttle.py);
3. api_resource, its rate learnt from the 429s (no budget configured);
4. api_resource with a rate budget (rate_limit) of the allowed rate, burst ``--budget-burst``;
5. four plays at once (four processes), a quarter of the users each, sharing that budget;
6. four plays at once, each learning its rate alone;
7. the no-change run (``no-change``): the users created by one converge with the budget, then the same converge again,
   timed: its writes, its reads against the floor (a request a page of PingOne's users page, 200) and its time against
   those reads at the allowed rate; per-object reads as a Terraform refresh makes them and a uri loop (timed on
   ``--uri-sample`` users), extrapolated; the peak memory of this process, where the tasks ran;
8. the no-change run with memberships (``memberships``): ``--groups`` groups and the users in ``--memberships`` of them
   each, made at full speed through the environment engine (pingone_platform's), then converged again under the limit,
   timed: its writes, its reads against the floor (the pages of the lists and of each group's users) and its time
   against those reads at the allowed rate, and the per-user reads of memberships it replaces, extrapolated.
   Before either no-change run, what it reads is read once by a plain client, untimed (warm_test_server): the test
   server derives memberships and filters at the first read after a write, PingOne as it writes. Each no-change run
   is timed ``--repeat`` times (5), and the median reported with the range: one run varies by 20-30% on a 2-core
   machine that also serves the test servers.

Reported for each: users created and failed, the requests the server answered 429 and their share of all requests,
the seconds, and the share of the allowed rate sustained: requests answered (not 429) a second over the allowed rate.
Ratios come from one run, so a busy machine slows every way alike. Every way's bearer token is requested before its
clock starts (the OP is not rate limited here).

The defaults (100 requests/s, burst 10, 1,000 users) take about 3 minutes, a third of it the throttle before issue 27:
``--skip-legacy`` leaves it out; ``--users 10000`` and ``--users 100000 --skip-legacy --skip-plain`` are the issue's
scales (about 20 and 170 minutes at 100/s: raise ``--rate`` to shorten them, as far as this machine can serve).

    make bench     (or: .venv/newest/bin/python bench/rate_budget.py [--users 1000] [--rate 100] [--burst 10] [--share 1] [--ways ...])
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode

from _playbooks import TOP, ansible_env, basic_client_vars, run_play  # first: it puts tests/ on sys.path
from servers.op import harness
from servers.pingone_api import harness as p1api_harness
from servers.pingone_api.paging import PAGE_SIZES

BUILD = os.path.join(TOP, '.build')


def import_collection():
    """The collection from the build tree (tests/bin/build-tree), importable in process."""
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    sys.path.insert(0, BUILD)


import_collection()

# pylint: disable=wrong-import-position,wrong-import-order
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # noqa: E402

import _legacy_throttle  # noqa: E402
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of  # noqa: E402
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import (  # noqa: E402
    api_info_module_kwargs,
    api_resource_module_kwargs,
    pingone_environment_module_kwargs,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext  # noqa: E402
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError  # noqa: E402
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import converge as converge_module  # noqa: E402
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_environment_task, run_info_task, run_resource_task  # noqa: E402
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge  # noqa: E402


def validated(module_kwargs, args):
    validation = ArgumentSpecValidator(**module_kwargs).validate(args)
    if validation.error_messages:
        raise SystemExit('; '.join(validation.error_messages))
    return options_of(validation.validated_parameters)


def edge_task(module_kwargs, args, use_case):
    """One task as its action plugin runs it, through the edge (_edge.run: the arguments validated, a plain items list
    kept out of the validator's deep copy, the result masked): its result; a failed one ends the benchmark."""
    result = _edge.run(module_kwargs, args, use_case)
    if result.get('failed'):
        raise SystemExit(f'the task failed: {result.get("msg")}')
    return result


class Way:
    """One way's numbers."""

    def __init__(self, label, users, created, refused, answered, seconds, allowed, note=''):
        self.label, self.users, self.created, self.refused, self.answered = label, users, created, refused, answered
        self.seconds, self.allowed, self.note = seconds, allowed, note

    @property
    def held(self):
        return self.answered / (self.seconds * self.allowed)

    def row(self):
        sent = self.answered + self.refused
        return (
            f'{self.label:<44} {self.users:>7,} {self.created:>7,} {self.users - self.created:>6,} {self.refused:>6,} '
            f'{self.refused / max(1, sent):>6.1%} {self.seconds:>8.1f} {self.held:>6.1%}{"  " + self.note if self.note else ""}'
        )


HEADER = f'{"way":<44} {"users":>7} {"created":>7} {"failed":>6} {"429s":>6} {"share":>6} {"seconds":>8} {"held":>6}'


def task_args(op, api, workdir, **args):
    csjwt = op.clients['csjwt']
    return dict(
        issuer=op.issuer,
        client_id=csjwt['client_id'],
        client_secret=csjwt['client_secret'],
        ca_path=op.ca_path,
        scope=['api:read', 'api:write'],
        token_store_path=os.path.join(workdir, 'store'),
        api_style='pingone',
        **args,
    )


def users_of(population, count, prefix='user'):
    return [{'username': f'{prefix}{number:06d}', 'population': {'id': population}, 'email': f'{prefix}{number}@example.test'} for number in range(count)]


def prepare(api, limit, latency_ms):
    """The server emptied with the licence's limit and the latency armed, and one population in it: its id, once the
    licence's bucket is full again."""
    api.reset(rate_limit=limit, latency_ms=latency_ms)
    answer = api.admin_session().post(api.collection_url('populations'), json={'name': 'Staff'})
    if answer.status_code != 201:
        raise SystemExit(f'the population could not be made: HTTP {answer.status_code}')
    time.sleep(1.0)  # the licence's bucket full again
    return answer.json()['id']


def warm_token(op, api, workdir, **args):
    """The task's bearer token requested and stored before the clock starts (one read, within the burst)."""
    budget = {name: value for name, value in args.items() if name.startswith('rate_limit')}
    run_info_task(validated(api_info_module_kwargs(), task_args(op, api, workdir, url=api.collection_url('populations'), **budget)), TaskContext())
    time.sleep(0.2)


def counted(api, mark):
    refused = api.count(status=429, since=mark)
    return refused, len(api.requests_log(mark)) - refused


def converge(op, api, workdir, users, **args):
    """One api_resource task in process: the users it created."""
    options = validated(api_resource_module_kwargs(), task_args(op, api, workdir, url=api.collection_url('users'), key='username', items=users, **args))
    try:
        return len(run_resource_task(options, TaskContext())['created'])
    except OIDCError as exc:
        return len((getattr(exc, 'done', None) or {}).get('created') or [])


def way_plain(op, api, workdir, population, count, parallel, allowed):
    """A requests.Session, ``parallel`` threads, each user POSTed until it is not answered 429 (sleeping Retry-After)."""
    session = api.admin_session()
    work = queue.Queue()
    for user in users_of(population, count):
        work.put(user)
    created = []
    url = api.collection_url('users')

    def worker():
        while True:
            try:
                user = work.get_nowait()
            except queue.Empty:
                return
            while True:
                answer = session.post(url, json=user, timeout=60)
                if answer.status_code != 429:
                    break
                time.sleep(float(answer.headers.get('Retry-After') or 1))
            if answer.status_code == 201:
                created.append(user['username'])

    time.sleep(1.0)
    mark = api.mark()
    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _thread in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    return Way(f'plain client ({parallel} threads, Retry-After each)', count, len(created), *counted(api, mark), seconds, allowed)


def way_task(label, op, api, workdir, population, count, allowed, legacy=False, **args):
    warm_token(op, api, workdir, **args)
    original = converge_module.Throttle
    if legacy:
        converge_module.Throttle = _legacy_throttle.LegacyThrottle
    try:
        time.sleep(1.0)
        mark = api.mark()
        started = time.monotonic()
        created = converge(op, api, workdir, users_of(population, count), **args)
        seconds = time.monotonic() - started
    finally:
        converge_module.Throttle = original
    return Way(label, count, created, *counted(api, mark), seconds, allowed)


def _play(op, api, workdir, users, args, results):
    results.put(converge(op, api, workdir, users, **args))


def way_plays(label, op, api, workdir, population, count, allowed, plays=4, **args):
    """``plays`` processes at once, each converging its share of the users (one token store, so one token)."""
    warm_token(op, api, workdir, **args)
    context = multiprocessing.get_context('fork')
    results = context.Queue()
    share = count // plays
    processes = [
        context.Process(target=_play, args=(op, api, workdir, users_of(population, share, prefix=f'play{play}-'), args, results)) for play in range(plays)
    ]
    time.sleep(1.0)
    mark = api.mark()
    started = time.monotonic()
    for process in processes:
        process.start()
    created = sum(results.get(timeout=36000) for _process in processes)
    seconds = time.monotonic() - started
    for process in processes:
        process.join(60)
    return Way(label, share * plays, created, *counted(api, mark), seconds, allowed)


def uri_seconds_per_user(op, api, workdir, users, latency_ms):
    """Today's way for a no-change run, timed on a sample: the uri loop (a filtered GET per user, every user there) less
    a play with no user (its token request and ansible-playbook's start and stop), per user. The server holds the sample
    only: its filter scans every user, which PingOne's index does not, and would be timed instead of the loop."""
    population = prepare(api, None, latency_ms)
    admin = api.admin_session()
    users = [dict(user, population={'id': population}) for user in users]
    for user in users:
        if admin.post(api.collection_url('users'), json=user).status_code != 201:
            raise SystemExit('the uri sample could not be seeded')
    env = ansible_env(workdir)
    times = {}
    for sample in ([], users):
        variables = dict(basic_client_vars(op), p1_url=api.env_url, bench_users=sample)
        times[len(sample)], _changed = run_play(workdir, 'uri', 'pingone_users_uri.yml', variables, env)
    return (times[len(users)] - times[0]) / len(users)


def way_no_change(op, api, workdir, population, count, allowed, latency_ms, uri_sample, repeat, **args):
    """The users created by one converge (not timed), then the same converge again, timed: its writes (0), its reads
    against the floor (a request a page of PingOne's largest users page, which no client goes below), and its time
    against those reads at the allowed rate; beside it, per-object reads as Terraform's refresh makes them (one GET an
    object, at the allowed rate) and a uri loop (timed on a sample), both extrapolated to the users; and the peak memory
    of this process, where the tasks ran."""
    users = users_of(population, count)
    warm_token(op, api, workdir, **args)
    before = resident_mib()
    converge(op, api, workdir, users, **args)
    warm_test_server(api, PAGE_SIZES['readAllUsers'])
    given = task_args(op, api, workdir, url=api.collection_url('users'), key='username', items=users, result_detail='compact', **args)
    seconds, result, refused, answered, spread = timed_runs(api, repeat, lambda: edge_task(api_resource_module_kwargs(), given, run_resource_task))
    floor_reads = math.ceil(count / PAGE_SIZES['readAllUsers'])
    # Pages follow one another (each holds the next cursor): a read costs the latency at least, and the rate allows one
    # every 1/allowed seconds.
    floor_seconds = floor_reads * max(1.0 / allowed, latency_ms / 1000.0)
    print(
        f'  no-change run of {count:,} users (page_size {args.get("page_size", 100)}): {answered + refused} requests, {refused} answered 429, '
        f'{result["counts"]["created"] + result["counts"]["updated"] + result["counts"]["deleted"]} writes, {seconds:.2f} s{spread}; '
        f'floor {floor_reads} reads ({PAGE_SIZES["readAllUsers"]} users a page) in {floor_seconds:.2f} s: '
        f'{(answered + refused) / floor_reads:.2f}x the reads, {seconds / floor_seconds:.2f}x their time'
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    per_user = max(0.0, peak - before) * 1024 / count
    print(
        f'  peak memory of this process (the tasks ran in it): {peak:.0f} MiB, {before:.0f} MiB before the first run: {per_user:.1f} KiB a user; '
        f'at 100,000 users {before + per_user * 100 / 1.024:.0f} MiB, at 1,000,000 {before + per_user * 1000 / 1.024:.0f} MiB (extrapolated)'
    )
    plain = statistics.median(plain_read_seconds(api, args.get('page_size', 100)) for _run in range(max(1, repeat)))
    print(
        f'  the same pages read by a plain client (one requests.Session, next links followed, no compare): {plain:.2f} s'
        f'{f" (median of {repeat})" if repeat > 1 else ""}; ours {seconds / plain:.2f}x that'
    )
    terraform = count * max(1.0 / allowed, latency_ms / 1000.0 / max(1, args.get('parallel', 4)))
    print(f'  per-object reads as a Terraform refresh makes them ({count:,} GETs at {allowed:g}/s, extrapolated):', end=' ')
    print(f'{terraform:.1f} s, {terraform / seconds:.1f}x ours')
    if uri_sample:
        per_user = uri_seconds_per_user(op, api, workdir, users[:uri_sample], latency_ms)
        print(f'  a uri loop, a filtered GET a user (timed on {uri_sample}, {per_user * 1000:.1f} ms a user, extrapolated):', end=' ')
        print(f'{per_user * count:.1f} s, {per_user * count / seconds:.1f}x ours')


def environment_task(op, api, workdir, document, **args):
    """One pingone_environment task in process, through the edge as its action plugin runs it: its result."""
    given = {name: value for name, value in task_args(op, api, workdir, **args).items() if name != 'api_style'}
    return edge_task(pingone_environment_module_kwargs(), dict(given, api_url=api.env_url, document=document), run_environment_task)


def directory(count, groups, memberships):
    """A directory as pingone_environment's document: one population, ``groups`` groups, ``count`` users in
    ``memberships`` groups each (bench/document_file.py converges the same through the role)."""
    names = [f'group{number:03d}' for number in range(groups)]
    users = [
        {'username': f'user{n:06d}', 'population': 'Staff', 'email': f'user{n}@example.test', 'groups': [names[(n + k) % groups] for k in range(memberships)]}
        for n in range(count)
    ]
    return {'populations': [{'name': 'Staff'}], 'groups': [{'name': name, 'population': 'Staff'} for name in names], 'users': users}


def way_memberships(op, api, workdir, count, groups, memberships, limit, allowed, latency_ms, repeat, **args):
    """The no-change run of a whole directory through the environment engine (pingone_platform's): one population,
    ``groups`` groups, ``count`` users in ``memberships`` groups each. The directory is made at full speed (no limit
    armed), then the licence's limit and the latency are armed and the same document converged again, timed: its writes
    (0), its reads against the floor (the pages of the populations, groups and users lists, and of each group's members,
    read by filter: what no client that checks every membership goes below), and against the reads of each user's
    memberships, one request a user (the engine before it read memberships by group; extrapolated at the allowed rate)."""
    api.limit()
    document = directory(count, groups, memberships)
    names, users = [group['name'] for group in document['groups']], document['users']
    # Made without the budget as well: at 100 requests a second 30,000 writes would take 5 minutes.
    seeding = time.monotonic()
    seeded = environment_task(op, api, workdir, document, **{name: value for name, value in args.items() if not name.startswith('rate_limit')})
    seeding = time.monotonic() - seeding
    warm_test_server(api, PAGE_SIZES['readAllUsers'])
    api.limit(rate_limit=limit, latency_ms=latency_ms)
    since = api.mark()
    # As a large directory is converged: one summary line for the memberships left as they were, no ids in the result (as
    # the no-change way's api_resource task, result_detail compact).
    seconds, result, refused, answered, spread = timed_runs(api, repeat, lambda: environment_task(op, api, workdir, document, result_detail='compact', **args))
    members = [sum(1 for user in users if name in user['groups']) for name in names]
    page = PAGE_SIZES['readAllUsers']
    floor_reads = 2 + math.ceil(count / page) + sum(max(1, math.ceil(m / page)) for m in members)
    per_read = max(1.0 / allowed, latency_ms / 1000.0)
    floor_seconds = floor_reads * per_read
    writes = api.writes(since=since)  # in all the runs
    print(
        f'  no-change run of {count:,} users in {groups} groups, {count * memberships:,} memberships (pingone_environment, {seeded["requests"]:,} requests '
        f'to make them, a first run without the limit, in {seeding:.1f} s): {answered + refused} requests, {refused} answered 429, {writes} writes, '
        f'changed {result["changed"]}, {seconds:.2f} s{spread}; '
        f'floor {floor_reads} page reads in {floor_seconds:.2f} s: {(answered + refused) / floor_reads:.2f}x the reads, '
        f'{seconds / floor_seconds:.2f}x their time'
    )
    per_user = 2 + math.ceil(count / page) + count
    print(
        f"  the same run reading each user's memberships (one request a user, as before the reads by group): {per_user:,} requests, "
        f'{per_user * per_read:.1f} s at the allowed rate (extrapolated): {per_user * per_read / seconds:.1f}x ours'
    )


def timed_runs(api, repeat, run):
    """The same no-change task run ``repeat`` times, each after a second's rest (the licence's bucket full): the median
    seconds, the first run's result, its requests answered 429 and not, and the spread in words. One run on a 2-core
    machine that also serves the test servers varies by 20-30% from one to the next; the median of five by a few %."""
    times, first = [], None
    for _run in range(max(1, repeat)):
        time.sleep(1.0)
        mark = api.mark()
        started = time.monotonic()
        result = run()
        times.append(time.monotonic() - started)
        if first is None:
            first = (result, *counted(api, mark))
    spread = f' (median of {len(times)} runs, {min(times):.2f}-{max(times):.2f} s)' if len(times) > 1 else ''
    return (statistics.median(times), *first, spread)


def plain_read_seconds(api, page_size):
    """The seconds a plain client takes to read every user page after a second's rest (the rate's bucket full): what the
    test server itself needs to serve them, which no client goes below."""
    session = api.admin_session()
    time.sleep(1.0)
    started = time.monotonic()
    read_pages(api, session, api.collection_url('users') + f'?limit={page_size}')
    return time.monotonic() - started


def read_pages(api, session, url, timed=True):
    """Every page of a list, its next links followed by a plain client: how many. Untimed, a 429 is waited out."""
    pages = 0
    while url:
        pages += 1
        if pages % 100 == 0:
            session = api.admin_session()  # a fresh token: at 100,000 users the test server's pages outlast one
        answer = session.get(url, timeout=60)
        if answer.status_code == 429 and not timed:
            time.sleep(float(answer.headers.get('Retry-After') or 1))
            continue
        if answer.status_code != 200:
            raise SystemExit(f'plain read: HTTP {answer.status_code}')
        url = ((answer.json().get('_links') or {}).get('next') or {}).get('href')
    return pages


def warm_test_server(api, page_size):
    """What the no-change run reads, read once before it by a plain client, untimed and before the limit is armed. The
    test server works out what it derives from its store (each user's groups, what a filter chose, a list's order) at the
    first read after a write and keeps it until the next write, where PingOne keeps its indexes as it writes: without
    this, the timed run just after the seeding writes paid 0.4-0.6 s of this server's catching up (its CPU time 1.0-1.35 s
    against 0.5-0.7 s in the runs after), and the bench is to time the client, not the test server."""
    session = api.admin_session()
    urls = [api.collection_url('users') + f'?limit={page_size}']
    for group_id in api.held('groups', key='id', session=session):
        urls.append(api.collection_url('users') + '?' + urlencode({'filter': f'memberOfGroups[id eq {json.dumps(group_id)}]', 'limit': page_size}))
        urls.append(api.collection_url('groups', group_id) + '?include=totalMemberCounts')
    for url in urls:
        read_pages(api, session, url, timed=False)


def resident_mib():
    """This process's resident memory now (VmRSS), MiB."""
    with open('/proc/self/status', encoding='ascii') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024.0
    return 0.0


WAYS = ('plain', 'legacy', 'learnt', 'budget', 'plays', 'plays-alone', 'no-change', 'memberships')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', type=int, default=1000)
    parser.add_argument('--rate', type=float, default=100.0, help="the licence's requests a second")
    parser.add_argument('--burst', type=int, default=10, help="the licence's requests at once")
    parser.add_argument('--share', type=float, default=1.0, help="each client IP's share of the licence (PingOne: about 0.35)")
    parser.add_argument('--latency-ms', type=float, default=5.0)
    parser.add_argument('--parallel', type=int, default=4)
    parser.add_argument('--budget-burst', type=int, default=5, help="rate_limit_burst of the budget ways (half the licence's burst)")
    parser.add_argument('--ways', nargs='+', choices=WAYS, default=list(WAYS), help='the ways to run, in this order (default: all)')
    parser.add_argument('--skip-legacy', action='store_true', help='leave out the throttle before issue 27 (the slowest way)')
    parser.add_argument('--skip-plain', action='store_true', help='leave out the plain client')
    parser.add_argument('--page-size', type=int, default=200, help="page_size of the no-change run (PingOne's users page holds at most 200)")
    parser.add_argument('--uri-sample', type=int, default=50, help='users of the timed uri loop of the no-change run (0: none)')
    parser.add_argument('--groups', type=int, default=10, help='groups of the memberships way')
    parser.add_argument('--memberships', type=int, default=2, help='groups of each user in the memberships way')
    parser.add_argument('--repeat', type=int, default=5, help='timed runs of each no-change way, their median reported')
    args = parser.parse_args(argv)
    chosen = [way for way in args.ways if not (way == 'legacy' and args.skip_legacy) and not (way == 'plain' and args.skip_plain)]
    harness.install()
    allowed = args.rate * args.share
    limit = {'rate': args.rate, 'burst': args.burst, 'per_ip_share': args.share}
    budget = dict(rate_limit=allowed, rate_limit_burst=args.budget_burst)
    print(
        f'{args.users:,} users; licence {args.rate:g} requests/s, burst {args.burst}, {args.share:g} of it per IP: {allowed:g}/s allowed; '
        f'latency {args.latency_ms:g} ms; parallel {args.parallel}; budget burst {args.budget_burst}'
    )
    ways = []
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-rate-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op, p1api_harness.PingOneAPI(os.path.join(workdir, 'p1'), op) as api:
            common = (op, api)
            runs = {
                'plain': lambda population, store: way_plain(op, api, store, population, args.users, args.parallel, allowed),
                'legacy': lambda population, store: way_task(
                    'api_resource, throttle before issue 27', *common, store, population, args.users, allowed, legacy=True, parallel=args.parallel
                ),
                'learnt': lambda population, store: way_task(
                    'api_resource, rate learnt (no budget)', *common, store, population, args.users, allowed, parallel=args.parallel
                ),
                'budget': lambda population, store: way_task(
                    'api_resource, rate budget', *common, store, population, args.users, allowed, parallel=args.parallel, **budget
                ),
                'plays': lambda population, store: way_plays(
                    '4 plays at once, one budget', *common, store, population, args.users, allowed, parallel=args.parallel, **budget
                ),
                'no-change': lambda population, store: way_no_change(
                    op,
                    api,
                    store,
                    population,
                    args.users,
                    allowed,
                    args.latency_ms,
                    args.uri_sample,
                    args.repeat,
                    parallel=args.parallel,
                    page_size=args.page_size,
                    **budget,
                ),
                'memberships': lambda _population, store: way_memberships(
                    op,
                    api,
                    store,
                    args.users,
                    args.groups,
                    args.memberships,
                    limit,
                    allowed,
                    args.latency_ms,
                    args.repeat,
                    parallel=args.parallel,
                    page_size=args.page_size,
                    **budget,
                ),
                'plays-alone': lambda population, store: way_plays(
                    '4 plays at once, each learning alone', *common, store, population, args.users, allowed, parallel=args.parallel
                ),
            }
            print(HEADER)
            for number, name in enumerate(chosen):
                store = os.path.join(workdir, f'way{number}')
                os.makedirs(store)
                way = runs[name](prepare(api, limit, args.latency_ms), store)
                if way is not None:  # the no-change runs print their own lines
                    ways.append(way)
                    print('  ' + way.row(), flush=True)
    base = next((way for way in ways if way.label.startswith('api_resource, rate learnt')), None)
    if base is not None and len(ways) > 1:
        print()
        for way in ways:
            if way is not base:
                print(f'  {way.label}: {way.seconds / base.seconds:.2f}x the time of the learnt rate, {way.held / base.held:.2f}x its share held')
    return 0


if __name__ == '__main__':
    sys.exit(main())
