# syntax=docker/dockerfile:1
# The ReviewBot GitHub Action: `reviewbot action` (src/ReviewBot.Cli), published ReadyToRun.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
COPY samples/ samples/
RUN dotnet publish src/ReviewBot.Cli/ReviewBot.Cli.csproj \
      -c Release -r linux-x64 --self-contained false \
      -p:PublishReadyToRun=true -p:DebugType=none \
      -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS final
# git reads the checkout in GITHUB_WORKSPACE when there is one (no checkout: the API is used instead).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY --from=build /app /app
ENTRYPOINT ["/app/reviewbot", "action"]
