"""The scheme's directory: what members offer (wants, categories and search follow)."""
