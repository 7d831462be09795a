# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jobs run the way AWX runs them, under ansible-runner, with the credential only as injected variables.

The credential type is the one shipped in extensions/awx/credential_type.yml;
awx.inject renders it the way AWX does. Nothing in the project, inventory or
extra vars holds a connection setting or a secret.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

import awx
from conftest import BIN, COLLECTIONS, JWT_PATTERN, PLAYBOOKS, TOP, client_secrets

CREDENTIAL_TYPE = os.path.join(TOP, 'extensions', 'awx', 'credential_type.yml')
APPLICATION_CREDENTIAL_TYPE = os.path.join(TOP, 'extensions', 'awx', 'application_credential_type.yml')
DEMO_PLAYBOOK = os.path.join(TOP, 'playbooks', 'demo_local_op.yml')
INVENTORY = f'localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n'

# ansible-runner drives ansible-core from outside (its event callbacks, artifacts, environment handling).
pytestmark = pytest.mark.core_sensitive


@pytest.fixture(scope='module')
def credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope='module')
def application_credential_type():
    with open(APPLICATION_CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def read_pem(path):
    with open(path) as handle:
        return handle.read()


def run_job(tmp_path, playbook, envvars, extravars):
    """``ansible-runner run`` on a private data dir laid out like AWX's; returns (rc, status, everything it wrote)."""
    pdd = awx.private_data_dir(str(tmp_path / 'job'), playbook, envvars, extravars, INVENTORY)
    env = {key: value for key, value in os.environ.items() if not key.startswith(('JWTAUTH_OIDC_', 'ANSIBLE_'))}
    env['PATH'] = BIN + os.pathsep + env.get('PATH', '')
    # --omit-env-files as AWX does (AWX_RUNNER_OMIT_ENV_FILES): the job's environment is not copied to artifacts.
    command = [os.path.join(BIN, 'ansible-runner'), 'run', pdd, '-p', os.path.basename(playbook), '--ident', 'job', '--omit-env-files', '-vvvv']
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300, check=False)
    artifacts = os.path.join(pdd, 'artifacts', 'job')
    with open(os.path.join(artifacts, 'status')) as handle:
        status = handle.read().strip()
    # artifacts/<ident>/command is runner's record of the command and of the job's environment, which holds
    # the injected credential by design (as env/envvars does): it must stay private, and it is not output.
    assert os.stat(os.path.join(artifacts, 'command')).st_mode & 0o077 == 0
    written = [proc.stdout]
    for root, _dirs, files in os.walk(artifacts):
        for name in files:
            if os.path.join(root, name) != os.path.join(artifacts, 'command'):
                with open(os.path.join(root, name), errors='replace') as handle:
                    written.append(handle.read())
    return proc.returncode, status, '\n'.join(written)


def assert_nothing_leaked(text, secrets_):
    for secret in secrets_:
        assert secret not in text, 'a secret or token appears in the runner output or artifacts'
    assert not JWT_PATTERN.findall(text), 'a JWT appears in the runner output or artifacts'
    assert 'Traceback (most recent call last)' not in text


def job_env(tmp_path, injected):
    """The job's environment: the credential's variables plus what the execution environment provides."""
    env = dict(injected)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_HOME=str(tmp_path / 'ansible-home'), ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'), ANSIBLE_NOCOLOR='1'
    )
    return env


def test_demo_job_gets_its_credential_only_from_injected_variables(op, credential_type, tmp_path):
    """The demo job (headless sign-on, a call, introspection, revocation) with the service account from the credential."""
    client = op.clients['csjwt']
    password = op.flow_accounts['svc-ansible']['password']
    inputs = {
        'environment_id': op.env_id,
        'auth_base_url': op.base_url,
        'client_id': client['client_id'],
        'client_secret': client['client_secret'],
        'ca_certificate': read_pem(op.ca_path),
        'username': 'svc-ansible',
        'password': password,
    }
    injected = awx.inject(credential_type, inputs, str(tmp_path / 'job'))
    # The inputs left empty arrive as empty variables, as AWX sends them; the collection must read them as unset.
    assert injected['JWTAUTH_OIDC_ISSUER'] == '' and injected['JWTAUTH_OIDC_AUTH_METHOD'] == ''
    assert injected['JWTAUTH_OIDC_PASSWORD'] == password
    assert read_pem(injected['JWTAUTH_OIDC_CA_PATH']) == read_pem(op.ca_path)
    mark = op.mark()

    rc, status, written = run_job(tmp_path, DEMO_PLAYBOOK, job_env(tmp_path, injected), {'demo_redirect_uri': op.redirect_uri})

    assert_nothing_leaked(written, client_secrets(op) + [password] + op.issued_secrets())
    assert (rc, status) == (0, 'successful'), written[-3000:]
    assert 'Flow status: COMPLETED' in written and 'Subject: svc-ansible' in written
    assert 'Scopes granted: openid profile email offline_access' in written
    assert 'userinfo answered HTTP 200 for Test User svc-ansible' in written
    assert 'Before: active True' in written and 'After:  active False' in written
    endpoint = op.token_endpoint(op.pingone_issuer)
    assert op.count('request', path=endpoint, since=mark) == 1
    assert op.count('request', path=f'/{op.env_id}/as/revoke', since=mark) == 2
    grants = [event for event in op.events('grant.success', since=mark) if event.get('client_id') == client['client_id']]
    assert [event.get('grant_type') for event in grants] == ['authorization_code']


def test_private_key_credential_through_the_lookup(op, credential_type, tmp_path):
    client = op.clients['pkjwt']
    key = client['private_keys']['ec1']
    inputs = {
        'issuer': op.issuer,
        'client_id': client['client_id'],
        'auth_method': 'private_key_jwt',
        'private_key': read_pem(key['path']),
        'key_id': 'ec1',
        'signing_alg': 'ES256',
        'ca_certificate': read_pem(op.ca_path),
    }
    injected = awx.inject(credential_type, inputs, str(tmp_path / 'job'))
    assert injected['JWTAUTH_OIDC_CLIENT_SECRET'] == ''
    mark = op.mark()

    rc, status, written = run_job(tmp_path, os.path.join(PLAYBOOKS, 'awx_job_lookup.yml'), job_env(tmp_path, injected), {'job_scope': ['api:read']})

    assert_nothing_leaked(written, client_secrets(op))
    assert (rc, status) == (0, 'successful'), written[-3000:]
    assert 'Token type Bearer, scope api:read' in written
    grants = [event for event in op.events('grant.success', since=mark) if event.get('client_id') == client['client_id']]
    assert [event.get('grant_type') for event in grants] == ['client_credentials']


def test_task_settings_replace_the_injected_location_and_client(op, credential_type, tmp_path):
    """a PingOne worker injected, a web application on another OP location given on the tasks."""
    worker, web = op.clients['csjwt'], op.clients['basic']
    inputs = {
        'environment_id': op.env_id,
        'auth_base_url': op.base_url,
        'client_id': worker['client_id'],
        'client_secret': worker['client_secret'],
        'ca_certificate': read_pem(op.ca_path),
    }
    injected = awx.inject(credential_type, inputs, str(tmp_path / 'job'))
    extravars = {'web_issuer': op.issuer, 'web_ca_path': op.ca_path, 'web_client_id': web['client_id'], 'web_client_secret': web['client_secret']}
    mark = op.mark()

    rc, status, written = run_job(tmp_path, os.path.join(PLAYBOOKS, 'awx_two_clients.yml'), job_env(tmp_path, injected), extravars)

    assert_nothing_leaked(written, client_secrets(op))
    assert (rc, status) == (0, 'successful'), written[-3000:]
    assert 'worker scope api:read; web scope api:write; web lookup scope api:write' in written
    # The worker's token came from the PingOne-shaped location, the web application's from the root issuer.
    assert op.count('request', path=op.token_endpoint(op.pingone_issuer), since=mark) == 1
    assert op.count('request', path=op.token_endpoint(), since=mark) == 2
    grants = [event.get('client_id') for event in op.events('grant.success', since=mark)]
    assert sorted(grants) == sorted([worker['client_id'], web['client_id'], web['client_id']])


def test_a_worker_and_an_application_credential_in_one_job(op, credential_type, application_credential_type, tmp_path):
    """AWX attaches one credential of a type; the application users sign on to comes from the second type.

    The worker (client_secret_basic) gets a client credentials token from the default credential; the application
    (client_secret_jwt) signs a service account on with pi.flow and introspects its token, all from the application
    credential, in the worker's PingOne environment. Each client authenticates as itself: the OP says which.
    """
    worker, application = op.clients['basic'], op.clients['csjwt']
    password = op.flow_accounts['svc-ansible']['password']
    injected = awx.inject(
        credential_type,
        {
            'environment_id': op.env_id,
            'auth_base_url': op.base_url,
            'client_id': worker['client_id'],
            'client_secret': worker['client_secret'],
            'auth_method': 'client_secret_basic',
            'ca_certificate': read_pem(op.ca_path),
        },
        str(tmp_path / 'job'),
    )
    injected.update(
        awx.inject(
            application_credential_type,
            {'client_id': application['client_id'], 'client_secret': application['client_secret'], 'username': 'svc-ansible', 'password': password},
            str(tmp_path / 'job'),
        )
    )
    # The application's location inputs were left empty: the worker's environment is used.
    assert injected['JWTAUTH_OIDC_APP_ENVIRONMENT_ID'] == '' and injected['JWTAUTH_OIDC_APP_CA_PATH'] == ''
    mark = op.mark()

    rc, status, written = run_job(
        tmp_path, os.path.join(PLAYBOOKS, 'awx_worker_and_application.yml'), job_env(tmp_path, injected), {'app_redirect_uri': op.redirect_uri}
    )

    assert_nothing_leaked(written, client_secrets(op) + [password] + op.issued_secrets())
    assert (rc, status) == (0, 'successful'), written[-3000:]
    assert f'worker scope api:read; application {application["client_id"]} signed svc-ansible on, active True, lookup scope openid profile' in written
    grants = sorted((event.get('client_id'), event.get('grant_type')) for event in op.events('grant.success', since=mark))
    assert grants == sorted([(worker['client_id'], 'client_credentials'), (application['client_id'], 'authorization_code')])
    # Both at the PingOne-shaped token endpoint: the application's credential named no location of its own.
    assert op.count('request', path=op.token_endpoint(op.pingone_issuer), since=mark) == 2
    assert op.count('request', path=op.token_endpoint(), since=mark) == 0


def test_empty_injected_variables_do_not_hide_a_missing_setting(op, credential_type, tmp_path):
    """A credential without any OP location fails before any request, naming what is missing."""
    client = op.clients['csjwt']
    injected = awx.inject(credential_type, {'client_id': client['client_id'], 'client_secret': client['client_secret']}, str(tmp_path / 'job'))
    mark = op.mark()

    rc, status, written = run_job(tmp_path, os.path.join(PLAYBOOKS, 'awx_job_lookup.yml'), job_env(tmp_path, injected), {'job_scope': ['api:read']})

    assert_nothing_leaked(written, client_secrets(op))
    assert (rc, status) == (2, 'failed')
    assert 'one of the following is required: token_endpoint, issuer, environment_id, auth_base_url' in written
    assert op.count('request', since=mark) == 0
