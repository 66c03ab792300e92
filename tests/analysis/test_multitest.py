import numpy as np
import pytest

from trendlib.analysis.errors import AnalysisError
from trendlib.analysis.multitest import adjust_pvalues


def test_reference_vector_methods_md():
    p = [0.001, 0.02, 0.03, 0.2]
    np.testing.assert_allclose(adjust_pvalues(p, method="fdr_bh"), [0.004, 0.04, 0.04, 0.2])
    np.testing.assert_allclose(adjust_pvalues(p, method="holm"), [0.004, 0.06, 0.06, 0.2])


def test_nan_left_out_of_family():
    out = adjust_pvalues([0.01, np.nan, 0.04], method="holm")
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[[0, 2]], [0.02, 0.04])


def test_bad_inputs_name_the_value():
    with pytest.raises(AnalysisError, match="fdr_xx"):
        adjust_pvalues([0.1], method="fdr_xx")
    with pytest.raises(AnalysisError, match="1.5"):
        adjust_pvalues([1.5])
