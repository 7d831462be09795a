# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AWX credential plugin (awx_plugin/): built, installed in a clean venv, discovered and called as AWX does.

The wheel is built from this checkout by its own PEP 517 backend (pip wheel) and installed, with AWX's plugin packages
(awx-plugins-interfaces, awx-plugins-core) and nothing else, in a venv of Python 3.11, the AWX image's: no ansible-core,
no collection loader. awx_plugin_host.py, run by that venv's Python, does what AWX does between a job launch and the
plugin. The venv is kept in .build/awx-plugin and made again only when what it installs changes (the wheel alone is
reinstalled when the library or the plugin changes): a few seconds the first time, a fraction of one after.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile

import pytest

from conftest import JWT_PATTERN, TOP, client_secrets

PLUGIN_DIR = os.path.join(TOP, 'awx_plugin')
HOST = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'awx_plugin_host.py')
CACHE = os.path.join(TOP, '.build', 'awx-plugin')
# The AWX image's Python (ansible/awx tools/ansible/roles/dockerfile: python3.11).
AWX_PYTHON = '3.11'
# What AWX's own venv holds of the plugin world: the plugin interfaces and the core plugins (no dependencies unless
# an extra is asked for), beside which ours must be discovered.
AWX_PACKAGES = ['awx-plugins-interfaces==0.0.1a5', 'awx-plugins-core==0.2.0a0']
NAME = 'OpenID Connect token (JWT client authentication)'
GROUPS = ('awx_plugins.credentials', 'awx.credential_plugins')
SECRET_INPUTS = {'client_secret', 'private_key', 'private_key_passphrase'}

# AWX's schema of a credential type's inputs (ansible/awx awx/main/fields.py, CredentialTypeInputField), by hand: the
# keys a field may have with the type of each, the id pattern, the required keys; plus what its validate() adds.
FIELD_KEYS = {
    'type': str,
    'format': str,
    'choices': list,
    'id': str,
    'label': str,
    'help_text': str,
    'multiline': bool,
    'secret': bool,
    'ask_at_runtime': bool,
    'default': object,
}
FIELD_ID = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')


def run(command, **kwargs):
    return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False, timeout=300, **kwargs)


@contextlib.contextmanager
def locked(path):
    """One pytest-xdist worker (or one make test part) at a time makes the venv."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope='session')
def wheel(tmp_path_factory):
    """The wheel, built from this checkout by pip through awx_plugin's own backend, as a user would build it."""
    out = tmp_path_factory.mktemp('wheel')
    proc = run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--disable-pip-version-check', '-w', str(out), PLUGIN_DIR])
    assert proc.returncode == 0, proc.stdout
    [name] = os.listdir(out)
    return str(out / name)


def requirements_of(wheel_path):
    with zipfile.ZipFile(wheel_path) as archive:
        [metadata] = [name for name in archive.namelist() if name.endswith('.dist-info/METADATA')]
        text = archive.read(metadata).decode('utf-8')
    return re.findall(r'^Requires-Dist: (.+)$', text, re.M)


@pytest.fixture(scope='session')
def awx_python(wheel):
    """The Python of a venv holding the plugin, AWX's plugin packages and their requirements only."""
    python = run([os.path.join(TOP, 'tests', 'bin', 'find-python'), AWX_PYTHON]).stdout.strip()
    venv = os.path.join(CACHE, f'venv-{AWX_PYTHON}')
    constraints = os.path.join(TOP, 'tests', 'constraints.txt')
    with open(constraints) as handle, open(wheel, 'rb') as built:
        wanted = json.dumps([python, AWX_PACKAGES, requirements_of(wheel), handle.read()])
        digest = hashlib.sha256(built.read()).hexdigest()
    stamp = os.path.join(venv, 'jwtauth-stamp.json')
    pip = [os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-c', constraints]
    with locked(os.path.join(CACHE, 'lock')):
        try:
            with open(stamp) as handle:
                made = json.load(handle)
        except (OSError, ValueError):
            made = {}
        if made.get('wanted') != wanted:
            shutil.rmtree(venv, ignore_errors=True)
            proc = run([python, '-m', 'venv', venv])
            assert proc.returncode == 0, proc.stdout
            # The wheel with its declared requirements, as pip resolves them: a requirement it lacks fails the tests.
            proc = run(pip + [wheel] + AWX_PACKAGES)
            assert proc.returncode == 0, proc.stdout
        elif made.get('wheel') != digest:
            proc = run(pip + ['--no-deps', '--force-reinstall', wheel])
            assert proc.returncode == 0, proc.stdout
        with open(stamp, 'w') as handle:
            json.dump({'wanted': wanted, 'wheel': digest}, handle)
    return os.path.join(venv, 'bin', 'python')


def host(awx_python, command, kwargs=None, env=None, go_file=None):
    """awx_plugin_host.py in the plugin's venv: its JSON answer, and everything the process wrote."""
    argv = [awx_python, HOST, command] + ([go_file] if go_file else [])
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, env=dict(os.environ, **(env or {}))
    )
    return proc, json.dumps(kwargs or {})


def answer(proc, stdin):
    """The host's JSON answer, and what it wrote for AWX's users to see: its other output, an error's message and
    traceback; never the token, which the answer holds by design."""
    out = proc.communicate(stdin, timeout=120)[0]
    return parsed(proc, out)


def parsed(proc, out):
    assert proc.returncode == 0, out
    lines = out.splitlines()
    result = json.loads(lines[-1])
    shown = lines[:-1] + [value if isinstance(value, str) else json.dumps(value) for key, value in result.items() if key != 'token']
    return result, '\n'.join(shown)


def lookup(awx_python, kwargs, env):
    return answer(*host(awx_python, 'lookup', kwargs, env))


def lookups_at_once(awx_python, kwargs, env, count, tmp_path):
    """``count`` processes, each a job launch resolving the same linked field, started together."""
    go_file = str(tmp_path / 'go')
    started = [host(awx_python, 'lookup', kwargs, env, go_file) for _launch in range(count)]
    for proc, stdin in started:
        proc.stdin.write(stdin)
        proc.stdin.close()
    with open(go_file, 'w'):
        pass
    results = []
    for proc, _stdin in started:
        out = proc.stdout.read()
        proc.wait(120)
        results.append(parsed(proc, out))
    os.unlink(go_file)
    return results


def read_pem(path):
    with open(path) as handle:
        return handle.read()


@pytest.fixture
def cache_env(tmp_path):
    return {'JWTAUTH_OIDC_AWX_CACHE_DIR': str(tmp_path / 'cache')}


def assert_nothing_leaked(texts, secrets, cache_dir=None):
    """No secret or token in what the processes wrote, nor in plain text in the cache (encrypted at rest)."""
    written = list(texts)
    if cache_dir and os.path.isdir(cache_dir):
        for name in os.listdir(cache_dir):
            with open(os.path.join(cache_dir, name), errors='replace') as handle:
                written.append(handle.read())
    for text in written:
        for secret in secrets:
            if secret:
                assert secret not in text, 'a secret or token appears in what the plugin wrote or cached'
        assert not JWT_PATTERN.findall(text), 'a JWT appears in what the plugin wrote or cached'


def test_the_package_declares_the_collections_requirements(wheel):
    with open(os.path.join(TOP, 'requirements.txt')) as handle:
        collection = [line.split('#', 1)[0].strip() for line in handle if line.split('#', 1)[0].strip()]
    assert requirements_of(wheel) == collection
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        library = [name for name in names if name.startswith('jwtauth_oidc_awx/_library/')]
        sources = '\n'.join(archive.read(name).decode('utf-8') for name in library)
    # The collection's library, vendored with its imports rewritten, not a copy kept in the repository.
    assert 'jwtauth_oidc_awx/_library/_store/provider.py' in library and 'jwtauth_oidc_awx/_library/_oauth/client_auth.py' in library
    assert 'ansible_collections' not in sources
    with open(os.path.join(TOP, 'plugins', 'module_utils', '_store', 'provider.py')) as handle:
        original = handle.read().replace('ansible_collections.jwtauth.oidc.plugins.module_utils', 'jwtauth_oidc_awx._library')
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read('jwtauth_oidc_awx/_library/_store/provider.py').decode('utf-8') == original
    # What the plugin does not import is not shipped: the use cases that need ansible-core.
    assert 'jwtauth_oidc_awx/_library/_tasks.py' not in names


def test_discovered_through_both_entry_point_groups_with_well_formed_inputs(awx_python):
    found, out = answer(*host(awx_python, 'discover'))
    for group in GROUPS:
        assert found[group]['jwtauth_oidc_token']['name'] == NAME, out
        assert found[group]['jwtauth_oidc_token']['dist'] == 'jwtauth-oidc-awx'
    # Beside AWX's own plugins, in the group AWX's development branch reads.
    assert {'hashivault_kv', 'conjur'} <= set(found['awx_plugins.credentials'])
    # Loaded without ansible-core: AWX's Python has none.
    assert found['ansible_imported'] == []
    inputs = found['awx_plugins.credentials']['jwtauth_oidc_token']['inputs']
    assert set(inputs) == {'fields', 'metadata', 'required'}
    ids = [field['id'] for field in inputs['fields'] + inputs['metadata']]
    assert len(ids) == len(set(ids)) and 'tower' not in ids, 'field and metadata ids must be unique (AWX merges metadata over inputs)'
    assert set(inputs['required']) <= set(ids)
    for field in inputs['fields'] + inputs['metadata']:
        assert set(field) <= set(FIELD_KEYS) and {'id', 'label'} <= set(field), field
        assert all(isinstance(field[key], FIELD_KEYS[key]) for key in field), field
        assert FIELD_ID.match(field['id']) and field.get('type', 'string') in ('string', 'boolean')
        if 'choices' in field:
            assert field['choices'] and len(set(field['choices'])) == len(field['choices'])
        # No boolean: AWX would inject one left empty as False.
        assert field.get('type') == 'string'
    secret = {field['id'] for field in inputs['fields'] if field.get('secret')}
    assert secret == SECRET_INPUTS
    assert {field['id'] for field in inputs['metadata']} == {'scope', 'resource', 'token_audience'}


def test_tokens_for_client_secret_jwt_and_private_key_jwt(op, awx_python, cache_env, tmp_path):
    """A PingOne-shaped location with client_secret_jwt, and an issuer with private_key_jwt (ES256 key ec1)."""
    csjwt, pkjwt = op.clients['csjwt'], op.clients['pkjwt']
    ca = read_pem(op.ca_path)
    mark = op.mark()
    secret_token, secret_out = lookup(
        awx_python,
        {
            'environment_id': op.env_id,
            'auth_base_url': op.base_url,
            'client_id': csjwt['client_id'],
            'client_secret': csjwt['client_secret'],
            'ca_certificate': ca,
            'scope': 'api:read',
        },
        cache_env,
    )
    key_token, key_out = lookup(
        awx_python,
        {
            'issuer': op.issuer,
            'client_id': pkjwt['client_id'],
            'auth_method': 'private_key_jwt',
            'private_key': read_pem(pkjwt['private_keys']['ec1']['path']),
            'key_id': 'ec1',
            'signing_alg': 'ES256',
            'ca_certificate': ca,
            'scope': 'api:read api:write',
            'region': '',  # AWX sends an input left empty as ""
        },
        cache_env,
    )
    assert secret_token.get('token') and key_token.get('token'), (secret_out, key_out)
    grants = sorted((event.get('client_id'), event.get('grant_type')) for event in op.events('grant.success', since=mark))
    assert grants == sorted([(csjwt['client_id'], 'client_credentials'), (pkjwt['client_id'], 'client_credentials')])
    assert op.count('request', path=op.token_endpoint(op.pingone_issuer), since=mark) == 1
    assert op.count('request', path=op.token_endpoint(), since=mark) == 1
    # Each client is registered at the OP with its authentication method alone (tests/servers/op/harness.py), so each
    # success was that method; the requests name the plugin.
    token_paths = {'/token', f'/{op.env_id}/as/token'}
    agents = {event.get('agent') for event in op.events('request', since=mark) if event.get('path') in token_paths}
    assert len(agents) == 1 and agents.pop().startswith('jwtauth-oidc-awx/')
    tokens = [secret_token['token'], key_token['token']]
    assert_nothing_leaked([secret_out, key_out], client_secrets(op) + tokens, cache_env['JWTAUTH_OIDC_AWX_CACHE_DIR'])


def test_concurrent_launches_share_one_token_request(op, awx_python, cache_env, tmp_path):
    """Eight job launches at once, in eight processes: one token request; more launches later: none; another scope: one."""
    client = op.clients['csjwt']
    kwargs = {'issuer': op.issuer, 'client_id': client['client_id'], 'client_secret': client['client_secret'], 'ca_certificate': read_pem(op.ca_path)}
    endpoint = op.token_endpoint()
    mark = op.mark()
    results = lookups_at_once(awx_python, dict(kwargs, scope='api:read'), cache_env, 8, tmp_path)
    tokens = {result.get('token') for result, _out in results}
    assert len(tokens) == 1 and None not in tokens, [out for _result, out in results]
    assert op.count('request', path=endpoint, since=mark) == 1
    again = lookups_at_once(awx_python, dict(kwargs, scope='api:read'), cache_env, 4, tmp_path)
    assert {result['token'] for result, _out in again} == tokens and op.count('request', path=endpoint, since=mark) == 1
    other, other_out = lookup(awx_python, dict(kwargs, scope='api:write'), cache_env)
    assert other['token'] not in tokens and op.count('request', path=endpoint, since=mark) == 2
    outs = [out for _result, out in results + again] + [other_out]
    assert_nothing_leaked(outs, client_secrets(op) + list(tokens) + [other['token']], cache_env['JWTAUTH_OIDC_AWX_CACHE_DIR'])


def test_a_wrong_secret_is_one_request_and_a_clear_error(op, awx_python, cache_env, tmp_path):
    """Eight launches with a wrong secret: the OP sees one request, every launch gets invalid_client with where and why
    (the Test button: the class name), no secret and no chained exception; the corrected secret works at once."""
    client = op.clients['csjwt']
    wrong = 'w' * 64
    kwargs = {'issuer': op.issuer, 'client_id': client['client_id'], 'client_secret': wrong, 'ca_certificate': read_pem(op.ca_path), 'scope': 'api:read'}
    endpoint = op.token_endpoint()
    mark = op.mark()
    results = lookups_at_once(awx_python, kwargs, cache_env, 8, tmp_path)
    assert op.count('request', path=endpoint, since=mark) == 1
    for result, out in results:
        assert result.get('error_class') == 'ClientAuthenticationFailed' == result['test_button'], out
        assert result['message'].startswith(f'jwtauth.oidc: Failed to obtain a client_credentials token at {endpoint}: invalid_client'), out
        assert 'During handling' not in result['traceback'] and 'direct cause' not in result['traceback']
    fixed, fixed_out = lookup(awx_python, dict(kwargs, client_secret=client['client_secret']), cache_env)
    assert fixed.get('token') and op.count('request', path=endpoint, since=mark) == 2, fixed_out
    outs = [out for _result, out in results] + [fixed_out]
    assert_nothing_leaked(outs, client_secrets(op) + [wrong, fixed['token']], cache_env['JWTAUTH_OIDC_AWX_CACHE_DIR'])


@pytest.mark.parametrize(
    'inputs, error_class, words',
    [
        ({}, 'CredentialInputError', 'set one of Token endpoint URL, Issuer URL, PingOne environment ID, PingOne custom domain URL'),
        (
            {'issuer': 'https://idp.example.test', 'auth_method': 'private_key_jwt'},
            'CredentialInputError',
            'Private key (PEM) is required with private_key_jwt',
        ),
        ({'environment_id': 'not-an-id'}, 'CredentialInputError', 'environment_id'),
        ({'issuer': 'https://idp.example.test', 'expiry_leeway': 'soon'}, 'CredentialInputError', 'must be a number of seconds'),
    ],
)
def test_inputs_that_cannot_work_say_what_to_set_before_any_request(op, awx_python, cache_env, inputs, error_class, words):
    secret = 's' * 64
    mark = op.mark()
    result, out = lookup(awx_python, dict({'client_id': 'automation', 'client_secret': secret}, **inputs), cache_env)
    assert result.get('error_class') == error_class and words in result['message'], out
    assert op.count('request', since=mark) == 0
    assert_nothing_leaked([out], [secret])


def test_an_unreachable_op_names_the_url(awx_python, cache_env):
    """Connection refused: ProviderUnreachable, the URL in the message."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        url = f'https://127.0.0.1:{sock.getsockname()[1]}/token'
    # The socket is closed again: nothing listens on the port.
    result, out = lookup(awx_python, {'token_endpoint': url, 'client_id': 'automation', 'client_secret': 's' * 64}, cache_env)
    assert result.get('error_class') == 'ProviderUnreachable' and url in result['message'], out


def test_proxies_from_the_environment_are_honoured(op, awx_python, cache_env):
    """HTTPS_PROXY is used (the OP behind a proxy that is down is unreachable, the proxy named), NO_PROXY is honoured: AWX
    passes a proxy set in its settings (AWX_TASK_ENV) as these variables, and the collection keeps requests' trust_env."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        proxy = f'http://127.0.0.1:{sock.getsockname()[1]}'
    client = op.clients['csjwt']
    kwargs = {'issuer': op.issuer, 'client_id': client['client_id'], 'client_secret': client['client_secret'], 'ca_certificate': read_pem(op.ca_path)}
    mark = op.mark()
    behind = dict(cache_env, HTTPS_PROXY=proxy, https_proxy=proxy, NO_PROXY='', no_proxy='')
    result, out = lookup(awx_python, dict(kwargs, scope='api:read'), behind)
    assert result.get('error_class') == 'ProviderUnreachable' and 'proxy' in result['message'].lower(), out
    assert op.events('request', since=mark) == []
    bypassed = dict(behind, NO_PROXY='127.0.0.1', no_proxy='127.0.0.1')
    # Another scope, another cache entry: the failure above is shared for 10 s with whatever asks for the same token.
    result, out = lookup(awx_python, dict(kwargs, scope='api:write'), bypassed)
    assert result.get('token'), out
