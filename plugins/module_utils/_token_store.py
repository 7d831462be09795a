# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller-side token store: encrypted files, one per token. Internal to this collection; not a public API.

Lookups run in a fresh worker process for every host and task, so memory
cannot share a token; files can.  Each entry is a file readable only by its
owner (0600 in a 0700 directory), written atomically, and encrypted with
AES-256-GCM under a key derived (HKDF-SHA256) from the client credential that
obtained it: a wrong credential, a corrupted or a truncated file reads as a miss.
A per-entry lock file makes concurrent workers that miss at the same moment
wait for one request instead of each sending their own.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import time

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
except ImportError:  # pragma: no cover - PyJWT[crypto] brings cryptography
    AESGCM = None

FORMAT_VERSION = 1
HKDF_INFO = b'jwtauth.oidc token store v1'
# Entries that can be renewed (they hold a refresh token) are kept this long after
# the access token expired; refresh token lifetimes are not announced by OPs.
RENEWABLE_RETENTION = 30 * 24 * 3600
LOCK_SUFFIX = '.lock'
ENTRY_SUFFIX = '.token'


def default_directory():
    """~/.ansible/jwtauth_oidc/tokens, or under ANSIBLE_HOME when that is set."""
    home = os.environ.get('ANSIBLE_HOME') or os.path.join(os.path.expanduser('~'), '.ansible')
    return os.path.join(home, 'jwtauth_oidc', 'tokens')


def entry_id(parts):
    """A stable file name for what identifies a token (endpoint, client, grant, scope, ...)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(',', ':'), default=str)
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


def _key(credential, identifier):
    # HKDF (RFC 5869) with the entry id as salt: one key per entry and credential.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=identifier.encode('ascii'), info=HKDF_INFO).derive(credential)


def seal(tokens, credential, identifier):
    """Encrypt a token dict for one entry; returns the file's JSON text."""
    nonce = os.urandom(12)
    plaintext = json.dumps(tokens, separators=(',', ':')).encode('utf-8')
    ciphertext = AESGCM(_key(credential, identifier)).encrypt(nonce, plaintext, identifier.encode('ascii'))
    header = {
        'v': FORMAT_VERSION,
        # Plain so that expired entries can be swept without the credential; not secret.
        'expires_at': tokens.get('expires_at'),
        'renewable': bool(tokens.get('refresh_token')),
        'nonce': base64.b64encode(nonce).decode('ascii'),
        'ciphertext': base64.b64encode(ciphertext).decode('ascii'),
    }
    return json.dumps(header)


def unseal(text, credential, identifier):
    """Decrypt an entry; None when it is corrupt, truncated, of another format or for another credential."""
    try:
        header = json.loads(text)
        if header.get('v') != FORMAT_VERSION:
            return None
        nonce = base64.b64decode(header['nonce'], validate=True)
        ciphertext = base64.b64decode(header['ciphertext'], validate=True)
        plaintext = AESGCM(_key(credential, identifier)).decrypt(nonce, ciphertext, identifier.encode('ascii'))
        tokens = json.loads(plaintext.decode('utf-8'))
    except (ValueError, KeyError, TypeError, AttributeError, InvalidTag):
        return None
    return tokens if isinstance(tokens, dict) else None


def is_fresh(tokens, leeway, now=None):
    """True when the access token is valid for at least ``leeway`` more seconds.

    A token without expires_at has unknown lifetime: it is treated as needing
    renewal, so the store never hands out a token it cannot vouch for.
    """
    expires_at = tokens.get('expires_at')
    now = time.time() if now is None else now
    return isinstance(expires_at, (int, float)) and expires_at - leeway > now


class TokenStore:
    """Encrypted token files in one private directory."""

    def __init__(self, directory=None):
        if AESGCM is None:
            raise RuntimeError('The Python library "cryptography" is required for the token store')
        self.directory = directory or default_directory()

    def _path(self, identifier, suffix=ENTRY_SUFFIX):
        return os.path.join(self.directory, identifier + suffix)

    def _ensure_directory(self):
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        # makedirs honours the umask; the store must be private whatever the umask.
        os.chmod(self.directory, 0o700)

    @contextlib.contextmanager
    def lock(self, identifier):
        """Hold an exclusive lock on one entry across processes (forks and hosts of a play)."""
        self._ensure_directory()
        fd = os.open(self._path(identifier, LOCK_SUFFIX), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @contextlib.contextmanager
    def _try_lock(self, identifier):
        """Like lock(), but yields False at once when another process holds it."""
        try:
            fd = os.open(self._path(identifier, LOCK_SUFFIX), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            yield False
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def load(self, identifier, credential):
        """The stored tokens of an entry, or None (missing, unreadable, wrong credential)."""
        try:
            with open(self._path(identifier), 'r') as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            return None
        return unseal(text, credential, identifier)

    def save(self, identifier, credential, tokens):
        """Write an entry atomically: a private temporary file renamed over the old one."""
        self._ensure_directory()
        fd, temp_path = tempfile.mkstemp(dir=self.directory, prefix='.tmp-', suffix=ENTRY_SUFFIX)
        try:
            with os.fdopen(fd, 'w') as handle:
                handle.write(seal(tokens, credential, identifier))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_path, self._path(identifier))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_path)
            raise

    def remove(self, identifier):
        """Delete an entry if it exists."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._path(identifier))

    def sweep(self, now=None):
        """Delete entries past use: expired and not renewable, or renewable but long expired. Returns how many."""
        now = time.time() if now is None else now
        removed = 0
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return 0
        for name in names:
            if not name.endswith(ENTRY_SUFFIX) or name.startswith('.tmp-'):
                continue
            path = os.path.join(self.directory, name)
            with self._try_lock(name[:-len(ENTRY_SUFFIX)]) as locked:
                if locked and _is_stale(path, now):
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                        removed += 1
        return removed


def _is_stale(path, now):
    """Whether an entry file is past use, judged from its plain header alone."""
    try:
        with open(path, 'r') as handle:
            header = json.loads(handle.read())
        expires_at = header.get('expires_at')
        retention = RENEWABLE_RETENTION if header.get('renewable') else 0
        return not isinstance(expires_at, (int, float)) or expires_at + retention < now
    except (OSError, ValueError, AttributeError):
        return True  # corrupt: nobody can read it
