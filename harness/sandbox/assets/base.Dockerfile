# The base image where a registry answers: the official python:3.11-slim (pulled by
# harness/sandbox/setup.py, pinned here as FROM by its id) plus the Debian packages of
# base-packages.txt, so it holds what the debootstrapped base holds. The one image the
# harness builds with network: apt-get reaches the Debian mirror the image names.
ARG FROM=python:3.11-slim
ARG BUILD=manual
FROM ${FROM}
ARG BUILD
LABEL grade.build=${BUILD}
COPY base-packages.txt /tmp/base-packages.txt
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        $(sed -e 's/#.*//' /tmp/base-packages.txt) \
    && rm -rf /var/lib/apt/lists/* /tmp/base-packages.txt
