# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the pingone_platform role finds the PingOne environment: pingone_platform_auth, or what an AWX credential injects
(JWTAUTH_OIDC_ENVIRONMENT_ID, _REGION, _AUTH_BASE_URL), taken whole from one place as the modules take it (issue 25).

Nothing to converge, so nothing is sent: each case either passes the role's API URL check or fails it with a message.
"""

from __future__ import annotations

import pytest

ENVIRONMENT_ID = '5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f'


def outcomes(ansible, cases, env):
    run = ansible('role_pingone_platform_location.yml', {'p1_cases': cases}, env=env, verbosity=0)
    assert run.rc == 0 and isinstance(run.result, list) and len(run.result) == len(cases), run.output
    return run.result


@pytest.mark.core_sensitive
def test_the_role_takes_the_environment_a_credential_injects(op, ansible):
    # What the credential injects: the client as well as the environment (the role's converge task takes the client from
    # JWTAUTH_OIDC_CLIENT_ID like any module; with nothing listed it sends nothing, not even a token request).
    injected = {
        'JWTAUTH_OIDC_ENVIRONMENT_ID': ENVIRONMENT_ID,
        'JWTAUTH_OIDC_REGION': 'eu',
        'JWTAUTH_OIDC_AUTH_BASE_URL': 'https://login.example.com',
        'JWTAUTH_OIDC_CLIENT_ID': 'worker',
    }
    mark = op.mark()
    found = outcomes(ansible, [{}, {'client_id': 'worker'}, {'issuer': 'https://idp.example.com'}], injected)
    # Nothing in pingone_platform_auth, or only the client: the injected environment.
    assert found[:2] == ['ok', 'ok']
    # pingone_platform_auth names another OP: the injected environment is not mixed in, and the message says so.
    assert 'pingone_platform_auth names the OP, so what a credential injects is not read' in found[2]
    assert op.events('request', since=mark) == []


def test_a_custom_domain_alone_names_no_api_host(ansible):
    found = outcomes(ansible, [{}], {'JWTAUTH_OIDC_AUTH_BASE_URL': 'https://login.example.com', 'JWTAUTH_OIDC_REGION': 'EU'})
    assert 'attach an AWX credential with the PingOne environment ID (JWTAUTH_OIDC_ENVIRONMENT_ID and JWTAUTH_OIDC_REGION)' in found[0]
    assert 'names the OP' not in found[0]
