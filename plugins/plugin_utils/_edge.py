# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one edge between Ansible and the library, shared by the action plugins and the lookup.

Internal to this collection; not a public API.  It validates the arguments with
the plugin's argument spec, builds the frozen options, runs the use case, and
turns whatever it raises into a failed result whose every secret is masked
(in every encoding, see _masking), keeping warnings, details and what was done
before the failure.  The library raises; only this function decides what the
user sees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator, ValidationResult
from ansible.module_utils.common.parameters import remove_values
from ansible.release import __version__ as ansible_core_version

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.checks import validate, values_to_mask
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.sources import task_settings_win
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options


# ansible-core before 2.19 replaces the whole result of a task with no_log, its msg and warnings included, by "the output
# has been hidden" at every verbosity (TaskResult.clean_copy); 2.19 shows a failure's message and the warnings beside the
# censored result. AAP 2.5 and 2.6 run 2.16.
NO_LOG_HIDES_FAILURES = tuple(int(part) for part in ansible_core_version.split('.')[:2]) < (2, 19)


def hidden_by_no_log(result: Mapping[str, Any]) -> list[str]:
    """What a task with no_log would hide on ansible-core before 2.19 and the action shows itself: its warnings and the
    message of its failure. The edge has masked both, in every encoding of every secret, like everything it returns."""
    shown = [f'warning: {warning}' for warning in result.get('warnings') or [] if isinstance(warning, str)]
    if result.get('failed') and isinstance(result.get('msg'), str):
        shown.append(f'failed: {result["msg"]}')
    return shown


# invocation.module_args echoes the arguments for -vvv. A longer items list is shown as its count and its first
# ECHOED_ITEMS items: 10,000 users echoed whole were most of a task's result, pickled to the controller's main process.
ECHOED_ITEMS = 10

# The specs of the options the edge checks itself when their values are plainly valid (see _set_aside): a list of
# dicts (api_resource's items), a dict with no options of its own (pingone_environment's document).
ITEMS_SPEC = {'type': 'list', 'elements': 'dict'}
DOCUMENT_SPEC = {'type': 'dict', 'default': {}}


def run(
    module_kwargs: Mapping[str, Any],
    args: Mapping[str, Any],
    use_case: Callable[[Options, TaskContext, bool, bool], Mapping[str, Any]],
    check_mode: bool = False,
    diff: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The result dict of one task or lookup call.

    ``use_case(options, context, check_mode, diff)`` returns a result dict or raises; what it learns for the user
    goes to ``context`` (a TaskContext made here, whose progress lines go to ``progress``), and its warnings end up
    on the result, failed or not.  A successful result is returned as the use case made it, plus ``invocation``:
    returned tokens are not masked, so an unrotated refresh token does not come back as
    VALUE_SPECIFIED_IN_NO_LOG_PARAMETER.  A failed one is masked whole, after the work, so that assertions and
    tokens minted during it are masked too.
    """
    module_kwargs = dict(module_kwargs, argument_spec=task_settings_win(module_kwargs['argument_spec'], args))
    args, aside = _set_aside(module_kwargs['argument_spec'], args)
    validation = ArgumentSpecValidator(**module_kwargs).validate(args)
    # Back in place of the empty list or dict the validator saw, before anything reads or masks the parameters.
    validation.validated_parameters.update(aside)
    context = TaskContext(None if progress is None else _shown_progress(progress, validation, lambda: context))
    errors = validate(validation, module_kwargs['argument_spec'])
    if errors:
        return _masked(dict(failed=True, msg='; '.join(errors)), validation, context)
    options = options_of(validation.validated_parameters)
    if options.http_trace:
        context.trace = []
    try:
        outcome = use_case(options, context, check_mode, diff)
    except OIDCError as exc:
        failed = dict(exc.details, failed=True, msg=str(exc))
        failed.update(getattr(exc, 'done', None) or {})
        return _masked(_with_warnings(failed, context), validation, context)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # The edge: a bug or an unforeseen OSError is a failed result that says what it was, never a traceback
        # (whose text could hold a secret) nor Ansible's "unhandled exception".
        failed = dict(failed=True, msg=f'Unexpected {type(exc).__name__}: {exc}')
        return _masked(_with_warnings(failed, context), validation, context)
    outcome = dict(outcome)
    shown = _with_warnings({'invocation': {'module_args': echoed(validation.validated_parameters)}}, context)
    outcome.update(_masked(shown, validation, context))
    return outcome


def _with_warnings(result: dict[str, Any], context: TaskContext) -> dict[str, Any]:
    """The result with the context's warnings, if any: they explain failures most of all (a short HMAC secret behind
    invalid_client, retries)."""
    if context.warnings:
        result['warnings'] = list(context.warnings)
    if context.trace is not None:
        # Masked with the rest of what is shown: a server's correlation ID or a path could hold a secret it echoed.
        result['http_trace'] = list(context.trace)
    return result


def echoed(params: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments as ``invocation.module_args`` shows them (before masking): an ``items`` list longer than
    ECHOED_ITEMS as ``{'count': N, 'first': [its first ECHOED_ITEMS items]}``, enough to debug one object, and each list
    of a ``document`` alike."""
    module_args = dict(params)
    items = module_args.get('items')
    if isinstance(items, list) and len(items) > ECHOED_ITEMS:
        module_args['items'] = {'count': len(items), 'first': items[:ECHOED_ITEMS]}
    document = module_args.get('document')
    if isinstance(document, dict):
        # pingone_environment's document: each of its lists the same way (10,000 users are one of them).
        module_args['document'] = {
            name: {'count': len(listed), 'first': listed[:ECHOED_ITEMS]} if isinstance(listed, list) and len(listed) > ECHOED_ITEMS else listed
            for name, listed in document.items()
        }
    return module_args


def _set_aside(argument_spec: Mapping[str, Any], args: Mapping[str, Any]) -> tuple[Mapping[str, Any], dict[str, Any]]:
    """``args`` for the validator, with a plainly valid ``items`` list and ``document`` dict set aside, and those set
    aside, by name.

    ArgumentSpecValidator deep-copies every parameter and then checks each element of a list: for 10,000
    items that was most of the edge's time (bench/edge_overhead.py), and a document of 10,000 users cost a no-change
    run 0.1 s before its first request.  A list whose elements are all dicts passes those checks unchanged, and so does
    a dict for an option of type dict with no options of its own, so the validator gets an empty one in its place (the
    option is still given, for mutually_exclusive and required_one_of) and the value goes on as given (a list in a list
    of its own): the library never changes an item or a document.  Anything else (not a list, an element that is not a
    dict, a string for the document) goes to the validator whole, so that its conversions and error messages stay
    ansible-core's own.
    """
    aside: dict[str, Any] = {}
    items, document = args.get('items'), args.get('document')
    if argument_spec.get('items') == ITEMS_SPEC and isinstance(items, list) and all(isinstance(item, dict) for item in items):
        aside['items'] = list(items)
    if argument_spec.get('document') == DOCUMENT_SPEC and isinstance(document, dict):
        aside['document'] = document
    if not aside:
        return args, aside
    return dict(args, **{name: [] if name == 'items' else {} for name in aside}), aside


def _masked(value: Any, validation: ValidationResult, context: TaskContext) -> Any:
    """``value`` with every form of every secret and of every credential the call minted masked (see _masking), at a
    cost that grows with the secrets and ``value``, not with the items: remove_values() gets only the masks that
    occur in ``value``.  Its ``msg`` and ``warnings`` are then made one line each (_masking.one_line), after the
    masking so that no secret escapes it by being changed: whatever a server wrote is cleaned where the library
    meets it (_http.error_body.clean), and this catches what a message may still carry of it."""
    masked = remove_values(value, _masking.occurring(values_to_mask(validation, context.minted), value))
    if not isinstance(masked, dict):
        return masked
    if isinstance(masked.get('msg'), str):
        masked['msg'] = _masking.one_line(masked['msg'])
    if isinstance(masked.get('warnings'), list):
        masked['warnings'] = [_masking.one_line(text) if isinstance(text, str) else text for text in masked['warnings']]
    return masked


def _shown_progress(progress: Callable[[str], None], validation: ValidationResult, context: Callable[[], TaskContext]) -> Callable[[str], None]:
    """``progress`` for lines shown while the task runs (a converge's count, the device grant's instructions): each
    masked and made one line as a result is.  The masks are worked out again only when the call has minted more."""
    masks: dict[int, set[str]] = {}

    def shown(line: str) -> None:
        minted = frozenset(context().minted)  # one copy (made at once under the GIL): a converge's threads may add to it
        if len(minted) not in masks:
            masks.clear()
            masks[len(minted)] = values_to_mask(validation, minted)
        progress(_masking.one_line(remove_values(line, _masking.occurring(masks[len(minted)], line))))

    return shown
