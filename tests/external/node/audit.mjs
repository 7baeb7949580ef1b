// Runs graphql-http's server audit against the URL given and prints one JSON
// array of {id, name, status, reason}; status is "ok", "warn" or "error".
import { auditServer } from 'graphql-http';

const results = await auditServer({ url: process.argv[2] });
console.log(
  JSON.stringify(
    results.map(({ id, name, status, reason }) => ({ id, name, status, reason: reason ?? null })),
  ),
);
