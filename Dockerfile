# The budgeteval service: build with the SDK, run on the ASP.NET runtime.
# docker compose up (see docker-compose.yml) runs it against PostgreSQL 15.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the package layer is cached across source changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/BudgetEvaluation.Core/BudgetEvaluation.Core.csproj src/BudgetEvaluation.Core/
COPY src/BudgetEvaluation/BudgetEvaluation.csproj src/BudgetEvaluation/
RUN dotnet restore src/BudgetEvaluation/BudgetEvaluation.csproj
COPY src/ src/
COPY migrations/ migrations/
RUN dotnet publish src/BudgetEvaluation/BudgetEvaluation.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The seed, for an operator who wants to import it: budgeteval import, or POST /api/targets.
COPY seeds/ seeds/
# Scoring schemes that POST /api/evaluations?scheme= names (schemes/<name>.json).
COPY schemes/ schemes/
# Listen on every interface inside the container; compose publishes the port.
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 \
    DOTNET_RUNNING_IN_CONTAINER=true
EXPOSE 5080
# The non-root user the .NET images provide.
USER $APP_UID
ENTRYPOINT ["dotnet", "budgeteval.dll"]
CMD ["serve"]
