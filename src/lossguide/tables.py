"""The site's tables of losses, written as MyST Markdown from :mod:`lossguide.catalog`.

The cheat sheet, the shape table of each loss, the links from each loss's section to torch's
documentation and the guide to choosing a loss are all generated here, so a fact about a loss is
written once, in the catalog. Links are MyST cross-references to each loss's section, labelled
:attr:`~lossguide.catalog.LossSpec.label`, or to torch's documentation through intersphinx.

>>> print(shape_table("MSELoss"))
| layout | input | target |
| --- | --- | --- |
| any shape | (*) float | (*) float |
"""

from __future__ import annotations

from lossguide.catalog import (
    FAMILIES,
    LOSSES,
    OUTPUT_LAYERS,
    RECIPES,
    Layout,
    LossSpec,
    Role,
    lookup,
)
from lossguide.finding_codes import FINDING_CODES

__all__ = [
    "cheat_sheet",
    "finding_codes_table",
    "loss_link",
    "shape_table",
    "situations_table",
    "torch_docs",
]


def loss_link(spec: LossSpec) -> str:
    """A cross-reference to the loss's section, showing its class name.

    >>> loss_link(lookup("CTCLoss"))
    '{ref}`CTCLoss <loss-ctcloss>`'
    """
    return f"{{ref}}`{spec.name} <{spec.label}>`"


#: The losses of :mod:`torch.nn` and the output layers that compute a loss, in the site's order.
_EVERY_LOSS = (*LOSSES, *OUTPUT_LAYERS)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def cheat_sheet() -> str:
    """A table per family of losses: what each is for, what its input and target hold, and
    the options that change its result.

    >>> sheet = cheat_sheet()
    >>> rows = sum(line.startswith("| {ref}") for line in sheet.splitlines())
    >>> rows == len(LOSSES) + len(OUTPUT_LAYERS)
    True
    >>> print(sheet.splitlines()[0])
    **{doc}`Regression </losses/regression>`**
    """
    sections = []
    for family in FAMILIES:
        rows = [_cheat_sheet_row(spec) for spec in _EVERY_LOSS if spec.family is family]
        heading = f"**{{doc}}`{family.title} </{family.page}>`**"
        sections.append(
            f"{heading}\n\n" + _table(["loss", "for", "input", "target", "options"], rows)
        )
    return "\n\n".join(sections)


def _cheat_sheet_row(spec: LossSpec) -> list[str]:
    target = spec.target
    if target is None:
        target_cell = "none: three embeddings"
    else:
        index = spec.arguments.index(target)
        dtypes = dict.fromkeys(
            _dtype(spec, layout, spec.roles_in(layout)[index]) for layout in spec.layouts
        )
        target_cell = f"{target.role.value} ({' or '.join(dtypes)})"
    function = f"`F.{spec.functional}`" if spec.in_functional else "module only"
    return [
        f"{loss_link(spec)}<br>{function}",
        spec.task,
        spec.expects,
        target_cell,
        ", ".join(f"`{option}`" for option in spec.options),
    ]


def _dtype(spec: LossSpec, layout: Layout, role: Role) -> str:
    """The dtype the site writes for one argument: ``float``, ``int64``, or ``integer`` for a
    loss that takes indices and lengths in any integer dtype (CTCLoss).

    >>> spec = lookup("CTCLoss")
    >>> [_dtype(spec, spec.layouts[0], role) for role in spec.roles_in(spec.layouts[0])]
    ['float', 'integer', 'integer', 'integer']
    """
    if role.dtype == "int64" and spec.index_dtypes_in(layout) is None:
        return "integer"
    return role.dtype


def shape_table(loss: object) -> str:
    """The shapes and dtypes of each argument of one loss, a row for each layout it accepts.

    >>> print(shape_table("CrossEntropyLoss"))
    | layout | input | target |
    | --- | --- | --- |
    | batch | (N, C) float | (N) int64 |
    | unbatched | (C) float | () int64 |
    | K-dimensional | (N, C, d1, ..., dK) float | (N, d1, ..., dK) int64 |
    | class probabilities | (N, C) float | (N, C) float |
    | unbatched class probabilities | (C) float | (C) float |
    | K-dimensional class probabilities | (N, C, d1, ..., dK) float | (N, C, d1, ..., dK) float |
    """
    spec = lookup(loss)
    rows = [
        [layout.name]
        + [
            f"{layout.display(index)} {_dtype(spec, layout, role)}"
            for index, role in enumerate(spec.roles_in(layout))
        ]
        for layout in spec.layouts
    ]
    return _table(["layout", *(argument.name for argument in spec.arguments)], rows)


def torch_docs(loss: object) -> str:
    """A sentence linking to torch's own pages for the loss's class and its function.

    The roles resolve through the torch intersphinx inventory, so a loss the inventory lacks
    fails the build instead of linking nowhere.

    >>> print(torch_docs("CrossEntropyLoss"))
    In torch's documentation: {py:class}`torch.nn.CrossEntropyLoss`, and as a function,
    {py:func}`torch.nn.functional.cross_entropy`.
    """
    spec = lookup(loss)
    if not spec.in_functional:
        return (
            f"In torch's documentation: {{py:class}}`torch.nn.{spec.name}`, a module with no "
            f"function in `torch.nn.functional`."
        )
    return (
        f"In torch's documentation: {{py:class}}`torch.nn.{spec.name}`, and as a function, "
        f"{{py:func}}`torch.nn.functional.{spec.functional}`."
    )


def situations_table() -> str:
    """From a situation to the losses made for it, in the catalog's order of first mention:
    the :mod:`torch.nn` classes, then the recipes built from torch operations
    (:data:`~lossguide.catalog.RECIPES`), marked as such.

    >>> print(situations_table().splitlines()[2])
    | regression where outliers should not dominate | {ref}`L1Loss <loss-l1loss>` |
    >>> print([line for line in situations_table().splitlines() if "quantile" in line][0])
    | quantile regression | {ref}`pinball loss <recipe-pinball-loss>` (not in torch.nn) |
    """
    losses_for: dict[str, list[str]] = {}
    for spec in _EVERY_LOSS:
        for situation in spec.situations:
            losses_for.setdefault(situation, []).append(loss_link(spec))
    for recipe in RECIPES:
        for situation in recipe.situations:
            losses_for.setdefault(situation, []).append(
                f"{{ref}}`{recipe.name} <{recipe.label}>` (not in torch.nn)"
            )
    rows = [[situation, ", ".join(links)] for situation, links in losses_for.items()]
    return _table(["situation", "loss"], rows)


def finding_codes_table() -> str:
    """Every code :func:`lossguide.diagnose` reports, with its severity, its meaning and a link
    to the section of the site that explains it, from
    :data:`lossguide.finding_codes.FINDING_CODES`.

    >>> print(finding_codes_table().splitlines()[0])
    | code | severity | what it means |
    >>> print(finding_codes_table().splitlines()[2])
    | `unknown-loss` | warning | [The loss is not one diagnose knows, so nothing was checked.](/pitfalls.md#when-diagnose-cannot-check-a-call) |
    """  # noqa: E501
    rows = [
        [
            f"`{code}`",
            " or ".join(info.severities),
            f"[{info.summary}](/{info.section.replace('#', '.md#')})",
        ]
        for code, info in FINDING_CODES.items()
    ]
    return _table(["code", "severity", "what it means"], rows)
