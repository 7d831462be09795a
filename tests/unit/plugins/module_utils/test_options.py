# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_options: the frozen options of one call, and how _argspec.build makes them from a task's arguments."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options


def test_no_option_is_shadowed_by_an_attribute_of_options():
    # options.<name> reads the option unless Options has an attribute of that name: as a Mapping,
    # options.items was the items() method. Options is no Mapping now, and no name may collide.
    shadowed = {name for name in specs.every_option_spec() if name in dir(Options)}
    assert shadowed == set()
    assert Options({'items': [{'a': 1}]}).items == [{'a': 1}]


def test_options_are_frozen_and_never_show_their_values():
    options = Options({'client_id': 'c', 'client_secret': 'the-secret'})
    with pytest.raises(AttributeError, match='frozen'):
        options.client_id = 'other'  # type: ignore[misc]
    with pytest.raises(AttributeError, match="no option 'colour'"):
        options.colour  # noqa: B018  pylint: disable=pointless-statement
    assert 'the-secret' not in repr(options) and repr(options) == 'Options(client_id, client_secret)'
    assert options.replace(client_id='other').client_id == 'other' and options.client_id == 'c'


def test_options_of_fills_every_default_and_makes_spellings_canonical():
    options = options_of({'client_id': 'c', 'region': ' eu ', 'environment_id': ' 5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f/ '})
    # Every option of every plugin is an attribute, with its spec's default where not given (api_resource has no clock_skew).
    assert set(dict(options)) == set(specs.every_option_spec())
    assert options.timeout == 30 and options.clock_skew == 60 and options.parallel == 4
    assert options.region == 'EU' and options.environment_id == '5f2b1ac4-7e0d-4c43-9c4e-0b6f4a3d2e1f'
    assert options_of(options) is options
