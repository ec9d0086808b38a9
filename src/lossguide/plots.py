"""Figures of a loss and its gradient, as the site draws them.

The values and gradients are computed by the caller (with autograd, on the page where the
figure appears); this module only lays them out, so every figure on the site looks alike.
matplotlib is imported when a figure is drawn, not when lossguide is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["loss_and_gradient"]


def loss_and_gradient(
    x: Sequence[float] | np.ndarray,
    curves: Mapping[str, tuple[Sequence[float] | np.ndarray, Sequence[float] | np.ndarray]],
    *,
    xlabel: str,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """Draw each curve's loss (left) and gradient (right) against ``x``.

    Parameters
    ----------
    x
        The quantity on the horizontal axis: a residual, a logit, a margin, a distance.
    curves
        For each label, the loss at each ``x`` and its derivative with respect to ``x``.
        Tensors work too (anything ``np.asarray`` accepts, after ``.detach()``).
    xlabel
        The name of ``x``, e.g. ``"residual $x - y$"``.
    ylim
        Limits of the loss panel, when a steep curve would flatten the others.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> x = np.linspace(-2, 2, 5)
    >>> figure = loss_and_gradient(x, {"squared": (x**2, 2 * x)}, xlabel="residual")
    >>> [axes.get_title() for axes in figure.axes]
    ['loss', 'gradient']
    """
    import matplotlib.pyplot as plt

    x = np.asarray(x)
    figure, (loss_axes, gradient_axes) = plt.subplots(
        1, 2, figsize=(8, 3), layout="constrained", sharex=True
    )
    for label, (values, gradient) in curves.items():
        values, gradient = np.asarray(values), np.asarray(gradient)
        if values.shape != x.shape or gradient.shape != x.shape:
            raise ValueError(
                f"curve {label!r}: values {values.shape} and gradient {gradient.shape} "
                f"must have the shape of x, {x.shape}"
            )
        loss_axes.plot(x, values, label=label)
        gradient_axes.plot(x, gradient, label=label)
    loss_axes.set(title="loss", xlabel=xlabel)
    gradient_axes.set(title="gradient", xlabel=xlabel)
    if ylim is not None:
        loss_axes.set_ylim(ylim)
    for axes in (loss_axes, gradient_axes):
        axes.axhline(0, color="0.8", linewidth=0.8, zorder=0)
        axes.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    if len(curves) > 1:
        loss_axes.legend()
    plt.close(figure)  # the caller displays it; an open figure would be shown twice
    return figure
