"""The model API of challenges for LLM-backed features: a deterministic OpenAI-compatible
server (`server.py`, standard library only, also the candidate's stand-in), the graded
config and its fault schedule (`config.py`, `faults.py`), the sidecar that runs it beside a
stage (`sidecar.py`), the request log read back as untrusted data (`requestlog.py`), and the
facts measured from it (`analysis.py`)."""
