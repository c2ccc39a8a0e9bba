# syntax=docker/dockerfile:1
# The ReviewBot GitHub App server (src/ReviewBot.App), published ReadyToRun by action/publish-app.sh: the same
# script, and so the same output, that tests/ReviewBot.App.Tests/PublishedAppTests.cs starts and probes.
#   docker build -f Dockerfile.app -t reviewbot-app .
#   docker run --rm -p 8080:8080 -e REVIEWBOT_WEBHOOK_SECRET -e GITHUB_APP_ID \
#     -e GITHUB_APP_PRIVATE_KEY_PATH=/run/secrets/app.pem -v "$PWD/app.pem:/run/secrets/app.pem:ro" reviewbot-app

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
COPY action/publish-app.sh action/
RUN bash action/publish-app.sh /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
# The App reads everything through the GitHub API: no git, no shell tools needed.
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
    ASPNETCORE_URLS=http://+:8080
COPY --from=build /app /app
# Not root: the image's unprivileged 'app' user (uid 1654) runs the server; 8080 needs no privilege.
USER app
EXPOSE 8080
ENTRYPOINT ["/app/ReviewBot.App"]
