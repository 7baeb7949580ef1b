"""The GraphQL API: types, loaders and resolvers over the read services in `server/`."""
