# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_http.retry: when a request is sent again and after how long, from tables."""

from __future__ import annotations

import email.utils

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._http import retry

NOW = 1_800_000_000.0


def half():
    return 0.5


@pytest.mark.parametrize(
    'value, expected',
    [
        (None, None),
        ('3', 3.0),
        (' 12 ', 12.0),
        (email.utils.formatdate(NOW + 7, usegmt=True), 7.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
        ('soon', None),
        ('-1', None),
    ],
)
def test_parse_retry_after(value, expected):
    assert retry.parse_retry_after(value, now=NOW) == expected


# status, Retry-After, attempt, retries, single_use -> delay (None: do not resend)
RETRY_TABLE = [
    (200, None, 0, 3, False, None),
    (400, None, 0, 3, False, None),
    (401, None, 0, 3, False, None),
    (429, '2', 0, 3, False, 2.0),
    (429, '2', 0, 3, True, 2.0),
    (429, None, 1, 3, True, 0.5),  # backoff: 0.5 * min(8, 0.5 * 2**1)
    (429, '2', 3, 3, False, None),  # retries used up
    (429, '120', 0, 3, False, None),  # too long to wait
    (503, '1', 0, 3, True, 1.0),
    (503, None, 0, 3, True, None),  # may have come from a proxy after forwarding
    (503, None, 0, 3, False, 0.25),
    (500, None, 0, 3, False, 0.25),
    (500, None, 0, 3, True, None),  # the code may have been redeemed
    (502, '1', 0, 3, True, None),
    (504, None, 2, 3, False, 1.0),
    (408, None, 0, 3, True, None),
    (408, None, 0, 3, False, 0.25),
    (429, '1', 0, 0, False, None),  # retries disabled
]


@pytest.mark.parametrize('status, retry_after, attempt, retries, single_use, expected', RETRY_TABLE)
def test_retry_delay(status, retry_after, attempt, retries, single_use, expected):
    headers = {'Retry-After': retry_after} if retry_after is not None else {}
    assert retry.retry_delay(status, headers, attempt, retries, single_use, rand=half) == expected


@pytest.mark.parametrize('retry_after, cap, expected', [('120', 30, None), ('120', 120, 120.0), ('31', 30, None), ('30', 30, 30.0)])
def test_retry_after_max_is_the_cap(retry_after, cap, expected):
    assert retry.retry_delay(429, {'Retry-After': retry_after}, 0, 3, False, rand=half, cap=cap) == expected


def test_backoff_is_capped():
    assert retry.backoff_delay(20, rand=lambda: 1.0) == retry.BACKOFF_CAP
