# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The token store against a misbehaving token endpoint (tests/servers/hostile.py) and the real OP.

Workers are forked processes, as Ansible's are; request counts are read at the server.
"""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import stat
import time

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from servers import hostile
from test_token_lookup import lookup_env, token_requests
from test_token_module import client_options, code_options

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils import _tasks
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError, StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth import responses
from ansible_collections.jwtauth.oidc.plugins.module_utils._store import files, provider

SECRET = 'hostile-client-secret-' + 'x' * 42
YEAR = responses.MAX_TOKEN_LIFETIME


def hostile_options(server, store, **extra):
    """Lookup options for a client of the hostile server's /token, as the option layer would build them."""
    options = {
        'token_endpoint': server.url('/token'),
        'client_id': 'hostile-client',
        'client_secret': SECRET,
        'auth_method': 'client_secret_post',
        'ca_path': server.ca_path,
        'validate_certs': True,
        'timeout': 10,
        'retries': 1,
        'token_store': True,
        'token_store_path': str(store),
        'expiry_leeway': 60,
        'token_store_lock_timeout': 60,
        'default_token_lifetime': 300,
        'validate_id_token': True,
        'extra_params': {},
        'assertion_lifetime': 60,
    }
    options.update(extra)
    return options


def validated(args):
    """The token module's validated options (defaults included), as the edge hands them to the library."""
    validation = ArgumentSpecValidator(**specs.token_module_kwargs()).validate(args)
    assert not validation.error_messages, validation.error_messages
    return validation.validated_parameters


def _worker(options, outcomes):
    try:
        outcomes.put(('token', provider.TokenProvider(options_of(options), TaskContext()).get()['access_token']))
    except OIDCError as exc:
        outcomes.put(('error', str(exc)))


def run_workers(options, count):
    """``count`` forked workers asking for the same token at once; returns their outcomes and how long they took."""
    context = multiprocessing.get_context('fork')
    outcomes = context.Queue()
    workers = [context.Process(target=_worker, args=(options, outcomes)) for index in range(count)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    results = [outcomes.get(timeout=120) for worker in workers]
    for worker in workers:
        worker.join(10)
    return results, time.monotonic() - started


def slow(status, body, delay=0.5, **headers):
    """An answer after ``delay`` seconds: long enough for every worker to queue behind the lock."""

    def handler(_request):
        time.sleep(delay)
        if isinstance(body, dict):
            return hostile.json_answer(status, body, **headers)
        return status, dict({'Content-Type': 'text/html'}, **headers), body

    return handler


# -- item 9: a failing OP does not become a serialised storm ----------------------------------------------------


@pytest.mark.parametrize(
    'answer, words',
    [
        (slow(500, b'<h1>Internal Server Error</h1>'), 'HTTP 500 with a text/html answer'),
        (slow(429, {'error': 'temporarily_unavailable', 'error_description': 'REQUEST_LIMITED'}, delay=0.2, **{'Retry-After': '2'}), 'temporarily_unavailable'),
    ],
)
def test_failing_op_is_asked_once_for_all_waiting_workers(hostile_server, tmp_path, answer, words):
    hostile_server.route('POST', '/token', answer)
    workers = 8
    results, elapsed = run_workers(hostile_options(hostile_server, tmp_path / 'store'), workers)
    # One worker's request and its one retry; before, every worker sent both, one after the other.
    assert len(hostile_server.received('/token')) == 2
    assert [kind for kind, message in results] == ['error'] * workers
    assert all(words in message for kind, message in results), results
    assert sum('not sent again' in message for kind, message in results) == workers - 1
    # The request count above is the proof; this bound only catches workers left waiting on the lock
    # (token_store_lock_timeout is 60 s), with room for 8 processes on a loaded 2-core machine.
    assert elapsed < 45


def test_a_later_task_retries_the_op(hostile_server, tmp_path):
    hostile_server.route('POST', '/token', slow(500, b'down', delay=0))
    options = hostile_options(hostile_server, tmp_path / 'store', retries=0)
    with pytest.raises(OIDCError):
        provider.TokenProvider(options_of(options), TaskContext()).get()
    hostile_server.route('POST', '/token', lambda _r: hostile.json_answer(200, {'access_token': 'back', 'expires_in': 600}))
    # No wait for a lock: this worker asks the OP itself, even inside the failure's 10 s.
    assert provider.TokenProvider(options_of(options), TaskContext()).get()['access_token'] == 'back'
    assert len(hostile_server.received('/token')) == 2


# -- item 10: tokens without expires_in, and absurd lifetimes ----------------------------------------------------


def jwt_access_token(claims):
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip('=')

    return f'{part({"alg": "RS256", "typ": "at+jwt"})}.{part(claims)}.c2lnbmF0dXJl'


# the expires_in member as JSON text (None: absent), the access token -> token requests for 5 uses, expiry bounds from now
LIFETIME_TABLE = [
    (None, 'opaque', 1, (290, 301)),  # default_token_lifetime
    (None, 'jwt:900', 1, (890, 901)),  # the JWT access token's exp
    ('NaN', 'opaque', 1, (290, 301)),  # meaningless: as if absent
    ('Infinity', 'opaque', 1, (YEAR - 10, YEAR + 1)),  # clamped to a year
    ('1e12', 'opaque', 1, (YEAR - 10, YEAR + 1)),
    ('1e400', 'opaque', 1, (YEAR - 10, YEAR + 1)),
    ('-30', 'opaque', 5, (-10, 1)),  # expired by the OP's own word: never reused
    ('"600"', 'opaque', 1, (590, 601)),
]


@pytest.mark.parametrize('expires_in, access_token, requests, bounds', LIFETIME_TABLE)
def test_token_lifetime_from_a_hostile_answer(hostile_server, tmp_path, expires_in, access_token, requests, bounds):
    if access_token.startswith('jwt:'):
        access_token = jwt_access_token({'exp': int(time.time()) + int(access_token[4:]), 'sub': 'x'})
    member = '' if expires_in is None else f', "expires_in": {expires_in}'
    body = f'{{"access_token": {json.dumps(access_token)}, "token_type": "Bearer"{member}}}'
    hostile_server.route('POST', '/token', lambda _r: (200, {'Content-Type': 'application/json'}, body))
    options = hostile_options(hostile_server, tmp_path / 'store')
    before = time.time()
    for worker in range(5):  # five workers, one after the other
        tokens = provider.TokenProvider(options_of(options), TaskContext()).get()
    after = time.time()
    assert len(hostile_server.received('/token')) == requests
    # The lifetime counts from when the request left, somewhere between before and after: on a loaded
    # machine that can be seconds after before.
    assert bounds[0] <= tokens['expires_at'] - before and tokens['expires_at'] - after <= bounds[1]


def test_saved_token_without_expires_in_is_kept(hostile_server, tmp_path):
    """A save_as entry of unknown lifetime used to be swept right after it was saved."""
    hostile_server.route('POST', '/token', lambda _r: hostile.json_answer(200, {'access_token': 'login-token', 'token_type': 'Bearer'}))
    options = hostile_options(hostile_server, tmp_path / 'store', code='a-code', redirect_uri='https://app/cb', save_as='login', token_store_action='use')
    context = TaskContext()
    result = _tasks.run_token_task(options, context)
    assert result['access_token'] == 'login-token' and context.warnings == []
    assert provider.TokenProvider(options_of(options), TaskContext()).get('login')['access_token'] == 'login-token'
    assert len(hostile_server.received('/token')) == 1


# -- item 11: saved tokens belong to their OP ---------------------------------------------------------------------


def test_saved_token_is_not_served_for_another_issuer(op, tmp_path):
    store = str(tmp_path / 'store')
    pingone = validated(dict(code_options(op, 'csjwt', layout='pingone'), token_store_path=store, save_as='login'))
    context = TaskContext()
    saved = _tasks.run_token_task(pingone, context)
    assert saved['issuer'] == op.pingone_issuer and context.warnings == []
    root = validated(dict(client_options(op, 'csjwt'), token_store_path=store))
    with pytest.raises(StoreError) as caught:
        provider.TokenProvider(options_of(root), TaskContext()).get('login')
    assert f"No saved token 'login' for client '{op.clients['csjwt']['client_id']}' at issuer {op.issuer}" in str(caught.value)
    assert provider.TokenProvider(options_of(dict(pingone, code=None)), TaskContext()).get('login')['access_token'] == saved['access_token']


def test_saved_token_under_another_credential_says_so(op, tmp_path):
    store = str(tmp_path / 'store')
    options = validated(dict(code_options(op, 'csjwt'), token_store_path=store, save_as='login'))
    _tasks.run_token_task(options, TaskContext())
    rotated = dict(options, code=None, client_secret='a-rotated-secret-' + 'y' * 48)
    with pytest.raises(StoreError) as caught:
        provider.TokenProvider(options_of(rotated), TaskContext()).get('login')
    assert f'exists in the token store {store}' in str(caught.value)
    assert 'this client credential cannot decrypt it' in str(caught.value)


def test_unusable_store_fails_before_the_code_is_spent(op, tmp_path):
    store = tmp_path / 'store'
    store.write_text('a file where the store should be')
    options = validated(dict(code_options(op, 'csjwt'), token_store_path=str(store), save_as='login'))
    mark = op.mark()
    with pytest.raises(StoreError) as caught:
        _tasks.run_token_task(options, TaskContext())
    assert f'Refusing to use the token store {store} (set by token_store_path / JWTAUTH_OIDC_TOKEN_STORE_PATH)' in str(caught.value)
    assert token_requests(op, mark) == 0
    # The code was never sent: it still works once the store is fixed.
    store.unlink()
    assert _tasks.run_token_task(options, TaskContext())['access_token']
    assert os.listdir(str(store))


# -- items 6 and 12 through ansible-playbook: the lookup ------------------------------------------------------------


@pytest.mark.core_sensitive
def test_symlinked_store_is_refused_by_the_lookup(op, ansible, tmp_path):
    target = tmp_path / 'elsewhere'
    target.mkdir()
    (target / ('e' * 64 + '.token')).write_text('{"v": 1, "expires_at": 1, "nonce": "", "ciphertext": ""}')
    os.chmod(str(target), 0o755)
    os.symlink(str(target), str(tmp_path / 'store'))
    run = ansible('lookup_token.yml', {'lookup_scope': [], 'show_failure': True}, env=lookup_env(op, 'csjwt', tmp_path / 'store'))
    assert run.rc != 0
    assert f'Refusing to use the token store {tmp_path / "store"} (set by token_store_path' in run.flat
    assert 'it is a symbolic link' in run.flat
    assert os.stat(str(target)).st_mode & 0o777 == 0o755 and os.listdir(str(target)) == ['e' * 64 + '.token']


@pytest.mark.core_sensitive
def test_lookup_renew_and_forget(op, ansible, tmp_path):
    env = lookup_env(op, 'csjwt', tmp_path / 'store')
    mark = op.mark()
    run = ansible('store_action.yml', env=env)
    assert run.rc == 0, run.output[-3000:]
    tokens = run.result
    run.assert_no_secrets([value for value in tokens.values() if value])
    assert tokens['first'] and tokens['renewed'] and tokens['after']
    assert tokens['renewed'] != tokens['first']
    assert tokens['again'] == tokens['renewed']
    assert tokens['forgotten'] == ''
    assert tokens['after'] not in (tokens['first'], tokens['renewed'])
    assert token_requests(op, mark) == 3


# -- issue 23: the race between making the store's directories and fixing their mode -------------------------------


def swap_after_mkdir(monkeypatch, name, swap, victim):
    """os.mkdir as an attacker who can write the parent wins the race: right after the directory ``name`` is made,
    it is replaced (a symbolic link to ``victim``, nothing, or a directory of uid 4242) before the store looks at it."""
    real_mkdir = os.mkdir

    def racing_mkdir(path, mode=0o777, *, dir_fd=None):
        real_mkdir(path, mode, dir_fd=dir_fd)
        if os.path.basename(path) != name:
            return
        os.rmdir(path, dir_fd=dir_fd)
        if swap == 'symlink':
            os.symlink(str(victim), path, dir_fd=dir_fd)
        elif swap == 'foreign':
            real_mkdir(path, 0o755, dir_fd=dir_fd)
            os.chown(path, 4242, -1, dir_fd=dir_fd)  # the tests run as root: another user's directory

    monkeypatch.setattr(files.os, 'mkdir', racing_mkdir)


# which directory is swapped, how -> what the StoreError says
RACES = [
    ('store', 'symlink', 'was replaced by a symbolic link or a file while it was being created'),
    ('store', 'removed', 'No such file or directory [ENOENT]'),
    ('parent', 'symlink', 'was replaced by a symbolic link or a file while it was being created'),
    ('parent', 'removed', 'No such file or directory [ENOENT]'),
    ('parent', 'foreign', 'was created by uid 4242, not by the user running Ansible'),
]


@pytest.mark.parametrize('swapped, swap, words', RACES)
def test_a_directory_swapped_after_mkdir_is_refused_and_the_victim_left_alone(op, tmp_path, monkeypatch, swapped, swap, words):
    """Issue 23: chmod by path after mkdir followed a link planted in between, and changed the mode of another
    directory (root's, run as root); a directory removed in between surfaced as 'Unexpected FileNotFoundError'."""
    shared = tmp_path / 'shared'  # a parent the attacker can write
    shared.mkdir()
    os.chmod(str(shared), 0o777)
    victim = tmp_path / 'victim'  # an unrelated directory of the user running Ansible
    victim.mkdir()
    os.chmod(str(victim), 0o755)
    (victim / 'notes.txt').write_text('unrelated')
    store = shared / 'parent' / 'store'
    swap_after_mkdir(monkeypatch, swapped, swap, victim)
    options = validated(dict(client_options(op, 'csjwt'), token_store_path=str(store)))
    mark = op.mark()
    with pytest.raises(StoreError) as caught:
        provider.TokenProvider(options_of(options), TaskContext()).get()
    # The victim's mode and contents are as they were (the store made nothing in it); nothing was asked of the OP.
    assert stat.S_IMODE(os.stat(str(victim)).st_mode) == 0o755 and os.listdir(str(victim)) == ['notes.txt']
    assert token_requests(op, mark) == 0
    message = str(caught.value)
    assert str(store if swapped == 'store' else store.parent) in message and words in message, message
    assert f'the token store {store} (set by token_store_path' in message
