"""Print the JSON Schema of a portfolio review's `result.json`: the committed file's text.

`.venv/bin/python -m harness.portfolio.schema > harness/schema/portfolio.schema.json`
after an intended change to `harness/portfolio/model.py` (a test fails until they agree).
"""

from __future__ import annotations

import sys

from harness.portfolio.model import portfolio_schema_text

if __name__ == "__main__":
    sys.stdout.write(portfolio_schema_text())
