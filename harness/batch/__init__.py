"""`grade batch`: many submissions graded in parallel, resumable through a ledger."""
