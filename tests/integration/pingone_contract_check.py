# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fail a test whose requests broke PingOne's contract, as the PingOne test server recorded them.

The server (tests/servers/pingone_api, conformance.py) records every request that breaks the contract table: a route
or method it does not have, an undeclared query parameter, an undeclared content type, a read-only field. Each test
that uses the server (the ``p1api_server`` fixture) resets it first, so after the test's call the record holds that
test's requests only: any of them fails the test, naming the operationId, the violation and who sent it (the
collection, by its User-Agent, or the test's own requests). conftest.py imports the hook; a test that breaks the
contract on purpose (the server's own tests) is marked ``pingone_contract_exempt``.
"""

import collections

import pytest

MARKER = 'pingone_contract_exempt'
MARKER_HELP = MARKER + ": the test sends requests PingOne's contract refuses on purpose; do not fail it for them"
COLLECTION_AGENT = 'ansible-jwtauth.oidc'


def describe(violations):
    """The violations, one line each (the same ones counted), for a failure message."""
    counted = collections.Counter(
        (v.get('operationId') or '(no operation)', v['method'], v['kind'], v.get('name'), v.get('message'), v.get('agent') or '') for v in violations
    )
    lines = []
    for (operation, method, kind, name, message, agent), times in counted.items():
        sender = 'the collection' if agent.startswith(COLLECTION_AGENT) else 'the test itself (%s)' % (agent or 'no User-Agent')
        shown = '%s (%s) %s %s: %s' % (operation, method, kind, name, message) if name else '%s (%s) %s: %s' % (operation, method, kind, message)
        lines.append('- %s, sent by %s%s' % (shown, sender, ' (x%d)' % times if times > 1 else ''))
    return "PingOne's contract was broken by %d request(s) of this test:\n%s" % (len(violations), '\n'.join(lines))


def recorded(item):
    """What the PingOne test server recorded for a test that used it and is not exempt, else []."""
    server = item.funcargs.get('p1api_server')
    if server is None or item.get_closest_marker(MARKER) is not None:
        return []
    return server.violations()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a test that used the PingOne test server, fail it for the requests of its that broke the contract; a test
    that failed already shows them in a report section of its own."""
    try:
        outcome = yield
    except BaseException:
        found = recorded(item)
        if found:
            item.add_report_section('call', 'PingOne contract', describe(found))
        raise
    found = recorded(item)
    if found:
        pytest.fail(describe(found), pytrace=False)
    return outcome
