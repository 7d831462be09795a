# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The parts a run of an environment document may be split in. Internal to this collection; not a public API.

A file of its own, without imports, so that the option layer (_argspec.specs) names the choices without importing the
engine and everything below it: the token lookup imports the option layer in every worker that templates it.
"""

from __future__ import annotations

# all: the whole run. The others split it around the secret reads: before_secrets converges the types up to those
# whose secrets are read, secrets reads them (and nothing else), after_secrets converges the rest and deletes.
PARTS = ('all', 'before_secrets', 'secrets', 'after_secrets')
