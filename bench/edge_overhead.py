# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the edge's own time per item of an api_resource task with many items, two ways, in one run.

1. as before: the edge as it was before the items list was set aside, coded below (run_as_before): ArgumentSpecValidator.validate
   over every argument (a deep copy of every item), remove_values() with every mask over the whole validated
   arguments, the whole items list echoed in invocation.module_args;
2. now: plugin_utils/_edge.run as the action plugin calls it.

Both run the same fake use case: a no-change converge of N SCIM users (every key unchanged, an id each), made
before the clock starts, so what is timed is the edge alone. Each user is a dict of 5 keys; two of them (the
first and the middle one) carry a write-only password. Prints, for each N, ms per item both ways and the ratio,
the pickled size of the result (what a worker sends to the controller's main process) and the peak of Python
memory while the edge runs and its result is pickled (tracemalloc, a separate run).

    make bench     (or: .venv/newest/bin/python bench/edge_overhead.py [--items 300 3000 10000] [--repeat 3])

The collection is imported from the build tree this file is in, else from ANSIBLE_COLLECTIONS_PATH when that
holds jwtauth.oidc, else from .build, built here (tests/bin/build-tree) as the other benchmarks do.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import statistics
import subprocess
import time
import tracemalloc

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
BEARER = 'bench-bearer-token-' + 'b' * 40
# With a password on every user, the old way is not run on more items than this (see main).
BEFORE_MAX_EVERY = 1000


def collection_root():
    """The directory that holds ansible_collections/jwtauth/oidc."""
    if TOP.split(os.sep)[-3:] == ['ansible_collections', 'jwtauth', 'oidc']:
        return os.sep.join(TOP.split(os.sep)[:-3])
    for path in filter(None, os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep)):
        if os.path.isdir(os.path.join(path, 'ansible_collections', 'jwtauth', 'oidc')):
            return path
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(TOP, '.build')


def import_collection():
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    _AnsibleCollectionFinder(paths=[collection_root()])._install()  # pylint: disable=protected-access


import_collection()

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # noqa: E402  pylint: disable=wrong-import-position
from ansible.module_utils.common.parameters import remove_values  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.sources import task_settings_win  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.specs import api_resource_module_kwargs  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.checks import validate, values_to_mask  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _edge  # noqa: E402  pylint: disable=wrong-import-position


def run_as_before(module_kwargs, args, use_case, check_mode=False, diff=False):
    """The success path of _edge.run before."""
    module_kwargs = dict(module_kwargs, argument_spec=task_settings_win(module_kwargs['argument_spec'], args))
    validation = ArgumentSpecValidator(**module_kwargs).validate(args)
    errors = validate(validation, module_kwargs['argument_spec'])
    if errors:
        raise SystemExit('as before: ' + '; '.join(errors))
    outcome = dict(use_case(options_of(validation.validated_parameters), TaskContext(), check_mode, diff))
    if outcome.get('warnings'):
        outcome['warnings'] = remove_values(list(outcome['warnings']), values_to_mask(validation))
    outcome['invocation'] = {'module_args': remove_values(dict(validation.validated_parameters), values_to_mask(validation))}
    return outcome


def users(count, passwords):
    """``count`` SCIM users of 5 keys each; the first and the middle one with a write-only password, or every one."""
    made = [
        {
            'schemas': [CORE_USER],
            'userName': f'user{number:05d}',
            'name': {'givenName': f'Given{number}', 'familyName': 'Family'},
            'emails': [{'value': f'user{number:05d}@example.test', 'type': 'work', 'primary': True}],
            'active': True,
        }
        for number in range(count)
    ]
    for number in range(count) if passwords == 'every' else {0, count // 2}:
        made[number]['password'] = f'initial-password-{number}-Zq8'
    return made


def task(count, passwords):
    """The task's arguments, and a use case that returns what a no-change converge of them returns."""
    items = users(count, passwords)
    args = {
        'url': 'https://scim.example.test/v2/Users',
        'api_style': 'scim',
        'key': 'userName',
        'items': items,
        'write_only_keys': ['password'],
        'bearer_token': BEARER,
    }
    keys = [item['userName'] for item in items]
    converged = {
        'changed': False,
        'created': [],
        'updated': [],
        'deleted': [],
        'unchanged': keys,
        'ids': {key: f'id-{number}' for number, key in enumerate(keys)},
        'requests': count // 100 + 1,
        'msg': f'Users: unchanged {count}',
    }

    def unchanged(options, context, check_mode, diff):
        if len(options.items) != count:
            raise AssertionError(f'the use case got {len(options.items)} items, not {count}')
        return dict(converged)

    return args, unchanged


def timed(way, args, use_case, repeat):
    """The median seconds of ``repeat`` runs, and the last result."""
    seconds: list[float] = []
    while len(seconds) < repeat:
        gc.collect()
        start = time.perf_counter()
        result = way(api_resource_module_kwargs(), args, use_case)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def peak(way, args, use_case):
    """Peak bytes Python allocated while ``way`` ran and its result was pickled."""
    gc.collect()
    tracemalloc.start()
    pickle.dumps(way(api_resource_module_kwargs(), args, use_case))
    top = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return top


def check(before, now, count):
    """The two ways return the same result, but for the echoed items; no password shows in either."""
    for name in ('changed', 'unchanged', 'ids', 'msg'):
        if before[name] != now[name]:
            raise SystemExit(f'the two ways differ in {name}')
    for result in (before, now):
        text = repr(result)
        if 'initial-password-' in text or BEARER in text:
            raise SystemExit('a secret shows in a result')
    echoed = now['invocation']['module_args']['items']
    shown = len(echoed) if isinstance(echoed, list) else echoed['count']
    if shown != count:
        raise SystemExit(f'the echoed items say {shown}, not {count}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--items', type=int, nargs='+', default=[300, 3000, 10000])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--no-memory', action='store_true', help='skip the tracemalloc runs')
    parser.add_argument(
        '--passwords', choices=['two', 'every'], default='two', help='which users have a write-only password: the first and the middle one, or every one'
    )
    options = parser.parse_args()
    print(
        (
            f'edge overhead per item, median of {options.repeat} runs (ms per item; pickled result; peak Python memory); passwords: '
            f'{"the first and the middle user" if options.passwords == "two" else "every user"}'
        )
    )
    for count in options.items:
        args, use_case = task(count, options.passwords)
        ways = {}
        for name, way in (('as before', run_as_before), ('now', _edge.run)):
            if name == 'as before' and options.passwords == 'every' and count > BEFORE_MAX_EVERY:
                # Every mask tried on every string of the echoed items: masks times strings, both growing with the items.
                print(f'  {count:>6} items, as before: not run: with a password on every user it grows with the square of the items')
                continue
            seconds, result = timed(way, args, use_case, options.repeat)
            ways[name] = (seconds, result, None if options.no_memory else peak(way, args, use_case))
        if len(ways) < 2:
            seconds, result, memory = ways['now']
            pickled = len(pickle.dumps(result))
            print(f'  {count:>6} items, now      : {seconds * 1000 / count:7.4f} ms/item ({seconds * 1000:8.1f} ms), result pickled {pickled:9,d} bytes')
            continue
        check(ways['as before'][1], ways['now'][1], count)
        for name, (seconds, result, memory) in ways.items():
            print(
                (
                    f'  {count:>6} items, {name:<9}: {seconds * 1000 / count:7.4f} ms/item ({seconds * 1000:8.1f} ms), result pickled '
                    f'{len(pickle.dumps(result)):9,d} bytes{"" if memory is None else f", peak {memory / 1e6:6.1f} MB"}'
                )
            )
        before, now = ways['as before'], ways['now']
        print(
            f'  {count:>6} items: now is {before[0] / now[0]:.1f}x faster, its result {len(pickle.dumps(before[1])) / len(pickle.dumps(now[1])):.1f}x smaller'
        )


if __name__ == '__main__':
    main()
