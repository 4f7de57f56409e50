"""The Nexa front-end: parsing, the syntax tree turned into an AST with ranges, symbols and scopes,
checks with diagnostic codes, DAG extraction and formatting. It imports nothing from the LSP side."""
