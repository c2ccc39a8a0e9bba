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
# Self-contained for the runtime-deps base image (no .NET runtime in the base), and chosen by measurement
# (tests/ReviewBot.Benchmarks startup; figures in docs/releasing.md):
# - ReadyToRun composite: the framework and our assemblies compiled together, so the generic code they share (async
#   state machines over our types, collections of our records) is precompiled instead of compiled at start;
# - partially trimmed (TrimMode=partial): only assemblies that declare themselves trimmable (the framework and a few
#   packages) are trimmed; ours and the reflection-heavy packages (Octokit's JSON models, YamlDotNet's object
#   model) are kept whole. The trim analyzer's warnings are about that reflection and are not errors here; the
#   published binary runs the end-to-end tests (tests/ReviewBot.Cli.Tests, PublishedCli) to prove it.
#   Reflection-based System.Text.Json (the JSON report) stays on: trimming would turn it off by default.
# Against plain ReadyToRun on an idle 2-core machine: cold start 139 -> 101 ms, 20-file run 556 -> 409 ms,
# 46.8 -> 32.8 MB gzip-compressed; the publish takes 1.5-3 minutes instead of under one.
dotnet publish src/ReviewBot.Cli/ReviewBot.Cli.csproj \
  -c Release -r "$rid" --self-contained true \
  -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:JsonSerializerIsReflectionEnabledByDefault=true \
  -p:EnableTrimAnalyzer=false -p:SuppressTrimAnalysisWarnings=true \
  -p:SatelliteResourceLanguages=en -p:DebugType=none -nodeReuse:false \
  --artifacts-path "$build" \
  -o "$out"
