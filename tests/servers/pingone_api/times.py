# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Timestamps as PingOne writes them: ``format: date-time`` (RFC 3339), UTC, milliseconds, ``Z``."""

import datetime


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def iso(moment):
    """A datetime as ``2026-01-02T03:04:05.678Z``."""
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def now_iso():
    return iso(utc_now())


def parse_iso(text):
    """An RFC 3339 date-time (``Z`` or an offset) as an aware datetime, or None when it is not one."""
    if not isinstance(text, str) or 'T' not in text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace('Z', '+00:00').replace('z', '+00:00'))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
