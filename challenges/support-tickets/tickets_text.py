"""One ticket's subject and body, written the way each channel writes them.

An email has a greeting, the issue, a detail or two, a closing, often a signature (with the
sender's company, phone and email) and sometimes the previous reply quoted below it, whose
words may belong to another queue. A web form is the issue alone, sometimes with HTML left in;
chat is short and lower-case; phone tickets are an agent's notes with a call-back number;
social posts are one line. Typos go into the customer's own words only, never into a
personal value, so a planted value reaches the text exactly as drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tickets_personal as personal
from tickets_vocabulary import (
    CLOSINGS,
    DETAILS,
    DEVICES,
    FOREIGN_URGENT,
    GREETINGS,
    QUOTED_REPLIES,
    SIGN_OFFS,
    TITLES,
    URGENCY_CUES,
    Issue,
)

from harness.challenges.datagen import Rng

MONTHS = ("January", "February", "March", "April", "May", "June")


@dataclass(frozen=True)
class Sender:
    """Who writes the ticket, and through which channel."""

    first: str
    last: str
    channel: str
    company: str | None


class Slots(dict[str, str]):
    """The values a phrasing's braces take, drawn only when a phrasing asks for them (so a
    personal value is drawn only when it will be in the text)."""

    def __init__(self, rng: Rng, ledger: personal.Ledger, sender: Sender) -> None:
        super().__init__()
        self.rng, self.ledger, self.sender = rng, ledger, sender

    def __missing__(self, key: str) -> str:
        value = self._draw(key)
        self[key] = value
        return value

    def _draw(self, key: str) -> str:
        rng, maker = self.rng, SLOT_MAKERS.get(key)
        if key == "email":
            return personal.email(rng, self.ledger, self.sender.first, self.sender.last)
        if maker is None:
            raise KeyError(key)
        return maker(rng)


def _amount(rng: Rng) -> str:
    return f"{rng.choice(['£', '€', '$'])}{rng.integer(5, 39)}.{rng.choice(['99', '00', '49'])}"


SLOT_MAKERS: dict[str, Callable[[Rng], str]] = {
    "amount": _amount,
    "amount2": _amount,
    "day": lambda r: f"{r.integer(1, 14)}th",
    "day2": lambda r: f"{r.integer(15, 28)}th",
    "invoice": lambda r: f"INV-2025-{r.integer(1000, 9999)}",
    "order": lambda r: f"HX-{r.integer(10000, 99999)}",
    "tracking": lambda r: f"1Z{r.token(12).upper()}",
    "month": lambda r: r.choice(MONTHS),
    "days": lambda r: str(r.integer(3, 21)),
    "code": lambda r: str(r.integer(10, 99)),
    "version": lambda r: f"4.{r.integer(0, 9)}.{r.integer(0, 20)}",
    "n": lambda r: str(r.integer(2, 9)),
    "date": lambda r: f"{r.integer(1, 28)} {r.choice(MONTHS)}",
    "device": lambda r: r.choice(DEVICES),
    "device_id": lambda r: f"HB-{r.token(6).upper()}",
    "site": lambda r: f"{r.choice(['Flat', 'Unit', 'House'])} {r.integer(1, 80)}",
    "time": lambda r: f"{r.integer(0, 23):02d}:{r.integer(0, 59):02d} UTC",
    "ref": lambda r: r.token(8),
}


def fill(text: str, slots: Slots) -> str:
    """The phrasing with its braces filled (each slot drawn once per ticket)."""
    return text.format_map(slots)


def typos(rng: Rng, text: str, count: int) -> str:
    """`count` slips of the keyboard in words of five letters or more: two letters swapped,
    one dropped or one doubled."""
    words = text.split(" ")
    long_words = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    for _ in range(min(count, len(long_words))):
        i = rng.choice(long_words)
        words[i] = _slip(rng, words[i])
    return " ".join(words)


def _slip(rng: Rng, word: str) -> str:
    at = rng.integer(1, len(word) - 2)
    kind = rng.integer(0, 2)
    if kind == 0:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == 1:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def customer_words(rng: Rng, issue: Issue, slots: Slots, cue: int) -> str:
    """The issue in the customer's words, with a detail and the urgency cue, typos and all."""
    line = fill(rng.choice(issue.lines), slots)
    if issue.language == "en" and rng.chance(0.3):
        line = typos(rng, line, rng.integer(1, 3))
    parts = [line]
    if issue.language == "en":
        parts.append(_detail(rng, slots))
        if cue in URGENCY_CUES:
            parts.append(fill(rng.choice(URGENCY_CUES[cue]), slots))
    elif cue >= 2:
        parts.append(FOREIGN_URGENT[issue.language])
    return " ".join(part for part in parts if part)


def _detail(rng: Rng, slots: Slots) -> str:
    return fill(rng.choice(DETAILS), slots) if rng.chance(0.6) else ""


def personal_sentence(rng: Rng, ledger: personal.Ledger, issue: Issue) -> str:
    """A personal value the customer volunteers: a card number, a number to call back."""
    if issue.language != "en":
        return ""
    card_chance = 0.4 if issue.queue in ("billing", "returns") else 0.04
    if rng.chance(card_chance):
        number = personal.card(rng, ledger)
        return rng.choice([
            f"My card number is {number} in case you need it to find the payment.",
            f"The card is {number}, expiry {rng.integer(1, 12):02d}/{rng.integer(26, 30)}.",
            f"card used: {number}",
        ])  # fmt: skip
    if rng.chance(0.18):
        return rng.choice(["Please call me back on {}.", "You can reach me on {} during the day.",
                           "My number is {}."]).format(personal.phone(rng, ledger))  # fmt: skip
    return ""


def signature(rng: Rng, ledger: personal.Ledger, sender: Sender) -> str:
    """A name, sometimes a title and company, a phone number, an email, a sign-off."""
    lines = [f"{sender.first} {sender.last}"]
    if sender.company and rng.chance(0.7):
        lines.append(f"{rng.choice(TITLES)}, {sender.company}")
    if rng.chance(0.45):
        lines.append(f"Tel: {personal.phone(rng, ledger)}")
    if rng.chance(0.35):
        lines.append(personal.email(rng, ledger, sender.first, sender.last))
    if rng.chance(0.3):
        lines.append(rng.choice(SIGN_OFFS))
    return "\n".join(lines)


def quoted_reply(rng: Rng) -> str:
    """Hearth's earlier answer, quoted under the new message (on any queue's subject)."""
    date = f"{rng.integer(1, 28)} {rng.choice(MONTHS)} 2025"
    reply = rng.choice(QUOTED_REPLIES)
    return f"On {date}, Hearth Support <support@hearth.example> wrote:\n> {reply}"


def email_body(rng: Rng, ledger: personal.Ledger, issue: Issue, slots: Slots, cue: int) -> str:
    """An email: greeting, words, a volunteered value, closing, signature, maybe a quote."""
    language = issue.language
    greeting = rng.choice(GREETINGS[language])
    words = customer_words(rng, issue, slots, cue)
    extra = personal_sentence(rng, ledger, issue)
    closing = rng.choice(CLOSINGS[language])
    parts = [greeting, " ".join(p for p in (words, extra) if p), closing]
    parts = [p for p in parts if p]
    body = "\n\n".join(parts) + "\n" + signature(rng, ledger, slots.sender)
    if rng.chance(0.22):
        body += "\n\n" + quoted_reply(rng)
    return body


def web_form_body(rng: Rng, ledger: personal.Ledger, issue: Issue, slots: Slots,
                  cue: int) -> str:  # fmt: skip
    """The form's one text box: the words and a volunteered value, HTML left in sometimes."""
    body = " ".join(p for p in (customer_words(rng, issue, slots, cue),
                                personal_sentence(rng, ledger, issue)) if p)  # fmt: skip
    if rng.chance(0.12):
        body = body.replace(". ", ".<br>", 1).replace(" ", "&nbsp;", 1)
    return body


def chat_body(rng: Rng, issue: Issue, slots: Slots, cue: int) -> str:
    """A chat transcript's first message: short, lower-case, no greeting to speak of."""
    words = fill(rng.choice(issue.lines), slots)
    if cue >= 2:
        words += " " + FOREIGN_URGENT.get(issue.language, "pls help asap")
    return f"{rng.choice(['hi', 'hello', 'hey', 'hi there'])} {words.lower()}"


def phone_body(rng: Rng, ledger: personal.Ledger, issue: Issue, slots: Slots,
               cue: int) -> str:  # fmt: skip
    """An agent's notes of a call, with the number to call back."""
    sender = slots.sender
    words = customer_words(rng, issue, slots, cue)
    callback = personal.phone(rng, ledger)
    return (f"Call from {sender.first} {sender.last}. Customer says: \"{words}\"\n"
            f"Callback: {callback}")  # fmt: skip


def social_body(rng: Rng, issue: Issue, slots: Slots, cue: int) -> str:
    """A public post or direct message to the brand account."""
    words = fill(rng.choice(issue.lines), slots)
    tail = " #fail" if cue >= 1 and rng.chance(0.5) else ""
    return f"@HearthHome {words}{tail}"


def body_for(rng: Rng, ledger: personal.Ledger, issue: Issue, slots: Slots, cue: int) -> str:
    """The body as the sender's channel writes it."""
    channel = slots.sender.channel
    if channel == "email":
        return email_body(rng, ledger, issue, slots, cue)
    if channel == "web_form":
        return web_form_body(rng, ledger, issue, slots, cue)
    if channel == "chat":
        return chat_body(rng, issue, slots, cue)
    if channel == "phone":
        return phone_body(rng, ledger, issue, slots, cue)
    return social_body(rng, issue, slots, cue)


def subject_for(rng: Rng, issue: Issue, slots: Slots, body: str) -> str:
    """A subject line: usually the issue's, sometimes blank, shouted or a reply."""
    if rng.chance(0.07):
        return ""
    subject = fill(rng.choice(issue.subjects), slots)
    if "wrote:\n>" in body:
        subject = "Re: " + subject
    return subject.upper() if rng.chance(0.04) else subject
