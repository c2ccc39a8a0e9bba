#!/usr/bin/env bash
# The one publish of the GitHub App server (src/ReviewBot.App), the twin of action/publish.sh: Dockerfile.app runs
# it to build the App's image, and tests/ReviewBot.App.Tests (PublishedAppTests) start the very output it produces,
# so CI exercises what the image copies without a Docker engine. Same flags as the Action: Release, linux-x64,
# framework-dependent, ReadyToRun, in a private artifacts folder (never the bin/obj of a parallel build).
set -euo pipefail
out="${1:?usage: action/publish-app.sh OUTPUT_DIR}"
cd "$(dirname "$0")/.."
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
dotnet publish src/ReviewBot.App/ReviewBot.App.csproj \
  -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -p:DebugType=none -nodeReuse:false \
  --artifacts-path "$build" \
  -o "$out"
