# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: a PingOne environment as code both ways at scale: export, apply to the same environment (zero writes),
apply to an empty one, export again (the same bytes).

Against the PingOne-shaped Management API test server (tests/servers/pingone_api, bearer tokens of the test OP checked
by introspection), in process, as the action plugins of jwtauth.oidc.pingone_environment and
jwtauth.oidc.pingone_environment_export run (the playbook's own cost, about half a second and a quarter second a task,
is bench/pingone_platform.py's). The environment holds an object of every type of the type table (sign-on policy
and actions, identity provider, MFA device policy, agreement, roles...) and ``--users`` users in ``--populations``
populations, each a member of ``--memberships`` of ``--groups`` groups.

For each step: the wall time, the HTTP requests counted at the server, the writes, and for the reads the floor: one
request a page of each collection (the page sizes the server answers) and one for each object's child collections,
which no export or converge can go below without a filter the contract does not have.

    .venv/newest/bin/python bench/pingone_environment.py              # 200 users: about half a minute
    .venv/newest/bin/python bench/pingone_environment.py --users 10000 # the directory of issue 26: several minutes
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time

import yaml

from _playbooks import TOP, worker_auth  # first: it puts tests/ on sys.path, for the servers package
from servers.op import harness
from servers.pingone_api import harness as p1api_harness
from servers.pingone_api.paging import OTHER_PAGE_SIZE, PAGE_SIZES

subprocess.run([os.path.join(TOP, 'tests', 'bin', 'build-tree')], check=True, stdout=subprocess.DEVNULL)
sys.path.insert(0, os.path.join(TOP, '.build'))

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import children_of, top_level  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.jwtauth.oidc.plugins.module_utils._tasks import run_environment_task, run_export_task  # noqa: E402  pylint: disable=wrong-import-position

PAGE_SIZE = 100  # the engine's page_size: limit where a list declares it


def make_document(env_id, populations, groups, users, memberships):
    """An environment of every type, users named user00000 and up."""
    everywhere = {'id': env_id, 'type': 'ENVIRONMENT'}
    return {
        'trusted_email_domains': [{'domainName': 'mail.example.com'}],
        'schemas': [{'name': 'User', 'attributes': [{'name': 'costCenter', 'type': 'STRING', 'enabled': True}]}],
        'password_policies': [{'name': 'Strict', 'excludesCommonlyUsed': True, 'excludesProfileData': True, 'notSimilarToCurrent': True}],
        'languages': [{'locale': 'en', 'enabled': True, 'default': True}, {'locale': 'fr', 'enabled': True, 'default': False}],
        'agreements': [{'name': 'Terms', 'enabled': True, 'languages': [{'locale': 'en', 'displayName': 'Terms', 'enabled': True}]}],
        'key_rotation_policies': [
            {'name': 'Signing', 'algorithm': 'RSA', 'dn': 'CN=signing', 'keyLength': 2048, 'signatureAlgorithm': 'SHA256withRSA', 'usageType': 'SIGNING'}
        ],
        'branding_themes': [{'template': 'default', 'default': False, 'configuration': {'name': 'Corporate'}}],
        'populations': [{'name': f'pop{p:02d}'} for p in range(populations)],
        'admin_roles': [{'name': 'Identity Data Admin'}],
        'groups': [{'name': f'group{g:03d}'} for g in range(groups)],
        'users': [
            {
                'username': f'user{u:05d}',
                'population': f'pop{u % populations:02d}',
                'email': f'user{u:05d}@example.com',
                'groups': [f'group{(u + m) % groups:03d}' for m in range(memberships)],
            }
            for u in range(users)
        ],
        'mfa_device_policies': [
            {
                'name': 'MFA',
                'sms': {'enabled': True},
                'email': {'enabled': True},
                'voice': {'enabled': False},
                'mobile': {'enabled': False},
                'totp': {'enabled': True},
                'default': False,
            }
        ],
        'identity_providers': [
            {
                'name': 'Corporate IdP',
                'type': 'OPENID_CONNECT',
                'enabled': True,
                'clientId': 'corp',
                'clientSecret': 'bench-idp-secret-0123456789',
                'authorizationEndpoint': 'https://idp.example.com/authorize',
                'issuer': 'https://idp.example.com',
                'jwksEndpoint': 'https://idp.example.com/jwks',
                'scopes': ['openid'],
                'tokenEndpoint': 'https://idp.example.com/token',
                'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
                'attributes': [{'name': 'email', 'value': '${providerAttributes.email}', 'update': 'EMPTY_ONLY'}],
            }
        ],
        'sign_on_policies': [
            {
                'name': 'Staff sign-on',
                'actions': [
                    {'priority': 1, 'type': 'LOGIN', 'registration': {'enabled': True, 'population': 'pop00'}},
                    {'priority': 2, 'type': 'MULTI_FACTOR_AUTHENTICATION', 'deviceAuthenticationPolicy': 'MFA'},
                ],
            }
        ],
        'resources': [{'name': 'Orders API', 'scopes': [{'name': 'orders:read'}], 'attributes': [{'name': 'dept', 'value': '${user.department}'}]}],
        'applications': [
            {
                'name': 'portal',
                'type': 'WEB_APP',
                'tokenEndpointAuthMethod': 'CLIENT_SECRET_BASIC',
                'grantTypes': ['AUTHORIZATION_CODE'],
                'responseTypes': ['CODE'],
                'redirectUris': ['https://portal.example.com/callback'],
                'grants': [{'resource': 'Orders API', 'scopes': ['orders:read']}],
                'attributes': [{'name': 'email', 'value': '${user.email}', 'required': False}],
                'sign_on_policies': [{'signOnPolicy': 'Staff sign-on', 'priority': 1}],
                'roles': [{'role': 'Identity Data Admin', 'scope': everywhere}],
            }
        ],
        'webhooks': [{'name': 'Audit', 'enabled': True, 'verifyTlsCertificates': True, 'filterOptions': {'includedActionTypes': ['USER.CREATED']}}],
    }


def read_floor(counts, children):
    """The fewest requests that read the environment: a page of each collection at the size the server answers (the
    users' and populations' lists 200, groups 1000, the others 20), and one request for each object's child collections."""
    sizes = {'users': PAGE_SIZES['readAllUsers'], 'populations': PAGE_SIZES['readAllPopulations'], 'groups': PAGE_SIZES['readAllGroups']}
    floor = 0
    for plural, count in counts.items():
        floor += max(1, math.ceil(count / min(PAGE_SIZE, sizes.get(plural, OTHER_PAGE_SIZE))))
        floor += count * children.get(plural, 0)
    return floor


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', type=int, default=200)
    parser.add_argument('--populations', type=int, default=2)
    parser.add_argument('--groups', type=int, default=20)
    parser.add_argument('--memberships', type=int, default=2)
    parser.add_argument('--parallel', type=int, default=4)
    args = parser.parse_args(argv)
    harness.install()
    rows = []
    with tempfile.TemporaryDirectory(prefix='jwtauth-bench-environment-') as workdir:
        with harness.OP(os.path.join(workdir, 'op')) as op, p1api_harness.PingOneAPI(os.path.join(workdir, 'p1api'), op) as api:
            common = dict(worker_auth(op), token_store_path=os.path.join(workdir, 'store'), api_url=api.env_url, parallel=args.parallel, page_size=PAGE_SIZE)

            def step(label, use_case, check_mode=False, **options):
                mark = api.mark()
                started = time.perf_counter()
                result = use_case(options_of(dict(common, **options)), TaskContext(), check_mode=check_mode)
                seconds = time.perf_counter() - started
                rows.append((label, seconds, api.count(since=mark), api.writes(since=mark)))
                return result

            document = make_document(api.env_id, args.populations, args.groups, args.users, args.memberships)
            step('apply to an empty environment (seed)', run_environment_task, document=document)
            first = os.path.join(workdir, 'first.yml')
            exported = step('export', run_export_task, dest=first, variable_prefix='')
            counts = exported['counts']
            children = {t.plural: len(children_of(t)) for t in top_level()}
            exported_document = yaml.safe_load(open(first, encoding='utf-8'))
            step('apply the export, same environment (check)', run_environment_task, check_mode=True, document=exported_document)
            step('apply the export, same environment', run_environment_task, document=exported_document)
            api.reset()
            step('apply the export to an empty environment', run_environment_task, document=exported_document)
            second = os.path.join(workdir, 'second.yml')
            step('export again', run_export_task, dest=second, variable_prefix='')
            with open(first, 'rb') as one, open(second, 'rb') as other:
                same = one.read() == other.read()
            size = os.path.getsize(first)

    print(
        f'PingOne environment as code: {len(top_level())} top-level types of {sum(1 for _t in top_level()) + sum(children.values())} collections kinds, '
        f'{args.users:,} users in {args.populations} populations, {args.memberships} of {args.groups} groups each, parallel {args.parallel}'
    )
    print(
        f"export: {size:,} bytes, counts {counts}; the read floor (a page of each list, a request for each object's child collections): "
        f'{read_floor(counts, children):,} requests'
    )
    row = '{0:<44} {1:>8} {2:>10} {3:>8}'
    print(row.format('step', 'wall s', 'requests', 'writes'))
    for label, seconds, requests_seen, writes in rows:
        print(row.format(label, f'{seconds:.1f}', f'{requests_seen:,}', f'{writes:,}'))
    print(f'export again is the same bytes: {"yes" if same else "NO"}')
    print('load average at the end (1, 5, 15 min): {0:.2f} {1:.2f} {2:.2f} on {3} cores'.format(*os.getloadavg(), os.cpu_count()))
    return 0 if same else 1


if __name__ == '__main__':
    sys.exit(main())
