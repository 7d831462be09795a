# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles' first contact: the mistakes a user makes in their variables, and the words the user reads.

One ansible-playbook run (playbooks/role_mistakes.yml) serves every case: each case is a host of its own, whose host
variables are the role's variables, against the PingOne-shaped and the SCIM test servers. A misspelt variable, an
unknown key of the ``*_auth`` dict, a ``state`` the role does not know, the other API's ``userName``, a duplicate: each
fails the role before any request, naming the variable or the item by its place and key in the role's list. The prune
guard names the role's variable; a role with nothing to do says so in words; a task-level ``check_mode`` on the
include is check mode for the whole role.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import top_level
from test_api_resource import role_auth
from test_role_pingone_platform import worker_auth

CHECK_TASK = "Check the role's variables"


def cases(p1api, scim, op, snapshot=''):
    """Host name -> the role and its variables (``snapshot``: the path of a document file holding a snapshot)."""
    pingone = {'case_role': 'pingone_platform', 'pingone_platform_api_url': p1api.env_url, 'pingone_platform_auth': worker_auth(op)}
    scim_provision = {'case_role': 'scim_provision', 'scim_provision_url': scim.base_url, 'scim_provision_auth': role_auth(op)}
    return {
        'p1_mistakes': dict(
            pingone,
            pingone_platform_user=[{'username': 'mallory'}],
            pingone_platform_prune_membership=True,
            pingone_platform_auth=dict(worker_auth(op), timout=5),
            pingone_platform_users=[
                {'username': 'alice'},
                {'username': 'bob', 'state': 'present'},
                {'username': 'ghost', 'state': 'deleted'},
                {'userName': 'carol', 'email': 'carol@example.com'},
                {'username': 'Alice'},
            ],
            pingone_platform_groups=[{'name': 'team', 'population': 'Staff'}, {'name': 'team'}, {'name': 'team', 'population': 'Staff'}],
            pingone_platform_resources=[{'name': 'Orders API', 'scopes': [{'name': 'orders:read'}, {'name': 'orders:write', 'state': 'Absent'}]}],
        ),
        # Each alone ran green, with changed=0: a variable never read, an item in neither of the role's lists.
        'p1_misspelt': dict(pingone, pingone_platform_user=[{'username': 'mallory'}], pingone_platform_users=[{'username': 'solo', 'state': 'deleted'}]),
        'scim_misspelt': dict(scim_provision, scim_provision_user=[{'userName': 'mallory'}]),
        # check_mode on the block around the include (include_role takes no check_mode of its own), on an environment
        # where nothing exists yet.
        'p1_task_check_mode': dict(
            pingone,
            case_check_mode=True,
            pingone_platform_populations=[{'name': 'Checked'}],
            pingone_platform_groups=[{'name': 'checked-group', 'population': 'Checked'}],
            pingone_platform_users=[{'username': 'checked-user', 'population': 'Checked', 'groups': ['checked-group']}],
        ),
        'p1_nothing': pingone,
        # A document file holds the whole environment: a list beside it is refused; a file that is not there is named.
        'p1_file_and_lists': dict(pingone, pingone_platform_document_file='environment.yml', pingone_platform_users=[{'username': 'dana'}]),
        'p1_file_missing': dict(pingone, pingone_platform_document_file='environment.yml', pingone_platform_rollback=True),
        # A snapshot as a document file, applied exactly (the types its exported_types lists pruned), one of them misspelt
        # by hand: refused before any write.
        'p1_file_rollback': dict(pingone, pingone_platform_document_file=snapshot, pingone_platform_rollback=True),
        'scim_mistakes': dict(
            scim_provision,
            scim_provision_user=[{'userName': 'mallory'}],
            scim_provision_auth=dict(role_auth(op), client_secert='x'),
            scim_provision_users=[{'userName': 'dave'}, {'username': 'erin'}, {'userName': 'frank', 'state': 'absent'}],
        ),
        'scim_duplicates': dict(scim_provision, scim_provision_users=[{'userName': 'dup'}, {'userName': 'other'}, {'userName': 'Dup'}]),
        'scim_prune': dict(scim_provision, scim_provision_users=[{'userName': 'kept'}], scim_provision_prune=True, scim_provision_prune_max=1),
        'scim_nothing': scim_provision,
    }


@pytest.mark.core_sensitive
def test_role_mistakes_fail_in_the_roles_words(op, ansible, p1api, scim, tmp_path):
    # What scim_prune would prune: two SCIM users the list leaves out. (The pingone_platform role's prune guard is
    # test_role_pingone_platform.py's test_role_reads_300_users_past_a_page_cap_of_50_and_guards_membership_prune.)
    scim_admin = scim.admin_session()
    for name in ('kept', 'old1', 'old2'):
        assert scim_admin.post(scim.base_url + '/Users', json={'userName': name}).status_code == 201
    snapshot = tmp_path / 'snapshot.yml'
    snapshot.write_text('pingone_platform_trusted_email_domains: []\npingone_platform_exported_types: [trusted_email_domain]\n')
    hosts = {name: dict(variables, ansible_connection='local') for name, variables in cases(p1api, scim, op, str(snapshot)).items()}
    inventory = tmp_path / 'cases.yml'
    inventory.write_text(json.dumps({'all': {'hosts': hosts}}))
    p1_mark, scim_mark = p1api.mark(), scim.mark()
    run = ansible('role_mistakes.yml', inventory=str(inventory), env={'JWTAUTH_OIDC_TOKEN_STORE_PATH': str(tmp_path / 'store')}, extra_args=['-f', '10'])
    failures = run.result
    assert isinstance(failures, dict) and sorted(failures) == sorted(hosts), run.output[-3000:]
    # Nothing was written: each mistake is refused before any write, and check mode writes nothing.
    assert p1api.writes(since=p1_mark) == 0 and scim.writes(since=scim_mark) == 0

    mistakes = failures['p1_mistakes']
    assert mistakes['task'] == CHECK_TASK, mistakes
    for words in (
        'pingone_platform_user is not a variable of the role jwtauth.oidc.pingone_platform (did you mean pingone_platform_users?)',
        'pingone_platform_prune_membership is not a variable of the role jwtauth.oidc.pingone_platform (did you mean pingone_platform_prune_memberships?)',
        'pingone_platform_auth.timout is not a connection option of jwtauth.oidc.api_resource (did you mean timeout?)',
        "pingone_platform_users[2] (ghost) has state 'deleted': use present or absent",
        "pingone_platform_users[3] has userName: PingOne's Management API spells it username",
        'pingone_platform_users[0] (alice) and pingone_platform_users[4] (Alice) have the same username',
        'pingone_platform_groups[0] (team) and pingone_platform_groups[2] (team) have the same name and population',
        "pingone_platform_resources[0] (Orders API).scopes[1] (orders:write) has state 'Absent': use present or absent",
    ):
        assert words in mistakes['msg'], (words, mistakes['msg'])
    # The two groups named team in different places (the environment, Staff) are two groups.
    assert 'pingone_platform_groups[1]' not in mistakes['msg']
    assert int(mistakes['size']) < 4000  # the message, not the argument spec of every variable

    assert failures['p1_misspelt']['task'] == CHECK_TASK and failures['p1_misspelt']['msg'] == (
        'pingone_platform_user is not a variable of the role jwtauth.oidc.pingone_platform (did you mean pingone_platform_users?); '
        "pingone_platform_users[0] (solo) has state 'deleted': use present or absent"
    )
    assert (
        failures['scim_misspelt']['msg'] == 'scim_provision_user is not a variable of the role jwtauth.oidc.scim_provision (did you mean scim_provision_users?)'
    )

    scim_mistakes = failures['scim_mistakes']
    assert scim_mistakes['task'] == CHECK_TASK, scim_mistakes
    for words in (
        'scim_provision_user is not a variable of the role jwtauth.oidc.scim_provision (did you mean scim_provision_users?)',
        'scim_provision_auth.client_secert is not a connection option of jwtauth.oidc.api_resource (did you mean client_secret?)',
        'scim_provision_users[1] has username: SCIM (RFC 7643) spells it userName',
        'scim_provision_users[2] (frank) has a state: scim_provision_state sets the state of every item',
    ):
        assert words in scim_mistakes['msg'], (words, scim_mistakes['msg'])
    assert int(scim_mistakes['size']) < 4000

    # api_resource names the items as the role's variable.
    assert "scim_provision_users[0] and scim_provision_users[2] have the same key 'Dup'" in failures['scim_duplicates']['msg'], failures['scim_duplicates']
    assert 'prune would delete 2 objects, more than scim_provision_prune_max (1): ' in failures['scim_prune']['msg'], failures['scim_prune']

    file_check = "Check the environment's API URL and the document file"
    assert failures['p1_file_and_lists']['task'] == file_check and failures['p1_file_and_lists']['msg'] == (
        'pingone_platform_document_file holds the environment: leave pingone_platform_users empty, or put them in the file'
    ), failures['p1_file_and_lists']
    assert failures['p1_file_missing']['task'] == 'Converge the environment up to the applications' and failures['p1_file_missing']['msg'] == (
        "document_file environment.yml was not found (looked in the role's and the play's files/ and as given)"
    ), failures['p1_file_missing']

    # check_mode around the include: the role runs as with --check, and says what it would do.
    assert failures['p1_task_check_mode'] is None, failures['p1_task_check_mode']
    assert failures['p1_file_rollback']['msg'].startswith(
        'prune_types with exported_types names trusted_email_domain, which the type table does not have: use '
    ), failures['p1_file_rollback']
    for line in (
        'populations: would create 1 (Checked)',
        'groups: would create 1 (checked-group (population Checked))',
        'users: would create 1 (checked-user)',
        'Groups of checked-user: not read, the user would be created first (check mode)',
    ):
        assert f'"{line}"' in run.output, (line, run.output[-3000:])

    # Nothing to do, said in words.
    assert failures['p1_nothing'] is None and failures['scim_nothing'] is None
    # Every list of the role, one a type of the type table.
    lists = ['pingone_platform_' + resource_type.plural for resource_type in top_level()]
    assert f'"Nothing to converge: {", ".join(lists[:-1])} and {lists[-1]} are empty"' in run.output, run.output[-3000:]
    assert 'pingone_platform_populations' in lists and 'pingone_platform_sign_on_policies' in lists
    assert '"Nothing to provision: scim_provision_users and scim_provision_groups are empty"' in run.output, run.output[-3000:]
    assert '"msg": []' not in run.output
