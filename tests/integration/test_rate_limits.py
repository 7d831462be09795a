# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""api_resource under a licence's strict rate limit (the PingOne-shaped test server's, tests/servers/pingone_api/limits.py).

Counts, not times: how many requests the server answered 429, and how many users were created. The rates are high
enough for each test to take a few seconds; bench/rate_budget.py measures the share of the rate held, at scale.
The tasks run in process (and in forked processes for the plays at once), as the action plugin would run them.
"""

from __future__ import annotations

import multiprocessing

from conftest import in_context, validated
from test_api_resource_pingone import pingone_task
from test_token_module import client_options

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_resource_task

# The licence: 250 requests a second, 10 at once; this client (one IP) may use all of it.
LIMIT = {'rate': 250, 'burst': 10, 'per_ip_share': 1.0}


def limited(api, limit=None):
    """The server emptied with the licence's rate limit armed, and a population in it: its id."""
    api.reset(rate_limit=limit or LIMIT)
    return api.admin_session().post(api.collection_url('populations'), json={'name': 'Staff'}).json()['id']


def users(population, count, prefix='user'):
    return [{'username': f'{prefix}{number:04d}', 'population': {'id': population}} for number in range(count)]


def test_a_configured_budget_needs_no_429_for_1000_writes(op, p1api_server, tmp_path):
    """1,000 users against a licence of 250/s with a budget of the same rate: at most 1% of the requests answered 429
    (issue 27: "a token bucket configured from the licence's known rate needs no 429s"), every user created. Before,
    the throttle learnt nothing of the rate: it met a 429 every few dozen requests."""
    population = limited(p1api_server)
    mark = p1api_server.mark()
    task = pingone_task(op, p1api_server, tmp_path, 'users', items=users(population, 1000), key='username', rate_limit=250, rate_limit_burst=5)
    result = task()
    refused = p1api_server.count(status=429, since=mark)
    assert len(result['created']) == 1000 and refused <= 10, refused


def test_without_a_budget_the_rate_is_learnt_with_few_429s(op, p1api_server, tmp_path):
    """300 users, no budget: the task learns the rate from its first 429s (a pause each, once for all its writers),
    then paces its requests under it. Before, every pause was followed by the writers' full speed and another 429."""
    population = limited(p1api_server)
    mark = p1api_server.mark()
    result = pingone_task(op, p1api_server, tmp_path, 'users', items=users(population, 300), key='username')()
    refused = p1api_server.count(status=429, since=mark)
    assert len(result['created']) == 300 and refused <= 15, refused
    assert any('paced at' in warning for warning in result.get('warnings', [])), result.get('warnings')


def _play(args, queue):
    """One play's converge, in a process of its own; its result or its failure's message."""
    try:
        queue.put(in_context(run_resource_task, validated(api_resource_module_kwargs(), args)))
    except Exception as exc:  # pylint: disable=broad-exception-caught
        queue.put({'msg': f'{type(exc).__name__}: {exc}'})


def test_four_processes_sharing_a_budget_stay_under_the_licence(op, p1api_server, tmp_path):
    """Four plays at once on one controller, 150 users each, one budget of the licence's rate: together at most 1% of
    their requests answered 429, every user created. Each play alone would take the whole rate."""
    population = limited(p1api_server)
    mark = p1api_server.mark()
    task = dict(
        client_options(op, 'csjwt'),
        token_store_path=str(tmp_path / 'store'),
        url=p1api_server.collection_url('users'),
        api_style='pingone',
        key='username',
        scope=['api:read', 'api:write'],
        rate_limit=250,
        rate_limit_burst=5,
    )
    # Spawned, not forked: the test process has threads (the servers' harness, connection pools), and a fork copies
    # whatever lock one of them holds at that moment into a child that can never release it (Python 3.12 warns).
    context = multiprocessing.get_context('spawn')
    queue = context.Queue()
    plays = [context.Process(target=_play, args=(dict(task, items=users(population, 150, prefix=f'play{play}-')), queue)) for play in range(4)]
    for play in plays:
        play.start()
    results = [queue.get(timeout=120) for _play in plays]
    for play in plays:
        play.join(30)
    refused = p1api_server.count(status=429, since=mark)
    assert [len(result.get('created', [])) for result in results] == [150] * 4, [result.get('msg') for result in results]
    assert refused <= 6, refused
