# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's playbooks, as written there, run against the real OP."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from conftest import TOP


def readme_snippet(marker):
    """The YAML between <!-- readme-MARKER-start --> and <!-- readme-MARKER-end --> in README.md."""
    with open(os.path.join(TOP, 'README.md')) as handle:
        text = handle.read()
    found = re.search(rf'<!-- readme-{marker}-start -->\n```yaml\n(.*?)```\n<!-- readme-{marker}-end -->', text, re.S)
    assert found, f'README.md has no {marker} snippet between its markers'
    return found.group(1)


def test_smallest_playbook_gets_a_token(op, ansible, tmp_path):
    """The first playbook a user copies works as printed: only its variables and the test CA come from outside."""
    playbook = tmp_path / 'get_token.yml'
    playbook.write_text(readme_snippet('playbook'))
    client = op.clients['csjwt']
    mark = op.mark()
    # Extra vars outrank the play's vars, as a user's -e @vault.yml would; the CA through the environment fallback.
    run = ansible(
        str(playbook),
        {'oidc_issuer': op.issuer, 'oidc_client_id': client['client_id'], 'oidc_client_secret': client['client_secret']},
        env={'JWTAUTH_OIDC_CA_PATH': op.ca_path},
    )
    assert run.rc == 0, run.output
    assert re.search(r'"msg": "Got a Bearer token, valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"', run.output), run.output
    grants = op.events('grant.success', since=mark)
    assert [(event['grant_type'], event['provider']) for event in grants] == [('client_credentials', 'root')]


@pytest.mark.core_sensitive
def test_redeem_snippet_spends_no_code_in_check_mode(op, ansible, tmp_path):
    """The check-mode pattern: under --check the code is not sent, and the task that uses the tokens skips."""
    tasks = yaml.safe_load(readme_snippet('redeem'))
    play = [{'name': 'Redeem', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
    playbook = tmp_path / 'redeem.yml'
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    client = op.clients['csjwt']
    mark = op.mark()
    # The snippet's PingOne URLs lead to the local OP's PingOne-shaped mount through the environment fallback.
    run = ansible(
        str(playbook),
        {
            'pingone_environment_id': op.env_id,
            'pingone_client_id': client['client_id'],
            'pingone_client_secret': client['client_secret'],
            'code': 'readme-code',
        },
        env={'JWTAUTH_OIDC_AUTH_BASE_URL': op.base_url, 'JWTAUTH_OIDC_CA_PATH': op.ca_path},
        check=True,
        secrets=['readme-code'],
    )
    assert run.rc == 0, run.output
    assert re.search(r'ok=0 +changed=0 +unreachable=0 +failed=0 +skipped=2', run.output), run.output
    assert op.events('request', since=mark) == []


@pytest.mark.core_sensitive
def test_smallest_playbook_failure_says_why_with_or_without_no_log(op, ansible, tmp_path):
    """A wrong secret: the README's token task, the same task with no_log (as AAP users have it from older examples) and the
    lookup with no_log each show the OP's reason, on every supported ansible-core. On 2.16, the AAP execution
    environments', no_log hides a task's whole result: the action plugin and the lookup print the reason themselves."""
    [play] = yaml.safe_load(readme_snippet('playbook'))
    task = dict(play['tasks'][0], ignore_errors=True)
    hidden = dict(task, name='The same task with no_log', no_log=True)
    lookup = {
        'name': 'The lookup with no_log',
        'ansible.builtin.set_fact': {
            'token': "{{ lookup('jwtauth.oidc.token', issuer=oidc_issuer, client_id=oidc_client_id, client_secret=oidc_client_secret, scope=['api:write']) }}"
        },
        'no_log': True,
        'ignore_errors': True,
    }
    play['tasks'] = [task, hidden, lookup]
    playbook = tmp_path / 'get_token.yml'
    playbook.write_text(yaml.safe_dump([play], sort_keys=False))
    client = op.clients['csjwt']
    wrong = 'w' * 64
    run = ansible(
        str(playbook),
        {'oidc_issuer': op.issuer, 'oidc_client_id': client['client_id'], 'oidc_client_secret': wrong},
        env={'JWTAUTH_OIDC_CA_PATH': op.ca_path},
        secrets=[wrong],
        verbosity=0,
    )
    assert run.rc == 0 and 'ignored=3' in run.flat, run.output
    reason = f'Failed to obtain a client_credentials token at {op.token_endpoint()}: invalid_client'
    for name in ('Client credentials grant, authenticated with a client secret JWT', 'The same task with no_log', 'The lookup with no_log'):
        shown = run.flat.split(f'TASK [{name}]', 1)[1].split('TASK [', 1)[0]
        assert reason in shown, shown
