# The provgraph API and web console. Neo4j runs as its own service (compose.yaml), so this image has no Java.

# The console is built with Node.js in a stage of its own; the final image carries only the built files.
FROM node:20-slim AS console
WORKDIR /build
COPY web/package.json web/package-lock.json ./web/
RUN npm --prefix web ci --no-audit --no-fund
COPY web ./web
RUN npm --prefix web run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml README.md hatch_build.py constraints.txt ./
COPY src ./src
COPY cypher ./cypher
COPY graphql ./graphql
COPY policies ./policies
# No web/ here: the build hook ships the console built above as it is.
COPY --from=console /build/src/provgraph/console/dist ./src/provgraph/console/dist
RUN pip install --no-cache-dir . -c constraints.txt \
    && useradd --system --uid 10001 --no-create-home provgraph

USER provgraph
EXPOSE 8000
CMD ["provgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
