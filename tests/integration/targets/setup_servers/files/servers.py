# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test servers for one ``ansible-test integration`` run: started once, stopped when the run ends.

``servers.py start --state-dir DIR --lifeline PID`` (the setup_servers target's runme.sh) starts a keeper process of
its own session that runs the servers of the collection's ``tests/servers`` package: the test OP, the SCIM server
and the PingOne-shaped Management API. Once they are ready it writes what the targets read to ``DIR/servers.json``
(mode 0600: it holds the OP client's secret; nothing here prints it) and returns. The keeper stops the servers and
exits when the process PID (ansible-test, which has no teardown step) has ended, or on SIGTERM; the servers, whose
stdin is a pipe from the keeper, exit with it even if it is killed.

``servers.py stop --state-dir DIR --grace SECONDS`` waits that long for the keeper and its servers to be gone,
then stops what is left and exits 1: tests/bin/run-tests runs it after ansible-test, so that a run that leaves a
process behind fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time

FACTS = 'servers.json'
PIDS = 'keeper.json'
LOG = 'keeper.log'
# What the keeper and its servers cost, written when they have stopped: they run outside ansible-test's process tree,
# so the CPU time tests/bin/run-tests reports for the suite does not count them.
USAGE = 'keeper-usage.json'
START_TIMEOUT = 120
POLL = 0.5


def collection_root():
    """The collection under test: the entry of ANSIBLE_COLLECTIONS_PATH (set by ansible-test) that holds its test servers."""
    for entry in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep):
        root = os.path.join(entry, 'ansible_collections', 'jwtauth', 'oidc')
        if os.path.isfile(os.path.join(root, 'tests', 'servers', '__init__.py')):
            return root
    raise SystemExit('servers.py: no jwtauth.oidc collection with tests/servers in ANSIBLE_COLLECTIONS_PATH')


def process_start(pid):
    """When process ``pid`` started (clock ticks since boot), None if it is gone or a zombie: a pid and its start
    time name one process, even after the pid is reused. Without /proc (not Linux), '' while the pid runs."""
    try:
        with open(f'/proc/{pid}/stat') as stat:
            fields = stat.read().rsplit(')', 1)[1].split()
    except FileNotFoundError:
        if os.path.isdir('/proc'):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return ''
    # Fields 3 (state) and 22 (starttime) of proc(5), counted after the command name.
    return None if fields[0] in ('Z', 'X') else fields[19]


def write_private(path, data):
    """Write JSON to a file only this user can read, in one rename."""
    partial = path + '.partial'
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as handle:
        json.dump(data, handle, indent=2)
    os.replace(partial, path)


def keep(state_dir, lifeline, started):
    """Run the servers until the lifeline process ends or SIGTERM comes; write the facts once they are ready."""
    began = time.monotonic()
    sys.path.insert(0, os.path.join(collection_root(), 'tests'))
    # pylint: disable=import-outside-toplevel
    from servers.op.harness import OP
    from servers.pingone_api.harness import PingOneAPI
    from servers.scim.harness import SCIMServer

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    with (
        OP(os.path.join(state_dir, 'op')) as op,
        SCIMServer(os.path.join(state_dir, 'scim'), op) as scim,
        PingOneAPI(os.path.join(state_dir, 'pingone_api'), op) as api,
    ):
        servers = (op, scim, api)
        pids = [os.getpid()] + [server.process.pid for server in servers]
        write_private(os.path.join(state_dir, PIDS), [[pid, process_start(pid)] for pid in pids])
        client = op.clients['csjwt']
        write_private(
            os.path.join(state_dir, FACTS),
            {
                'op_issuer': op.issuer,
                'op_ca_path': op.ca_path,
                'op_client_id': client['client_id'],
                'op_client_secret': client['client_secret'],
                'scim_url': scim.base_url,
                'pingone_api_url': api.env_url,
            },
        )
        try:
            while not stopping and process_start(lifeline) == started and all(server.process.poll() is None for server in servers):
                time.sleep(POLL)
        finally:
            # The facts name servers that are about to stop: gone with them.
            os.unlink(os.path.join(state_dir, FACTS))
    cpu = sum(usage.ru_utime + usage.ru_stime for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
    write_private(os.path.join(state_dir, USAGE), {'cpu_seconds': round(cpu, 1), 'seconds': round(time.monotonic() - began, 1)})
    return 0


def alive(state_dir):
    """The pids of the keeper and its servers still running, from the keeper's pid file (pid and start time)."""
    try:
        with open(os.path.join(state_dir, PIDS)) as handle:
            processes = json.load(handle)
    except (OSError, ValueError):
        return []
    return [pid for pid, started in processes if started is not None and process_start(pid) == started]


def wait_gone(state_dir, seconds):
    """Wait up to ``seconds`` for the keeper and its servers to end; the pids of those still running."""
    deadline = time.monotonic() + seconds
    while alive(state_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(state_dir)


def log_tail(state_dir, size=4000):
    """The end of the keeper's output: why the servers did not start."""
    try:
        with open(os.path.join(state_dir, LOG), 'rb') as handle:
            return handle.read()[-size:].decode('utf-8', 'replace')
    except OSError:
        return ''


def start(state_dir, lifeline):
    """Start the keeper in a session of its own and wait for its facts; the state of an earlier run goes first."""
    started = process_start(lifeline) if lifeline else None
    if started is None:
        raise SystemExit(f'servers.py: start needs --lifeline, a running process ({lifeline} is not)')
    if wait_gone(state_dir, 15):
        raise SystemExit(f'servers.py: the test servers of another run still run from {state_dir}')
    shutil.rmtree(state_dir, ignore_errors=True)
    os.makedirs(state_dir, mode=0o700)
    with open(os.path.join(state_dir, LOG), 'ab') as log:
        keeper = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), 'keep', '--state-dir', state_dir, '--lifeline', str(lifeline), '--started', started],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not os.path.exists(os.path.join(state_dir, FACTS)):
        if keeper.poll() is not None or time.monotonic() > deadline:
            keeper.terminate()
            keeper.wait(10)
            raise SystemExit('servers.py: the test servers did not start; keeper output:\n' + log_tail(state_dir))
        time.sleep(0.05)
    print(f'Test servers ready; their connection facts are in {os.path.join(state_dir, FACTS)}')
    return 0


def stop(state_dir, grace):
    """Wait ``grace`` seconds for the keeper and its servers to end; stop what is left and fail if anything was."""
    left = wait_gone(state_dir, grace)
    if not left:
        try:
            with open(os.path.join(state_dir, USAGE)) as handle:
                usage = json.load(handle)
            print(f'Test servers: stopped with the run, after {usage["seconds"]} s and {usage["cpu_seconds"]} CPU-s')
        except (OSError, ValueError):
            pass
        return 0
    for pid in left:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    left_still = wait_gone(state_dir, 10)
    for pid in left_still:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    print(f'servers.py: processes {left} of the test servers outlived the run by {grace:g} s; stopped', file=sys.stderr)
    return 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('command', choices=('start', 'keep', 'stop'))
    parser.add_argument('--state-dir', required=True, help='where the servers keep their files, and the facts go')
    parser.add_argument('--lifeline', type=int, help='start, keep: the process whose end stops the servers')
    parser.add_argument('--started', help=argparse.SUPPRESS)
    parser.add_argument('--grace', type=float, default=15, help='stop: seconds the servers may take to stop on their own')
    args = parser.parse_args(argv)
    state_dir = os.path.abspath(args.state_dir)
    if args.command == 'start':
        return start(state_dir, args.lifeline)
    if args.command == 'keep':
        return keep(state_dir, args.lifeline, args.started)
    return stop(state_dir, args.grace)


if __name__ == '__main__':
    sys.exit(main())
