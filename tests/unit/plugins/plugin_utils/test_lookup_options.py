# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_lookup_options: ansible.cfg is parsed once while it is the same file, not once an option."""

from __future__ import annotations

import os

from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _lookup_options


def test_ansible_cfg_is_parsed_once_and_again_when_it_changes(tmp_path, monkeypatch):
    config = tmp_path / 'ansible.cfg'
    config.write_text('[jwtauth_oidc]\ntimeout = 20\n')
    monkeypatch.setattr(_lookup_options.C, 'CONFIG_FILE', str(config), raising=False)
    entries = [{'section': 'jwtauth_oidc', 'key': 'timeout'}]
    parsed = _lookup_options._parsed(str(config))  # pylint: disable=protected-access
    assert _lookup_options._ini_value(entries, 'int') == '20' and _lookup_options._parsed(str(config)) is parsed  # pylint: disable=protected-access
    config.write_text('[jwtauth_oidc]\ntimeout = 45\n')
    os.utime(config, ns=(1, 1))  # another modification time, whatever the clock's resolution
    assert _lookup_options._ini_value(entries, 'int') == '45'  # pylint: disable=protected-access
    config.unlink()
    assert _lookup_options._ini_value(entries, 'int') is None  # pylint: disable=protected-access
