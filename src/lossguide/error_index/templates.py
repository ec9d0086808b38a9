"""Turn an error message into tokens, and an executed message into a matching template.

A message is read as a sequence of tokens. The parts that change from one call to the next
become *slots*: numbers, shapes (``[2, 5]``, ``torch.Size([6, 1])``, ``(6, 1)``), dtype names
(``Long``, ``torch.float32``, ``torch.cuda.IntTensor``), the names of torch's kernels and
functions (``nll_loss2d_forward_out_cuda_template``, ``cross_entropy_loss()``,
``NllLossBackward0``) and source paths (``../aten/src/ATen/native/cuda/Loss.cu:242``). Every
other word is a literal, compared without case; punctuation only separates words, since pasted
text often loses or changes it (smart quotes, Markdown eating backticks).

A template is the tokens of a message the site executed: its literals must appear, in order,
and its slots take any value of their kind.

>>> template("Expected target size [2, 5], got [2, 7]")
['expected', 'target', 'size', ['shape', '[2, 5]'], 'got', ['shape', '[2, 7]']]
>>> template('"log_softmax_lastdim_kernel_impl" not implemented for \\'Long\\'')
[['name', 'log_softmax_lastdim_kernel_impl'], 'not', 'implemented', 'for', ['dtype', 'long']]

This module, with :mod:`~lossguide.error_index.matching`, is mirrored in JavaScript by the
site's lookup box (``docs/_static/error-lookup.js``), which reads the patterns and tables below
from the index file rather than repeating them: change them here and rebuild.
"""

from __future__ import annotations

import re
from typing import Literal, TypeAlias

__all__ = [
    "DTYPE_FAMILIES",
    "DTYPE_SPELLINGS",
    "SLOT_KINDS",
    "TOKEN_PATTERN",
    "StoredTemplate",
    "Token",
    "canonical_dtype",
    "template",
    "tokenize",
]

SlotKind = Literal["number", "shape", "dtype", "name", "path"]
#: The kinds of slot, in the order of the groups of :data:`TOKEN_PATTERN`.
SLOT_KINDS: tuple[SlotKind, ...] = ("shape", "path", "dtype", "number")

#: A token: ``("word", "lowercased literal")`` or ``(slot kind, value)``.
Token: TypeAlias = tuple[str, str]
#: A template as the index file stores it: a literal as its word, a slot as ``[kind, value]``.
StoredTemplate: TypeAlias = list[str | list[str]]

_NOT_WORD_BEFORE = r"(?<![A-Za-z0-9_])"
_NOT_WORD_AFTER = r"(?![A-Za-z0-9_])"
_TORCH_DTYPES = (
    "float|double|half|bfloat16|int|long|short|bool|uint8|int8|int16|int32|int64|float16|"
    "float32|float64|complex64|complex128|cfloat|cdouble|chalf"
)
_DTYPE_NAMES = (
    "Long|Int|Float|Double|Half|BFloat16|Byte|Bool|Short|Char|ComplexFloat|ComplexDouble|"
    "ComplexHalf"
)

# One group per kind, tried in this order at each position; written in the syntax that Python
# and JavaScript regular expressions share (the lookup box compiles the same string).
TOKEN_PATTERN = "|".join(
    [
        # 1: a shape
        r"(torch\.Size\(\[[^\]]*\]\)"
        r"|\[\s*-?\d+(?:\s*,\s*-?\d+)*\s*,?\s*\]|\[\s*\]"
        r"|\(\s*-?\d+\s*(?:,\s*-?\d+\s*)+,?\s*\)|\(\s*-?\d+\s*,\s*\))",
        # 2: a source file, with its line: ../aten/src/ATen/native/cuda/Loss.cu:242, and on
        # Windows C:\actions-runner\...\NLLLoss2d.cu:103
        r"((?:[A-Za-z]:)?(?:[A-Za-z0-9_.~-]*[/\\])+[A-Za-z0-9_.-]+\.(?:cu|cuh|cpp|cc|c|h|hpp|py)"
        r"(?::\d+)?)",
        # 3: a dtype
        rf"(torch\.(?:cuda\.)?[A-Z][A-Za-z]*Tensor{_NOT_WORD_AFTER}"
        rf"|torch\.(?:{_TORCH_DTYPES}){_NOT_WORD_AFTER}"
        rf"|{_NOT_WORD_BEFORE}(?:{_DTYPE_NAMES}){_NOT_WORD_AFTER}"
        rf"|{_NOT_WORD_BEFORE}(?:u?int(?:8|16|32|64)|float(?:16|32|64)|bfloat16|complex(?:64|128))"
        rf"{_NOT_WORD_AFTER})",
        # 4: a number: 3, -1, 0.5, 1e-05, 0x7f3a
        rf"({_NOT_WORD_BEFORE}0x[0-9a-fA-F]+{_NOT_WORD_AFTER}"
        rf"|(?<![A-Za-z0-9_.])-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?{_NOT_WORD_AFTER})",
        # 5: a word: an identifier, or letters after digits (0D, 2d)
        r"([A-Za-z0-9_]+)",
    ]
)
_TOKEN = re.compile(TOKEN_PATTERN)

# A word is the name of a kernel or function, and a slot, when it has two underscores or more
# (nll_loss2d_forward_out_cuda_template), is called (cross_entropy_loss()), is quoted in double
# quotes ("host_softmax"), or is an autograd node (NllLossBackward0). One underscore alone is
# an argument's name, part of the message: input_lengths, batch_size, ignore_index.
NAME_PATTERN = r"^(?:[A-Za-z0-9]*_[A-Za-z0-9_]*_[A-Za-z0-9_]*|[A-Z][A-Za-z0-9]*Backward\d*)$"
_NAME = re.compile(NAME_PATTERN)

#: How dtypes are spelled, lowercased and without ``torch.``, ``cuda.`` and ``Tensor``, mapped
#: to one name per dtype.
DTYPE_SPELLINGS: dict[str, str] = {
    "int64": "long",
    "int32": "int",
    "int16": "short",
    "int8": "char",
    "uint8": "byte",
    "float32": "float",
    "float64": "double",
    "float16": "half",
    "complex64": "complexfloat",
    "cfloat": "complexfloat",
    "complex128": "complexdouble",
    "cdouble": "complexdouble",
    "chalf": "complexhalf",
}
#: Each dtype's family: a dtype of another family than the executed message's is a worse match.
DTYPE_FAMILIES: dict[str, str] = {
    "long": "integer",
    "int": "integer",
    "short": "integer",
    "char": "integer",
    "byte": "integer",
    "bool": "bool",
    "float": "floating",
    "double": "floating",
    "half": "floating",
    "bfloat16": "floating",
    "complexfloat": "complex",
    "complexdouble": "complex",
    "complexhalf": "complex",
}

# Pasted text often comes through a word processor or a chat: curly quotes and odd spaces.
_TYPOGRAPHY = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\xa0": " "}
)


def canonical_dtype(spelling: str) -> str:
    """One name per dtype, however a message spells it.

    >>> [canonical_dtype(s) for s in ("Long", "torch.int64", "torch.cuda.LongTensor", "int64")]
    ['long', 'long', 'long', 'long']
    """
    name = spelling.lower().removeprefix("torch.").removeprefix("cuda.").removesuffix("tensor")
    return DTYPE_SPELLINGS.get(name, name)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``: literal words lowercased, slots with their values.

    >>> tokenize("Target -1 is out of bounds.")  # doctest: +NORMALIZE_WHITESPACE
    [('word', 'target'), ('number', '-1'), ('word', 'is'), ('word', 'out'), ('word', 'of'),
     ('word', 'bounds')]
    >>> tokenize("found Int")
    [('word', 'found'), ('dtype', 'int')]
    """
    text = text.translate(_TYPOGRAPHY)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        group = match.lastindex
        assert group is not None  # every alternative of the pattern is a group
        value = match.group(group)
        if group <= len(SLOT_KINDS):
            kind = SLOT_KINDS[group - 1]
            tokens.append((kind, canonical_dtype(value) if kind == "dtype" else value))
        elif _is_name(value, text, match.start(), match.end()):
            tokens.append(("name", value))
        else:
            tokens.append(("word", value.lower()))
    return tokens


def _is_name(word: str, text: str, start: int, end: int) -> bool:
    if _NAME.match(word):
        return True
    called = text.startswith("(", end)
    quoted = start > 0 and text[start - 1] == '"' and text.startswith('"', end)
    return "_" in word and (called or quoted)


def template(message: str) -> StoredTemplate:
    """The template of an executed message, as the index file stores it: a literal as its
    lowercased word, a slot as ``[kind, the executed value]``."""
    return [value if kind == "word" else [kind, value] for kind, value in tokenize(message)]
