#!/usr/bin/env bash
# The one publish of the Action's binary. The Dockerfile runs it to build the image, and the end-to-end
# tests (tests/ReviewBot.Cli.Tests/Action) run the binary it produces, as `reviewbot action`, exactly
# as the image's entrypoint does: CI exercises the same output without a Docker engine.
set -euo pipefail
out="${1:?usage: action/publish.sh OUTPUT_DIR [CONFIGURATION]}"
configuration="${2:-Release}"
cd "$(dirname "$0")/.."
dotnet publish src/ReviewBot.Cli/ReviewBot.Cli.csproj \
  -c "$configuration" -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -p:DebugType=none -nodeReuse:false \
  -o "$out"
