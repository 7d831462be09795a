# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in for the part of AWX's API that awx.awx's credential and job_launch modules and its controller_api lookup
call, run in the test process (plain HTTP on 127.0.0.1), for the rotation's awx_credential consumer.

AWX itself cannot run here (awx.py says why). What this stand-in does as AWX does (AWX 24, awx/api and
awx/main/models/credential.py): list endpoints answer ``{count, results}`` filtered by the query's fields; a
credential's secret inputs are answered as ``$encrypted$``; a PATCH replaces ``inputs`` as a whole, and an input sent
back as ``$encrypted$`` keeps its stored value; the answers carry ``X-API-Product-Name``/``-Version``; a bearer token
is required. A job launched from a job template runs for real, the way awx.py runs AWX's jobs: the template's
credential injected by awx.inject (AWX's injection of a custom credential type), its playbook under ansible-runner;
the job's status is ansible-runner's. Everything else of AWX (RBAC, the database, scheduling, projects, the event
stream) is not here.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ENCRYPTED = '$encrypted$'
API = '/api/v2/'


class Controller:
    """The stand-in: credential types, one organization, credentials, job templates whose jobs run through ``run_job``."""

    def __init__(self, token, run_job):
        self.token = token
        self.run_job = run_job  # (credential_type, inputs, playbook) -> (rc, status, output)
        self.ids = itertools.count(1)
        self.objects = {'credential_types': {}, 'organizations': {}, 'credentials': {}, 'job_templates': {}, 'jobs': {}}
        self.requests = []  # (method, path): never a body
        self.lock = threading.Lock()
        self.add('organizations', {'name': 'Default'})
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), _handler(self))
        self.server.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def add(self, kind, fields):
        obj_id = next(self.ids)
        obj = dict(fields, id=obj_id, url=f'{API}{kind}/{obj_id}/', type=kind[:-1])
        if kind == 'job_templates':
            obj.update(related={'launch': f'{API}job_templates/{obj_id}/launch/'}, ask_variables_on_launch=False, survey_enabled=False)
            obj.update(
                (prompt, False)
                for prompt in (
                    'ask_scm_branch_on_launch',
                    'ask_diff_mode_on_launch',
                    'ask_limit_on_launch',
                    'ask_tags_on_launch',
                    'ask_skip_tags_on_launch',
                    'ask_job_type_on_launch',
                    'ask_verbosity_on_launch',
                    'ask_inventory_on_launch',
                    'ask_credential_on_launch',
                )
            )
        self.objects[kind][obj_id] = obj
        return obj

    def secret_fields(self, credential):
        kind = self.objects['credential_types'][credential['credential_type']]
        return {field['id'] for field in kind['inputs']['fields'] if field.get('secret')}

    def shown(self, kind, obj):
        """An object as the API answers it: a credential's secret inputs as $encrypted$."""
        obj = copy.deepcopy(obj)
        if kind == 'credentials':
            secret = self.secret_fields(obj)
            obj['inputs'] = {key: ENCRYPTED if key in secret and value else value for key, value in obj['inputs'].items()}
        return obj

    def patch_credential(self, credential, body):
        if 'inputs' in body:
            secret = self.secret_fields(credential)
            stored = credential['inputs']
            credential['inputs'] = {key: stored.get(key, '') if key in secret and value == ENCRYPTED else value for key, value in body['inputs'].items()}
        credential.update((key, value) for key, value in body.items() if key in ('name', 'description', 'organization', 'credential_type'))

    def launch(self, template):
        job = self.add('jobs', {'name': template['name'], 'status': 'running', 'finished': None, 'failed': False, 'job_template': template['id']})
        credential = self.objects['credentials'][template['credential']]
        kind = self.objects['credential_types'][credential['credential_type']]

        def run():
            rc, status, output = self.run_job(kind, dict(credential['inputs']), template['playbook'])
            with self.lock:
                job.update(status=status, failed=status != 'successful', finished='2026-01-01T00:00:00Z', rc=rc)
                job['output'] = output

        threading.Thread(target=run, daemon=True).start()
        return job


def _handler(controller):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *args):
            pass

        def send(self, status, body=None):
            data = json.dumps(body).encode() if body is not None else b''
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('X-API-Product-Name', 'AWX')
            self.send_header('X-API-Product-Version', '24.6.1')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_one(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get('Content-Length') or 0)
            body = json.loads(self.rfile.read(length) or b'{}') if length else {}
            with controller.lock:
                controller.requests.append((self.command, parts.path))
            if self.headers.get('Authorization') != 'Bearer ' + controller.token:
                return self.send(401, {'detail': 'Authentication credentials were not provided.'})
            rest = parts.path[len(API) :].strip('/').split('/') if parts.path.startswith(API) else []
            if not rest or rest[0] not in controller.objects:
                return self.send(404, {'detail': 'Not found.'})
            kind = rest[0]
            with controller.lock:
                if len(rest) == 1 and self.command == 'GET':
                    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                    found = [controller.shown(kind, obj) for obj in controller.objects[kind].values() if all(str(obj.get(k)) == v for k, v in query.items())]
                    return self.send(200, {'count': len(found), 'next': None, 'previous': None, 'results': found})
                obj = controller.objects[kind].get(int(rest[1])) if rest[1:] and rest[1].isdigit() else None
                if obj is None:
                    return self.send(404, {'detail': 'Not found.'})
                if len(rest) == 2 and self.command == 'GET':
                    return self.send(200, controller.shown(kind, obj))
                if len(rest) == 2 and self.command == 'PATCH' and kind == 'credentials':
                    controller.patch_credential(obj, body)
                    return self.send(200, controller.shown(kind, obj))
                if rest[2:] == ['launch'] and self.command == 'POST' and kind == 'job_templates':
                    job = controller.launch(obj)
                    return self.send(201, dict(job, job=job['id']))
            return self.send(405, {'detail': 'Method not allowed.'})

        do_GET = do_POST = do_PATCH = handle_one

    return Handler


def awx_collection_path(top):
    """The awx.awx collection the tools venv has (from the ansible package), or None."""
    tools = os.path.join(top, '.venv', 'tools', 'lib')
    if not os.path.isdir(tools):
        return None
    for version in sorted(os.listdir(tools)):
        path = os.path.join(tools, version, 'site-packages', 'ansible_collections', 'awx', 'awx')
        if os.path.isdir(path):
            return path
    return None
