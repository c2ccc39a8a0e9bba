#!/usr/bin/env bash
# The one publish of the Action's binary. The Dockerfile runs it to build the image, and the end-to-end
# tests (tests/ReviewBot.Cli.Tests/Action) run the binary it produces, as `reviewbot action`, exactly
# as the image's entrypoint does: CI exercises the same output without a Docker engine.
# It builds in a private artifacts folder, so it never touches the bin/obj folders of a build or test
# run going on at the same time.
set -euo pipefail
out="${1:?usage: action/publish.sh OUTPUT_DIR}"
cd "$(dirname "$0")/.."
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
dotnet publish src/ReviewBot.Cli/ReviewBot.Cli.csproj \
  -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -p:DebugType=none -nodeReuse:false \
  --artifacts-path "$build" \
  -o "$out"
