# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The token lookup and its store against the real OP: request counts are read at the OP."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import requests

from servers.op import harness
from conftest import BIN
from test_token_module import client_options

# Two batches of ten forks: ten workers miss the store at the same moment, then ten find it.
# bench/token_lookup.py measures hundreds of hosts.
HOSTS = 20


def lookup_vars(op, name, store_path, **extra):
    """The lookup's options as jwtauth_oidc_* variables (its vars: entries)."""
    options = client_options(op, name, **extra)
    variables = {'jwtauth_oidc_' + key: value for key, value in options.items()}
    variables['jwtauth_oidc_token_store_path'] = str(store_path)
    return variables


def lookup_env(op, name, store_path, **extra):
    """The same options as JWTAUTH_OIDC_* environment variables (what an AWX credential type injects)."""
    options = client_options(op, name, **extra)
    env = {'JWTAUTH_OIDC_' + key.upper(): str(value) for key, value in options.items()}
    env['JWTAUTH_OIDC_TOKEN_STORE_PATH'] = str(store_path)
    return env


def token_requests(op, since, issuer=None):
    endpoint = op.token_endpoint(issuer)
    return op.count('request', path=endpoint, since=since)


@pytest.fixture
def many_hosts_inventory(tmp_path):
    path = tmp_path / 'many.ini'
    lines = ['[many]'] + [f'host{i:02d} ansible_connection=local ansible_python_interpreter="{{{{ ansible_playbook_python }}}}"' for i in range(HOSTS)]
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


# The same play with the store off (a request per reference: 100) is the baseline that bench/token_lookup.py
# measures and checks (make bench); it proves nothing about the collection that this test does not.
@pytest.mark.core_sensitive
def test_twenty_hosts_ten_forks(op, ansible, tmp_path, many_hosts_inventory):
    variables = lookup_vars(op, 'csjwt', tmp_path / 'store')
    mark = op.mark()
    run = ansible('lookup_many_hosts.yml', variables, inventory=many_hosts_inventory, extra_args=['-f', '10'])
    assert run.rc == 0, run.output[-3000:]
    rendered = [text.split() for text in run.result]
    assert len(rendered) == HOSTS and all(len(pair) == 2 for pair in rendered)
    tokens = {token for pair in rendered for token in pair}
    run.assert_no_secrets(tokens)
    # One request for 20 hosts in 10 forks, 40 references: every host rendered the same token.
    assert token_requests(op, mark) == 1
    assert len(tokens) == 1


def test_a_leeway_not_shorter_than_the_token_lifetime_still_serves_one_token_to_every_host(op, ansible, tmp_path, many_hosts_inventory):
    """Issue 23: with expiry_leeway at or above the lifetime of the OP's tokens, every reference was a new token
    request, one worker after another under the entry's lock (40 requests for 40 references)."""
    lifetime = 600  # the session OP's client credentials tokens (server.mjs TTL_DEFAULTS.ClientCredentials)
    variables = lookup_vars(op, 'csjwt', tmp_path / 'store', expiry_leeway=900)
    mark = op.mark()
    run = ansible('lookup_many_hosts.yml', variables, inventory=many_hosts_inventory, extra_args=['-f', '10'])
    assert run.rc == 0, run.output[-3000:]
    tokens = {token for text in run.result for token in text.split()}
    # The token is served while more than half its lifetime (300 s) is left, far longer than the play takes: one
    # request for the 40 references, and one warning that names both numbers and the option.
    assert token_requests(op, mark) == 1 and len(tokens) == 1
    warning = f"expiry_leeway is 900 s, not less than the {lifetime} s the OP issued the token for client '{op.clients['csjwt']['client_id']}'"
    assert run.flat.count(warning) == 1, run.flat[-3000:]
    assert 'Set expiry_leeway (JWTAUTH_OIDC_EXPIRY_LEEWAY) below the token lifetime' in run.flat


@pytest.fixture(scope='module')
def short_op(tmp_path_factory):
    """An OP whose access tokens live 2 seconds, less than the default expiry_leeway (60 s): the store serves one while
    more than half its lifetime is left, and a lookup after a pause of SHORT_PAUSE renews it."""
    with harness.OP(str(tmp_path_factory.mktemp('op-short-tokens')), ttl={'ClientCredentials': 2, 'AccessToken': 2}) as provider:
        yield provider


# Seconds a play waits before its lookup, so that a token of short_op is past half its lifetime whatever the machine's
# speed (expires_at is whole seconds, rounded down: a 2 s token has less than 1 s left 1 s after it was requested).
SHORT_PAUSE = 1


@pytest.fixture(scope='module')
def renewal_op(tmp_path_factory):
    """An OP whose access tokens live 12 seconds: with a leeway of 6, each is used for 6 s and has 6 s to spare."""
    with harness.OP(str(tmp_path_factory.mktemp('op-renewal')), ttl={'ClientCredentials': 12, 'AccessToken': 12}) as provider:
        yield provider


def test_renewal_outlives_token_lifetime(renewal_op, ansible, tmp_path):
    # Margins in seconds, not milliseconds: a token is handed out with at least 6 s left, and
    # the round that uses it takes well under that even on a loaded 2-core machine.
    short_op = renewal_op
    variables = lookup_vars(short_op, 'basic', tmp_path / 'store', expiry_leeway=6)
    variables.update(introspection_endpoint=short_op.discovery()['introspection_endpoint'], rounds=8, round_pause=1)
    mark = short_op.mark()
    run = ansible('lookup_renewal.yml', variables, provider=short_op)
    assert run.rc == 0, run.output[-3000:]
    rounds = run.result
    assert len(rounds) == 8
    # Every token the play used was active when used; the play outlived several tokens.
    assert all(entry['active'] is True for entry in rounds), rounds
    assert len({entry['exp'] for entry in rounds}) >= 2
    # 16 references in 8 rounds. However slow the rounds (a loaded machine renews in
    # every round), the second reference of a round reuses the first's token: fewer
    # requests than references. Without the store there would be 16.
    assert 2 <= token_requests(short_op, mark) < 16


@pytest.mark.core_sensitive
def test_saved_token_from_code_renewed_with_refresh_token(short_op, ansible, tmp_path):
    store = tmp_path / 'store'
    env = lookup_env(short_op, 'csjwt', store)
    code = harness.get_code(short_op, 'csjwt')
    mark = short_op.mark()
    first = ansible(
        'lookup_saved.yml',
        {'code': code['code'], 'redirect_uri': short_op.redirect_uri, 'saved_name': 'login', 'pause_before_lookup': SHORT_PAUSE},
        env=env,
        provider=short_op,
        secrets=[code['code']],
    )
    assert first.rc == 0, first.output[-3000:]
    # The access token lives 2 s, less than the 60 s leeway: after the pause the lookup refreshed it, and said that the
    # leeway outlives the OP's tokens.
    grants = [e['grant_type'] for e in short_op.events('grant.success', since=mark)]
    assert grants == ['authorization_code', 'refresh_token']
    assert 'expiry_leeway is 60 s, not less than the 2 s the OP issued the saved token' in first.flat
    assert first.result['grant_type'] == 'refresh_token'
    assert first.result['id_token_claims']['sub'] == 'test-user'
    # query='@' returns the whole response, not only the access token.
    assert set(first.result) >= {'access_token', 'expires_at', 'id_token_claims', 'token_endpoint', 'scope', 'refresh_token'}
    assert first.result['id_token_claims']['aud'] == short_op.clients['csjwt']['client_id']
    assert os.listdir(str(store))

    # A later play, a new process: the saved token is still there, and renewed again.
    second = ansible(
        'lookup_saved.yml',
        {'saved_name': 'login', 'pause_before_lookup': SHORT_PAUSE},
        env=env,
        provider=short_op,
        secrets=[first.result['access_token'], first.result['refresh_token']],
    )
    assert second.rc == 0, second.output[-3000:]
    assert second.result['access_token'] != first.result['access_token']


def test_revoked_refresh_token_gives_a_clear_error(short_op, ansible, tmp_path):
    store = tmp_path / 'store'
    client = short_op.clients['basic']
    env = lookup_env(short_op, 'basic', store)
    code = harness.get_code(short_op, 'basic')
    saved = ansible('lookup_saved.yml', {'code': code['code'], 'redirect_uri': short_op.redirect_uri, 'saved_name': 'login'}, env=env, provider=short_op)
    assert saved.rc == 0, saved.output[-3000:]
    revoked = requests.post(
        short_op.discovery()['revocation_endpoint'],
        data={'token': saved.result['refresh_token']},
        auth=(client['client_id'], client['client_secret']),
        verify=short_op.ca_path,
        timeout=10,
    )
    assert revoked.status_code == 200
    run = ansible(
        'lookup_saved.yml',
        {'saved_name': 'login', 'show_failure': True, 'pause_before_lookup': SHORT_PAUSE},
        env=env,
        provider=short_op,
        secrets=[saved.result['refresh_token'], saved.result['access_token']],
    )
    assert run.rc != 0
    assert "jwtauth.oidc.token: The saved token 'login' expired and cannot be renewed: Failed to refresh the token at" in run.output
    assert 'invalid_grant' in run.output


@pytest.mark.core_sensitive
def test_lookup_mistakes_a_new_user_makes(op, ansible, tmp_path):
    """vaulted secret through a variable, a keyword typo, a warning that explains invalid_client, and a
    saved name that nothing saved."""
    secret = op.clients['csjwt']['client_secret']
    password_file = tmp_path / 'vault-pass'
    password_file.write_text('vault-password-of-the-test\n')
    encrypted = subprocess.run(
        [
            os.path.join(BIN, 'ansible-vault'),
            'encrypt_string',
            '--vault-password-file',
            str(password_file),
            '--name',
            'vault_client_secret',
            '--stdin-name',
            'vault_client_secret',
        ],
        input=secret,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        check=True,
    ).stdout
    assert secret not in encrypted
    vault_vars = tmp_path / 'vault.yml'
    vault_vars.write_text(encrypted)
    variables = lookup_vars(op, 'csjwt', tmp_path / 'store')
    del variables['jwtauth_oidc_client_secret']  # the play sets it to "{{ vault_client_secret }}"
    variables['vault_vars_path'] = str(vault_vars)
    run = ansible('lookup_mistakes.yml', variables, extra_args=['--vault-password-file', str(password_file)])
    assert run.rc == 0, run.output[-3000:]
    assert run.result['vaulted'] is True, 'the vaulted secret reached the OP as the text of its template'
    assert 'Unknown option clientid (did you mean client_id?)' in run.result['typo']
    assert 'invalid_client' in run.result['short']
    assert "No saved token 'nothing-here' for client 'csjwt-client'" in run.result['unsaved']
    # The warning that explains the failure is shown with it (RFC 7518 section 3.2: HS256 wants 32 bytes).
    assert 'RFC 7518 section 3.2' in run.flat


@pytest.mark.core_sensitive
def test_lookup_settings_from_templated_group_vars(op, ansible, tmp_path):
    """The documented way, group_vars with templates: a path, an int and a bool given as templates are templated
    first, then converted. Before, ca_path was resolved against the variable's file before it was templated, a
    store path "{{ playbook_dir }}/.tokens" became <playbook_dir>/<playbook_dir>/.tokens, and a templated timeout
    failed with a raw conversion error."""
    project = tmp_path / 'project'
    (project / 'group_vars').mkdir(parents=True)
    variables = lookup_vars(op, 'csjwt', 'unused')
    for name in ('jwtauth_oidc_ca_path', 'jwtauth_oidc_token_store_path', 'jwtauth_oidc_timeout'):
        variables.pop(name, None)
    group_vars = dict(
        variables,
        the_ca=op.ca_path,
        the_timeout='15',
        jwtauth_oidc_ca_path='{{ the_ca }}',
        jwtauth_oidc_token_store_path='{{ playbook_dir }}/.tokens',
        jwtauth_oidc_timeout='{{ the_timeout }}',
        jwtauth_oidc_validate_certs='{{ true }}',
    )
    (project / 'group_vars' / 'all.yml').write_text(json.dumps(group_vars))
    (project / 'inventory.ini').write_text('localhost ansible_connection=local\n')
    (project / 'play.yml').write_text(
        """- hosts: localhost
  gather_facts: false
  tasks:
    - name: A token with the settings of group_vars
      ansible.builtin.set_fact:
        got: "{{ lookup('jwtauth.oidc.token') | length > 20 }}"
      no_log: true
    - name: Save
      save_result:
        content: "{{ {'got': got} | to_json }}"
        dest: "{{ result_path }}"
"""
    )
    (project / 'action_plugins').symlink_to(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'playbooks', 'action_plugins'))
    run = ansible(str(project / 'play.yml'), {}, inventory=str(project / 'inventory.ini'))
    assert run.rc == 0, run.output[-3000:]
    assert run.result == {'got': True}
    assert (project / '.tokens').is_dir() and not (project / str(project).lstrip('/')).exists()


@pytest.mark.core_sensitive
def test_settings_lookup_gives_module_defaults_the_lookups_variables(op, ansible, scim, tmp_path):
    """community.hashi_vault's vault_ansible_settings, for this collection: the jwtauth_oidc_* variables the lookup
    reads, handed to every module of the action group by module_defaults, so the connection is stated once."""
    variables = lookup_vars(op, 'csjwt', tmp_path / 'store')
    run = ansible('settings_module_defaults.yml', dict(variables, scim_url=scim.base_url))
    assert run.rc == 0, run.output[-3000:]
    assert run.result == {'module': True, 'users': 0, 'some': ['ca_path', 'client_id', 'client_secret']}
