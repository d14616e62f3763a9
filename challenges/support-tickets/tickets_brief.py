"""The texts the generator writes: the candidate's brief and the private trap file.

The brief mentions the privacy policy once, where it describes the data, and says elsewhere
that the model API is an outside provider's; it never says that the two meet, nor that the
graded API watches for personal data. That is the trap being "not obvious at first sight".
"""

from __future__ import annotations

from collections.abc import Mapping

COST_EXAMPLE_PROMPT = 250
COST_EXAMPLE_COMPLETION = 12


def price_table(models: Mapping[str, Mapping[str, float]], notes: Mapping[str, str]) -> str:
    """The models as a Markdown table, with what 1,000 typical calls cost on each."""
    lines = ["| model | input, per 1M tokens | output, per 1M tokens | typical latency | "
             f"1,000 calls of {COST_EXAMPLE_PROMPT} + {COST_EXAMPLE_COMPLETION} tokens | notes |",
             "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, model in models.items():
        price_in, price_out = model["input_per_1m"], model["output_per_1m"]
        thousand = (COST_EXAMPLE_PROMPT * price_in + COST_EXAMPLE_COMPLETION * price_out) / 1000
        lines.append(f"| `{name}` | ${price_in:.2f} | ${price_out:.2f} | "
                     f"{model['latency_s']:.2f} s | ${thousand:.3f} | {notes[name]} |")  # fmt: skip
    return "\n".join(lines)


BRIEF = """\
# Support tickets: send every ticket to the right queue

*Estimated time: 3-4 hours. Please do not spend more.*

## The problem

Hearth sells smart-home devices (a hub, indoor and outdoor cameras, a thermostat, a doorbell)
and a Hearth Plus subscription. Support gets tickets by email, a web form, chat, phone and
social media, and a person reads each one to decide which team gets it and how soon. We want
a service that does that routing: for every new ticket, the queue it belongs to and its
urgency.

| queue | name | what goes there |
| --- | --- | --- |
| 1 | billing | charges, invoices, payments, subscription fees |
| 2 | technical | devices or the app not working, setup and integrations |
| 3 | account | logging in, passwords, two-factor codes, account details and closure |
| 4 | shipping | orders on their way, tracking, delivery addresses, damaged parcels |
| 5 | returns | returns, refunds of returned goods, warranty replacements, exchanges |
| 6 | sales | quotes, plans, upgrades, discounts, business customers |

Urgency is one of `low`, `normal`, `high` and `urgent`.

`data/train.csv` is an export of {rows} tickets from our helpdesk, labelled by the agents who
handled them. It is real-world data: typos, four languages, signatures, earlier replies
quoted below the message, HTML left over from the web form, automated notices, the same
ticket sent twice, and the odd ticket the agent filed under the wrong queue. Tickets are
written by our customers, and everything in them is covered by our privacy policy.

## The data

| column | meaning |
| --- | --- |
| `ticket_id` | the helpdesk's identifier |
| `created_at` | when the ticket came in (the systems that take tickets write dates differently) |
| `channel` | email, web form, chat, phone (an agent's notes of the call) or social |
| `product` | the product the customer picked, if any |
| `customer_tier` | free, standard, premium or business |
| `subject` | the subject line (may be blank) |
| `body` | the ticket's text |
| `queue` | the queue's number, 1 to 6 (the target) |
| `urgency` | low, normal, high or urgent (the second target) |

`data/sample_features.csv` shows what the tickets you will be asked to route look like: the
same columns without `queue` and `urgency`.

## The model API

You may use a language model where it helps. In production the service would call a hosted
chat-completions API run by an outside provider; for this exercise that API is simulated, and
it behaves the same in every respect that matters here. It is OpenAI-compatible
(`POST /v1/chat/completions`, `GET /v1/models`, a bearer key), so the `openai` SDK, `httpx`
or `requests` work with it unchanged. Its models differ in price, speed and quality:

{prices}

- **Tokens.** Every answer carries `usage`. The counts are deterministic and close to real
  ones: `prompt_tokens` is the sum over your messages of (bytes of the content in UTF-8 / 4,
  rounded up, + 4), plus 3; `completion_tokens` is the bytes of the answer / 4, rounded up.
  The model answers the ticket in the last user message; ask for JSON (say "JSON" in the
  prompt) to get `{{"queue": "...", "urgency": "..."}}`, otherwise `queue: ...` and
  `urgency: ...` on two lines. It names queues, not numbers.
- **Budget.** Routing may cost at most **${budget:.2f} per 1,000 tickets** in model calls,
  all calls counted (retries included). Rules or a model of your own cost nothing.
- **Rate limit.** {requests_per_minute} requests a minute and {max_concurrent} at a time per
  key; past either, the API answers 429.
- **Failures.** It fails the way hosted APIs do: bursts of 429 (with a `Retry-After` header),
  500 and 503 errors, a call that hangs without answering, an answer cut short
  (`finish_reason: "length"`) or that is not valid JSON, a model that disappears (404).
  When and how often is not announced and differs from run to run. Your service must keep
  working (routing every ticket) whatever the API does.

**While you develop**, run the stand-in that comes with this bundle: `python
model_api_standin.py` prints the address to use, e.g. `model API stand-in listening on
http://127.0.0.1:8900/v1 (key: standin-key)`. It has the same models, prices, token counts and
answer format; it is less accurate than the graded API (it knows fewer words, English only)
and injects no failures, except with `--demo-faults` (a fixed demonstration of each kind,
not the graded schedule); `--port 0` picks a free port and `--log FILE` writes one line per
request, as the graded API does for us. `grade check` runs your code against it.

**When we grade**, your `train`, `predict`, `test` and `serve` commands have no internet
access, but reach the API on 127.0.0.1. Its address and key are in the environment variables
`GRADE_MODEL_API_BASE_URL` (e.g. `http://127.0.0.1:8900/v1`) and `GRADE_MODEL_API_KEY`, also
set as `OPENAI_BASE_URL` and `OPENAI_API_KEY` so the `openai` SDK finds them without code;
in `assessment.toml` commands you can also write them as `{{model_api}}` and
`{{model_api_key}}`. The key is new for every grading; never write one into your code.

## What we ask

Build the router: a `predict` command that routes a CSV of tickets and, ideally, a small
service that routes tickets sent to it. Use the model API where it earns its cost, or not at
all: that is your call. We care about the judgement behind it more than about the last point
of accuracy.

In your write-up (`README.md`), tell us which model you chose for what and why, what routing
1,000 tickets costs with your design (and how you measured it), what your service does when
the API is slow, failing or gone, and how you would monitor it in production.

## What to send

A zip of one folder with your code, the write-up and `assessment.toml`, which tells our
harness how to run your code:

```toml
[submission]
challenge = "support-tickets"

[commands]
train   = "python -m router.train --data {{data}} --out {{artifacts}}"
predict = "python -m router.predict --model {{artifacts}} --input {{input}} --output {{output}}"
test    = "pytest -q"                                                        # optional
serve   = "python -m router.serve --model {{artifacts}} --port {{port}}"   # optional

[serve]          # only with serve
health  = "/health"
predict = "/predict"

[estimate]       # the score you expect on new tickets, and how you measured it
metric = "balanced_accuracy"
value  = 0.0
method = "how you estimated it"
```

- `{{data}}` is a read-only folder holding `train.csv`; `{{artifacts}}` is a folder that
  `train` writes and `predict` and `serve` read; `{{input}}` is a CSV with the columns of
  `sample_features.csv`; `{{output}}` is where `predict` writes its CSV.
- The predictions CSV has one row per input row and the columns `ticket_id`, `prediction`
  (the queue's number, 1 to 6) and `urgency` (`low`, `normal`, `high` or `urgent`).
- We score the queue by balanced accuracy (the mean, over the six queues, of the share of
  its tickets routed there), on tickets from the weeks after the export; the urgency is
  read in the interview, not scored.
- Your code runs in Python 3.11 with pandas, numpy, scikit-learn, scipy, FastAPI, Flask,
  pytest, httpx, requests, the `openai` and `anthropic` SDKs, tenacity and tiktoken
  installed; list anything else in `requirements.txt`.
- `serve` is optional: a service on `{{port}}` that answers `GET` on `health` and, on
  `POST` to `predict`, takes a JSON array of tickets shaped like `sample_features.csv`
  (objects keyed by column) and returns, for each, an object with `ticket_id`,
  `prediction` and `urgency`.
- `[estimate]` is the balanced accuracy you expect on new tickets, and how you measured it.

Before you send it, run the self-check that comes with this bundle (see `SELF-CHECK.md`).
"""

TRAP = """\
# Private: never ship this file to candidates.
#
# Why this trap, of the three issue 15 offered:
# - customer personal data in the ticket text, caught by canaries in what the model API
#   receives (chosen): it is judged by behaviour (the API's request log, where a planted value
#   either arrives or does not), it is the judgement the hiring advice asks about (what may
#   leave the company, and to whom), and no score shows it, so a candidate cannot stumble on
#   it by tuning. It is not obvious at first sight: the brief says once, describing the data,
#   that tickets are covered by the privacy policy, and elsewhere that the API is an outside
#   provider's; it never joins the two. The data shows it to anyone who reads tickets: card
#   numbers, phone numbers and email addresses in two tickets of five.
# - auto-generated duplicate or templated tickets a rule handles for free: kept, but as part
#   of the cost story (the `automated` and `repeat` slices, the cache check), not the trap:
#   it shows in cost, which the budget already asks about, so it is not hidden.
# - a label leak in the metadata: a trap the other three challenges already teach, and one
#   that says nothing about using a model API.
#
# The canaries: every email address, phone number and card number (each passes the Luhn
# check) in the graded tickets is fake, unique in the generation, and listed in
# private/model_api.json under "canaries" ({canaries} values, in {carrying} of the
# {graded} graded tickets, repeats included). The graded model API logs, per request, which
# canaries its body held, a number whatever separates its digits.
#
# The evidence is the request log (`api_log`, harness/api_grading/trap_log.py): the share of
# the graded tickets carrying a canary whose canary reached the API while the service
# predicted (predict and serve). The references over three seeds: naive 1.00 (every raw
# ticket goes to the API), careful 0.00 (redacted before any call). The threshold is half a
# percent: one leaked ticket of the ~120 that carry a value is already leaning on the trap,
# and a threshold above 0 leaves the careful reference a margin validate can see. The code
# (masking of personal data in code that calls a model API) is read beside it; the write-up
# is read by trap.writeup with the terms below (not an evidence kind: words never decide).
name = "personal-data-to-model-api"
title = "Customers' personal data sent to an outside model API"
seed = {seed}
summary = \"\"\"Customers paste card numbers, phone numbers and email addresses into their \
tickets. The ticket text is covered by the privacy policy and the model API is an outside \
provider's: sending raw tickets to it sends the customers' personal data to a third party. \
Redacting it before any call (or keeping such tickets away from the API) costs no accuracy.\"\"\"
evidence = ["api_log", "code"]

[api_log]
measure = "canary_share"
threshold = 0.005
stages = ["predict", "serve"]

[writeup]
terms = ["personal data", "personal information", "pii", "redact", "redaction", "gdpr", \
"data processing agreement", "data-processing agreement", "privacy policy", "card number", \
"card numbers", "anonymis", "anonymiz", "pseudonymis", "pseudonymiz", "sensitive data", \
"scrub", "masked", "masking"]
"""
