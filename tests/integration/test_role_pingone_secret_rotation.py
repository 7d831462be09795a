# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pingone_secret_rotation role through ansible-playbook, against the PingOne-shaped test server and the test OP.

The application is a client of the test OP (tests/servers/pingone_api/op_clients.py), so the rotation is real at the
token endpoint: the OP takes the previous secret until it is retired and refuses it afterwards, and PingOne's
previous.lastUsed is when the OP last saw it. Consumers request tokens the whole time, each reading its secret the way
its kind of consumer does (a vault file decrypted again when it changes, a hook's JSON file): none may fail. Then every
file, log and output of the run is scanned for both secrets, in every encoding. What is tested of the four consumer
kinds: vault_file and hook end to end; awx_credential and hashi_vault are not run here (no AWX and no Vault server on
this machine; see test_rotation_awx_consumer.py for what of the AWX one is).
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid

import jwt
import pytest
import requests
from ansible.parsing.vault import VaultLib, VaultSecret

from test_pingone_api_contract import JWT_WORKER
from test_role_pingone_platform import worker_auth

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.files import OK, TokenStore
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.provider import TokenProvider, credential_material

# 20 consumers, at least 1,000 token requests in all, over the whole run of the role.
CONSUMERS = 20
REQUESTS = 1000
VAULT_TEXT = """# Variables of the portal job: only portal_client_secret may change.
portal_client_id: {client_id}
portal_client_secret: '{secret}'   # rotated by the pingone_secret_rotation role
portal_db_password: "s3cret-db-password"
portal_settings:
  retries: 3
"""


class Consumers:
    """Threads that request tokens with client_secret_jwt (RFC 7523 section 3) until told to stop and REQUESTS are done;
    each reads its secret as its consumer does: decrypting the vault file again when it changed, or the hook's file."""

    def __init__(self, op, client_id, sources):
        self.token_endpoint = op.discovery('pingone')['token_endpoint']
        self.ca_path = op.ca_path
        self.client_id = client_id
        self.sources = sources
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.outcomes = []  # (status, secret used)
        self.errors = []
        self.threads = [threading.Thread(target=self.run, args=(sources[i % len(sources)],), daemon=True) for i in range(CONSUMERS)]

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.done.set()
        for thread in self.threads:
            thread.join(120)

    def run(self, read_secret):
        session = requests.Session()
        session.trust_env = False
        cache = {}
        while not (self.done.is_set() and len(self.outcomes) >= REQUESTS):
            try:
                secret = read_secret(cache)
                now = int(time.time())
                claims = {'iss': self.client_id, 'sub': self.client_id, 'aud': self.token_endpoint, 'iat': now, 'exp': now + 60, 'jti': uuid.uuid4().hex}
                form = {
                    'grant_type': 'client_credentials',
                    'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
                    'client_assertion': jwt.encode(claims, secret, algorithm='HS256'),
                }
                status = session.post(self.token_endpoint, data=form, verify=self.ca_path, timeout=30).status_code
            except Exception as exc:  # noqa: BLE001 - a consumer that cannot read its secret failed too
                status, secret = type(exc).__name__, None
            with self.lock:
                self.outcomes.append((status, secret))
            time.sleep(0.1)  # about 160 requests a second in all: REQUESTS spread over the whole run


def vault_reader(path, vault):
    """A consumer of the vault file: decrypts it again when it changed (a new inode: the file is replaced atomically)."""

    def read(cache):
        stamp = os.stat(path)
        key = (stamp.st_ino, stamp.st_mtime_ns)
        if cache.get('key') != key:
            with open(path, 'rb') as handle:
                text = vault.decrypt(handle.read()).decode()
            cache['key'], cache['secret'] = (
                key,
                next(line.split(':', 1)[1].split('#')[0].strip().strip("'") for line in text.splitlines() if line.startswith('portal_client_secret:')),
            )
        return cache['secret']

    return read


def hook_reader(path):
    def read(cache):
        with open(path) as handle:
            return json.load(handle)['client_secret']

    return read


def encodings(*secrets):
    """Every form of the secrets the collection masks (plain, JSON-escaped, base64, URL-encoded ...)."""
    return sorted(_masking.mask_values(secrets), key=len, reverse=True)


def scan(paths, secrets):
    """The files under ``paths`` that hold a form of a secret: (file, which)."""
    forms = encodings(*secrets)
    found = []
    for top in paths:
        walk = [(os.path.dirname(top), [], [os.path.basename(top)])] if os.path.isfile(top) else os.walk(top)
        for directory, _dirs, files in walk:
            for name in files:
                path = os.path.join(directory, name)
                with open(path, 'rb') as handle:
                    data = handle.read().decode('utf-8', 'replace')
                found.extend((path, form[:6]) for form in forms if form in data)
    return found


@pytest.fixture
def rotation(op, p1api, admin, tmp_path):
    """An application of the test environment that is a client of the OP, its consumers' files, the role's variables."""
    app = admin.post(p1api.collection_url('applications'), json=JWT_WORKER).json()['id']
    old = admin.get(p1api.collection_url('applications', app, 'secret')).json()['secret']
    password = uuid.uuid4().hex
    password_file = tmp_path / 'vault-password'
    password_file.write_text(password)
    vault = VaultLib([('default', VaultSecret(password.encode()))])
    consumers = tmp_path / 'consumers'
    consumers.mkdir()
    vault_path, hook_path = consumers / 'vault.yml', consumers / 'hook.json'
    vault_path.write_bytes(vault.encrypt(VAULT_TEXT.format(client_id=app, secret=old)))
    hook_path.write_text(json.dumps({'client_id': app, 'client_secret': old}))
    store = tmp_path / 'store'
    variables = {
        'p1_url': p1api.env_url,
        'p1_auth': worker_auth(op, token_store_path=str(store)),
        'p1_state_dir': str(tmp_path / 'state'),
        'p1_verify': {'issuer': op.pingone_issuer, 'ca_path': op.ca_path},
        'p1_hook_file': str(hook_path),
        'p1_applications': [
            {
                'name': JWT_WORKER['name'],
                'consumers': [
                    {'name': 'portal vault file', 'type': 'vault_file', 'path': str(vault_path), 'key': 'portal_client_secret'},
                    {
                        'name': 'portal sidecar',
                        'type': 'hook',
                        'tasks': os.path.join(os.path.dirname(__file__), 'playbooks', 'rotation_hook.yml'),
                        'verify_tasks': os.path.join(os.path.dirname(__file__), 'playbooks', 'rotation_hook_verify.yml'),
                    },
                ],
            }
        ],
    }
    return dict(
        app=app, old=old, vault=vault, vault_path=vault_path, hook_path=hook_path, store=store, variables=variables, password_file=password_file, tmp=tmp_path
    )


def secret_of(admin, p1api, app):
    return admin.get(p1api.collection_url('applications', app, 'secret')).json()


def token_status(op, client_id, secret):
    endpoint = op.discovery('pingone')['token_endpoint']
    now = int(time.time())
    claims = {'iss': client_id, 'sub': client_id, 'aud': endpoint, 'iat': now, 'exp': now + 60, 'jti': uuid.uuid4().hex}
    form = {
        'grant_type': 'client_credentials',
        'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        'client_assertion': jwt.encode(claims, secret, algorithm='HS256'),
    }
    return requests.post(endpoint, data=form, verify=op.ca_path, timeout=10).status_code


def stored_with(store, secret):
    """How many entries of the token store ``secret`` decrypts."""
    tokens = TokenStore(str(store))
    names = [name for name in os.listdir(store) if name.endswith('.token')] if os.path.isdir(store) else []
    return sum(tokens.read(name[:64], credential_material(secret)).state == OK for name in names)


def test_rotation_under_load_hands_over_verifies_and_retires_without_a_failed_request(op, p1api, admin, ansible, rotation):
    app, old = rotation['app'], rotation['old']
    # A token the lookup would serve, obtained with the old secret: the store drops it once the new secret is verified.
    TokenProvider(
        options_of({'issuer': op.pingone_issuer, 'ca_path': op.ca_path, 'client_id': app, 'client_secret': old, 'token_store_path': str(rotation['store'])}),
        TaskContext(),
    ).get()
    assert stored_with(rotation['store'], old) == 1
    vault_before = rotation['vault'].decrypt(rotation['vault_path'].read_bytes()).decode()
    consumers = Consumers(op, app, [vault_reader(rotation['vault_path'], rotation['vault']), hook_reader(rotation['hook_path'])]).start()
    mark = p1api.mark()
    try:
        run = ansible(
            'role_pingone_secret_rotation.yml',
            dict(rotation['variables'], p1_retire_wait=60),
            # --diff too: no diff may show either secret.
            extra_args=['--vault-password-file', str(rotation['password_file']), '--diff'],
            secrets=[old],
        )
    finally:
        consumers.stop()
    assert run.rc == 0, run.output[-4000:]
    answer = secret_of(admin, p1api, app)
    new = answer['secret']
    run.assert_no_secrets([new])
    # Every request of every consumer got a token: the old secret until each consumer had the new one, the new after.
    statuses = [status for status, _secret in consumers.outcomes]
    assert len(statuses) >= REQUESTS and set(statuses) == {200}, sorted(set(map(str, statuses)))
    used = [secret for _status, secret in consumers.outcomes]
    assert used.count(old) > 0 and used.count(new) > 0 and set(used) == {old, new}
    # Retired: PingOne keeps no previous secret, and the OP refuses the old one.
    assert 'previous' not in answer
    assert token_status(op, app, old) == 401 and token_status(op, app, new) == 200
    assert p1api.count('POST', f'{p1api.env_path}/applications/{app}/secret', since=mark, status=200) == 1
    assert p1api.count('DELETE', f'{p1api.env_path}/applications/{app}/secret', since=mark, status=204) == 1
    for line in (
        'Rotated the secret of Rotated; the previous one is kept until',
        'portal vault file: holds the new secret, which gets a token',
        'portal sidecar: holds the new secret, which gets a token',
        'Retired the previous secret of Rotated',
    ):
        assert line in run.output, (line, run.output[-4000:])
    # The vault file: re-encrypted in place, the rest of it byte for byte.
    vault_after = rotation['vault'].decrypt(rotation['vault_path'].read_bytes()).decode()
    assert vault_after == vault_before.replace(old, new) and vault_before.count(old) == 1
    # The store dropped the old secret's token; the worker's own tokens stay.
    assert stored_with(rotation['store'], old) == 0
    assert len([name for name in os.listdir(rotation['store']) if name.endswith('.token')]) >= 1
    state = json.loads(next((rotation['tmp'] / 'state').iterdir()).read_text())
    assert state['phase'] == 'retired' and set(state['consumers']) == {'portal vault file', 'portal sidecar'}
    # No copy of either secret anywhere but where it belongs (the consumers' files hold the new one).
    everywhere = [str(rotation['tmp']), op.log_path, op.output_path, p1api.log_path, p1api.output_path, p1api.violations_path]
    leaks = [(path, form) for path, form in scan([p for p in everywhere if os.path.exists(p)], [old, new]) if path not in (str(rotation['hook_path']),)]
    assert leaks == []
    assert rotation['hook_path'].read_text().count(new) == 1
    # The OP still knows the application's client after all those requests: PingOne deletes it, and the OP with it.
    assert admin.delete(p1api.collection_url('applications', app)).status_code == 204


# The role's templating (its loops, filters and the consumers' check) on every supported ansible-core.
@pytest.mark.core_sensitive
def test_a_failed_rotation_is_continued_not_repeated_and_check_mode_says_what_it_would_do(op, p1api, admin, ansible, rotation):
    app, old = rotation['app'], rotation['old']
    variables = rotation['variables']
    vault_args = ['--vault-password-file', str(rotation['password_file'])]
    # Consumers the role could not hand over to are refused before anything is sent, each named.
    mark = p1api.mark()
    wrong = [{'name': 'no verify', 'type': 'hook', 'tasks': 'x.yml'}, {'name': 'typo', 'type': 'vault'}, {'type': 'vault_file', 'path': 'v.yml', 'key': 'k'}]
    mistaken = ansible('role_pingone_secret_rotation.yml', dict(variables, p1_applications=[{'name': 'Rotated', 'consumers': wrong}]), secrets=[old])
    assert mistaken.rc != 0 and p1api.count(since=mark) == 0
    for words in (
        'consumer 0 of Rotated (hook) needs verify_tasks',
        'consumer 1 of Rotated has type vault: use one of vault_file, awx_credential,',
        'consumer 2 of Rotated has no name',
    ):
        assert words in mistaken.flat, (words, mistaken.output[-2000:])
    checked = ansible('role_pingone_secret_rotation.yml', variables, check=True, extra_args=vault_args, secrets=[old])
    assert checked.rc == 0, checked.output[-3000:]
    assert p1api.writes(since=mark) == 0 and not (rotation['tmp'] / 'state').exists()
    assert 'Check mode: would rotate the secret of Rotated' in checked.output
    assert 'Would hand the new secret over to, then verify: portal vault file, portal sidecar' in checked.output

    # The hook consumer is unreachable: the run fails after the rotation and the vault file's hand-over.
    failed = ansible('role_pingone_secret_rotation.yml', dict(variables, p1_hook_fails=True), extra_args=vault_args, secrets=[old])
    assert failed.rc != 0 and 'the hook consumer is unreachable' in failed.output
    new = secret_of(admin, p1api, app)['secret']
    failed.assert_no_secrets([new])
    state = json.loads(next((rotation['tmp'] / 'state').iterdir()).read_text())
    assert state['phase'] == 'rotated' and old not in json.dumps(state) and new not in json.dumps(state)
    # Both secrets work meanwhile: nothing broke.
    assert token_status(op, app, old) == 200 and token_status(op, app, new) == 200

    # Check mode now says the rotation is continued, and writes nothing.
    mark = p1api.mark()
    checked = ansible('role_pingone_secret_rotation.yml', variables, check=True, extra_args=vault_args, secrets=[old, new])
    assert checked.rc == 0 and p1api.writes(since=mark) == 0, checked.output[-3000:]
    assert 'a rotation is in progress (phase rotated); not rotated again' in checked.output

    # Something still uses the old secret (a consumer nobody listed): the rerun continues - no second rotation, the
    # consumers handed over and verified - but keeps the previous secret and says when it was last used.
    assert token_status(op, app, old) == 200
    mark = p1api.mark()
    resumed = ansible('role_pingone_secret_rotation.yml', dict(variables, p1_retire_idle=30), extra_args=vault_args, secrets=[old, new])
    assert resumed.rc == 0, resumed.output[-3000:]
    assert p1api.count('POST', f'{p1api.env_path}/applications/{app}/secret', since=mark) == 0
    assert 'Rotated: previous secret kept: the previous secret was last used at' in resumed.flat
    assert 'something still uses it besides the consumers handed over (portal vault file, portal sidecar)' in resumed.flat
    assert 'previous' in secret_of(admin, p1api, app) and token_status(op, app, old) == 200
    assert json.loads(rotation['hook_path'].read_text())['client_secret'] == new

    # Once it is idle, the next run retires it: no rotation, nothing handed over again.
    mark = p1api.mark()
    handed = [os.stat(path).st_mtime_ns for path in (rotation['vault_path'], rotation['hook_path'])]
    retired = ansible('role_pingone_secret_rotation.yml', dict(variables, p1_retire_wait=30), extra_args=vault_args, secrets=[old, new])
    assert retired.rc == 0, retired.output[-3000:]
    assert p1api.count('POST', f'{p1api.env_path}/applications/{app}/secret', since=mark) == 0
    assert 'Retired the previous secret of Rotated' in retired.output
    assert [os.stat(path).st_mtime_ns for path in (rotation['vault_path'], rotation['hook_path'])] == handed
    assert secret_of(admin, p1api, app)['secret'] == new and 'previous' not in secret_of(admin, p1api, app)
    assert token_status(op, app, old) == 401 and token_status(op, app, new) == 200

    # The next run starts a new rotation (min_age 0), unless the last is younger than min_age.
    mark = p1api.mark()
    again = ansible('role_pingone_secret_rotation.yml', dict(variables, p1_min_age=3600), check=True, extra_args=vault_args, secrets=[old, new])
    assert again.rc == 0 and 'not rotated, the last rotation, at' in again.output, again.output[-3000:]
