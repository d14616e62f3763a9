"""Code similarity across a cohort, against the challenge's references and its public bundle.

Built on copydetect (winnowing over pygments tokens, identifiers normalised). A similar pair is
a question for the interviewer, never a change to any score: nothing here touches scores.
"""

from harness.similarity.compare import find_similar
from harness.similarity.model import DEFAULT_THRESHOLD, Fragment, SimilarPair
from harness.similarity.output import write_similarity

__all__ = ["DEFAULT_THRESHOLD", "Fragment", "SimilarPair", "find_similar", "write_similarity"]
