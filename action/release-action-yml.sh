#!/usr/bin/env bash
# Rewrites action.yml for a release commit: `image: Dockerfile` (build on the user's runner) becomes
# `image: docker://REGISTRY/OWNER/reviewbot:X.Y.Z` (pull the prebuilt, attested image). Nothing else changes.
# .github/workflows/release.yml runs it; tests/ReviewBot.Cli.Tests/Action/ReleaseTests.cs tests it.
#
# usage: action/release-action-yml.sh ACTION_YML docker://IMAGE:X.Y.Z
set -euo pipefail
file="${1:?usage: action/release-action-yml.sh ACTION_YML docker://IMAGE:X.Y.Z}"
image="${2:?usage: action/release-action-yml.sh ACTION_YML docker://IMAGE:X.Y.Z}"
if ! [[ "$image" =~ ^docker://[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+:[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "release-action-yml: '$image' is not docker://REGISTRY/OWNER/NAME:X.Y.Z (lower case, an exact version)" >&2
  exit 2
fi
count="$(grep -c '^  image: Dockerfile$' "$file" || true)"
if [ "$count" != 1 ]; then
  echo "release-action-yml: $file must have exactly one '  image: Dockerfile' line under runs (found $count); is it already a release commit?" >&2
  exit 2
fi
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
sed "s|^  image: Dockerfile\$|  image: '$image'|" "$file" > "$tmp"
cat "$tmp" > "$file"
