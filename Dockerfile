# syntax=docker/dockerfile:1
# The ReviewBot GitHub Action: `reviewbot action` (src/ReviewBot.Cli), published by action/publish.sh (self-contained,
# ReadyToRun composite, partially trimmed) onto runtime-deps, the smallest .NET base that still has a package manager for git.
# Releases do not build this on users' runners: .github/workflows/release.yml pushes it to GHCR for linux/amd64 and
# linux/arm64 and the release's action.yml names that image (docs/releasing.md). On main, action.yml says
# `image: Dockerfile`, so the repository's own pull requests review themselves with the code they change.
#
# Base images are pinned by digest (multi-arch index); the comment names the tag. Renew both together.

# mcr.microsoft.com/dotnet/sdk:10.0 (Ubuntu 24.04), on the build machine's own platform: the publish cross-compiles.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0@sha256:e70cdb7f80b0348f5cb85f19a8f670fca061f033d57eed12fa003d58b0e06317 AS build
ARG TARGETARCH
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
COPY samples/ samples/
COPY action/publish.sh action/
# The same script the end-to-end tests publish with, so CI runs this very binary. BuildKit sets TARGETARCH;
# without it (the legacy builder) the script takes the build machine's architecture.
RUN case "${TARGETARCH:-}" in \
      amd64) rid=linux-x64 ;; \
      arm64) rid=linux-arm64 ;; \
      "") rid= ;; \
      *) echo "unsupported TARGETARCH ${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && bash action/publish.sh /app $rid

# mcr.microsoft.com/dotnet/runtime-deps:10.0 (Ubuntu 24.04): the native dependencies of a self-contained app.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0@sha256:894098eafc82e5fa02ba9f2b71d426dc78252876b9e914caae77ed95cfce185a AS final
# git reads the checkout in GITHUB_WORKSPACE when there is one (no checkout: the API is used instead).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/*
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY --from=build /app /app
# No USER: GitHub runs Docker actions as root and documents that a non-root USER cannot use GITHUB_WORKSPACE
# (the workspace and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files belong to the runner's user, not to ours).
ENTRYPOINT ["/app/reviewbot", "action"]
