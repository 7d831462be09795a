# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The module's edge, run in-process: argument checks, check mode, no_log handling. No network."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.jwtauth.oidc.plugins.modules import token

SECRET = 'unit-test-secret-' + 'q' * 48
BASE = {'token_endpoint': 'https://op.example.test/as/token', 'client_id': 'c1', 'client_secret': SECRET}


@pytest.fixture(autouse=True)
def module_side(monkeypatch):
    """Run the module as on a managed host.

    Importing controller code (the lookup tests load plugins) sets
    ansible.module_utils._internal.is_controller for the whole worker, and then
    module warnings go to the controller's display instead of the result.
    """
    internal = pytest.importorskip('ansible.module_utils._internal')
    monkeypatch.setattr(internal, 'is_controller', False, raising=False)


def run_module(capsys, args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            token.main()
    out = capsys.readouterr().out
    return json.loads(out), out


def test_check_mode_skips_code_redemption_without_network(capsys):
    args = dict(BASE, code='one-time-code', redirect_uri='https://app/cb', _ansible_check_mode=True)
    result, out = run_module(capsys, args)
    assert result['skipped'] is True and result['changed'] is False
    assert 'authorization_code grant spends a single-use value' in result['msg']
    assert SECRET not in out and 'one-time-code' not in out


@pytest.mark.parametrize('args, message', [
    ({'client_id': 'c1', 'client_secret': SECRET}, 'one of the following is required: token_endpoint, issuer, environment_id, auth_base_url'),
    (dict(BASE, client_secret=None), 'auth_method is client_secret_jwt but all of the following are missing: client_secret'),
    (dict(BASE, grant_type='refresh_token'), 'missing: refresh_token'),
    (dict(BASE, region='MARS'), 'value of region must be one of'),
])
def test_argument_errors(capsys, args, message):
    args = {key: value for key, value in args.items() if value is not None}
    result, out = run_module(capsys, args)
    assert result['failed'] is True
    assert message in result['msg']
    assert SECRET not in out


def test_library_errors_become_fail_json_with_details(capsys):
    args = dict(BASE, signing_alg='RS256', code='Xy7-one-time-code', redirect_uri='https://app/cb', _ansible_check_mode=True)
    result, out = run_module(capsys, args)
    assert result['failed'] is True
    assert result['msg'] == 'signing_alg RS256 cannot be used with client_secret_jwt; choose one of HS256, HS384, HS512'
    assert SECRET not in out


def test_unrotated_refresh_token_is_returned_unmasked(capsys, monkeypatch):
    """Ansible masks returned values equal to no_log inputs; the module lets the tokens through on purpose."""
    refresh = 'unrotated-refresh-token-value'

    def fake_run(options, check_mode=False):
        return {'access_token': 'at-value', 'refresh_token': options['refresh_token'], 'changed': False, 'warnings': []}

    monkeypatch.setattr(token, 'run_token_task', fake_run)
    result, out = run_module(capsys, dict(BASE, refresh_token=refresh))
    assert result['refresh_token'] == refresh
    # Only as the returned value: the echoed arguments (when ansible-core includes them) stay masked.
    assert out.count(refresh) == 1
    assert SECRET not in out


def test_short_hmac_secret_is_a_warning(capsys):
    args = dict(BASE, client_secret='short-secret', signing_alg='HS512', code='Xy7-one-time-code', redirect_uri='https://app/cb',
                _ansible_check_mode=True)
    result, out = run_module(capsys, args)
    assert result['skipped'] is True
    # ansible-core 2.19+ returns warnings as structured summaries: look at their text.
    warnings = json.dumps(result['warnings'])
    assert 'shorter than the 64 bytes RFC 7518 section 3.2 requires for HS512' in warnings
    assert 'short-secret' not in out
