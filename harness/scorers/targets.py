"""What kind of target an array is, the way scikit-learn's `type_of_target` and
`_check_targets` decide it for 1-d arrays of real numbers, and which inputs qualify."""

from __future__ import annotations

from typing import Literal

import numpy as np

TargetKind = Literal["binary", "multiclass", "continuous"]
PLAIN_KINDS = frozenset("biu")
"""bool, int and unsigned dtypes; of floats only float64 (others change the result dtype)."""


def plain(*arrays: np.ndarray) -> bool:
    """Whether these functions give scikit-learn's result: 1-d, the same length (at least
    one value), finite, bool/int/float64. Anything else is left to scikit-learn."""
    first = arrays[0]
    return len(first) > 0 and all(
        array.ndim == 1
        and len(array) == len(first)
        and (array.dtype.kind in PLAIN_KINDS or array.dtype == np.float64)
        and bool(np.isfinite(array).all())
        for array in arrays
    )


def target_kind(values: np.ndarray) -> TargetKind:
    """Floats that are not all whole numbers are continuous; else more than two distinct
    values are multiclass, two or fewer binary (scikit-learn's `type_of_target`)."""
    if values.dtype.kind == "f":
        with np.errstate(invalid="ignore"):  # huge floats do not fit int64: continuous
            whole = values.astype(np.int64).astype(values.dtype)
        if np.any(values != whole):
            return "continuous"
    return "multiclass" if np.unique(values).shape[0] > 2 else "binary"


def classification_task(truth: np.ndarray, predicted: np.ndarray) -> tuple[str, np.ndarray]:
    """`binary` or `multiclass`, and the sorted labels of both arrays; a ValueError where
    scikit-learn's classification metrics refuse (continuous values, on either side)."""
    kinds = {target_kind(truth), target_kind(predicted)}
    if kinds == {"binary", "multiclass"}:
        kinds = {"multiclass"}
    if len(kinds) > 1:
        raise ValueError("Classification metrics can't handle a mix of continuous targets")
    kind = kinds.pop()
    if kind == "continuous":
        raise ValueError("continuous is not supported")
    labels = np.union1d(truth, predicted)
    if kind == "binary" and labels.shape[0] > 2:
        kind = "multiclass"
    return kind, labels
