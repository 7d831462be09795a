# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_context and _errors: what one call gathers, and the one way a failure is worded."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ResourceError, TransportError, failed_to


def test_warnings_are_kept_once_in_the_order_said_from_any_thread():
    context = TaskContext()
    threads = [threading.Thread(target=lambda n=n: [context.warn(f'w{n % 3}') for _time in range(50)]) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    context.warn(None)
    context.warn('')
    assert sorted(context.warnings) == ['w0', 'w1', 'w2'] and len(context.warnings) == 3


def test_minted_credentials_are_remembered_and_nothing_else():
    context = TaskContext()
    context.remember('an-assertion', None, '', 42, 'a-token')
    assert context.minted == {'an-assertion', 'a-token'}
    # Two calls share nothing: what one minted is not another's to mask (nor to leak through a global).
    assert TaskContext().minted == set()


def test_progress_reaches_the_job_output_only_when_someone_listens():
    lines = []
    listening, silent = TaskContext(lines.append), TaskContext()
    listening.progress('Users: 100 of 1,000 done')
    silent.progress('lost')
    assert lines == ['Users: 100 of 1,000 done'] and listening.shows_progress and not silent.shows_progress


@pytest.mark.parametrize(
    'what, where, reason, message',
    [
        (
            'exchange the authorization code',
            'https://op/token',
            'invalid_grant [HTTP 400]',
            'Failed to exchange the authorization code at https://op/token: invalid_grant [HTTP 400]',
        ),
        ('list https://s/v2/Users', None, 'HTTP 500', 'Failed to list https://s/v2/Users: HTTP 500'),
    ],
)
def test_failed_to(what, where, reason, message):
    assert failed_to(what, where, reason) == message


def test_failure_keeps_its_details_and_its_class():
    exc = ResourceError.failure("create Users 'bob'", 'https://s/v2/Users', 'HTTP 409', status=409, done={'created': ['alice']})
    assert exc.__class__ is ResourceError and exc.details == {'url': 'https://s/v2/Users', 'status': 409} and exc.done == {'created': ['alice']}
    # Another URL in the details wins over the place in the words (a page, not the collection).
    assert TransportError.failure('list', 'https://s/v2/Users', 'timeout', url='https://s/v2/Users?page=2').url == 'https://s/v2/Users?page=2'
