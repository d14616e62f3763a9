"""`grade repo`: a portfolio review of any repository, without a contract, the way a first
screen does it: what is there (code, notebooks, tests, CI, deployment files, serving code,
committed models, pins, tooling, type hints, complexity), what its history shows, and its own
tests run in the sandbox; green and red flags in reviewers' words and follow-up questions tied
to the evidence; `result.json` with `"kind": "portfolio"` and a report.

`git` runs git (no hooks, no user config, bounded), `clone` and `tree` get the repository
safely (a bare clone, HEAD written by the harness), `declared` reads what it calls not its
own, `history`, `languages`, `serving`, `repo` and `signals/` read it, `checks` runs the
take-home checks that apply, `suite` runs its tests in the sandbox, `scoring`, `flags`,
`facts` and `questions` judge, `model` is the result (`schema` prints its JSON Schema),
`view`/`report` the page, `summary` the terminal's lines, `cohort` a cohort of reviews,
`review` the pipeline and `command` the click command.
"""
