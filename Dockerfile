FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cms ./cms
COPY server ./server
COPY schema ./schema
COPY search ./search
COPY seeds ./seeds
RUN pip install --no-cache-dir .
ENV ENVIRONMENT=production
EXPOSE 8000
CMD ["sh", "-c", "cms migrate && cms serve --host 0.0.0.0 --port 8000"]
