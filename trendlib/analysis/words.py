"""Moved to :mod:`trendlib.text` (one formatter for every number a reader sees).

A thin re-export kept only while the notebooks still import from here; it goes once they
import :mod:`trendlib.text`.
"""
from trendlib.text import bound as round_down_fold
from trendlib.text import count_sentence, date_phrase, fold_sentence
from trendlib.text import number as round_fold

__all__ = ["round_fold", "round_down_fold", "fold_sentence", "date_phrase", "count_sentence"]
