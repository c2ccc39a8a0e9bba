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
# dotnet publish -o never removes files: a previous publish of another kind (trimmed, framework-dependent) left in
# the folder would mix with this one. Start from an empty folder; refuse to empty one that is not a publish.
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
  if [ -f "$out/reviewbot.dll" ]; then
    rm -rf "${out:?}"/*
  else
    echo "action/publish.sh: '$out' is not empty and holds no previous publish; give an empty or new folder" >&2
    exit 2
  fi
fi
cd "$(dirname "$0")/.."
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
# Self-contained and ReadyToRun, for the runtime-deps base image (no .NET runtime in the base; the runtime pack's
# framework assemblies are already ReadyToRun, so only ours and the packages are compiled here). Not trimmed:
# trimming rewrites the framework assemblies, which then lose their ReadyToRun code and must be compiled again —
# several times the publish time for a few MB (measured: docs/releasing.md) — and it puts reflection at risk
# (Octokit's JSON models, YamlDotNet, reflection-based System.Text.Json). Measured against framework-dependent
# ReadyToRun on the runtime image with tests/ReviewBot.Benchmarks (startup).
dotnet publish src/ReviewBot.Cli/ReviewBot.Cli.csproj \
  -c Release -r "$rid" --self-contained true \
  -p:PublishReadyToRun=true -p:DebugType=none -nodeReuse:false \
  --artifacts-path "$build" \
  -o "$out"
