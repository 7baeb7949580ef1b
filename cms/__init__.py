"""Where the layers meet: the ASGI app and the `cms` command, built from server/, schema/ and search/."""
