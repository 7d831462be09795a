# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start a real SCIM 2.0 server (scim2-server, in memory) protected by tokens of the test OP.

Usage from tests (tests/ on sys.path)::

    from servers.op.harness import OP
    from servers.scim.harness import SCIMServer
    with OP(tmp_path / "op") as op, SCIMServer(tmp_path / "scim", op) as scim:
        admin = scim.admin_session()
        admin.post(scim.base_url + "/Users", json={"schemas": [USER_SCHEMA], "userName": "alice"})
        assert scim.writes() == 1

The server (server.py) checks each bearer token by introspection at the OP, authenticated as the OP
client ``client`` (client_secret_jwt by default): 401 without an active token, 403 without scope api:read
(reads) or api:write (writes). ``fail_first={"POST /v2/Users": [503, 1]}`` makes the first matching request(s)
that pass auth answer that status with Retry-After: 1 before the SCIM handler and storage see them
(a path ending in * matches a prefix, e.g. "PATCH /v2/Users/*"). ``reset(fail_first=...)`` gives a running
server back empty, with an empty request log and introspection cache, and arms new faults: a server takes
seconds to start, a reset milliseconds, so tests share one.
server.py runs as ``python -m servers.scim.server`` under ``python`` (default: $SCIM_SERVER_PYTHON or
sys.executable), which needs Python 3.11+ with scim2-server, requests and PyJWT; this module needs only requests.
Introspection calls show up in the OP's event log (POST /token/introspection), and token() calls as POST /token.
"""

import os

from ..base import LoggedServer

SCIM_JSON = 'application/scim+json'


class SCIMServerError(Exception):
    """The test SCIM server did not start or did not behave as expected."""


class SCIMServer(LoggedServer):
    """A running scim2-server behind OP-issued bearer tokens; use as a context manager."""

    error = SCIMServerError
    file_prefix = 'scim'
    label = 'scim server'

    def __init__(self, workdir, op, client='csjwt', fail_first=None, python=None, startup_timeout=90, cache_seconds=3):
        self._launch(
            workdir,
            op,
            'servers.scim.server',
            client,
            python or os.environ.get('SCIM_SERVER_PYTHON'),
            {'op_issuer': op.issuer, 'cache_seconds': cache_seconds, 'fail_first': fail_first or {}},
            startup_timeout,
        )
        self.base_url = self.root_url + '/v2'

    def reset(self, fail_first=None, list_cap=None, bare_create=False, delay_ms=0, index_filters=False):
        """Empty the server (storage, request log, introspection cache), arm ``fail_first``, with ``list_cap``
        answer lists and searches as PingOne does (at most that many, startIndex ignored), with ``bare_create``
        answer creates with Location and no body (see server.py); returns self.
        For benchmarks only: ``delay_ms`` holds every request that long, ``index_filters`` answers ``or`` filters of
        ``eq`` terms from an index (an "indexed test server")."""
        self._reset({'fail_first': fail_first or {}, 'list_cap': list_cap, 'bare_create': bare_create, 'delay_ms': delay_ms, 'index_filters': index_filters})
        return self

    def is_write(self, entry):
        """POST/PUT/PATCH/DELETE, except a search (POST .../.search reads)."""
        return super().is_write(entry) and not entry['path'].endswith('/.search')

    def session(self, scope='api:read api:write'):
        """A requests.Session sending a fresh token for a scope and SCIM JSON headers."""
        return self._session(scope, {'Accept': SCIM_JSON, 'Content-Type': SCIM_JSON})
