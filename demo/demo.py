# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo`: PingOne's whole sign-in, headless, end to end on a local, real OpenID Provider; then PingOne as code.

Starts panva oidc-provider on 127.0.0.1 over TLS, laid out like PingOne, with PingOne's flow API
(response_mode=pi.flow) emulated from its documentation; then runs playbooks/demo_local_op.yml: a
service account signs on without a browser, the code is exchanged with a client_secret_jwt assertion
("exchange code for token (JWT AUTH)"), the access token calls the userinfo endpoint, and the tokens
are introspected and revoked.

Then it starts the PingOne-shaped Management API test server (tests/servers/pingone_api), whose OIDC applications are
clients of that OP, and runs playbooks/demo_pingone_as_code.yml: the pingone_platform role creates a population, a
group, a resource with a scope and a CLIENT_SECRET_JWT application with a grant, returns the application's secret,
and the service account signs on as that application ("PingOne as code", docs/docsite/rst/guide_pingone_as_code.rst).

It prints claims and states, never the tokens: each playbook's output is checked for every secret the demo knows
(client secrets, passwords, the codes and session cookies the OP handed out, the application's secret) and for
anything shaped like a JWT, and the demo fails if one shows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The test servers are the package tests/servers.
sys.path.insert(0, os.path.join(TOP, 'tests'))

from servers.op import harness  # noqa: E402  pylint: disable=wrong-import-position
from servers.pingone_api import harness as p1api_harness  # noqa: E402  pylint: disable=wrong-import-position

JWT_PATTERN = re.compile(r'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}')
PYTHON_WARNING = re.compile(r'^\S+:\d+: \w*Warning: .*$', re.M)


def write_vars(path, variables):
    """A vars file only this user can read: it holds secrets, which never go on a command line."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as handle:
        json.dump(variables, handle)
    return path


def run_playbook(name, vars_path, env):
    """Run playbooks/<name>, showing its output as it comes; return (rc, output)."""
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), os.path.join(TOP, 'playbooks', name), '-e', '@' + vars_path]
    lines = []
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True) as child:
        for line in child.stdout:
            lines.append(line)
            sys.stdout.write(line)
            sys.stdout.flush()
        child.wait(300)
    return child.returncode, ''.join(lines)


def leaks(output, secrets):
    """What in the output should never be there, named (never shown)."""
    found = [f'a secret the demo knows ({what})' for what, value in secrets if value and value in output]
    if JWT_PATTERN.search(output):
        found.append('a JWT')
    # Noise on a new user's first screen: a Python warning (ansible-core with cryptography 51 printed one for DSA).
    found.extend(f'a Python warning ({line.split(": ", 2)[1]})' for line in PYTHON_WARNING.findall(output))
    return found


def main():
    harness.install()
    subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix='jwtauth-demo-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op:
            client = op.clients['csjwt']
            print('Local OpenID Provider (panva oidc-provider) laid out like PingOne:')
            print(f'  environment ID  {op.env_id}')
            print(f'  issuer          {op.pingone_issuer}')
            print(f'  token endpoint  {op.token_endpoint(op.pingone_issuer)}')
            print(f'  client          {client["client_id"]} (token endpoint auth method CLIENT_SECRET_JWT)')
            account = op.flow_accounts['svc-ansible']
            print('  service account svc-ansible, signed on through the emulated PingOne flow API (response_mode=pi.flow)')
            known = [('client secret of ' + name, info.get('client_secret')) for name, info in op.clients.items()]
            known += [('password of ' + name, info['password']) for name, info in op.flow_accounts.items()]
            known.append(('registration token', op.registration_token))
            # The connection, the client and the service account go in the environment, as an AWX credential injects them.
            credential = {
                'JWTAUTH_OIDC_ENVIRONMENT_ID': op.env_id,
                'JWTAUTH_OIDC_AUTH_BASE_URL': op.base_url,
                'JWTAUTH_OIDC_CA_PATH': op.ca_path,
                'JWTAUTH_OIDC_CLIENT_ID': client['client_id'],
                'JWTAUTH_OIDC_CLIENT_SECRET': client['client_secret'],
                'JWTAUTH_OIDC_USERNAME': 'svc-ansible',
                'JWTAUTH_OIDC_PASSWORD': account['password'],
                'JWTAUTH_OIDC_TOKEN_STORE_PATH': os.path.join(workdir, 'token-store'),
            }
            print(
                'The playbook gets the OP, the client and the service account only from JWTAUTH_OIDC_* environment '
                'variables, as an AWX credential of the shipped type injects them.'
            )
            base_env = {key: value for key, value in os.environ.items() if not key.startswith('JWTAUTH_OIDC_')}
            base_env.update(
                ANSIBLE_COLLECTIONS_PATH=os.path.join(TOP, '.build'),
                ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
                ANSIBLE_LOCALHOST_WARNING='false',
                ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            )
            vars_path = write_vars(os.path.join(workdir, 'vars.json'), {'demo_redirect_uri': op.redirect_uri})
            rc, output = run_playbook('demo_local_op.yml', vars_path, dict(base_env, **credential))
            print(
                (
                    f'OP requests: token {op.count("request", path=op.token_endpoint(op.pingone_issuer))}, userinfo '
                    f'{op.count("request", path=f"/{op.env_id}/as/userinfo")}, introspection {op.count("request", path=f"/{op.env_id}/as/introspect")}, '
                    f'revocation {op.count("request", path=f"/{op.env_id}/as/revoke")}; successful grants: {len(op.events("grant.success"))}'
                )
            )
            outputs = [output]
            if rc == 0:
                rc, output = pingone_as_code(op, workdir, base_env, known)
                outputs.append(output)
            known += [('code or session cookie the OP handed out', value) for value in op.issued_secrets()]
            found = [what for output in outputs for what in leaks(output, known)]
    if found:
        print(f'FAILED: the output shows {", ".join(sorted(set(found)))}')
        return 1
    return rc


def pingone_as_code(op, workdir, base_env, known):
    """Part two: the Management API test server, the role, and a sign-on as the application it created."""
    worker = op.clients['csjwt']
    with p1api_harness.PingOneAPI(os.path.join(workdir, 'p1api'), op) as api:
        print()
        print(f'PingOne as code: a PingOne-shaped Management API at {api.env_url}')
        print("  (its OIDC applications are clients of the OP above: an application's id is its client ID)")
        print(f"  worker application {worker['client_id']} (client credentials, CLIENT_SECRET_JWT) for the role's calls")
        variables = {
            'demo_api_url': api.env_url,
            'demo_env_id': op.env_id,
            'demo_auth_base_url': op.base_url,
            'demo_ca_path': op.ca_path,
            'demo_worker': {
                'issuer': op.issuer,
                'client_id': worker['client_id'],
                'client_secret': worker['client_secret'],
                'auth_method': 'client_secret_jwt',
                'ca_path': op.ca_path,
                'scope': ['api:read', 'api:write'],
            },
            'demo_username': 'svc-ansible',
            'demo_password': op.flow_accounts['svc-ansible']['password'],
        }
        vars_path = write_vars(os.path.join(workdir, 'vars-as-code.json'), variables)
        since = op.log_length()
        rc, output = run_playbook(
            'demo_pingone_as_code.yml', vars_path, dict(base_env, JWTAUTH_OIDC_TOKEN_STORE_PATH=os.path.join(workdir, 'token-store-as-code'))
        )
        admin = api.admin_session()
        for application in admin.get(api.collection_url('applications')).json()['_embedded']['applications']:
            known.append(
                (
                    'client secret of application ' + application['name'],
                    admin.get(api.collection_url('applications', application['id'], 'secret')).json()['secret'],
                )
            )
        print(
            (
                f'Management API writes: {api.writes()}; OP clients registered: {len(op.events("registration_create.success", since=since))}; code '
                f'exchanges as them: {len([e for e in op.events("grant.success", since=since) if e["grant_type"] == "authorization_code"])}'
            )
        )
    return rc, output


if __name__ == '__main__':
    sys.exit(main())
