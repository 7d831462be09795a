# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: a token for every host of a 50-host play, three ways, in one run.

1. the jwtauth.oidc.token lookup with its token store (client_secret_jwt);
2. the same lookup with token_store=false (what lookups without a store do);
3. today's workaround: an ansible.builtin.uri task with run_once and a
   registered variable (client_secret_basic, since uri cannot sign assertions).

Each play renders, on every host, a template that uses the token twice
(forks 10, local connection). Token requests are counted at the OP; wall time
is the ansible-playbook run. Prints both and the ratios.

    make bench     (or: .venv/py311/bin/python bench/token_lookup.py [--hosts 50] [--forks 10] [--repeat 3])
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from _playbooks import TOP, playbook_command, write_vars  # first: it puts tests/ on sys.path, for the servers package
from servers.op import harness


def write(path, text, mode=0o600):
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), 'w') as handle:
        handle.write(text)
    return path


def run_play(op, workdir, label, play, variables, hosts, forks):
    """Run bench/playbooks/<play>; return (seconds, token requests at the OP, distinct tokens rendered)."""
    out = os.path.join(workdir, label + '-out')
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    variables = dict(variables, out=out)
    vars_path = write_vars(workdir, label, variables)
    inventory = write(
        os.path.join(workdir, 'inventory.ini'),
        '[many]\n' + ''.join(f'host{i:03d} ansible_connection=local ansible_python_interpreter={sys.executable}\n' for i in range(hosts)),
    )
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(TOP, '.build'), ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'), ANSIBLE_NOCOLOR='1')
    env = {key: value for key, value in env.items() if not key.startswith('JWTAUTH_OIDC_')}
    mark = op.mark()
    started = time.perf_counter()
    proc = subprocess.run(
        playbook_command(play, vars_path) + ['-i', inventory, '-f', str(forks)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f'{label} failed:\n{proc.stdout[-3000:]}')
    requests_seen = op.count('request', path=op.token_endpoint(), since=mark)
    tokens = set()
    for name in os.listdir(out):
        with open(os.path.join(out, name)) as handle:
            tokens.update(handle.read().split())
    if len(os.listdir(out)) != hosts:
        raise SystemExit(f'{label}: {len(os.listdir(out))} hosts rendered, expected {hosts}')
    return seconds, requests_seen, len(tokens)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--hosts', type=int, default=50)
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--repeat', type=int, default=3, help='runs of each way; the median time is reported')
    args = parser.parse_args(argv)
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    workdir = tempfile.mkdtemp(prefix='jwtauth-bench-')
    try:
        with harness.OP(os.path.join(workdir, 'op')) as op:
            csjwt, basic = op.clients['csjwt'], op.clients['basic']
            lookup_vars = {
                'jwtauth_oidc_issuer': op.issuer,
                'jwtauth_oidc_client_id': csjwt['client_id'],
                'jwtauth_oidc_client_secret': csjwt['client_secret'],
                'jwtauth_oidc_ca_path': op.ca_path,
            }
            ways = [
                ('lookup + token store', 'token_lookup.yml', dict(lookup_vars, jwtauth_oidc_token_store_path=os.path.join(workdir, 'store'))),
                ('lookup, store off', 'token_lookup.yml', dict(lookup_vars, jwtauth_oidc_token_store=False)),
                (
                    'uri + run_once workaround',
                    'token_uri_run_once.yml',
                    {'token_endpoint': op.token_endpoint(), 'client_id': basic['client_id'], 'client_secret': basic['client_secret'], 'ca_path': op.ca_path},
                ),
            ]
            results = {}
            for label, play, variables in ways:
                runs = []
                for attempt in range(args.repeat):
                    if label.startswith('lookup + token store'):
                        # Each run starts with an empty store: the first reference really requests a token.
                        shutil.rmtree(variables['jwtauth_oidc_token_store_path'], ignore_errors=True)
                    runs.append(run_play(op, workdir, f'way{len(results)}', play, variables, args.hosts, args.forks))
                results[label] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs), max(r[2] for r in runs))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f'Token for {args.hosts} hosts, template using it twice per host, forks {args.forks}, median of {args.repeat} runs')
    print(f'{"way":<28} {"wall s":>10} {"token requests":>16} {"distinct tokens":>15}')
    for label, (seconds, requests_seen, tokens) in results.items():
        print(f'{label:<28} {seconds:>10.2f} {requests_seen:>16} {tokens:>15}')
    # What each way is measured for, checked: the no-store baseline (which the integration tests left to this
    # benchmark) asks the OP once per reference and renders a distinct token each time; the store asks once.
    expected = {'lookup + token store': (1, 1), 'lookup, store off': (2 * args.hosts, 2 * args.hosts)}
    for label, (requests_wanted, tokens_wanted) in expected.items():
        if results[label][1:] != (requests_wanted, tokens_wanted):
            raise SystemExit(
                f'{label}: {results[label][1]} token requests and {results[label][2]} distinct tokens, expected {requests_wanted} and {tokens_wanted}'
            )
    ours = results['lookup + token store']
    for other in ('lookup, store off', 'uri + run_once workaround'):
        print(f'ratio {other} / lookup + token store: time {results[other][0] / ours[0]:.2f}x, token requests {results[other][1] / max(ours[1], 1):.0f}x')
    return 0


if __name__ == '__main__':
    sys.exit(main())
