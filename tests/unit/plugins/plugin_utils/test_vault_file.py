# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One value of a variables file replaced in its text: only that value changes, in the quoting it had."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.plugin_utils._vault_file import VaultFileError, with_value

NEW = 'AbC-_123' * 10


@pytest.mark.parametrize(
    'text, expected',
    [
        ('# comment\nsecret: old   # rotated\nother: 1\n', f'# comment\nsecret: {NEW}   # rotated\nother: 1\n'),
        ("secret: 'old'\n", f"secret: '{NEW}'\n"),
        ('secret: "old"\n', f'secret: "{NEW}"\n'),
        ('secret:\nother: x\n', f'secret: {NEW}\nother: x\n'),
        # A key the file does not hold is appended.
        ('other: x', f'other: x\nsecret: {NEW}\n'),
        ('', f'secret: {NEW}\n'),
        # A nested key of the same name is another variable's: left alone.
        ('nested:\n  secret: keep\nsecret: old\n', f'nested:\n  secret: keep\nsecret: {NEW}\n'),
    ],
)
def test_only_the_value_changes(text, expected):
    assert with_value(text, 'secret', NEW) == (expected, True)


def test_a_value_that_needs_quotes_is_quoted():
    assert with_value('secret: old\n', 'secret', "it's: #odd") == ("secret: 'it''s: #odd'\n", True)


def test_the_same_value_changes_nothing():
    assert with_value(f'secret: {NEW}\n', 'secret', NEW) == (f'secret: {NEW}\n', False)


@pytest.mark.parametrize(
    'text, why',
    [
        ('secret: |\n  old\n', 'not a one-line scalar'),
        ('secret: &a old\n', 'not a one-line scalar'),
        ('- a\n- b\n', 'not a YAML mapping'),
        ('secret: [', 'not YAML'),
        ('{secret: old}\n', 'not on one line of its own'),
    ],
)
def test_what_cannot_be_rewritten_is_refused_without_its_values(text, why):
    with pytest.raises(VaultFileError, match=why) as caught:
        with_value(text, 'secret', NEW)
    assert 'old' not in str(caught.value) and NEW not in str(caught.value)
