# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures: a real OpenID Provider for the session, and ansible-playbook runs whose -vvvv output is scanned for secrets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
# The test servers are the package tests/servers: tests/ goes on sys.path here, once, for every test module.
sys.path.insert(0, os.path.join(TOP, 'tests'))

from servers import hostile  # noqa: E402  pylint: disable=wrong-import-position
from servers.op import harness  # noqa: E402  pylint: disable=wrong-import-position
from servers.pingone_api import harness as p1api_harness  # noqa: E402  pylint: disable=wrong-import-position
from servers.scim import harness as scim_harness  # noqa: E402  pylint: disable=wrong-import-position

# A test that used the PingOne test server fails for each of its requests that broke PingOne's contract.
from pingone_contract_check import MARKER_HELP, pytest_runtest_call  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

# Where the collection tree goes: .build, unless tests/bin/run-tests gives this run a directory of its own
# (make test runs the pairs side by side, and each rebuilds its tree).
COLLECTIONS = os.environ.get('JWTAUTH_TESTS_BUILD_DIR') or os.path.join(TOP, '.build')
TREE = os.path.join(COLLECTIONS, 'ansible_collections', 'jwtauth', 'oidc')
PLAYBOOKS = os.path.join(HERE, 'playbooks')
BIN = os.path.dirname(sys.executable)

# The collection copied to <COLLECTIONS>/ansible_collections/jwtauth/oidc, as ansible-playbook will load it;
# built before the test modules are collected, so that tests can also import the library in process. Under
# pytest-xdist the controller process builds it once, before it starts the workers.
if not os.environ.get('PYTEST_XDIST_WORKER'):
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree'), TREE], check=True, stdout=subprocess.DEVNULL)
sys.path.insert(0, COLLECTIONS)

# A compact JWS anywhere in the output is a leaked assertion, ID token or JWT access token.
JWT_PATTERN = re.compile(r'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}')
# Python's warnings module: '<file>:<line>: <Category>Warning: <message>'.
PYTHON_WARNING = re.compile(r'^\S+:\d+: \w*Warning: .*$', re.M)


# The longest tests (--durations, 2 cores), started first so that pytest-xdist does not leave one of them
# for the end, when the other worker has nothing left to do.
LONGEST_FIRST = (
    'test_a_directory_past_the_list_cap_is_read_by_filter',
    'test_twenty_hosts_ten_forks',
    'test_renewal_outlives_token_lifetime',
    'test_role_converges_users_and_groups_and_says_what_changed',
    'test_endless_fresh_pages_stop_at_max_pages',
)


def pytest_collection_modifyitems(items):
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.originalname, len(rank)))  # stable: the rest keep their order


# The modules whose tests share module-scoped batched runs (the token_batch fixture): pytest-xdist sends
# each of them whole to one worker, since on two each worker would run the batches.
BATCHED_MODULES = ('test_token_failures.py', 'test_token_module.py')


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's load scheduling, but a module of BATCHED_MODULES is one unit of work.

    LoadScopeScheduling hands each worker one unit at a time, the units with most tests first (the batched
    modules, then the others in LONGEST_FIRST order). --dist loadgroup with xdist_group marks would say the
    same, but pytest-xdist 3.8 renames the grouped tests through an attribute pytest 9 no longer reads, so
    the marks have no effect.
    """
    if config.getvalue('dist') != 'load':
        return None
    from xdist.scheduler import LoadScopeScheduling  # pylint: disable=import-outside-toplevel

    class BatchedModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split('::', 1)[0]
            return path if os.path.basename(path) in BATCHED_MODULES else nodeid

    return BatchedModuleScheduling(config, log)


def pytest_configure(config):
    """Register the markers (tests/bin/run-tests runs pytest with --strict-markers)."""
    # The older supported pairs run only these tests (make test): what depends on ansible-core's version
    # rather than on the library, which is the same code on every pair.
    config.addinivalue_line(
        'markers',
        "core_sensitive: touches what differs between ansible-core versions: the lookup's option "
        'sources, module_defaults, no_log masking and the -vvvv secret scan, warnings, the action '
        'plugin on the controller, ansible-galaxy, roles, the AWX runner path',
    )
    config.addinivalue_line('markers', MARKER_HELP)


@pytest.fixture
def hostile_server(tmp_path):
    """A misbehaving HTTPS server of this test's own, in a thread (tests/servers/hostile.py)."""
    with hostile.Hostile(tmp_path / 'hostile') as server:
        yield server


@pytest.fixture
def plain_server(tmp_path):
    """The same over plain HTTP: what a proxy that drops TLS, or a careless URL, leads to."""
    with hostile.Hostile(tmp_path / 'plain', tls=False) as server:
        yield server


@pytest.fixture(scope='session')
def op(tmp_path_factory):
    """The real OP (panva oidc-provider) over TLS on 127.0.0.1, for the whole session."""
    harness.install()
    with harness.OP(str(tmp_path_factory.mktemp('op'))) as provider:
        yield provider


@pytest.fixture(scope='session')
def p1api_server(op, tmp_path_factory):
    """One PingOne-shaped Management API server per pytest-xdist worker, shared by every file that needs it: a start
    costs about a second, a reset milliseconds, and each test resets it."""
    with p1api_harness.PingOneAPI(str(tmp_path_factory.mktemp('p1api')), op) as server:
        yield server


@pytest.fixture(scope='session')
def scim_server(op, tmp_path_factory):
    """One SCIM server per pytest-xdist worker: starting one costs seconds of CPU, a reset milliseconds."""
    with scim_harness.SCIMServer(str(tmp_path_factory.mktemp('scim')), op) as server:
        yield server


@pytest.fixture
def scim(scim_server):
    """The SCIM server, empty: no users, no groups, no request logged, no token cached, no fault armed."""
    return scim_server.reset()


@pytest.fixture
def p1api(p1api_server):
    """The PingOne API server, empty but for its built-in resources, with no fault armed and empty logs."""
    return p1api_server.reset()


@pytest.fixture
def admin(p1api):
    """An admin session of the emptied PingOne API server, for arranging a test and reading what it holds."""
    return p1api.admin_session()


def client_secrets(op_):
    """Every credential the OP's clients hold: none may ever be printed."""
    found = []
    for client in op_.clients.values():
        if client.get('client_secret'):
            found.append(client['client_secret'])
        for key in (client.get('private_keys') or {}).values():
            with open(key['path']) as pem:
                found.extend(line for line in pem.read().splitlines() if len(line) > 40)
    return found


def validated(module_kwargs, args):
    """A module's options as the edge hands them to the library: validated, every default filled in, frozen."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # pylint: disable=import-outside-toplevel
    from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of  # pylint: disable=import-outside-toplevel

    validation = ArgumentSpecValidator(**module_kwargs).validate(args)
    assert not validation.error_messages, validation.error_messages
    return options_of(validation.validated_parameters)


def validated_token_options(*, client_id, client_secret, token_store=False, **args):
    """The token module's validated options (defaults included), as the edge hands them to the library; no store."""
    from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs  # pylint: disable=import-outside-toplevel

    return validated(specs.token_module_kwargs(), dict(args, client_id=client_id, client_secret=client_secret, token_store=token_store))


def in_context(use_case, options, *args, context=None, **kwargs):
    """A use case of _tasks run as the edge runs it, in a TaskContext of its own (or ``context``): its result with the
    context's warnings, if any, as the result's ``warnings``."""
    from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext  # pylint: disable=import-outside-toplevel

    context = TaskContext() if context is None else context
    result = use_case(options, context, *args, **kwargs)
    if context.warnings:
        result['warnings'] = list(context.warnings)
    return result


class Run:
    """The outcome of one ansible-playbook run."""

    def __init__(self, proc, result_path):
        self.rc = proc.returncode
        self.output = proc.stdout
        # The output with its line breaks and runs of spaces as single spaces: ansible-core before 2.19 wraps
        # warnings and errors to the terminal's width, so messages are looked for in this.
        self.flat = ' '.join(proc.stdout.split())
        self.result = None
        if os.path.exists(result_path):
            with open(result_path) as handle:
                self.result = json.load(handle)

    def assert_no_secrets(self, secrets):
        for secret in secrets:
            if secret:
                assert secret not in self.output, 'a secret or token appears in the ansible-playbook output'
        leaked = JWT_PATTERN.findall(self.output)
        assert not leaked, 'a JWT appears in the ansible-playbook output'
        assert 'Traceback (most recent call last)' not in self.output

    def assert_no_python_warnings(self):
        # A Python warning printed by the commands a user runs is noise on the first screen at best: ansible-core with
        # cryptography 51 printed a CryptographyDeprecationWarning before every command (tests/constraints.txt).
        warned = PYTHON_WARNING.findall(self.output)
        assert not warned, warned

    def assert_no_deprecations(self):
        # A deprecation warning in a user's job is a bug of ours until shown otherwise: ansible-core 2.21 printed two
        # for every lookup of the token with a list option from a variable (the lookup's lazy containers, copied).
        warnings = [line for line in self.output.splitlines() if 'DEPRECATION WARNING' in line and not upstream_deprecation(line)]
        assert not warnings, warnings


# ansible-core 2.16.20 deprecates a mapping as a task's `action` and itself writes the task that checks a role's
# argument spec with one (playbook/role/__init__.py _create_validation_task): every role with meta/argument_specs.yml
# prints this once a run. Shown otherwise: ansible/ansible#85399, fixed in 2.19 by #85401, not in 2.16.20.
# test_examples.py::test_no_task_of_ours_gives_action_as_a_mapping keeps it from hiding one of ours.
ROLE_SPEC_DEPRECATION = '[DEPRECATION WARNING]: Using a mapping for `action` is deprecated. Use a string'


def upstream_deprecation(line):
    """Whether a deprecation line is ansible-core's own, on an ansible-core that prints it for its own task."""
    from ansible.release import __version__  # pylint: disable=import-outside-toplevel

    major_minor, _dot, patch = __version__.rpartition('.')
    return major_minor == '2.16' and patch.isdigit() and int(patch) >= 20 and line.strip().startswith(ROLE_SPEC_DEPRECATION)


def playbook_runner(workdir, op_):
    """A function that runs a playbook of tests/integration/playbooks at -vvvv, in workdir, and scans its output."""

    def run(playbook, extra_vars=None, env=None, check=False, secrets=(), verbosity=4, inventory=None, extra_args=(), provider=None, on_line=None):
        result_path = str(workdir / 'result.json')
        if os.path.exists(result_path):
            os.remove(result_path)
        variables = dict(extra_vars or {}, result_path=result_path)
        vars_path = workdir / 'vars.json'
        # Secrets go in a vars file, not on the command line.
        vars_path.write_text(json.dumps(variables))
        os.chmod(str(vars_path), 0o600)
        command = [
            os.path.join(BIN, 'ansible-playbook'),
            '-i',
            inventory or os.path.join(PLAYBOOKS, 'inventory.ini'),
            os.path.join(PLAYBOOKS, playbook),
            '-e',
            '@' + str(vars_path),
        ] + list(extra_args)
        if verbosity:
            command.append('-' + 'v' * verbosity)
        if check:
            command.append('--check')
        run_env = dict(os.environ)
        run_env.update(
            {
                'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
                'ANSIBLE_HOME': str(workdir / 'ansible-home'),
                'ANSIBLE_LOCAL_TEMP': str(workdir / 'ansible-tmp'),
                'ANSIBLE_REMOTE_TMP': str(workdir / 'ansible-remote-tmp'),
                'ANSIBLE_NOCOLOR': '1',
                'ANSIBLE_FORCE_COLOR': '0',
                'ANSIBLE_RETRY_FILES_ENABLED': '0',
                'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            }
        )
        run_env = {key: value for key, value in run_env.items() if not key.startswith('JWTAUTH_OIDC_')}
        run_env.update(env or {})
        if on_line is None:
            proc = subprocess.run(command, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300, check=False)
        else:
            # Each line handed to on_line as it comes, while the play runs (what a task displays before it ends).
            with subprocess.Popen(command, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True) as child:
                lines = []
                for line in child.stdout:
                    lines.append(line)
                    on_line(line)
                child.wait(300)
            proc = subprocess.CompletedProcess(command, child.returncode, ''.join(lines))
        outcome = Run(proc, result_path)
        # The result of one task, or the list of a loop's (playbooks/token_each.yml).
        results = outcome.result if isinstance(outcome.result, list) else [outcome.result]
        tokens = [result.get(name) for result in results if isinstance(result, dict) for name in ('access_token', 'id_token', 'refresh_token', 'token')]
        outcome.assert_no_secrets(client_secrets(provider or op_) + list(secrets) + [t for t in tokens if t])
        outcome.assert_no_deprecations()
        outcome.assert_no_python_warnings()
        return outcome

    return run


@pytest.fixture
def ansible(tmp_path, op):
    """Run a playbook of tests/integration/playbooks at -vvvv; scan its output for every known secret."""
    return playbook_runner(tmp_path, op)


class TokenCase:
    """One case of a batched run: the token module's options, and the secrets its output must not show."""

    def __init__(self, options, secrets=()):
        self.options = options
        self.secrets = [secret for secret in secrets if secret]


class TokenBatch:
    """One run of playbooks/token_each.yml that serves many test cases, each its own options.

    ``cases[name]`` is the TokenCase ``name``, ``results[name]`` its registered result; ``events`` what the OP logged during the run,
    ``events_of(name)`` what it logged for case ``name`` (each case sends a User-Agent of its own); ``shown(name)`` the part of
    the output that reports case ``name``. The whole output was scanned for the secrets of every case.
    """

    def __init__(self, run, cases, events):
        self.run = run
        assert isinstance(run.result, list) and len(run.result) == len(cases), run.output[-3000:]
        self.cases = cases
        self.names = list(cases)
        self.results = dict(zip(self.names, run.result))
        self.events = events

    def shown(self, name):
        """The output from the line that reports case ``name`` to the next case's."""
        index = self.names.index(name)
        start = self.run.output.index(f'(item=case {index})')
        end = self.run.output.find(f'(item=case {index + 1})', start)
        return self.run.output[start:] if end < 0 else self.run.output[start:end]

    def requests_to(self, path):
        return [event for event in self.events if event['type'] == 'request' and event['path'] == path]

    @staticmethod
    def agent(name):
        """The User-Agent (http_agent) of case ``name``'s requests, which the OP logs."""
        return 'jwtauth-tests case ' + name

    def events_of(self, name, type=None):
        """What the OP logged for case ``name``'s requests: its requests, its grant events."""
        return [event for event in self.events if event.get('agent') == self.agent(name) and type in (None, event['type'])]


@pytest.fixture(scope='module')
def token_batch(tmp_path_factory, op):
    """Run the token module once per case in one ansible-playbook run (playbooks/token_each.yml).

    Called as ``token_batch(cases, show_failure=..., check=..., secrets=...)`` with ``cases`` a dict of name to
    TokenCase, in the order they run; returns a TokenBatch. The -vvvv output is scanned for the secrets of
    every case, the OP's client secrets, ``secrets`` and every token in any result.
    """

    def batch(cases, show_failure=False, check=False, secrets=()):
        mark = op.mark()
        run = playbook_runner(tmp_path_factory.mktemp('batch'), op)(
            'token_each.yml',
            {
                'token': {},
                'token_cases': [dict({'http_agent': TokenBatch.agent(name)}, **case.options) for name, case in cases.items()],
                'show_failure': show_failure,
            },
            check=check,
            secrets=[s for case in cases.values() for s in case.secrets] + list(secrets),
        )
        return TokenBatch(run, cases, op.events(since=mark))

    return batch
