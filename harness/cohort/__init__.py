"""`grade cohort`: the graded submissions of one challenge side by side, as one
self-contained HTML page and CSV files, optionally blind (names replaced by pseudonyms).

It reads results and never grades again: `loading` finds them and who sent each, `table` is
the model both outputs read, `stats` the cohort-wide counts, `csvfiles` and `page`/`render`
the outputs, `blind` the pseudonyms and redaction, `similar` and `reviews` what the similarity
engine and the interviewer add beside the scores.
"""

from harness.cohort.build import CohortOptions, Written, build_cohort, default_out
from harness.cohort.table import SORT_KEYS

__all__ = ["SORT_KEYS", "CohortOptions", "Written", "build_cohort", "default_out"]
