"""Strict JSON: a NaN/inf in an output is refused with a TokenfabError naming its key path."""

from __future__ import annotations

import numpy as np
import pytest

from tokenfab.errors import TokenfabError
from tokenfab.serialize import to_jsonable


def test_finite_values_convert():
    assert to_jsonable({"a": (1, np.float64(2.5)), "b": np.array([1.0])}) == {"a": [1, 2.5],
                                                                           "b": [1.0]}


@pytest.mark.parametrize("bad", [float("nan"), np.inf, -np.inf])
def test_non_finite_names_the_key(bad):
    with pytest.raises(TokenfabError, match=r"years\[1\]\.gw"):
        to_jsonable({"years": [{"gw": 1.0}, {"gw": np.float64(bad)}]})
