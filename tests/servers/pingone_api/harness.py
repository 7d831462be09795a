# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start the PingOne-shaped Management API test server (server.py) behind tokens of the test OP.

Usage from tests (tests/ on sys.path: ``from servers.pingone_api.harness import PingOneAPI``)::

    with OP(tmp_path / "op") as op, PingOneAPI(tmp_path / "p1", op) as api:
        admin = api.admin_session()
        admin.post(api.collection_url("populations"), json={"name": "Staff"})
        assert api.writes() == 1

``api.env_url`` is ``https://127.0.0.1:<port>/v1/environments/<env_id>`` (``api.env_id`` is the OP's PingOne
environment ID, so tokens and API share one environment), ``api.base_url`` its ``/v1`` root. The server checks each
bearer token by introspection at the OP, authenticated as the OP client ``csjwt`` (client_secret_jwt): 401 without
an active token, 403 without scope api:read (reads) or api:write (writes, and reading an application secret).
OIDC applications created in the OP's environment are registered as clients of the OP's PingOne-shaped provider
(RFC 7591; updated and deleted with them, RFC 7592): the application's ``id`` is the client_id and its secret the
client secret, so a code exchange runs with them (``register_clients=False`` keeps applications to this server).
``reset(fail_first=..., not_found_after_create=..., not_found_under_new_parent=..., page_cap=..., ...)`` gives a running
server back empty (no objects but the built-in resources, no logged request or violation, no cached token) with those
faults armed: a server takes about a second to start, a reset milliseconds, so tests share one. ``count()``,
``writes()`` and ``mark()`` read the server's request log (method, path without query, status); the log never holds
bodies, tokens or secrets. ``violations()`` reads what the server recorded of requests that broke PingOne's contract
(conformance.py: operationId, method, path, kind, the parameter or field name, the sender's User-Agent product).
"""

import json
import os

import requests

from ..base import LoggedServer


class PingOneAPIError(Exception):
    """The test Management API server did not start or did not behave as expected."""


class PingOneAPI(LoggedServer):
    """A running PingOne-shaped Management API behind OP-issued bearer tokens; use as a context manager."""

    error = PingOneAPIError
    file_prefix = 'p1api'
    label = 'PingOne API test server'

    def __init__(self, workdir, op, client='csjwt', env_id=None, python=None, startup_timeout=60, cache_seconds=3, register_clients=True):
        self.env_id = env_id or op.env_id
        self.violations_path = os.path.join(os.path.abspath(str(workdir)), self.file_prefix + '-violations.jsonl')
        if os.path.exists(self.violations_path):
            os.unlink(self.violations_path)
        config = {'environments': [self.env_id], 'cache_seconds': cache_seconds, 'violations_path': self.violations_path}
        if register_clients and getattr(op, 'registration_token', None) and self.env_id == op.env_id:
            # OIDC applications become clients of the OP's PingOne-shaped provider (server.py OPClients): their id is
            # the client_id, their secret the client secret, so a code exchange runs with what the API returned.
            config.update(
                op_registration_endpoint=op.discovery('pingone')['registration_endpoint'], op_registration_token=op.registration_token, op_env_id=op.env_id
            )
        self._launch(workdir, op, 'servers.pingone_api.server', client, python or os.environ.get('PINGONE_API_PYTHON'), config, startup_timeout)
        self.base_url = self.root_url + '/v1'
        self.env_url = '%s/environments/%s' % (self.base_url, self.env_id)

    def collection_url(self, *parts):
        """URL of a path under the environment, e.g. collection_url("resources", rid, "scopes")."""
        return '/'.join([self.env_url] + [str(p) for p in parts])

    def reset(
        self,
        fail_first=None,
        not_found_after_create=False,
        not_found_under_new_parent=None,
        page_cap=None,
        membership_links_to_group=False,
        rate_limit=None,
        latency_ms=0,
    ):
        """Empty the server (objects but the built-in resources, request log, violations, introspection cache, the OP
        clients of its applications) and arm these faults (faults.py); returns self.

        ``fail_first={"POST /v1/environments/<env>/users*": [429, 2]}`` answers the first 2 matching authorized
        requests with that status (429: REQUEST_LIMITED, LIMIT_EXCEEDED with innerError.retryAfter, Retry-After: 1);
        ``not_found_after_create`` makes the first GET of each new object answer 404;
        ``not_found_under_new_parent={"GET": n, "POST": m}`` makes the first n reads and m POSTs of each new user's,
        group's, resource's and application's sub-collection answer 404; ``page_cap`` caps every list page whatever
        ``limit`` asks; ``membership_links_to_group`` makes a membership's ``_links.self`` name its group.
        ``rate_limit={"rate": 100, "burst": 10, "per_ip_share": 0.35}`` limits the requests of the licence and of each
        client IP (limits.py: 429 REQUEST_LIMITED with Retry-After in whole seconds); ``latency_ms`` holds every
        request that long.
        """
        self._reset(
            {
                'fail_first': fail_first or {},
                'not_found_after_create': not_found_after_create,
                'not_found_under_new_parent': not_found_under_new_parent or {},
                'page_cap': page_cap,
                'membership_links_to_group': membership_links_to_group,
                'rate_limit': rate_limit,
                'latency_ms': latency_ms,
            }
        )
        return self

    def limit(self, rate_limit=None, latency_ms=0):
        """Arm a licence's rate limit and a latency as ``reset`` does, keeping what the server holds; returns self."""
        resp = requests.post(
            self.root_url + '/_control/limit',
            json={'rate_limit': rate_limit, 'latency_ms': latency_ms},
            headers={'X-Test-Control': self._control_secret},
            verify=self.op.ca_path,
            timeout=10,
        )
        if resp.status_code != 204:
            raise self.error('limit failed: HTTP %s' % resp.status_code)
        return self

    def violations(self):
        """What the server recorded since the last reset of requests that broke the contract (conformance.py), in order."""
        try:
            with open(self.violations_path) as f:
                return [json.loads(line) for line in f if line.strip()]
        except IOError:
            return []

    def previous_secret_used(self, application_id, last_used):
        """Set ``previous.lastUsed`` of an application's secret (an RFC 3339 date-time, or None): the server cannot learn
        it (application_secret.py). False when the application has no previous secret."""
        resp = requests.post(
            self.root_url + '/_control/previous_secret_used',
            json={'environment': self.env_id, 'application': application_id, 'lastUsed': last_used},
            headers={'X-Test-Control': self._control_secret},
            verify=self.op.ca_path,
            timeout=10,
        )
        if resp.status_code not in (204, 404):
            raise self.error('setting previous.lastUsed failed: HTTP %s' % resp.status_code)
        return resp.status_code == 204

    @property
    def env_path(self):
        """The environment's path (as the request log has it): /v1/environments/<env_id>."""
        return '/v1/environments/%s' % self.env_id

    def held(self, collection, key='name', under=(), session=None):
        """What the server holds in a collection (under a parent: ``under=("resources", id)``), by key, page after page,
        read with ``session`` (a new admin session when none is given)."""
        session = session or self.admin_session()
        found, url = {}, self.collection_url(*under, collection)
        while url:
            answer = session.get(url, timeout=30)
            if answer.status_code != 200:
                raise self.error('reading %s failed: HTTP %s' % (collection, answer.status_code))
            page = answer.json()
            found.update((obj[key], obj) for obj in page['_embedded'][collection])
            url = page['_links'].get('next', {}).get('href')
        return found

    def session(self, scope='api:read api:write'):
        """A requests.Session sending a fresh token for a scope, JSON in and out."""
        return self._session(scope, {'Accept': 'application/json'})
