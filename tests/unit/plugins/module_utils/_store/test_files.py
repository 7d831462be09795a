# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import stat
import threading
import time

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._store import files as store_files

CREDENTIAL = b'client-secret-' + b'k' * 50
TOKENS = {'access_token': 'at-secret-value', 'refresh_token': 'rt-secret-value', 'expires_at': 2_000_000_000}
ENTRY = store_files.entry_id({'client_id': 'c', 'grant_type': 'client_credentials'})


@pytest.fixture
def store(tmp_path):
    return store_files.TokenStore(str(tmp_path / 'store'))


def test_round_trip_and_permissions(store):
    old_umask = os.umask(0o022)
    try:
        store.save(ENTRY, CREDENTIAL, TOKENS)
    finally:
        os.umask(old_umask)
    assert store.load(ENTRY, CREDENTIAL) == TOKENS
    assert stat.S_IMODE(os.stat(store.directory).st_mode) == 0o700
    entry_path = os.path.join(store.directory, ENTRY + '.token')
    assert stat.S_IMODE(os.stat(entry_path).st_mode) == 0o600
    with open(entry_path) as handle:
        text = handle.read()
    assert 'at-secret-value' not in text and 'rt-secret-value' not in text
    assert not [name for name in os.listdir(store.directory) if name.startswith('.tmp-')]


def test_wrong_credential_cannot_read(store):
    store.save(ENTRY, CREDENTIAL, TOKENS)
    assert store.load(ENTRY, b'another-secret') is None


def test_entry_is_bound_to_its_id(store, tmp_path):
    """A file copied over another entry's name does not decrypt (the id is the AEAD associated data)."""
    other = store_files.entry_id({'client_id': 'c', 'grant_type': 'other'})
    store.save(ENTRY, CREDENTIAL, TOKENS)
    os.replace(os.path.join(store.directory, ENTRY + '.token'), os.path.join(store.directory, other + '.token'))
    assert store.load(other, CREDENTIAL) is None


@pytest.mark.parametrize(
    'damage',
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: '',  # empty
        lambda text: 'not json at all',  # garbage
        lambda text: text.replace('"ciphertext": "', '"ciphertext": "AAAA'),  # bit rot in the ciphertext
        lambda text: json.dumps(dict(json.loads(text), v=99)),  # unknown format
        lambda text: json.dumps(dict(json.loads(text), nonce='%%%')),  # undecodable nonce
    ],
)
def test_corrupt_entries_are_misses(store, damage):
    store.save(ENTRY, CREDENTIAL, TOKENS)
    path = os.path.join(store.directory, ENTRY + '.token')
    with open(path) as handle:
        text = handle.read()
    with open(path, 'w') as handle:
        handle.write(damage(text))
    assert store.load(ENTRY, CREDENTIAL) is None


def test_missing_entry_is_a_miss(store):
    assert store.load(ENTRY, CREDENTIAL) is None


@pytest.mark.parametrize(
    'expires_at, leeway, now, fresh',
    [
        (1000, 60, 900, True),
        (1000, 60, 940, False),
        (1000, 0, 999, True),
        (1000, 60, 2000, False),
        (None, 60, 0, False),
    ],
)
def test_is_fresh(expires_at, leeway, now, fresh):
    assert store_files.is_fresh({'expires_at': expires_at}, leeway, now) is fresh


def test_sweep_removes_only_entries_past_use(store):
    now = 1_800_000_000
    entries = {
        'expired': {'access_token': 'a', 'expires_at': now - 10},
        'fresh': {'access_token': 'a', 'expires_at': now + 100},
        'renewable': {'access_token': 'a', 'refresh_token': 'r', 'expires_at': now - 10},
        'renewable-old': {'access_token': 'a', 'refresh_token': 'r', 'expires_at': now - store_files.RENEWABLE_RETENTION - 1},
    }
    ids = {label: store_files.entry_id({'label': label}) for label in entries}
    for label, tokens in entries.items():
        store.save(ids[label], CREDENTIAL, tokens)
    assert store.sweep(now=now) == 2
    left = sorted(name for name in os.listdir(store.directory) if name.endswith('.token'))
    assert left == sorted([ids['fresh'] + '.token', ids['renewable'] + '.token'])


def test_sweep_skips_entries_another_process_holds(store):
    store.save(ENTRY, CREDENTIAL, {'access_token': 'a', 'expires_at': 1})
    with store.lock(ENTRY):
        # flock locks belong to the open file description: a second open() in this process conflicts like another process.
        assert store.sweep(now=10) == 0
    assert store.sweep(now=10) == 1


def test_credential_binding_is_keyed():
    """Issue 23: a password binds an entry through an HMAC keyed from the store's key material, never a plain hash."""
    bound = store_files.bind_credential('pw-one', CREDENTIAL)
    assert bound == store_files.bind_credential('pw-one', CREDENTIAL) and len(bound) == 64
    assert bound != store_files.bind_credential('pw-two', CREDENTIAL)
    assert bound != store_files.bind_credential('pw-one', CREDENTIAL + b'-rotated')
    assert bound not in (hashlib.sha256(b'pw-one').hexdigest(), hmac.new(CREDENTIAL, b'pw-one', hashlib.sha256).hexdigest())


def test_entry_id_is_stable_and_order_free():
    assert store_files.entry_id({'a': 1, 'b': [2]}) == store_files.entry_id({'b': [2], 'a': 1})
    assert store_files.entry_id({'a': 1}) != store_files.entry_id({'a': 2})


# -- the store trusts nothing it did not make --------------------------------------------


def entry_path(store, identifier=ENTRY, suffix='.token'):
    return os.path.join(store.directory, identifier + suffix)


@pytest.mark.parametrize('umask', [0o000, 0o022, 0o077, 0o277])
def test_created_parents_are_private_whatever_the_umask(tmp_path, umask):
    store = store_files.TokenStore(str(tmp_path / 'a' / 'b' / 'store'))
    old_umask = os.umask(umask)
    try:
        store.save(ENTRY, CREDENTIAL, TOKENS)
    finally:
        os.umask(old_umask)
    for path in (tmp_path / 'a', tmp_path / 'a' / 'b', tmp_path / 'a' / 'b' / 'store'):
        assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o700, path
    # A file is created 0600: a umask can only take bits away (0277 leaves 0400, private still).
    assert stat.S_IMODE(os.stat(entry_path(store)).st_mode) == 0o600 & ~umask


def make_symlinked(tmp_path):
    target = tmp_path / 'elsewhere'
    target.mkdir(mode=0o755)
    os.chmod(str(target), 0o755)
    (target / 'unrelated.token').write_text("someone else's file")
    (target / ('e' * 64 + '.token')).write_text('{"v": 1, "expires_at": 1}')
    os.symlink(str(target), str(tmp_path / 'store'))
    return target


def make_foreign(tmp_path):
    (tmp_path / 'store').mkdir(mode=0o700)
    os.chown(str(tmp_path / 'store'), 4242, -1)  # tests run as root: another user's directory


def make_group_writable(tmp_path):
    (tmp_path / 'store').mkdir()
    os.chmod(str(tmp_path / 'store'), 0o770)


def make_world_writable(tmp_path):
    (tmp_path / 'store').mkdir()
    os.chmod(str(tmp_path / 'store'), 0o1777)


def make_file(tmp_path):
    (tmp_path / 'store').write_text('not a directory')


# how the store path is spoiled -> what the refusal says
REFUSED_DIRECTORIES = [
    (make_symlinked, 'it is a symbolic link'),
    (make_foreign, 'owned by uid 4242'),
    (make_group_writable, 'group or others can write to it (mode 0770)'),
    (make_world_writable, 'group or others can write to it (mode 1777)'),
    (make_file, 'it exists and is not a directory'),
]


@pytest.mark.parametrize('spoil, why', REFUSED_DIRECTORIES)
@pytest.mark.parametrize('operation', ['save', 'lock', 'read', 'check_writable'])
def test_spoiled_store_directory_is_refused(tmp_path, spoil, why, operation):
    spoil(tmp_path)
    store = store_files.TokenStore(str(tmp_path / 'store'))
    calls = {
        'save': lambda: store.save(ENTRY, CREDENTIAL, TOKENS),
        'lock': lambda: store.lock(ENTRY).__enter__(),
        'read': lambda: store.read(ENTRY, CREDENTIAL),
        'check_writable': store.check_writable,
    }
    with pytest.raises(StoreError) as caught:
        calls[operation]()
    message = str(caught.value)
    assert why in message
    assert str(tmp_path / 'store') in message and 'token_store_path' in message and 'JWTAUTH_OIDC_TOKEN_STORE_PATH' in message


def test_symlinked_store_leaves_the_target_alone(tmp_path):
    target = make_symlinked(tmp_path)
    store = store_files.TokenStore(str(tmp_path / 'store'))
    for operation in (lambda: store.save(ENTRY, CREDENTIAL, TOKENS), store.check_writable):
        with pytest.raises(StoreError):
            operation()
    assert store.sweep(now=10**10) == 0
    assert stat.S_IMODE(os.stat(str(target)).st_mode) == 0o755
    assert sorted(os.listdir(str(target))) == sorted(['unrelated.token', 'e' * 64 + '.token'])


@pytest.mark.parametrize('suffix', ['.lock', '.token'])
def test_planted_links_in_the_store_are_not_followed(store, tmp_path, suffix):
    store.check_writable()
    victim = tmp_path / 'victim'
    os.symlink(str(victim), entry_path(store, suffix=suffix))
    if suffix == '.lock':
        with pytest.raises(StoreError) as caught:
            with store.lock(ENTRY):
                pass
        assert 'lock file' in str(caught.value)
    else:
        with pytest.raises(StoreError) as caught:
            store.read(ENTRY, CREDENTIAL)
        assert 'symbolic link' in str(caught.value)
        store.save(ENTRY, CREDENTIAL, TOKENS)  # the rename replaces the link itself
        assert not os.path.islink(entry_path(store)) and store.load(ENTRY, CREDENTIAL) == TOKENS
    assert not victim.exists()


def test_sweep_deletes_only_its_own_files(store, tmp_path):
    now = 1_800_000_000
    store.save(ENTRY, CREDENTIAL, {'access_token': 'a', 'expires_at': now - 10})
    outside = tmp_path / 'outside.token'
    outside.write_text(json.dumps({'v': 1, 'expires_at': 1, 'nonce': 'x', 'ciphertext': 'y'}))
    foreign = {
        'notes.token': "mine, not the store's",  # not an entry id
        'f' * 64 + '.token': '{corrupt',  # cannot be parsed as its own
        'a' * 64 + '.token': json.dumps({'version': 1, 'expires_at': 1}),  # another program's format
        'b' * 64 + '.lock': '',
        'F' * 64 + '.token': json.dumps({'v': 1, 'expires_at': 1, 'nonce': 'x', 'ciphertext': 'y'}),  # not lower-case hex
    }
    for name, text in foreign.items():
        with open(os.path.join(store.directory, name), 'w') as handle:
            handle.write(text)
    os.symlink(str(outside), os.path.join(store.directory, 'c' * 64 + '.token'))
    assert store.sweep(now=now) == 1
    assert not os.path.exists(entry_path(store))
    assert set(foreign) | {'c' * 64 + '.token'} <= set(os.listdir(store.directory))
    assert outside.exists()


def fake_os_error(monkeypatch, code, when):
    """Make os.open fail with ``code`` for the calls ``when(flags)`` selects: a real EROFS or ENOSPC cannot be produced for root."""
    real_open = os.open

    def failing_open(path, flags, *args, **kwargs):
        if when(flags):
            raise OSError(code, os.strerror(code))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, 'open', failing_open)


def test_read_only_store_still_serves_its_entries(store, monkeypatch):
    store.save(ENTRY, CREDENTIAL, TOKENS)
    fake_os_error(monkeypatch, errno.EROFS, lambda flags: flags & os.O_CREAT)
    assert store.read(ENTRY, CREDENTIAL) == (store_files.OK, TOKENS)
    for operation in (lambda: store.lock(ENTRY).__enter__(), lambda: store.save(ENTRY, CREDENTIAL, TOKENS), store.check_writable):
        with pytest.raises(StoreError) as caught:
            operation()
        message = str(caught.value)
        assert 'Read-only file system [EROFS]' in message and store.directory in message and 'token_store_path' in message


@pytest.mark.parametrize(
    'code, words',
    [
        (errno.ENOSPC, 'No space left on device [ENOSPC]'),
        (errno.EACCES, 'Permission denied [EACCES]'),
        (errno.EDQUOT, 'Disk quota exceeded [EDQUOT]'),
    ],
)
def test_write_failures_are_store_errors(store, monkeypatch, code, words):
    store.check_writable()
    fake_os_error(monkeypatch, code, lambda flags: flags & os.O_EXCL)
    with pytest.raises(StoreError) as caught:
        store.save(ENTRY, CREDENTIAL, TOKENS)
    assert words in str(caught.value) and store.directory in str(caught.value)
    assert not [name for name in os.listdir(store.directory) if name.startswith('.tmp-')]


def test_path_under_a_file_is_a_store_error(tmp_path):
    (tmp_path / 'file').write_text('x')
    store = store_files.TokenStore(str(tmp_path / 'file' / 'store'))
    with pytest.raises(StoreError) as caught:
        store.check_writable()
    assert 'Not a directory [ENOTDIR]' in str(caught.value) and 'token_store_path' in str(caught.value)


def test_default_store_says_which_option_moves_it(tmp_path, monkeypatch):
    monkeypatch.setenv('ANSIBLE_HOME', str(tmp_path / 'home'))
    assert 'the default; token_store_path / JWTAUTH_OIDC_TOKEN_STORE_PATH moves it' in store_files.TokenStore().describe()


def test_entry_states(store):
    assert store.read(ENTRY, CREDENTIAL) == (store_files.MISSING, None)
    store.save(ENTRY, CREDENTIAL, TOKENS)
    assert store.read(ENTRY, b'another-secret') == (store_files.UNDECRYPTABLE, None)
    with open(entry_path(store), 'w') as handle:
        handle.write('{corrupt')
    assert store.read(ENTRY, CREDENTIAL) == (store_files.CORRUPT, None)


def test_remove(store):
    assert store.remove(ENTRY) is False
    store.save(ENTRY, CREDENTIAL, TOKENS)
    store.save_failure(ENTRY, CREDENTIAL, {'message': 'm'}, 10)
    assert store.remove(ENTRY) is True
    assert not os.path.exists(entry_path(store)) and not os.path.exists(entry_path(store, suffix='.failure'))


def test_recent_failure_lapses(store):
    store.save_failure(ENTRY, CREDENTIAL, {'message': 'Failed at https://op/token: HTTP 500'}, 10, now=1000)
    assert store.recent_failure(ENTRY, CREDENTIAL, now=1005)['message'] == 'Failed at https://op/token: HTTP 500'
    assert store.recent_failure(ENTRY, CREDENTIAL, now=1011) is None
    assert store.recent_failure(ENTRY, b'another-secret', now=1005) is None
    assert store.load(ENTRY, CREDENTIAL) is None  # a failure is not an entry
    assert store.sweep(now=1011) == 1


def test_lock_wait_is_bounded(tmp_path):
    store = store_files.TokenStore(str(tmp_path / 'store'), lock_timeout=0.3)
    with store.lock(ENTRY):
        started = time.monotonic()
        with pytest.raises(StoreError) as caught:
            with store.lock(ENTRY, "the token of client_id 'c' at token endpoint https://op/token"):
                pass
        assert time.monotonic() - started < 2
    message = str(caught.value)
    assert "client_id 'c' at token endpoint https://op/token" in message
    assert store.directory in message and 'token_store_lock_timeout' in message and 'JWTAUTH_OIDC_TOKEN_STORE_LOCK_TIMEOUT' in message


def test_lock_says_whether_it_waited(store):
    with store.lock(ENTRY) as waited:
        assert waited is False
    holding = threading.Event()

    def hold():
        with store.lock(ENTRY):
            holding.set()
            time.sleep(0.3)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait()
    with store.lock(ENTRY) as waited:
        assert waited is True
    holder.join()


def test_drop_sealed_with_removes_only_what_that_credential_sealed(store):
    """A rotated secret's entries (and recorded failures) go; those of the new secret and of other clients stay (issue 28)."""
    old, new, other = b'old-secret\0', b'new-secret\0', b'other-client\0'
    ids = [store_files.entry_id({'n': n}) for n in range(4)]
    store.save(ids[0], old, TOKENS)
    store.save(ids[1], old, TOKENS)
    store.save_failure(ids[1], old, {'message': 'm'}, 10)
    store.save(ids[2], new, TOKENS)
    store.save(ids[3], other, TOKENS)
    assert store.drop_sealed_with(old) == 2
    assert [store.read(i, old).state for i in ids[:2]] == [store_files.MISSING, store_files.MISSING]
    assert store.recent_failure(ids[1], old) is None
    assert store.load(ids[2], new) == TOKENS and store.load(ids[3], other) == TOKENS
    assert store.drop_sealed_with(old) == 0


def test_drop_sealed_with_leaves_a_missing_store_alone(tmp_path):
    assert store_files.TokenStore(str(tmp_path / 'none')).drop_sealed_with(b'x') == 0
    assert not (tmp_path / 'none').exists()
