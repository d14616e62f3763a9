"""Reading what the write-up claims: per sentence, the claims it makes, plans and denies.

One reader for every check that takes a claim from the write-up (a service, tests,
monitoring, a container, ...). A sentence is cut into clauses; a claim is a word of its kind
in its technical sense (`logs` about requests, not the retention team logging calls), and
its clause decides whether the write-up says it is there (`makes`), would be there (`plans`:
"would", "could", "future work", "TODO", a "Next steps" section), or is not there (`denies`:
"no", "not", "without", "never", "n't", "none", "lack", in scope up to the end of the clause
or a "but"). Sections are read from headings and from labels (`Deploy:`, `**Limitations**`,
`Limitations —`). The rules are held to by the labelled corpus in
`tests/checks/data/writeup_sentences.toml`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, get_args

from harness.checks.context import CheckContext
from harness.checks.prose import BLANK, LIST_ITEM, Splitter, prose_lines, sentences
from harness.readers.writeup import ATX_HEADING, SETEXT_UNDERLINE

ClaimKind = Literal[
    "serving", "batch", "containers", "deployment", "tests", "validation", "monitoring",
    "logging", "drift", "rollback", "limitations", "assumptions", "cost",
]  # fmt: skip
CLAIM_KINDS: tuple[ClaimKind, ...] = get_args(ClaimKind)
Stance = Literal["makes", "plans", "denies"]


# --- the claims -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A way a sentence makes a claim of one kind: its words, and the words around them that
    mean another sense (`after_not`: what may not follow; `before_not`: what may not come
    just before; `needs`: what the clause must also hold, a technical object)."""

    kind: ClaimKind
    pattern: re.Pattern[str]
    after_not: re.Pattern[str] | None = None
    before_not: re.Pattern[str] | None = None
    needs: re.Pattern[str] | None = None


@dataclass(frozen=True)
class KindSense:
    """How a kind of claim takes the clause around it."""

    modal: bool = True
    """"would", "could", a future-work section turn it into a plan; False for kinds that
    are hypothetical by nature (a limitation, an assumption, a cost)."""
    scoped: bool = True
    """A negation before it in its clause denies it; False: only `denied` does."""
    denied: re.Pattern[str] | None = None
    """A phrase that denies it outright ("no known limitations")."""


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


TECH_OBJECT = _r(
    r"\b(latenc\w*|throughput|errors?|error rates?|exceptions?|drift\w*|distribution\w*"
    r"|predict\w*|scores?|probabilit\w*|metrics?|auc|roc|accuracy|precision|recall|f1|mae"
    r"|rmse|calibration|inputs?|features?|missing[- ]value|null|psi|population stability"
    r"|performance|model|alerts?|dashboards?|uptime|requests?|data quality|outcomes?"
    r"|\w+[- ]rates?|payloads?|responses?|status codes?|health)\b"
)
"""What monitoring and logging are about in their technical sense."""
PEOPLE_AGENT = _r(r"^\s*by (the |our |a )?(\w+ )?(team|staff|agents?|people|crew|planners?)\b")
SERVICE_DATA = _r(
    r"^[\s-]*(history|dates?|intervals?|records?|visits?|calls?|plans?|contracts?|levels?"
    r"|tiers?|types?|team|desk|agents?|providers?|centre|center|life|costs?|charges?"
    r"|tickets?|technicians?|engineers?|schedules?|log|reports?)\b"
)
RULES: tuple[Rule, ...] = (
    Rule("serving", _r(r"\b(fast ?api|flask|uvicorn|gunicorn|bentoml|torchserve|kserve"
                       r"|seldon|web ?apps?|microservices?|endpoints?)\b")),
    Rule("serving", _r(r"\b(apis?|http)\b(?!\s*(?:key|keys))|\brest(?:ful)?\b(?= api| service)"
                       r"|(?<!\w)/(?:predict|health)\b")),
    Rule("serving", _r(r"\b(?:web|prediction|predict|scoring|inference|model|http|rest|json"
                       r"|small|tiny|python|online|real-time|realtime|no|a|an|the|our|my"
                       r"|this|its)\s+(?P<m>service)\b"), after_not=SERVICE_DATA),
    Rule("serving", _r(r"\b(?:(?:web|http|inference|model|prediction) server|model serving"
                       r"|serving (?:code|layer|stack|app|endpoint|script)"
                       r"|serv(?:e|es|ed|ing) (?:the |its |our |my )?(?:model|predictions?"
                       r"|requests?|traffic|scores?|it\b|them\b|results?))")),
    Rule("serving", _r(r"\bserv(?:ed|es|ing) (?:over|via|through|behind|with|from) "
                       r"(?:a |an |the )?(?:\w+ )?(?:api|http|fastapi|flask|uvicorn|endpoint"
                       r"|container|docker|service)")),
    Rule("serving", _r(r"^\W*serving\b")),
    Rule("batch", _r(r"\bbatch(?:[- ]scor\w*| predictions?| jobs?| inference| mode| command"
                     r"| runs?| scripts?)|\bscores? (?:a |the )?(?:csv|file) in batch"
                     r"|\bin batch\b")),
    Rule("containers", _r(r"\b(docker\w*|containers?|containeri[sz]\w*|kubernetes|k8s|helm"
                          r"|podman)\b"), before_not=_r(r"\bshipping $")),
    Rule("deployment", _r(r"\b((?:re-?)?deploy\w*|in production|into production|to production"
                          r"|production[- ](?:ready|grade|use|traffic|system|environment|setup"
                          r"|data|deployment)|go(?:es)? live|roll(?:ed|ing)? ?out)\b")),
    Rule("tests", _r(r"\b((?:unit|integration|smoke|end-to-end|e2e|regression|api"
                     r"|property-based)[- ]tests?|pytest|unittest|test (?:suite|coverage"
                     r"|files?|cases?|command)|tests\b|(?:a|one|the|my|our) test (?:checks?"
                     r"|asserts?|verif\w+|ensures?|covers?)|(?:well|unit)[- ]tested)"),
         after_not=_r(r"^\s*(set|sets|split|splits|data|rows|fold|folds)\b"),
         before_not=_r(r"\b(a/b|ab|statistical|significance|hypothesis|chi-?squared?|t-"
                       r"|ks|normality|permutation) ?$")),
    Rule("validation", _r(r"\b(pydantic|pandera|jsonschema|marshmallow|schema (?:checks?"
                          r"|validation)|input (?:validation|checks?)|type checks?)\b")),
    Rule("validation", _r(r"\b(validat\w*|reject\w*|refus\w*) (?:the |each |every |all "
                          r"|incoming |its )?(?:inputs?|requests?|payloads?|schema|columns?"
                          r"|fields?|types?|records?|json|bodies|body)\b")),
    Rule("validation", _r(r"\bcheck\w* (?:the |each |every |all |incoming |its )?(?:inputs?"
                          r"|requests?|payloads?|schema|types?)\b")),
    Rule("validation", _r(r"\b((?:badly[- ]formed|malformed|invalid|bad|wrong|unknown)"
                          r" (?:inputs?|requests?|payloads?|records?|bodies|body|json|fields?"
                          r"|types?)|(?:missing|required) (?:required )?"
                          r"(?:columns?|fields?|keys?) (?:is|are|get|gets) (?:reported"
                          r"|rejected|refused)|(?:a|an|with|returns?|answers?|responds?)"
                          r" (?:4\d\d|http 4\d\d)\b|\b4(?:00|22)"
                          r" (?:naming|error|response|status|bad request|unprocessable))"),
         after_not=_r(r"^\s*(handling|rows are dropped)\b")),
    Rule("monitoring", _r(r"\b(alert\w*|dashboards?|observability|prometheus|grafana"
                          r"|evidently|datadog|whylogs|model monitoring)\b"),
         after_not=_r(r"^\s*(the|our) (retention|sales|support) team\b")),
    Rule("monitoring", _r(r"\b(monitor\w*|track\w*|watch\w*)\b"), needs=TECH_OBJECT),
    Rule("monitoring", _r(r"^\W*monitoring\b|\b(?:no|any|basic|production|live|set up"
                          r"|add(?:ing)?|for|with) (?P<m>monitoring)\b")),
    Rule("logging", _r(r"\b(logger|structured logs?|structured logging|logging (?:module"
                       r"|library|config\w*|setup|level|calls?)|request logs?|access logs?"
                       r"|audit (?:logs?|trails?)|log (?:files?|lines?|messages?|output|level)s?"
                       r"|(?:in|to|into) (?:the|a|our) logs?\b)")),
    Rule("logging", _r(r"\b(log|logs|logged|logging)\b(?!\s*\(|[- ](?:transform\w*|scale|loss"
                       r"|odds|normal|of|price|space|1p)\b)"), needs=TECH_OBJECT,
         after_not=PEOPLE_AGENT),
    Rule("logging", _r(r"\b(?:is|are|was|were|gets?|get|be|been) (?P<m>logged)\b"),
         after_not=PEOPLE_AGENT),
    Rule("logging", _r(r"^\W*logging\b|\b(?:no|any|basic|add(?:ing)?|with|and) (?P<m>logging)\b")),
    Rule("drift", _r(r"\b(drift\w*|distribution shift|(?:data|covariate|concept|label|prior)"
                     r" shift|population stability|psi|re-?train\w*)\b"),
         before_not=_r(r"\bsensors? $")),
    Rule("rollback", _r(r"\b(roll ?backs?|roll(?:ed|ing|s)? (?:it |them )?back|revert\w*"
                        r"|previous (?:model|version|folder|release)|canary|shadow (?:mode"
                        r"|deploy\w*|traffic|model)|a/b test\w*|versioned"
                        r"|versioning)\b")),
    Rule("limitations", _r(r"\b(limitations?|caveats?|weakness(?:es)?|shortcomings?"
                           r"|known (?:issues?|problems?|gaps?)|(?:main|biggest|key|one"
                           r"|another|remaining|obvious|real) risks?|risks?:|the risk (?:is|that)"
                           r"|there is a risk"
                           r"|(?:does|do|may|might|will|would|could|did) not generali[sz]e"
                           r"|generali[sz]\w* (?:poorly|badly))\b")),
    Rule("assumptions", _r(r"\b(assum\w+|presum\w+)\b")),
    Rule("cost", _r(r"\b(costs?|costly|budget\w*|cloud bill|(?:cheap|cheaper|expensive) to \w+"
                    r"|\$[\d,.]+ (?:a|per) (?:month|day|year|hour|request))"),
         before_not=_r(r"\b(repair|maintenance|shipping|purchase|list|original|replacement"
                       r"|unit) $"),
         after_not=_r(r"^(_\w|\s*(column|feature)s?\b|\s*(when )?new\b)")),
)  # fmt: skip
"""Each kind's words in their technical sense, with what marks another sense."""
SENSES: dict[ClaimKind, KindSense] = {
    "limitations": KindSense(
        modal=False, scoped=False, denied=_r(r"\bno (known |real |major )?(limitations?|caveats?)")
    ),
    "assumptions": KindSense(modal=False, scoped=False, denied=_r(r"\bno (\w+ )?assumptions?")),
    "cost": KindSense(
        modal=False,
        scoped=False,
        denied=_r(
            r"\b(?:no|without (?:a|any)) cost (?:estimate|model|analysis)|\bdid(?:n't| not)"
            r" (?:estimate|consider|measure|model) (?:the |any )?costs?"
        ),
    ),
}


# --- clauses and their triggers -------------------------------------------------------------

CLAUSE_END = _r(
    r"[;!?]|\.(?=\s|$)|\s[\u2014\u2013]\s|\s-\s|\(\s*(?=and|or|but|so|which|e\.g\.|i\.e\.)"
    r"|\b(?:but|however|although|though|whereas|except|instead|while|which|so that|whilst"
    r"|that|who|where|when|rather than)\b"
    r"|,\s*(?:and|or)\s+(?=(?:is|are|was|were|has|have|it|they|we|i|then)\b)"
    r"|,\s*(?=(?:and |so )?(?:i|we|it|this|that|there|they|the|a|an|our|my|its|each|every"
    r"|predictions|requests)\b)"
    r"|\b(?:and|so)\s+(?=(?:i|we|it|there|they)\b)"
)
"""Where a negation's or a modal's scope ends: the end of a clause, a `but`, a new subject."""
NEGATION = _r(
    r"\b(?:no|not|without|never|none|nor|neither|lacks?|lacking|lacked|cannot|nothing)\b"
    r"|n't\b|\b(?:is|are|was|were|still|currently|also) (?:missing|absent)\b|\bout of scope\b"
    r"|\bleft out\b"
)
NOT_NEGATION = _r(
    r"\b(?:not only|not just|no doubt|whether or not|if not|not least|no matter|no longer"
    r" than|not sure|no one|nobody)\b|\bno\.|\bnothing but\b"
)
POST_NEGATION = _r(
    r"\b(?:none|missing|absent|lacking|out of scope|left out|not yet|not (?:implemented|done"
    r"|included|built|covered|written|added|provided|set up|in place|in scope|part|there"
    r"|available|supported|shipped|containeri[sz]ed|deployed|tested|monitored))\b"
    r"|\b(?:is|are|was|were|be|been|has|have|had|do|does|did|will)\s+not\b|n't\b"
)
"""A negation that reaches back over its clause when nothing follows it ("Serving is not
implemented", "Tests: none")."""
MODAL = _r(
    r"\w'd\b|\b(?:would|could|might|should|plan(?:s|ned|ning)? to|intend(?:s|ed)? to|yet to"
    r"|future work|next steps?|todo|if i had (?:more )?time|with more time|given more time"
    r"|in the future|ideally|would like to|later on)\b|\bTODO\b"
)
"""What makes a clause a plan rather than a fact; it reaches over its whole clause."""
SECTION_CLAIMS: dict[ClaimKind, re.Pattern[str]] = {
    "limitations": _r(r"\b(limit\w*|caveats?|risks?|known issues?|weakness\w*|shortcomings?)"),
    "assumptions": _r(r"\bassum\w*"),
}
"""Sections whose every sentence makes a claim of that kind (one under `Limitations`
states a limitation)."""
PLANNING_SECTION = _r(
    r"\b(future|next steps?|todo|to do|if i had more time|with more time|improvements?"
    r"|roadmap|what i would|would do|not done|given more time)\b"
)


@dataclass(frozen=True)
class Reading:
    """What one sentence claims: each kind in at most one of the three."""

    makes: frozenset[ClaimKind] = frozenset()
    plans: frozenset[ClaimKind] = frozenset()
    denies: frozenset[ClaimKind] = frozenset()

    def describes(self, kind: ClaimKind) -> bool:
        """It says the thing is there or would be (the thinking counts); not a denial."""
        return kind in self.makes or kind in self.plans


@functools.lru_cache(maxsize=4096)
def read_sentence(sentence: str, section: str | None = None) -> Reading:
    """The claims a sentence makes, plans and denies, read in its section (in a future-work
    section what it makes is a plan; under `Limitations` it states a limitation)."""
    planning = section is not None and PLANNING_SECTION.search(section) is not None
    stances: dict[ClaimKind, set[Stance]] = {}
    for clause in clauses(sentence):
        for kind, stance in _clause_claims(clause, planning):
            stances.setdefault(kind, set()).add(stance)
    for kind, pattern in SECTION_CLAIMS.items():
        if section is not None and pattern.search(section):
            stances.setdefault(kind, set()).add("makes")
    for kind, sense in SENSES.items():
        if sense.denied is not None and sense.denied.search(sentence):
            stances[kind] = {"denies"}
    chosen = {kind: _strongest(found) for kind, found in stances.items()}
    return Reading(
        makes=frozenset(k for k, s in chosen.items() if s == "makes"),
        plans=frozenset(k for k, s in chosen.items() if s == "plans"),
        denies=frozenset(k for k, s in chosen.items() if s == "denies"),
    )


def _strongest(found: set[Stance]) -> Stance:
    return next(s for s in ("makes", "plans", "denies") if s in found)


def clauses(sentence: str) -> list[str]:
    """The sentence cut where a negation's scope ends."""
    return [part for part in CLAUSE_END.split(sentence) if part and part.strip()]


def _clause_claims(clause: str, planning: bool) -> Iterator[tuple[ClaimKind, Stance]]:
    """Each claim found in the clause with how the clause takes it."""
    negations = _negations(clause)
    backward = _reaches_back(clause, negations)
    modal = planning or MODAL.search(clause) is not None
    for kind, start in _matches(clause):
        sense = SENSES.get(kind, KindSense())
        if sense.scoped and (backward or any(_covers(clause, n, start) for n in negations)):
            yield kind, "denies"
        elif sense.modal and modal:
            yield kind, "plans"
        else:
            yield kind, "makes"


SCOPE_WORDS = 8
"""How many words a negation reaches forward within its clause (NegEx's window)."""
SHORT_SCOPE = _r(r"without")
"""Triggers that reach only the phrase after them, up to a comma ("rows without a label are
logged", "without monitoring, drift goes unnoticed")."""
BACK_WORDS = 5
"""A negation reaches back over its clause only when at most this many words follow it."""


def _negations(clause: str) -> list[re.Match[str]]:
    """Each negation trigger (pseudo-negations such as "not only" left out)."""
    pseudo = [range(m.start(), m.end()) for m in NOT_NEGATION.finditer(clause)]
    return [m for m in NEGATION.finditer(clause) if not any(m.start() in r for r in pseudo)]


def _covers(clause: str, negation: re.Match[str], start: int) -> bool:
    """The claim starting at `start` is in the negation's forward scope."""
    if negation.start() >= start:
        return False
    between = clause[negation.end() : start]
    if SHORT_SCOPE.fullmatch(negation.group()):
        return "," not in between and len(between.split()) <= 3
    return len(between.split()) <= SCOPE_WORDS


def _reaches_back(clause: str, negations: list[re.Match[str]]) -> bool:
    """A negation after every claim of the clause, near its end, of the kind that reaches
    back ("Serving is not implemented", "Tests: none")."""
    if not negations:
        return False
    last = negations[-1]
    if any(start >= last.start() for _, start in _matches(clause)):
        return False
    near_end = len(clause[last.end() :].split()) <= BACK_WORDS
    return near_end and POST_NEGATION.search(clause[max(0, last.start() - 8) :]) is not None


def _matches(clause: str) -> list[tuple[ClaimKind, int]]:
    """Each claim word of the clause in its technical sense, and where it starts."""
    found = []
    for rule in RULES:
        if rule.needs is not None and not rule.needs.search(clause):
            continue
        for match in rule.pattern.finditer(clause):
            group = "m" if "m" in rule.pattern.groupindex and match.group("m") else 0
            start, end = match.start(group), match.end(group)
            if rule.after_not is not None and rule.after_not.search(clause[end:]):
                continue
            if rule.before_not is not None and rule.before_not.search(clause[:start]):
                continue
            found.append((rule.kind, start))
    return found


# --- the write-up: sections and statements --------------------------------------------------

LABEL_BOLD = re.compile(
    r"^\s*(?:[-*+]\s+|\d+\.\s+)?(?:\*\*|__)(?P<label>[A-Za-z][^*_:]{1,39}?)\s*[:.]?\s*"
    r"(?:\*\*|__)\s*(?:[:.\u2014\u2013-]\s*)?(?P<rest>.*)$"
)
LABEL_PLAIN = re.compile(
    r"^\s*(?:[-*+]\s+|\d+\.\s+)?(?P<label>[A-Z][A-Za-z/&'-]*(?: [A-Za-z/&'-]+){0,3})"
    r"\s*(?::|\s[\u2014\u2013])(?:\s+(?P<rest>.*))?$"
)
"""`Deploy:`, `Limitations — ...`, `Next steps: ...`: up to four words, then `:` or a dash."""
NUMBERED = re.compile(r"[\d$]")


@dataclass(frozen=True)
class Section:
    """A heading or a label that starts a part of the write-up."""

    label: str
    line: int
    heading: bool
    """A Markdown heading (else a label line)."""


@dataclass(frozen=True)
class Statement:
    """A sentence of the write-up, the section it is in, and what it claims."""

    text: str
    section: str | None
    reading: Reading

    def describes(self, kind: ClaimKind) -> bool:
        return self.reading.describes(kind)


def _unbold(paragraph: str) -> str:
    return re.sub(r"[*_]{2}", "", paragraph.strip())


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*(\"'])")
SPLITTER = Splitter(SENTENCE_END, breaks=(BLANK,), plain=_unbold)
"""Paragraphs and list items, tables kept in the text, bold marks dropped."""


def label_of(line: str, previous: str = "", following: str = "") -> tuple[str, bool] | None:
    """The section a line starts, and whether it is only that (a heading, `Deploy:`,
    `**Limitations**`) rather than a label leading a paragraph (`**Serving**: an API`)."""
    if heading := ATX_HEADING.match(line):
        return heading.group(2).strip("*_ "), True
    if SETEXT_UNDERLINE.match(following) and line.strip() and not previous.strip():
        return line.strip().strip("*_ "), True
    if not _starts_paragraph(line, previous):
        return None  # a label starts a paragraph or a list item
    found = LABEL_BOLD.match(line) or LABEL_PLAIN.match(line)
    if found is None or NUMBERED.search(found.group("label")):
        return None
    return found.group("label").strip(), not (found.group("rest") or "").strip()


def sections(text: str) -> list[Section]:
    """The write-up's sections in order: headings (the document's title left out) and
    labels, alone on their line or leading a paragraph."""
    lines = prose_lines(text)
    found: list[Section] = []
    for number, line in enumerate(lines):
        previous = lines[number - 1] if number else ""
        following = lines[number + 1] if number + 1 < len(lines) else ""
        label = label_of(line, previous, following)
        is_heading = bool(ATX_HEADING.match(line)) or bool(SETEXT_UNDERLINE.match(following))
        title = line.startswith("# ") or following.startswith("=")
        if label is None or (is_heading and title and number < 3 and not found):
            continue
        found.append(Section(label[0], number, is_heading))
    return found


@functools.lru_cache(maxsize=64)
def read_writeup(text: str) -> tuple[Statement, ...]:
    """Every sentence of the write-up outside code, headings and lone labels, with its
    section and its claims (read in the section and the heading above it)."""
    found: list[Statement] = []
    for (heading, label), body in _section_bodies(text):
        within = " / ".join(part for part in (heading, label) if part) or None
        for sentence in sentences(body, SPLITTER):
            found.append(Statement(sentence, label or heading, read_sentence(sentence, within)))
    return tuple(found)


def _section_bodies(text: str) -> Iterator[tuple[tuple[str | None, str | None], str]]:
    """Each section's heading (or lone label) and paragraph label, and its text; the lines
    that only name a section left out."""
    lines = prose_lines(text)
    where: tuple[str | None, str | None] = (None, None)
    body: list[str] = []
    for number, line in enumerate(lines):
        previous = lines[number - 1] if number else ""
        following = lines[number + 1] if number + 1 < len(lines) else ""
        found = label_of(line, previous, following)
        if SETEXT_UNDERLINE.match(line) and previous.strip():
            continue
        if found is None and where[1] is not None and _starts_paragraph(line, previous):
            yield where, "\n".join(body)
            where, body = (where[0], None), [line]
            continue
        if found is None:
            body.append(line)
            continue
        yield where, "\n".join(body)
        label, alone = found
        where, body = ((label, None), []) if alone else ((where[0], label), [line])
    yield where, "\n".join(body)


def _starts_paragraph(line: str, previous: str) -> bool:
    return bool(line.strip()) and (not previous.strip() or LIST_ITEM.match(line) is not None)


def statements(context: CheckContext) -> tuple[Statement, ...]:
    """The submission's write-up, read (empty when there is none)."""
    return read_writeup(context.writeup_text)


def describing(context: CheckContext, *kinds: ClaimKind) -> list[Statement]:
    """The write-up's sentences that say one of these is there or would be."""
    return [s for s in statements(context) if any(s.describes(kind) for kind in kinds)]
