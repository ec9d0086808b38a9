"""Messages into tokens, and executed messages into templates: which parts become slots."""

from __future__ import annotations

import pytest

from lossguide.error_index.templates import canonical_dtype, template, tokenize


def kinds(text: str) -> list[str]:
    return [kind if kind != "word" else value for kind, value in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Target 3 is out of bounds.", ["target", "number", "is", "out", "of", "bounds"]),
        ("Target -100 is out of bounds.", ["target", "number", "is", "out", "of", "bounds"]),
        ("got [2, 7]", ["got", "shape"]),
        ("got []", ["got", "shape"]),
        ("input size (torch.Size([6, 1]))", ["input", "size", "shape"]),
        ("expected shape (6, 1) or (6,)", ["expected", "shape", "shape", "or", "shape"]),
        ("block: [0,0,0], thread: [5,0,0]", ["block", "shape", "thread", "shape"]),
        ("value 0.5 and 1e-05 at 0x7f3a", ["value", "number", "and", "number", "at", "number"]),
        ("0D or 1D target", ["0d", "or", "1d", "target"]),
        ("nll_loss2d forward", ["nll_loss2d", "forward"]),
    ],
)
def test_numbers_and_shapes_are_slots(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "spelling",
    ["Long", "torch.int64", "torch.LongTensor", "torch.cuda.LongTensor", "int64", "torch.long"],
)
def test_every_spelling_of_a_dtype_is_one_dtype(spelling):
    assert tokenize(f"got {spelling} instead") == [
        ("word", "got"),
        ("dtype", "long"),
        ("word", "instead"),
    ]


def test_python_type_names_stay_words():
    # 'int' object is not callable: the Python type, not a tensor's dtype.
    assert kinds("'int' object is not callable") == ["int", "object", "is", "not", "callable"]
    assert kinds("must be Tensor, not list") == ["must", "be", "tensor", "not", "list"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('"log_softmax_lastdim_kernel_impl" not implemented', "log_softmax_lastdim_kernel_impl"),
        ("in nll_loss2d_forward_out_cuda_template", "nll_loss2d_forward_out_cuda_template"),
        ("cross_entropy_loss(): argument", "cross_entropy_loss"),
        ('"host_softmax" not implemented', "host_softmax"),
        ("Function NllLossBackward0 returned", "NllLossBackward0"),
    ],
)
def test_kernel_and_function_names_are_slots(text, name):
    assert ("name", name) in tokenize(text)


@pytest.mark.parametrize("word", ["input_lengths", "batch_size", "ignore_index", "n_classes"])
def test_argument_names_stay_words(word):
    assert ("word", word) in tokenize(f"{word} must be of size batch")


def test_source_paths_are_slots():
    line = (
        "../aten/src/ATen/native/cuda/Loss.cu:242: nll_loss_forward_reduce_cuda_kernel_2d: "
        "block: [0,0,0], thread: [5,0,0] Assertion `t >= 0 && t < n_classes` failed."
    )
    assert kinds(line) == [
        "path", "name", "block", "shape", "thread", "shape", "assertion", "t", "number", "t",
        "n_classes", "failed",
    ]  # fmt: skip


def test_pasted_typography_reads_as_ascii():
    assert tokenize("\u201chost_softmax\u201d not implemented for \u2018Long\u2019") == tokenize(
        "\"host_softmax\" not implemented for 'Long'"
    )


def test_a_template_keeps_the_executed_values_of_its_slots():
    assert template("Found dtype Long but expected Float") == [
        "found", "dtype", ["dtype", "long"], "but", "expected", ["dtype", "float"],
    ]  # fmt: skip


def test_canonical_dtype_leaves_unknown_names_alone():
    assert canonical_dtype("Float8_e4m3fn") == "float8_e4m3fn"
