# A submission's own requirements on top of the grading runtime, built by
# harness/sandbox/image.py with no network from a context that holds this file,
# requirements.txt (the submission's, reduced to plain requirements) and wheelhouse/ (the
# wheels the host downloaded, less those the runtime already has). The harness pins RUNTIME
# to the runtime image and BUILD to a fresh id, whose label lets it remove the images a
# failed build leaves behind.
# One stage on purpose: copying /opt/venv out of a second stage would store the whole
# runtime again for every submission; left in a lower layer, the wheelhouse costs only its
# own (usually small) size. No `chmod -R` of /opt/venv either: it would copy every file of
# the runtime into this layer (the build's umask 022 leaves new files world-readable).
ARG RUNTIME=grade-runtime
ARG BUILD=manual
FROM ${RUNTIME}
ARG BUILD
LABEL grade.build=${BUILD}
COPY wheelhouse/ /tmp/wheelhouse/
COPY requirements.txt /tmp/wheelhouse/requirements.txt
RUN python -m pip install --no-index --no-cache-dir --disable-pip-version-check \
        --progress-bar off --find-links /tmp/wheelhouse -r /tmp/wheelhouse/requirements.txt \
    && rm -rf /tmp/wheelhouse
