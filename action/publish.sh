#!/usr/bin/env bash
# The one publish of the Action's binary. The Dockerfile runs it to build the image, and the end-to-end
# tests (tests/ReviewBot.Cli.Tests/Action) run the binary it produces, as `reviewbot action`, exactly
# as the image's entrypoint does: CI exercises the same output without a Docker engine.
# It builds in a private artifacts folder, so it never touches the bin/obj folders of a build or test
# run going on at the same time.
#
# usage: action/publish.sh OUTPUT_DIR [RID]
#   RID: the runtime identifier, linux-x64 or linux-arm64; default: this machine's. Cross-publishing needs no
#   machine of the other architecture (the runtime and crossgen packs come from the package feed).
set -euo pipefail
out="${1:?usage: action/publish.sh OUTPUT_DIR [RID]}"
rid="${2:-}"
if [ -z "$rid" ]; then
  case "$(uname -m)" in
    x86_64 | amd64) rid=linux-x64 ;;
    aarch64 | arm64) rid=linux-arm64 ;;
    *) echo "action/publish.sh: no default runtime identifier for machine '$(uname -m)'; pass one (linux-x64 or linux-arm64)" >&2; exit 2 ;;
  esac
fi
case "$rid" in
  linux-x64 | linux-arm64) ;;
  *) echo "action/publish.sh: unsupported runtime identifier '$rid' (linux-x64 or linux-arm64)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
# Self-contained, trimmed (partial: the framework only; see ReviewBot.Cli.csproj) and ReadyToRun, for the
# runtime-deps base image: measured against framework-dependent ReadyToRun on the runtime image with
# tests/ReviewBot.Benchmarks (startup): a faster cold start and a smaller image (docs/releasing.md).
# The trim analysis runs once, at link time (its warnings are listed, not errors: see the csproj); the compile-time
# trim analyzer would repeat the same warnings in every project, where they are errors.
dotnet publish src/ReviewBot.Cli/ReviewBot.Cli.csproj \
  -c Release -r "$rid" --self-contained true \
  -p:PublishTrimmed=true -p:EnableTrimAnalyzer=false -p:PublishReadyToRun=true -p:DebugType=none -nodeReuse:false \
  --artifacts-path "$build" \
  -o "$out"
