# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a hostile server writes, and how a play shows it: echoed secrets in their JSON-escaped forms, escape sequences,
forged output lines, 300 kB of error_description, a 2 MB user code, a verification URI off the OP, a token echoed by
introspection.

Each test points a play (playbooks/server_output.yml, token_each.yml) at tests/servers/hostile.py, whose handlers
write what a certified server never would, and reads both the saved result and the -vvvv output, which the runner
scans for every secret it is given (conftest.playbook_runner).
"""

from __future__ import annotations

import json

import pytest

from servers.hostile import json_answer
from test_device_exchange import Approver, device_options

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking, _tasks
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError

ESC = '\x1b'
# What JSON escapes ('"', '\\', '/' for some encoders) and what it may (non-ASCII), in a secret long enough to be masked.
ODD_SECRET = 'q"u\\o/t€é-' + 'S' * 30
ODD_PASSWORD = 'p"a\\s/s€é-' + 'w' * 20
BEARER = 'hostile-bearer-token-' + 'b' * 24
# A line a hostile server writes to pass for Ansible's own, and a compact JWS it echoes.
FORGED = 'ok: [forged-host] => {"changed": false}'
JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQtMSIsImF1ZCI6Imh0dHBzOi8vb3AifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'


def shown_forms(secret):
    """Every form of ``secret`` (_masking.forms), and each as the -vvvv output prints it inside a JSON string."""
    found = set()
    for form in _masking.forms(secret):
        found.update((form, json.dumps(form)[1:-1], json.dumps(form, ensure_ascii=False)[1:-1]))
    return sorted(found)


def lines_starting(output, text):
    return [line for line in output.splitlines() if line.lstrip().startswith(text)]


# ---------------------------------------------------------------- 1. a secret echoed JSON-escaped


# How a server re-encodes the request it echoes: Python's json (ASCII only, or UTF-8), PHP's (with "\/").
ENCODERS = {
    'python-ascii': json.dumps,
    'python-utf8': lambda value: json.dumps(value, ensure_ascii=False),
    'php': lambda value: json.dumps(value).replace('/', '\\/'),
}


@pytest.mark.core_sensitive
def test_a_client_secret_echoed_json_escaped_is_masked(ansible, hostile_server):
    """The token module, client_secret_post: an OP that logs the form it received as JSON into error_description."""
    cases = []
    for name, encode in ENCODERS.items():
        url = hostile_server.route(
            'POST',
            f'/token/{name}',
            lambda request, encode=encode: json_answer(400, {'error': 'invalid_request', 'error_description': f'got {encode(request.form)}'}),
        )
        cases.append(
            {
                'token_endpoint': url,
                'ca_path': hostile_server.ca_path,
                'client_id': 'echo',
                'client_secret': ODD_SECRET,
                'auth_method': 'client_secret_post',
                'retries': 0,
            }
        )
    run = ansible('token_each.yml', {'token': {}, 'token_cases': cases, 'show_failure': True}, secrets=shown_forms(ODD_SECRET))
    assert [request.form['client_secret'] for request in hostile_server.requests] == [ODD_SECRET] * len(ENCODERS)
    for (name, encode), result in zip(ENCODERS.items(), run.result):
        echoed = encode(ODD_SECRET)[1:-1]
        assert echoed != ODD_SECRET  # the echo carries the secret escaped: the masking, not the OP, keeps it out
        assert result['failed'] is True and result['error'] == 'invalid_request', name
        assert '"client_secret": "********"' in result['msg'] and echoed not in result['msg'], (name, result['msg'])


@pytest.mark.core_sensitive
def test_a_write_only_password_echoed_json_escaped_is_masked(ansible, hostile_server):
    """api_resource, write_only_keys password: a SCIM server that answers a create with the JSON body it received."""
    users = hostile_server.url('/v2/Users')
    hostile_server.route(
        'GET',
        '/v2/Users',
        lambda request: json_answer(200, {'schemas': ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], 'totalResults': 0, 'Resources': []}),
    )
    hostile_server.route(
        'POST',
        '/v2/Users/.search',
        lambda request: json_answer(200, {'schemas': ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], 'totalResults': 0, 'Resources': []}),
    )
    hostile_server.route(
        'POST',
        '/v2/Users',
        lambda request: json_answer(
            400, {'schemas': ['urn:ietf:params:scim:api:messages:2.0:Error'], 'status': '400', 'detail': 'got ' + request.body.decode()}
        ),
    )
    resource = {'url': users, 'items': [{'userName': 'carol', 'password': ODD_PASSWORD}], 'bearer_token': BEARER, 'ca_path': hostile_server.ca_path}
    run = ansible('server_output.yml', {'resource': resource}, secrets=shown_forms(ODD_PASSWORD) + [BEARER])
    created = hostile_server.received('/v2/Users', 'POST')
    assert len(created) == 1 and created[0].json['password'] == ODD_PASSWORD
    sent = json.dumps(ODD_PASSWORD)[1:-1]
    assert sent in created[0].body.decode() and sent != ODD_PASSWORD  # the body, as echoed, holds the escaped form
    result = run.result['resource']
    assert result['failed'] is True and '"password": "********"' in result['msg'], result['msg']
    assert not [form for form in shown_forms(ODD_PASSWORD) if form in json.dumps(result)]


# ---------------------------------------------------------------- 2. what a server writes is shown cleaned


def hostile_description(request):
    """An OAuth error whose every field is hostile: escape sequences, a forged line, a JWT, 300 kB."""
    description = f'{ESC}[2J{ESC}[31mdenied{ESC}[0m\r\n{FORGED}\r\nassertion {JWT} ' + 'padding ' * 37500
    return json_answer(400, {'error': f'invalid_request{ESC}[8m', 'error_description': description, 'error_uri': f'https://op.example/e\r\n{FORGED}'})


@pytest.mark.core_sensitive
def test_an_oauth_error_is_shown_one_line_bounded_and_redacted(ansible, hostile_server):
    url = hostile_server.route('POST', '/token', hostile_description)
    case = {'token_endpoint': url, 'ca_path': hostile_server.ca_path, 'client_id': 'c', 'client_secret': ODD_SECRET, 'retries': 0}
    run = ansible('token_each.yml', {'token': {}, 'token_cases': [case], 'show_failure': True})
    result = run.result[0]
    assert result['failed'] is True and result['error'] == 'invalid_request'
    assert result['msg'].startswith(f'Failed to obtain a client_credentials token at {url}: invalid_request (denied {FORGED} assertion [redacted] padding')
    assert '... [cut: 300' in result['msg'] and len(result['msg']) < 1000
    assert result['error_description'].startswith(f'denied {FORGED} assertion [redacted]') and len(result['error_description']) < 300
    assert result['error_uri'] == f'https://op.example/e {FORGED}'
    # 300 kB came, a few kB went out (the result is printed at -vvvv): no escape sequence, no forged line, no JWT (the runner).
    assert len(run.output) < 50_000 and ESC not in run.output and '\\u001b' not in run.output
    assert not lines_starting(run.output, 'ok: [forged-host]')


def device_answer(**changes):
    body = dict({'device_code': 'hostile-device-code-' + 'd' * 24, 'user_code': 'WDJB-MJHT', 'expires_in': 60, 'interval': 1}, **changes)
    return lambda request: json_answer(200, body)


def token_answer(request):
    return json_answer(200, {'access_token': 'hostile-access-' + 'a' * 24, 'token_type': 'Bearer', 'expires_in': 300})


@pytest.mark.core_sensitive
def test_device_instructions_are_one_line_bounded_and_warn_of_a_foreign_page(ansible, hostile_server):
    """A device authorization endpoint whose user code forges output lines and runs to 2 MB, and whose verification URI
    is plain http on another host: the job output shows one bounded line of instructions, after a warning."""
    user_code = f'{ESC}[2J{ESC}[HWDJB-MJHT\r\n{FORGED}\r\n' + 'X ' * 1_000_000
    hostile_server.route('POST', '/device_authorization', device_answer(user_code=user_code, verification_uri='http://device-login.example.net/activate'))
    device = {
        'token_endpoint': hostile_server.route('POST', '/token', token_answer),
        'device_authorization_endpoint': hostile_server.url('/device_authorization'),
        'client_id': 'c',
        'client_secret': ODD_SECRET,
        'ca_path': hostile_server.ca_path,
    }
    shown = []
    run = ansible('server_output.yml', {'device': device}, secrets=['hostile-access-' + 'a' * 24, 'hostile-device-code-' + 'd' * 24], on_line=shown.append)
    result = run.result['device']
    assert result.get('failed') is not True, result
    warning = (
        'verification_uri http://device-login.example.net is http, not https (RFC 6749 section 3.1 requires TLS where the user signs in): anyone '
        "on the way can read or change the page and on a host that is not the OP's (127.0.0.1), nor a subdomain of one"
    )
    assert len(result['warnings']) == 1 and warning in result['warnings'][0]
    # While the task waits: the warning, then the instructions, each one line of the job output.
    progress = [line for line in shown if line.startswith('token [localhost]: ')]
    assert len(progress) == 2 and warning in progress[0] and progress[0].startswith('token [localhost]: WARNING: ')
    assert progress[1].startswith(f'token [localhost]: To approve, open http://device-login.example.net/activate and enter the code WDJB-MJHT {FORGED} X X')
    assert progress[1].rstrip().endswith(f'... [cut: {len(user_code)} characters in all]; waiting up to 30 s') and len(progress[1]) < 300
    assert len(run.output) < 50_000 and ESC not in run.output and not lines_starting(run.output, 'ok: [forged-host]')


def test_the_test_ops_own_verification_uri_gets_no_warning(op):
    """The real OP (oidc-provider) sends the person to its own /device page: no warning, instructions as they were."""
    approver = Approver(op, deny=True)
    context = TaskContext(approver)
    with pytest.raises(OAuthError, match='access_denied'):
        _tasks.run_token_task(device_options(op), context)
    approver.join()
    assert len(approver.shown) == 1 and approver.shown[0].startswith(f'To approve, open {op.issuer}/device and enter the code ')
    assert not [warning for warning in context.warnings if 'verification_uri' in warning]


# ---------------------------------------------------------------- 4. a token echoed by introspection


@pytest.mark.core_sensitive
def test_introspect_masks_the_token_the_op_echoes(ansible, hostile_server):
    token = 'opaque-introspected-token-' + 't' * 24
    url = hostile_server.route(
        'POST',
        '/introspect',
        lambda request: json_answer(
            200, {'active': True, 'sub': 'alice', 'ext': {'t': request.form['token']}, 'note': f'token {request.form["token"]} is active'}
        ),
    )
    introspected = {'introspection_endpoint': url, 'client_id': 'c', 'client_secret': ODD_SECRET, 'ca_path': hostile_server.ca_path, 'token': token}
    run = ansible('server_output.yml', {'introspected': introspected}, secrets=[token])
    assert hostile_server.received('/introspect')[0].form['token'] == token  # the OP had it, and echoed it
    result = run.result['introspected']
    assert result['active'] is True and result['claims']['sub'] == 'alice'
    assert result['claims']['note'] == 'token ******** is active' and token not in json.dumps(result['claims']['ext'])
