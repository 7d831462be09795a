# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller-side token store: encrypted files, one per token. Internal to this collection; not a public API.

Lookups run in a fresh worker process for every host and task, so memory
cannot share a token; files can.  Each entry is a file readable only by its
owner (0600 in a 0700 directory), written atomically, and encrypted with
AES-256-GCM under a key derived (HKDF-SHA256) from the client credential that
obtained it.  A per-entry lock file makes concurrent workers that miss at the
same moment wait (a bounded time) for one request instead of each sending
their own.

The store trusts nothing it did not make: the directory must be a
real directory of the current user that nobody else can write; every file is
opened relative to that directory's descriptor with O_NOFOLLOW, so a planted
symbolic link cannot redirect a read, a write or a lock; the sweep deletes only
files named and formatted as its own.  Every file system failure becomes a
StoreError naming the store and the option that sets it.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import errno
import fcntl
import hashlib
import hmac
import json
import math
import os
import random
import re
import stat
import time
from collections.abc import Iterator
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import StoreError

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
except ImportError:  # pragma: no cover - PyJWT[crypto] brings cryptography
    AESGCM = None  # type: ignore[assignment,misc]
    InvalidTag = ValueError  # type: ignore[assignment,misc]

FORMAT_VERSION = 1
HKDF_INFO = b'jwtauth.oidc token store v1'
# Another HKDF info for the key of credential bindings (see bind_credential): never the key of an entry's encryption.
BINDING_INFO = b'jwtauth.oidc token store v1 credential binding'
# Entries that can be renewed (they hold a refresh token) are kept this long after
# the access token expired; refresh token lifetimes are not announced by OPs.
RENEWABLE_RETENTION = 30 * 24 * 3600
LOCK_SUFFIX = '.lock'
ENTRY_SUFFIX = '.token'
# A recent failure of the request for an entry (see TokenProvider): workers that
# waited for the lock read it instead of sending the same failing request again.
FAILURE_SUFFIX = '.failure'
# Only files the store writes: a SHA-256 hex entry id and one of its suffixes.
OWN_FILE = re.compile(r'^[0-9a-f]{64}(\.token|\.failure)$')
# An entry holds a few tokens; anything much larger is not the store's.
MAX_ENTRY_BYTES = 1024 * 1024
# How long a worker waits for another worker's lock by default: one token request
# with the default timeout (30 s) and a retry or two fits; a stopped holder does not
# block the play for ever.
LOCK_TIMEOUT = 120
# Polling with LOCK_NB instead of a blocking flock: a bounded wait needs no signal
# (SIGALRM would disturb Ansible's own handlers in the worker).
LOCK_POLL_FIRST = 0.01
LOCK_POLL_MAX = 0.2
PATH_OPTIONS = 'token_store_path / JWTAUTH_OIDC_TOKEN_STORE_PATH'

MISSING, OK, UNDECRYPTABLE, CORRUPT = 'missing', 'ok', 'undecryptable', 'corrupt'
Entry = collections.namedtuple('Entry', ['state', 'tokens'])

_NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)


def default_directory() -> str:
    """~/.ansible/jwtauth_oidc/tokens, or under ANSIBLE_HOME when that is set."""
    home = os.environ.get('ANSIBLE_HOME') or os.path.join(os.path.expanduser('~'), '.ansible')
    return os.path.join(home, 'jwtauth_oidc', 'tokens')


def entry_id(parts: dict[str, Any]) -> str:
    """A stable file name for what identifies a token (endpoint, client, grant, scope, ...)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(',', ':'), default=str)
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


def bind_credential(secret: str, key_material: bytes) -> str:
    """A keyed hash (HMAC-SHA256) of a user's secret, to make an entry's id depend on it (issue 23).

    Keyed by the store's own key material (the client credential) through HKDF,
    never by the secret itself: an entry id is a file name, and a plain hash of a
    password in it would let whoever reads the name test guesses offline.
    """
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=BINDING_INFO).derive(key_material)
    return hmac.new(key, secret.encode('utf-8'), hashlib.sha256).hexdigest()


def _key(credential: bytes, identifier: str) -> bytes:
    # HKDF (RFC 5869) with the entry id as salt: one key per entry and credential.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=identifier.encode('ascii'), info=HKDF_INFO).derive(credential)


def seal(tokens: dict[str, Any], credential: bytes, identifier: str) -> str:
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


def _header(text: str) -> dict[str, Any] | None:
    """The plain header of an entry in the store's own format, or None."""
    try:
        header = json.loads(text)
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get('v') != FORMAT_VERSION:
        return None
    if not isinstance(header.get('nonce'), str) or not isinstance(header.get('ciphertext'), str):
        return None
    expires_at = header.get('expires_at')
    if expires_at is not None and (not isinstance(expires_at, (int, float)) or isinstance(expires_at, bool)):
        return None
    return header


def open_entry(text: str, credential: bytes, identifier: str) -> Entry:
    """Decrypt an entry's text: Entry(OK, tokens), Entry(UNDECRYPTABLE, None) or Entry(CORRUPT, None).

    AES-GCM cannot tell a wrong key from a damaged ciphertext; both fail the
    tag check and read as UNDECRYPTABLE.  A file that is not JSON in the
    store's format is CORRUPT.
    """
    header = _header(text)
    if header is None:
        return Entry(CORRUPT, None)
    try:
        nonce = base64.b64decode(header['nonce'], validate=True)
        ciphertext = base64.b64decode(header['ciphertext'], validate=True)
    except ValueError:
        return Entry(CORRUPT, None)
    try:
        plaintext = AESGCM(_key(credential, identifier)).decrypt(nonce, ciphertext, identifier.encode('ascii'))
    except (InvalidTag, ValueError):
        return Entry(UNDECRYPTABLE, None)
    try:
        tokens = json.loads(plaintext.decode('utf-8'))
    except ValueError:
        return Entry(CORRUPT, None)
    return Entry(OK, tokens) if isinstance(tokens, dict) else Entry(CORRUPT, None)


def unseal(text: str, credential: bytes, identifier: str) -> dict[str, Any] | None:
    """Decrypt an entry; None when it is corrupt, truncated, of another format or for another credential."""
    return open_entry(text, credential, identifier).tokens


def is_fresh(tokens: dict[str, Any], leeway: float, now: float | None = None) -> bool:
    """True when the access token is valid for at least ``leeway`` more seconds.

    A token without expires_at has unknown lifetime: it is treated as needing
    renewal, so the store never hands out a token it cannot vouch for.
    """
    expires_at = tokens.get('expires_at')
    now = time.time() if now is None else now
    return isinstance(expires_at, (int, float)) and not isinstance(expires_at, bool) and expires_at - leeway > now


def _errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno, f'errno {exc.errno}') if exc.errno else type(exc).__name__


class TokenStore:
    """Encrypted token files in one private directory."""

    def __init__(self, directory: str | None = None, lock_timeout: float | None = LOCK_TIMEOUT) -> None:
        if AESGCM is None:
            raise StoreError('The Python library "cryptography" is required for the token store: pip install cryptography')
        self.explicit = bool(directory)
        self.directory = os.path.abspath(directory or default_directory())
        self.lock_timeout = max(0, lock_timeout if lock_timeout is not None else LOCK_TIMEOUT)

    def describe(self) -> str:
        """The store, named so that a user knows which option moves it."""
        if self.explicit:
            return f'the token store {self.directory} (set by {PATH_OPTIONS})'
        return f'the token store {self.directory} (the default; {PATH_OPTIONS} moves it)'

    def _error(self, doing: str, exc: OSError) -> StoreError:
        """A StoreError for a file system failure: what failed, where, why."""
        reason = exc.strerror or str(exc)
        return StoreError(f'Cannot {doing} in {self.describe()}: {reason} [{_errno_name(exc)}]')

    def _refuse(self, why: str) -> StoreError:
        return StoreError(f'Refusing to use {self.describe()}: {why}')

    # -- the directory ---------------------------------------------------------------

    def _make_directories(self) -> None:
        """Create the store and any missing parents, each 0700 whatever the umask, never through a planted link.

        Whoever can write a parent may replace a directory between its mkdir and
        any later call by path (issue 23: a chmod by path then changed the mode
        of whatever a planted symbolic link named).  So each missing directory is
        made and opened relative to its parent's descriptor, the open refuses a
        link (O_NOFOLLOW | O_DIRECTORY), and the mode is fixed on that descriptor.
        """
        missing = []
        path = self.directory
        while not os.path.lexists(path):
            missing.append(os.path.basename(path))
            parent = os.path.dirname(path)
            if parent == path:
                break
            path = parent
        if not missing:
            return
        # The deepest directory that exists was there before this call: it is opened as the user named it, only to
        # make and open its missing child (O_PATH where there is one: that needs no read permission, as mkdir does not).
        try:
            fd = os.open(path, getattr(os, 'O_PATH', os.O_RDONLY) | os.O_DIRECTORY | getattr(os, 'O_CLOEXEC', 0))
        except OSError as exc:
            raise self._error(f'open the directory {path}', exc) from exc
        try:
            for name in reversed(missing):
                path = os.path.join(path, name)
                child = self._make_directory(fd, name, path)
                os.close(fd)
                fd = child
        finally:
            os.close(fd)

    def _make_directory(self, parent_fd: int, name: str, path: str) -> int:
        """Make one directory in ``parent_fd`` (0700) and return a descriptor of it, checked: not a link, and this user's."""
        try:
            # The mode is given to mkdir itself: a umask only removes bits, so the directory is never more open than
            # 0700, not even for a moment.  (The umask is left alone: it is the process's, shared by its threads.)
            os.mkdir(name, 0o700, dir_fd=parent_fd)
            made = True
        except FileExistsError:
            made = False  # another worker made it: opened and checked below, its mode left alone
        except OSError as exc:
            raise self._error(f'create the directory {path}', exc) from exc
        try:
            fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=parent_fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise self._refuse(f'{path} was replaced by a symbolic link or a file while it was being created') from exc
            raise self._error(f'open the directory {path}', exc) from exc
        try:
            found = os.fstat(fd)  # a directory: O_DIRECTORY said so
            if found.st_uid != os.geteuid():
                raise self._refuse(f'{path} was created by uid {found.st_uid}, not by the user running Ansible (uid {os.geteuid()})')
            if made and stat.S_IMODE(found.st_mode) != 0o700:
                # A umask such as 0277 took the owner's own bits: given back on the descriptor, never by path.
                os.fchmod(fd, 0o700)
        except OSError as exc:
            os.close(fd)
            raise self._error(f'make the directory {path} private (0700)', exc) from exc
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _open_directory(self, create: bool) -> int | None:
        """A descriptor of the checked store directory, or None when it is missing and ``create`` is false.

        Every file is then opened relative to this descriptor, so the checks
        hold for the directory actually used even if the path is swapped later.
        """
        try:
            found = os.lstat(self.directory)
        except FileNotFoundError:
            if not create:
                return None
            self._make_directories()
            found = None
        except OSError as exc:
            raise self._error('look up the directory', exc) from exc
        if found is None:
            try:
                found = os.lstat(self.directory)
            except OSError as exc:
                raise self._error('look up the directory', exc) from exc
        self._check_directory(found)
        try:
            fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
        except OSError as exc:
            raise self._error('open the directory', exc) from exc
        try:
            opened = os.fstat(fd)
            if (opened.st_dev, opened.st_ino) != (found.st_dev, found.st_ino):
                raise self._refuse('it was replaced while being opened')
            if create and stat.S_IMODE(opened.st_mode) & 0o077:
                # Group or others may read or list it (an old store, a directory made by hand): make it private.
                os.fchmod(fd, 0o700)
        except OSError as exc:
            os.close(fd)
            raise self._error('make the directory private (0700)', exc) from exc
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _check_directory(self, found: os.stat_result) -> None:
        """Refuse a directory that someone else could use to redirect or plant the store's files."""
        if stat.S_ISLNK(found.st_mode):
            raise self._refuse('it is a symbolic link; point the option at the real directory')
        if not stat.S_ISDIR(found.st_mode):
            raise self._refuse('it exists and is not a directory')
        if found.st_uid != os.geteuid():
            raise self._refuse(f'it is owned by uid {found.st_uid}, not by the user running Ansible (uid {os.geteuid()})')
        if found.st_mode & 0o022:
            raise self._refuse(f'group or others can write to it (mode {stat.S_IMODE(found.st_mode):04o}); it must be private (0700)')

    @contextlib.contextmanager
    def _directory(self, create: bool = True) -> Iterator[int | None]:
        fd = self._open_directory(create)
        try:
            yield fd
        finally:
            if fd is not None:
                os.close(fd)

    def check_writable(self) -> None:
        """Raise StoreError unless an entry could be saved now: the directory is usable and a file can be written."""
        with self._directory() as dir_fd:
            name = self._write_temp(dir_fd, 'probe')
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dir_fd)

    def _write_temp(self, dir_fd: int | None, text: str) -> str:
        """Write a new private file with a fresh name; returns the name (O_EXCL, O_NOFOLLOW: no planted link is followed)."""
        name = f'.tmp-{os.urandom(8).hex()}{ENTRY_SUFFIX}'
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=dir_fd)
        except OSError as exc:
            raise self._error('create a file', exc) from exc
        try:
            with os.fdopen(fd, 'w') as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dir_fd)
            raise self._error('write a file', exc) from exc
        return name

    # -- locks -----------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, identifier: str, label: str = 'a token') -> Iterator[bool]:
        """Hold an exclusive lock on one entry across processes (forks and hosts of a play).

        Yields whether this worker had to wait for another one: a waiter may
        find that worker's result (or failure) instead of sending its own
        request.  Waits at most ``lock_timeout`` seconds.
        """
        with self._directory() as dir_fd:
            try:
                fd = os.open(identifier + LOCK_SUFFIX, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600, dir_fd=dir_fd)
            except OSError as exc:
                raise self._error(f'create the lock file for {label}', exc) from exc
        try:
            waited = self._acquire(fd, label)
            yield waited
        finally:
            os.close(fd)  # closing the only descriptor releases the flock

    def _acquire(self, fd: int, label: str) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            pass
        deadline = time.monotonic() + self.lock_timeout
        delay = LOCK_POLL_FIRST
        while True:
            if time.monotonic() >= deadline:
                raise StoreError(
                    f'Gave up after {self.lock_timeout} s waiting for another Ansible process to release the lock for {label} in {self.describe()}; '
                    'that process may be stopped or hung. Stop it, or raise token_store_lock_timeout '
                    '(JWTAUTH_OIDC_TOKEN_STORE_LOCK_TIMEOUT)'
                )
            time.sleep(min(delay * random.uniform(0.5, 1.5), max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, LOCK_POLL_MAX)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                continue

    @contextlib.contextmanager
    def _try_lock(self, dir_fd: int, identifier: str) -> Iterator[bool]:
        """Yields True holding the entry's lock, or False at once when another process holds it (or it cannot be made)."""
        try:
            fd = os.open(identifier + LOCK_SUFFIX, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600, dir_fd=dir_fd)
        except OSError:
            yield False
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            yield True
        finally:
            os.close(fd)

    # -- entries -----------------------------------------------------------------------

    def _read_text(self, dir_fd: int, name: str) -> str | None:
        """The text of one of the store's files, or None when it does not exist."""
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=dir_fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise self._refuse(f'{name} is a symbolic link, which the store never writes') from exc
            raise self._error(f'open {name}', exc) from exc
        try:
            with os.fdopen(fd, 'rb') as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise self._refuse(f'{name} is not a regular file')
                data = handle.read(MAX_ENTRY_BYTES + 1)
        except OSError as exc:
            raise self._error(f'read {name}', exc) from exc
        if len(data) > MAX_ENTRY_BYTES:
            return ''  # not an entry the store wrote: reads as corrupt
        return data.decode('utf-8', 'replace')

    def read(self, identifier: str, credential: bytes, suffix: str = ENTRY_SUFFIX) -> Entry:
        """An entry and whether it could be read: Entry(state, tokens), state one of MISSING, OK, UNDECRYPTABLE, CORRUPT.

        Reading never creates anything, so a store on a read-only file system
        still serves its valid entries.
        """
        with self._directory(create=False) as dir_fd:
            text = None if dir_fd is None else self._read_text(dir_fd, identifier + suffix)
        if text is None:
            return Entry(MISSING, None)
        return open_entry(text, credential, identifier + (suffix if suffix != ENTRY_SUFFIX else ''))

    def load(self, identifier: str, credential: bytes) -> dict[str, Any] | None:
        """The stored tokens of an entry, or None (missing, unreadable, wrong credential)."""
        return self.read(identifier, credential).tokens

    def save(self, identifier: str, credential: bytes, tokens: dict[str, Any], suffix: str = ENTRY_SUFFIX) -> None:
        """Write an entry atomically: a private temporary file renamed over the old one."""
        sealed_for = identifier + (suffix if suffix != ENTRY_SUFFIX else '')
        text = seal(tokens, credential, sealed_for)
        with self._directory() as dir_fd:
            temp = self._write_temp(dir_fd, text)
            try:
                os.replace(temp, identifier + suffix, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.unlink(temp, dir_fd=dir_fd)
                raise self._error('save an entry', exc) from exc

    def remove(self, identifier: str) -> bool:
        """Delete an entry (and any failure recorded for it); True when there was an entry."""
        removed = False
        with self._directory(create=False) as dir_fd:
            if dir_fd is None:
                return False
            for suffix in (ENTRY_SUFFIX, FAILURE_SUFFIX):
                try:
                    os.unlink(identifier + suffix, dir_fd=dir_fd)
                    removed = removed or suffix == ENTRY_SUFFIX
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    raise self._error('remove an entry', exc) from exc
        return removed

    def save_failure(self, identifier: str, credential: bytes, failure: dict[str, Any], lifetime: float, now: float | None = None) -> None:
        """Record that the request for an entry just failed; readable for ``lifetime`` seconds."""
        now = time.time() if now is None else now
        self.save(identifier, credential, dict(failure, expires_at=now + lifetime), suffix=FAILURE_SUFFIX)

    def recent_failure(self, identifier: str, credential: bytes, now: float | None = None) -> dict[str, Any] | None:
        """The failure recorded for an entry if it has not lapsed, else None."""
        failure = self.read(identifier, credential, suffix=FAILURE_SUFFIX).tokens
        now = time.time() if now is None else now
        if failure and isinstance(failure.get('expires_at'), (int, float)) and failure['expires_at'] > now:
            return failure
        return None

    def drop_sealed_with(self, credential: bytes) -> int:
        """Delete every entry (and recorded failure) that ``credential`` decrypts: the tokens a rotated client secret
        obtained, once the new secret is in use (issue 28). Returns how many entries; a file it cannot judge is left alone.

        An entry's key is derived from its credential and its id (see _key), so only entries sealed with this very
        credential open; the others, of other clients or of the new secret, fail the tag check and stay.
        """
        dropped = 0
        with self._directory(create=False) as dir_fd:
            if dir_fd is None:
                return 0
            for name in sorted(os.listdir(dir_fd)):
                if not OWN_FILE.match(name):
                    continue
                identifier, suffix = name[:64], name[64:]
                with self._try_lock(dir_fd, identifier) as locked:
                    text = self._read_text(dir_fd, name) if locked else None
                    sealed_for = identifier + (suffix if suffix != ENTRY_SUFFIX else '')
                    if text is None or open_entry(text, credential, sealed_for).state != OK:
                        continue
                    try:
                        os.unlink(name, dir_fd=dir_fd)
                    except FileNotFoundError:
                        continue
                    except OSError as exc:
                        raise self._error('remove an entry', exc) from exc
                    dropped += suffix == ENTRY_SUFFIX
        return dropped

    def sweep(self, now: float | None = None) -> int:
        """Delete the store's own files past use: expired and not renewable, or renewable but long expired. Returns how many.

        Housekeeping never fails a task: a file it cannot judge is left alone.
        """
        now = time.time() if now is None else now
        removed = 0
        try:
            with self._directory(create=False) as dir_fd:
                if dir_fd is None:
                    return 0
                for name in os.listdir(dir_fd):
                    if OWN_FILE.match(name) and self._sweep_one(dir_fd, name, now):
                        removed += 1
        except (OSError, StoreError):
            pass
        return removed

    def _sweep_one(self, dir_fd: int, name: str, now: float) -> bool:
        try:
            found = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError:
            return False
        if not stat.S_ISREG(found.st_mode) or found.st_uid != os.geteuid():
            return False
        with self._try_lock(dir_fd, name[:64]) as locked:
            if not locked:
                return False
            try:
                header = _header(self._read_text(dir_fd, name) or '')
            except StoreError:
                return False
            if header is None or not _is_stale(header, now):
                return False  # not the store's own format: never delete what it cannot parse as its own
            try:
                os.unlink(name, dir_fd=dir_fd)
            except OSError:
                return False
            return True


def _is_stale(header: dict[str, Any], now: float) -> bool:
    """Whether an entry is past use, judged from its plain header alone."""
    expires_at = header.get('expires_at')
    if expires_at is None or (isinstance(expires_at, float) and math.isnan(expires_at)):
        return True
    retention = RENEWABLE_RETENTION if header.get('renewable') else 0
    return expires_at + retention < now
