# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rotation's awx_credential consumer: awx.awx's own modules and lookup against a stand-in of AWX's API, and the
verification job run the way the AWX tests run AWX's jobs (awx.inject, ansible-runner).

What is tested: the role's tasks through awx.awx (the controller_api lookup reading the credential, the credential
module's PATCH with the other inputs sent back as the API answered them, job_launch waiting for the job), the inputs
the controller then holds (the new secret, every other input as it was), and a job that gets a token with the
credential as AWX injects it. What is not: AWX itself (its database, RBAC, scheduling, execution environments); the
stand-in (awx_controller.py) answers as AWX's API does for these calls only. ansible.controller is not run (it is not
on the package index); its task file is awx.awx's with the collection name changed.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
import yaml

import awx
from awx_controller import Controller, awx_collection_path
from conftest import COLLECTIONS, TOP
from test_awx_runner import APPLICATION_CREDENTIAL_TYPE, job_env, run_job
from test_pingone_api_contract import JWT_WORKER
from test_role_pingone_secret_rotation import token_status
from test_role_pingone_platform import worker_auth

AWX_COLLECTION = awx_collection_path(TOP)
CHECK_PLAYBOOK = os.path.join(os.path.dirname(__file__), 'playbooks', 'awx_rotation_check.yml')

pytestmark = pytest.mark.skipif(AWX_COLLECTION is None, reason='awx.awx comes from the tools venv (make venv-tools), which is missing')


def test_awx_credential_consumer_is_handed_over_through_awx_awx_and_verified_by_a_job(op, p1api, admin, ansible, tmp_path):
    app = admin.post(p1api.collection_url('applications'), json=JWT_WORKER).json()['id']
    secret_url = p1api.collection_url('applications', app, 'secret')
    old = admin.get(secret_url).json()['secret']
    controller_token = uuid.uuid4().hex
    with open(APPLICATION_CREDENTIAL_TYPE) as handle:
        application_type = yaml.safe_load(handle)
    with open(op.ca_path) as handle:
        ca_pem = handle.read()
    jobs = []

    def job(credential_type, inputs, playbook):
        workdir = tmp_path / f'job-{len(jobs)}'
        injected = awx.inject(credential_type, inputs, str(workdir / 'job'))
        outcome = run_job(workdir, playbook, job_env(workdir, injected), {})
        jobs.append(outcome)
        return outcome

    collections = tmp_path / 'collections' / 'ansible_collections' / 'awx'
    collections.mkdir(parents=True)
    os.symlink(AWX_COLLECTION, str(collections / 'awx'))
    with Controller(controller_token, job) as controller:
        kind = controller.add('credential_types', application_type)
        other_inputs = {'client_id': app, 'issuer': op.pingone_issuer, 'ca_certificate': ca_pem}
        credential = controller.add(
            'credentials', {'name': 'portal', 'credential_type': kind['id'], 'organization': 1, 'inputs': dict(other_inputs, client_secret=old)}
        )
        controller.add('job_templates', {'name': 'portal token check', 'credential': credential['id'], 'playbook': CHECK_PLAYBOOK})
        variables = {
            'p1_url': p1api.env_url,
            'p1_auth': worker_auth(op, token_store_path=str(tmp_path / 'store')),
            'p1_state_dir': str(tmp_path / 'state'),
            'p1_verify': {'issuer': op.pingone_issuer, 'ca_path': op.ca_path},
            'p1_retire_wait': 30,
            'p1_applications': [
                {
                    'name': JWT_WORKER['name'],
                    'consumers': [
                        {
                            'name': 'portal AWX credential',
                            'type': 'awx_credential',
                            'credential': 'portal',
                            'organization': 'Default',
                            'verify_job_template': 'portal token check',
                            'verify_interval': 0.5,
                            'controller': {'controller_host': controller.url, 'controller_oauthtoken': controller_token},
                        }
                    ],
                }
            ],
        }
        run = ansible(
            'role_pingone_secret_rotation.yml',
            variables,
            # awx.awx 24 imports ansible.module_utils._text, which ansible-core 2.21 deprecates: its warning, not ours.
            env={'ANSIBLE_COLLECTIONS_PATH': os.pathsep.join([COLLECTIONS, str(tmp_path / 'collections')]), 'ANSIBLE_DEPRECATION_WARNINGS': 'false'},
            secrets=[old, controller_token],
        )
        assert run.rc == 0, run.output[-4000:]
        new = admin.get(secret_url).json()['secret']
        run.assert_no_secrets([new])
        # The controller holds the new secret, and every other input as it was (sent back as answered: $encrypted$ kept).
        assert credential['inputs'] == dict(other_inputs, client_secret=new)
        assert controller.requests.count(('PATCH', f'/api/v2/credentials/{credential["id"]}/')) == 1
        launched = [path for method, path in controller.requests if method == 'POST']
        assert launched == [f'/api/v2/job_templates/{controller.objects["job_templates"].popitem()[0]}/launch/']
    # The job ran as AWX runs it, with the credential as AWX injects it, and got a token.
    assert len(jobs) == 1
    rc, status, written = jobs[0]
    assert (rc, status) == (0, 'successful'), written[-3000:]
    assert f'The credential of client {app} gets a Bearer token' in written
    assert old not in written and new not in written
    # Retired: the old secret is refused, the new one works.
    assert 'previous' not in admin.get(secret_url).json()
    assert token_status(op, app, old) == 401 and token_status(op, app, new) == 200
    state = json.loads(next((tmp_path / 'state').iterdir()).read_text())
    assert state['phase'] == 'retired' and state['consumers']['portal AWX credential']['verified']
