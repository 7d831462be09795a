# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real servers the integration tests, ``make demo`` and the benchmarks run against, as one package.

Its root is tests/: a consumer puts tests/ on sys.path once (tests/integration/conftest.py, the ``make demo``
program, bench/_playbooks.py) and imports ``servers.op.harness``, ``servers.scim.harness``, ``servers.pingone_api.harness``
and ``servers.hostile``. A sub-package holds one server and its harness (``server.*`` and ``harness.py``):

- ``op/``: the test OpenID Provider (panva oidc-provider, ``server.mjs`` with its npm lock) and its harness;
- ``scim/``: scim2-server behind tokens of the OP;
- ``pingone_api/``: the PingOne-shaped Management API behind tokens of the OP;
- ``hostile.py``: a misbehaving HTTP(S) server run in a thread of the test process;
- ``base.py``: what the harnesses share: a child process that writes a ready file, and the Python servers' config
  file, reset route and request log.

The Python servers run as child processes, ``python -m servers.<name>.server CONFIG``, from tests/.
"""
