def language() -> object:
    """The Nexa grammar as a PyCapsule named ``tree_sitter.Language``."""
