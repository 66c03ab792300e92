import datetime as dt

from trendlib.analysis.words import count_sentence, date_phrase, fold_sentence, round_down_fold, round_fold


def test_rounding_avoids_false_precision():
    assert [round_fold(x) for x in (1.04, 3.14, 9.96, 33.2, 334.0, 1234.0)] == ["1.0", "3.1", "10", "33", "330",
                                                                             "1,200"]
    assert round_down_fold(18.9) == "18" and round_down_fold(3.19) == "3.1"  # 'at least' stays true


def test_date_phrases():
    assert date_phrase("2022-09-21", "2022-09-27") == "between 21 and 27 September 2022"
    assert date_phrase(dt.date(2022, 2, 20), dt.date(2022, 3, 5)) == "between 20 February and 5 March 2022"
    assert date_phrase("2022-09-21", "2022-09-21") == "on 21 September 2022"


def _rec(**kw):
    base = {"label": "visa", "query": "виза", "fold_increase": 3.14, "fold_low": 2.4, "fold_high": 4.04,
            "event_date": "2022-02-24", "fold_start": "2022-02-20", "fold_end": "2022-03-05", "p_value": 1e-4,
            "significant": True, "fold_is_lower_bound": False, "baseline_median": 40.0}
    base.update(kw)
    return base


def test_sentences_follow_the_numbers():
    assert fold_sentence(_rec()) == ("Between 20 February and 5 March 2022 (around 24 February 2022), searches for "
                                     "'visa' were about 3.1 times their usual level (range 2.4-4.0).")
    assert "ordinary ups and downs" in fold_sentence(_rec(fold_increase=1.2, fold_low=0.9, significant=False))
    assert "at least 18 times" in fold_sentence(_rec(fold_is_lower_bound=True, fold_low=18.9, baseline_median=0))
    assert "caus" not in fold_sentence(_rec())


def test_count_sentence():
    assert count_sentence(8, 1, correction="holm") == ("8 tests were run; 1 remains clear after correcting for the "
                                                       "number of tests (Holm family-wise, 5%).")
