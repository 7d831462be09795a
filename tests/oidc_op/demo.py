# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo`: PingOne's whole sign-in, headless, end to end on a local, real OpenID Provider.

Starts panva oidc-provider on 127.0.0.1 over TLS, laid out like PingOne, with PingOne's flow API
(response_mode=pi.flow) emulated from its documentation; then runs playbooks/demo_local_op.yml: a
service account signs on without a browser, the code is exchanged with a client_secret_jwt assertion
("exchange code for token (JWT AUTH)"), the access token calls the userinfo endpoint, and the tokens
are introspected and revoked. It prints claims and states, never the tokens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def main():
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix='jwtauth-demo-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op:
            client = op.clients['csjwt']
            print('Local OpenID Provider (panva oidc-provider) laid out like PingOne:')
            print('  environment ID  {0}'.format(op.env_id))
            print('  issuer          {0}'.format(op.pingone_issuer))
            print('  token endpoint  {0}'.format(op.token_endpoint(op.pingone_issuer)))
            print('  client          {0} (token endpoint auth method CLIENT_SECRET_JWT)'.format(client['client_id']))
            account = op.flow_accounts['svc-ansible']
            print('  service account svc-ansible, signed on through the emulated PingOne flow API (response_mode=pi.flow)')
            # The connection, the client and the service account go in the environment, as an AWX credential injects them.
            credential = {
                'JWTAUTH_OIDC_ENVIRONMENT_ID': op.env_id, 'JWTAUTH_OIDC_AUTH_BASE_URL': op.base_url,
                'JWTAUTH_OIDC_CA_PATH': op.ca_path, 'JWTAUTH_OIDC_CLIENT_ID': client['client_id'],
                'JWTAUTH_OIDC_CLIENT_SECRET': client['client_secret'],
                'JWTAUTH_OIDC_USERNAME': 'svc-ansible', 'JWTAUTH_OIDC_PASSWORD': account['password'],
                'JWTAUTH_OIDC_TOKEN_STORE_PATH': os.path.join(workdir, 'token-store'),
            }
            print('The playbook gets the OP, the client and the service account only from JWTAUTH_OIDC_* environment '
                  'variables, as an AWX credential of the shipped type injects them.')
            variables = {'demo_redirect_uri': op.redirect_uri}
            vars_path = os.path.join(workdir, 'vars.json')
            with os.fdopen(os.open(vars_path, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as handle:
                json.dump(variables, handle)
            env = dict(os.environ, **credential)
            env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(TOP, '.build'),
                       ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'), ANSIBLE_LOCALHOST_WARNING='false',
                       ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
            playbook = os.path.join(TOP, 'playbooks', 'demo_local_op.yml')
            ansible_playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
            proc = subprocess.run([ansible_playbook, playbook, '-e', '@' + vars_path], env=env, check=False)
            print('OP requests: token {0}, userinfo {1}, introspection {2}, revocation {3}; successful grants: {4}'.format(
                op.count('request', path=op.token_endpoint(op.pingone_issuer)),
                op.count('request', path='/{0}/as/userinfo'.format(op.env_id)),
                op.count('request', path='/{0}/as/introspect'.format(op.env_id)),
                op.count('request', path='/{0}/as/revoke'.format(op.env_id)), len(op.events('grant.success'))))
    return proc.returncode


if __name__ == '__main__':
    sys.exit(main())
