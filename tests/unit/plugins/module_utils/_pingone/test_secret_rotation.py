# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the next step of a secret rotation is, from its recorded state and PingOne's answer: a table."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone import secret_rotation as rotation

NOW = 1_800_000_000.0
OLD, NEW = 'o' * 86, 'n' * 86


def answer(secret=NEW, previous_in=None, last_used_ago=None):
    """A readApplicationSecret answer; a previous secret expiring ``previous_in`` seconds from NOW."""
    found = {'secret': secret}
    if previous_in is not None:
        found['previous'] = {'secret': OLD, 'expiresAt': rotation.utc(NOW + previous_in)}
        if last_used_ago is not None:
            found['previous']['lastUsed'] = rotation.utc(NOW - last_used_ago)
    return found


def state(phase, secret=NEW, rotated_ago=100, previous_in=3600, consumers=None):
    return {
        'phase': phase,
        'fingerprint': rotation.fingerprint(secret),
        'rotated_at': NOW - rotated_ago,
        'previous_expires_at': NOW + previous_in,
        'consumers': consumers or {},
    }


@pytest.mark.parametrize(
    'recorded, read, min_age, force, action',
    [
        # Nothing recorded, no previous secret: rotate.
        (None, answer(), 0, False, 'rotate'),
        # A previous secret PingOne keeps that this procedure did not record: rotating would end it at once.
        (None, answer(previous_in=600), 0, False, 'refuse'),
        (None, answer(previous_in=600), 0, True, 'rotate'),
        # One that already expired is no obstacle.
        (None, answer(previous_in=-1), 0, False, 'rotate'),
        # The POST was about to be sent: PingOne shows it done (the answer was lost), or not.
        (state('rotating', previous_in=3600), answer(previous_in=3600), 0, False, 'adopt'),
        (state('rotating', previous_in=3600), answer(), 0, False, 'rotate'),
        (state('rotating', previous_in=3600), answer(previous_in=60), 0, False, 'refuse'),
        # In progress, its secret still PingOne's: continue; another secret: someone rotated outside it.
        (state('rotated'), answer(previous_in=3600), 0, False, 'continue'),
        (state('verified'), answer(), 0, False, 'continue'),
        (state('rotated', secret=OLD), answer(previous_in=3600), 0, False, 'refuse'),
        # Done: rotate again, unless younger than min_age.
        (state('retired', rotated_ago=100), answer(), 3600, False, 'not_due'),
        (state('retired', rotated_ago=7200), answer(), 3600, False, 'rotate'),
        (state('retired', rotated_ago=100), answer(), 0, False, 'rotate'),
    ],
)
def test_plan_rotation(recorded, read, min_age, force, action):
    assert rotation.plan_rotation(recorded, read, NOW, min_age, force).action == action


VERIFIED = {'vault': {'handed_over': NOW, 'verified': NOW}, 'hook': {'handed_over': NOW, 'verified': NOW}}


@pytest.mark.parametrize(
    'recorded, read, consumers, action',
    [
        (state('verified', consumers=VERIFIED), answer(), ['vault', 'hook'], 'ended'),
        (state('verified', consumers=VERIFIED), answer(previous_in=-5), ['vault', 'hook'], 'ended'),
        (state('rotated', consumers={'vault': {'handed_over': NOW}}), answer(previous_in=600), ['vault'], 'not_verified'),
        (None, answer(previous_in=600), [], 'not_verified'),
        # Used 10 s ago, idle needs 60: wait; 100 s ago: retire; never used, rotated 100 s ago: retire.
        (state('verified', consumers=VERIFIED), answer(previous_in=600, last_used_ago=10), ['vault', 'hook'], 'wait'),
        (state('verified', consumers=VERIFIED), answer(previous_in=600, last_used_ago=100), ['vault', 'hook'], 'retire'),
        (state('verified', consumers=VERIFIED), answer(previous_in=600), ['vault', 'hook'], 'retire'),
        (state('verified', consumers=VERIFIED, rotated_ago=5), answer(previous_in=600), ['vault', 'hook'], 'wait'),
    ],
)
def test_plan_retirement(recorded, read, consumers, action):
    assert rotation.plan_retirement(recorded, read, NOW, 60, consumers).action == action


def test_the_reason_to_wait_names_when_the_previous_secret_was_last_used():
    step = rotation.plan_retirement(state('verified', consumers=VERIFIED), answer(previous_in=600, last_used_ago=10), NOW, 60, ['vault'])
    assert rotation.utc(NOW - 10) in step.reason and 'something still uses it' in step.reason


def test_the_state_file_is_private_and_holds_no_secret(tmp_path):
    state_file = rotation.StateFile(str(tmp_path / 'state'), 'env/1', 'app 2')
    assert state_file.load() is None
    state_file.save(state('rotated'))
    assert os.path.basename(state_file.path) == 'env_1-app_2.json'
    assert stat.S_IMODE(os.stat(state_file.path).st_mode) == 0o600 and stat.S_IMODE(os.stat(tmp_path / 'state').st_mode) == 0o700
    text = open(state_file.path).read()
    assert NEW not in text and json.loads(text)['version'] == rotation.FORMAT_VERSION
    assert state_file.load()['phase'] == 'rotated'


def test_a_damaged_state_file_is_refused_with_what_to_do(tmp_path):
    state_file = rotation.StateFile(str(tmp_path), 'e', 'a')
    with open(state_file.path, 'w') as handle:
        handle.write('{')
    with pytest.raises(rotation.RotationError, match='remove it to start a new rotation'):
        state_file.load()
