# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One converge of a collection: read what the server holds, plan, write what differs. Internal to this collection; not a public API.

How the current objects are read (``read_strategy``): ``list`` reads the whole collection page by page;
``filter`` looks the desired objects up by key, many keys a request (SCIM only); ``auto`` lists and
switches to ``filter`` when a SCIM service holds more objects than it lists and ignores paging, as
PingOne's SCIM API does (at most 200 results an answer, ``startIndex`` ignored).  Prune needs the whole
collection, so it is refused where the collection cannot be listed.  Writes run ``parallel`` at once
(see _parallel), throttled together on 429 (see _throttle).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, OIDCError, ResourceError, ResponseError, UnpagedListError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.parallel import Outcome, run_all
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import Throttle
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.collection import READ_AFTER_CREATE_DELAY, READ_AFTER_CREATE_TRIES, ResourceCollection
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.paging import collection_name
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.dialects import DIALECTS
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.plan import Action, check_prune, plan, selector
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.query import compile_query
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.report import diff_view, member_references, summary
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import bearer_origin

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
    from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
    from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options

PAST_TENSE = {'create': 'created', 'update': 'updated', 'delete': 'deleted'}


def read_problem(api_style: str, read_strategy: str, key: str | None, prune: bool) -> str | None:
    """Why the options cannot read the collection as asked, before any request; None when they can."""
    if read_strategy != 'filter':
        return None
    if not DIALECTS[api_style].filters:
        return 'read_strategy filter uses SCIM filters (RFC 7644 section 3.4.2.2): it needs api_style scim'
    if not key:
        return 'read_strategy filter looks objects up by key: set key, not key_query'
    if prune:
        return 'prune deletes the objects that no item names, so it needs the whole collection: use read_strategy list or auto, not filter'
    return None


def desired_names(desired: Sequence[Any], key: str, fold: Callable[[Any], Any]) -> list[Any]:
    """The distinct keys of the desired items, in order, for a filter read (items without a usable key are plan's to refuse)."""
    names: list[Any] = []
    seen: set[Any] = set()
    for item in desired:
        name = item.get(key) if isinstance(item, dict) else None
        if name is None or isinstance(name, (dict, list, bool)) or fold(name) in seen:
            continue
        seen.add(fold(name))
        names.append(name)
    return names


def read_current(
    collection: ResourceCollection, options: Options, desired: Sequence[Any], fold: Callable[[Any], Any]
) -> tuple[list[dict[str, Any]], str, str | None]:
    """The objects the plan compares with: (objects, the strategy used, a warning or None)."""

    def by_filter() -> list[dict[str, Any]]:
        return collection.search(options.key, desired_names(desired, options.key, fold), fold, options.filter_chunk, options.parallel)

    if options.read_strategy == 'known':
        # Not an option's choice: the environment engine's, for a collection whose objects it knows without reading it:
        # none for a parent it created in this run (a read would cost a request for nothing, and a 404 while PingOne
        # catches up), or a user's direct memberships from the reads of its groups' members (_environment.by_target).
        return list(options.current or ()), 'known', None
    if options.read_strategy == 'filter':
        return by_filter(), 'filter', None
    try:
        return collection.list_all(), 'list', None
    except UnpagedListError as exc:
        if options.read_strategy != 'auto' or not collection.dialect.filters:
            raise
        if not options.key:
            raise ResponseError(f'{exc}; with key (not key_query) its objects could be read by filter', url=exc.url) from None
        if options.prune:
            raise ResponseError(
                f'{exc}. prune needs the whole collection, and {collection.url} does not list it: prune is refused, nothing was written',
                url=exc.url,
            ) from None
        warning = (
            f"{collection.url} lists {exc.listed} of its {exc.total} objects and ignores startIndex (PingOne's SCIM API answers at most 200), so the "
            f'objects were read by filter, {options.filter_chunk} keys a request; set read_strategy to filter to skip the list'
        )
        return by_filter(), 'filter', warning


def _adopt(
    collection: ResourceCollection, action: Action, exc: ResourceError, options: Options, fold: Callable[[Any], Any], planned: Callable[..., list[Action]]
) -> tuple[Action, Any] | None:
    """After a SCIM create refused with 409 (RFC 7644 section 3.3: uniqueness), the object the server already
    holds under that key, converged as an update: (the action taken, the object now), or None to fail.

    A server that lists fewer objects than it holds (PingOne answers at most 200) shows such objects as missing.
    """
    if action.kind != 'create' or exc.status != 409 or not collection.dialect.adopts_conflicts or not options.key:
        return None
    existing = collection.find(options.key, action.key, fold)
    for attempt in range(READ_AFTER_CREATE_TRIES - 1):
        if existing is not None:
            break
        # The server says it holds the object; a search that does not show it yet is eventual consistency.
        collection.http.sleep(READ_AFTER_CREATE_DELAY * 2**attempt)
        existing = collection.find(options.key, action.key, fold)
    if existing is None:
        return None
    (update,) = planned([dict(action.desired, **(action.write_only or {}))], [existing])
    return update, collection.apply(update)


def _progress_line(name: str, total: int, unchanged: int, outcomes: list[Outcome]) -> str:
    """``Users: 3,200 of 10,000 done, 412 created, 3 updated``: how far a converge is, for the job output."""
    counts = {'create': 0, 'update': 0, 'delete': 0}
    finished = 0
    for outcome in outcomes:
        if outcome.value is not None:
            finished += 1
            counts[outcome.value[0].kind] = counts.get(outcome.value[0].kind, 0) + 1
    words = ', '.join(f'{n:,} {PAST_TENSE[kind]}' for kind, n in counts.items() if n)
    return f'{name}: {unchanged + finished:,} of {total:,} done{", " + words if words else ""}'


def converge(options: Options, check_mode: bool, diff: bool, http: HttpClient, source: Callable[..., str]) -> dict[str, Any]:
    """Converge the collection of ``options.url``; the result dict, or ResourceError saying what was written before the failure.

    Every request of the converge, its parallel reads and writes, goes through one Throttle, paced by the
    controller's rate budget when one is configured (else by a rate learnt from 429 answers); the task's context is
    warned when the service throttled it, and shown the progress of long runs of writes.
    """
    with throttled(http, options.parallel, collection_name(options.url)):
        return _converge(options, check_mode, diff, http, source)


@contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's cycle collector paused while a collection is read and compared, then let run again (if it ran before).

    A read keeps every object it parses, so the collector's oldest generation grows by the whole collection and is
    scanned again and again as it grows: reading and comparing 100,000 users took 3.5-3.9 s with it and 2.6-3.1 s
    without (in one process, runs alternating). JSON answers hold no reference cycles; whatever else makes one in the
    meantime is collected once the collector runs again. Process-wide: with converges in threads (the environment
    engine's), the first to end may let it run early, never late."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def throttled(http: HttpClient, parallel: int, name: str) -> Iterator[None]:
    """One Throttle for every request made inside, and a warning naming ``name`` when the service throttled them; inside
    another (the collections of many parents converged at once, _environment.engine), that one is kept: one pause per
    429 and ``parallel`` requests in flight for all of them."""
    if http.throttle is not None:
        yield
        return
    http.throttle = Throttle(parallel, bucket=http.budget)
    try:
        yield
    finally:
        summary = http.throttle.summary()
        http.throttle = None
        if summary:
            http.warn(f'{name}: {summary}')


def _converge(options: Options, check_mode: bool, diff: bool, http: HttpClient, source: Callable[..., str]) -> dict[str, Any]:
    context = http.context
    problem = read_problem(options.api_style, options.read_strategy, options.key, options.prune)
    if problem:
        raise ConfigurationError(problem)
    collection = ResourceCollection(
        http,
        options.url,
        source,
        api_style=options.api_style,
        page_size=options.page_size,
        items_path=options.items_path,
        update_method=options.update_method,
        server_owned=options.ignore_keys,
        attribute_endpoints={entry['name']: (entry.get('path') or entry['name'], entry.get('body') or 'object') for entry in options.attribute_endpoints or ()},
        not_found_retries=READ_AFTER_CREATE_TRIES - 1 if options.parent_created else 0,
        bearer=bearer_origin(options),
    )
    where = options.items_name if options.items is not None else 'item'
    desired = options.items if options.items is not None else [options.item]
    if options.member_ids is not None:
        desired = member_references(desired, options.member_ids, check_mode, where)
    fold = collection.dialect.key_folder(options.key)

    def planned(items: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[Action]:
        return plan(
            items,
            current,
            key=options.key,
            key_query=options.key_query,
            state=options.state,
            prune=options.prune,
            server_owned=collection.server_owned,
            write_only=options.write_only_keys,
            send_write_only=options.send_write_only,
            source=where,
            fold=fold,
            separate=collection.attribute_endpoints,
        )

    # Every expression of the task is parsed before the first request: a typo is not found after a read.
    selected = selector(options.select_query)
    for name, expression in (('key_query', options.key_query), ('items_path', options.items_path)):
        if expression:
            compile_query(expression, name)
    with collector_paused():
        current, strategy, read_warning = read_current(collection, options, desired, fold)
        context.warn(read_warning)
        problem = collection.dialect.collection_problem(collection.url, current)
        if problem:
            raise ConfigurationError(f'url {problem}; nothing was written')
        # Objects outside select_query are not this task's: never compared, updated or pruned.
        current = [obj for obj in current if selected(obj)]
        actions = planned(desired, current)
    keep = getattr(options, 'keep', None)  # the environment engine's only: no task option
    kept = {obj.get('id'): {field: obj.get(field) for field in keep} for obj in current} if keep else None
    if options.prune:
        check_prune(actions, desired, options.prune_max, options.prune_max_name)
    # Every object link is checked before the first write, so a refused one leaves nothing half done.
    collection.check_links(actions)
    result: dict[str, Any] = {'created': [], 'updated': [], 'deleted': [], 'unchanged': [], 'ids': {}}

    def write(action: Action) -> tuple[Action, Any]:
        try:
            return action, collection.apply(action)
        except ResourceError as exc:
            adopted = _adopt(collection, action, exc, options, fold, planned)
            if adopted is None:
                raise
            taken, server_object = adopted
            context.warn(
                f'{collection.label(action.key)} existed although the list of {collection.url} did not show it: its create was refused '
                f'(HTTP 409), so it was read back by {options.key} and {"left as it was" if taken.kind == "none" else "updated"}'
            )
            return taken, server_object

    writes = [action for action in actions if action.kind != 'none'] if not check_mode else []
    outcomes = _write_all(writes, write, options, collection.name, len(actions), context)
    done = dict(zip((id(action) for action in writes), outcomes))
    diffs: list[dict[str, Any]] = []
    failures: list[BaseException] = []
    for planned_action in actions:
        action, server_object = planned_action, planned_action.current
        outcome = done.get(id(planned_action))
        if outcome is not None:
            if outcome.error is not None:
                failures.append(outcome.error)
                continue
            if not outcome.started:
                continue
            action, server_object = outcome.value
        _record(result, diffs if diff else None, action, server_object, options)
    if failures:
        raise _failed(result, failures, sum(1 for outcome in outcomes if not outcome.started), context)
    result['changed'] = _wrote(result)
    result['requests'] = collection.requests
    result['read_strategy'] = strategy
    if kept is not None:
        # Not an option's: the environment engine's, for fields of the objects read that a later step needs (each
        # group's count of direct members, _environment.by_target), so that they are not read again.
        result['kept'] = kept
    result['msg'] = summary(result, collection.name, check_mode)
    if diff:
        result['diff'] = diffs
    return result


def _write_all(writes: list[Action], write: Callable[[Action], Any], options: Options, name: str, total: int, context: TaskContext) -> list[Outcome]:
    """Run the writes, ``options.parallel`` at once, a progress line every few seconds when the job output shows them."""
    unchanged = total - len(writes)

    def report(outcomes: list[Outcome]) -> None:
        context.progress(_progress_line(name, total, unchanged, outcomes))

    return run_all(writes, write, options.parallel, progress=report if context.shows_progress else None)


def _record(result: dict[str, Any], diffs: list[dict[str, Any]] | None, action: Action, server_object: Any, options: Options) -> None:
    """Put one action that was carried out (or, in check mode, would be) on the result, and on its diff when ``diffs`` is
    a list (diff mode: a diff of 10,000 objects is built only when it will be shown)."""
    if action.kind == 'none':
        result['unchanged'].append(action.key)
        if server_object:
            result['ids'][action.key] = server_object.get('id')
        return
    if action.kind != 'delete':
        # A check-mode create has no id yet: None says so.
        result['ids'][action.key] = (server_object or {}).get('id')
    result[PAST_TENSE[action.kind]].append(action.key)
    if diffs is None:
        return
    diffs.append(
        {
            'before_header': str(action.key),
            'after_header': str(action.key),
            'before': diff_view(action.before, options.write_only_keys, options.member_ids),
            'after': diff_view(action.after, options.write_only_keys, options.member_ids),
        }
    )


def _wrote(result: dict[str, Any]) -> bool:
    """Whether a converge created, updated or deleted anything (its ``changed``, on success or failure)."""
    return bool(result['created'] or result['updated'] or result['deleted'])


def _failed(result: dict[str, Any], failures: list[BaseException], not_started: int, context: TaskContext) -> BaseException:
    """The error of a converge whose writes failed: the first failure, with what was written and why the rest was not."""
    first = failures[0]
    if not isinstance(first, OIDCError):
        return first  # a bug: the edge reports it as such
    # What this run already wrote stays written: the failed result says so, and that it changed something.
    done = dict(result, changed=_wrote(result))
    for other in failures[1:]:
        context.warn(f'Also failed: {other}')
    if not_started:
        context.warn(f'Stopped after the failure: {not_started} other write{" was" if not_started == 1 else "s were"} not started')
    return ResourceError(str(first), done=done, **first.details)
