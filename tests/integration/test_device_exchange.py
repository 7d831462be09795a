# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The device authorization grant (RFC 8628) and token exchange (RFC 8693) against a real OP (panva oidc-provider)."""

from __future__ import annotations

import re
import threading

import pytest
import requests

from servers.op import harness
from test_token_module import client_options

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils import _tasks
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError

DEVICE = 'urn:ietf:params:oauth:grant-type:device_code'
EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
INSTRUCTIONS = re.compile(r'token \[localhost\]: To approve, open (\S+) and enter the code ([A-Z]{4}-[A-Z]{4})')


class Approver:
    """Plays the person: approves (or denies) the user code shown, from another thread, as soon as it is shown."""

    def __init__(self, op, issuer=None, deny=False):
        self.op, self.issuer, self.deny = op, issuer, deny
        self.shown = []
        self.threads = []
        self.errors = []

    def __call__(self, line):
        found = re.search(r'enter the code ([A-Z]{4}-[A-Z]{4})', line)
        if not found:
            return
        self.shown.append(line)
        thread = threading.Thread(target=self._approve, args=(found.group(1),))
        thread.start()
        self.threads.append(thread)

    def _approve(self, user_code):
        try:
            harness.approve_device(self.op, user_code, issuer=self.issuer, deny=self.deny)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            self.errors.append(exc)

    def join(self):
        for thread in self.threads:
            thread.join(30)
        assert not self.errors, self.errors


def introspect(op, token):
    basic = op.clients['basic']
    response = requests.post(
        op.discovery()['introspection_endpoint'], data={'token': token}, verify=op.ca_path, timeout=10, auth=(basic['client_id'], basic['client_secret'])
    )
    response.raise_for_status()
    return response.json()


@pytest.mark.core_sensitive
def test_device_grant_then_exchange_in_a_play(op, ansible):
    """One run: check mode does not start the flow; the user code is in the job output while the task still waits
    (the approval is driven by that line); tokens are saved; the module and the lookup exchange the access token,
    the lookup once for two references; no device code, token or secret in the -vvvv output."""
    client = op.clients['csjwt']
    conn = {'issuer': op.issuer, 'client_id': client['client_id'], 'client_secret': client['client_secret'], 'ca_path': op.ca_path}
    approver = Approver(op)
    mark = op.mark()
    codes_before = len(op.device_codes())  # the session's OP: other tests of this worker may have asked for codes
    run = ansible('device_exchange.yml', {'conn': conn}, on_line=approver)
    approver.join()
    assert run.rc == 0, run.output[-3000:]
    result = run.result
    assert result['device_check']['skipped'] is True and 'device_code grant spends a single-use value' in result['device_check']['msg']
    # Shown once, for the real task only; the line came before the task's result.
    assert len(approver.shown) == 1 and INSTRUCTIONS.search(approver.shown[0])
    assert run.output.index('To approve, open') < run.output.index('TASK [Token exchange by the module]')
    device = result['device']
    assert device['grant_type'] == DEVICE and device['id_token_claims']['sub'] == 'test-user'
    events = op.events(since=mark)
    authorizations = [e for e in events if e['type'] == 'request' and e['path'] == '/device/auth']
    assert len(authorizations) == 1  # check mode sent none
    # Polling honoured the interval (the OP answers slow_down to early polls) and ended at the approval.
    assert not [e for e in events if e['type'] == 'device.slow_down']
    assert [e['grant_type'] for e in events if e['type'] == 'grant.success'].count(DEVICE) == 1
    exchanged = result['exchanged']
    assert exchanged['grant_type'] == EXCHANGE and exchanged['issued_token_type'] == 'urn:ietf:params:oauth:token-type:access_token'
    assert exchanged['access_token'] != device['access_token'] and exchanged['scope'] == 'api:read'
    info = introspect(op, exchanged['access_token'])
    assert info['active'] is True and info['scope'] == 'api:read' and info['sub'] == 'test-user' and info['aud'] == 'reports-api'
    # The lookup: two references, one exchange (the second from the store); the saved device tokens are found by name.
    first, second = result['looked_up']
    assert first['access_token'] == second['access_token'] != exchanged['access_token']
    assert [e['grant_type'] for e in events if e['type'] == 'grant.success'].count(EXCHANGE) == 2
    assert result['saved']['access_token'] == device['access_token']
    secrets = op.device_codes() + [device['access_token'], device['refresh_token'], device['id_token'], first['access_token']]
    assert len(op.device_codes()) - codes_before == 1  # one device code for this run: check mode asked for none
    run.assert_no_secrets(secrets)


def device_options(op, layout='root', **overrides):
    return client_options(op, 'csjwt', layout, grant_type='device_code', scope=['openid', 'api:read'], **overrides)


@pytest.mark.parametrize('layout', ['root', 'pingone'])
def test_device_grant_denied(op, layout):
    approver = Approver(op, issuer=layout, deny=True)
    with pytest.raises(OAuthError) as caught:
        _tasks.run_token_task(device_options(op, layout), TaskContext(approver))
    approver.join()
    assert caught.value.error == 'access_denied' and 'the user denied the request' in str(caught.value)
    assert not any(code in str(caught.value) for code in op.device_codes())


@pytest.fixture(scope='module')
def short_lived_op(tmp_path_factory):
    """An OP whose device codes live 2 s and access tokens 1 s."""
    with harness.OP(str(tmp_path_factory.mktemp('short-op')), ttl={'DeviceCode': 2, 'AccessToken': 1}) as provider:
        yield provider


def test_device_code_expires_unapproved(short_lived_op):
    shown = []
    with pytest.raises(OAuthError) as caught:
        _tasks.run_token_task(device_options(short_lived_op), TaskContext(shown.append))
    assert len(shown) == 1 and 'waiting up to 2 s' in shown[0]
    assert caught.value.error == 'expired_token' and 'the device code expires after 2 s' in str(caught.value)
    assert not any(code in str(caught.value) for code in short_lived_op.device_codes())


def exchange_options(op, subject_token, layout='root', **overrides):
    return client_options(op, 'csjwt', layout, grant_type=EXCHANGE, subject_token=subject_token, **overrides)


def user_access_token(op, layout='root'):
    code = harness.get_code(op, 'csjwt', issuer=op.issuer if layout == 'root' else op.pingone_issuer, scope=harness.CLIENT_SCOPE)
    return _tasks.run_token_task(client_options(op, 'csjwt', layout, code=code['code'], redirect_uri=op.redirect_uri), TaskContext())['access_token']


def test_exchange_refuses_expired_and_garbage_subject_tokens(short_lived_op):
    import time  # pylint: disable=import-outside-toplevel

    expired = user_access_token(short_lived_op)
    time.sleep(2.2)
    for subject in (expired, 'not-a-token-of-this-op'):
        with pytest.raises(OAuthError) as caught:
            _tasks.run_token_task(exchange_options(short_lived_op, subject), TaskContext())
        # RFC 8693 section 2.2.2: an invalid subject token is invalid_request.
        assert caught.value.error == 'invalid_request' and 'subject_token or actor_token is expired' in str(caught.value)
        assert subject not in str(caught.value)


def test_exchange_on_the_pingone_layout_and_its_refusals(op):
    subject = user_access_token(op, 'pingone')
    result = _tasks.run_token_task(exchange_options(op, subject, 'pingone', scope=['api:read'], resource=['https://api.example.test/v1']), TaskContext())
    assert result['issued_token_type'] == 'urn:ietf:params:oauth:token-type:access_token' and result['scope'] == 'api:read'
    assert result['token_endpoint'].endswith('/as/token')
    refusals = [
        ({'token_audience': ['unknown-api']}, 'invalid_target', 'resource or token_audience'),
        ({'scope': ['api:read', 'admin']}, 'invalid_scope', 'not allowed'),
    ]
    for overrides, error, words in refusals:
        with pytest.raises(OAuthError) as caught:
            _tasks.run_token_task(exchange_options(op, subject, 'pingone', **overrides), TaskContext())
        assert caught.value.error == error and words in str(caught.value), str(caught.value)
