"""The Nexa language server (pygls) and the ``nexa-lsp`` command, including ``nexa-lsp --check``."""
