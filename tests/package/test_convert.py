"""as_tensors: the right dtype for every argument, and a clear error instead of a guess."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch import nn

from lossguide import as_tensors
from lossguide.catalog import LOSSES, Role


def test_float64_stays_float64_and_labels_become_int64():
    logits, labels = as_tensors(nn.CrossEntropyLoss(), np.zeros((2, 3)), np.array([0, 2], np.int32))
    assert logits.dtype == torch.float64
    assert labels.dtype == torch.int64
    assert labels.tolist() == [0, 2]


def test_integer_input_becomes_the_default_float():
    prediction, target = as_tensors("MSELoss", [1, 2, 3], [1, 2, 4])
    assert prediction.dtype == target.dtype == torch.get_default_dtype()


def test_floating_arguments_are_promoted_to_the_widest():
    prediction, target = as_tensors("MSELoss", np.zeros(3, np.float32), np.zeros(3))
    assert prediction.dtype == target.dtype == torch.float64


def test_explicit_dtype_wins():
    prediction, target = as_tensors("L1Loss", np.zeros(3), [1, 0, 1], dtype=torch.float32)
    assert prediction.dtype == target.dtype == torch.float32


@pytest.mark.parametrize("loss", ["BCELoss", "BCEWithLogitsLoss", "MultiLabelSoftMarginLoss"])
@pytest.mark.parametrize("target", [[1, 0, 1], [True, False, True], np.array([1, 0, 1], np.uint8)])
def test_binary_targets_become_floats_of_the_input_dtype(loss, target):
    _, converted = as_tensors(loss, np.full(3, 0.5, np.float32), target)
    assert converted.dtype == torch.float32
    assert converted.tolist() == [1.0, 0.0, 1.0]


def test_converted_arguments_are_accepted_by_torch():
    logits, labels = as_tensors(nn.CrossEntropyLoss(), [[2.0, 0.5], [0.1, 0.3]], [0, 1])
    assert torch.isfinite(nn.CrossEntropyLoss()(logits, labels))


def test_cross_entropy_float_target_of_input_shape_is_probabilities():
    _, target = as_tensors("cross_entropy", np.zeros((2, 3)), np.full((2, 3), 1 / 3))
    assert target.dtype == torch.float64


def test_ctc_lengths_and_targets_become_int64():
    converted = as_tensors(
        nn.CTCLoss(), np.zeros((5, 1, 3), np.float32), [[1, 2]], np.array([5], np.int32), [2]
    )
    assert [tensor.dtype for tensor in converted] == [torch.float32] + [torch.int64] * 3


def test_tensors_pass_through_without_copy_when_nothing_changes():
    logits = torch.randn(2, 3)
    labels = torch.tensor([0, 1])
    converted_logits, converted_labels = as_tensors(nn.CrossEntropyLoss(), logits, labels)
    assert converted_logits is logits
    assert converted_labels is labels


def test_arrays_share_memory_like_as_tensor():
    array = np.zeros(3)
    prediction, _ = as_tensors("MSELoss", array, array)
    array[0] = 5.0
    assert prediction[0].item() == 5.0


def test_read_only_and_reversed_arrays_are_copied_without_warning():
    read_only = np.broadcast_to(np.arange(3.0), (2, 3))
    reversed_rows = np.arange(6.0).reshape(2, 3)[::-1]
    prediction, target = as_tensors("MSELoss", read_only, reversed_rows)
    assert target[0].tolist() == [3.0, 4.0, 5.0]
    assert prediction.shape == (2, 3)


@pytest.mark.parametrize("labels", [[0.0, 2.0], np.array([1.0, 0.0], np.float32)])
def test_whole_floats_as_class_indices_are_refused_with_the_fix(labels):
    with pytest.raises(TypeError, match=r"convert them with \.astype\(np\.int64\)"):
        as_tensors(nn.NLLLoss(), np.zeros((2, 3)), labels)


def test_fractional_class_labels_are_refused():
    with pytest.raises(TypeError, match=r"1\.5 is not"):
        as_tensors(nn.CrossEntropyLoss(), np.zeros((2, 3)), [1.5, 0.0])


def test_float_tensor_labels_are_refused():
    with pytest.raises(TypeError, match="int64 class indices"):
        as_tensors(nn.MultiMarginLoss(), torch.zeros(2, 3), torch.tensor([1.0, 0.0]))


def test_boolean_class_indices_are_refused():
    with pytest.raises(TypeError, match="not booleans"):
        as_tensors(nn.NLLLoss(), np.zeros((2, 3)), [True, False])


def test_one_hot_integer_targets_are_refused_for_cross_entropy():
    with pytest.raises(ValueError, match="looks like one-hot"):
        as_tensors(nn.CrossEntropyLoss(), np.zeros((2, 3)), np.eye(3, dtype=np.int64)[[0, 2]])


def test_ragged_lists_are_refused():
    with pytest.raises(ValueError, match="ragged"):
        as_tensors("MSELoss", [[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("value", ["abc", None, {"a": 1}, ["a", "b"], np.array([1 + 2j])])
def test_non_numeric_values_are_refused(value):
    with pytest.raises(TypeError, match="must"):
        as_tensors("MSELoss", value, [1.0])


def test_wrong_number_of_arguments():
    with pytest.raises(TypeError, match=r"takes 3 positional arguments \(input1, input2, target\)"):
        as_tensors(nn.MarginRankingLoss(), [1.0], [2.0])


def test_integers_beyond_float_precision_are_refused():
    with pytest.raises(ValueError, match="cannot represent"):
        as_tensors("MSELoss", np.array([2**24 + 1]), np.array([0]), dtype=torch.float32)
    prediction, _ = as_tensors("MSELoss", np.array([2**24 + 1]), np.array([0]), dtype=torch.float64)
    assert prediction.item() == 2**24 + 1


def test_non_floating_dtype_is_refused():
    with pytest.raises(TypeError, match="floating torch dtype"):
        as_tensors("MSELoss", [1.0], [1.0], dtype=torch.int64)


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match=r"not a torch\.nn loss"):
        as_tensors("softmax", [1.0])


@settings(max_examples=40, deadline=None)
@given(
    labels=hnp.arrays(
        dtype=st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint8]),
        shape=hnp.array_shapes(min_dims=1, max_dims=1, max_side=6),
        elements=st.integers(0, 4),
    ),
    scores_dtype=st.sampled_from([np.float16, np.float32, np.float64]),
)
def test_class_labels_of_any_integer_dtype_convert_exactly(labels, scores_dtype):
    scores = np.zeros((labels.shape[0], 5), scores_dtype)
    logits, converted = as_tensors(nn.CrossEntropyLoss(), scores, labels)
    assert converted.dtype == torch.int64
    assert converted.tolist() == labels.astype(np.int64).tolist()
    assert logits.dtype == torch.from_numpy(scores).dtype


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_every_role_gets_its_dtype(spec):
    index_roles = {
        Role.CLASS_INDEX,
        Role.CLASS_INDEX_OR_PROBABILITIES,  # given indices here
        Role.PADDED_CLASS_INDEX,
        Role.LABEL_SEQUENCE,
        Role.LENGTHS,
    }
    converted = as_tensors(spec, *(_example(argument.role) for argument in spec.arguments))
    for argument, tensor in zip(spec.arguments, converted, strict=True):
        expected = torch.int64 if argument.role in index_roles else torch.float64
        assert tensor.dtype == expected, argument


def _example(role: Role) -> np.ndarray:
    """A tiny, valid array for each role, for a (2, 3) batch of scores."""
    return {
        Role.VALUES: np.full((2, 3), 0.5),
        Role.CLASS_INDEX: np.array([0, 2], np.int32),
        Role.CLASS_INDEX_OR_PROBABILITIES: np.array([0, 2], np.int32),
        Role.PROBABILITY: np.array([[1, 0, 1], [0, 0, 1]]),
        Role.SIGN: np.array([1, -1]),
        Role.MULTI_HOT: np.array([[1, 0, 1], [0, 0, 1]]),
        Role.PADDED_CLASS_INDEX: np.array([[0, -1, -1], [2, 1, -1]]),
        Role.LABEL_SEQUENCE: np.array([[1, 2], [2, 1]], np.int32),
        Role.DISTRIBUTION: np.array([[0.5, 0.25, 0.25], [0, 0, 1]]),
        Role.LENGTHS: np.array([2, 2], np.int16),
    }[role]


# Values torch itself can hold but no loss can use, in every argument of every loss.
ODD_VALUES = {
    "meta float tensor": lambda: torch.empty(2, 3, device="meta"),
    "meta integer tensor": lambda: torch.empty(2, 3, dtype=torch.int64, device="meta"),
    "sparse tensor": lambda: torch.zeros(2, 3).to_sparse(),
    "sparse integer tensor": lambda: torch.zeros(2, 3, dtype=torch.int64).to_sparse(),
    "float8 tensor": lambda: torch.zeros(2, 3, dtype=torch.float8_e4m3fn),
    "complex tensor": lambda: torch.zeros(2, 3, dtype=torch.complex64),
    "object array": lambda: np.empty((2, 3), dtype=object),
    "datetime array": lambda: np.zeros((2, 3), dtype="datetime64[s]"),
    "dict": dict,
    "None": lambda: None,
}


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
@pytest.mark.parametrize("odd", ODD_VALUES, ids=str)
def test_every_refusal_is_a_type_or_value_error(spec, odd):
    valid = [_example(argument.role) for argument in spec.arguments]
    for index, argument in enumerate(spec.arguments):
        arguments = [*valid[:index], ODD_VALUES[odd](), *valid[index + 1 :]]
        with pytest.raises((TypeError, ValueError), match=argument.name):
            as_tensors(spec, *arguments)


def test_meta_and_sparse_tensors_say_what_is_expected():
    with pytest.raises(TypeError, match="meta tensor, which has a shape but no values"):
        as_tensors("MSELoss", torch.empty(3, device="meta"), torch.zeros(3))
    with pytest.raises(TypeError, match=r"sparse_coo tensor; .* target\.to_dense\(\)"):
        as_tensors("MSELoss", torch.zeros(3), torch.zeros(3).to_sparse())
