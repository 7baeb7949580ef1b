// Sends the operations of queries.graphql to the public GraphQL endpoint.

const ENDPOINT = '/graphql';
let documents = null;

/** The operations of queries.graphql, by name (loaded once). */
async function operations() {
  if (documents === null) {
    documents = fetch('/static/explorer/queries.graphql')
      .then((response) => {
        if (!response.ok) throw new Error(`could not load the queries (HTTP ${response.status})`);
        return response.text();
      })
      .then((text) => {
        const found = new Map();
        // Each operation starts at a line beginning with `query Name`.
        for (const part of text.split(/^(?=query )/m)) {
          const match = /^query (\w+)/.exec(part);
          if (match) found.set(match[1], part.replace(/^#.*$/gm, '').trim());
        }
        return found;
      });
  }
  return documents;
}

/** Runs the named operation; resolves to its `data`, or throws an Error saying what failed. */
export async function run(name, variables = {}, { signal } = {}) {
  const query = (await operations()).get(name);
  if (query === undefined) throw new Error(`no operation named ${name}`);
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables, operationName: name }),
    signal,
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the server answered HTTP ${response.status}`);
  }
  if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
  if (!response.ok || !body.data) throw new Error(`the server answered HTTP ${response.status}`);
  return body.data;
}
