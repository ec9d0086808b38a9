"""``%load_ext lossguide``: explain the errors of loss calls under their tracebacks.

In IPython or Jupyter, once loaded, a cell that fails with an error the site's error index
explains shows its usual traceback followed by the entry's cause, fix and address; and when
the call that failed was a loss call (a ``torch.nn.functional`` loss, or the ``forward`` of an
``nn`` loss module, among the traceback's frames), by what :func:`lossguide.diagnose` finds in
its arguments. ``%unload_ext lossguide`` puts things back.

The lines are added to the traceback IPython builds, so a notebook keeps them with the error
output. Whatever fails in lossguide here leaves the traceback as IPython shows it without it.
"""

from __future__ import annotations

import contextlib
import inspect
import os
from collections.abc import Callable
from types import MethodType, TracebackType
from typing import TYPE_CHECKING, Any

from lossguide.catalog import LOSSES
from lossguide.error_index import explain

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from lossguide.diagnosis import Finding

__all__ = ["load_ipython_extension", "notes", "unload_ipython_extension"]

_FUNCTIONAL = {spec.functional for spec in LOSSES}
_MODULES = {spec.name for spec in LOSSES}
# Per shell: the custom exception handling it had before the extension was loaded: the
# exception types, and the handler bound to the shell (IPython's own does nothing, for no type).
_PREVIOUS: dict[int, tuple[tuple[type[BaseException], ...], MethodType]] = {}


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """Called by ``%load_ext lossguide``."""
    if id(ipython) in _PREVIOUS:
        return
    previous = (ipython.custom_exceptions, ipython.CustomTB)
    _PREVIOUS[id(ipython)] = previous
    ipython.set_custom_exc((Exception,), _handler(*previous))


def unload_ipython_extension(ipython: InteractiveShell) -> None:
    """Called by ``%unload_ext lossguide``."""
    previous = _PREVIOUS.pop(id(ipython), None)
    if previous is not None:
        ipython.custom_exceptions, ipython.CustomTB = previous


def _handler(
    previous_types: tuple[type[BaseException], ...], previous: MethodType
) -> Callable[..., None]:
    def handle(
        shell: InteractiveShell,
        etype: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
        tb_offset: int | None = None,
    ) -> None:
        # IPython calls a custom handler instead of showtraceback and ignores what it returns
        # (IPython 9, InteractiveShell.run_code), so the handler shows the traceback itself:
        # through showtraceback, which keeps all it does (sys.last_value, exception groups,
        # %pdb), with the notes added where it hands the finished traceback to
        # _showtraceback, the method IPython documents for subclasses (ipykernel's sends
        # the error to the notebook) to override.
        show = shell._showtraceback

        def show_with_notes(
            etype: type[BaseException], evalue: BaseException, stb: list[str]
        ) -> Any:
            with contextlib.suppress(Exception):  # else the traceback as IPython made it
                stb = [*stb, *notes(evalue, tb)]
            return show(etype, evalue, stb)

        shell._showtraceback = show_with_notes  # type: ignore[method-assign]
        try:
            if issubclass(etype, previous_types):
                previous(etype, value, tb, tb_offset=tb_offset)  # set by another extension
            else:
                shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        finally:
            del shell._showtraceback  # the class's method again

    return handle


def notes(error: BaseException, tb: TracebackType | None) -> list[str]:
    """The lines the extension adds under the traceback of ``error``: the explanation of the
    best entry, and :func:`lossguide.diagnose`'s findings on the loss call that failed."""
    lines: list[str] = []
    found = explain(error)
    if found:
        best = found[0]
        lines += ["", f"lossguide: {best.title}", f"  Cause: {best.cause}", f"  Fix: {best.fix}"]
        if best.code:
            lines.append(f"  lossguide.diagnose code: {best.code}")
        lines.append(f"  More: {best.url}")
    call = _loss_call(tb)
    if call is not None:
        findings = _findings(*call)
        if findings:
            lines += ["", f"lossguide.diagnose on the failing call to {call[2]}:"]
            lines += [f"  - {finding}" for finding in findings]
    return lines


def _loss_call(tb: TracebackType | None) -> tuple[object, dict[str, object], str] | None:
    """The outermost loss call among the frames: (the loss, its arguments, its name)."""
    while tb is not None:
        frame = tb.tb_frame
        path = frame.f_code.co_filename.replace(os.sep, "/")
        name = frame.f_code.co_name
        local = frame.f_locals
        if path.endswith("torch/nn/modules/loss.py") and name == "forward":
            module = local.get("self")
            name = type(module).__name__
            forward = getattr(type(module), "forward", None)
            if name in _MODULES and forward is not None:
                return module, _arguments(forward, local, skip=1), name
        if path.endswith("torch/nn/functional.py") and name in _FUNCTIONAL:
            import torch.nn.functional

            function = getattr(torch.nn.functional, name)
            return function, _arguments(function, local), f"torch.nn.functional.{name}"
        tb = tb.tb_next
    return None


def _arguments(
    function: Callable[..., object], local: dict[str, object], skip: int = 0
) -> dict[str, object]:
    parameters = list(inspect.signature(function).parameters)[skip:]
    return {name: local[name] for name in parameters if name in local}


def _findings(loss: object, arguments: dict[str, object], name: str) -> list[Finding]:
    from lossguide.diagnosis import diagnose

    return diagnose(loss, **arguments)
