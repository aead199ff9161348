# The provgraph API. Neo4j runs as its own service (compose.yaml), so this image has no Java.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml README.md ./
COPY src ./src
COPY cypher ./cypher
COPY graphql ./graphql
COPY policies ./policies
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --no-create-home provgraph

USER provgraph
EXPOSE 8000
CMD ["provgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
